"""Temp-dir cache files (huiqi.config.temp_cache_path, is_private_file)."""

from __future__ import annotations

import os

import pytest

from huiqi import config


@pytest.fixture()
def tmpdir_as_temp(tmp_path, monkeypatch):
    monkeypatch.setattr(config.tempfile, "gettempdir", lambda: str(tmp_path))
    return tmp_path


def test_cache_path_is_per_user_and_reused_when_private(tmpdir_as_temp):
    path = config.temp_cache_path("huiqi_jieba.cache")
    assert path.parent == tmpdir_as_temp and path.name == f"huiqi_jieba_{os.getuid()}.cache"
    path.write_bytes(b"x")
    path.chmod(0o600)
    assert config.is_private_file(path)
    assert config.temp_cache_path("huiqi_jieba.cache") == path


@pytest.mark.parametrize("mode", [0o666, 0o620])
def test_a_file_others_may_write_is_not_used(tmpdir_as_temp, mode):
    path = config.temp_cache_path("huiqi_jieba.cache")
    path.write_bytes(b"planted")
    path.chmod(mode)
    assert not config.is_private_file(path)
    other = config.temp_cache_path("huiqi_jieba.cache")
    assert other != path and other.parent == tmpdir_as_temp and str(os.getpid()) in other.name


def test_a_link_is_not_used(tmpdir_as_temp):
    target = tmpdir_as_temp / "elsewhere"
    target.write_bytes(b"x")
    target.chmod(0o600)
    path = config.temp_cache_path("huiqi_jieba.cache")
    path.symlink_to(target)
    assert config.temp_cache_path("huiqi_jieba.cache") != path

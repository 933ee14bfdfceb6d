"""Database URL resolution, derived dir and manifest loading (huiqi.config)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from huiqi import config


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    monkeypatch.delenv("HUIQI_DB", raising=False)
    monkeypatch.delenv("HUIQI_DATA_DIR", raising=False)


def test_plain_path_means_sqlite(tmp_path):
    url = config.to_url(str(tmp_path / "x.db"))
    assert url == f"sqlite:///{(tmp_path / 'x.db').resolve()}"


def test_relative_path_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert config.to_url("sub/k.db") == f"sqlite:///{tmp_path.resolve() / 'sub' / 'k.db'}"


def test_urls_are_kept():
    assert config.to_url("sqlite:///tmp/a.db") == "sqlite:///tmp/a.db"
    pg = "postgresql+psycopg://u:p@localhost:5432/huiqi"
    assert config.to_url(pg) == pg
    with pytest.raises(ValueError):
        config.to_url("  ")


def test_option_beats_env_beats_default(tmp_path, monkeypatch):
    monkeypatch.setenv("HUIQI_DB", str(tmp_path / "env.db"))
    s = config.resolve_db(str(tmp_path / "opt.db"))
    assert s.url.endswith("opt.db") and not s.is_default
    s = config.resolve_db(None)
    assert s.url.endswith("env.db") and not s.is_default


def test_default_under_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HUIQI_DATA_DIR", str(tmp_path / "data"))
    s = config.resolve_db()
    assert s.is_default
    assert s.url == f"sqlite:///{(tmp_path / 'data' / 'huiqi.db').resolve()}"
    assert (tmp_path / "data").is_dir()


def test_default_under_cwd_var(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = config.resolve_db()
    assert s.url == f"sqlite:///{tmp_path.resolve() / 'var' / 'huiqi.db'}"
    assert (tmp_path / "var").is_dir()


def test_derived_dir(tmp_path, monkeypatch):
    assert config.derived_dir(f"sqlite:///{tmp_path / 'a' / 'k.db'}") == tmp_path / "a"
    monkeypatch.setenv("HUIQI_DATA_DIR", str(tmp_path / "d"))
    pg = config.derived_dir("postgresql+psycopg://u:secret@h:5432/db")
    assert pg.parent == (tmp_path / "d").resolve() and pg.name.startswith("postgresql-db-") and pg.is_dir()
    assert "secret" not in str(pg)
    # one directory per server database: same database → same dir, another database or server → another
    assert config.derived_dir("postgresql+psycopg://other@h:5432/db") == pg
    assert config.derived_dir("postgresql+psycopg://u@h:5432/db2") != pg
    assert config.derived_dir("postgresql+psycopg://u@h2:5432/db") != pg
    assert config.derived_dir("sqlite://") == (tmp_path / "d").resolve()


def test_corpus_dir_is_bundled():
    d = config.corpus_dir()
    assert d.name == "corpus" and d.parent.name == "data"
    names = [p.name for p in config.corpus_files(d)]
    assert names and "manifest.yaml" not in names


def test_manifest_unknown_and_dates(tmp_path):
    m = tmp_path / "manifest.yaml"
    m.write_text(
        "a.txt:\n  title: 某政策\n  issuer: unknown\n  level: 自治区\n  issued: 2022-05-20\n"
        "b.txt:\n  title: 乙\n  issued: 2022年\n",
        encoding="utf-8",
    )
    got = config.load_manifest(m)
    assert got["a.txt"]["issuer"] is None
    assert got["a.txt"]["issued"] == date(2022, 5, 20)
    assert got["a.txt"]["level"] == "自治区"
    assert got["b.txt"]["issued"] is None


def test_manifest_list_form_and_missing(tmp_path):
    m = tmp_path / "manifest.yaml"
    m.write_text("files:\n  - file: a.txt\n    region: 呼和浩特市\n", encoding="utf-8")
    assert config.load_manifest(m) == {"a.txt": {"file": "a.txt", "region": "呼和浩特市"}}
    assert config.load_manifest(tmp_path / "none.yaml") == {}
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [unclosed", encoding="utf-8")
    assert config.load_manifest(bad) == {}

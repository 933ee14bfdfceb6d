"""Decompression bombs are refused from the zip directory (issue 16, defect 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from huiqi.readers import SourceError, read_source
from tests.readers.helpers import docx_bomb


def test_bomb_refused_by_ratio_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "炸弹.docx"
    path.write_bytes(docx_bomb(30 * 1024 * 1024))  # ~30 KB on disk, 30 MB declared
    assert path.stat().st_size < 200_000
    with pytest.raises(SourceError) as err:
        read_source(path)
    assert "压缩炸弹" in err.value.reason and "压缩比" in err.value.reason
    assert "\n" not in str(err.value)


def test_bomb_refused_by_total_size(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HUIQI_MAX_UNZIPPED_MB", "1")
    path = tmp_path / "big.docx"
    path.write_bytes(docx_bomb(2 * 1024 * 1024))
    with pytest.raises(SourceError) as err:
        read_source(path)
    assert "解压后过大" in err.value.reason and "HUIQI_MAX_UNZIPPED_MB" in err.value.reason


def test_ordinary_docx_with_a_long_run_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "ok.docx"
    path.write_bytes(docx_bomb(200_000, char="企"))  # 600 KB of text, within every limit
    src = read_source(path)
    assert src.lines[0].startswith("企企企") and len(src.lines[0]) == 200_000


def test_nul_bytes_are_stripped(tmp_path: Path) -> None:
    """Defect 11: a NUL byte ingested on SQLite and failed on PostgreSQL."""
    from huiqi.normalize.text import normalize_chars

    path = tmp_path / "nul.txt"
    body = "关于支持企业发展的通知\n" + "一、对企业给予奖励。\n" * 400  # past the 8000-byte binary sniff
    path.write_bytes((body + "二、对企业\x00给予奖励。\n").encode("utf-8"))
    src = read_source(path)
    assert all("\x00" not in line for line in src.lines)
    assert src.lines[401] == "二、对企业给予奖励。"
    assert normalize_chars("a\x00b") == "ab"

"""Bad inputs: every one must raise SourceError with a short Chinese reason."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from huiqi.readers import SourceError, read_source


def _reason(path: Path | str, **kwargs) -> str:
    with pytest.raises(SourceError) as info:
        read_source(path, **kwargs)
    err = info.value
    assert str(err) == f"{err.path}: {err.reason}"
    assert "\n" not in str(err)
    return err.reason


def test_nonexistent(tmp_path: Path) -> None:
    assert _reason(tmp_path / "missing.txt") == "文件不存在"


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert "目录" in _reason(folder)


def test_unsupported_extension_lists_supported(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b", encoding="utf-8")
    reason = _reason(path)
    assert "不支持" in reason and ".csv" in reason
    for suffix in (".txt", ".pdf", ".docx", ".html"):
        assert suffix in reason


def test_no_extension(tmp_path: Path) -> None:
    path = tmp_path / "README"
    path.write_text("政策", encoding="utf-8")
    assert "无扩展名" in _reason(path)


def test_legacy_doc_gets_hint(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert ".docx" in _reason(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert _reason(path) == "文件为空"


@pytest.mark.parametrize(
    "content",
    [b"   \n\n\t \r\n", "\u3000\u3000\n \n".encode("utf-8"), b"\xef\xbb\xbf\n\n"],
    ids=["ascii-space", "fullwidth-space", "bom-only"],
)
def test_whitespace_only(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    assert _reason(path) == "文件为空"


def test_binary_with_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert "二进制" in _reason(path)


def test_binary_control_characters_without_nul(tmp_path: Path) -> None:
    # Valid UTF-8 but made of control characters: not text.
    path = tmp_path / "ctrl.txt"
    path.write_bytes(bytes(range(1, 32)) * 50)
    assert "二进制" in _reason(path)


def test_random_bytes_with_nul(tmp_path: Path) -> None:
    path = tmp_path / "random.txt"
    path.write_bytes(random.Random(7).randbytes(4096))
    assert "二进制" in _reason(path)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_bytes_without_nul_unknown_encoding(tmp_path: Path, seed: int) -> None:
    data = random.Random(seed).randbytes(4096).replace(b"\x00", b"\x01")
    path = tmp_path / "random.txt"
    path.write_bytes(data)
    assert "无法识别文本编码" in _reason(path)


def test_invalid_utf8_after_bom(tmp_path: Path) -> None:
    path = tmp_path / "badbom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "政策".encode("gbk"))
    assert "UTF-8" in _reason(path)


def test_too_large_small_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("政策文本\n" * 100, encoding="utf-8")
    reason = _reason(path, max_bytes=100)
    assert "文件过大" in reason
    # The same file is fine under a limit it fits in.
    assert len(read_source(path, max_bytes=10_000).lines) == 100


def test_too_large_sparse_200mb_refused_without_reading(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:
        f.truncate(200 * 1024 * 1024)

    def no_read(self, *args, **kwargs):  # pragma: no cover - must never run
        raise AssertionError("oversized file was read")

    monkeypatch.setattr(Path, "read_bytes", no_read)
    monkeypatch.setattr(Path, "open", no_read)
    reason = _reason(path)  # the patched reads above fail the test if the file is read
    assert "文件过大" in reason and "200.0 MB" in reason and "100.0 MB" in reason


def test_unexpected_reader_failure_becomes_source_error(tmp_path: Path, monkeypatch) -> None:
    import huiqi.readers as readers

    def broken(path, data):
        raise ValueError("internal bug")

    monkeypatch.setitem(readers._READERS, ".txt", broken)
    path = tmp_path / "ok.txt"
    path.write_text("政策", encoding="utf-8")
    assert "ValueError" in _reason(path)

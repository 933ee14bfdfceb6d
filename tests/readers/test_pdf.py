"""PDF reader: text layer, page starts, encrypted / image-only / corrupt files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from huiqi.readers import SourceError, read_source
from tests.readers.helpers import blank_pdf, encrypted_pdf, minimal_pdf, write

PAGES = [
    ["Policy list 2024", "Article 1: subsidy of 500000 yuan (max)"],
    ["Article 2: tax relief", "Contact: office"],
    ["Annex"],
]


def _reason(path: Path) -> str:
    with pytest.raises(SourceError) as info:
        read_source(path)
    return info.value.reason


def test_pdf_with_text(tmp_path: Path) -> None:
    data = minimal_pdf(PAGES)
    src = read_source(write(tmp_path / "policy.pdf", data))
    assert src.lines == [line for page in PAGES for line in page]
    assert src.meta["page_starts"] == [1, 3, 5]
    assert src.meta["pages"] == 3
    assert (src.kind, src.encoding) == ("pdf", "pdf")
    assert src.sha256 == hashlib.sha256(data).hexdigest()


def test_uppercase_pdf_suffix(tmp_path: Path) -> None:
    src = read_source(write(tmp_path / "POLICY.PDF", minimal_pdf([["Hello"]])))
    assert src.lines == ["Hello"]


def test_empty_page_still_has_a_line(tmp_path: Path) -> None:
    src = read_source(write(tmp_path / "gap.pdf", minimal_pdf([["First"], [], ["Third"]])))
    assert src.lines == ["First", "", "Third"]
    assert src.meta["page_starts"] == [1, 2, 3]


def test_encrypted_pdf_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "locked.pdf", encrypted_pdf(PAGES, user_password="pw"))
    assert "加密的PDF" in _reason(path)


def test_encrypted_with_empty_user_password_is_read(tmp_path: Path) -> None:
    # Owner-password-only PDFs (printing/copy restrictions) open with the empty password.
    path = write(tmp_path / "restricted.pdf", encrypted_pdf(PAGES, user_password=""))
    assert read_source(path).lines[0] == "Policy list 2024"


def test_image_only_pdf(tmp_path: Path) -> None:
    path = write(tmp_path / "scan.pdf", blank_pdf(3))
    assert _reason(path) == "PDF没有文本层（可能是扫描件），请先做OCR"


@pytest.mark.parametrize(
    "data",
    [
        minimal_pdf(PAGES)[:80],
        b"%PDF-1.7\n" + bytes(range(256)) * 20,
    ],
    ids=["truncated", "garbage-after-header"],
)
def test_corrupt_pdf(tmp_path: Path, data: bytes) -> None:
    assert "损坏" in _reason(write(tmp_path / "bad.pdf", data))


def test_not_a_pdf(tmp_path: Path) -> None:
    path = write(tmp_path / "fake.pdf", "这不是PDF".encode("utf-8"))
    assert "不是有效的PDF" in _reason(path)


def test_empty_pdf_file(tmp_path: Path) -> None:
    assert _reason(write(tmp_path / "zero.pdf", b"")) == "文件为空"

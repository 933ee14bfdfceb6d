"""Reader for PDF files with a text layer (via pypdf)."""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from huiqi.readers.base import SourceError, SourceText, sha256_bytes
from huiqi.readers.common import split_lines

ENCRYPTED_REASON = "加密的PDF，无法读取（请先解除密码保护）"
NO_TEXT_REASON = "PDF没有文本层（可能是扫描件），请先做OCR"
CORRUPT_REASON = "PDF文件已损坏或格式无效"


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's log warnings (e.g. repaired xref tables) while reading.

    Problems that matter are reported as :class:`SourceError`; pypdf's own
    warnings would only add noise to the one-line CLI error.
    """
    logger = logging.getLogger("pypdf")
    old_level = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(old_level)


def _open(path: Path, data: bytes) -> PdfReader:
    """Open and, if needed, decrypt with the empty password (many PDFs only restrict printing)."""
    if b"%PDF-" not in data[:1024]:
        raise SourceError(path, "不是有效的PDF文件（缺少%PDF文件头）")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except Exception:  # pypdf raises many types on broken input
        raise SourceError(path, CORRUPT_REASON) from None
    if reader.is_encrypted:
        try:
            unlocked = reader.decrypt("")
        except DependencyError:
            raise SourceError(path, "加密的PDF，解密需要 cryptography 库（未安装）") from None
        except Exception:
            raise SourceError(path, ENCRYPTED_REASON) from None
        if not unlocked:  # PasswordType.NOT_DECRYPTED == 0
            raise SourceError(path, ENCRYPTED_REASON)
    return reader


def read_pdf(path: Path, data: bytes) -> SourceText:
    """Extract the text layer of every page, in page order.

    ``lines`` are the pages' text lines concatenated; every page contributes at
    least one (possibly empty) line so that ``meta["page_starts"][i]`` — the
    1-based line number where page ``i + 1`` begins — is strictly increasing.
    ``meta["pages"]`` is the page count. ``encoding`` is ``"pdf"``.

    Raises :class:`SourceError` for an encrypted PDF that the empty password
    does not open (加密的PDF), a corrupt file (已损坏), or a PDF whose pages
    have no text at all (没有文本层（可能是扫描件），请先做OCR).
    """
    with _quiet_pypdf():
        reader = _open(path, data)
        lines: list[str] = []
        page_starts: list[int] = []
        try:
            pages = list(reader.pages)
            for page in pages:
                page_starts.append(len(lines) + 1)
                page_lines = split_lines(page.extract_text() or "")
                lines.extend(page_lines or [""])
        except FileNotDecryptedError:
            raise SourceError(path, ENCRYPTED_REASON) from None
        except SourceError:
            raise
        except Exception:
            raise SourceError(path, CORRUPT_REASON) from None
    if not pages:
        raise SourceError(path, "PDF没有任何页面")
    if not any(line.strip() for line in lines):
        raise SourceError(path, NO_TEXT_REASON)
    return SourceText(
        path=path,
        lines=lines,
        kind="pdf",
        encoding="pdf",
        sha256=sha256_bytes(data),
        meta={"page_starts": page_starts, "pages": len(pages)},
    )

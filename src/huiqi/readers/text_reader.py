"""Reader for plain-text files (``.txt``, ``.text``, ``.md``)."""

from __future__ import annotations

from pathlib import Path

from huiqi.readers.base import SourceText, sha256_bytes
from huiqi.readers.common import ensure_not_blank, split_lines
from huiqi.readers.encoding import decode_bytes


def read_text(path: Path, data: bytes) -> SourceText:
    """Decode plain-text bytes and split them into original physical lines.

    ``data`` is the whole file (already size-checked). Encoding detection is
    :func:`huiqi.readers.encoding.decode_bytes`; a leading UTF-8 BOM is
    dropped; line endings ``\\r\\n``/``\\r`` become line breaks, nothing else is
    altered. Returns ``SourceText(kind="txt")``; ``meta["replacement_chars"]``
    counts U+FFFD characters when there are any (bytes that were damaged).

    Raises :class:`~huiqi.readers.base.SourceError` for binary data, an
    unknown encoding, or whitespace-only content (文件为空).
    """
    text, encoding = decode_bytes(data, path)
    if text.startswith("\ufeff"):  # a BOM decoded by utf-16/utf-32 codecs is already gone; be safe
        text = text[1:]
    lines = split_lines(text)
    ensure_not_blank(path, lines)
    meta: dict = {"suffix": path.suffix.lower()}
    replaced = text.count("\ufffd")
    if replaced:
        meta["replacement_chars"] = replaced
    return SourceText(
        path=path,
        lines=lines,
        kind="txt",
        encoding=encoding,
        sha256=sha256_bytes(data),
        meta=meta,
    )

"""Helpers shared by all readers: safe file loading and line splitting."""

from __future__ import annotations

from pathlib import Path

from huiqi.readers.base import SourceError

EMPTY_REASON = "文件为空"


def format_size(n_bytes: int) -> str:
    """Human-readable size in MB (1 MB = 1024 × 1024 bytes), e.g. ``"200.0 MB"``."""
    return f"{n_bytes / (1024 * 1024):.1f} MB"


def load_bytes(path: Path, max_bytes: int) -> bytes:
    """Read the whole file after checking its size with ``stat``.

    ``path`` must already be known to be an existing regular file. The size is
    checked *before* reading, so an oversized file is refused without being
    loaded into memory.

    Raises :class:`SourceError` when the file is larger than ``max_bytes``
    (文件过大), has zero bytes (文件为空) or cannot be read (无法读取文件).
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(path, f"无法读取文件：{exc.strerror or exc}") from None
    if size > max_bytes:
        raise SourceError(
            path,
            f"文件过大（{format_size(size)}），超过上限 {format_size(max_bytes)}",
        )
    if size == 0:
        raise SourceError(path, EMPTY_REASON)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"无法读取文件：{exc.strerror or exc}") from None
    # The file may have grown between stat() and read().
    if len(data) > max_bytes:
        raise SourceError(
            path,
            f"文件过大（{format_size(len(data))}），超过上限 {format_size(max_bytes)}",
        )
    return data


def normalise_newlines(text: str) -> str:
    """Turn ``\\r\\n`` and lone ``\\r`` into ``\\n``; nothing else is changed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_lines(text: str) -> list[str]:
    """Split text into physical lines, without terminators.

    Line endings are normalised first (``\\r\\n``/``\\r`` → ``\\n``). Only
    ``\\n`` separates lines: unlike :meth:`str.splitlines`, form feeds,
    ``\\x1c``–``\\x1e``, U+0085, U+2028 and U+2029 stay inside the line so
    that line numbers match what ``wc -l``-style tools and editors count.
    A final newline ends the last line and does not start a new empty one.
    """
    text = normalise_newlines(text)
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def ensure_not_blank(path: Path, lines: list[str], reason: str = EMPTY_REASON) -> None:
    """Raise :class:`SourceError` (文件为空) if no line has a non-whitespace character."""
    if not any(line.strip() for line in lines):
        raise SourceError(path, reason)

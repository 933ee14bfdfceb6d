"""Readers stage: input file → original physical lines (:class:`SourceText`).

Entry point :func:`read_source` dispatches on the file extension:
``.txt``/``.text``/``.md`` → plain text, ``.pdf`` → PDF text layer,
``.docx`` → Word body (tables in place), ``.html``/``.htm`` → rendered page.
Every failure raises :class:`SourceError` with a short Chinese reason.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from huiqi.readers.base import SourceError, SourceText
from huiqi.readers.common import load_bytes
from huiqi.readers.docx_reader import read_docx
from huiqi.readers.html_reader import read_html
from huiqi.readers.pdf_reader import read_pdf
from huiqi.readers.text_reader import read_text

__all__ = ["SUPPORTED_SUFFIXES", "DEFAULT_MAX_BYTES", "SourceError", "SourceText", "read_source"]

DEFAULT_MAX_BYTES = 100 * 1024 * 1024

_READERS: dict[str, Callable[[Path, bytes], SourceText]] = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_text,
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".html": read_html,
    ".htm": read_html,
}

#: Lower-case file extensions :func:`read_source` accepts.
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_READERS)

_HINTS = {
    ".doc": "旧版Word文件请另存为.docx",
    ".wps": "WPS文件请另存为.docx",
    ".xls": "表格文件请另存为.docx或导出为PDF",
    ".xlsx": "表格文件请另存为.docx或导出为PDF",
    ".ofd": "OFD文件请先导出为PDF",
}


def read_source(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceText:
    """Read one input file into its original lines.

    ``path``: the file; its extension (case-insensitive) picks the reader, see
    ``SUPPORTED_SUFFIXES``. ``max_bytes``: size limit in bytes (default
    100 MiB), checked with ``stat`` before anything is read.

    Returns :class:`SourceText` whose ``lines[i]`` is original line ``i + 1``
    and whose ``sha256`` is the digest of the file bytes.

    Raises :class:`SourceError` (``str(err)`` = ``"<path>: <reason>"``) when the
    file does not exist (文件不存在), is a directory, has an unsupported
    extension, is too large (文件过大), is empty or whitespace-only (文件为空),
    is binary, has an unrecognised encoding (无法识别文本编码), or is an
    encrypted / image-only / corrupt PDF or a corrupt DOCX.
    """
    path = Path(path)
    if not path.exists():
        raise SourceError(path, "文件不存在")
    if path.is_dir():
        raise SourceError(path, "这是一个目录，不是文件")
    if not path.is_file():
        raise SourceError(path, "不是普通文件")
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        supported = "、".join(SUPPORTED_SUFFIXES)
        shown = suffix or "无扩展名"
        hint = _HINTS.get(suffix)
        reason = f"不支持的文件类型（{shown}），支持的类型：{supported}"
        raise SourceError(path, f"{reason}；{hint}" if hint else reason)
    data = load_bytes(path, max_bytes)
    try:
        source = reader(path, data)
        if any("\x00" in line for line in source.lines):
            # NUL bytes carry no text and PostgreSQL refuses them in text columns
            source.lines = [line.replace("\x00", "") for line in source.lines]
        return source
    except SourceError:
        raise
    except MemoryError:
        raise SourceError(path, "内存不足，无法读取该文件") from None
    except RecursionError:
        raise SourceError(path, "文件结构嵌套过深，无法解析") from None
    except Exception as exc:  # last resort: the CLI must get one line, not a traceback
        raise SourceError(path, f"读取失败（{type(exc).__name__}）") from exc

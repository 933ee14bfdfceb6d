"""Limits on zip containers (``.docx``) before they are parsed (解压炸弹防护).

A ``.docx`` is a zip archive; a small file can declare gigabytes of XML (a
1.1 MB file holding one 400 MB ``w:t`` run). :func:`check_zip` reads only the
central directory (:meth:`zipfile.ZipFile.infolist`) and refuses the archive
before anything is decompressed when the declared sizes exceed the limits.
The declared sizes can be trusted as upper bounds: :mod:`zipfile` never
returns more bytes for a member than its declared ``file_size``.

Limits (environment variables, read on each call):

* ``HUIQI_MAX_UNZIPPED_MB`` — total uncompressed size, default 200 MB;
* ``HUIQI_MAX_ZIP_RATIO`` — uncompressed / compressed size of the archive,
  default 100 (ordinary Word files are 3–20), checked once the archive
  unpacks to more than 10 MB;
* at most 10,000 members.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from huiqi.readers.base import SourceError
from huiqi.readers.common import format_size

ENV_MAX_UNZIPPED_MB = "HUIQI_MAX_UNZIPPED_MB"
ENV_MAX_RATIO = "HUIQI_MAX_ZIP_RATIO"
DEFAULT_MAX_UNZIPPED_MB = 200
DEFAULT_MAX_RATIO = 100.0
MAX_MEMBERS = 10_000
#: Below this many uncompressed bytes the ratio is not checked (tiny files compress well).
RATIO_FLOOR_BYTES = 10 * 1024 * 1024


def _env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if value > 0 else default


def max_unzipped_bytes() -> int:
    """Total uncompressed size allowed (bytes), from ``HUIQI_MAX_UNZIPPED_MB``."""
    return int(_env_number(ENV_MAX_UNZIPPED_MB, DEFAULT_MAX_UNZIPPED_MB) * 1024 * 1024)


def max_ratio() -> float:
    """Compression ratio allowed, from ``HUIQI_MAX_ZIP_RATIO``."""
    return _env_number(ENV_MAX_RATIO, DEFAULT_MAX_RATIO)


def check_zip(path: str | Path, data: bytes) -> None:
    """Refuse a zip archive whose declared content is too large.

    ``data``: the archive's bytes. Raises :class:`SourceError` naming the
    limit when the total uncompressed size exceeds :func:`max_unzipped_bytes`,
    when the archive expands more than :func:`max_ratio` times (above 10 MB),
    or when it has more than 10,000 members; also when the central directory
    cannot be read (损坏). Returns ``None`` when the archive is within limits.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise SourceError(path, "DOCX文件已损坏或格式无效（无法读取ZIP目录）") from None
    if len(infos) > MAX_MEMBERS:
        raise SourceError(path, f"压缩包内文件过多（{len(infos)} 个，上限 {MAX_MEMBERS} 个），疑似压缩炸弹，已拒绝")
    total = sum(max(i.file_size, 0) for i in infos)
    limit = max_unzipped_bytes()
    if total > limit:
        raise SourceError(
            path,
            f"解压后过大（{format_size(total)}，上限 {format_size(limit)}，可用 {ENV_MAX_UNZIPPED_MB} 调整），疑似压缩炸弹，已拒绝",
        )
    ratio_limit = max_ratio()
    packed = max(len(data), 1)
    if total > RATIO_FLOOR_BYTES and total / packed > ratio_limit:
        raise SourceError(
            path,
            f"压缩比异常（解压后 {format_size(total)}，是文件大小的 {total / packed:.0f} 倍，上限 {ratio_limit:.0f} 倍），疑似压缩炸弹，已拒绝",
        )

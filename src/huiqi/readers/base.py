"""Shared types of the readers stage: the original text of one input file."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path


class SourceError(Exception):
    """An input file cannot be read (输入文件无法读取).

    ``path`` names the file, ``reason`` says why in plain Chinese; ``str(err)``
    gives a one-line message ``<path>: <reason>`` fit for the CLI.
    """

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@dataclass
class SourceText:
    """The original text of one file, split into physical lines.

    ``lines[i]`` is original line ``i + 1`` (1-based line numbers are what
    citations use), without its line terminator. ``kind`` is the reader used
    (``txt``, ``pdf``, ``docx``, ``html``); ``encoding`` the detected text
    encoding (``utf-8``, ``gb18030`` …, or the container format); ``sha256``
    the hex digest of the file's bytes (the content hash used for versioning).
    """

    path: Path
    lines: list[str]
    kind: str
    encoding: str
    sha256: str
    meta: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The file name without directories (the ``source.file`` of citations)."""
        return self.path.name

    @property
    def text(self) -> str:
        """The whole original text, lines joined by ``\\n``."""
        return "\n".join(self.lines)


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()

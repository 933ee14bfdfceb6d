"""Logical lines: normalised text with a map back to original line numbers."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property


@dataclass
class LogicalLine:
    """One logical line (a paragraph after joining hard wraps).

    ``text`` is normalised text. ``start``/``end`` are the 1-based original
    line numbers it covers (inclusive). ``segments`` is a sorted list of
    ``(char_offset, original_line)`` pairs: the character at ``char_offset``
    of ``text`` and those after it (up to the next pair) came from
    ``original_line``. ``raw`` is the original text of the covered lines.
    """

    text: str
    start: int
    end: int
    segments: list[tuple[int, int]] = field(default_factory=list)
    raw: str = ""

    def line_of(self, offset: int) -> int:
        """Original 1-based line number of character ``offset`` of ``text``."""
        if not self.segments:
            return self.start
        i = max(0, bisect_right(self._keys, offset) - 1)
        return self.segments[i][1]

    @cached_property
    def _keys(self) -> list[int]:
        return [s[0] for s in self.segments]


@dataclass
class TextBlock:
    """Several logical lines concatenated (a clause's text) with the same map.

    Built with :meth:`from_lines`; ``line_range(start, end)`` turns a character
    span of ``text`` into the 1-based original line range it came from.
    """

    text: str
    segments: list[tuple[int, int]]
    start: int
    end: int

    @classmethod
    def from_lines(cls, lines: list[LogicalLine], sep: str = "\n") -> "TextBlock":
        """Join ``lines`` with ``sep``; raises ``ValueError`` on an empty list."""
        if not lines:
            raise ValueError("TextBlock needs at least one line")
        parts: list[str] = []
        segs: list[tuple[int, int]] = []
        off = 0
        for i, ln in enumerate(lines):
            if i:
                parts.append(sep)
                off += len(sep)
            for o, line_no in ln.segments or [(0, ln.start)]:
                segs.append((off + o, line_no))
            parts.append(ln.text)
            off += len(ln.text)
        return cls("".join(parts), segs, lines[0].start, max(l.end for l in lines))

    def line_of(self, offset: int) -> int:
        """Original line number of character ``offset``."""
        i = max(0, bisect_right(self._keys, offset) - 1)
        return self.segments[i][1]

    @cached_property
    def _keys(self) -> list[int]:
        return [s[0] for s in self.segments]

    def line_range(self, start: int, end: int) -> tuple[int, int]:
        """Original (first, last) line of the character span ``[start, end)``."""
        return self.line_of(start), self.line_of(max(start, end - 1))

"""Normalise stage: original lines → normalised logical lines with a line map."""

from huiqi.normalize.join import logical_lines
from huiqi.normalize.lines import LogicalLine, TextBlock
from huiqi.normalize.markers import Marker, classify, is_toc_entry, strip_toc
from huiqi.normalize.text import normalize_chars

__all__ = ["LogicalLine", "Marker", "TextBlock", "classify", "is_toc_entry", "logical_lines",
           "normalize_chars", "strip_toc"]

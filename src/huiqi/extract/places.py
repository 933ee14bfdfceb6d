"""Administrative divisions named in a text (行政区划识别): jionlp's parser, prefiltered.

:func:`parse_location` returns exactly what ``jionlp.parse_location(text)``
returns (its dict of ``province``, ``city``, ``county``, ``detail`` …),
at a fraction of the cost. jionlp's ``LocationParser.get_candidates`` tests
every one of its ~3,500 division entries (province, city, county, each by
full name and alias) against the text, about 7 ms per call; an entry can
only become a candidate when one of its names occurs in the text. So the
names are indexed once (name → entry positions), the entries whose names
occur are picked in their original order, and jionlp's own parser runs
on that list alone (a shallow copy of its parser with the shorter entry
list): same candidates, same order, same decision rules, same result.
"""

from __future__ import annotations

import contextlib
import copy
import io
import threading
from functools import lru_cache

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _parser():
    """``(jionlp's LocationParser, its entries, name → entry positions)``,
    built once per process; ``None`` when jionlp is unavailable."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            import jionlp  # noqa: PLC0415 - heavy, optional
        base = jionlp.parse_location
        with _lock, contextlib.redirect_stdout(io.StringIO()):
            if base.administrative_map_list is None:
                base._prepare()
        entries = base.administrative_map_list
    except Exception:
        return None
    index: dict[str, list[int]] = {}
    for pos, entry in enumerate(entries):
        for names in entry[1:4]:  # [full name, alias] of province, city, county
            for name in names:
                if name is not None and (not index.get(name) or index[name][-1] != pos):
                    index.setdefault(name, []).append(pos)
    return base, entries, tuple(index.items())


def available() -> bool:
    """Whether jionlp (and its division dictionary) could be loaded."""
    return _parser() is not None


def parse_location(text: str) -> dict:
    """``jionlp.parse_location(text)`` (province, city, county of ``text``;
    see the module docstring for how it is made cheaper). Raises what jionlp
    raises; :class:`RuntimeError` when jionlp is unavailable."""
    loaded = _parser()
    if loaded is None:
        raise RuntimeError("jionlp 不可用")
    base, entries, index = loaded
    hits: set[int] = set()
    for name, positions in index:
        if name in text:
            hits.update(positions)
    parser = copy.copy(base)
    parser.administrative_map_list = [entries[i] for i in sorted(hits)]
    return parser(text)

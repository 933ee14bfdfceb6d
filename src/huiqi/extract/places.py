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
import logging
import marshal
import os
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from huiqi.config import is_private_file, temp_cache_path

log = logging.getLogger(__name__)
_lock = threading.Lock()


def _dictionary_cache(version: str) -> Path | None:
    """Where :func:`_cached_loader` keeps jionlp's division dictionary
    (:func:`huiqi.config.temp_cache_path`, as jieba keeps its prefix
    dictionary), named by jionlp's version and the size and modification
    time of the dictionary file, so an upgraded jionlp never reads a stale
    copy. ``None`` when the dictionary file cannot be found."""
    try:
        from jionlp.dictionary import dictionary_loader as dl  # heavy: imported on first use

        st = os.stat(os.path.join(dl.GRAND_DIR_PATH, "dictionary", "china_location.txt"))
    except (ImportError, AttributeError, OSError):
        return None
    return temp_cache_path(f"huiqi_jionlp_location_{version}_{st.st_size}_{st.st_mtime_ns}.marshal")


def _cached_loader(loader, version: str):
    """``loader`` (jionlp's ``china_location_loader``) with its result kept
    on disk (:func:`_dictionary_cache`, ``marshal``: plain dicts and
    strings, about 100× faster to read than parsing the 3,500-line text
    file again in every process). A missing, unreadable or foreign cache
    file is rebuilt; a cache that cannot be written is skipped."""

    def load(detail: bool = False):
        path = _dictionary_cache(version)
        if path is None or detail:
            return loader(detail=detail)
        try:
            if is_private_file(path):  # checked again when read: the temp dir is shared
                data = marshal.loads(path.read_bytes())
                if isinstance(data, dict) and data:
                    return data
        except (OSError, EOFError, ValueError, TypeError):
            pass
        data = loader(detail=detail)
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
            with os.fdopen(fd, "wb") as f:
                f.write(marshal.dumps(data))
            os.replace(tmp, path)
        except (OSError, ValueError) as exc:
            log.debug("jionlp division dictionary not cached: %s", exc)
        return data

    return load


@lru_cache(maxsize=1)
def _parser():
    """``(jionlp's LocationParser, its entries, name → entry positions)``,
    built once per process; ``None`` when jionlp is unavailable."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            import jionlp  # noqa: PLC0415 - heavy, optional
        from jionlp.gadget import location_parser

        base = jionlp.parse_location
        with _lock, contextlib.redirect_stdout(io.StringIO()):
            if base.administrative_map_list is None:
                loader = location_parser.china_location_loader
                location_parser.china_location_loader = _cached_loader(loader, jionlp.__version__)
                try:
                    base._prepare()
                finally:
                    location_parser.china_location_loader = loader
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

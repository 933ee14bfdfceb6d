"""Clause records of the keyword index (检索记录): read through from a file, filtered as arrays.

* :class:`RecordStore` — the clause records (:func:`huiqi.search.index.clause_record`
  dicts) as JSON lines in ``records.jsonl`` with their byte offsets in
  ``offsets.npy``. The file is append-only and memory-mapped when loaded,
  so a worker holds no Python dict per clause: ``store[i]`` decodes one
  line (a small LRU keeps the last few hundred). It behaves as a read-only
  list (``len``, indexing, iteration).
* :class:`Columns` — the filter fields as numpy arrays, one entry per
  record: clause id, hash of the clause key, document id, guide flag, validity start/end (days
  since 0001-01-01, ``NO_DATE`` when unknown), and category codes for
  (level, region) and for the unit names. :meth:`Columns.mask` evaluates
  :class:`huiqi.search.filters.Filters` once per distinct category (a few
  hundred), then by array indexing: no Python loop over the records.
"""

from __future__ import annotations

import hashlib
import json
import mmap
from collections import OrderedDict
from datetime import date
from pathlib import Path

import numpy as np

from huiqi.search.filters import Filters, region_visible, unit_matches

NO_DATE = -1
RECORDS_FILE = "records.jsonl"
OFFSETS_FILE = "offsets.npy"
CACHE_SIZE = 512
_ARRAYS = ("ids", "keyh", "doc", "guide", "start", "end", "place", "units")


def key_hash(key) -> int:
    """64-bit hash of a clause key (content identity, :func:`huiqi.kb.ingest.clause_key`)."""
    return int.from_bytes(hashlib.blake2b(str(key).encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def _day(value) -> int:
    try:
        return date.fromisoformat(value).toordinal() if value else NO_DATE
    except (TypeError, ValueError):
        return NO_DATE


class RecordStore:
    """Read-only list of records backed by ``records.jsonl`` (or by a list
    in memory for an index that was never saved)."""

    def __init__(self, records: list[dict] | None = None) -> None:
        self._list = list(records) if records is not None else []
        self._base = 0  # records in the mapped file; the rest are in _list
        self._map = None
        self._file = None
        self._offsets = np.zeros(1, dtype=np.int64)
        self._cache: OrderedDict[int, dict] = OrderedDict()

    @classmethod
    def open(cls, directory: Path, count: int) -> "RecordStore":
        """Map the first ``count`` records of ``directory``."""
        st = cls()
        st._base = count
        st._offsets = np.array(np.load(directory / OFFSETS_FILE), dtype=np.int64)[: count + 1]
        if len(st._offsets) != count + 1:
            raise ValueError("keyword index records are incomplete")
        if count:
            st._file = open(directory / RECORDS_FILE, "rb")
            st._map = mmap.mmap(st._file.fileno(), 0, access=mmap.ACCESS_READ)
            if len(st._map) < st._offsets[-1]:
                raise ValueError("keyword index records are truncated")
        return st

    def __len__(self) -> int:
        return self._base + len(self._list)

    @property
    def mapped(self) -> int:
        """How many records come from the file (the rest were added in memory)."""
        return self._base

    def extend(self, records: list[dict]) -> None:
        """Add records in memory (written by the next save)."""
        self._list.extend(records)

    def raw(self, i: int) -> bytes:
        """Record ``i`` as one JSON line (bytes, with the newline)."""
        if i < self._base:
            return bytes(self._map[self._offsets[i]:self._offsets[i + 1]])
        return _line(self._list[i - self._base])

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        if i >= self._base:
            return self._list[i - self._base]
        hit = self._cache.get(i)
        if hit is not None:
            self._cache.move_to_end(i)
            return hit
        rec = json.loads(self._map[self._offsets[i]:self._offsets[i + 1]])
        self._cache[i] = rec
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return rec

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
            self._file.close()
            self._map = self._file = None

    def flush(self, directory: Path) -> None:
        """Append the in-memory records to ``directory/records.jsonl`` (the
        file this store maps, or a new one when it maps none) and write the
        offsets; the file is cut to the mapped length first, so a half-written
        append is overwritten. Records are never rewritten in place."""
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / RECORDS_FILE
        end = int(self._offsets[self._base])
        new = [end]
        with open(path, "r+b" if path.exists() else "wb") as f:
            f.truncate(end)
            f.seek(end)
            for r in self._list:
                line = _line(r)
                f.write(line)
                new.append(new[-1] + len(line))
        offsets = np.concatenate([self._offsets[: self._base], np.asarray(new, dtype=np.int64)])
        tmp = directory / "offsets.tmp.npy"
        np.save(tmp, offsets)
        tmp.replace(directory / OFFSETS_FILE)

    @staticmethod
    def write(directory: Path, lines) -> int:
        """Write a new ``records.jsonl`` + offsets from JSON lines (bytes);
        returns the count."""
        directory.mkdir(parents=True, exist_ok=True)
        offsets = [0]
        with open(directory / RECORDS_FILE, "wb") as f:
            for line in lines:
                f.write(line)
                offsets.append(offsets[-1] + len(line))
        np.save(directory / OFFSETS_FILE, np.asarray(offsets, dtype=np.int64))
        return len(offsets) - 1


#: ``json.dumps(record, ensure_ascii=False, separators=(",", ":"))`` without
#: making an encoder per call
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _line(record: dict) -> bytes:
    return (_ENCODE(record) + "\n").encode("utf-8")


class Columns:
    """Filter columns of the records (see module docstring)."""

    def __init__(self) -> None:
        self.ids = np.zeros(0, dtype=np.int64)
        self.keyh = np.zeros(0, dtype=np.int64)
        self.doc = np.zeros(0, dtype=np.int64)
        self.guide = np.zeros(0, dtype=bool)
        self.start = np.zeros(0, dtype=np.int32)
        self.end = np.zeros(0, dtype=np.int32)
        self.place = np.zeros(0, dtype=np.int32)
        self.units = np.zeros(0, dtype=np.int32)
        self.places: list[list] = []  # [level, region]
        self.unit_names: list[list[str]] = []
        self._place_code: dict[tuple, int] = {}
        self._unit_code: dict[tuple, int] = {}

    def __len__(self) -> int:
        return len(self.ids)

    @staticmethod
    def unit_names_of(record: dict) -> list[str]:
        """The names :func:`huiqi.search.filters.unit_matches` looks at."""
        names = list(record.get("responsible_units") or [])
        fields = record.get("fields") or {}
        names.extend(str(v) for k, v in fields.items() if "受理" in k or "单位" in k or "部门" in k)
        names.extend(c.get("org") or "" for c in record.get("contacts") or [])
        return names

    def append(self, records: list[dict]) -> None:
        """Add the columns of ``records`` (in index order)."""
        place, units = [], []
        for r in records:
            d = r["document"]
            key = (d.get("level"), d.get("region"))
            code = self._place_code.get(key)
            if code is None:
                code = self._place_code[key] = len(self.places)
                self.places.append(list(key))
            place.append(code)
            names = tuple(self.unit_names_of(r))
            code = self._unit_code.get(names)
            if code is None:
                code = self._unit_code[names] = len(self.unit_names)
                self.unit_names.append(list(names))
            units.append(code)
        v = [r.get("validity") or {} for r in records]
        self.ids = np.concatenate([self.ids, np.asarray([r["id"] for r in records], dtype=np.int64)])
        self.keyh = np.concatenate([self.keyh, np.asarray([key_hash(r.get("key")) for r in records], dtype=np.int64)])
        self.doc = np.concatenate([self.doc, np.asarray([r["document"].get("id") or 0 for r in records],
                                                        dtype=np.int64)])
        self.guide = np.concatenate([self.guide, np.asarray([r.get("kind") == "guide" for r in records], dtype=bool)])
        self.start = np.concatenate([self.start, np.asarray([_day(x.get("start")) for x in v], dtype=np.int32)])
        self.end = np.concatenate([self.end, np.asarray([_day(x.get("end")) for x in v], dtype=np.int32)])
        self.place = np.concatenate([self.place, np.asarray(place, dtype=np.int32)])
        self.units = np.concatenate([self.units, np.asarray(units, dtype=np.int32)])

    def take(self, keep: np.ndarray) -> None:
        """Keep the rows ``keep`` (old positions, new order) — after a compaction."""
        for name in _ARRAYS:
            setattr(self, name, getattr(self, name)[keep])

    def mask(self, filters: Filters) -> np.ndarray:
        """Boolean array: which records pass ``filters`` (same rules as
        :meth:`huiqi.search.filters.Filters.accepts`)."""
        ok = np.ones(len(self), dtype=bool)
        if not filters.active:
            return ok
        if filters.doc is not None:
            ok &= self.doc == filters.doc
        if filters.level is not None or filters.region_codes is not None:
            table = np.array([(filters.level is None or lv == filters.level)
                              and region_visible({"level": lv, "region": rg}, filters.region_codes)
                              for lv, rg in self.places] or [False], dtype=bool)
            ok &= table[self.place]
        if filters.unit is not None:
            table = np.array([unit_matches({"responsible_units": names}, filters.unit)
                              for names in self.unit_names] or [False], dtype=bool)
            ok &= table[self.units]
        if filters.valid_at is not None:
            day = filters.valid_at.toordinal()
            ok &= ((self.end == NO_DATE) | (self.end >= day)) & ((self.start == NO_DATE) | (self.start <= day))
        return ok

    # -- persistence -------------------------------------------------------

    def save(self, directory: Path) -> None:
        arrays = {n: getattr(self, n) for n in _ARRAYS}
        tmp = directory / "columns.tmp.npz"
        np.savez(tmp, **arrays)
        tmp.replace(directory / "columns.npz")
        side = directory / "categories.json.tmp"
        side.write_text(json.dumps({"places": self.places, "units": self.unit_names}, ensure_ascii=False),
                        encoding="utf-8")
        side.replace(directory / "categories.json")

    @classmethod
    def load(cls, directory: Path, count: int) -> "Columns":
        c = cls()
        with np.load(directory / "columns.npz") as z:
            for n in _ARRAYS:
                setattr(c, n, np.array(z[n])[:count])
        cats = json.loads((directory / "categories.json").read_text(encoding="utf-8"))
        c.places = [list(x) for x in cats["places"]]
        c.unit_names = [list(x) for x in cats["units"]]
        c._place_code = {tuple(x): i for i, x in enumerate(c.places)}
        c._unit_code = {tuple(x): i for i, x in enumerate(c.unit_names)}
        if len(c.ids) != count:
            raise ValueError("keyword index columns are incomplete")
        return c

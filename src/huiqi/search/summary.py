"""Library summary kept with the keyword index (概览): popular topics and common units.

The home page's popular topics (the policy-dictionary terms found in the
most clauses) and the search page's 部门 suggestions (the responsible units
and 受理机构 named most often) used to be counted over every clause record
when a worker started: ~15 s at 100× the bundled corpus. :class:`Summary`
keeps those counts up to date as clauses enter and leave the index
(:meth:`add` / :meth:`remove`, called by
:class:`huiqi.search.index.KeywordIndex`), so a worker reads them from two
small files. Counting rules are those of :func:`huiqi.web.state.popular_topics`
(substring of the normalised clause text, each clause once) and
:func:`huiqi.web.state.common_units` (names of the clause's responsible
units and its 受理机构 field of 2–40 characters, each clause once).
"""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

from huiqi.search import segment as seg

FILE = "summary.json"


@lru_cache(maxsize=1)
def topic_terms() -> tuple[str, ...]:
    """Distinct dictionary terms of three or more characters (``policy_terms.txt``)."""
    return tuple(dict.fromkeys(w for w, _f, _t in seg.load_terms() if len(w) >= 3))


@lru_cache(maxsize=1)
def _normalised_terms() -> tuple[str, ...]:
    return tuple(seg.normalize_text(t) for t in topic_terms())


@lru_cache(maxsize=1)
def _matcher():
    """``(automaton, term indices)``: an Aho–Corasick automaton
    (``ahocorasick_rs``) over the distinct :func:`_normalised_terms` and,
    per pattern, the indices of the terms it stands for."""
    import ahocorasick_rs

    index: dict[str, list[int]] = {}
    for i, t in enumerate(_normalised_terms()):
        index.setdefault(t, []).append(i)
    return ahocorasick_rs.AhoCorasick(list(index)), list(index.values())


def unit_names(record: dict) -> set[str]:
    """The names a clause contributes to the 部门 suggestions."""
    names = set(record.get("responsible_units") or [])
    accepting = (record.get("fields") or {}).get("受理机构")
    if isinstance(accepting, str) and 2 <= len(accepting.strip()) <= 40:
        names.add(accepting.strip())
    return {n for n in names if n}


class Summary:
    """Per-term clause counts (``topics``, aligned with :func:`topic_terms`)
    and per-name clause counts (``units``)."""

    def __init__(self) -> None:
        self.topics = np.zeros(len(topic_terms()), dtype=np.int64)
        self.units: Counter = Counter()

    def _hits(self, record: dict, text: str | None = None) -> list[int]:
        """Indices of the terms found in the clause text (``text``: its
        :func:`huiqi.search.segment.normalize_text` when already computed),
        ascending: every occurrence, overlapping ones included, in one pass."""
        if text is None:
            text = seg.normalize_text(record.get("text") or "")
        automaton, terms = _matcher()
        return sorted({i for p, _s, _e in automaton.find_matches_as_indexes(text, overlapping=True) for i in terms[p]})

    def add(self, records, texts=None) -> None:
        """Count ``records``; ``texts`` — their normalised clause texts
        (:func:`huiqi.search.clause_text.record_terms`) when already computed."""
        records = list(records)
        hits: list[int] = []
        names: list[str] = []
        for r, text in zip(records, texts if texts is not None else [None] * len(records)):
            hits.extend(self._hits(r, text))  # each term once per clause
            names.extend(unit_names(r))
        self.topics += np.bincount(np.asarray(hits, dtype=np.int64), minlength=len(self.topics))
        self.units.update(names)

    def remove(self, records) -> None:
        for r in records:
            self.topics[self._hits(r)] -= 1
            self.units.subtract(unit_names(r))
        self.units = +self.units  # drop zero counts

    def popular_topics(self, count: int) -> list[str]:
        """The ``count`` terms found in the most clauses (ties: dictionary order)."""
        order = np.lexsort((np.arange(len(self.topics)), -self.topics))
        terms = topic_terms()
        return [terms[i] for i in order[:count] if self.topics[i] > 0]

    def common_units(self, count: int, min_clauses: int) -> list[str]:
        """Names named by at least ``min_clauses`` clauses, most frequent first."""
        return [n for n, k in self.units.most_common() if k >= min_clauses][:count]

    def save(self, directory: Path) -> None:
        tmp = directory / (FILE + ".tmp")
        tmp.write_text(json.dumps({"terms": len(self.topics), "topics": self.topics.tolist(),
                                   "units": dict(self.units)}, ensure_ascii=False), encoding="utf-8")
        tmp.replace(directory / FILE)

    @classmethod
    def load(cls, directory: Path) -> "Summary":
        """Read :meth:`save`'s file; raises ``ValueError`` when the term list changed."""
        data = json.loads((directory / FILE).read_text(encoding="utf-8"))
        s = cls()
        if data["terms"] != len(s.topics):
            raise ValueError("summary of another dictionary")
        s.topics = np.asarray(data["topics"], dtype=np.int64)
        s.units = Counter(data["units"])
        return s

"""Incremental BM25 postings (倒排索引): term frequencies in segments, scored at query time.

Replaces bm25s' precomputed score matrix, which bakes the corpus statistics
(document count, document frequencies, average length) into every posting
and so must be rebuilt in full when one document changes. Here each
*segment* keeps raw term frequencies as a term-major sparse matrix (CSC:
``indptr`` over term ids, ``indices`` = row within the segment, ``data`` =
tf); the statistics live in small arrays beside them:

* ``doc_len[pos]`` — tokens of record ``pos`` (float32), ``alive[pos]`` —
  False once the record is retired (replaced or removed);
* ``df[term]`` — live records containing the term; ``n_alive``,
  ``total_len`` — for ``avgdl``.

Adding records appends a segment; retiring records clears ``alive`` and
subtracts their terms from ``df``. The score of a record for query tokens
is the BM25 sum computed with the *current* statistics, exactly bm25s'
``method="lucene"`` (k1 = 1.5, b = 0.75)::

    sum_t idf(t) * tf / (k1 * (1 - b + b * len / avgdl) + tf)
    idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))

so an incrementally updated index scores like a full rebuild over the same
live records. :meth:`Postings.compact` merges the segments and drops the
retired rows (a sparse-matrix operation: nothing is tokenised again).

Persistence (:meth:`save` / :meth:`load`): ``vocab.txt`` (one term per
line, append-only), ``seg-<n>.npz``-like triples ``seg-<n>.{indptr,indices,data}.npy``
(memory-mapped when loaded), ``doclen.npy``, ``alive.npy``.
"""

from __future__ import annotations

import math
from itertools import chain
from pathlib import Path

import numpy as np

K1 = 1.5
B = 0.75
#: merge the segments when there are more than this many
MAX_SEGMENTS = 8


class Segment:
    """Term-major tf matrix of the records ``offset .. offset + rows - 1``:
    ``indptr`` (terms + 1, int64), ``indices`` (row in the segment, int32),
    ``data`` (tf, float32). Terms beyond ``len(indptr) - 1`` do not occur."""

    __slots__ = ("name", "offset", "rows", "indptr", "indices", "data")

    def __init__(self, name: str, offset: int, rows: int, indptr, indices, data) -> None:
        self.name, self.offset, self.rows = name, offset, rows
        self.indptr, self.indices, self.data = indptr, indices, data

    @property
    def terms(self) -> int:
        return len(self.indptr) - 1

    def column(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        """``(global positions, tf)`` of the records holding ``term``."""
        if term >= self.terms:
            return _EMPTY_I, _EMPTY_F
        a, b = int(self.indptr[term]), int(self.indptr[term + 1])
        rows = self.indices[a:b]
        return (rows + self.offset if self.offset else rows), self.data[a:b]


_EMPTY_I = np.zeros(0, dtype=np.int64)
_EMPTY_F = np.zeros(0, dtype=np.float32)


def _segment_from_tokens(name: str, offset: int, flat: np.ndarray, lengths: np.ndarray, n_terms: int) -> Segment:
    """The segment of records whose term ids, concatenated, are ``flat``
    (``lengths[i]`` of them for record ``i``)."""
    n = len(lengths)
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    # one (term, row) pair per distinct token of a row, sorted term-major; tf = its count
    pairs, tf = np.unique(flat * n + rows, return_counts=True)
    cols, indices = np.divmod(pairs, n)
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.add.at(indptr, cols + 1, 1)
    return Segment(name, offset, n, np.cumsum(indptr), indices.astype(np.int32), tf.astype(np.float32))


class Postings:
    """BM25 postings over records ``0 .. len - 1`` (index positions)."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.terms: list[str] = []
        self.segments: list[Segment] = []
        self.doc_len = np.zeros(0, dtype=np.float32)
        self.alive = np.zeros(0, dtype=bool)
        self.df = np.zeros(0, dtype=np.int64)
        self._next_segment = 0
        self._norm: np.ndarray | None = None  # see _stats
        self._n = 0

    def __len__(self) -> int:
        return len(self.doc_len)

    @property
    def n_alive(self) -> int:
        return int(self.alive.sum())

    # -- updates -----------------------------------------------------------

    def add(self, token_lists: list[list[str]]) -> range:
        """Append one record per token list (an empty list counts as one
        empty token, as bm25s does); returns their positions."""
        self._norm = None
        start = len(self)
        if not token_lists:
            return range(start, start)
        token_lists = [tokens or [""] for tokens in token_lists]
        flat = list(chain.from_iterable(token_lists))
        vocab = self.vocab
        # new terms get the next ids, in order of first occurrence
        for tok in dict.fromkeys(flat):
            if tok not in vocab:
                vocab[tok] = len(self.terms)
                self.terms.append(tok)
        ids = np.fromiter(map(vocab.__getitem__, flat), dtype=np.int64, count=len(flat))
        lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
        seg = _segment_from_tokens(f"seg-{self._next_segment}", start, ids, lengths, len(self.terms))
        self._next_segment += 1
        self.segments.append(seg)
        self.doc_len = np.concatenate([self.doc_len, lengths.astype(np.float32)])
        self.alive = np.concatenate([self.alive, np.ones(len(lengths), dtype=bool)])
        if len(self.df) < len(self.terms):
            self.df = np.concatenate([self.df, np.zeros(len(self.terms) - len(self.df), dtype=np.int64)])
        self.df[: seg.terms] += np.diff(seg.indptr)
        return range(start, start + len(lengths))

    def retire(self, positions) -> None:
        """Mark records as gone: their terms leave ``df``, they score 0."""
        positions = sorted({int(p) for p in positions if 0 <= int(p) < len(self) and self.alive[int(p)]})
        if not positions:
            return
        self._norm = None
        for seg in self.segments:
            mine = [p - seg.offset for p in positions if seg.offset <= p < seg.offset + seg.rows]
            if not mine:
                continue
            hit = np.isin(np.asarray(seg.indices), np.asarray(mine, dtype=np.int64))
            terms = np.repeat(np.arange(seg.terms, dtype=np.int64), np.diff(np.asarray(seg.indptr)))[hit]
            np.subtract.at(self.df, terms, 1)
        self.alive[positions] = False

    def compact(self, keep: np.ndarray | None = None) -> np.ndarray:
        """Merge every segment into one and drop retired rows (no
        re-tokenising). Returns the old positions of the kept rows, in their
        new order (``new position i`` = ``old position result[i]``)."""
        self._norm = None
        keep = np.flatnonzero(self.alive) if keep is None else keep
        remap = np.full(len(self), -1, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        cols, rows, vals = [], [], []
        for seg in self.segments:
            counts = np.diff(np.asarray(seg.indptr))
            t = np.repeat(np.arange(seg.terms, dtype=np.int64), counts)
            r = remap[np.asarray(seg.indices, dtype=np.int64) + seg.offset]
            ok = r >= 0
            cols.append(t[ok])
            rows.append(r[ok])
            vals.append(np.asarray(seg.data)[ok])
        col = np.concatenate(cols) if cols else _EMPTY_I
        row = np.concatenate(rows) if rows else _EMPTY_I
        val = np.concatenate(vals) if vals else _EMPTY_F
        if len(keep) < 2 or bool(np.all(keep[1:] > keep[:-1])):
            # rows keep their order: each segment's entries are sorted by (term,
            # row) and the segments follow each other, so a stable sort by term
            # (a merge of sorted runs) gives the (term, row) order
            order = np.argsort(col, kind="stable")
        else:
            order = np.lexsort((row, col))
        indptr = np.zeros(len(self.terms) + 1, dtype=np.int64)
        np.add.at(indptr, col + 1, 1)
        seg = Segment(f"seg-{self._next_segment}", 0, len(keep), np.cumsum(indptr),
                      row[order].astype(np.int32), val[order].astype(np.float32))
        self._next_segment += 1
        self.segments = [seg] if len(keep) else []
        self.doc_len = self.doc_len[keep]
        self.alive = np.ones(len(keep), dtype=bool)
        return keep

    # -- scoring -----------------------------------------------------------

    def idf(self, term: str) -> float | None:
        """BM25 idf of ``term`` over the live records, ``None`` when absent."""
        t = self.vocab.get(term)
        if t is None or t >= len(self.df) or self.df[t] <= 0:
            return None
        n = max(self.n_alive, 1)
        df = int(self.df[t])
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def doc_freqs(self) -> dict[str, int]:
        """``term → df`` of every term occurring in a live record."""
        return {self.terms[t]: int(d) for t in np.flatnonzero(self.df > 0) for d in (self.df[t],)}

    def _stats(self) -> tuple[int, np.ndarray | None]:
        """``(live records, per-record BM25 length norm k1·(1 − b + b·len/avgdl))``,
        cached until the postings change."""
        if self._norm is None:
            n = self.n_alive
            if not n:
                return 0, None
            avgdl = float(self.doc_len[self.alive].sum()) / n
            self._norm = (K1 * ((1 - B) + B * self.doc_len / np.float32(avgdl))).astype(np.float32)
            self._n = n
        return self._n, self._norm

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score (float32) of every position for ``tokens`` (each
        counted once; unknown tokens add nothing; retired records 0)."""
        out = np.zeros(len(self), dtype=np.float32)
        n, norm = self._stats()
        if not n:
            return out
        for tok in dict.fromkeys(tokens):
            t = self.vocab.get(tok)
            if t is None or self.df[t] <= 0:
                continue
            df = int(self.df[t])
            idf = np.float32(math.log(1 + (n - df + 0.5) / (df + 0.5)))
            for seg in self.segments:
                pos, tf = seg.column(t)
                if len(pos):
                    out[pos] += idf * (tf / (norm[pos] + tf))
        if n != len(self):
            out[~self.alive] = 0
        return out

    # -- persistence -------------------------------------------------------

    def save(self, directory: Path, known_segments: set[str] | None = None) -> list[str]:
        """Write into ``directory`` (existing segment files named in
        ``known_segments`` are not rewritten). Returns the segment names."""
        directory.mkdir(parents=True, exist_ok=True)
        known = known_segments or set()
        for seg in self.segments:
            if seg.name in known and (directory / f"{seg.name}.data.npy").is_file():
                continue
            for part in ("indptr", "indices", "data"):
                _save_npy(directory / f"{seg.name}.{part}.npy", np.asarray(getattr(seg, part)))
        _save_npy(directory / "doclen.npy", self.doc_len)
        _save_npy(directory / "alive.npy", self.alive)
        tmp = directory / "vocab.txt.tmp"
        tmp.write_text("\n".join(t.replace("\n", " ") for t in self.terms), encoding="utf-8")
        tmp.replace(directory / "vocab.txt")
        return [s.name for s in self.segments]

    def meta(self) -> dict:
        """What :meth:`load` needs besides the files: segment layout."""
        return {"segments": [[s.name, s.offset, s.rows] for s in self.segments], "next": self._next_segment,
                "terms": len(self.terms), "records": len(self)}

    @classmethod
    def load(cls, directory: Path, meta: dict, mmap: bool = True) -> "Postings":
        """Read what :meth:`save` wrote (segment arrays memory-mapped)."""
        p = cls()
        text = (directory / "vocab.txt").read_text(encoding="utf-8")
        p.terms = text.split("\n")[: meta["terms"]] if meta["terms"] else []
        p.vocab = {t: i for i, t in enumerate(p.terms)}
        mode = "r" if mmap else None
        for name, offset, rows in meta["segments"]:
            # plain ndarray views of the maps (np.memmap slicing is slower)
            arrays = [np.asarray(np.load(directory / f"{name}.{part}.npy", mmap_mode=mode))
                      for part in ("indptr", "indices", "data")]
            p.segments.append(Segment(name, int(offset), int(rows), *arrays))
        p.doc_len = np.array(np.load(directory / "doclen.npy"), dtype=np.float32)[: meta["records"]]
        p.alive = np.array(np.load(directory / "alive.npy"), dtype=bool)[: meta["records"]]
        p._next_segment = int(meta["next"])
        p.df = np.zeros(len(p.terms), dtype=np.int64)
        for seg in p.segments:
            counts = np.diff(np.asarray(seg.indptr))
            t = np.repeat(np.arange(seg.terms, dtype=np.int64), counts)
            live = p.alive[np.asarray(seg.indices, dtype=np.int64) + seg.offset]
            p.df[: seg.terms] += np.bincount(t[live], minlength=seg.terms)
        if len(p.terms) != len(p.vocab) or len(p.doc_len) != meta["records"]:
            raise ValueError("inconsistent keyword postings")
        return p


def _save_npy(path: Path, array: np.ndarray) -> None:
    tmp = path.with_name(path.name + ".tmp.npy")
    np.save(tmp, array)
    tmp.replace(path)

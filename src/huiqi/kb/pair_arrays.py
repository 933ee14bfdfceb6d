"""Array helpers for policy identity (政策同一性): clause pairs and their clusters as numpy arrays.

:func:`huiqi.kb.policy_identity.detect_clusters` compares groups of clauses
(identical normalised texts are one group) and joins the pairs that pass
its tests into clusters. On a library of many near-copies (a hundred
cities restating one measure) that is millions of clause pairs, too many
for a Python loop per pair; these helpers do the per-pair work with numpy:

* :func:`expand_pairs` — every clause pair ``(i, j)`` of candidate group
  pairs ``(u, v)``;
* :func:`lookup` — a Python test evaluated once per distinct key (a
  document pair, a pair of amount sets) and spread back over the pairs;
* :func:`components` — connected components of an edge list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


def expand_pairs(members: Sequence[Sequence[int]], u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs ``(i, j)`` with ``i`` in ``members[u[c]]`` and ``j`` in
    ``members[v[c]]`` for each candidate ``c``, and ``c`` itself, as three
    int64 arrays (candidates in order; within a candidate ``i`` major, both
    in the order of ``members``). When ``u[c] == v[c]`` only ``j > i`` is
    kept (each unordered pair of one group once)."""
    sizes = np.fromiter((len(m) for m in members), dtype=np.int64, count=len(members))
    offsets = np.zeros(len(members) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    flat = np.fromiter((i for m in members for i in m), dtype=np.int64, count=int(offsets[-1]))
    su, sv = sizes[u], sizes[v]
    counts = su * sv
    cand = np.repeat(np.arange(len(u), dtype=np.int64), counts)
    k = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    i = flat[offsets[u][cand] + k // sv[cand]]
    j = flat[offsets[v][cand] + k % sv[cand]]
    keep = (u[cand] != v[cand]) | (j > i)
    return i[keep], j[keep], cand[keep]


def distinct(a: np.ndarray) -> np.ndarray:
    """The distinct values of the 1-D array ``a``, ascending (as
    ``np.unique(a)``, by one sort: faster on millions of int64 keys than
    numpy 2's hash-based unique)."""
    s = np.sort(a)
    if not len(s):
        return s
    return s[np.r_[True, s[1:] != s[:-1]]]


def lookup(keys: np.ndarray, test: Callable[[int], bool]) -> np.ndarray:
    """``test(key)`` for every element of the int64 array ``keys``, called
    once per distinct key; a boolean array shaped like ``keys``."""
    if not len(keys):
        return np.zeros(0, dtype=bool)
    distinct, inverse = np.unique(keys, return_inverse=True)
    values = np.fromiter((bool(test(int(k))) for k in distinct), dtype=bool, count=len(distinct))
    return values[inverse.reshape(-1)]


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Component label of each of ``n`` nodes joined by the edges
    ``(a[e], b[e])``: the lowest node index of its component (an isolated
    node is its own label). Minimum-label propagation with pointer jumping."""
    label = np.arange(n, dtype=np.int64)
    if not len(a):
        return label
    while True:
        new = label.copy()
        np.minimum.at(new, a, label[b])
        np.minimum.at(new, b, label[a])
        while True:  # pointer jumping: a label's label is in the same component
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, label):
            return label
        label = new

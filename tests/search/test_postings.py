"""Postings.compact: merged segments equal the (term, row) listing of the
kept rows, with rows in order (merge of sorted runs) or reordered (lexsort)."""

from __future__ import annotations

import numpy as np

from huiqi.search.postings import Postings
from huiqi.search.segment import index_tokens

_TEXTS = ["对新认定的高新技术企业给予一次性奖励20万元", "稳岗返还政策面向参保企业", "专精特新中小企业奖励",
          "高新技术企业研发费用加计扣除", "创业担保贷款贴息", "对新认定的专精特新小巨人企业给予奖励",
          "", "高校毕业生就业补贴", "技术改造项目补助"]


def _listing(p: Postings) -> set[tuple[int, int, float]]:
    seg = p.segments[0]
    counts = np.diff(seg.indptr)
    terms = np.repeat(np.arange(seg.terms), counts)
    return set(zip(terms.tolist(), seg.indices.tolist(), seg.data.tolist()))


def _postings() -> tuple[Postings, list[list[str]]]:
    tokens = [index_tokens(t) for t in _TEXTS]
    p = Postings()
    for k in range(0, len(tokens), 3):  # three segments
        p.add(tokens[k:k + 3])
    return p, tokens


def _expected(p: Postings, tokens: list[list[str]], keep: list[int]) -> set[tuple[int, int, float]]:
    out = set()
    for new, old in enumerate(keep):
        toks = tokens[old] or [""]
        for tok in set(toks):
            out.add((p.vocab[tok], new, float(toks.count(tok))))
    return out


def test_compact_keeps_rows_in_order_after_retiring():
    p, tokens = _postings()
    p.retire([1, 5])
    keep = p.compact()
    assert keep.tolist() == [0, 2, 3, 4, 6, 7, 8]
    assert _listing(p) == _expected(p, tokens, keep.tolist())
    seg = p.segments[0]
    for t in range(seg.terms):  # rows ascending within each term
        rows = seg.indices[seg.indptr[t]:seg.indptr[t + 1]]
        assert np.all(np.diff(rows) > 0)


def test_compact_with_rows_reordered():
    p, tokens = _postings()
    keep = np.array([8, 0, 4, 2, 7], dtype=np.int64)
    assert p.compact(keep).tolist() == keep.tolist()
    assert _listing(p) == _expected(p, tokens, keep.tolist())
    seg = p.segments[0]
    for t in range(seg.terms):
        rows = seg.indices[seg.indptr[t]:seg.indptr[t + 1]]
        assert np.all(np.diff(rows) > 0)

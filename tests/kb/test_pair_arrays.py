"""Array helpers of policy identity (huiqi.kb.pair_arrays) against plain Python on random data."""

from __future__ import annotations

import random

import numpy as np

from huiqi.kb.pair_arrays import components, distinct, expand_pairs, lookup


def test_expand_pairs_matches_nested_loops():
    rnd = random.Random(7)
    members = [sorted(rnd.sample(range(200), rnd.randint(1, 5))) for _ in range(40)]
    cands = [(rnd.randrange(40), rnd.randrange(40)) for _ in range(120)] + [(3, 3), (5, 5)]
    want = [(i, j, c) for c, (u, v) in enumerate(cands) for i in members[u] for j in members[v]
            if not (u == v and j <= i)]
    i, j, c = expand_pairs(members, np.array([u for u, _ in cands]), np.array([v for _, v in cands]))
    assert list(zip(i.tolist(), j.tolist(), c.tolist())) == want


def test_lookup_calls_once_per_distinct_key():
    calls = []
    keys = np.array([5, 3, 5, 8, 3, 3])
    got = lookup(keys, lambda k: calls.append(k) or k > 4)
    assert got.tolist() == [True, False, True, True, False, False]
    assert sorted(calls) == [3, 5, 8]
    assert lookup(np.zeros(0, dtype=np.int64), lambda k: True).tolist() == []


def test_components_match_union_find():
    rnd = random.Random(11)
    n = 300
    a = np.array([rnd.randrange(n) for _ in range(250)])
    b = np.array([rnd.randrange(n) for _ in range(250)])
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for x, y in zip(a.tolist(), b.tolist()):
        parent[find(x)] = find(y)
    label = components(n, a, b)
    for x in range(n):
        same = [y for y in range(n) if find(y) == find(x)]
        assert label[x] == min(same)  # the lowest node of its component
    assert components(4, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)).tolist() == [0, 1, 2, 3]


def test_distinct_is_sorted_unique():
    a = np.array([9, 1, 9, 4, 1, 0], dtype=np.int64)
    assert distinct(a).tolist() == [0, 1, 4, 9]
    assert distinct(np.zeros(0, dtype=np.int64)).tolist() == []

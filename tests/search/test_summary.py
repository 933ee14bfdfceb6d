"""Summary topic counts: the terms found in a clause text are exactly the
dictionary terms that are substrings of it (overlapping ones included)."""

from __future__ import annotations

from huiqi.search import segment as seg
from huiqi.search.summary import Summary, _normalised_terms, topic_terms


def _naive_hits(text: str) -> list[int]:
    return [i for i, t in enumerate(_normalised_terms()) if t in text]


def test_hits_equal_substring_tests_over_the_corpus_and_overlaps():
    from huiqi.config import corpus_files

    s = Summary()
    texts = [line for p in corpus_files() for line in p.read_text(encoding="utf-8").split("\n")]
    terms = [t for t in _normalised_terms() if len(t) >= 4]
    # terms glued so that one ends inside the next, and a term inside a longer one
    texts += [terms[0] + terms[1][1:], terms[2][:-1] + terms[2], "", "没有任何术语"]
    found = 0
    for raw in texts:
        text = seg.normalize_text(raw)
        hits = s._hits({"text": raw})
        assert hits == _naive_hits(text), raw[:40]
        assert s._hits({}, text) == hits
        found += len(hits)
    assert found > 100


def test_popular_topics_count_each_clause_once():
    s = Summary()
    term = topic_terms()[0]
    s.add([{"text": f"{term}，{term}"}, {"text": term}, {"text": "无关"}])
    assert s.topics[0] == 2 and s.popular_topics(1) == [term]

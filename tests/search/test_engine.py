"""Keyword search over the real ingested corpus; filters; bad input."""

from __future__ import annotations

import pytest

from huiqi.search.engine import SearchEngine, SearchError, rrf, search
from huiqi.search.filters import UnknownRegion
from huiqi.search.index import KeywordIndex, index_dir
from tests.search.kw_corpus import corpus_db_url, corpus_engine


def test_result_shape_and_guide_first():
    rows = corpus_engine().search("稳岗返还怎么申请", top=5)
    assert rows[0]["document"]["title"] == "失业保险稳岗返还服务指南"
    item = rows[0]
    assert set(item) >= {"id", "score", "text", "path", "document", "source", "validity"}
    assert set(item["document"]) == {"id", "title", "level", "region"}
    assert set(item["source"]) == {"file", "start_line", "end_line"}
    assert item["source"]["start_line"] <= item["source"]["end_line"]
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_synonym_query_finds_full_term():
    rows = corpus_engine().search("技改", top=5)
    assert rows and all("技术改造" in r["text"] or "技改" in r["text"] or "技术改造" in r["document"]["title"] for r in rows)


def test_money_query_matches_amount_written_differently():
    rows = corpus_engine().search("两千万元 技术改造", top=5)
    assert any("2000万元" in r["text"] for r in rows)


def test_region_filter_on_corpus():
    rows = corpus_engine().search("补贴", top=100, region="阿拉善左旗")
    regions = {r["document"]["region"] for r in rows}
    assert "阿拉善盟" in regions and "内蒙古自治区" in regions
    assert "呼和浩特市" not in regions and "鄂尔多斯市" not in regions
    unfiltered = {r["document"]["region"] for r in corpus_engine().search("补贴", top=100)}
    assert "呼和浩特市" in unfiltered


def test_valid_at_excludes_ended_clauses():
    rows = corpus_engine().search("稳岗返还", top=20, valid_at="2025-06-01")
    assert rows and all(not r["expired"] for r in rows)
    assert all((r["validity"]["end"] or "9999") >= "2025-06-01" for r in rows)
    with_expired = corpus_engine().search("稳岗返还", top=20)
    assert any(r["validity"]["end"] == "2024-12-31" for r in with_expired)


def test_level_and_doc_filters():
    rows = corpus_engine().search("补贴", top=30, level="国家")
    assert rows and all(r["document"]["level"] == "国家" for r in rows)
    doc_id = rows[0]["document"]["id"]
    assert all(r["document"]["id"] == doc_id for r in corpus_engine().search("补贴", doc=doc_id))


@pytest.mark.parametrize("query", ["", "   \n\t "])
def test_empty_query_is_an_error(query):
    with pytest.raises(SearchError, match="查询内容为空"):
        corpus_engine().search(query)


@pytest.mark.parametrize("query", ["！！？。，", "😀🎉🚀", "<script></script>", "……"])
def test_queries_without_words_give_nothing(query):
    assert corpus_engine().search(query) == []


def test_sql_and_html_are_plain_text():
    assert corpus_engine().search("'; DROP TABLE clauses; --") == []
    rows = corpus_engine().search("<b>稳岗返还</b>")
    assert rows and "稳岗返还" in rows[0]["text"]


def test_very_long_query_is_truncated_not_slow():
    rows = corpus_engine().search("稳岗返还" * 2500, top=3)
    assert rows and "稳岗返还" in rows[0]["text"]


def test_bad_filters_are_clear_errors():
    with pytest.raises(UnknownRegion, match="未知地区"):
        corpus_engine().search("补贴", region="火星")
    with pytest.raises(SearchError):
        corpus_engine().search("补贴", top=0)


def test_module_search_uses_persisted_index():
    rows = search("六税两费", top=3, db=corpus_db_url())
    assert rows and "六税两费" in rows[0]["text"]
    loaded = KeywordIndex.load(index_dir(corpus_db_url()))
    assert loaded.fingerprint == corpus_engine().keyword.fingerprint
    assert len(loaded.records) == len(corpus_engine().keyword.records)


class _FakeSemantic:
    """Semantic scorer stub: prefers one fixed clause."""

    def __init__(self, clause_id):
        self.clause_id = clause_id

    def scores(self, query):
        return {self.clause_id: 1.0}


def test_hybrid_fusion_with_semantic_scorer():
    kw = corpus_engine()
    target = kw.search("鸵鸟", top=1)[0]["id"]
    hybrid = SearchEngine(kw.keyword, semantic=_FakeSemantic(target), semantic_weight=1.0)
    rows = hybrid.search("稳岗返还怎么申请", top=5)
    assert rows[0]["id"] in {target, kw.search("稳岗返还怎么申请", top=1)[0]["id"]}
    assert target in [r["id"] for r in rows]
    assert rrf([[1, 2], [2, 1]])[1] == pytest.approx(1 / 61 + 1 / 62)
    assert rrf([[1, 2], [2, 1]], weights=[1.0, 0.1])[1] == pytest.approx(1 / 61 + 0.1 / 62)


def test_one_result_per_policy_with_sources_and_a_real_count():
    """The 2024 list's item 47 and its reprint in the compilation are one policy."""
    from tests.search.kw_corpus import corpus_engine

    se = corpus_engine()
    q = "专精特新中小企业和小巨人企业一次性奖励"
    res = se.search(q, top=10)
    hits = [r for r in res if "“专精特新”中小企业和“小巨人”企业，分别给予20万元" in r["text"]]
    assert len(hits) == 1
    assert {s["source"]["file"][:3] for s in hits[0]["sources"]} & {"000", "001"}
    ids = {r["id"] for r in res}
    assert not any(s["id"] in ids for r in res for s in r["sources"])  # no copy listed beside its policy
    n = se.count(q)
    assert n >= len(res)
    assert n < int((se.keyword_scores(q) > 0).sum())  # copies are counted once

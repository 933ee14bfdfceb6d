"""Policy identity (huiqi.kb.policy_identity) on the real bundled corpus: a regional
list reprinted inside a compilation and a city list restating a regional
action plan are one policy; separate talent catalogues are not."""

from __future__ import annotations

import pytest

from huiqi.kb.policy_identity import (
    CONTAINED,
    LOW,
    _shingle_postings,
    _similar_pairs,
    amounts_agree,
    detect_clusters,
    load_links,
    normalise,
    regions_compatible,
    shingles,
)
from tests.search.kw_corpus import corpus_db_url


@pytest.fixture(scope="module")
def corpus():
    """(clause rows of the corpus, stored links {clause id: (authority, sim)})."""
    from huiqi.kb.db import get_engine, session_scope
    from huiqi.kb.policy_identity import current_rows

    with session_scope(get_engine(corpus_db_url())) as s:
        return current_rows(s), load_links(s)


def _at(rows, prefix: str, line: int) -> dict:
    hits = [r for r in rows if r["source"]["file"].startswith(prefix) and r["source"]["start_line"] == line]
    assert len(hits) == 1, (prefix, line)
    return hits[0]


def test_normalise_drops_item_label_and_unit_tag():
    a = normalise("47.对自治区认定的创新型中小企业给予20万元奖励。（责任单位：自治区工业和信息化厅）")
    b = normalise("30.对自治区认定的创新型中小企业给予20万元奖励。〔责任单位：自治区工业和信息化厅、财政厅〕")
    assert a == b == "对自治区认定的创新型中小企业给予20万元奖励"


def test_amounts_agree_and_regions():
    assert amounts_agree([], []) and amounts_agree([50000000.0], [2000.0, 50000000.0])
    assert not amounts_agree([300000.0], [500000.0]) and not amounts_agree([300000.0], [])
    assert regions_compatible({"level": "盟市", "region": "鄂尔多斯市"}, {"level": "旗县", "region": "伊金霍洛旗"})
    assert not regions_compatible({"level": "盟市", "region": "鄂尔多斯市"}, {"level": "盟市", "region": "阿拉善盟"})
    assert regions_compatible({"level": "自治区", "region": "内蒙古自治区"}, {"level": "盟市", "region": "阿拉善盟"})


def test_reprint_in_compilation_points_at_the_issuing_list(corpus):
    rows, links = corpus
    original = _at(rows, "000", 61)  # 47.对自治区认定的创新型中小企业、“专精特新”中小企业和“小巨人”企业…
    reprint = _at(rows, "001", 3655)  # the same item, numbered 30, inside the compilation
    assert "小巨人" in original["text"] and "小巨人" in reprint["text"]
    assert links[reprint["id"]][0] == original["id"] == links[original["id"]][0]


def test_city_list_restating_regional_plan_has_the_regional_authority(corpus):
    rows, links = corpus
    city = _at(rows, "002", 15)  # 3.进一步实施小微企业“六税两费”减免政策 …（责任单位：市税务局）
    region = _at(rows, "004", 17)  # the regional action plan, issued 2022-04-25 (the city list 2022-05-20)
    assert "六税两费" in city["text"] and "六税两费" in region["text"]
    assert links[city["id"]][0] == region["id"]


def test_identical_lines_of_separate_talent_catalogues_stay_apart(corpus):
    rows, links = corpus
    ordos = _at(rows, "001", 9204)  # 鄂尔多斯市高层次人才分类目录: 5.国家最高科学技术奖获得者。
    banner = _at(rows, "001", 10415)  # 伊金霍洛旗 measures: 5.国家最高科学技术奖获得者；
    alxa = _at(rows, "003", 3286)  # 阿拉善盟 talent opinion: 2.国家最高科学技术奖获得者。
    assert normalise(ordos["text"]) == normalise(alxa["text"])
    assert not {ordos["id"], banner["id"], alxa["id"]} & set(links)


def test_stored_clusters_equal_a_fresh_detection(corpus):
    rows, links = corpus
    fresh = {cid: c.authority for c in detect_clusters(rows) for cid in c.members}
    assert fresh == {cid: auth for cid, (auth, _) in links.items()}
    assert len(set(fresh.values())) >= 90  # about a hundred policies stated twice or more


def test_unchanged_ingest_does_not_recompute(tmp_path):
    from huiqi.kb.db import get_engine, upgrade
    from huiqi.services.ingest import ingest_and_refresh
    from tests.conftest import corpus_file

    engine = get_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    upgrade(engine)
    files = [corpus_file("002"), corpus_file("004")]
    first = ingest_and_refresh(engine, files, refresh_index=False)
    assert first.identity is not None and first.identity.clusters >= 15
    again = ingest_and_refresh(engine, files, refresh_index=False)
    assert again.identity is None


def test_similar_pairs_equal_a_direct_count_of_shared_shingles():
    """The numpy pair count gives, for every pair of texts, the Jaccard
    similarity and containment of their 4-gram sets computed directly
    (grams repeated inside a text count once; short texts have none)."""
    texts = [normalise(t) for t in (
        "对新认定的高新技术企业给予一次性奖励20万元。",
        "对新认定的高新技术企业给予一次性奖励30万元。",
        "对新认定的国家高新技术企业，给予一次性奖励20万元，由市科技局负责。",
        "支持支持支持支持支持支持支持企业发展壮大",
        "支持支持支持支持企业发展",
        "短文本",
        "Ab12高新技术企业Ab12高新技术企业Ab12",
        "对新认定的高新技术企业给予一次性奖励20万元。",
    )]
    pairs, sizes = _similar_pairs(texts)
    got = {(u, v): (sim, contained) for u, v, sim, contained in pairs}
    sets = [shingles(t) for t in texts]
    assert sizes.tolist() == [len(s) for s in sets]
    want = {}
    for u in range(len(texts)):
        for v in range(u + 1, len(texts)):
            k = len(sets[u] & sets[v])
            if not k:
                continue
            sim = k / (len(sets[u]) + len(sets[v]) - k)
            contained = k / min(len(sets[u]), len(sets[v])) >= CONTAINED
            if sim >= LOW or contained:
                want[(u, v)] = (sim, contained)
    assert got == want
    assert (0, 7) in got and got[(0, 7)] == (1.0, True)


def _direct_postings(texts):
    """(code, u) of every distinct 4-gram of each text, sorted, computed directly."""
    pairs = set()
    for u, t in enumerate(texts):
        for g in _grams_of(t):
            units = g.encode("utf-16-le")
            pairs.add((int.from_bytes(b"".join(units[k:k + 2][::-1] for k in range(0, 8, 2)), "big"), u))
    return sorted(pairs)


def _grams_of(t):
    return {t[i:i + 4] for i in range(len(t) - 3)} if len(t) >= 8 else set()


def test_shingle_postings_equal_a_direct_listing(corpus):
    """The packed-key sort gives the (code, text) pairs of a direct listing,
    on the corpus texts and on texts of so many distinct characters that
    the texts are sorted in chunks and merged."""
    rows, _links = corpus
    texts = list(dict.fromkeys(normalise(r["text"]) for r in rows))
    wide = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 17000))
    many = [wide[k * 400:k * 400 + 1000] for k in range(42)] + ["短", wide[:8], wide[:8] + wide[:8]]
    for case in (texts, many):
        code, u = _shingle_postings(case)
        assert list(zip(code.tolist(), u.tolist())) == _direct_postings(case)
    assert len(set("".join(many))) > 1 << 14  # 15-bit ranks: chunks of 16 texts

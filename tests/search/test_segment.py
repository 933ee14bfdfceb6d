"""Segmentation with the policy dictionary, synonyms and money tokens."""

from __future__ import annotations

import jieba

from huiqi.search import segment as seg


def test_domain_terms_stay_one_token():
    tokens = seg.segment("专精特新“小巨人”企业享受六税两费减半征收，稳岗返还实行免申即享")
    for term in ("专精特新", "小巨人", "六税两费", "稳岗返还", "免申即享"):
        assert term in tokens


def test_default_jieba_splits_what_the_dictionary_keeps():
    # why the domain dictionary exists: plain jieba cuts these terms apart
    jieba.setLogLevel(60)
    assert "六税两费" not in jieba.lcut("小微企业六税两费减免")
    assert "六税两费" in seg.segment("小微企业六税两费减免")


def test_terms_file_has_enough_terms():
    assert len(seg.load_terms()) >= 80


def test_index_tokens_drop_question_words_and_punctuation():
    tokens = seg.query_tokens("我们公司怎么申请稳岗返还？")
    assert "申请" in tokens and "稳岗返还" in tokens
    assert not {"我们", "公司", "怎么", "？"} & set(tokens)


def test_search_mode_adds_sub_words_of_long_terms():
    tokens = seg.index_tokens("研发费用加计扣除")
    assert "研发费用加计扣除" in tokens and "加计" in tokens


def test_synonym_groups_and_expansion():
    assert len(seg.synonym_groups()) >= 25
    tokens, expansion = seg.expand_query("技改补贴上限")
    assert "技改" in tokens and "技术改造" in expansion
    _, expansion = seg.expand_query("高企认定")
    assert "高新技术企业" in expansion
    _, expansion = seg.expand_query("稳岗补贴")
    assert "稳岗返还" in expansion
    _, expansion = seg.expand_query("个体户")
    assert "个体工商户" in expansion


def test_money_tokens_normalise_amounts():
    expected = ["money:20000000"]
    for text in ("2000万", "2000万元", "2000 万元", "两千万元", "20,000,000元"):
        assert seg.money_tokens(text) == expected, text
    assert seg.money_tokens("最高奖励1.5亿元") == ["money:150000000"]
    assert seg.money_tokens("三十万元") == ["money:300000"]


def test_money_tokens_ignore_other_measures_and_bare_numbers():
    assert seg.money_tokens("新增就业5万人，种植3万亩") == []
    assert seg.money_tokens("30个人，招了2个") == []


def test_money_token_in_index_tokens():
    assert "money:20000000" in seg.index_tokens("对投资2000万元及以上的项目")


def test_segment_equals_one_plain_jieba_pass_over_the_corpus():
    """The cached cut of each jieba run gives exactly jieba's own tokens,
    over whole files and line by line (mixed Latin, digits, punctuation,
    full-width forms and repeated boilerplate)."""
    from huiqi.config import corpus_files

    tk = seg.tokenizer()

    def plain(text):
        return [t for t in tk.lcut(seg.normalize_text(text), HMM=True) if t.strip()]

    extra = ["ＡＢＣ公司2024年度R&D投入5,000万元（含）以上", "  \t  ", "", "e-mail: a.b@c.cn；电话0471-1234567",
             "符合条件的企业。符合条件的企业，符合条件的企业"]
    for path in corpus_files():
        text = path.read_text(encoding="utf-8")
        assert seg.segment(text) == plain(text), path.name
        for line in text.split("\n")[:400]:
            assert seg.segment(line) == plain(line), line
    for text in extra:
        assert seg.segment(text) == plain(text), text


def test_segment_runs_are_jiebas_runs():
    assert seg._HAN_RE.pattern == jieba.re_han_default.pattern
    assert seg._SKIP_RE.pattern == jieba.re_skip_default.pattern


def test_counts_in_chinese_numerals_also_search_their_digits():
    """离校两年内 in a question finds the texts' 离校2年内 (the index cuts 2年内
    as 年内); amounts and other words are left as they are."""
    from huiqi.search.segment import arabic_counts, expand_query

    assert arabic_counts("离校两年内高校毕业生，带动三人以上就业") == "离校2年内高校毕业生，带动3人以上就业"
    assert arabic_counts("十二个月") == "12个月" and arabic_counts("一次性创业补贴") == "一次性创业补贴"
    tokens, expansion = expand_query("离校两年内首次创业")
    assert "年内" in expansion and "年内" not in tokens


def test_nfkc_run_by_run_equals_unicodedata():
    # segment._nfkc normalises the runs between CJK ideographs only; it must
    # give exactly unicodedata's NFKC, also where characters compose or
    # decompose across a run's edge
    import unicodedata

    from huiqi.config import corpus_files

    texts = [p.read_text(encoding="utf-8") for p in corpus_files()]
    texts += [
        "ｅ\u0301与e\u0301、補貼５００万元（含）①②㈠",  # combining acute after full-width and ASCII e
        "企\u0301业",  # a combining mark right after an ideograph stays as it is
        "\u1100\u1161\u11a8한글 ﬁ ㎏ ½ Ⅻ",  # Hangul jamo compose; ligatures and compatibility forms decompose
        "全部是汉字没有标点", "",
    ]
    for text in texts:
        for piece in [text, *text.split("\n")[:300]]:
            assert seg._nfkc(piece) == unicodedata.normalize("NFKC", piece), piece[:40]


def _money_values_full_scan(text: str) -> list[float]:
    """money_values as first written: one scan of the whole NFKC text."""
    import unicodedata

    out = []
    norm = unicodedata.normalize("NFKC", text or "")
    for m in seg._MONEY_RE.finditer(norm):
        scale, yuan = m.group("scale"), m.group("yuan")
        if not scale and not yuan:
            continue
        if scale and not yuan and seg._NON_MONEY_AFTER.match(norm, m.end()):
            continue
        value = seg._cn_value(m.group("num"))
        if value is None or value <= 0:
            continue
        out.append(value * seg._SCALES[scale])
    return out


def test_money_values_scanning_runs_around_anchors_equals_a_full_scan():
    """Only the runs around 万/亿/元 are scanned; a match starting inside a
    number the full scan consumed whole (1,2345万: the scan takes 1,234 then
    5万) is not found, so the amounts are the same."""
    from huiqi.config import corpus_files

    texts = [p.read_text(encoding="utf-8") for p in corpus_files()]
    texts += ["补贴1,2345万元，另有三十万人，５０万元及两千万，共计2亿", "1,0005万元", "万元", "元", "3 万 元",
              "二十一万\n元", "一二三四万元五六万人", "12.5万元/户，0.5亿元", "１０００元　２０万元", "",
              "2024 2025 2026年 三 五 十万元", "元元万亿", "共 1,000,000 元，另 3 000 万", "十万 人\n五万元"]
    for text in texts:
        for piece in [text, *text.split("\n")]:
            assert seg.money_values(piece) == _money_values_full_scan(piece), piece[:40]
    assert seg.money_values("补贴1,2345万元") == [50000.0]


def test_nfkc_table_path_equals_unicodedata():
    """Full-width forms and canonical singletons (CJK compatibility
    ideographs) go through the lookup table; text the table leaves
    unnormalised falls back."""
    import unicodedata

    for text in ["对符合条件的企业，给予５０万元（含）补贴：\u3000Ａｂｃ", "\uf900\uf901，補", "ＡＢ\u0301Ｃ", "𝐀ＢＣ，",
                 "ﬁ，½，Ⅻ，㎏", "全角：１２３", "字节\udcff，解码失败"]:
        assert seg._nfkc(text) == unicodedata.normalize("NFKC", text), text

"""PreciseCutter gives exactly jieba's precise-mode (HMM) words of a run."""

from __future__ import annotations

import jieba

from huiqi.search import segment as seg
from huiqi.search.precise_cut import PreciseCutter


def _runs(text: str) -> list[str]:
    return [p for i, p in enumerate(seg._HAN_RE.split(seg.normalize_text(text))) if i & 1]


def test_cut_equals_jieba_on_every_run_of_the_corpus():
    from huiqi.config import corpus_files

    tk = seg.tokenizer()
    cutter = PreciseCutter(tk)
    runs = {r for p in corpus_files() for r in _runs(p.read_text(encoding="utf-8"))}
    assert len(runs) > 5000
    for run in runs:
        assert cutter.cut(run) == tk.lcut(run, HMM=True), run


def test_cut_of_unknown_words_ties_and_mixed_characters():
    """Unknown names go through the HMM, dictionary words of frequency 0
    (prefixes only) are not words, digits and Latin letters stay in runs."""
    tk = seg.tokenizer()
    cutter = PreciseCutter(tk)
    for run in ["伊金霍洛旗乌兰木伦镇巴图湾村", "鄂尔多斯市康巴什区人力资源和社会保障局", "2024年R&D投入5.5%以上",
                "专精特新小巨人企业", "的的的的的", "a", "稳岗返还六税两费减半征收", "啊哦嗯呃哈哈哈哈哈"]:
        assert cutter.cut(run) == tk.lcut(run, HMM=True), run


def test_cut_with_the_default_dictionary():
    tk = jieba.Tokenizer()
    tk.initialize()
    cutter = PreciseCutter(tk)
    for run in ["对新认定的高新技术企业给予一次性奖励", "专精特新小巨人企业", "高校毕业生就业见习补贴"]:
        assert cutter.cut(run) == tk.lcut(run, HMM=True), run

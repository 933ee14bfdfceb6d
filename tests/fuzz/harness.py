"""Fuzzing harness shared by ``tests/fuzz`` (bounded, CI) and
``benchmarks/fuzz_long.py`` (long runs): a Hypothesis strategy of
policy-like files and the read → normalise → structure → extract pipeline
with its time and memory measured.

The strategy mixes real drafting fragments (numbered items, 责任单位 tags,
amounts, thresholds, ranges, dates, 发文字号, phone numbers) with the
shapes that broke extractors before: long runs of whitespace, newlines,
Chinese numerals, digits, parentheses, delimiters and repeated amounts.
"""

from __future__ import annotations

import io
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

FRAGMENTS = [
    "关于支持企业发展的若干措施", "内政发〔2024〕12号", "一、", "二、", "（一）", "1.", "（1）", "①", "第一条",
    "对年营业收入2000万元以上的企业", "给予最高100万元奖励", "补贴100万元，", "每亩50元", "按10%给予补助",
    "从业人员300人以下", "投资10万元—300万元", "（责任单位：自治区发展改革委、财政厅）", "〔责任单位：旗科技局〕",
    "有效期至2026年12月31日", "自发布之日起施行", "有效期两年", "咨询电话：0477-8888888", "联系人：张三",
    "申报条件：", "办理时限：5个工作日", "（含）", "（不含）", "以上", "以下", "不超过", "不低于", "达到", "力争",
    "一二三四五六七八九十百千万亿", "两千万元", "1,000", "5，000万元", "0.5%", "百分之三", "美元", "亿元",
    "附件：", "第一篇", "（一）国家级政策", "微信扫一扫", "<script>alert(1)</script>", "=HYPERLINK(\"x\")",
]
SHAPES = [" ", "\u3000", "\t", "\n", "、", "，", "；", "。", "（", "）", "(", ")", "—", "-", "~", "至", "万", "元",
          "0", "9", "一", "十", "\x00", "\u200b", "\r", "《", "》", "：", "\ufeff"]


@st.composite
def policy_text(draw, max_pieces: int = 120) -> str:
    """A policy-like text: fragments, shape characters and runs of them."""
    pieces = draw(st.lists(st.one_of(
        st.sampled_from(FRAGMENTS),
        st.sampled_from(SHAPES),
        st.builds(lambda s, n: s * n, st.sampled_from(SHAPES + FRAGMENTS[:20]), st.integers(2, 200)),
        st.text(max_size=12),
    ), max_size=max_pieces))
    return "".join(pieces)


def _docx_bytes(text: str) -> bytes:
    import docx

    d = docx.Document()
    for line in text.split("\n"):
        d.add_paragraph("".join(ch for ch in line if ch.isprintable() or ch == "\t"))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _html_bytes(text: str) -> bytes:
    from html import escape

    body = "".join(f"<p>{escape(line)}</p>" for line in text.split("\n"))
    return f"<html><head><title>政策</title></head><body>{body}</body></html>".encode("utf-8")


def write_variant(text: str, kind: str, directory: Path, name: str = "fuzz") -> Path:
    """Write ``text`` as a ``kind`` file (``txt``, ``gb18030``, ``html``, ``docx``) under ``directory``."""
    if kind == "txt":
        path, data = directory / f"{name}.txt", text.encode("utf-8", "replace")
    elif kind == "gb18030":
        path, data = directory / f"{name}.txt", text.encode("gb18030", "replace")
    elif kind == "html":
        path, data = directory / f"{name}.html", _html_bytes(text)
    else:
        path, data = directory / f"{name}.docx", _docx_bytes(text)
    path.write_bytes(data)
    return path


@dataclass
class RunStats:
    """One pipeline run: ``seconds`` wall time, ``peak_mb`` traced peak
    allocation (``None`` when not traced), ``clauses`` extracted, ``error``
    the one-line SourceError message when the reader refused the file."""

    seconds: float
    peak_mb: float | None
    clauses: int
    error: str | None


def run_pipeline(path: Path, trace_memory: bool = True) -> RunStats:
    """read → normalise → structure → extract one file. Only
    :class:`huiqi.readers.SourceError` is an expected failure (returned in
    ``error``); anything else propagates (a bug)."""
    from huiqi.extract import extract_clause_facts, extract_document_facts
    from huiqi.readers import SourceError, read_source
    from huiqi.structure import parse_source

    if trace_memory:
        tracemalloc.start()
    t0 = time.perf_counter()
    clauses, error = 0, None
    try:
        try:
            source = read_source(path)
        except SourceError as exc:
            error = str(exc)
        else:
            for doc in parse_source(source):
                facts = extract_document_facts(doc)
                for _path, node in doc.clauses():
                    extract_clause_facts(node, node.block(), issued=facts.issued, doc_validity=facts.validity)
                    clauses += 1
        seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace_memory else None
    finally:
        if trace_memory:
            tracemalloc.stop()
    return RunStats(seconds, peak, clauses, error)


def warm_up(directory: Path) -> None:
    """Load the lazy dictionaries (jieba, jionlp, OpenCC) once, so that the
    first fuzzed example is not charged for them."""
    run_pipeline(write_variant("关于支持企业发展的通知\n一、对企业给予最高100万元奖励。（责任单位：财政局）\n", "txt",
                               directory, "warm"), trace_memory=False)

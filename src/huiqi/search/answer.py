"""Extractive cited answers (问答：摘录式带引用回答) for ``huiqi ask``.

:func:`answer` searches the knowledge base, decides whether the corpus
answers the question ("found"), and builds a short Chinese answer made only
of sentences quoted verbatim from the cited clauses plus fixed templates
(根据《标题》（条目）…, 受理机构：…, 咨询电话：…). Nothing is generated.

Result shape::

    {"question": str, "found": bool, "answer": str,
     "citations": [{"id": int, "text": str,
                    "source": {"file", "start_line", "end_line"},
                    "document": {"id", "title", ...}, "path": [str]}],
     "suggestions": [str]}          # nearest topics when not found

Relevance rule ("found"), measured on ``benchmarks/gold/questions.yaml``
(119 answerable + 11 unanswerable questions) with
``benchmarks/search_bench.py --answers``:

* no keyword hit, or the best keyword score below :data:`MIN_SCORE` → not found;
* the question names a *topic term* that occurs nowhere in the corpus (nor
  any synonym of it) → not found. Topic terms are place/organisation/proper
  names (jieba POS ``ns``/``nt``/``nz``) and domain-dictionary terms
  (``policy_terms.txt``): asking about 上海市 or 留抵退税 in a corpus that
  never mentions them cannot be answered from it;
* the question has a common noun (POS ``n``) absent from the whole corpus
  *and* the best score is below :data:`WEAK_SCORE` → not found (a weak match
  that misses a noun of the question is a different topic).
"""

from __future__ import annotations

import re
from functools import lru_cache

from huiqi.search import segment as seg

__all__ = ["answer", "AnswerError", "MIN_SCORE", "WEAK_SCORE"]

#: best keyword score below which nothing is considered found (gold set: the
#: weakest answerable top score is 4.5; tuned with search_bench --answers)
MIN_SCORE = 4.0
#: below this best score, a question noun absent from the corpus means "not found"
WEAK_SCORE = 10.5
#: at most this many sentences are quoted from the best clause
MAX_SENTENCES = 2
#: a second clause is quoted when its score is at least this share of the best
SECOND_CLAUSE_RATIO = 0.6
MAX_QUOTE_CHARS = 300

# how / where / whom / how long intent (办事意图): add contacts and guide fields
_HOW_RE = re.compile(
    r"怎么|怎样|如何|去哪|哪里|在哪|找谁|哪个部门|电话|联系|材料|多久|多长时间|时限|几天|流程|申请|申报|办理|受理"
)
_AMOUNT_RE = re.compile(r"多少|几|比例|上限|最高|最多|标准|额度|费率|税率|利率|补贴|补助|奖励|奖补|奖金|贴息|多久|时间|期限|减免|免收")
_QUANTITY_RE = re.compile(r"[\d〇一二两三四五六七八九十百千万.]+\s*(?:万?元|亿元|%|％|倍|个工作日|工作日|年|个月)")
#: sentence-score bonus per quantity (amount, rate, duration) when the question asks one
AMOUNT_BONUS = 3
_SENT_SPLIT_RE = re.compile(r"(?<=[。；;！？!?])|\n")
_HEADING_ONLY_RE = re.compile(r"^[一二三四五六七八九十\d]+[、.．]\s*\S{0,12}$")
_QUESTION_NOUNS = frozenset("多长时间 多少钱 时间 问题 企业 公司 政策 我们".split())
_PROPER_POS = ("ns", "nt", "nz")
_GUIDE_FIELDS = ("受理机构", "申报材料", "办理时限")


class AnswerError(ValueError):
    """Bad question (empty, not text); the message is one Chinese sentence."""


@lru_cache(maxsize=1)
def _domain_terms() -> frozenset[str]:
    return frozenset(seg.normalize_text(w) for w, _f, _t in seg.load_terms())


@lru_cache(maxsize=1)
def _pos_tokenizer():
    import jieba.posseg as psg

    return psg.POSTokenizer(seg.tokenizer())


_corpus_cache: dict[int, str] = {}


def _corpus_text(engine) -> str:
    """Normalised text of every indexed record (cached per index object)."""
    from huiqi.search.index import indexed_text

    key = id(engine.keyword)
    if key not in _corpus_cache:
        _corpus_cache.clear()
        _corpus_cache[key] = seg.normalize_text("\n".join(indexed_text(r) for r in engine.keyword.records))
    return _corpus_cache[key]


def _in_corpus(term: str, corpus: str) -> bool:
    return term in corpus or any(seg.normalize_text(s) in corpus for s in seg.synonyms_of(term))


def missing_terms(question: str, engine) -> tuple[list[str], list[str]]:
    """``(topic_terms, nouns)`` of ``question`` that occur nowhere in the
    engine's corpus (synonyms included): topic terms are proper names (POS
    ns/nt/nz) and domain-dictionary terms; nouns are other POS-``n`` words of
    two or more characters."""
    corpus = _corpus_text(engine)
    topics: list[str] = []
    nouns: list[str] = []
    for w in _pos_tokenizer().cut(seg.normalize_text(question)):
        word, flag = w.word, w.flag
        if len(word) < 2 or word in seg.STOPWORDS or word in _QUESTION_NOUNS or _in_corpus(word, corpus):
            continue
        if flag in _PROPER_POS or word in _domain_terms():
            topics.append(word)
        elif flag == "n":
            nouns.append(word)
    return topics, nouns


def _sentences(text: str) -> list[str]:
    out = []
    for s in _SENT_SPLIT_RE.split(text or ""):
        s = s.strip()
        if len(s) >= 6 and not _HEADING_ONLY_RE.match(s):
            out.append(s)
    return out


def _pick_sentences(text: str, tokens: list[str], wants_amount: bool, limit: int) -> list[str]:
    """Up to ``limit`` sentences of ``text`` that contain the most query
    tokens (longer tokens weigh more; a number helps when the question asks
    an amount), returned in their original order."""
    sents = _sentences(text)
    if not sents:
        return [text.strip()[:MAX_QUOTE_CHARS]] if text.strip() else []
    scored = []
    for i, s in enumerate(sents):
        norm = seg.normalize_text(s)
        sc = sum(len(t) for t in tokens if t in norm)
        if wants_amount:
            sc += AMOUNT_BONUS * len(_QUANTITY_RE.findall(s[:MAX_QUOTE_CHARS]))
        scored.append((sc, i))
    scored.sort(key=lambda x: (-x[0], x[1]))
    best = [i for sc, i in scored[:limit] if sc > 0] or [scored[0][1]]
    return [sents[i][:MAX_QUOTE_CHARS] for i in sorted(best)]


def _label(item: dict) -> str:
    title = item["document"].get("title") or "（无标题）"
    path = [p for p in item.get("path") or [] if p and p != title]
    where = f"《{title}》" + (f"（{' > '.join(path)[:60]}）" if path else "")
    end = (item.get("validity") or {}).get("end")
    if item.get("expired") and end:
        where += f"（已过期，有效期至{end}）"
    return where


def _extras(record: dict) -> list[str]:
    """Fixed-template sentences for how/where/whom questions: 受理机构,
    咨询电话 (contacts) and the 申报材料 / 办理时限 guide fields."""
    out = []
    fields = record.get("fields") or {}
    if fields.get("受理机构"):
        out.append(f"受理机构：{fields['受理机构']}。")
    phones = []
    for c in record.get("contacts") or []:
        phone = c.get("phone")
        if phone:
            phones.append(f"{c.get('org') or ''}{phone}")
    if phones:
        out.append("咨询电话：" + "；".join(dict.fromkeys(phones)) + "。")
    for key in _GUIDE_FIELDS[1:]:
        if fields.get(key):
            out.append(f"{key}：{str(fields[key])[:MAX_QUOTE_CHARS]}".rstrip("。") + "。")
    return out


def _not_found(question: str, results: list[dict]) -> dict:
    topics = list(dict.fromkeys(r["document"].get("title") or "" for r in results if r["document"].get("title")))[:3]
    text = "未在已收录的政策文件中找到能回答该问题的条款。"
    if topics:
        text += "相近的主题有：" + "、".join(f"《{t}》" for t in topics) + "。"
    return {"question": question, "found": False, "answer": text, "citations": [], "suggestions": topics}


def answer(question, *, db: str | None = None, engine=None, top: int = 5) -> dict:
    """Answer ``question`` from the knowledge base ``db`` (or the given
    :class:`~huiqi.search.engine.SearchEngine` ``engine``) with quoted,
    cited sentences; see the module docstring for the result shape and the
    "found" rule. Raises :class:`AnswerError` for an empty/non-text question;
    a question with no searchable word gives ``found=False``."""
    from huiqi.search.engine import SearchError, clean_query, open_engine

    try:
        text = clean_query(question)
        if engine is None:
            engine = open_engine(db)
        results = engine.search(text, top=max(1, min(int(top), 20)), mode="keyword") if text else []
    except SearchError as exc:
        raise AnswerError(str(exc)) from None
    if not results or results[0]["score"] < MIN_SCORE:
        return _not_found(text, results)
    topics, nouns = missing_terms(text, engine)
    if topics or (nouns and results[0]["score"] < WEAK_SCORE):
        return _not_found(text, results)

    tokens, expansion = seg.expand_query(text)
    tokens = [t for t in dict.fromkeys(tokens + expansion) if not t.startswith("money:")]
    wants_amount = bool(_AMOUNT_RE.search(text))
    how = bool(_HOW_RE.search(text))

    chosen = [results[0]]
    if len(results) > 1 and results[1]["score"] >= SECOND_CLAUSE_RATIO * results[0]["score"]:
        chosen.append(results[1])
    parts: list[str] = []
    citations: list[dict] = []
    for n, item in enumerate(chosen):
        quoted = _pick_sentences(item["text"], tokens, wants_amount, MAX_SENTENCES if n == 0 else 1)
        if not quoted:
            continue
        body = "".join(q if q.endswith(("。", "；", "！", "？")) else q + "。" for q in quoted)
        parts.append(("根据" if n == 0 else "另据") + _label(item) + "：" + body)
        citations.append({
            "id": item["id"],
            "text": "".join(quoted),
            "source": dict(item["source"]),
            "document": dict(item["document"]),
            "path": list(item.get("path") or []),
        })
    if how:
        record = engine.record(chosen[0]["id"]) or {}
        parts.extend(_extras(record))
    return {"question": text, "found": True, "answer": "".join(parts), "citations": citations, "suggestions": []}


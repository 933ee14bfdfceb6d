"""Extractive cited answers (问答：摘录式带引用回答) for ``huiqi ask``.

:func:`answer` searches the knowledge base, decides whether the corpus
answers the question ("found"), and builds a short Chinese answer made only
of sentences quoted verbatim from the cited clauses plus fixed templates
(根据《标题》（条目）…, 受理机构：…, 咨询电话：…). Nothing is generated unless
an LLM endpoint is configured (see :mod:`huiqi.search.compose`), and then
every number and date of the composed text is checked against the clauses.

Result shape::

    {"question": str, "found": bool, "answer": str,
     "citations": [{"id": int, "text": str,
                    "source": {"file", "start_line", "end_line"},
                    "document": {"id", "title", ...}, "path": [str],
                    "expired": bool, "validity": {...}}],
     "suggestions": [str],          # nearest topics when not found
     "composer": "extractive" | "llm"}

How an answer is chosen (rules, not per-question tuning):

* **Question terms** are the query tokens of
  :func:`huiqi.search.segment.query_tokens` minus asking words, each weighted
  by its BM25 inverse document frequency over the indexed clauses (rare
  words decide, 企业/补贴 hardly count). A term matches a text when it or
  one of its synonyms (``synonyms.yaml``) occurs in it.
* **Coverage** of a text = matched weight / total weight (0–1). A clause's
  title and heading path count at :data:`CONTEXT_WEIGHT`.
* **Clause choice**: among the :data:`CANDIDATES` best keyword results, the
  clause maximising ``PRIOR_WEIGHT x score/best score + coverage of the
  clause + coverage of its best sentence`` (+ :data:`AMOUNT_BONUS` when the
  question asks an amount, rate or duration and the clause states one).
* **Sentences** (split at 。；！？ and line ends; in a service guide each
  line keeps its field heading, e.g. 贷款额度：300万元): the best sentence,
  then greedily the ones adding uncovered question terms or — for amount
  questions — a quantity not yet quoted, at most :data:`MAX_SENTENCES` and
  :data:`MAX_QUOTE_CHARS` characters.
* **How / where to apply** (怎么申请, 找谁, 电话, 多久 …) and every service
  guide (服务指南): 受理机构 and 咨询电话 from the clause's fields/contacts,
  办理时限 / 申报材料 when asked.
* **Expired** clauses are labelled ``（已过期，有效期至YYYY-MM-DD）``; a clause
  in force with a known window says it: ``（有效期2024-01-01至2024-12-31）``.

"Found" rule, measured on ``benchmarks/gold/questions*.yaml`` with
``benchmarks/search_bench.py --answers``:

* no keyword hit, or the best keyword score below :data:`MIN_SCORE` → not found;
* the question names a *topic term* that occurs nowhere in the corpus (nor
  any synonym of it) → not found. Topic terms are place/organisation/proper
  names (jieba POS ``ns``/``nt``/``nz``) and domain-dictionary terms
  (``policy_terms.txt``): asking about 上海市 or 留抵退税 in a corpus that
  never mentions them cannot be answered from it;
* the chosen clause covers less than :data:`MIN_COVERAGE` of the question's
  weighted terms → not found (the clause is about something else);
* the question names a *formal policy object* — a noun ending in
  税/证/金/点/率 (a tax, certificate, fund, threshold, rate: 契税, 购置税,
  起征点, 保障金) — that occurs nowhere in the corpus → not found
  (:func:`absent_formal_terms`). Colloquial words absent from the corpus
  (废渣, 小卖部, 场子) do not decide: users describe their situation in
  their own words. A certificate (…证) counts with the noun words just
  before it (食品经营许可证 = 食品 + 经营 + 许可证: the corpus has 许可证,
  not this one).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from huiqi.reference.products import other_products, products_in
from huiqi.search import segment as seg
from huiqi.search.engine import asks_about_past

__all__ = ["answer", "AnswerError", "missing_terms", "MIN_SCORE", "MIN_COVERAGE"]

#: best keyword score below which nothing is considered found
MIN_SCORE = 4.0
#: minimum weighted question-term coverage of the chosen clause
MIN_COVERAGE = 0.2
#: a short colloquial question (买新设备有补贴吗) scores low in BM25 however well a
#: clause answers it: below MIN_SCORE, down to LOW_SCORE, a clause still counts
#: as found when it holds (nearly) every term of the question, synonyms included
LOW_SCORE = 2.5
FULL_COVERAGE = 0.9
#: keyword results considered when choosing the clause to quote
CANDIDATES = 5
#: weight of the keyword score (relative to the best) in the clause choice
PRIOR_WEIGHT = 0.5
#: a question term found only in the title/heading path counts this much
CONTEXT_WEIGHT = 0.5
#: bonus of a sentence/clause stating a quantity when the question asks one
AMOUNT_BONUS = 0.4
#: Score taken from an expired clause when the question does not ask about
#: the past: of two clauses that answer about equally, the one in force on
#: the day is quoted first (稳岗补贴今年还能领吗 → the current guide, not the
#: lapsed 2024 notice).
EXPIRED_PENALTY = 0.3
#: Score taken from a clause about other species or crops than the question
#: names (养牛的合作社买草料 is not answered with the 鸵鸟 forage guide;
#: :func:`huiqi.reference.products.other_products`: 肉牛 fits a clause on 牛).
OTHER_PRODUCT_PENALTY = 1.0
#: bonus of a sentence under the guide field/heading that holds what is asked
HEADING_BONUS = 0.5
#: weight of a number stated in the question, as a share of an unseen word's idf
NUMBER_WEIGHT = 0.5
#: minimum added coverage for a further sentence to be quoted
MIN_GAIN = 0.08
#: at most this many sentences are quoted from the chosen clause
MAX_SENTENCES = 3
#: a second clause is quoted when its choice score is at least this share of the best
SECOND_CLAUSE_RATIO = 0.85
MAX_QUOTE_CHARS = 260

# how / where / whom / how long intent (办事意图): add 受理机构 and 咨询电话
_HOW_RE = re.compile(
    r"怎么|怎样|如何|去哪|哪里|在哪|找谁|哪个部门|电话|联系|材料|多久|多长时间|时限|几天|流程|申请|申报|办理|受理|办下来"
)
_DURATION_RE = re.compile(r"多久|多长时间|时限|几天|几个工作日|多少天|办下来")
_MATERIAL_RE = re.compile(r"材料|带什么|准备什么|提交什么")
_AMOUNT_RE = re.compile(
    r"多少|几|比例|上限|最高|最多|标准|额度|费率|税率|利率|补贴|补助|奖励|奖补|奖金|贴息|多久|时间|期限|减免|减税|免税|退税|优惠|返还|免收|怎么算|收费|费用"
)
# quantities a sentence can state: money, rates and exemptions; durations
_MONEY_QTY_RE = re.compile(
    r"[\d〇一二两三四五六七八九十百千万.]+\s*(?:万?元|亿元|%|％|‰|倍)|免收|免征|免缴|减半|不收费|不再增收|全额"
)
_DURATION_QTY_RE = re.compile(r"[\d〇一二两三四五六七八九十]+\s*(?:个?工作日|个?自然日|天|日内|个月|年内|年)|即时|当日|当场")
_SENT_SPLIT_RE = re.compile(r"(?<=[。；;！？!?])")
# a field or item heading line in a service guide: 三、贷款额度 / （二）补贴标准
_HEADING_LINE_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])\s*(?P<h>[^。；;，,：:]{1,16})$"
)
_ENUM_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．](?!\d))\s*")
# asking words that carry no topic (not in segment.STOPWORDS, which also serve indexing)
_ASKING = frozenset(
    "多长时间 多长 多久 多少钱 时间 问题 企业 公司 政策 我们 能拿 能领 能补 能减 能贷 补多少 办下来 "
    "有没有 给不给 还要 怎么办 怎么算 请问 一下 现在 今年 去年 一个 一些 找 谁 找谁 办 哪个 部门 "
    "能 多 补 领 拿 给 交 打 问 最多能 能贷 能拿 能领 几 几个 几家 几名 几位 两个 什么 "
    "啥 咋 哪些 哪样 么 呢 吗 吧 啊 嘛 能不能 可不可以 可以 是不是 政府 国家 有关 相关".split()
)
_QUESTION_NUMBER_RE = re.compile(
    r"(?<![\d.])(?P<num>\d+(?:\.\d+)?)\s*(?:多|余)?\s*(?P<unit>万吨|万亩|万元|亿元|万|亿|%|吨|亩|头|只|人|个|年|元|千瓦|件)")
_PROPER_POS = ("ns", "nt", "nz")
_FORMAL_RE = re.compile(r"(?:税|证|金|点|率)$")
_NOUN_POS = ("n", "vn", "nr", "nrt")


class AnswerError(ValueError):
    """Bad question (empty, not text); the message is one Chinese sentence."""


@lru_cache(maxsize=1)
def _domain_terms() -> frozenset[str]:
    return frozenset(seg.normalize_text(w) for w, _f, _t in seg.load_terms())


@lru_cache(maxsize=1)
def _pos_tokenizer():
    import jieba.posseg as psg

    return psg.POSTokenizer(seg.tokenizer())


# --- corpus statistics (cached per keyword index object) -------------------

_stats_cache: dict[tuple, tuple[str, dict[str, float], float]] = {}


def _corpus_stats(engine) -> tuple[str, dict[str, float], float]:
    """``(normalised corpus text, token → BM25 idf, idf of an unseen token)``
    of the engine's keyword index; idf = ln(1 + (N - df + 0.5)/(df + 0.5))
    (Robertson/Spärck Jones, as in BM25)."""
    from huiqi.search.index import indexed_text

    key = (id(engine.keyword), engine.keyword.fingerprint)  # the index is updated in place
    if key not in _stats_cache:
        _stats_cache.clear()
        kw = engine.keyword
        corpus = seg.normalize_text("\n".join(indexed_text(r) for r in kw.live_records()))
        n = max(len(kw), 1)
        idf = {tok: math.log(1 + (n - df + 0.5) / (df + 0.5)) for tok, df in kw.doc_freqs().items()}
        unseen = math.log(1 + (n + 0.5) / 0.5)
        _stats_cache[key] = (corpus, idf, unseen)
    return _stats_cache[key]


def _in_corpus(term: str, corpus: str) -> bool:
    return term in corpus or any(seg.normalize_text(s) in corpus for s in seg.synonyms_of(term))


def missing_terms(question: str, engine) -> tuple[list[str], list[str]]:
    """``(topic_terms, nouns)`` of ``question`` that occur nowhere in the
    engine's corpus (synonyms included): topic terms are proper names (POS
    ns/nt/nz) and domain-dictionary terms; nouns are other noun words (POS
    n/vn/nr) of two or more characters."""
    corpus = _corpus_stats(engine)[0]
    topics: list[str] = []
    nouns: list[str] = []
    for w in _pos_tokenizer().cut(seg.normalize_text(question)):
        word, flag = w.word, w.flag
        if len(word) < 2 or word in seg.STOPWORDS or word in _ASKING or _in_corpus(word, corpus):
            continue
        if flag in _PROPER_POS or word in _domain_terms():
            topics.append(word)
        elif flag in _NOUN_POS:
            nouns.append(word)
    return topics, nouns


# --- question terms and coverage -------------------------------------------


@dataclass(frozen=True)
class Term:
    """A question term: ``text`` (normalised), ``weight`` (idf) and
    ``alternatives`` (normalised synonyms that also count as a match)."""

    text: str
    weight: float
    alternatives: tuple[str, ...] = ()
    pattern: re.Pattern | None = None

    def found_in(self, text: str) -> bool:
        """Whether the term or a synonym occurs in ``text`` (normalised)."""
        if self.pattern is not None:
            return bool(self.pattern.search(text))
        return self.text in text or any(a in text for a in self.alternatives)


def question_terms(question: str, engine) -> list[Term]:
    """Weighted terms of ``question`` (see the module docstring); money
    tokens and asking words are left out."""
    _corpus, idf, unseen = _corpus_stats(engine)
    out: list[Term] = []
    tokens = list(dict.fromkeys(seg.query_tokens(question)))
    # the parts of a word with synonyms (大学 and 学生 of 大学生 = 高校毕业生) are not
    # terms of their own: a clause saying 高校毕业生 answers the word whole
    with_synonyms = [t for t in tokens if len(t) > 1 and seg.synonyms_of(t)]
    for tok in tokens:
        if seg.is_money_token(tok) or tok in _ASKING:
            continue
        if any(tok != w and tok in w for w in with_synonyms):
            continue
        alts = tuple(a for a in (seg.normalize_text(s) for s in seg.synonyms_of(tok)) if a and a != tok)
        digits = seg.arabic_counts(tok)  # 两年 also found as 2年
        if digits != tok:
            alts += (digits,)
        w = idf.get(tok, unseen) if idf else 1.0
        if len(tok) == 1:
            w *= 0.5
        out.append(Term(tok, w, alts))
    # numbers the asker states (30多万亩, 2000多吨): a sentence with the same
    # number is likely the applicable tier
    for m in _QUESTION_NUMBER_RE.finditer(_strip_commas(seg.normalize_text(question))):
        num, unit = m.group("num"), m.group("unit")
        pat = re.compile(r"(?<![\d.])" + re.escape(num) + r"\s*" + re.escape(unit))
        out.append(Term(num + unit, NUMBER_WEIGHT * unseen, pattern=pat))
    return out


def _strip_commas(text: str) -> str:
    """``5,000`` → ``5000`` (thousands separators between digits)."""
    return re.sub(r"(?<=\d)[,，](?=\d{3})", "", text)


def _coverage(terms: list[Term], text: str, context: str = "", covered: frozenset[str] = frozenset()) -> float:
    """Weighted share of ``terms`` found in ``text`` (full weight) or only in
    ``context`` (:data:`CONTEXT_WEIGHT`), ignoring terms in ``covered``."""
    total = sum(t.weight for t in terms)
    if not total:
        return 0.0
    got = 0.0
    for t in terms:
        if t.text in covered:
            continue
        if t.found_in(text):
            got += t.weight
        elif context and t.found_in(context):
            got += CONTEXT_WEIGHT * t.weight
    return got / total


# --- sentences ---------------------------------------------------------------


@dataclass
class Sentence:
    """One quotable unit of a clause: ``text`` as written, the ``heading``
    of the guide field/item it sits under (may be empty) and its position."""

    text: str
    heading: str
    pos: int
    norm: str = field(init=False)

    def __post_init__(self) -> None:
        self.norm = _strip_commas(seg.normalize_text(self.heading + " " + self.text))

    def quoted(self, with_heading: bool) -> str:
        """The sentence as quoted, prefixed ``heading：`` when asked."""
        text = self.text[:MAX_QUOTE_CHARS]
        return f"{self.heading}：{text}" if with_heading and self.heading else text


def sentences(text: str) -> list[Sentence]:
    """Split a clause into :class:`Sentence` s at 。；！？ and line ends; a short
    enumerated line without sentence punctuation (三、贷款额度) is a heading
    for the lines below it rather than a sentence."""
    out: list[Sentence] = []
    heading = ""
    for line in (text or "").split("\n"):
        line = line.strip()
        if not line:
            continue
        m = _HEADING_LINE_RE.match(line)
        if m:
            heading = m.group("h").strip()
            continue
        for part in _SENT_SPLIT_RE.split(line):
            part = part.strip()
            if len(part) >= 6 or (part and re.search(r"\d", part)) or (heading and len(part) >= 2):
                out.append(Sentence(part, heading, len(out)))
    return out


def _has_quantity(text: str, duration: bool = False) -> bool:
    """Whether ``text`` states a money amount/rate/exemption (or, with
    ``duration``, a time limit)."""
    return bool((_DURATION_QTY_RE if duration else _MONEY_QTY_RE).search(text))


# What the question asks → the guide field / item headings that hold it
# (service-guide field names of huiqi.extract, 服务指南 fields).
_INTENT_HEADINGS = (
    (re.compile(r"多少|比例|上限|最高|最多|标准|额度|费率|税率|利率|怎么算|能补|能贷|奖励|补贴|补助|奖补|贴息|减免|优惠"),
     re.compile(r"^(?!.*(?:条件|对象|范围|依据|方式|用途)).*(?:标准|额度|金额|利率|费率|比例|补贴|补助|奖励|奖补|优惠|内容|收费)")),
    (re.compile(r"怎么申请|如何申请|怎么办|怎么办理|如何办理|怎么申报|如何申报|流程|程序|怎么领|如何享受|怎么享受"),
     re.compile(r"流程|程序|步骤|申报方式|申请方式|办理方式")),
    (_DURATION_RE, re.compile(r"时限|期限|时间")),
    (_MATERIAL_RE, re.compile(r"材料")),
    (re.compile(r"条件|能不能|能否|可以吗|符合|哪些企业|谁能"), re.compile(r"条件|对象|范围")),
    (re.compile(r"收费|费用|交钱|登记费|要交"), re.compile(r"收费")),
)


def asked_headings(question: str) -> list[re.Pattern]:
    """Heading patterns of the guide fields that hold what ``question``
    asks (amount → 政策标准/额度, how → 申报流程, how long → 办理时限 …)."""
    return [h for q, h in _INTENT_HEADINGS if q.search(question)]


@dataclass
class _Candidate:
    item: dict
    sents: list[Sentence]
    coverage: float
    best_sentence: float
    score: float


def _context(item: dict) -> str:
    """Normalised title + heading path of a search result."""
    return seg.normalize_text((item["document"].get("title") or "") + " " + " ".join(item.get("path") or []))


def _open_terms(terms: list[Term], context: str) -> list[Term]:
    """The terms a sentence still has to supply: those not already named by
    the clause's title/heading path (which the answer label quotes)."""
    return [t for t in terms if not t.found_in(context)]


def _evaluate(item: dict, best_score: float, terms: list[Term], ask: Ask) -> _Candidate:
    text = item["text"]
    context = _context(item)
    sents = sentences(text)
    cov = _coverage(terms, seg.normalize_text(text), context)
    # how much of the question the answer's label (title, heading path) and its best sentence hold
    # together: a clause whose title names the topic (企业吸纳退役士兵税费减免政策) is not
    # outscored by one whose single sentence repeats the question's words
    best_sent = max((_sentence_score(s, terms, ask, context) for s in sents), default=0.0)
    prior = item["score"] / best_score if best_score > 0 else 0.0
    score = PRIOR_WEIGHT * prior + cov + best_sent
    if (ask.amount and _has_quantity(text)) or (ask.duration and _has_quantity(text, duration=True)):
        score += AMOUNT_BONUS
    return _Candidate(item, sents, cov, best_sent, score)


@dataclass(frozen=True)
class Ask:
    """What a question asks: ``amount`` (多少/比例/标准 …), ``duration``
    (多久/时限) and the guide ``headings`` holding the answer."""

    amount: bool
    duration: bool
    headings: tuple = ()

    @classmethod
    def of(cls, question: str) -> "Ask":
        """Read the asking intent of a cleaned question."""
        return cls(bool(_AMOUNT_RE.search(question)), bool(_DURATION_RE.search(question)),
                   tuple(asked_headings(question)))


def _sentence_score(s: Sentence, terms: list[Term], ask: "Ask", context: str = "") -> float:
    sc = _coverage(terms, s.norm, context)
    if (ask.amount and _has_quantity(s.text)) or (ask.duration and _has_quantity(s.text, duration=True)):
        sc += AMOUNT_BONUS
    if s.heading and any(h.search(s.heading) for h in ask.headings):
        sc += HEADING_BONUS
    return sc


def pick_sentences(cand_sents: list[Sentence], terms: list[Term], context: str, ask: Ask,
                   limit: int = MAX_SENTENCES) -> list[Sentence]:
    """Greedy choice of up to ``limit`` sentences: the best-scoring one,
    then those adding uncovered question terms (≥ :data:`MIN_GAIN`) or, for
    amount questions, a first quantity; returned in text order."""
    if not cand_sents:
        return []
    terms = _open_terms(terms, context)
    scored = sorted(cand_sents, key=lambda s: (-_sentence_score(s, terms, ask), s.pos))
    chosen = [scored[0]]
    covered = {t.text for t in terms if t.found_in(scored[0].norm)}
    qty = lambda text: (ask.amount and _has_quantity(text)) or (ask.duration and _has_quantity(text, duration=True))  # noqa: E731
    has_qty = qty(scored[0].text)
    chars = len(scored[0].text)
    while len(chosen) < limit:
        best, best_gain = None, 0.0
        for s in cand_sents:
            if s in chosen or chars + len(s.text) > MAX_QUOTE_CHARS:
                continue
            gain = _coverage(terms, s.norm, "", frozenset(covered))
            if not has_qty and qty(s.text):
                gain += AMOUNT_BONUS
            if s.heading and any(h.search(s.heading) for h in ask.headings) and not any(
                    c.heading == s.heading for c in chosen):
                gain += HEADING_BONUS / 2
            # the sentence right after a chosen one often states its number
            if gain > 0 and any(abs(s.pos - c.pos) == 1 for c in chosen):
                gain += 0.02
            if gain > best_gain:
                best, best_gain = s, gain
        if best is None or best_gain < MIN_GAIN:
            break
        chosen.append(best)
        covered |= {t.text for t in terms if t.found_in(best.norm)}
        has_qty = has_qty or qty(best.text)
        chars += len(best.text)
    # tiers: the neighbours of the first sentence under the same heading that
    # state a quantity too (1万吨以上…10万元；2万吨以上…20万元)
    if ask.amount or ask.duration:
        first = chosen[0]
        for s in sorted(cand_sents, key=lambda s: abs(s.pos - first.pos)):
            if len(chosen) > limit or s in chosen or abs(s.pos - first.pos) > 2 or s.heading != first.heading:
                continue
            if qty(s.text) and chars + len(s.text) <= MAX_QUOTE_CHARS and qty(first.text):
                chosen.append(s)
                chars += len(s.text)
    return sorted(chosen, key=lambda s: s.pos)


def _quote(chosen: list[Sentence]) -> str:
    parts: list[str] = []
    last_heading = None
    for s in chosen:
        q = s.quoted(with_heading=s.heading != last_heading)
        last_heading = s.heading
        parts.append(q if q.endswith(("。", "；", "！", "？")) else q + "。")
    return "".join(parts)


def _label(item: dict) -> str:
    title = item["document"].get("title") or "（无标题）"
    path = [_ENUM_RE.sub("", p) for p in item.get("path") or [] if p and p != title]
    where = f"《{title}》" + (f"（{' > '.join(path)[:40]}）" if path else "")
    v = item.get("validity") or {}
    start, end = v.get("start"), v.get("end")
    if item.get("expired") and end:
        where += f"（已过期，有效期至{end}）"
    elif start or end:  # a dated rule says its window
        where += f"（有效期{start or ''}至{end or '长期'}）" if start else f"（有效期至{end}）"
    return where


def _extras(record: dict, how: bool, question: str) -> list[str]:
    """Fixed-template sentences from a clause's fields/contacts: 受理机构 and
    咨询电话, plus 办理时限 for how-long questions and 申报材料 when asked."""
    out = []
    fields = record.get("fields") or {}
    if how and fields.get("受理机构"):
        out.append(f"受理机构：{str(fields['受理机构']).strip()}".rstrip("。") + "。")
    phones = []
    for c in record.get("contacts") or []:
        phone = c.get("phone")
        if phone:
            phones.append(f"{c.get('org') or ''}{phone}")
    if phones:
        out.append("咨询电话：" + "；".join(dict.fromkeys(phones)) + "。")
    if how and _DURATION_RE.search(question) and fields.get("办理时限"):
        out.append(f"办理时限：{str(fields['办理时限'])[:MAX_QUOTE_CHARS]}".rstrip("。") + "。")
    if _MATERIAL_RE.search(question) and fields.get("申报材料"):
        out.append(f"申报材料：{str(fields['申报材料'])[:MAX_QUOTE_CHARS]}".rstrip("。") + "。")
    return out


def content_words(question: str) -> list[str]:
    """Precise-mode words of ``question`` that carry content: two or more
    characters, not stopwords/asking words/numbers."""
    return [w for w in dict.fromkeys(seg.segment(question))
            if len(w) >= 2 and seg._keep(w) and w not in _ASKING and not re.match(r"^[\d.%]+$", w)]


def absent_formal_terms(question: str, engine) -> list[str]:
    """Formal policy objects the question names that the corpus never
    mentions: a noun ending in 税/证/金/点/率 (a tax, certificate, fund,
    threshold or rate, POS noun) absent from the corpus text, synonyms
    included (契税, 购置税, 起征点). Asking about such an object in a corpus
    without it cannot be answered from the corpus; colloquial words
    (废渣, 小卖部, 场子) do not count."""
    corpus = _corpus_stats(engine)[0]
    out: list[str] = []
    words = list(_pos_tokenizer().cut(seg.normalize_text(question)))
    for i, w in enumerate(words):
        if not (len(w.word) >= 2 and _FORMAL_RE.search(w.word) and w.flag.startswith("n")):
            continue
        if not _in_corpus(w.word, corpus):
            out.append(w.word)
        elif w.word.endswith("证"):
            # a certificate is named by its qualifier: 食品经营许可证 is not 许可证
            compound = _qualified(words, i)
            if compound != w.word and not _in_corpus(compound, corpus):
                out.append(compound)
    return out


#: words that may qualify a certificate's name (名词, 动名词, 专名)
_QUALIFIER_FLAGS = ("n", "vn", "nz")


def _qualified(words: list, i: int, most: int = 2) -> str:
    """The word ``words[i]`` with up to ``most`` directly preceding noun
    words (POS n/vn/nz, two characters or more) joined in front of it:
    食品/经营/许可证 → 食品经营许可证."""
    start = i
    while start > 0 and i - start < most:
        prev = words[start - 1]
        if len(prev.word) < 2 or prev.flag not in _QUALIFIER_FLAGS:
            break
        start -= 1
    return "".join(x.word for x in words[start:i + 1])


def _not_found(question: str, results: list[dict]) -> dict:
    topics = list(dict.fromkeys(r["document"].get("title") or "" for r in results if r["document"].get("title")))[:3]
    text = "未在已收录的政策文件中找到能回答该问题的条款。"
    if topics:
        text += "相近的主题有：" + "、".join(f"《{t}》" for t in topics) + "。"
    return {"question": question, "found": False, "answer": text, "citations": [], "suggestions": topics,
            "composer": "extractive"}


def _citation(item: dict, quoted: list[Sentence]) -> dict:
    return {
        "id": item["id"],
        "text": "".join(s.text for s in quoted),
        "source": dict(item["source"]),
        "document": dict(item["document"]),
        "path": list(item.get("path") or []),
        "expired": bool(item.get("expired")),
        "validity": dict(item.get("validity") or {}),
    }


def extractive(question: str, results: list[dict], engine) -> dict:
    """The extractive answer to a cleaned ``question`` from keyword
    ``results`` (best first, as :meth:`SearchEngine.search` returns them);
    applies the "found" rule of the module docstring."""
    if not results or results[0]["score"] < LOW_SCORE:
        return _not_found(question, results)
    topics, _nouns = missing_terms(question, engine)
    if topics:
        return _not_found(question, results)
    terms = question_terms(question, engine)
    ask = Ask.of(question)
    how = bool(_HOW_RE.search(question))
    best_score = results[0]["score"]
    cands = [_evaluate(it, best_score, terms, ask) for it in results[:CANDIDATES]]
    past = asks_about_past(question)
    asked = products_in(question)
    for c in cands:
        if c.item.get("expired") and not past:
            c.score -= EXPIRED_PENALTY
        if asked:
            if other_products(asked, products_in(_context(c.item) + c.item["text"])):
                c.score -= OTHER_PRODUCT_PENALTY
    cands.sort(key=lambda c: -c.score)
    # a candidate covering too little of the question never wins over one that covers enough
    cands.sort(key=lambda c: c.coverage < MIN_COVERAGE)
    if results[0]["score"] < MIN_SCORE:  # weak keyword evidence: only a clause holding the whole question
        cands = [c for c in cands if c.coverage >= FULL_COVERAGE]
        if not cands:
            return _not_found(question, results)
    first = cands[0]
    if first.coverage < MIN_COVERAGE or absent_formal_terms(question, engine):
        return _not_found(question, results)

    chosen = [first]
    for c in cands[1:]:
        if c.score >= SECOND_CLAUSE_RATIO * first.score:
            chosen.append(c)
            break
    parts: list[str] = []
    citations: list[dict] = []
    seen_text: set[str] = set()
    for n, c in enumerate(chosen):
        item = c.item
        context = _context(item)
        quoted = pick_sentences(c.sents, terms, context, ask, MAX_SENTENCES if n == 0 else 1)
        if not quoted and item["text"].strip():
            quoted = [Sentence(item["text"].strip()[:MAX_QUOTE_CHARS], "", 0)]
        key = "".join(s.text for s in quoted)
        if not quoted or key in seen_text:
            continue
        seen_text.add(key)
        parts.append(("根据" if n == 0 else "另据") + _label(item) + "：" + _quote(quoted))
        citations.append(_citation(item, quoted))
    record = engine.record(first.item["id"]) or {}
    if how or record.get("kind") == "guide":
        parts.extend(_extras(record, how, question))
    return {"question": question, "found": True, "answer": "".join(parts), "citations": citations,
            "suggestions": [], "composer": "extractive"}


def answer(question, *, db: str | None = None, engine=None, top: int = 5, compose: bool | None = None) -> dict:
    """Answer ``question`` from the knowledge base ``db`` (or the given
    :class:`~huiqi.search.engine.SearchEngine` ``engine``) with quoted,
    cited sentences; see the module docstring for the result shape and the
    "found" rule. When ``compose`` is true, or ``None`` and the environment
    configures an LLM endpoint (``HUIQI_LLM_BASE_URL`` + ``HUIQI_LLM_MODEL``),
    the answer text is composed by the model from the cited clauses only and
    checked (:func:`huiqi.search.compose.compose`); any failure keeps the
    extractive answer. Raises :class:`AnswerError` for an empty/non-text
    question; a question with no searchable word gives ``found=False``."""
    from huiqi.search.engine import SearchError, clean_query, open_engine

    try:
        text = clean_query(question)
        if engine is None:
            engine = open_engine(db)
        k = max(CANDIDATES, min(int(top), 20))
        results = engine.search(text, top=k, mode="keyword") if text else []
    except SearchError as exc:
        raise AnswerError(str(exc)) from None
    except (TypeError, ValueError):
        raise AnswerError(f"返回条数无效：{top}") from None
    result = extractive(text, results, engine)
    if result["found"]:
        from huiqi.search import compose as comp

        if compose or (compose is None and comp.llm_configured()):
            result = comp.compose(result, engine)
    return result

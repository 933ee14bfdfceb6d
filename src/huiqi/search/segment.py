"""Chinese word segmentation (分词) for search: jieba + a policy-term dictionary.

* :func:`segment` — precise-mode jieba tokens with the domain dictionary
  ``huiqi/data/policy_terms.txt`` (jieba userdict format; ``#`` comments), so
  that 专精特新, 六税两费, 稳岗返还 … stay one token.
* :func:`index_tokens` — what is indexed / matched: precise tokens plus the
  dictionary sub-words of long tokens (jieba search mode), lower-cased,
  without punctuation and stopwords, plus :func:`money_tokens`.
* :func:`query_tokens` — the same for a query, and :func:`expand_query` adds
  the synonym/alias groups of ``huiqi/data/synonyms.yaml`` (技改↔技术改造 …).
* :func:`money_tokens` — amounts normalised to a ``money:<yuan>`` token, so
  2000万, 2000 万元, 两千万元 and 20000000元 all give ``money:20000000``.

jieba is initialised quietly (its logger set to WARNING) with its prefix
dictionary cached in the system temp dir.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
import unicodedata
from functools import lru_cache
from importlib import resources

import numpy as np

from huiqi.config import temp_cache_path

DATA_PACKAGE = "huiqi.data"
TERMS_FILE = "policy_terms.txt"
SYNONYMS_FILE = "synonyms.yaml"
DEFAULT_TERM_FREQ = 200000
"""Frequency given to a dictionary term without one (high → kept whole)."""

# Question words and fillers that carry no topic (疑问词/虚词). 申请, 办理,
# 补贴 … are NOT stopwords: they name what the user wants.
STOPWORDS = frozenset(
    """
    怎么 怎么样 怎样 如何 哪些 哪个 哪里 哪儿 什么 多少 几 是否 能否 可否 能不能 可不可以
    能 可以 可 吗 呢 吧 啊 呀 嘛 么 了 的 地 得 着 过 是 有 有没有 没有 在 和 与 及 或 或者
    我 我们 我司 你 你们 您 他 她 它 他们 本 本公司 公司 咱 咱们 家 请问 请 问 一下 想 想要 要 需要
    该 这 这个 那 那个 还 也 都 就 又 吗 给 让 对 把 被 从 向 到 为 为了 以 于 之 其 等 个
    """.split()
)

_PUNCT_RE = re.compile(r"^[\W_]+$", re.UNICODE)
_MONEY_TOKEN_PREFIX = "money:"

_lock = threading.Lock()


def _read_data(name: str) -> str:
    """Text of a data file of the ``huiqi.data`` package."""
    return resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")


def load_terms() -> list[tuple[str, int, str | None]]:
    """Domain terms from ``policy_terms.txt`` as ``(word, freq, tag)``.

    Blank lines and ``#`` comments are skipped; a missing frequency becomes
    :data:`DEFAULT_TERM_FREQ`.
    """
    out: list[tuple[str, int, str | None]] = []
    for raw in _read_data(TERMS_FILE).splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word, freq, tag = parts[0], DEFAULT_TERM_FREQ, None
        for extra in parts[1:]:
            if extra.isdigit():
                freq = int(extra)
            else:
                tag = extra
        out.append((word, freq, tag))
    return out


@lru_cache(maxsize=1)
def tokenizer():
    """The shared jieba ``Tokenizer`` with the domain dictionary loaded.

    Built once per process; jieba's log output is silenced and its prefix
    dictionary is cached as a file in the system temp dir.
    """
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    jieba.setLogLevel(logging.WARNING)
    with _lock:
        tk = jieba.Tokenizer()
        tk.tmp_dir = tempfile.gettempdir()
        tk.cache_file = str(temp_cache_path("huiqi_jieba.cache"))  # never another user's file
        tk.initialize()
        for word, freq, tag in load_terms():
            tk.add_word(word, freq, tag)
    return tk


#: Runs of characters other than CJK unified ideographs (U+4E00–U+9FFF).
#: An ideograph is a stable code point for NFKC (no decomposition, combining
#: class 0, composes with nothing), so NFKC of a text is NFKC of each run
#: between ideographs, the ideographs kept as they are.
_NON_IDEOGRAPH_RE = re.compile("[^\u4e00-\u9fff]+")


def _nfkc_run(m: re.Match) -> str:
    return unicodedata.normalize("NFKC", m.group())


@lru_cache(maxsize=1)
def _nfkd_table():
    """``uint32`` table over the BMP: a code point whose compatibility
    decomposition (NFKD) is one character already NFKC-normalised maps to
    that character (full-width ``，`` → ``,``, ``Ａ`` → ``A``, ideographic
    space → space), every other code point to itself."""
    table = np.arange(0x10000, dtype=np.uint32)
    for cp in range(0x10000):
        if 0xD800 <= cp < 0xE000:  # surrogates
            continue
        ch = chr(cp)
        if unicodedata.decomposition(ch):
            d = unicodedata.normalize("NFKD", ch)
            if len(d) == 1 and unicodedata.is_normalized("NFKC", d):
                table[cp] = ord(d)
    return table


def _nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, computed more cheaply:
    unchanged when already normalised (the quick check); else each BMP
    character is replaced by its one-character compatibility decomposition
    (:func:`_nfkd_table`, a numpy lookup) — NFKC of a text is NFKC of its
    NFKD, so the result is the NFKC of ``text`` whenever it is itself
    normalised (checked); otherwise (astral characters, combining marks, a
    multi-character decomposition such as ㈠, a lone surrogate) run by run between
    ideographs (see :data:`_NON_IDEOGRAPH_RE`): the full-width punctuation
    of Chinese text sends the whole text down NFKC's slow path."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # a lone surrogate (bytes read with surrogateescape)
        codes = None
    if codes is not None and int(codes.max()) < 0x10000:
        mapped = _nfkd_table()[codes].tobytes().decode("utf-32-le")
        if unicodedata.is_normalized("NFKC", mapped):
            return mapped
    return _NON_IDEOGRAPH_RE.sub(_nfkc_run, text)


def normalize_text(text: str) -> str:
    """NFKC-normalise (full-width → half-width) and lower-case ``text``."""
    return _nfkc(text or "").lower()


#: jieba's own block pattern (``jieba.re_han_default``): precise mode cuts
#: each run of these characters on its own, so a run can be cut once and its
#: words reused; any other character is a token of its own, whitespace
#: (``jieba.re_skip_default``) dropped.
_HAN_RE = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
#: jieba's whitespace pattern: a character it matches is one for which
#: ``str.isspace()`` is true (``\s`` of a str pattern), which :func:`segment` tests.
_SKIP_RE = re.compile("(\r\n|\\s)", re.U)
#: Distinct runs whose words are kept (a few tens of MB at most).
BLOCK_CACHE = 200_000


@lru_cache(maxsize=BLOCK_CACHE)
def _cut_block(block: str) -> tuple[str, ...]:
    """jieba's precise-mode (HMM) words of one run of :data:`_HAN_RE`
    characters, cached: boilerplate phrases (符合条件的企业, 责任单位) and
    reprinted texts are cut once per process."""
    return tuple(t for t in tokenizer().lcut(block, HMM=True) if t.strip())


def segment(text: str) -> list[str]:
    """Precise-mode jieba tokens of ``text`` (after :func:`normalize_text`),
    whitespace dropped; punctuation and stopwords are kept.

    The same tokens as ``tokenizer().lcut(normalize_text(text), HMM=True)``
    without the blank ones: the text is split into runs exactly as jieba
    splits it (a run of CJK/Latin/digits is cut by the dictionary and HMM,
    any other character that is not whitespace is a token of its own), and
    the words of each run are cached (:func:`_cut_block`)."""
    out: list[str] = []
    for i, blk in enumerate(split_runs(text)):
        if i & 1:
            out.extend(_cut_block(blk))
        elif blk:
            out.extend(ch for ch in blk if not ch.isspace())
    return out


def split_runs(text: str) -> list[str]:
    """:func:`normalize_text` of ``text`` split as jieba splits it: the runs
    jieba cuts with its dictionary at the odd positions, the text between
    them (none of their characters; each character not whitespace is a token
    of its own) at the even positions, possibly empty."""
    return _HAN_RE.split(normalize_text(text))


_SHORT_NUMBER_RE = re.compile(r"^\d{1,2}$")


def _keep(token: str) -> bool:
    """Drop blanks, punctuation, stopwords and 1–2 digit numbers (list
    markers 1. 2. … and small counts match nearly every clause)."""
    return (
        bool(token.strip())
        and not _PUNCT_RE.match(token)
        and token not in STOPWORDS
        and not _SHORT_NUMBER_RE.match(token)
    )


def _search_mode(tokens: list[str]) -> list[str]:
    """Precise tokens plus the dictionary 2- and 3-character sub-words of
    longer tokens (jieba's search mode, done on already-cut tokens)."""
    freq = tokenizer().FREQ
    out: list[str] = []
    for w in tokens:
        if len(w) > 2:
            for n in (2, 3):
                if len(w) > n:
                    out.extend(w[i : i + n] for i in range(len(w) - n + 1) if freq.get(w[i : i + n]))
        out.append(w)
    return out


def index_tokens(text: str) -> list[str]:
    """Tokens indexed for a clause text: search-mode words without
    punctuation/stopwords, plus one ``money:<yuan>`` token per amount."""
    words = [t for t in _search_mode(segment(text)) if _keep(t)]
    return words + money_tokens(text)


def query_tokens(text: str) -> list[str]:
    """Tokens of a query (same rules as :func:`index_tokens`, no synonyms)."""
    return index_tokens(text)


# --- synonyms -------------------------------------------------------------


@lru_cache(maxsize=1)
def synonym_groups() -> list[list[str]]:
    """Synonym groups from ``synonyms.yaml`` (``groups: [[canonical, alias…]]``)."""
    import yaml

    data = yaml.safe_load(_read_data(SYNONYMS_FILE)) or {}
    groups = data.get("groups") or []
    return [[str(x) for x in g] for g in groups if isinstance(g, list) and len(g) >= 2]


@lru_cache(maxsize=1)
def _synonym_map() -> dict[str, tuple[str, ...]]:
    """Normalised term → the other members of its groups."""
    out: dict[str, list[str]] = {}
    for group in synonym_groups():
        norm = [normalize_text(x) for x in group]
        for term in norm:
            out.setdefault(term, [])
            out[term].extend(x for x in norm if x != term and x not in out[term])
    return {k: tuple(v) for k, v in out.items()}


def synonyms_of(term: str) -> list[str]:
    """The other members of every synonym group containing ``term``."""
    return list(_synonym_map().get(normalize_text(term), ()))


#: A count in Chinese numerals before a measure word (两年内, 三个月, 五人以上):
#: policy texts write most such counts in digits (2年内).
_CN_COUNT_RE = re.compile(r"[一二两三四五六七八九十]{1,3}(?=年|个月|月|周|天|日|人|名|次(?!性)|倍|家|项|户|个)")


def arabic_counts(text: str) -> str:
    """``text`` with its counts in Chinese numerals written in digits
    (离校两年内 → 离校2年内; cn2an); other text unchanged."""
    def repl(m: re.Match) -> str:
        v = _cn_value(m.group(0))
        return str(int(v)) if v is not None and v == int(v) else m.group(0)

    return _CN_COUNT_RE.sub(repl, text)


def expand_query(text: str) -> tuple[list[str], list[str]]:
    """``(tokens, expansion)`` of a query: :func:`query_tokens` and the tokens
    of the synonyms of each token (also of each whole precise-mode word, so
    技改 → 技术改造), and of the query with its Chinese-numeral counts in
    digits (两年内 → 2年内, tokenised as the texts are), without tokens
    already present."""
    tokens = query_tokens(text)
    seen = set(tokens)
    expansion: list[str] = []
    digits = arabic_counts(text)
    if digits != text:
        for tok in query_tokens(digits):
            if tok not in seen:
                seen.add(tok)
                expansion.append(tok)
    for term in dict.fromkeys(segment(text) + tokens):
        for syn in synonyms_of(term):
            for tok in index_tokens(syn):
                if tok not in seen:
                    seen.add(tok)
                    expansion.append(tok)
    return tokens, expansion


# --- money ----------------------------------------------------------------

_CN_DIGITS = "零〇一二两三四五六七八九十百千"
_MONEY_RE = re.compile(
    r"(?P<num>\d+(?:[,，]\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
    r"\s*(?P<scale>千万|百万|十万|万亿|万|亿)?\s*(?P<yuan>元)?"
)
_SCALES = {None: 1, "": 1, "十万": 1e5, "百万": 1e6, "千万": 1e7, "万": 1e4, "亿": 1e8, "万亿": 1e12}
# A scale followed by one of these counts something other than money (30万人).
_NON_MONEY_AFTER = re.compile(r"\s*(?:人|户|亩|头|只|吨|千瓦|平方|个|家|辆|套|台|次|名|件|株|羽|公里|米|度|册|张|标准煤|kw|m)")


@lru_cache(maxsize=4096)
def _cn_value(num: str) -> float | None:
    """The value of a number in digits or Chinese numerals (cn2an), ``None``
    when it is not one; cached (cn2an is slow, amounts repeat)."""
    if num[0] in _CN_DIGITS:
        try:
            import cn2an

            return float(cn2an.cn2an(num, "smart"))
        except (ValueError, KeyError, TypeError):
            return None
    try:
        return float(num.replace(",", "").replace("，", ""))
    except ValueError:
        return None


def money_values(text: str) -> list[float]:
    """Amounts of money in ``text`` in yuan (元): a number followed by 元
    and/or a scale (万, 亿, 千万 …). A number with a scale but no 元 counts
    unless a non-money measure follows (30万人, 5万亩). Bare numbers don't."""
    return normalised_money_values(_nfkc(text or ""))


#: The characters a :data:`_MONEY_RE` match can hold besides digits
#: (``\d``) and whitespace (``\s``).
_MONEY_CHARS = frozenset(",，." + _CN_DIGITS + "万亿元")
#: A character only a match with a scale or 元 holds.
_MONEY_ANCHOR_RE = re.compile("[万亿元]")
#: A run of characters a match can hold.
_MONEY_SPAN_RE = re.compile(r"[\d\s,，." + _CN_DIGITS + "万亿元]*")


def money_may_join(ch: str) -> bool:
    """Whether the character ``ch`` (NFKC) can be part of an amount's match
    (digits, whitespace, Chinese numerals, 万, 亿, 元, separators): two
    texts joined by a line break have the amounts of each, in order, when
    neither character next to the break can."""
    return ch in _MONEY_CHARS or ch.isdecimal() or ch.isspace()


def normalised_money_values(norm: str) -> list[float]:
    """:func:`money_values` of a text already NFKC-normalised (:func:`_nfkc`,
    not lower-cased). The amounts are the :data:`_MONEY_RE` matches (scanned
    left to right, as ``finditer``) with a scale or 元; such a match holds
    万, 亿 or 元, and no match holds a character other than digits,
    whitespace, :data:`_MONEY_CHARS`, so only the maximal runs of such
    characters holding a 万, 亿 or 元 are scanned (found from each 万, 亿
    or 元 not yet scanned; each run from its start, as a scan of the whole
    text reaches it): the same matches, on a small part of the text."""
    out: list[float] = []
    end = 0
    chars = _MONEY_CHARS
    for anchor in _MONEY_ANCHOR_RE.finditer(norm):
        k = anchor.start()
        if k < end:  # in the run just scanned
            continue
        start = k
        while start > end and ((c := norm[start - 1]) in chars or c.isdecimal() or c.isspace()):
            start -= 1
        end = _MONEY_SPAN_RE.match(norm, k).end()
        for m in _MONEY_RE.finditer(norm, start, end):
            num, scale, yuan = m.groups()
            if not scale and not yuan:
                continue
            if scale and not yuan and _NON_MONEY_AFTER.match(norm, m.end()):
                continue
            value = _cn_value(num)
            if value is None or value <= 0:
                continue
            out.append(value * _SCALES[scale])
    return out


def money_token(value: float) -> str:
    """The token for an amount in yuan: ``money:<integer yuan>`` (or with
    decimals when fractional)."""
    v = round(value, 2)
    return f"{_MONEY_TOKEN_PREFIX}{int(v) if v == int(v) else v}"


def money_tokens(text: str) -> list[str]:
    """One :func:`money_token` per amount of :func:`money_values` (used both
    at index and query time so 2000万 matches 2000万元 and 两千万元)."""
    return [money_token(v) for v in money_values(text)]


def normalised_money_tokens(norm: str) -> list[str]:
    """:func:`money_tokens` of a text already NFKC-normalised (:func:`_nfkc`)."""
    return [money_token(v) for v in normalised_money_values(norm)]


def is_money_token(token: str) -> bool:
    """Whether ``token`` is a :func:`money_token`."""
    return token.startswith(_MONEY_TOKEN_PREFIX)

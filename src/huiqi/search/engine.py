"""Search engine (检索): keyword BM25, optional semantic scorer, filters.

:func:`search` returns the issue-3 JSON contract, best first::

    [{"id", "score", "text", "path",
      "document": {"id", "title", "level", "region"},
      "source": {"file", "start_line", "end_line"},
      "validity": {"start", "end", "basis", "relative"}, "expired"}]

Keyword score = BM25(query tokens) over title + heading path + clause text
(+ :data:`HEADING_WEIGHT` x BM25 over title + heading path alone, 0 by
measurement), plus :data:`EXPANSION_WEIGHT` x the same for the synonym
expansion tokens; service guides are multiplied by :data:`APPLY_BOOST` when
the query asks how/where to apply (怎么申请, 去哪办, 申报材料 …); amounts in the query become ``money:`` tokens
(an exact-number match). With a semantic scorer (any object with
``.scores(query) -> {clause_id: float}``) the two rankings are fused by
reciprocal-rank fusion, ``sum 1/(RRF_K + rank)`` with ``RRF_K = 60``
(Cormack et al. 2009), and ``score`` is the fused value.

Bad input never gives a traceback: an empty/whitespace query, a bad ``top``,
an unknown region/level or a malformed date raise :class:`SearchError` (a
one-sentence Chinese message); queries with no searchable word (only
punctuation, emoji) give ``[]``; queries are cut to :data:`MAX_QUERY_CHARS`
characters; HTML tags are stripped; the query never reaches SQL.
"""

from __future__ import annotations

import re
import threading
from datetime import date

import numpy as np

from huiqi.search import segment as seg
from huiqi.search.filters import Filters, SearchError, UnknownRegion, valid_on
from huiqi.search.index import KeywordIndex

__all__ = ["SearchEngine", "SearchError", "UnknownRegion", "search", "open_engine", "clean_query"]

MAX_QUERY_CHARS = 200
MAX_TOP = 100
#: weights chosen with benchmarks/search_bench.py on both gold sets
#: (questions.yaml, questions_hard.yaml; grid heading 0/0.25/0.5 x expansion
#: 0/0.25/0.5/0.75 x apply boost 1.0/1.3/1.6): the title and heading path are
#: already part of the indexed text, and scoring them a second time
#: (HEADING_WEIGHT 0.5, the earlier default) cost 0.07 R@1 on the first set
#: and 0.17 R@5 on the second. Since issue 17 the separate heading index is
#: not built (it doubled the tokenising at ingest for a weight of 0):
#: :meth:`KeywordIndex.heading_scores` gives zeros, so a non-zero
#: HEADING_WEIGHT would need that index back.
EXPANSION_WEIGHT = 0.25
HEADING_WEIGHT = 0.0
APPLY_BOOST = 1.3
RRF_K = 60
#: filter masks kept per engine (see SearchEngine._mask)
MASK_CACHE = 32

# "How / where to apply" intent (办事意图): service guides (服务指南), which
# carry 申报流程 / 受理机构 / 咨询电话, are preferred for such questions.
_APPLY_INTENT_RE = re.compile(
    r"(怎么|如何|怎样|去哪|哪里|在哪|找谁|哪个部门|什么材料|哪些材料)\s*(申请|申报|办理|办|领取|享受|兑现)?"
    r"|申请(流程|条件|材料|程序)|申报(流程|条件|材料|程序)|办理(流程|时限|地点)|咨询电话|受理"
)

_TAG_RE = re.compile(r"<[^<>]{0,200}>")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_query(query) -> str:
    """Validate and clean a query: strip HTML tags and control characters,
    collapse whitespace, cut to :data:`MAX_QUERY_CHARS`. Raises
    :class:`SearchError` when the query is empty or whitespace only; a query
    of tags only cleans to ``""`` (which searches to ``[]``)."""
    if query is None or not isinstance(query, str):
        raise SearchError("查询内容应为文本")
    if not query.strip():
        raise SearchError("查询内容为空，请输入要查找的政策关键词或问题")
    text = _CONTROL_RE.sub(" ", _TAG_RE.sub(" ", query))
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUERY_CHARS]


def _check_top(top) -> int:
    try:
        k = int(top)
    except (TypeError, ValueError):
        raise SearchError(f"返回条数无效：{top}") from None
    if k < 1:
        raise SearchError("返回条数应至少为 1")
    return min(k, MAX_TOP)


#: weight of the semantic ranking in hybrid fusion (keyword = 1); chosen by
#: benchmarks/search_bench.py on benchmarks/gold/questions.yaml
SEMANTIC_WEIGHT = 0.1


def rrf(rankings: list[list[int]], k: int = RRF_K, weights: list[float] | None = None) -> dict[int, float]:
    """Weighted reciprocal-rank fusion of ranked id lists:
    ``id → sum w_r / (k + rank)`` (rank 1-based, weights default to 1)."""
    out: dict[int, float] = {}
    weights = weights or [1.0] * len(rankings)
    for ranking, w in zip(rankings, weights):
        for rank, cid in enumerate(ranking, start=1):
            out[cid] = out.get(cid, 0.0) + w / (k + rank)
    return out


class SearchEngine:
    """Search over one :class:`KeywordIndex`, optionally fused with a
    semantic scorer (``.scores(query) -> {clause_id: float}``)."""

    def __init__(self, keyword: KeywordIndex, semantic=None, semantic_weight: float = SEMANTIC_WEIGHT,
                 policy_links: dict[int, int] | None = None) -> None:
        self.keyword = keyword
        #: clause id → clause id of its policy's authority (政策同一性, :mod:`huiqi.kb.policy_identity`)
        self.policy_links = dict(policy_links or {})
        self.semantic = semantic
        self.semantic_weight = semantic_weight
        self._masks: dict[tuple, np.ndarray] = {}

    @property
    def _ids(self) -> np.ndarray:
        """Clause id of every index position (the keyword index's column)."""
        return self.keyword.columns.ids

    def record(self, clause_id: int) -> dict | None:
        """The full indexed record of a clause (see
        :func:`huiqi.search.index.clause_record`) or ``None``."""
        i = self.keyword.position.get(clause_id)
        return None if i is None else self.keyword.records[i]

    def keyword_scores(self, query: str) -> np.ndarray:
        """Keyword score of every record (index order) for a cleaned query."""
        tokens, expansion = seg.expand_query(query)
        scores = np.asarray(self.keyword.scores(tokens), dtype=np.float64)
        if HEADING_WEIGHT:
            scores += HEADING_WEIGHT * self.keyword.heading_scores(tokens)
        if expansion and EXPANSION_WEIGHT:
            scores += EXPANSION_WEIGHT * self.keyword.scores(expansion)
            if HEADING_WEIGHT:
                scores += EXPANSION_WEIGHT * HEADING_WEIGHT * self.keyword.heading_scores(expansion)
        if APPLY_BOOST != 1.0 and _APPLY_INTENT_RE.search(query):
            scores[self.keyword.columns.guide] *= APPLY_BOOST
        return scores

    def _mask(self, filters: Filters) -> np.ndarray:
        """Live records passing ``filters`` (array operations on the
        index's filter columns, :meth:`huiqi.search.records.Columns.mask`);
        the last :data:`MASK_CACHE` masks are kept until the index changes
        (a firm's region and today's date repeat from search to search)."""
        key = (self.keyword.fingerprint, len(self.keyword.postings), tuple(filters.region_codes or ()),
               filters.region_codes is None, filters.level, filters.unit, filters.valid_at, filters.doc)
        hit = self._masks.get(key)
        if hit is None:
            hit = self.keyword.columns.mask(filters) & self.keyword.alive
            if len(self._masks) >= MASK_CACHE:
                self._masks.pop(next(iter(self._masks)))
            self._masks[key] = hit
        return hit

    def search(
        self,
        query: str,
        top: int = 10,
        region: str | None = None,
        level: str | None = None,
        unit: str | None = None,
        valid_at: date | str | None = None,
        doc: int | None = None,
        mode: str | None = None,
    ) -> list[dict]:
        """Best ``top`` clauses for ``query`` passing the filters (region 地区,
        level 层级, unit 责任单位, valid_at 有效日期, doc 文档 ID). ``mode``:
        ``"keyword"``, ``"semantic"``, ``"hybrid"`` or ``None`` (hybrid when
        a semantic scorer is present, else keyword). Raises
        :class:`SearchError` for bad input (see module docstring)."""
        text = clean_query(query)
        k = _check_top(top)
        filters = Filters.make(region=region, level=level, unit=unit, valid_at=valid_at, doc=doc)
        mode = mode or ("hybrid" if self.semantic is not None else "keyword")
        if mode not in ("keyword", "semantic", "hybrid"):
            raise SearchError(f"未知检索模式：{mode}")
        if mode != "keyword" and self.semantic is None:
            raise SearchError("语义检索不可用（未加载语义索引）")
        with self.keyword.lock:
            return self._search(text, k, filters, mode)

    def _search(self, text: str, k: int, filters: Filters, mode: str) -> list[dict]:
        if not len(self.keyword) or not text:
            return []
        mask = self._mask(filters)
        kw = self.keyword_scores(text) if mode != "semantic" else None
        wide = k if not self.policy_links else min(MAX_TOP, k * 3 + 10)  # room for collapsed copies
        if mode == "keyword":
            ranked = self._rank(kw, mask, wide)
            items = [self._item(i, float(kw[i]), filters) for i in ranked]
        else:
            sem = self._semantic_array(text)
            if mode == "semantic":
                ranked = self._rank(sem, mask, wide, positive=False)
                items = [self._item(i, float(sem[i]), filters) for i in ranked]
            else:
                depth = max(wide, 50)
                fused = rrf([self._rank(kw, mask, depth), self._rank(sem, mask, depth, positive=False)],
                            weights=[1.0, self.semantic_weight])
                ids = self._ids
                order = sorted(fused, key=lambda i: (-fused[i], int(ids[i])))[:wide]
                items = [self._item(i, fused[i], filters) for i in order]
        return self.one_per_policy(items, past=asks_about_past(text))[:k]

    def count(self, query: str, region: str | None = None, level: str | None = None, unit: str | None = None,
              valid_at: date | str | None = None, doc: int | None = None) -> int:
        """How many policies match ``query`` in keyword mode with the same
        filters as :meth:`search` (共 N 条): clauses with a positive score,
        clauses of one policy (政策同一性) counted once. Raises
        :class:`SearchError` for bad input."""
        text = clean_query(query)
        filters = Filters.make(region=region, level=level, unit=unit, valid_at=valid_at, doc=doc)
        with self.keyword.lock:
            if not len(self.keyword) or not text:
                return 0
            hit = np.flatnonzero(self._mask(filters) & (self.keyword_scores(text) > 0))
            ids = self._ids[hit].tolist()
        return len({self.policy_links.get(int(i), int(i)) for i in ids})

    def one_per_policy(self, items: list[dict], past: bool = False) -> list[dict]:
        """Ranked results with each policy once (政策同一性): of the
        clauses stating the same policy, the first in-force one is kept
        (the authority's when it ranks as well) at the rank of the policy's
        best clause, with ``sources`` citing the policy's other clauses
        (file and lines): an in-force copy is shown rather than an expired
        one unless ``past`` (the question asks about the past). Every item
        gets ``sources`` ([] outside a cluster)."""
        groups: dict[int, list[dict]] = {}
        for it in items:
            auth = self.policy_links.get(it["id"])
            if auth is not None:
                groups.setdefault(auth, []).append(it)
        out = []
        for it in items:
            auth = self.policy_links.get(it["id"])
            if auth is None:
                it["sources"] = []
                out.append(it)
                continue
            members = groups[auth]
            best = min(members, key=lambda m: ((m["expired"] and not past), m["id"] != auth, members.index(m)))
            if best is not it:
                continue
            it["sources"] = self._sources(it["id"], auth)
            out.append(it)
        return out

    @property
    def policy_links(self) -> dict[int, int]:
        return self._links

    @policy_links.setter
    def policy_links(self, links: dict[int, int]) -> None:
        members: dict[int, list[int]] = {}
        for cid, a in links.items():
            members.setdefault(a, []).append(cid)
        self._links, self._members = links, members  # cluster → member clause ids

    def _sources(self, clause_id: int, auth: int) -> list[dict]:
        """Citations of the other clauses of a policy cluster."""
        out = []
        for cid in self._members.get(auth, ()):
            if cid != clause_id:
                r = self.record(cid)
                if r is not None:
                    out.append({"id": cid, "document": dict(r["document"]), "source": dict(r["source"])})
        return sorted(out, key=lambda x: x["id"])

    def _semantic_array(self, text: str) -> np.ndarray:
        raw = self.semantic.scores(text) or {}
        out = np.full(len(self._ids), -np.inf)
        for cid, s in raw.items():
            i = self.keyword.position.get(int(cid))
            if i is not None:
                out[i] = float(s)
        return out

    def _rank(self, scores: np.ndarray, mask: np.ndarray, k: int, positive: bool = True) -> list[int]:
        """Indices of the ``k`` best masked scores (ties: lower clause id
        first, so the order does not depend on when a clause was indexed)."""
        ok = mask & (scores > 0 if positive else np.isfinite(scores))
        idx = np.flatnonzero(ok)
        if not idx.size:
            return []
        if idx.size > 4 * k:  # only the k best (and their ties) need sorting
            part = np.partition(scores[idx], idx.size - k)[idx.size - k]
            idx = idx[scores[idx] >= part]
        order = idx[np.lexsort((self._ids[idx], -scores[idx]))]
        return [int(i) for i in order[:k]]

    def _item(self, i: int, score: float, filters: Filters) -> dict:
        r = self.keyword.records[i]
        day = filters.valid_at or date.today()
        return {
            "id": r["id"],
            "score": round(float(score), 6),
            "text": r["text"],
            "path": list(r["path"]),
            "document": dict(r["document"]),
            "source": dict(r["source"]),
            "validity": dict(r["validity"]),
            "expired": not valid_on({"end": r["validity"].get("end")}, day),
        }


_PAST_RE = re.compile(r"过去|以前|之前|曾经|往年|当年|历史|已过期|已经过期|过期的|废止|原来|上一?轮|(?:19|20)[0-9]{2}年(?:的|时|那)")


def asks_about_past(query: str) -> bool:
    """Whether a question asks about the past (以前的政策, 2022年的…), so
    expired clauses keep their relevance rank."""
    return bool(_PAST_RE.search(query or ""))


def _policy_links(session) -> dict[int, int]:
    """``{clause id: authority clause id}`` of the stored policy clusters
    (empty when the table is missing or empty)."""
    try:
        from huiqi.kb.policy_identity import load_links

        return {cid: auth for cid, (auth, _) in load_links(session).items()}
    except Exception:  # older database without policy_links
        return {}


#: how often (seconds) :func:`open_engine` asks the database whether the
#: clauses changed (one aggregate SELECT, :func:`huiqi.search.index.kb_mark`);
#: between checks a cached engine is returned with no database access.
CHECK_SECONDS = 2.0

_engines: dict[str, "_Cached"] = {}
_engines_lock = threading.Lock()


class _Cached:
    __slots__ = ("engine", "mark", "checked")

    def __init__(self, engine: SearchEngine, mark: dict, checked: float) -> None:
        self.engine, self.mark, self.checked = engine, mark, checked


def open_engine(db: str | None = None, semantic=None, rebuild: bool = False, fresh: bool = False) -> SearchEngine:
    """A :class:`SearchEngine` for the database ``db`` (a ``--db`` value or
    URL; default as in :func:`huiqi.config.resolve_db`), cached per database
    URL for the process. The first call migrates the schema and loads the
    persisted keyword index (:func:`huiqi.search.index.build_or_load`:
    memory-mapped, brought up to date incrementally). Later calls return the
    cached engine; at most every :data:`CHECK_SECONDS` one cheap SELECT
    (:func:`huiqi.search.index.kb_mark`) checks whether the knowledge base
    changed, and if so the cached engine's index is updated in place
    (:meth:`huiqi.search.index.KeywordIndex.sync`: only changed clauses).
    ``fresh`` makes that check now (after an upload in this process)."""
    import time

    from huiqi.config import resolve_db

    url = resolve_db(db).url
    now = time.monotonic()
    with _engines_lock:
        cached = _engines.get(url)
        reuse = cached is not None and not rebuild and (semantic is None or cached.engine.semantic is semantic)
        if reuse and not fresh and now - cached.checked < CHECK_SECONDS:
            return cached.engine
        return _open_locked(url, cached if reuse else None, semantic, rebuild, now)


def _open_locked(url: str, cached, semantic, rebuild: bool, now: float) -> SearchEngine:
    from huiqi.kb.db import disposing, get_engine, session_scope, upgrade
    from huiqi.search.index import build_or_load, kb_mark

    engine = get_engine(url)
    if cached is None:
        upgrade(engine)
    with disposing(engine), session_scope(engine) as s:
        mark = kb_mark(s)
        if cached is not None:
            cached.checked = now
            if mark != cached.mark:
                cached.engine.keyword.sync(s)
                cached.engine.policy_links = _policy_links(s)
                cached.mark = mark
            return cached.engine
        index = build_or_load(url, s, rebuild=rebuild)
        se = SearchEngine(index, semantic=semantic, policy_links=_policy_links(s))
        _engines[url] = _Cached(se, mark, now)
    return se


def search(
    query: str,
    top: int = 10,
    region: str | None = None,
    level: str | None = None,
    unit: str | None = None,
    valid_at: date | str | None = None,
    doc: int | None = None,
    *,
    db: str | None = None,
    semantic=None,
    mode: str | None = None,
) -> list[dict]:
    """Search the knowledge base ``db`` (see :func:`open_engine` and
    :meth:`SearchEngine.search` for arguments, result shape and errors)."""
    clean_query(query)  # fail fast before opening the database
    return open_engine(db, semantic=semantic).search(
        query, top=top, region=region, level=level, unit=unit, valid_at=valid_at, doc=doc, mode=mode
    )

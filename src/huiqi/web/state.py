"""Per-application state (应用状态): the database, the search engine and the
calculator rule set, loaded once when the app starts and kept up to date
with the library version in the database.

:class:`WebState` is stored on ``app.state.huiqi``. Loading is lazy and
thread-safe, so the app also works when its lifespan is not run (a plain
``TestClient(app)``).

Several hosts on one database (issue 17): nothing here is the truth, only
derived from it. Every change of documents, rules and policy clusters
appends to the database's change log (:mod:`huiqi.kb.library`); the state
remembers the change number ``library_seq`` it reflects, and
:meth:`WebState.check_fresh` (at most once per :data:`REFRESH_CHECK_SECONDS`
on a request, and from the background loop of :mod:`huiqi.web.hostsync`)
reads the database's number (one primary-key read) and catches up:
documents changed → search index, rule set and caches; rules only → the rule
set. Sessions, CSRF tokens, login rate limits and lock-outs live in the
database (:mod:`huiqi.kb.accounts`).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

log = logging.getLogger("huiqi.web")

#: how many popular topics the home page shows
TOPIC_COUNT = 10
#: more changes than this since the state was loaded: reload everything
CATCH_UP_LIMIT = 10_000
#: how long (seconds) a request waits for another thread's catch-up before answering from the current state
CATCH_UP_WAIT_SECONDS = 3.0
#: how often (seconds) a request checks whether the knowledge base changed
REFRESH_CHECK_SECONDS = 1.0


@dataclass
class Stats:
    """Counts for the home page and ``/healthz``: ``documents`` (current
    documents with a body), ``clauses`` (current clauses), ``in_force``
    (current clauses not expired today: unknown validity counts as in
    force), ``expired`` (known end date before today), ``day`` (the date the
    counts were made for)."""

    documents: int = 0
    clauses: int = 0
    in_force: int = 0
    expired: int = 0
    day: date | None = None


def fill_if_empty(engine, progress_log: logging.Logger | None = None) -> bool:
    """Ingest the bundled corpus (``data/corpus``) into ``engine`` when the
    database has no source file yet, logging one line per file (progress
    ``i/n``). Returns True when an ingest ran. Never raises for a bad file
    (see :func:`huiqi.services.ingest.ingest_and_refresh`; the
    bundled reviewed rules are imported too)."""
    from huiqi.config import corpus_dir, corpus_files, rules_dir
    from huiqi.kb.db import is_empty
    from huiqi.services.ingest import ingest_and_refresh

    lg = progress_log or log
    if not is_empty(engine):
        return False
    files = corpus_files()
    if not files:
        lg.warning("数据库为空，且内置语料目录不存在或为空：%s", corpus_dir())
        return False
    lg.info("数据库为空，正在从内置语料导入 %d 个文件（%s）…", len(files), corpus_dir())
    done = {"n": 0}

    def progress(stage, path, report):
        if stage == "done":
            done["n"] += 1
            if report.status == "failed":
                lg.warning("导入 %d/%d %s：失败：%s", done["n"], len(files), path.name, report.error)
            else:
                lg.info("导入 %d/%d %s：%d 个文档，%d 条条款（%.1f 秒）", done["n"], len(files),
                        path.name, report.documents, report.clauses, report.seconds)

    result = ingest_and_refresh(engine, files, progress=progress, rules_dir=rules_dir())
    for w in result.warnings:
        lg.warning("%s", w)
    lg.info("内置语料导入完成（审核规则 %d 条）", result.reviewed.added if result.reviewed else 0)
    return True


def freeze_long_lived(collect: bool = True) -> None:
    """Move everything alive now (the search index, the calculator rule set,
    the caches: ~10^5 objects) out of the cyclic garbage collector's reach
    (:func:`gc.freeze`, Python ≥ 3.7).

    Measured with the bundled corpus: without it every full collection
    walks those objects again, and a calculator request that happens to
    trigger one takes ~90 ms instead of ~10 ms (max 89 ms → 24 ms over 600
    matches). Called again after every reload (admin upload): the previous
    freeze is undone first, so cycles left by the replaced index and rules
    are collected before the new ones are frozen.
    """
    import gc

    gc.unfreeze()
    if collect:  # at a process's first load there is nothing old to release (1.2 s saved at 100×)
        gc.collect()
    gc.freeze()


@dataclass
class WebState:
    """Everything the routes share. ``url`` is the SQLAlchemy URL of the
    knowledge base; ``autofill`` ingests the bundled corpus into an empty
    database on load. Attributes after :meth:`ensure`: ``engine``
    (SQLAlchemy), ``search`` (:class:`huiqi.search.engine.SearchEngine`),
    ``calc`` (the ``huiqi.calc.engine`` module or ``None``), ``ruleset``
    (its rule set or ``None``), ``stats`` (:class:`Stats`), ``units``
    (:func:`common_units`, offered by the search page's 部门 filter), ``topics``
    (popular topic terms), ``documents`` (the :func:`list_documents` dicts
    of all versions)."""

    url: str
    autofill: bool = True
    engine: object = None
    search: object = None
    calc: object = None
    ruleset: object = None
    calc_error: str | None = None
    stats: Stats = field(default_factory=Stats)
    topics: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)
    loaded: bool = False
    #: the library this state was derived from (:class:`huiqi.kb.library.LibraryVersion`):
    #: its id, the change number reflected overall, by the search index and by the rule set
    library_id: str | None = None
    library_seq: int = -1
    index_seq: int = -1
    ruleset_seq: int = -1
    synced_at: float = 0.0
    sync_error: str | None = None
    checked_at: float = 0.0
    lock: threading.RLock = field(default_factory=threading.RLock)
    ingest_lock: threading.Lock = field(default_factory=threading.Lock)

    def ensure(self) -> "WebState":
        """Load once (database schema, optional corpus fill, search engine,
        calculator rules, caches); later calls return at once."""
        if self.loaded:
            return self
        with self.lock:
            if not self.loaded:
                from huiqi.kb.db import get_engine, upgrade

                self.engine = get_engine(self.url)
                upgrade(self.engine)
                if self.autofill and fill_if_empty(self.engine):
                    import gc

                    gc.collect()  # the ingest's garbage, before the first load freezes what is alive
                self._load_derived(rebuild=False)
                self.loaded = True
        return self

    def refresh(self) -> None:
        """Catch up now after a change made by this process (upload,
        approval, publication): what the change log says moved is reloaded
        (:meth:`catch_up`; nothing when another thread already did)."""
        self.catch_up()

    def check_fresh(self, every: float = REFRESH_CHECK_SECONDS) -> "WebState":
        """At most every ``every`` seconds, read the library version of the
        database (one primary-key read) and :meth:`catch_up` when another
        process or host changed the library. A request that finds another
        thread catching up waits for it at most :data:`CATCH_UP_WAIT_SECONDS`,
        then goes on with the current state."""
        import time

        now = time.monotonic()
        if now - self.checked_at < every:
            return self
        self.checked_at = now
        try:
            v = self._version()
        except Exception:  # the database is busy: try again later
            return self
        if v is not None and (v.library_id != self.library_id or v.seq != self.library_seq):
            if self.lock.acquire(timeout=CATCH_UP_WAIT_SECONDS):
                try:
                    self.catch_up()
                finally:
                    self.lock.release()
        return self

    def _version(self):
        from huiqi.kb.db import session_scope
        from huiqi.kb.library import library_version

        with session_scope(self.engine) as s:
            return library_version(s)

    def catch_up(self) -> bool:
        """Bring the derived state up to the database's library version:
        read the changes after :attr:`library_seq` (:func:`huiqi.kb.library.changes_since`)
        and reload what they touch — documents or policy clusters: the
        search index (:func:`huiqi.services.library_sync.refresh_search`),
        the rule set and the caches; rule versions only: the rule set. A
        different library (a database replaced under the same URL) or a
        long backlog reloads everything. Returns whether anything was
        reloaded. Errors are logged and kept in :attr:`sync_error` (the old
        state keeps serving; the next check tries again)."""
        import time

        from huiqi.kb.db import session_scope
        from huiqi.kb.library import changes_since, library_version

        with self.lock:
            try:
                with session_scope(self.engine) as s:
                    v = library_version(s)
                    if v is None:
                        return False
                    same = v.library_id == self.library_id and self.library_seq >= 0
                    summary = changes_since(s, self.library_seq, CATCH_UP_LIMIT) if same else None
                if summary is None or summary.count >= CATCH_UP_LIMIT:
                    log.info("知识库版本 %s：全部重新加载", v.key)
                    self._load_derived(rebuild=False)
                    return True
                if not summary.count:
                    return False
                t0 = time.perf_counter()
                took = {}
                if summary.documents:
                    from huiqi.services.library_sync import refresh_search

                    self.search = refresh_search(self.url, self.search, summary)
                    self.index_seq = summary.seq
                    took["索引"] = time.perf_counter() - t0
                t1 = time.perf_counter()
                self._update_calc(summary.document_ids)
                self.ruleset_seq = summary.seq
                took["规则"] = time.perf_counter() - t1
                if summary.documents:
                    t1 = time.perf_counter()
                    self._load_caches()
                    took["缓存"] = time.perf_counter() - t1
                self.library_seq = summary.seq
                t1 = time.perf_counter()
                freeze_long_lived()
                took["gc"] = time.perf_counter() - t1
                self.synced_at, self.sync_error = time.time(), None
                log.info("知识库变更 %d 条（至 %d，%s）已追平（%.2f 秒：%s）", summary.count, summary.seq,
                         "、".join(sorted(summary.kinds)), time.perf_counter() - t0,
                         "，".join(f"{k} {v:.2f}" for k, v in took.items()))
                return True
            except Exception as exc:  # keep serving the old state
                log.exception("追平知识库变更失败")
                self.sync_error = f"{type(exc).__name__}: {exc}"
                return False

    def _load_derived(self, rebuild: bool) -> None:
        """Load the search index, the rule set and the caches, with the
        cyclic garbage collector paused (millions of new long-lived objects:
        collections while loading them tripled the page caches' time at 100×),
        then freeze them (:func:`freeze_long_lived`)."""
        import gc

        first = self.search is None
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._load_all(rebuild)
        finally:
            if enabled:
                gc.enable()
        freeze_long_lived(collect=not first)

    def _load_all(self, rebuild: bool) -> None:
        import time

        from huiqi.search.engine import open_engine

        t0 = time.perf_counter()
        v = self._version()  # read first: what is loaded next is at least this version
        self.search = open_engine(self.url, rebuild=rebuild, fresh=True)  # checked against the database now
        log.info("检索索引已加载：%d 条条款（%.2f 秒）", len(self.search.keyword), time.perf_counter() - t0)
        self._load_calc()
        self._load_caches()
        if v is not None:
            self.library_id = v.library_id
            self.library_seq = self.index_seq = self.ruleset_seq = v.seq
        self.synced_at, self.sync_error = time.time(), None

    def _update_calc(self, document_ids: tuple[int, ...]) -> None:
        """The rule set brought up to date incrementally
        (:func:`huiqi.calc.engine.refresh_ruleset`: only the changed
        documents recompiled), else loaded in full (:meth:`_load_calc`)."""
        if self.ruleset is not None and self.calc is not None and not self.calc_error:
            try:
                rs = self.calc.refresh_ruleset(self.url, self.ruleset, document_ids)
            except Exception:  # the full load below reports what is wrong
                log.exception("规则集增量更新失败，改为全部重新编译")
                rs = None
            if rs is not None:
                self.ruleset = rs
                return
        self._load_calc()

    def _load_calc(self) -> None:
        from huiqi.calc import engine as calc_engine

        self.calc = calc_engine
        self.ruleset = None
        self.calc_error = None
        try:
            self.ruleset = calc_engine.load_ruleset(self.url)
        except Exception as exc:  # the rest of the service still works
            log.exception("计算器规则加载失败")
            self.calc_error = f"计算器规则加载失败：{type(exc).__name__}"

    def _load_caches(self) -> None:
        from huiqi.kb.db import session_scope
        from huiqi.kb.queries import list_documents

        with session_scope(self.engine) as s:
            self.documents = list_documents(s, current_only=False)
        kw = self.search.keyword
        today = date.today().toordinal()
        live = kw.alive
        end, start = kw.columns.end[live], kw.columns.start[live]
        # not in force today (as huiqi.search.filters.valid_on): a known end before or start after today
        expired = int((((end >= 0) & (end < today)) | ((start >= 0) & (start > today))).sum())
        self.stats = Stats(
            documents=sum(1 for d in self.documents if d["is_current"] and d["has_body"]),
            clauses=len(kw),
            in_force=len(kw) - expired,
            expired=expired,
            day=date.today(),
        )
        # kept up to date by the index (huiqi.search.summary): no pass over every clause
        self.topics = kw.summary.popular_topics(TOPIC_COUNT)
        self.units = kw.summary.common_units(UNIT_COUNT, UNIT_MIN_CLAUSES)

    def upload_dir(self) -> Path:
        """Where uploaded documents are kept (``<derived dir>/uploads``)."""
        from huiqi.config import derived_dir

        out = derived_dir(self.url) / "uploads"
        out.mkdir(parents=True, exist_ok=True)
        return out


#: most unit names offered by the 部门 filter, and how often a name must occur
UNIT_COUNT = 80
UNIT_MIN_CLAUSES = 3


def common_units(records: list[dict], count: int = UNIT_COUNT, min_clauses: int = UNIT_MIN_CLAUSES) -> list[str]:
    """Names of responsible units (责任单位) and accepting bodies (受理机构
    field of a service guide) named by at least ``min_clauses`` clauses of
    ``records``, most frequent first, at most ``count``: the suggestions of
    the search page's 部门 filter (which matches any part of a name)."""
    counts: Counter = Counter()
    for r in records:
        names = set(r.get("responsible_units") or [])
        accepting = (r.get("fields") or {}).get("受理机构")
        if isinstance(accepting, str) and 2 <= len(accepting.strip()) <= 40:
            names.add(accepting.strip())
        counts.update(n for n in names if n)
    return [n for n, k in counts.most_common() if k >= min_clauses][:count]


def popular_topics(records: list[dict], count: int = TOPIC_COUNT) -> list[str]:
    """The policy-dictionary terms (``policy_terms.txt``) that occur in the
    most clauses of ``records`` (indexed clause records with ``text``), most
    frequent first; terms of fewer than three characters are skipped (too
    generic). Without usage logs this is what "popular" can mean."""
    from huiqi.search import segment as seg

    terms = [w for w, _f, _t in seg.load_terms() if len(w) >= 3]
    texts = [seg.normalize_text(r.get("text") or "") for r in records]
    counts = Counter()
    for term in dict.fromkeys(terms):
        norm = seg.normalize_text(term)
        n = sum(1 for t in texts if norm in t)
        if n:
            counts[term] = n
    return [t for t, _n in counts.most_common(count)]


def state_of(request) -> WebState:
    """The loaded :class:`WebState` of the app serving ``request`` (a
    Starlette request; reloaded when another process changed the knowledge
    base, checked every few seconds)."""
    return request.app.state.huiqi.ensure().check_fresh()

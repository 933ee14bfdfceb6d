"""Ingest as one call (导入服务): files → knowledge base → stored rules → search index.

:func:`ingest_and_refresh` is the one path used by ``huiqi ingest``, the
auto-fill of an empty database (CLI and web), the web upload and the tests'
corpus databases, so "ingest, then refresh" is written once.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from huiqi.kb.db import session_scope
from huiqi.kb.identity import lock_for_write
from huiqi.kb.policy_identity import IdentityReport, has_links, refresh_identity
from huiqi.kb.ingest import STATUS_ADDED, IngestReport, ProgressFn, ingest_paths
from huiqi.rules.reviewed import load_reviewed_rules_report
from huiqi.rules.store import ImportReport, SyncReport, import_reviewed, sync_extracted

log = logging.getLogger(__name__)


@dataclass
class ServiceReport:
    """What :func:`ingest_and_refresh` did: the knowledge-base ``ingest``
    report, the extracted-rule ``rules`` sync, the reviewed-rule import
    ``reviewed`` (``None`` when no rules directory was given), the policy
    clusters ``identity`` (``None`` when nothing changed), the search
    ``index`` refresh summary (``None`` when not refreshed or when it
    failed: then ``warnings`` says why; searches rebuild on first use)."""

    ingest: IngestReport
    rules: SyncReport
    reviewed: ImportReport | None = None
    identity: IdentityReport | None = None
    index: dict | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every file was ingested (see :attr:`IngestReport.ok`)."""
        return self.ingest.ok


def import_rules(engine: Engine, rules_dir: Path) -> ImportReport:
    """Import the reviewed-rule YAML files of ``rules_dir`` as published
    reviewed versions in one transaction (see
    :func:`huiqi.rules.store.import_reviewed`); problems of single rules are
    in ``errors`` and never stop the others."""
    report = load_reviewed_rules_report(rules_dir)
    with session_scope(engine) as s:
        lock_for_write(s)  # concurrent ingests: one writer decides the version numbers at a time
        return import_reviewed(s, report)


def sync_rules(engine: Engine, source_file_ids: list[int] | None = None) -> SyncReport:
    """Store the extracted rule of every current clause lacking one of the
    current extraction code, in one transaction; with ``source_file_ids``
    (files just written) only the clauses their ingest can change
    (:func:`huiqi.rules.store.scope_keys`), so an upload does not read the
    whole library."""
    with session_scope(engine) as s:
        lock_for_write(s)  # two processes must not both store the same extracted versions
        return sync_extracted(s, source_file_ids=source_file_ids)


def refresh_policy_identity(engine: Engine, changed: bool = True) -> IdentityReport | None:
    """Recompute the policy clusters (政策同一性, :func:`huiqi.kb.policy_identity.refresh_identity`)
    in one transaction when ``changed`` (a file was added or changed) or
    when none is stored yet; ``None`` when there was nothing to do."""
    with session_scope(engine) as s:
        lock_for_write(s)
        if not changed and has_links(s):
            return None
        return refresh_identity(s)


#: Allocations between two youngest-generation garbage collections during
#: an ingest (CPython's default is 700). An ingest allocates millions of
#: small containers (lines, tokens, extracted facts, index records) that
#: are freed by reference counting, yet each 700 of them start a
#: collection, and every tenth of those a scan of the older objects: at
#: 10× the corpus 1.45 s of a 15.6 s ingest went to the collector, 0.46 s
#: with this threshold (``gc.callbacks`` timing).
BULK_GC_THRESHOLD = 10_000


_gc_lock = threading.Lock()
_gc_state: dict = {"depth": 0, "saved": None}


@contextmanager
def bulk_gc() -> Iterator[None]:
    """Run the block with the garbage collector's first threshold raised to
    :data:`BULK_GC_THRESHOLD` (never lowered), restored when the last of
    the blocks running at once (ingests in several threads of a web
    server) ends. Reference cycles are still collected, only less often; a
    parse pool forked inside inherits the setting."""
    with _gc_lock:
        if _gc_state["depth"] == 0:
            _gc_state["saved"] = old = gc.get_threshold()
            gc.set_threshold(max(old[0], BULK_GC_THRESHOLD), *old[1:])
        _gc_state["depth"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["depth"] -= 1
            if _gc_state["depth"] == 0:
                gc.set_threshold(*_gc_state["saved"])


def ingest_and_refresh(engine: Engine, paths: list[Path], progress: ProgressFn | None = None, *,
                       rules_dir: Path | None = None, refresh_index: bool = True, budget=None,
                       identity: bool = True) -> ServiceReport:
    """Ingest ``paths`` (files, in order) into ``engine``
    (:func:`huiqi.kb.ingest.ingest_paths`: one transaction per file, a bad
    file is reported and skipped), then store the extracted rules of the new
    clauses (those of the files written and of the versions they replaced;
    a full sync when no file was written), import the reviewed rules of ``rules_dir`` when given (the
    bundled ``data/rules`` when the bundled corpus is ingested), recompute
    the policy clusters when a file changed (:func:`refresh_policy_identity`),
    and refresh the persisted search index (incrementally: only the clauses
    added, replaced or retired are tokenised, :func:`huiqi.search.index.refresh`).
    Without a ``budget`` the files are parsed in a process pool and written
    in order, one transaction each (:func:`huiqi.kb.ingest.ingest_paths`). ``budget`` (a
    :class:`huiqi.kb.budget.Budget`) parses each file in a worker process
    within its time and memory limits (untrusted uploads). With
    ``identity=False`` the policy clusters are left to the caller
    (:func:`refresh_policy_identity` later: the web upload answers first,
    since on a large library the clusters take seconds). Raises only for
    database errors; a failed index refresh is a warning. Runs under
    :func:`bulk_gc`."""
    with bulk_gc():
        return _ingest_and_refresh(engine, paths, progress, rules_dir, refresh_index, budget, identity)


def _ingest_and_refresh(engine: Engine, paths: list[Path], progress: ProgressFn | None, rules_dir: Path | None,
                        refresh_index: bool, budget, identity: bool) -> ServiceReport:
    report = ingest_paths(engine, paths, progress=progress, budget=budget)
    written = [f.source_file_id for f in report.files if f.status == STATUS_ADDED and f.source_file_id]
    # new files: their clauses only; nothing new: a full sync (catches up after an extractor upgrade)
    rules = sync_rules(engine, written or None)
    reviewed = import_rules(engine, rules_dir) if rules_dir is not None else None
    identity = refresh_policy_identity(engine, any(f.status == STATUS_ADDED for f in report.files)) \
        if identity else None
    out = ServiceReport(report, rules, reviewed, identity)
    out.warnings.extend(rules.problems)
    if reviewed is not None:
        out.warnings.extend(reviewed.errors)
    if refresh_index:
        try:
            from huiqi.search.index import refresh

            out.index = refresh(engine.url.render_as_string(hide_password=False))
        except Exception as exc:  # the knowledge base itself is committed
            log.warning("检索索引未能更新：%s", exc)
            out.warnings.append(f"检索索引未能更新：{exc}（检索时将自动重建）")
    return out


def ingest_bundled(engine: Engine, progress: ProgressFn | None = None, refresh_index: bool = True) -> ServiceReport:
    """Ingest the bundled corpus (:func:`huiqi.config.corpus_files`) with its
    reviewed rules (:func:`huiqi.config.rules_dir`)."""
    from huiqi.config import corpus_files, rules_dir

    return ingest_and_refresh(engine, corpus_files(), progress, rules_dir=rules_dir(),
                              refresh_index=refresh_index)

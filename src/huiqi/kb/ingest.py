"""Ingest pipeline (入库): files → parsed documents → facts → database rows.

Per file: read it (``huiqi.readers.read_source``), hash it, skip it when the
same content is already current (under any name), otherwise parse
(``huiqi.structure.parse_source``) and extract (``huiqi.extract``)
everything in memory, then write it in ONE transaction that holds the ingest
write lock and decides there whether it is unchanged, a new version of a
recognisably same document, or a new document (:mod:`huiqi.kb.identity`).
Superseded versions stay in the database with ``is_current`` false.
Any error while processing one file rolls back that file only and is recorded
as a one-line message ``<file>: <reason>``; the other files go on.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import JSON, Engine, func, select, update
from sqlalchemy.exc import OperationalError

from huiqi.config import MANIFEST_NAME, corpus_files, load_manifest
from huiqi.messages import one_line as _one_line
from huiqi.extract import extract_clause_facts, extract_document_facts
from huiqi.kb.bulk import insert_rows, json_text
from huiqi.kb.db import session_scope
from huiqi.kb.identity import Identity, current_with_sha, lock_for_write, predecessor
from huiqi.kb.library import KIND_DOCUMENT, record_change
from huiqi.kb.models import Clause, ClauseUnit, Document, Node, SourceFile
from huiqi.readers.base import SourceError, SourceText

#: Progress callback: ``progress(stage, path, report)`` with stage ``"start"``
#: (report ``None``) before a file and ``"done"`` (its report) after it.
ProgressFn = Callable[[str, Path, "FileReport | None"], None]

STATUS_ADDED = "added"
STATUS_UNCHANGED = "unchanged"
STATUS_FAILED = "failed"


@dataclass
class FileReport:
    """Outcome of ingesting one file.

    ``status`` is ``added`` (a new version was written; ``version`` tells
    which), ``unchanged`` (same content already current, nothing written) or
    ``failed`` (``error`` holds the one-line message ``<file>: <reason>``).
    Counts: ``documents``, ``clauses``, ``units`` (responsible units over all
    clauses), ``amounts``, ``contacts``, ``fields`` (service-guide fields);
    ``seconds`` is the wall time spent on the file.
    """

    path: str
    name: str
    status: str
    version: int | None = None
    source_file_id: int | None = None
    documents: int = 0
    clauses: int = 0
    units: int = 0
    amounts: int = 0
    contacts: int = 0
    fields: int = 0
    seconds: float = 0.0
    error: str | None = None

    def to_json(self) -> dict:
        """JSON-ready dict of all fields (seconds rounded to ms)."""
        d = asdict(self)
        d["seconds"] = round(self.seconds, 3)
        return d


@dataclass
class IngestReport:
    """Reports of all files of one ingest run, in input order."""

    files: list[FileReport] = field(default_factory=list)

    @property
    def failed(self) -> list[FileReport]:
        """The files that failed."""
        return [f for f in self.files if f.status == STATUS_FAILED]

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed

    def to_json(self) -> dict:
        """``{"files": [...], "failed": n}``."""
        return {"files": [f.to_json() for f in self.files], "failed": len(self.failed)}


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Input paths with directories replaced by their files (sorted, without
    ``manifest.yaml`` and hidden files). Other paths are kept as given, even
    when they do not exist (reading them then fails with a clear message)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(corpus_files(p))
        else:
            out.append(p)
    return out




def _error_message(path: Path, exc: BaseException) -> str:
    """One-line ``<file>: <reason>`` for an exception raised while ingesting."""
    if isinstance(exc, SourceError):
        return _one_line(str(exc))
    detail = _one_line(str(exc))
    reason = f"处理失败（{type(exc).__name__}{'：' + detail if detail else ''}）"
    return f"{path}: {reason}"


def _read(path: Path) -> SourceText:
    """Read ``path`` with ``huiqi.readers.read_source`` (looked up at call time)."""
    import huiqi.readers as readers

    return readers.read_source(path)


def _parse(source: SourceText):
    """Parse with :func:`huiqi.structure.parse_source` (looked up at call
    time, so tests can substitute a fake parser)."""
    import huiqi.structure as structure

    return structure.parse_source(source)


def clause_key(title: str | None, path: list[str], text: str) -> str:
    """Stable clause key: SHA-1 hex of the document title, the heading path
    and the clause text with all whitespace removed (so re-wrapping a line
    does not change the key)."""
    norm = "".join(text.split())  # = re.sub(r"\s+", "", text): the same whitespace, 4x faster
    payload = "\x1f".join([title or "", "\x1e".join(path), norm])
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


#: The JSON columns of a clause row: a plan's clause rows hold them as JSON text (:func:`huiqi.kb.bulk.json_text`).
CLAUSE_JSON = tuple(c.key for c in Clause.__table__.columns if isinstance(c.type, JSON))


def _subtree_lines(roots) -> dict[int, tuple[int | None, int | None]]:
    """``id(node) → (start, end)`` for every node under ``roots``: what
    :func:`_lines_of` gives for it (``Node.start``/``Node.end``, ``None``
    when its subtree has no lines), computed in one post-order pass instead
    of one walk of its subtree per node."""
    out: dict[int, tuple[int | None, int | None]] = {}

    def visit(node) -> tuple[int | None, int | None]:
        lo = min((l.start for l in node.lines), default=None)
        hi = max((l.end for l in node.lines), default=None)
        for child in node.children:
            c_lo, c_hi = visit(child)
            if c_lo is not None:
                lo = c_lo if lo is None else min(lo, c_lo)
            if c_hi is not None:
                hi = c_hi if hi is None else max(hi, c_hi)
        out[id(node)] = (lo, hi)
        return lo, hi

    for root in roots:
        visit(root)
    return out


def _lines_of(obj) -> tuple[int | None, int | None]:
    """``(start, end)`` of a node/document, ``(None, None)`` when it has no lines."""
    try:
        return obj.start, obj.end
    except ValueError:
        return None, None


@dataclass
class _DocPlan:
    """Everything to write for one document, computed before the transaction
    (plain rows, cheap to send back from a parse worker): the document
    ``row``; ``nodes``, its heading tree as node rows in breadth-first order
    (``parent``: index of the parent row or ``None``, ``depth``), the
    ``clauses`` rows with ``clause_nodes`` (index of each clause's node row,
    ``None`` when not in the tree) and their responsible ``units``."""

    row: dict
    nodes: list[dict]
    clauses: list[dict]
    clause_nodes: list[int | None]
    units: list[list[str]]


def _node_rows(doc, bounds: dict[int, tuple[int | None, int | None]]) -> tuple[list[dict], dict[int, int]]:
    """Node rows of the heading tree of ``doc`` in breadth-first order (the
    order their ids are given in, level by level) and ``{id(node): row
    index}``. ``seq`` is the node's pre-order position in the document."""
    order: dict[int, int] = {}
    for top in doc.nodes:
        for n in top.walk():
            order[id(n)] = len(order)
    rows: list[dict] = []
    index: dict[int, int] = {}
    level = [(n, None) for n in doc.nodes]
    depth = 0
    while level:
        nxt = []
        for node, parent in level:
            start, end = bounds[id(node)]
            index[id(node)] = len(rows)
            rows.append({"parent": parent, "depth": depth, "seq": order[id(node)], "kind": node.kind,
                         "role": node.role, "label": node.label or "", "heading": node.heading or "",
                         "field": node.field, "start_line": start, "end_line": end,
                         "text": "\n".join(l.text for l in node.lines)})
            nxt.extend((c, index[id(node)]) for c in node.children)
        level = nxt
        depth += 1
    return rows, index


def _cited(d: dict, block, span) -> dict:
    """Add ``lines`` [first, last] (1-based original lines) of a fact's span."""
    try:
        d["lines"] = list(block.line_range(span.start, span.end))
    except Exception:  # a span outside the block: keep the fact, no lines
        pass
    return d


def _validity_json(validity, block) -> dict:
    """Validity JSON with the original lines of the text that set it."""
    d = validity.to_json()
    spans = [sp for sp in validity.spans if 0 <= sp.start < len(block.text)]
    if spans:
        d["lines"] = [block.line_of(spans[0].start), block.line_of(max(spans[-1].end - 1, spans[-1].start))]
    return d


def _clause_rows(doc, title: str | None, report: FileReport, bounds: dict[int, tuple[int | None, int | None]],
                 doc_facts=None) -> tuple[list[dict], list, list]:
    """Clause rows (without ids) of one parsed document, with their nodes and
    responsible units; updates the counts of ``report``."""
    rows: list[dict] = []
    nodes: list = []
    units: list[list[str]] = []
    for seq, (path, node) in enumerate(doc.clauses()):
        block = node.block()
        facts = extract_clause_facts(
            node,
            block,
            issued=getattr(doc_facts, "issued", None),
            doc_validity=getattr(doc_facts, "validity", None),
        )
        start, end = bounds[id(node)]
        unit_list = [u for u in facts.responsible_units if u]
        rows.append(
            {
                "seq": seq,
                "key": clause_key(title, path, block.text),
                "path": list(path),
                "kind": node.kind,
                "text": block.text,
                "start_line": start,
                "end_line": end,
                "responsible_units": unit_list,
                "amounts": [_cited(a.to_json(), block, a) for a in facts.amounts],
                "rates": [r.text for r in facts.rates],
                "thresholds": [_cited(t.to_json(), block, t) for t in facts.thresholds],
                "validity": _validity_json(facts.validity, block),
                "contacts": [_cited(c.to_json(), block, c) for c in facts.contacts],
                "fields": dict(facts.fields),
                "doc_numbers": [d.text for d in facts.doc_numbers],
                "cited": [c.text for c in facts.cited_documents],
            }
        )
        row = rows[-1]
        for key in CLAUSE_JSON:  # serialised here (a parse worker), written as they are
            row[key] = json_text(row[key])
        nodes.append(node)
        units.append(list(dict.fromkeys(unit_list)))
        report.units += len(unit_list)
        report.amounts += len(facts.amounts)
        report.contacts += len(facts.contacts)
        report.fields += len(facts.fields)
    report.clauses += len(rows)
    return rows, nodes, units


def _plan(docs: list, manifest_entry: dict | None, report: FileReport) -> list[_DocPlan]:
    """Document rows and their clauses for one file (no database access).

    Title/issuer/发文字号/issue date come from the extracted document facts,
    falling back to the file's manifest entry only for the sole policy
    document (kind ``document``) of a file that holds one. Level falls back
    to the parser's ``level_hint`` (from compilation headings), then to the
    manifest; region to the manifest. The manifest describes the file's own
    author (for a compilation, the compiler), so its level/region are used
    for the sole policy document and for the file's own parts (service
    guides, front matter), never for a policy document reproduced inside a
    multi-document compilation (汇编), which has its own issuer and level.
    """
    manifest_entry = manifest_entry or {}
    policy_docs = [i for i, d in enumerate(docs) if d.kind == "document"]
    sole = policy_docs[0] if len(policy_docs) == 1 else None
    plans: list[_DocPlan] = []
    for seq, doc in enumerate(docs):
        facts = extract_document_facts(doc)
        fallback = manifest_entry if seq == sole else {}
        where = manifest_entry if (seq == sole or doc.kind != "document") else {}
        title = facts.title or doc.title or fallback.get("title")
        start, end = _lines_of(doc)
        validity = facts.validity
        row = {
            "seq": seq,
            "kind": doc.kind,
            "title": title,
            "issuer": facts.issuer or fallback.get("issuer"),
            "level": facts.level or doc.level_hint or where.get("level"),
            "region": facts.region or where.get("region"),
            "doc_number": facts.doc_number or fallback.get("doc_number"),
            "issued": facts.issued or fallback.get("issued"),
            "validity_start": validity.start,
            "validity_end": validity.end,
            "validity_basis": validity.basis,
            "validity_relative": validity.relative,
            "supersedes": list(facts.supersedes),
            "cited": list(facts.cited_documents),
            "context": list(doc.context),
            "has_body": bool(doc.has_body),
            "start_line": start,
            "end_line": end,
        }
        bounds = _subtree_lines(doc.nodes)  # first and last line of every node (:func:`_lines_of`)
        clauses, nodes, units = _clause_rows(doc, title, report, bounds, facts)
        node_rows, index = _node_rows(doc, bounds)
        plans.append(_DocPlan(row, node_rows, clauses, [index.get(id(n)) for n in nodes], units))
    report.documents = len(plans)
    return plans


def _write_nodes(session, plans: list[_DocPlan], doc_ids: list[int]) -> list[list[int]]:
    """Insert the heading trees level by level (parents before children,
    one bulk INSERT per depth over all documents, :func:`huiqi.kb.bulk.insert_rows`).
    Returns the row ids of each plan's node rows, in the order of ``plan.nodes``."""
    ids: list[list[int]] = [[0] * len(plan.nodes) for plan in plans]
    depth = 0
    while True:
        rows, where = [], []
        for p, (plan, doc_id) in enumerate(zip(plans, doc_ids)):
            for k, n in enumerate(plan.nodes):
                if n["depth"] != depth:
                    continue
                row = {key: v for key, v in n.items() if key not in ("parent", "depth")}
                row["document_id"] = doc_id
                row["parent_id"] = ids[p][n["parent"]] if n["parent"] is not None else None
                rows.append(row)
                where.append((p, k))
        if not rows:
            return ids
        for (p, k), new_id in zip(where, insert_rows(session, Node.__table__, rows)):
            ids[p][k] = new_id
        depth += 1


#: Hook run inside the write transaction of a new file version:
#: ``on_write(session, source_file_id)`` (the officer upload marks the new
#: documents draft there, so they are never public, not even for a moment).
WriteHook = Callable[[object, int], None]

#: How long a writer waits for another ingest's write lock before giving up (seconds).
LOCK_WAIT_SECONDS = 120.0


def _is_lock_timeout(exc: BaseException) -> bool:
    """SQLite's "database is locked" (busy timeout ran out), worth a retry."""
    return isinstance(exc, OperationalError) and "locked" in str(exc).lower()


def _write(engine: Engine, source: SourceText, plans: list[_DocPlan], report: FileReport,
           on_write: WriteHook | None = None) -> None:
    """Write one file version and everything in it in a single transaction.

    The transaction starts with the ingest write lock
    (:func:`huiqi.kb.identity.lock_for_write`), then decides inside it
    whether the content is already current (→ ``report.status`` unchanged,
    nothing written) and which lineage and version the file gets
    (:func:`huiqi.kb.identity.predecessor`), so concurrent ingests of the same
    file give one version and no error. A busy SQLite database is retried
    for up to :data:`LOCK_WAIT_SECONDS`. ``on_write`` (see :data:`WriteHook`)
    runs in the same transaction once the new version is written.
    """
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            _write_locked(engine, source, plans, report, on_write)
            return
        except OperationalError as exc:
            if not _is_lock_timeout(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _write_locked(engine: Engine, source: SourceText, plans: list[_DocPlan], report: FileReport,
                  on_write: WriteHook | None = None) -> None:
    with session_scope(engine) as s:
        lock_for_write(s)
        same = current_with_sha(s, source.sha256)
        if same is not None:
            report.status = STATUS_UNCHANGED
            report.version = same.lineage_version or same.version
            report.source_file_id = same.id
            return
        identity = Identity.of([p.row for p in plans])
        old = predecessor(s, source.name, identity)
        latest = s.scalar(select(func.max(SourceFile.version)).where(SourceFile.name == source.name))
        sf = SourceFile(
            name=source.name,
            path=str(source.path),
            sha256=source.sha256,
            version=(latest or 0) + 1,
            is_current=True,
            kind=source.kind,
            encoding=source.encoding,
            n_lines=len(source.lines),
            text=source.text,
            ingested_at=datetime.now(timezone.utc).replace(tzinfo=None),
            lineage_version=((old.lineage_version or old.version) + 1) if old is not None else 1,
        )
        s.add(sf)
        s.flush()
        sf.lineage_id = (old.lineage_id or old.id) if old is not None else sf.id
        if old is not None:
            s.execute(
                update(SourceFile)
                .where(SourceFile.id == old.id)
                .values(is_current=False, superseded_by_id=sf.id)
            )
        doc_ids = insert_rows(s, Document.__table__, [dict(p.row, source_file_id=sf.id) for p in plans])
        node_ids = _write_nodes(s, plans, doc_ids)
        clause_rows: list[dict] = []
        clause_units: list[list[str]] = []
        for plan, doc_id, ids in zip(plans, doc_ids, node_ids):
            for row, node, units in zip(plan.clauses, plan.clause_nodes, plan.units):
                clause_rows.append(dict(row, document_id=doc_id, node_id=ids[node] if node is not None else None))
                clause_units.append(units)
        clause_ids = insert_rows(s, Clause.__table__, clause_rows, encoded=CLAUSE_JSON)
        unit_rows = [
            {"clause_id": cid, "unit": u} for cid, units in zip(clause_ids, clause_units) for u in units
        ]
        if unit_rows:
            insert_rows(s, ClauseUnit.__table__, unit_rows)
        report.version = sf.lineage_version
        report.source_file_id = sf.id
        if on_write is not None:
            on_write(s, sf.id)
        record_change(s, KIND_DOCUMENT, "replaced" if old is not None else "added", source_file_id=sf.id,
                      detail={"name": source.name, "documents": len(doc_ids), "clauses": len(clause_ids)})


def _current_sha(engine: Engine, sha256: str) -> bool:
    """True when a current file version has exactly these bytes (a fast
    pre-check before parsing; :func:`_write` decides again under the lock)."""
    with session_scope(engine) as s:
        return current_with_sha(s, sha256) is not None


def ingest_source(engine: Engine, source: SourceText, manifest_entry: dict | None = None,
                  on_write: WriteHook | None = None) -> FileReport:
    """Ingest one already-read file; never raises for a bad file (the error
    is in the returned report). See :func:`ingest_paths`."""
    t0 = time.perf_counter()
    report = FileReport(path=str(source.path), name=source.name, status=STATUS_ADDED)
    try:
        if _current_sha(engine, source.sha256):
            report.status = STATUS_UNCHANGED
        else:
            docs = _parse(source)
            plans = _plan(list(docs), manifest_entry, report)
            _write(engine, source, plans, report, on_write)
    except Exception as exc:  # one file's failure must not stop the run
        report = FileReport(
            path=str(source.path),
            name=source.name,
            status=STATUS_FAILED,
            error=_error_message(source.path, exc),
        )
    report.seconds = time.perf_counter() - t0
    return report


#: environment variable: worker processes that parse files in parallel
#: (default: the number of CPUs, at most 4; 1 = parse in this process)
ENV_WORKERS = "HUIQI_INGEST_WORKERS"


def _workers(n_files: int) -> int:
    """Pool size for ``n_files`` files: 1 (no pool) in a process that runs
    other threads (a web server), since the pool forks this process and a
    fork copies locks held by other threads."""
    import os
    import threading

    if threading.active_count() > 1:
        return 1
    try:
        want = int(os.environ.get(ENV_WORKERS, "") or min(os.cpu_count() or 1, 4))
    except ValueError:
        want = 1
    return max(1, min(want, n_files))


def _prepare(path: Path, manifest_entry: dict | None, current: frozenset = frozenset()):
    """Read, parse and extract one file (no database access; runs in a pool
    worker): ``(source, plans, report)`` or ``(None, None, failed report)``;
    a file whose hash is in ``current`` is not parsed (``plans`` None)."""
    t0 = time.perf_counter()
    try:
        source = _read(path)
    except Exception as exc:
        return None, None, FileReport(path=str(path), name=path.name, status=STATUS_FAILED,
                                      error=_error_message(path, exc), seconds=time.perf_counter() - t0)
    report = FileReport(path=str(path), name=source.name, status=STATUS_ADDED)
    if source.sha256 in current:
        return source, None, report
    try:
        plans = _plan(list(_parse(source)), manifest_entry, report)
    except Exception as exc:
        return None, None, FileReport(path=str(path), name=source.name, status=STATUS_FAILED,
                                      error=_error_message(path, exc), seconds=time.perf_counter() - t0)
    report.seconds = time.perf_counter() - t0
    return source, plans, report


def _parallel(engine: Engine, files: list[tuple[Path, dict | None]], workers: int, progress, on_write):
    """Parse ``files`` in a process pool, write each in file order in its
    own transaction (as :func:`ingest_source`), yielding ``(path, report)``."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork shares the loaded modules (the caller checked there are no other threads):
    # load the parser and the extractors' data once here, not once per worker
    import huiqi.extract as extract
    import huiqi.readers  # noqa: F401
    import huiqi.structure  # noqa: F401

    extract.preload()
    ctx = multiprocessing.get_context("fork")
    with session_scope(engine) as s:
        current = frozenset(s.scalars(select(SourceFile.sha256).where(SourceFile.is_current.is_(True))))
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        futures = [pool.submit(_prepare, p, m, current) for p, m in files]
        for (path, _m), fut in zip(files, futures):
            if progress:
                progress("start", path, None)
            t0 = time.perf_counter()
            try:
                source, plans, report = fut.result()
            except Exception as exc:  # a worker died (memory): that file fails
                source, plans = None, None
                report = FileReport(path=str(path), name=path.name, status=STATUS_FAILED,
                                    error=_error_message(path, exc))
            if source is not None:
                try:
                    if plans is None or _current_sha(engine, source.sha256):
                        report = FileReport(path=str(path), name=source.name, status=STATUS_UNCHANGED)
                    else:
                        _write(engine, source, plans, report, on_write)
                except Exception as exc:  # one file's failure must not stop the run
                    report = FileReport(path=str(path), name=source.name, status=STATUS_FAILED,
                                        error=_error_message(path, exc))
            report.path = str(path)
            report.seconds += time.perf_counter() - t0
            yield path, report


def ingest_paths(
    engine: Engine, paths: list[Path], progress: ProgressFn | None = None, on_write: WriteHook | None = None,
    budget=None,
) -> IngestReport:
    """Ingest files into the knowledge base (schema must be at head, see
    :func:`huiqi.kb.db.upgrade`).

    ``paths`` are files or directories (a directory means its files, without
    ``manifest.yaml``). A ``manifest.yaml`` beside a file supplies fallback
    title/issuer/level/region/issue date for it. Returns an
    :class:`IngestReport` with one :class:`FileReport` per file, in order.
    Never raises for a bad input file: unreadable files (``SourceError``) and
    any error during parsing, extraction or writing are recorded as
    ``failed`` with a one-line message, and that file's transaction is rolled
    back (no partial rows). ``on_write`` (see :data:`WriteHook`) runs in the
    transaction of each new file version; an error in it fails that file.
    With a ``budget`` (:class:`huiqi.kb.budget.Budget`) every file is
    processed in a worker process within that time and memory
    (:func:`huiqi.kb.budget.ingest_with_budget`); ``on_write`` then runs
    right after the worker's commit, in a transaction of its own.
    Without a budget, several files are parsed and extracted in parallel by
    a process pool (``$HUIQI_INGEST_WORKERS``, default one per CPU up to 4;
    forked, so only from a process without other threads — the CLI);
    the writes stay in this process, in file order, one transaction each.
    """
    report = IngestReport()
    manifests: dict[Path, dict] = {}
    files = expand_paths(paths)
    workers = _workers(len(files)) if budget is None else 1
    if workers > 1:
        entries = []
        for path in files:
            directory = path.resolve().parent
            if directory not in manifests:
                mpath = directory / MANIFEST_NAME
                manifests[directory] = load_manifest(mpath) if mpath.is_file() else {}
            entries.append((path, manifests[directory].get(path.name)))
        for path, fr in _parallel(engine, entries, workers, progress, on_write):
            report.files.append(fr)
            if progress:
                progress("done", path, fr)
        return report
    for path in files:
        if progress:
            progress("start", path, None)
        t0 = time.perf_counter()
        if budget is not None:
            from huiqi.kb.budget import ingest_with_budget

            fr = ingest_with_budget(engine.url.render_as_string(hide_password=False), path, budget)
            if on_write is not None and fr.status == STATUS_ADDED and fr.source_file_id:
                with session_scope(engine) as s:
                    on_write(s, fr.source_file_id)
            fr.path = str(path)
            fr.seconds = time.perf_counter() - t0
            report.files.append(fr)
            if progress:
                progress("done", path, fr)
            continue
        try:
            source = _read(path)
        except Exception as exc:
            fr = FileReport(
                path=str(path), name=path.name, status=STATUS_FAILED, error=_error_message(path, exc)
            )
            fr.seconds = time.perf_counter() - t0
        else:
            directory = path.resolve().parent
            if directory not in manifests:
                mpath = directory / MANIFEST_NAME
                manifests[directory] = load_manifest(mpath) if mpath.is_file() else {}
            fr = ingest_source(engine, source, manifests[directory].get(path.name), on_write)
            fr.path = str(path)
            fr.seconds = time.perf_counter() - t0
        report.files.append(fr)
        if progress:
            progress("done", path, fr)
    return report

"""Compiling, storing and loading rule sets (规则集编译与缓存).

:func:`load_ruleset` compiles the knowledge base into a
:class:`~huiqi.calc.entry.RuleSet`: every clause of the current file
versions (documents of kind ``document`` and ``guide``) with its rule — the
published reviewed rule version when there is one, else the one extracted
from its text — its region scope, validity, contacts, citation,
beneficiary (受益对象) and policy identity (:mod:`huiqi.kb.policy_identity`).
The rule set is cached per database and stored as a pickle keyed by a
fingerprint of the library and the reviewed-rule files, so a process
compiles it only when either changed; :func:`refresh_ruleset` brings a
loaded one up to date incrementally (:mod:`huiqi.calc.ruleset_update`).
"""

from __future__ import annotations

import contextlib
import copy
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from functools import lru_cache

from huiqi.calc.entry import RuleEntry, RuleSet, _entry, _spread_document_stacking, _with_subjects
from huiqi.rules.validity import cap_reprint

log = logging.getLogger("huiqi.calc")
#: Document kinds whose clauses the calculator reads.
DOCUMENT_KINDS = ("document", "guide")

def build_ruleset(session, rules_dir: Path | None = None, fingerprint: str = "", *,
                  reviewed: bool = True) -> RuleSet:
    """Compile the current clauses of the database behind ``session`` (a
    SQLAlchemy ``Session``) into a :class:`RuleSet` from the stored rule
    versions (:func:`huiqi.rules.store.published_rules`): per clause the
    published reviewed version where there is one, else the published
    extracted one. Clauses without a stored extracted version of the
    current extraction code (a database written by older code) are
    extracted in memory here; :func:`load_ruleset` stores them first so
    this happens once.

    ``rules_dir`` (a directory of reviewed-rule YAML files) previews those
    files instead of the stored reviewed versions, without writing anything
    (``huiqi match --rules DIR``, tests). ``reviewed=False`` ignores
    reviewed rules altogether (the calculator on text alone, as
    ``benchmarks/extraction_vs_reviewed.py`` measures it). Never raises
    for a bad clause or rule: see ``RuleSet.problems``."""
    with _gc_paused():  # ~10^5–10^6 long-lived objects: collecting while building them cost a third of the time
        return _build(session, rules_dir, fingerprint, reviewed)


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector (restored on exit, also on error)."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(session, rules_dir: Path | None, fingerprint: str, reviewed: bool) -> RuleSet:
    from huiqi.rules import store
    from huiqi.rules.reviewed import load_reviewed_rules_report

    t0 = time.perf_counter()
    rows = store.clause_rows(session)
    _add_container_titles(session, rows)
    extracted, stored_reviewed, problems = store.published_rules(session)
    if rules_dir is not None:
        report = load_reviewed_rules_report(rules_dir)
        problems.extend(report.errors)
        chosen = report.rules
    else:
        chosen = stored_reviewed
    if not reviewed:
        chosen = {}
    basis = None
    if rules_dir is None and reviewed:
        from huiqi.calc.ruleset_update import snapshot

        basis = snapshot(session)  # what an incremental update compares against
    compiled = compile_rows(rows, chosen, extracted, problems)
    _attach_policy_facts(session, rows, compiled, chosen)
    entries, skipped, n_reviewed = offered(compiled)
    rs = RuleSet(entries, fingerprint, len(rows), n_reviewed, skipped, problems, time.perf_counter() - t0)
    if basis is not None:
        basis.cited = {r["id"]: _citation(r) for r in rows if r["id"] in basis.links}
        rs.basis = basis
    return rs


def offered(compiled: list[RuleEntry]) -> tuple[list[RuleEntry], int, int]:
    """``(entries, skipped, n_reviewed)``: the compiled entries that offer
    firms something (:meth:`RuleEntry.has_offer`), how many were left out,
    and how many of those kept use a reviewed rule."""
    entries = [e for e in compiled if e.has_offer()]
    return entries, len(compiled) - len(entries), sum(e.origin == "reviewed" for e in entries)


def compile_rows(rows: list[dict], chosen: Mapping, extracted: dict, problems: list[str]) -> list[RuleEntry]:
    """The :class:`RuleEntry` of each clause row (:func:`huiqi.rules.store.clause_rows`
    dicts, whole documents), from the reviewed rule ``chosen`` by clause key,
    else the ``extracted`` one (extracted in memory, and added to
    ``extracted``, when missing; failures appended to ``problems``), with
    subjects and document-wide stacking; beneficiary and policy identity
    are not filled in yet (:func:`_attach_policy_facts`)."""
    from huiqi.rules import store

    compiled = []
    doc_contacts: dict[Any, list] = {}
    for row in rows:  # a document's contacts (联系方式) stand for clauses that name none
        if row.get("contacts"):
            doc_contacts.setdefault(row["document"].get("id"), list(row["contacts"]))
    for row in rows:
        rule = chosen.get(row["key"])
        if rule is None:
            rule = extracted.get(row["key"])
            if rule is None:
                rule, bad = store.extract_rule(row)
                problems.extend(bad)
                extracted[row["key"]] = rule
            else:
                rule = copy.copy(rule)  # document-wide stacking is filled in per entry
        rule = _with_subjects(rule, row)
        compiled.append(_entry(row, rule, doc_contacts.get(row["document"].get("id"))))
    _spread_document_stacking(compiled)
    return compiled


def _engine_of(db: Any):
    """(SQLAlchemy engine, url, owned) for ``db``: an Engine, a URL / SQLite
    path, or ``None`` (the configured database, see
    :func:`huiqi.config.resolve_db`)."""
    from sqlalchemy import Engine

    if isinstance(db, Engine):
        return db, db.url.render_as_string(hide_password=True), False
    from huiqi.config import resolve_db_url
    from huiqi.kb.db import get_engine

    url = resolve_db_url(str(db) if db is not None else None)
    return get_engine(url), url, True


def library_key(session) -> str:
    """What a compiled rule set is keyed by: the library version
    (:func:`huiqi.kb.library.library_version`, ``lib=<library id>:<seq>``,
    one primary-key read that every change of clauses, documents, rule
    versions and policy clusters moves), or for a database without the
    change log the older fingerprints (:func:`db_fingerprint` and
    :func:`huiqi.rules.store.rules_fingerprint`)."""
    from huiqi.kb.library import library_version

    v = library_version(session)
    if v is not None:
        return f"lib={v.key}"
    from huiqi.rules.store import rules_fingerprint

    return f"{db_fingerprint(session)}|{rules_fingerprint(session)}"


def _rules_files(rules_dir: Path | None) -> str:
    """Names, sizes and modification times of the preview rule files of
    ``rules_dir`` (``""`` without one)."""
    from huiqi.rules.reviewed import rule_files

    parts = []
    if rules_dir is not None:
        for p in rule_files(rules_dir):
            try:
                st = p.stat()
            except OSError:
                continue
            parts.append(f"{p}:{st.st_mtime_ns}:{st.st_size}")
    return "|".join(parts)


def ensure_extracted(engine) -> int:
    """Store the extracted rule of every current clause that has none of the
    current extraction code (:func:`huiqi.rules.store.sync_extracted`), in
    its own transaction; returns how many were written. A concurrent writer
    that stored them first is not an error (0 is returned)."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    from huiqi.kb.db import session_scope
    from huiqi.kb.identity import lock_for_write
    from huiqi.rules.store import sync_extracted

    try:
        with session_scope(engine) as s:
            lock_for_write(s)  # another process may be storing them right now
            return sync_extracted(s).written
    except (IntegrityError, OperationalError) as exc:
        # a concurrent writer, a locked or read-only database, an old schema: the rules are
        # extracted in memory instead (every process pays for it until they are stored)
        log.warning("抽取规则未能保存（%s: %s），本进程在内存中抽取", type(exc).__name__, str(exc).splitlines()[0])
        return 0


def db_fingerprint(session) -> str:
    """Fingerprint of the knowledge base content: count and largest id of
    the current source files, and the largest clause id (changes on every
    ingest of a new or changed file)."""
    from sqlalchemy import func, select

    from huiqi.kb.models import Clause, SourceFile

    n, top = session.execute(
        select(func.count(SourceFile.id), func.max(SourceFile.id)).where(SourceFile.is_current.is_(True))
    ).one()
    top_clause = session.execute(select(func.max(Clause.id))).scalar()
    from huiqi.kb.lifecycle import revision  # publications and metadata corrections (officer workspace)

    return f"files={n}:{top}:clauses={top_clause}:{revision(session)}"


_CACHE: dict[str, RuleSet] = {}
_LOCK = threading.Lock()


def load_ruleset(db: Any = None, *, rules_dir: Path | None = None, reviewed: bool = True) -> RuleSet:
    """The :class:`RuleSet` of a database (``db``: SQLAlchemy Engine, URL,
    SQLite path, or ``None`` for the configured database), compiled once and
    cached in-process keyed by URL, ``rules_dir``/``reviewed`` (see
    :func:`build_ruleset`) and the fingerprint (:func:`library_key`: the
    library version, and the preview files' names, sizes and modification
    times); the compiled set is also stored beside the database under a
    name derived from that key, so other processes and hosts read it
    instead of compiling. Clauses lacking a stored extracted rule are extracted and
    stored first (:func:`ensure_extracted`), so only the first process
    after a code upgrade pays for extraction. Raises SQLAlchemy errors when
    the database cannot be read."""
    from sqlalchemy.orm import Session

    from huiqi.rules.store import needs_sync

    engine, url, owned = _engine_of(db)
    try:
        with Session(engine) as s:
            if needs_sync(s):
                ensure_extracted(engine)
        with Session(engine) as s:
            fp = f"{library_key(s)}|{_rules_files(rules_dir)}|reviewed={reviewed}"
            cache_key = f"{url}|{rules_dir}|{reviewed}"
            with _LOCK:
                hit = _CACHE.get(cache_key)
                if hit is not None and hit.fingerprint == fp:
                    return hit
            stored = _stored_path(url, fp) if rules_dir is None else None
            rs = _read_stored(stored, fp) if stored is not None else None
            if rs is None:
                rs = build_ruleset(s, rules_dir, fp, reviewed=reviewed)
                if stored is not None:
                    _write_stored(stored, rs)
    finally:
        if owned:
            engine.dispose()
    with _LOCK:
        _CACHE[cache_key] = rs
    return rs


def refresh_ruleset(db: Any, rs: RuleSet, document_ids: Iterable[int] = ()) -> RuleSet | None:
    """``rs`` (a rule set :func:`load_ruleset` gave for ``db``) brought up
    to the database's current library version without compiling the whole
    library (:func:`huiqi.calc.ruleset_update.update_ruleset`; ``document_ids``
    — the documents the change log names). The result is cached and stored
    like :func:`load_ruleset`'s, so the next worker reads it instead of
    compiling. Returns ``rs`` itself when nothing changed, ``None`` when a
    full :func:`load_ruleset` is needed. Raises SQLAlchemy errors."""
    from sqlalchemy.orm import Session

    from huiqi.calc.ruleset_update import update_ruleset
    from huiqi.rules.store import needs_sync

    engine, url, owned = _engine_of(db)
    try:
        with Session(engine) as s:
            if needs_sync(s):
                return None  # clauses without stored rules: load_ruleset stores them first
            fp = f"{library_key(s)}|{_rules_files(None)}|reviewed=True"
            if fp == rs.fingerprint:
                return rs
            new = update_ruleset(s, rs, fp, tuple(document_ids))
    finally:
        if owned:
            engine.dispose()
    if new is None:
        return None
    _write_stored(_stored_path(url, fp), new)
    with _LOCK:
        _CACHE[f"{url}|None|True"] = new
    return new


#: Bump when :class:`RuleEntry` / :class:`RuleSet` change shape (stored rule sets are then rebuilt).
RULESET_FORMAT = 2


def _stored_path(url: str, fingerprint: str) -> Path:
    """Where the compiled rule set of ``fingerprint`` is kept: beside the
    database's other derived files (:func:`huiqi.config.derived_dir`)."""
    import hashlib

    from huiqi.config import derived_dir
    from huiqi.rules.store import extractor_version

    digest = hashlib.sha1(f"{RULESET_FORMAT}|{extractor_version()}|{_code_version()}|{fingerprint}".encode())
    return derived_dir(url) / "rules" / f"ruleset-{digest.hexdigest()[:20]}.pickle"


@lru_cache(maxsize=1)
def _code_version() -> str:
    """Fingerprint of the calculator and rules code (their module sources):
    a stored rule set compiled by other code is never read back."""
    import hashlib

    h = hashlib.sha1()
    for pkg in ("calc", "rules"):
        for f in sorted((Path(__file__).resolve().parents[1] / pkg).glob("*.py")):
            h.update(f.read_bytes())
    return h.hexdigest()[:12]


def _read_stored(path: Path, fingerprint: str) -> RuleSet | None:
    """The rule set stored at ``path`` (our own derived file, written by
    :func:`_write_stored`), or ``None`` when missing or unreadable."""
    import pickle

    try:
        with _gc_paused():  # ~10^6 new objects, none garbage: collecting meanwhile tripled the time (1.4 → 3.9 s at 100×)
            rs = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return rs if isinstance(rs, RuleSet) and rs.fingerprint == fingerprint else None


def _write_stored(path: Path, rs: RuleSet) -> None:
    """Store a compiled rule set atomically (written to a per-process temp
    file, then renamed). Other rule-set files of the directory older than a
    minute are removed (a newer one another host just wrote is kept). A
    failure only costs the next process a rebuild."""
    import os
    import pickle

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(rs, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
        import time

        for old in path.parent.glob("ruleset-*.pickle"):
            try:
                if old != path and time.time() - old.stat().st_mtime > 60:
                    old.unlink(missing_ok=True)
            except OSError:
                continue
    except OSError:
        pass


def clear_cache() -> None:
    """Forget every cached rule set and extraction result."""
    with _LOCK:
        _CACHE.clear()


# --------------------------------------------------------------------------
# policy identity and beneficiary (issue 11)

def _add_container_titles(session, rows: list[dict]) -> None:
    """Set ``container_title`` on clause rows whose document has no issue
    date: the title of the front matter of the same file (the cover of the
    compilation it is printed in), so its year can be read
    (:func:`huiqi.rules.validity.effective_validity`)."""
    from sqlalchemy import select

    from huiqi.kb.models import Document

    covers = {fid: t for fid, t in session.execute(
        select(Document.source_file_id, Document.title).where(Document.kind == "front_matter")) if t}
    if not covers:
        return
    file_of = dict(session.execute(select(Document.id, Document.source_file_id)).all())
    for row in rows:
        doc = row["document"]
        if not doc.get("issued"):
            t = covers.get(file_of.get(doc.get("id")))
            if t:
                row["container_title"] = t


def _attach_policy_facts(session, rows: list[dict], entries: list[RuleEntry], reviewed: Mapping) -> None:
    """Fill each entry's :attr:`RuleEntry.beneficiary` (the published rule
    versions' 受益对象, else the clause text's, see
    :func:`huiqi.rules.store.beneficiary_of`) and its policy identity
    (:mod:`huiqi.kb.policy_identity`: the stored clusters, or clusters detected in
    memory when none is stored): ``authority_id``, ``policy_sources``, and
    a reprint's validity capped by its original's
    (:func:`huiqi.rules.validity.cap_reprint`)."""
    from huiqi.kb.policy_identity import detect_clusters, load_links
    from huiqi.rules.beneficiary import classify_beneficiary
    from huiqi.rules.store import published_beneficiaries

    try:
        stored = published_beneficiaries(session)
    except Exception:  # an older schema: read the text
        stored = {}
    for e in entries:
        e.beneficiary = stored.get(e.key) if e.key in stored else classify_beneficiary(e.text)
        e.own_validity = e.validity
    try:
        links = load_links(session)
    except Exception:  # database without the policy_links table
        links = {}
    if not links:
        links = {cid: (c.authority, c.similarity.get(cid, 1.0)) for c in detect_clusters(rows) for cid in c.members}
    if not links:
        return
    cited = {r["id"]: _citation(r) for r in rows if r["id"] in links}
    link_entries(entries, links, cited)


def link_entries(entries: Iterable[RuleEntry], links: Mapping[int, tuple[int, float]], cited: Mapping[int, dict]) -> None:
    """Policy identity of ``entries`` from ``links`` ({clause id:
    (authority clause id, similarity)}, :func:`huiqi.kb.policy_identity.load_links`):
    ``authority_id``, ``policy_sources`` (the ``cited`` citations of the
    cluster's other members, by clause id; members without one are left
    out) and a reprint's ``validity`` capped by its original's when the
    original is among ``entries`` (:func:`huiqi.rules.validity.cap_reprint`).
    Entries not in ``links`` are left as they are."""
    entries = list(entries)
    members: dict[int, list[int]] = {}
    for cid, (auth, _) in links.items():
        members.setdefault(auth, []).append(cid)
    entry_of = {e.id: e for e in entries}
    for e in entries:
        link = links.get(e.id)
        if link is None:
            continue
        auth = link[0]
        e.authority_id = auth
        e.policy_sources = [cited[c] for c in sorted(members.get(auth, [])) if c != e.id and c in cited]
        original = entry_of.get(auth)
        if auth != e.id and original is not None:
            e.validity = cap_reprint(e.validity, original.validity)


def _citation(row: Mapping) -> dict:
    doc = row.get("document") or {}
    return {"id": row["id"], "document": {k: doc.get(k) for k in ("id", "title", "level", "region")},
            "source": dict(row["source"])}


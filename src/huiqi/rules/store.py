"""Rule versions in the knowledge base (规则版本库): extracted and reviewed
rules of clauses stored as data, with origin, status, author and reviewer.

A clause (keyed by :attr:`huiqi.kb.models.Clause.key`) has any number of
:class:`~huiqi.kb.models.RuleVersion` rows:

* ``extracted`` versions are written after ingest by :func:`sync_extracted`
  (conditions, benefit and stacking read from the clause text by
  :mod:`huiqi.rules.conditions`, :mod:`huiqi.rules.benefits` and
  :mod:`huiqi.rules.stacking`). Each records the fingerprint of the
  extraction code (:func:`extractor_version`); when the code changes, the
  next sync writes a new version and retires the old one, so a process
  never has to re-extract to load rules.
* ``reviewed`` versions are written by people, or imported from the
  reviewed-rule YAML files (:func:`import_reviewed`, ``huiqi rules import``).

The calculator, screening and the web read :func:`published_rules`: per
clause key the published reviewed version where there is one, else the
published extracted one. Every body is the reviewed-YAML form of a rule
(:func:`huiqi.rules.reviewed.rule_to_dict` without ``clause_key``), money
in yuan (元).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from huiqi.kb.models import Clause, Document, RuleVersion, SourceFile
from huiqi.kb.push_jobs import enqueue_screen
from huiqi.kb.library import KIND_RULES, record_change
from huiqi.kb.queries import list_policies
from huiqi.rules.model import BenefitSpec, Condition, Rule, Stacking
from huiqi.rules.reviewed import (
    RuleCase,
    RulesReport,
    parse_case,
    parse_tracks,
    parse_validity,
    rule_to_dict,
)
from huiqi.rules.vocab import GOVERNMENT, PERSON

#: Document kinds whose clauses carry rules (stubs and front matter hold none).
DOCUMENT_KINDS = ("document", "guide")
ORIGINS = ("extracted", "reviewed")
#: Rule-version statuses; a reviewed version moves draft → submitted →
#: published (or rejected), see :mod:`huiqi.rules.review`.
RULE_STATUSES = ("draft", "submitted", "published", "rejected", "retired")
#: Author recorded on extracted versions.
EXTRACTOR_AUTHOR = "系统抽取"

_EXTRACTION_MODULES = (
    "huiqi.rules.conditions", "huiqi.rules.condition_atoms", "huiqi.rules.condition_combine",
    "huiqi.rules.condition_parse", "huiqi.rules.benefits", "huiqi.rules.stacking", "huiqi.rules.vocab",
    "huiqi.rules.model", "huiqi.rules.beneficiary", "huiqi.rules.regex_gate", "huiqi.extract.thresholds",
    "huiqi.extract.money", "huiqi.extract.numbers",
)


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """Fingerprint (12 hex digits) of the rule-extraction code: SHA-1 of the
    source of the extraction modules. Changes whenever extraction may give
    a different rule for the same clause text."""
    from importlib.util import find_spec

    h = hashlib.sha1()
    for name in _EXTRACTION_MODULES:  # located, not imported: loading rules stays cheap
        h.update(Path(find_spec(name).origin).read_bytes())
    return h.hexdigest()[:12]


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


# --------------------------------------------------------------------------
# rule <-> body


def rule_body(rule: Rule, excerpt: str = "", cases: list[RuleCase] | None = None,
              beneficiary: str | None = None) -> dict:
    """The stored body of ``rule``: its reviewed-YAML dict without
    ``clause_key`` (and with ``beneficiary`` when known)."""
    d = rule_to_dict(rule, excerpt, cases)
    d.pop("clause_key", None)
    if beneficiary:
        d["beneficiary"] = beneficiary
    return d


def rule_from_body(clause_key: str, origin: str, body: Mapping) -> Rule:
    """The :class:`Rule` of a stored body (inverse of :func:`rule_body`).
    Lenient about vocabulary (an extracted rule may test ``facts.*``
    attributes); raises ``ValueError`` naming the part on a malformed body."""
    b = dict(body or {})
    cond = Condition.from_dict(b["conditions"]) if b.get("conditions") is not None else None
    spec = BenefitSpec.from_dict(b["benefit"]) if b.get("benefit") is not None else None
    st = b.get("stacking")
    stack = Stacking(st["group"], st["mode"], st.get("source_text", "")) if st else None
    tracks = parse_tracks(b["tracks"], "tracks") if b.get("tracks") else []
    validity = parse_validity(b["validity"], "validity") if b.get("validity") else None
    return Rule(clause_key, conditions=cond, benefit=spec, tracks=tracks, stacking=stack, origin=origin,
                title=b.get("title") or "", reviewer_note=b.get("reviewer_note") or "", validity=validity,
                product_subject=b.get("product_subject") is not False)


def body_cases(body: Mapping) -> list[RuleCase]:
    """The worked cases (测试用例) of a stored body. Raises ``ValueError``."""
    return [parse_case(c, f"cases[{i}]") for i, c in enumerate(body.get("cases") or [])]


def beneficiary_of(rule: Rule, text: str | None = None) -> str | None:
    """The beneficiary (受益对象) of a rule: first what its conditions state
    through the entity type (every ``entity_type`` value 个人 → ``个人``,
    every value 地方政府 → ``政府部门``, any other value → ``企业``); when no
    condition names the entity type, what the clause ``text`` says about
    who receives the money (:func:`huiqi.rules.beneficiary.classify_beneficiary`:
    企业 / 个人 / 园区/平台 / 政府部门 / 金融机构 / 其他); ``None`` when
    neither tells."""
    values: set[str] = set()
    for tree in (rule.conditions, *(t.get("conditions") for t in rule.tracks)):
        if tree is None:
            continue
        for leaf in tree.leaves():
            if leaf.attribute == "entity_type" and leaf.operator == "in":
                v = leaf.value
                values.update(map(str, v if isinstance(v, (list, tuple, set)) else [v]))
    if not values:
        if text:
            from huiqi.rules.beneficiary import classify_beneficiary

            return classify_beneficiary(text)
        return None
    if values <= {PERSON}:
        return "个人"
    if values <= {GOVERNMENT}:
        return "政府部门"
    return "企业"


# --------------------------------------------------------------------------
# extraction


def clause_rows(session: Session) -> list[dict]:
    """Current clauses of documents of :data:`DOCUMENT_KINDS` as
    :func:`huiqi.kb.queries.list_policies` dicts, with ``document.kind``."""
    kinds = dict(session.execute(
        select(Document.id, Document.kind)
        .join(SourceFile, Document.source_file_id == SourceFile.id)
        .where(SourceFile.is_current.is_(True))
    ).all())
    rows = []
    for row in list_policies(session):
        kind = kinds.get(row["document"]["id"])
        if kind in DOCUMENT_KINDS:
            row["document"]["kind"] = kind
            rows.append(row)
    return rows


def clause_rows_of(session: Session, document_id: int) -> list[dict]:
    """The :func:`clause_rows` of one document (its clauses in order, with
    ``document.kind``); empty for a document of another kind, of a file
    version that is not current, or hidden (draft, repealed)."""
    doc = session.execute(
        select(Document.kind, SourceFile.is_current)
        .join(SourceFile, Document.source_file_id == SourceFile.id)
        .where(Document.id == document_id)).first()
    if doc is None or doc[0] not in DOCUMENT_KINDS or not doc[1]:
        return []
    rows = list_policies(session, doc_id=document_id)
    for row in rows:
        row["document"]["kind"] = doc[0]
    return rows


def extract_rule(clause: Mapping) -> tuple[Rule, list[str]]:
    """The extracted :class:`Rule` of one clause mapping (a
    :func:`clause_rows` dict) and the problems met: one Chinese line per
    extractor that failed (its part then stays empty); never raises."""
    from huiqi.rules import benefits, conditions, stacking  # heavy patterns: only when extracting

    found: dict[str, Any] = {}
    problems: list[str] = []
    for what, name, fn in (("条件", "conditions", conditions.extract_conditions),
                           ("金额", "benefit", benefits.extract_benefit),
                           ("叠加规则", "stacking", stacking.extract_stacking)):
        try:
            found[name] = fn(clause)
        except Exception as exc:  # one bad clause must not stop the others
            problems.append(f"条款 {clause.get('id')}：{what}抽取失败（{type(exc).__name__}: {exc}）")
    rule = Rule(clause["key"], conditions=found.get("conditions"), benefit=found.get("benefit"),
                stacking=found.get("stacking"), origin="extracted")
    return rule, problems


@dataclass
class SyncReport:
    """What :func:`sync_extracted` did: ``written`` new extracted versions,
    ``retired`` versions of older extraction code, ``attached`` versions
    re-attached to the current clause of their key, ``problems`` (Chinese
    lines, one per failed extractor)."""

    written: int = 0
    retired: int = 0
    attached: int = 0
    problems: list[str] = field(default_factory=list)


def scope_keys(source_file_ids: Collection[int]) -> Select:
    """A SELECT of the clause keys an ingest of the source files
    ``source_file_ids`` can change the rules of: the keys of their clauses
    and of the clauses of the versions they superseded (``superseded_by_id``;
    those may have lost their current clause)."""
    ids = sorted(set(source_file_ids))
    return (select(Clause.key).join(Document, Clause.document_id == Document.id)
            .join(SourceFile, Document.source_file_id == SourceFile.id)
            .where(or_(SourceFile.id.in_(ids), SourceFile.superseded_by_id.in_(ids))))


def _current_keys(session: Session, scope: Select | None = None) -> list[tuple[str, int, int, str]]:
    """``(clause key, clause id, document id, document kind)`` of the clauses
    of :func:`clause_rows`, in the same order, without their texts and
    facts (one narrow SELECT); with ``scope`` (:func:`scope_keys`) only
    those whose key it selects."""
    from huiqi.kb.lifecycle import hidden_document_ids

    stmt = (select(Clause.key, Clause.id, Document.id, Document.kind, SourceFile.name)
            .join(Document, Clause.document_id == Document.id)
            .join(SourceFile, Document.source_file_id == SourceFile.id)
            .where(SourceFile.is_current.is_(True), Document.kind.in_(DOCUMENT_KINDS),
                   Document.id.not_in(hidden_document_ids()))
            .order_by(SourceFile.name, SourceFile.version, Document.seq, Clause.seq))
    if scope is not None:
        stmt = stmt.where(Clause.key.in_(scope))
    rows = sorted(session.execute(stmt).all(), key=lambda r: r[4])  # file names in code-point order, as list_policies
    return [(key, int(cid), int(did), kind) for key, cid, did, kind, _name in rows]


def _rows_by_id(session: Session, ids: list[int], kinds: Mapping[int, str]) -> dict[int, dict]:
    """Clause mappings of the clauses ``ids`` with what rule extraction
    reads and nothing else: ``id``, ``key``, ``text``, ``path``, ``fields``,
    ``amounts`` and ``document`` ({id, title, level, region, kind}; the
    kind from ``kinds``: document id → kind). Read as plain tuples in
    batches of 500 ids (two narrow SELECTs each), without the clause's
    other facts (units, validity, contacts: never decoded)."""
    out: dict[int, dict] = {}
    docs: dict[int, tuple] = {}
    for k in range(0, len(ids), 500):
        rows = session.execute(
            select(Clause.id, Clause.key, Clause.document_id, Clause.path, Clause.text, Clause.fields, Clause.amounts)
            .where(Clause.id.in_(ids[k:k + 500]))).all()
        need = {r[2] for r in rows} - docs.keys()
        if need:
            for did, title, level, region in session.execute(
                    select(Document.id, Document.title, Document.level, Document.region)
                    .where(Document.id.in_(sorted(need)))):
                docs[did] = (title, level, region)
        for cid, key, did, path, text, fields, amounts in rows:
            title, level, region = docs[did]
            out[cid] = {"id": cid, "key": key, "text": text, "path": list(path or []), "fields": dict(fields or {}),
                        "amounts": list(amounts or []),
                        "document": {"id": did, "title": title, "level": level, "region": region,
                                     "kind": kinds.get(did)}}
    return out


def sync_extracted(session: Session, rows: list[dict] | None = None,
                   source_file_ids: Collection[int] | None = None) -> SyncReport:
    """Make every current clause have a published ``extracted`` version of
    the current :func:`extractor_version`: extract the clauses that lack
    one (older versions of the key are retired) and point ``clause_id`` of
    every version at the current clause of its key (``None`` when no
    current clause has the key any more: an orphan). Runs in the caller's
    transaction; ``rows`` defaults to :func:`clause_rows` (then only the
    clauses to extract are read in full). New versions are written with
    one bulk INSERT.

    With ``source_file_ids`` (the files an ingest has just written) only
    the keys of :func:`scope_keys` are looked at, so an upload costs what
    its own clauses cost, not the library's; clauses outside it that still
    lack a rule (after an extractor upgrade) are left to the next full sync
    (:func:`needs_sync`, which the calculator checks before loading)."""
    rep = SyncReport()
    ver = extractor_version()
    scope = scope_keys(source_file_ids) if source_file_ids is not None and rows is None else None
    published = select(RuleVersion.clause_key).where(RuleVersion.origin == "extracted",
                                                     RuleVersion.status == "published",
                                                     RuleVersion.extractor == ver)
    if scope is not None:
        published = published.where(RuleVersion.clause_key.in_(scope))
    have = {k for (k,) in session.execute(published)}
    if rows is None:
        keys = _current_keys(session, scope)
        current = {key: cid for key, cid, _d, _k in keys}
        first: dict[str, int] = {}
        for key, cid, _d, _k in keys:
            if key not in have and key not in first:
                first[key] = cid
        full = _rows_by_id(session, sorted(first.values()), {d: k for _key, _c, d, k in keys})
        todo = {key: full[cid] for key, cid in first.items() if cid in full}
    else:
        current = {row["key"]: row["id"] for row in rows}
        todo = {}
        for row in rows:
            if row["key"] not in have and row["key"] not in todo:
                todo[row["key"]] = row
    if todo:
        top = dict(session.execute(
            select(RuleVersion.clause_key, func.max(RuleVersion.version))
            .where(RuleVersion.origin == "extracted", RuleVersion.clause_key.in_(list(todo)))
            .group_by(RuleVersion.clause_key)).all()) if len(todo) < 900 else dict(session.execute(
                select(RuleVersion.clause_key, func.max(RuleVersion.version))
                .where(RuleVersion.origin == "extracted").group_by(RuleVersion.clause_key)).all())
        res = session.execute(
            update(RuleVersion)
            .where(RuleVersion.origin == "extracted", RuleVersion.status == "published",
                   RuleVersion.clause_key.in_(list(todo)))
            .values(status="retired", updated_at=_now(), lock_version=RuleVersion.lock_version + 1)
            .execution_options(synchronize_session=False))
        rep.retired = res.rowcount or 0
        now = _now()
        added = []
        for key, row in todo.items():
            rule, problems = extract_rule(row)
            rep.problems.extend(problems)
            added.append({
                "clause_key": key, "clause_id": row["id"], "version": (top.get(key) or 0) + 1,
                "origin": "extracted", "status": "published", "title": _title(row),
                "beneficiary": beneficiary_of(rule, row.get("text")), "body": rule_body(rule),
                "extractor": ver, "source": None, "author": EXTRACTOR_AUTHOR, "reviewer": None,
                "note": None, "created_at": now, "updated_at": now, "lock_version": 1})
        table = RuleVersion.__table__  # Core executemany: the ORM would split the rows by their None columns
        session.execute(insert(table), added)  # no RETURNING: a plain executemany, the ids read back below
        ids = _new_ids(session, ver, list(todo))
        rep.written = len(ids)
        enqueue_screen(session, versions=ids, reason="rules")  # push (精准推送), same transaction
    rep.attached = attach_clauses(session, current, scope)
    if rep.written or rep.retired or rep.attached:
        record_change(session, KIND_RULES, "extracted",
                      detail={"written": rep.written, "retired": rep.retired, "attached": rep.attached})
    return rep


def _new_ids(session: Session, ver: str, keys: list[str]) -> list[int]:
    """Ids of the published extracted versions of extractor ``ver`` for the
    clause ``keys``, ascending: right after :func:`sync_extracted` has
    retired every other published extracted version of those keys, the
    versions it has just written (one per key). Few keys are looked up by
    key, many by reading every published extracted version of ``ver``."""
    base = select(RuleVersion.id, RuleVersion.clause_key).where(
        RuleVersion.origin == "extracted", RuleVersion.status == "published", RuleVersion.extractor == ver)
    if len(keys) < 900:
        return sorted(vid for vid, _key in session.execute(base.where(RuleVersion.clause_key.in_(keys))))
    wanted = set(keys)
    return sorted(vid for vid, key in session.execute(base) if key in wanted)


def needs_sync(session: Session) -> bool:
    """Whether some current clause (of :data:`DOCUMENT_KINDS`) has no
    published extracted version of the current :func:`extractor_version`
    (one query)."""
    stored = select(RuleVersion.clause_key).where(
        RuleVersion.origin == "extracted", RuleVersion.status == "published",
        RuleVersion.extractor == extractor_version())
    q = (select(Clause.id).join(Document, Clause.document_id == Document.id)
         .join(SourceFile, Document.source_file_id == SourceFile.id)
         .where(SourceFile.is_current.is_(True), Document.kind.in_(DOCUMENT_KINDS),
                Clause.key.not_in(stored)).limit(1))
    return session.execute(q).first() is not None


def attach_clauses(session: Session, current: Mapping[str, int], scope: Select | None = None) -> int:
    """Point ``clause_id`` of every rule version at the current clause of
    its key (``current``: key → clause id), ``None`` for keys without one;
    with ``scope`` (:func:`scope_keys`) only the versions of the keys it
    selects. Returns how many versions changed (read with one narrow
    SELECT, changed with one batched UPDATE; the optimistic-lock version is
    not bumped)."""
    table = RuleVersion.__table__
    live = select(RuleVersion.id, RuleVersion.clause_key, RuleVersion.clause_id).where(RuleVersion.status != "retired")
    if scope is not None:
        live = live.where(RuleVersion.clause_key.in_(scope))
    changes = [{"vid": vid, "cid": current.get(key)} for vid, key, cid in session.execute(live)
               if cid != current.get(key)]
    if changes:
        session.execute(update(table).where(table.c.id == bindparam("vid")).values(clause_id=bindparam("cid")),
                        changes)
    return len(changes)


def _title(row: Mapping) -> str:
    doc = (row.get("document") or {}).get("title") or ""
    path = row.get("path") or []
    return " › ".join(x for x in (doc, *(path[-1:])) if x)[:200]


# --------------------------------------------------------------------------
# reviewed rules


@dataclass
class ImportReport:
    """What :func:`import_reviewed` did: ``added`` new published reviewed
    versions, ``unchanged`` rules identical to their published version,
    ``retired`` versions replaced, ``errors`` (Chinese lines naming file and
    YAML path, from the loader)."""

    added: int = 0
    unchanged: int = 0
    retired: int = 0
    errors: list[str] = field(default_factory=list)
    #: ids of the versions written (screened for push by :mod:`huiqi.services.push`)
    version_ids: list[int] = field(default_factory=list)


def _comparable(body: Mapping) -> dict:
    return {k: v for k, v in body.items() if k != "title"}


def import_reviewed(session: Session, report: RulesReport, author: str = "", reviewer: str = "") -> ImportReport:
    """Store the rules of a loaded reviewed-rule report
    (:func:`huiqi.rules.reviewed.load_reviewed_rules_report`) as published
    ``reviewed`` versions. A rule equal to the key's published reviewed
    version is left alone; otherwise a new version is written and the old
    one retired. ``author`` and ``reviewer`` default to the file imported
    (reviewed-rule files are reviewed in git). Runs in the caller's
    transaction."""
    out = ImportReport(errors=list(report.errors))
    now = _now()
    current = {v.clause_key: v for v in session.scalars(
        select(RuleVersion).where(RuleVersion.origin == "reviewed", RuleVersion.status == "published"))}
    top = dict(session.execute(select(RuleVersion.clause_key, func.max(RuleVersion.version))
                               .where(RuleVersion.origin == "reviewed").group_by(RuleVersion.clause_key)).all())
    clause_of = dict(session.execute(
        select(Clause.key, Clause.id).join(Document, Clause.document_id == Document.id)
        .join(SourceFile, Document.source_file_id == SourceFile.id).where(SourceFile.is_current.is_(True))).all())
    written: list[RuleVersion] = []
    for e in report.entries:
        key = e.rule.clause_key
        body = rule_body(e.rule, e.excerpt, e.cases, e.beneficiary)
        old = current.get(key)
        if old is not None and _comparable(old.body) == _comparable(body):
            out.unchanged += 1
            continue
        if old is not None:
            old.status = "retired"
            old.updated_at = now
            out.retired += 1
        version = RuleVersion(
            clause_key=key, clause_id=clause_of.get(key), version=(top.get(key) or 0) + 1, origin="reviewed",
            status="published", title=e.rule.title or "", beneficiary=e.beneficiary or beneficiary_of(e.rule),
            body=body, source=e.file, author=author or f"导入：{e.file}", reviewer=reviewer or f"导入：{e.file}",
            created_at=now, updated_at=now)
        session.add(version)
        written.append(version)
        current[key] = version
        top[key] = version.version
        out.added += 1
    if written:
        session.flush()  # one flush: the new versions inserted in order, the replaced ones retired
        out.version_ids = [v.id for v in written]
    enqueue_screen(session, versions=out.version_ids, reason="rules")  # push (精准推送), same transaction
    if out.added:
        record_change(session, KIND_RULES, "imported", detail={"added": out.added, "retired": out.retired})
    return out


def published_rules(session: Session, keys: Iterable[str] | None = None
                    ) -> tuple[dict[str, Rule], dict[str, Rule], list[str]]:
    """``(extracted, reviewed, problems)``: the published rules by clause
    key of each origin (extracted ones of the current extractor only) and a
    Chinese line per stored body that could not be read; only those of
    ``keys`` when given."""
    ver = extractor_version()
    extracted: dict[str, Rule] = {}
    reviewed: dict[str, Rule] = {}
    problems: list[str] = []
    q = (select(RuleVersion.id, RuleVersion.clause_key, RuleVersion.origin, RuleVersion.body, RuleVersion.extractor)
         .where(RuleVersion.status == "published"))
    if keys is not None:
        q = q.where(RuleVersion.clause_key.in_(sorted(set(keys))))
    rows = session.execute(q)
    for vid, key, origin, body, extractor in rows:
        if origin == "extracted" and extractor != ver:
            continue
        try:
            rule = rule_from_body(key, origin, body)
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(f"规则版本 {vid}（{key[:8]}）无法读取：{exc}")
            continue
        (reviewed if origin == "reviewed" else extracted)[key] = rule
    return extracted, reviewed, problems


def published_beneficiaries(session: Session, keys: Iterable[str] | None = None) -> dict[str, str]:
    """``{clause key: beneficiary}`` of the published versions (受益对象:
    企业 / 个人 / 园区/平台 / 政府部门 / 金融机构 / 其他): the reviewed
    version's where it states one, else the extracted version's (current
    extractor). Keys without a beneficiary are absent; only ``keys`` when given."""
    ver = extractor_version()
    out: dict[str, str] = {}
    q = (select(RuleVersion.clause_key, RuleVersion.origin, RuleVersion.beneficiary, RuleVersion.extractor)
         .where(RuleVersion.status == "published", RuleVersion.beneficiary.is_not(None)))
    if keys is not None:
        q = q.where(RuleVersion.clause_key.in_(sorted(set(keys))))
    rows = session.execute(q)
    for key, origin, ben, extractor in sorted(rows, key=lambda r: r[1] == "reviewed"):
        if origin == "extracted" and extractor != ver:
            continue
        out[key] = ben  # reviewed rows come last and win
    return out


def rules_fingerprint(session: Session) -> str:
    """Changes whenever a rule version is written or changes status: count,
    largest id, latest update and the sum of the optimistic-locking counters
    (which every update raises, even two within one second)."""
    n, top, last, locks = session.execute(
        select(func.count(RuleVersion.id), func.max(RuleVersion.id), func.max(RuleVersion.updated_at),
               func.sum(RuleVersion.lock_version))).one()
    return f"rules={n}:{top}:{last}:{locks}"


def list_versions(session: Session, status: str | None = None, origin: str | None = None,
                  ids: Iterable[int] | None = None) -> list[RuleVersion]:
    """Rule versions filtered by ``status`` and ``origin`` (``None`` = any),
    ordered by clause key, origin and version. Raises ``ValueError`` for an
    unknown status or origin."""
    q = select(RuleVersion)
    if status is not None:
        if status not in RULE_STATUSES:
            raise ValueError(f"未知状态：{status}（可用：{'、'.join(RULE_STATUSES)}）")
        q = q.where(RuleVersion.status == status)
    if origin is not None:
        if origin not in ORIGINS:
            raise ValueError(f"未知来源：{origin}（可用：{'、'.join(ORIGINS)}）")
        q = q.where(RuleVersion.origin == origin)
    if ids is not None:
        q = q.where(RuleVersion.id.in_(list(ids)))
    return list(session.scalars(q.order_by(RuleVersion.clause_key, RuleVersion.origin, RuleVersion.version)))


def export_reviewed(session: Session, out_dir: Path) -> list[Path]:
    """Write the published reviewed versions to ``out_dir`` in the
    reviewed-rule YAML format (one file per source file name, else
    ``reviewed.yaml``), sorted by clause key so files diff well in git.
    Returns the files written."""
    import yaml

    groups: dict[str, list[dict]] = {}
    for v in list_versions(session, status="published", origin="reviewed"):
        d = {"clause_key": v.clause_key, **v.body}
        if v.title and "title" not in d:
            d["title"] = v.title
        name = Path(v.source).name if v.source else "reviewed.yaml"
        groups.setdefault(name, []).append(d)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rules in sorted(groups.items()):
        path = out_dir / name
        path.write_text(yaml.safe_dump({"rules": rules}, allow_unicode=True, sort_keys=False, width=120),
                        encoding="utf-8")
        written.append(path)
    return written


def rekey_version(session: Session, version: RuleVersion, clause: Clause, author: str) -> RuleVersion:
    """Move a reviewed rule to the clause ``clause`` (its text was edited,
    so its key changed): a new published reviewed version under the new key
    with the same body, the old version retired. Raises ``ValueError`` when
    ``version`` is not a reviewed version."""
    if version.origin != "reviewed":
        raise ValueError(f"规则版本 {version.id} 不是审核规则，无需重新挂接")
    now = _now()
    top = session.scalar(select(func.max(RuleVersion.version)).where(
        RuleVersion.clause_key == clause.key, RuleVersion.origin == "reviewed")) or 0
    for old in session.scalars(select(RuleVersion).where(
            RuleVersion.clause_key == clause.key, RuleVersion.origin == "reviewed",
            RuleVersion.status == "published")):
        old.status, old.updated_at = "retired", now
    version.status, version.updated_at = "retired", now
    new = RuleVersion(
        clause_key=clause.key, clause_id=clause.id, version=top + 1, origin="reviewed", status="published",
        title=version.title, beneficiary=version.beneficiary, body=dict(version.body or {}),
        source=version.source, author=author, reviewer=version.reviewer,
        note=f"由规则版本 {version.id}（键 {version.clause_key[:8]}…）重新挂接", created_at=now, updated_at=now)
    session.add(new)
    session.flush()
    enqueue_screen(session, versions=[new.id], reason="rules")  # push (精准推送), same transaction
    record_change(session, KIND_RULES, "rekeyed", rule_version_id=new.id, detail={"from": version.id})
    return new

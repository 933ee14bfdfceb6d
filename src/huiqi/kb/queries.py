"""Read-side queries producing the CLI's JSON contracts.

Shapes (all plain JSON-ready dicts; dates as ISO strings, money in yuan 元):

* document (``list_documents``): ``id, title, issuer, level, region,
  doc_number, issued, source_file, kind, has_body, clause_count,
  source{file, start_line, end_line}`` plus ``version`` (within the logical
  document), ``is_current``, ``lineage`` (id of the logical document's first
  file version), ``superseded`` (bool) and ``superseded_by_file`` (id of the
  file version that replaced it), ``context,
  validity{start, end, basis, relative}, supersedes, cited``; ``get_document``
  adds ``superseded_by_documents`` [{id, title}] of the newer version;
* clause (``list_policies``): ``id, key, document{id, title, issuer, level,
  region, doc_number, issued, source_file}, path, kind, text,
  source{file, start_line, end_line}, responsible_units, amounts, rates,
  thresholds, validity, contacts, fields, doc_numbers, cited``.

Line numbers are 1-based lines of the original file, inclusive.
"""

from __future__ import annotations

import json
from datetime import date

import orjson
from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from huiqi.kb.models import Clause, ClauseUnit, Document, Node, SourceFile


#: Largest id the integer primary keys hold on every back end (PostgreSQL
#: ``integer`` is 32-bit); a larger id names no row.
MAX_ID = 2**31 - 1


def valid_id(value: int | None) -> bool:
    """True when ``value`` can be the id of a row (1 … :data:`MAX_ID`).

    Look-ups by a larger or non-positive id answer "not found" instead of
    sending it to the database, where PostgreSQL fails with "integer out of
    range" and SQLite with an overflow beyond 64 bits."""
    return value is not None and 0 < value <= MAX_ID


def document_exists(session: Session, doc_id: int) -> bool:
    """True when a document (文件) with id ``doc_id`` exists (any version)."""
    return valid_id(doc_id) and session.get(Document, doc_id) is not None


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _doc_brief(doc: Document, file_name: str) -> dict:
    """The ``document`` object embedded in each clause."""
    return {
        "id": doc.id,
        "title": doc.title,
        "issuer": doc.issuer,
        "level": doc.level,
        "region": doc.region,
        "doc_number": doc.doc_number,
        "issued": _iso(doc.issued),
        "source_file": file_name,
    }


#: Version within the logical document (lineage); rows from before the lineage columns use ``version``.
_VERSION = func.coalesce(SourceFile.lineage_version, SourceFile.version)
_LINEAGE = func.coalesce(SourceFile.lineage_id, SourceFile.id)


def _doc_dict(doc: Document, file_name: str, version: int, is_current: bool, n_clauses: int,
              lineage: int | None = None, superseded_by: int | None = None) -> dict:
    d = _doc_brief(doc, file_name)
    d.update(
        {
            "kind": doc.kind,
            "has_body": bool(doc.has_body),
            "clause_count": int(n_clauses),
            "source": {"file": file_name, "start_line": doc.start_line, "end_line": doc.end_line},
            "version": version,
            "is_current": bool(is_current),
            "lineage": lineage,
            "superseded": superseded_by is not None,
            "superseded_by_file": superseded_by,
            "context": list(doc.context or []),
            "validity": {
                "start": _iso(doc.validity_start),
                "end": _iso(doc.validity_end),
                "basis": doc.validity_basis,
                "relative": doc.validity_relative,
            },
            "supersedes": list(doc.supersedes or []),
            "cited": list(doc.cited or []),
        }
    )
    return d


def _clause_dict(c: Clause, doc: Document, file_name: str) -> dict:
    return {
        "id": c.id,
        "key": c.key,
        "document": _doc_brief(doc, file_name),
        "path": list(c.path or []),
        "kind": c.kind,
        "text": c.text,
        "source": {"file": file_name, "start_line": c.start_line, "end_line": c.end_line},
        "responsible_units": list(c.responsible_units or []),
        "amounts": list(c.amounts or []),
        "rates": list(c.rates or []),
        "thresholds": list(c.thresholds or []),
        "validity": dict(c.validity or {}),
        "contacts": list(c.contacts or []),
        "fields": dict(c.fields or {}),
        "doc_numbers": list(c.doc_numbers or []),
        "cited": list(c.cited or []),
    }


def _by_file_name(rows: list, name_of) -> list:
    """``rows`` (already ordered by file name, version, position in SQL)
    stably re-sorted by file name in code-point order. ORDER BY on text
    follows the database's collation: SQLite compares code points, but a
    PostgreSQL database created with a locale collation (en_US.UTF-8, zh_CN,
    ICU …) puts ``a.txt`` before ``B.txt`` and ``_x`` before ``001``; the
    listing must not depend on that."""
    return sorted(rows, key=name_of)


def _clause_counts():
    return (
        select(Clause.document_id, func.count(Clause.id).label("n"))
        .group_by(Clause.document_id)
        .subquery()
    )


def _visible(stmt, include_hidden: bool):
    """``stmt`` without draft and repealed documents (officer workspace,
    :mod:`huiqi.kb.lifecycle`) unless ``include_hidden``."""
    if include_hidden:
        return stmt
    from huiqi.kb.lifecycle import hidden_document_ids

    return stmt.where(Document.id.not_in(hidden_document_ids()))


def list_documents(session: Session, current_only: bool = True, include_hidden: bool = False) -> list[dict]:
    """All documents (of current file versions only, by default), ordered by
    file name, version and position in the file. Draft and repealed
    documents are left out unless ``include_hidden`` (officer workspace).
    See the module docstring for the dict shape."""
    counts = _clause_counts()
    stmt = (
        select(Document, SourceFile.name, _VERSION, SourceFile.is_current, counts.c.n, _LINEAGE,
               SourceFile.superseded_by_id)
        .join(SourceFile, Document.source_file_id == SourceFile.id)
        .outerjoin(counts, counts.c.document_id == Document.id)
        .order_by(SourceFile.name, SourceFile.version, Document.seq)
    )
    if current_only:
        stmt = stmt.where(SourceFile.is_current.is_(True))
    stmt = _visible(stmt, include_hidden)
    rows = _by_file_name(session.execute(stmt).all(), lambda r: r[1])
    return [_doc_dict(d, name, ver, cur, n or 0, lin, sup) for d, name, ver, cur, n, lin, sup in rows]


def list_policies(
    session: Session,
    doc_id: int | None = None,
    current_only: bool = True,
    unit: str | None = None,
    include_hidden: bool = False,
) -> list[dict]:
    """Clauses (条款) as JSON dicts, ordered by file, document and position.

    ``doc_id`` restricts to one document (of any version — an explicit id is
    honoured even for an old version); otherwise only current file versions
    are listed unless ``current_only`` is false. ``unit`` restricts to
    clauses whose responsible units (责任单位) include exactly that name.
    Clauses of draft and repealed documents are left out (so search, the
    calculator and screening never see them) unless ``include_hidden``.
    """
    stmt = (
        select(Clause, Document, SourceFile.name)
        .join(Document, Clause.document_id == Document.id)
        .join(SourceFile, Document.source_file_id == SourceFile.id)
        .order_by(SourceFile.name, SourceFile.version, Document.seq, Clause.seq)
    )
    if doc_id is not None:
        if not valid_id(doc_id):
            return []
        stmt = stmt.where(Clause.document_id == doc_id)
    elif current_only:
        stmt = stmt.where(SourceFile.is_current.is_(True))
    if unit is not None:
        stmt = stmt.where(
            Clause.id.in_(select(ClauseUnit.clause_id).where(ClauseUnit.unit == unit))
        )
    stmt = _visible(stmt, include_hidden)
    rows = _by_file_name(session.execute(stmt).all(), lambda r: r[2])
    return [_clause_dict(c, d, name) for c, d, name in rows]


def get_clause(session: Session, clause_id: int, include_hidden: bool = False) -> dict | None:
    """One clause by id (any version) with ``original_lines``: the original
    file lines it cites, as ``[{"line": n, "text": str}]``; ``None`` when
    unknown or (unless ``include_hidden``) of a draft or repealed document."""
    if not valid_id(clause_id):
        return None
    row = session.execute(_visible(
        select(Clause, Document, SourceFile)
        .join(Document, Clause.document_id == Document.id)
        .join(SourceFile, Document.source_file_id == SourceFile.id)
        .where(Clause.id == clause_id), include_hidden)
    ).first()
    if row is None:
        return None
    c, d, sf = row
    out = _clause_dict(c, d, sf.name)
    out["original_lines"] = original_lines(sf, c.start_line, c.end_line)
    return out


def original_lines(sf: SourceFile, start: int | None, end: int | None) -> list[dict]:
    """Original lines ``start..end`` (1-based, inclusive) of a stored file
    version as ``[{"line": n, "text": str}]`` (empty when unknown)."""
    if start is None or end is None:
        return []
    lines = sf.text.split("\n")
    return [{"line": i, "text": lines[i - 1]} for i in range(start, min(end, len(lines)) + 1)]


def get_document(session: Session, doc_id: int, include_hidden: bool = False) -> dict | None:
    """One document by id (any version): the :func:`list_documents` dict plus
    ``nodes`` — its heading tree as nested ``{id, kind, role, label, heading,
    field, start_line, end_line, clause_id, children}`` — and ``clauses`` (the
    :func:`list_policies` dicts of its clauses). ``None`` when unknown or
    (unless ``include_hidden``) a draft or repealed document."""
    if not valid_id(doc_id):
        return None
    row = session.execute(_visible(
        select(Document, SourceFile.name, _VERSION, SourceFile.is_current, _LINEAGE, SourceFile.superseded_by_id)
        .join(SourceFile, Document.source_file_id == SourceFile.id)
        .where(Document.id == doc_id), include_hidden)
    ).first()
    if row is None:
        return None
    doc, name, ver, cur, lineage, sup = row
    clauses = list_policies(session, doc_id=doc_id, include_hidden=include_hidden)
    out = _doc_dict(doc, name, ver, cur, len(clauses), lineage, sup)
    # the documents of the version that superseded this one (新版本)
    out["superseded_by_documents"] = [
        {"id": i, "title": t}
        for i, t in session.execute(
            select(Document.id, Document.title).where(Document.source_file_id == sup).order_by(Document.seq)
        )
    ] if sup is not None else []
    clause_of_node = dict(
        session.execute(
            select(Clause.node_id, Clause.id).where(
                Clause.document_id == doc_id, Clause.node_id.is_not(None)
            )
        ).all()
    )
    nodes = session.scalars(select(Node).where(Node.document_id == doc_id).order_by(Node.seq)).all()
    by_id: dict[int, dict] = {}
    roots: list[dict] = []
    for n in nodes:  # pre-order: a parent always precedes its children
        item = {
            "id": n.id,
            "kind": n.kind,
            "role": n.role,
            "label": n.label,
            "heading": n.heading,
            "field": n.field,
            "start_line": n.start_line,
            "end_line": n.end_line,
            "clause_id": clause_of_node.get(n.id),
            "children": [],
        }
        by_id[n.id] = item
        parent = by_id.get(n.parent_id) if n.parent_id is not None else None
        (parent["children"] if parent is not None else roots).append(item)
    out["nodes"] = roots
    out["clauses"] = clauses
    return out


# --- for the incremental search index (huiqi.search.index) -----------------


def current_clause_rows(session: Session) -> list[tuple[int, str, int]]:
    """``(clause id, clause key, document id)`` of every clause of current
    file versions, draft and repealed documents left out: what the search
    index must hold. One narrow SELECT (no clause text)."""
    stmt = _visible(
        select(Clause.id, Clause.key, Clause.document_id)
        .join(Document, Clause.document_id == Document.id)
        .join(SourceFile, Document.source_file_id == SourceFile.id)
        .where(SourceFile.is_current.is_(True)), False)
    return [(int(i), str(k), int(d)) for i, k, d in session.execute(stmt)]


def current_clause_ids(session: Session) -> list[int]:
    """The ids of :func:`current_clause_rows`, ascending (ids only: what a
    full build of the search index reads first)."""
    stmt = _visible(
        select(Clause.id)
        .join(Document, Clause.document_id == Document.id)
        .join(SourceFile, Document.source_file_id == SourceFile.id)
        .where(SourceFile.is_current.is_(True)), False).order_by(Clause.id)
    return list(session.scalars(stmt))


def document_signatures(session: Session) -> dict[int, str]:
    """``document id → text`` of the document fields a clause's search
    record copies (title, level, region, issue date, validity) for current
    visible documents: when it changes (metadata corrected by an officer)
    the document's clauses are indexed again."""
    stmt = _visible(
        select(Document.id, Document.title, Document.level, Document.region, Document.issued,
               Document.validity_start, Document.validity_end, Document.validity_basis,
               Document.validity_relative)
        .join(SourceFile, Document.source_file_id == SourceFile.id)
        .where(SourceFile.is_current.is_(True)), False)
    return {int(row[0]): "|".join("" if v is None else str(v) for v in row[1:]) for row in session.execute(stmt)}


def _columns(model) -> list:
    """The mapped column attributes of ``model`` (rows then read like its objects: ``row.text``)."""
    return [getattr(model, c.key) for c in model.__table__.columns]


def clauses_by_ids(session: Session, ids: list[int]) -> list[tuple[dict, dict]]:
    """``(clause dict as in list_policies, document validity dict)`` of the
    clauses ``ids`` (any version, hidden documents included: the caller
    chose the ids), in ascending id order."""
    if not ids:
        return []
    # rows of column values, not ORM objects (the same values, no identity map
    # to fill): the search index and the rule sync read every new clause here
    rows = session.execute(
        select(*_columns(Clause), SourceFile.name.label("file_name"))
        .join(Document, Clause.document_id == Document.id)
        .join(SourceFile, Document.source_file_id == SourceFile.id)
        .where(Clause.id.in_(list(ids))).order_by(Clause.id)
    ).all()
    doc_ids = sorted({r.document_id for r in rows})
    docs = {d.id: d for d in session.execute(select(*_columns(Document)).where(Document.id.in_(doc_ids)))}
    out = []
    for r in rows:
        d = docs[r.document_id]
        out.append((_clause_dict(r, d, r.file_name), {"start": _iso(d.validity_start), "end": _iso(d.validity_end),
                                                      "basis": d.validity_basis, "relative": d.validity_relative}))
    return out


#: Clause columns the search record needs (:func:`huiqi.search.clause_text.clause_record`):
#: plain ones, then the JSON ones (read as text, decoded together).
_RECORD_COLUMNS = ("id", "key", "kind", "document_id", "text", "start_line", "end_line")
_RECORD_JSON_COLUMNS = ("path", "validity", "responsible_units", "fields", "contacts", "amounts")
_RECORD_DOC_COLUMNS = ("id", "title", "issuer", "level", "region", "doc_number", "issued",
                       "validity_start", "validity_end", "validity_basis", "validity_relative")


def _json_values(texts) -> list:
    """The values of several JSON column texts (SQL ``NULL``: ``None``), in
    one decoding (a row's six small documents as one array; ``orjson``, the
    same values as ``json.loads``)."""
    try:
        doc = "[" + ",".join(texts) + "]"
    except TypeError:  # a NULL
        doc = "[" + ",".join("null" if t is None else t for t in texts) + "]"
    try:
        return orjson.loads(doc)
    except orjson.JSONDecodeError:  # NaN or Infinity (json.dumps writes them, orjson reads no such token)
        return json.loads(doc)


def clause_records_by_ids(session: Session, ids: list[int]) -> list[tuple[dict, dict]]:
    """As :func:`clauses_by_ids`, with only what a search record reads:
    the clause dicts lack ``rates``, ``thresholds``, ``doc_numbers`` and
    ``cited`` (their JSON is never decoded). Rows are read as plain tuples
    of the tables' columns (no ORM loading), the JSON columns as their text,
    decoded by one ``json.loads`` per row; for the search index's builds,
    which read every new clause."""
    if not ids:
        return []
    clause, document, source = Clause.__table__.c, Document.__table__.c, SourceFile.__table__.c
    rows = session.execute(
        select(*(clause[c] for c in _RECORD_COLUMNS), *(cast(clause[c], Text) for c in _RECORD_JSON_COLUMNS),
               source.name)
        .join(Document.__table__, clause.document_id == document.id)
        .join(SourceFile.__table__, document.source_file_id == source.id)
        .where(clause.id.in_(list(ids))).order_by(clause.id)
    ).all()
    doc_ids = sorted({r[3] for r in rows})
    docs = {}
    for d in session.execute(select(*(document[c] for c in _RECORD_DOC_COLUMNS)).where(document.id.in_(doc_ids))):
        did, title, issuer, level, region, number, issued, v_start, v_end, basis, relative = d
        docs[did] = ({"id": did, "title": title, "issuer": issuer, "level": level, "region": region,
                      "doc_number": number, "issued": _iso(issued)},
                     {"start": _iso(v_start), "end": _iso(v_end), "basis": basis, "relative": relative})
    out = []
    for cid, key, kind, did, text, start, end, *js, name in rows:
        path, validity, units, fields, contacts, amounts = _json_values(js)
        brief, doc_validity = docs[did]
        # the decoded values are new objects: used as they are
        out.append(({"id": cid, "key": key, "document": dict(brief, source_file=name), "path": path or [],
                     "kind": kind, "text": text, "source": {"file": name, "start_line": start, "end_line": end},
                     "responsible_units": units or [], "amounts": amounts or [],
                     "validity": validity or {}, "contacts": contacts or [],
                     "fields": fields or {}}, doc_validity))
    return out

"""Policy-library lifecycle (政策库维护): document status, metadata
corrections, 解读 and the lifecycle board.

:class:`DocumentMeta` (one row per document that an officer touched or
uploaded; a document without a row is ``published``, as every document of
the bundled corpus):

* ``status`` — ``draft`` (草稿: uploaded, visible to officers only),
  ``published`` (已发布) or ``repealed`` (已废止). Drafts and repealed
  documents are left out of search, the calculator, screening and the
  public pages: :func:`hidden_document_ids` is the one filter
  :mod:`huiqi.kb.queries` applies;
* ``version`` — optimistic lock: every change increments it, an edit that
  names an older version is refused (:class:`StaleEdit`, HTTP 409);
* ``scope_region`` — the division code that decides which officers may
  see and edit the document (its region, or the uploader's scope when the
  extracted region was unknown or outside it);
* ``superseded_by_id`` — the document that replaces this one (废止/替代);
* ``extracted`` — the values extraction gave, saved before the first
  correction, so the edit page can show both.

:class:`Interpretation` (解读): text, a link or a stored file attached to a
document; clause pages link to them.

Dates are ``datetime.date``; ISO strings in JSON.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from huiqi.kb.models import Base, Clause, Document, SourceFile

STATUS_DRAFT = "draft"
STATUS_PUBLISHED = "published"
STATUS_REPEALED = "repealed"
STATUSES = (STATUS_DRAFT, STATUS_PUBLISHED, STATUS_REPEALED)
STATUS_LABELS = {STATUS_DRAFT: "草稿", STATUS_PUBLISHED: "已发布", STATUS_REPEALED: "已废止"}
#: statuses whose documents search, the calculator and public pages leave out
HIDDEN_STATUSES = (STATUS_DRAFT, STATUS_REPEALED)

#: editable metadata fields, in the order of the edit form, with their labels
EDIT_FIELDS = {
    "title": "标题", "issuer": "发文机关", "level": "层级", "region": "地区", "doc_number": "发文字号",
    "issued": "印发日期", "validity_start": "有效期起", "validity_end": "有效期止",
    "supersedes": "废止/替代的文件", "superseded_by": "被以下文件替代",
}
_DATE_FIELDS = ("issued", "validity_start", "validity_end")
#: document levels (层级), top to bottom, as stored by the knowledge base
LEVELS = ("国家", "自治区", "盟市", "旗县")
#: clause validity basis written when a document's corrected validity is copied to its clauses
CORRECTED_BASIS = "文件有效期：经办人员更正"
INTERPRETATION_KINDS = {"text": "文字解读", "link": "链接", "file": "文件"}
#: document kinds the lifecycle board looks at
BOARD_KINDS = ("document", "guide")


class DocumentMeta(Base):
    """Lifecycle state of one document (see the module docstring)."""

    __tablename__ = "document_meta"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    scope_region: Mapped[str | None] = mapped_column(String(12))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    extracted: Mapped[Any] = mapped_column(JSON, nullable=True)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)


class Interpretation(Base):
    """A 解读 of a document: ``kind`` ``text`` (``body``), ``link`` (``url``)
    or ``file`` (``file_name``, stored under ``<derived dir>/interpretations``
    as ``stored_name``)."""

    __tablename__ = "interpretations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(Text)
    stored_name: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class LifecycleError(ValueError):
    """A user-facing error (one Chinese sentence; ``errors`` lists every
    problem of a form, ``status`` is the HTTP status: 404/409/422)."""

    def __init__(self, message: str, status: int = 422, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.errors = errors or [message]


class StaleEdit(LifecycleError):
    """The edit names an older ``version`` than the stored one (409)."""

    def __init__(self, current: int) -> None:
        super().__init__(f"该文件已被他人修改（当前版本 {current}），请刷新页面后重新编辑", 409)
        self.current = current


# ---------------------------------------------------------------- filters

def hidden_document_ids():
    """A SELECT of the ids of documents left out of public views (draft and
    repealed), for ``Document.id.not_in(...)``."""
    return select(DocumentMeta.document_id).where(DocumentMeta.status.in_(HIDDEN_STATUSES))


def revision(session: Session) -> str:
    """A mark that changes with every lifecycle change (publish, repeal,
    metadata edit): number of meta rows and the sum of their versions. Part
    of the search and calculator fingerprints so they reload."""
    n, total = session.execute(select(func.count(DocumentMeta.document_id),
                                      func.coalesce(func.sum(DocumentMeta.version), 0))).one()
    return f"meta={n}:{total}"


def is_hidden(session: Session, doc_id: int) -> bool:
    """Whether the document is a draft or repealed."""
    m = session.get(DocumentMeta, doc_id)
    return m is not None and m.status in HIDDEN_STATUSES


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def access_region(doc: Document, meta: DocumentMeta | None) -> str | None:
    """The division code deciding who may see the document in the officer
    workspace: ``meta.scope_region`` when set, else the code of the
    document's region (``None`` for national, unknown)."""
    from huiqi.kb.accounts import region_code

    if meta is not None and meta.scope_region:
        return meta.scope_region
    return region_code(doc.region)


def ensure_meta(session: Session, doc: Document) -> DocumentMeta:
    """The meta row of ``doc``, created as ``published`` (version 1) when
    missing."""
    m = session.get(DocumentMeta, doc.id)
    if m is None:
        m = DocumentMeta(document_id=doc.id, status=STATUS_PUBLISHED, version=1,
                         scope_region=access_region(doc, None), extracted=snapshot(doc))
        session.add(m)
        session.flush()
    return m


def snapshot(doc: Document, meta: DocumentMeta | None = None) -> dict:
    """The editable fields of a document as JSON-ready values."""
    return {"title": doc.title, "issuer": doc.issuer, "level": doc.level, "region": doc.region,
            "doc_number": doc.doc_number, "issued": _iso(doc.issued), "validity_start": _iso(doc.validity_start),
            "validity_end": _iso(doc.validity_end), "supersedes": list(doc.supersedes or []),
            "superseded_by": meta.superseded_by_id if meta is not None else None}


# ---------------------------------------------------------------- read

def officer_documents(session: Session, principal, include_hidden: bool = True) -> list[dict]:
    """Current documents (not front matter) the user may see (region scope,
    :meth:`Principal.sees`), as :func:`huiqi.kb.queries.list_documents`
    dicts plus ``status``, ``status_label``, ``meta_version``,
    ``scope_region``, ``superseded_by``, ``interpretations`` (count)."""
    from huiqi.kb.queries import list_documents

    metas = {m.document_id: m for m in session.scalars(select(DocumentMeta))}
    n_interp = dict(session.execute(select(Interpretation.document_id, func.count(Interpretation.id))
                                    .group_by(Interpretation.document_id)).all())
    docs = {d.id: d for d in session.scalars(select(Document).join(SourceFile).where(
        SourceFile.is_current.is_(True)))}
    out = []
    for d in list_documents(session, include_hidden=include_hidden):
        if d["kind"] == "front_matter":
            continue
        m = metas.get(d["id"])
        region = access_region(docs[d["id"]], m)
        if not principal.sees(region):
            continue
        status = m.status if m else STATUS_PUBLISHED
        d.update(status=status, status_label=STATUS_LABELS[status], meta_version=m.version if m else 0,
                 scope_region=region, superseded_by=m.superseded_by_id if m else None,
                 interpretations=n_interp.get(d["id"], 0))
        out.append(d)
    return out


def load_for(session: Session, principal, doc_id: int) -> tuple[Document, DocumentMeta | None]:
    """The document ``doc_id`` and its meta row when the user may see it.
    Raises :class:`LifecycleError` 404 when it does not exist or lies
    outside the user's region scope (the same answer, so ids of other
    regions are not revealed)."""
    doc = session.get(Document, doc_id)
    meta = session.get(DocumentMeta, doc_id) if doc is not None else None
    if doc is None or doc.kind == "front_matter" or not principal.sees(access_region(doc, meta)):
        raise LifecycleError(f"未找到 ID 为 {doc_id} 的文件（或不在您的管辖范围内）", 404)
    return doc, meta


def _compact(s: str) -> str:
    return re.sub(r"\s+", "", s or "")


def _date_forms(d: date) -> list[str]:
    return [f"{d.year}年{d.month}月{d.day}日", f"{d.year}年{d.month:02d}月{d.day:02d}日", d.isoformat(),
            f"{d.year}.{d.month}.{d.day}"]


def field_sources(session: Session, doc: Document, values: dict) -> dict[str, list[dict]]:
    """For each extracted value, the original lines of the document that
    contain it (whitespace ignored; dates in 2025年3月1日 / 2025-03-01
    forms): ``{field: [{"line": n, "text": str}]}`` with at most two lines
    per field, searched within the document's line range; validity also
    via the stored validity basis text."""
    sf = session.get(SourceFile, doc.source_file_id)
    lines = sf.text.split("\n") if sf else []
    lo = max(1, doc.start_line or 1)
    hi = min(len(lines), doc.end_line or len(lines))
    compact = [(i, _compact(lines[i - 1])) for i in range(lo, hi + 1)]

    def find(needles: list[str]) -> list[dict]:
        out = []
        for needle in needles:
            n = _compact(needle)[:40]
            if len(n) < 2:
                continue
            for i, text in compact:
                if n in text and all(o["line"] != i for o in out):
                    out.append({"line": i, "text": lines[i - 1]})
                    if len(out) >= 2:
                        return out
            if out:
                return out
        return out

    result: dict[str, list[dict]] = {}
    for f in ("title", "issuer", "doc_number", "region"):
        v = values.get(f)
        if v:
            result[f] = find([v])
    for f in _DATE_FIELDS:
        v = values.get(f)
        if v:
            try:
                result[f] = find(_date_forms(date.fromisoformat(v)))
            except ValueError:
                pass
    basis = doc.validity_basis or doc.validity_relative
    if basis:
        for f in ("validity_start", "validity_end"):
            if not result.get(f):
                result[f] = find([basis])
    for s in values.get("supersedes") or []:
        result.setdefault("supersedes", []).extend(find([s])[:1])
    return result


def document_detail(session: Session, principal, doc_id: int) -> dict:
    """The officer view of one document: the :func:`huiqi.kb.queries.get_document`
    dict (drafts included) plus ``status``, ``status_label``,
    ``meta_version``, ``current`` (editable values), ``extracted`` (values
    as extracted) and ``sources`` ({field: original lines}),
    ``interpretations`` (list), ``superseded_by``. Raises
    :class:`LifecycleError` 404 (see :func:`load_for`)."""
    from huiqi.kb.queries import get_document

    doc, meta = load_for(session, principal, doc_id)
    out = get_document(session, doc_id, include_hidden=True)
    current = snapshot(doc, meta)
    extracted = dict(meta.extracted) if meta is not None and meta.extracted else dict(current)
    status = meta.status if meta else STATUS_PUBLISHED
    out.update(status=status, status_label=STATUS_LABELS[status], meta_version=meta.version if meta else 0,
               current=current, extracted=extracted, sources=field_sources(session, doc, extracted),
               interpretations=list_interpretations(session, doc_id), scope_region=access_region(doc, meta),
               superseded_by=meta.superseded_by_id if meta else None)
    return out


# ---------------------------------------------------------------- write

def _parse_date(v: Any, label: str, errors: list[str]) -> date | None:
    if v in (None, ""):
        return None
    try:
        return date.fromisoformat(str(v).strip())
    except ValueError:
        errors.append(f"{label}：应为日期 YYYY-MM-DD，收到“{str(v)[:30]}”")
        return None


def edit_metadata(session: Session, principal, doc_id: int, changes: dict, version: int | None) -> tuple[dict, dict]:
    """Apply metadata corrections to a document the user may see.

    ``changes`` maps fields of :data:`EDIT_FIELDS` to new values (strings;
    dates ISO; ``supersedes`` a list of titles or 发文字号 or one string with
    one per line; ``superseded_by`` a document id or empty). ``version`` must
    equal the stored ``meta_version`` (0 for a never-edited document), else
    :class:`StaleEdit` (409). Validation (422, every problem listed):
    unknown field, empty title, level not in 国家/自治区/盟市/旗县, unknown
    region or a region outside the user's scope, malformed dates, start after
    end, ``superseded_by`` unknown, itself or outside the scope. A changed
    validity is copied to the document's clauses that had inherited the
    document's validity or had none (basis :data:`CORRECTED_BASIS`). Returns
    ``(before, after)`` of the changed fields for the audit log (both empty
    when nothing changed; the version is not incremented then)."""
    from huiqi.kb.accounts import in_scope, region_code

    doc, meta = load_for(session, principal, doc_id)
    stored = meta.version if meta is not None else 0
    if version is None or int(version) != stored:
        raise StaleEdit(stored)
    errors: list[str] = []
    unknown = [k for k in changes if k not in EDIT_FIELDS]
    if unknown:
        errors.append(f"未知字段：{'、'.join(unknown)}（可修改：{'、'.join(EDIT_FIELDS)}）")
    before_all = snapshot(doc, meta)
    new: dict[str, Any] = {}
    for f, v in changes.items():
        if f not in EDIT_FIELDS:
            continue
        label = EDIT_FIELDS[f]
        if f in _DATE_FIELDS:
            new[f] = _parse_date(v, label, errors)
        elif f == "supersedes":
            items = v if isinstance(v, list) else str(v or "").splitlines()
            new[f] = [s.strip() for s in items if str(s).strip()]
        elif f == "superseded_by":
            if v in (None, ""):
                new[f] = None
            else:
                try:
                    other_id = int(v)
                except (TypeError, ValueError):
                    errors.append(f"{label}：应为文件 ID（整数）")
                    continue
                other = session.get(Document, other_id)
                if other_id == doc_id:
                    errors.append(f"{label}：不能是文件本身")
                elif other is None or not principal.sees(access_region(other, session.get(DocumentMeta, other_id))):
                    errors.append(f"{label}：未找到 ID 为 {other_id} 的文件")
                else:
                    new[f] = other_id
        else:
            text = re.sub(r"\s+", " ", str(v or "")).strip() or None
            if text is not None and len(text) > 500:
                errors.append(f"{label}：过长（最多 500 个字符）")
                continue
            if f == "title" and not text:
                errors.append("标题：不能为空")
            if f == "level" and text is not None and text not in LEVELS:
                errors.append(f"层级：应为 {'、'.join(LEVELS)} 之一")
            if f == "region" and text is not None:
                code = region_code(text)
                national = text in _regions_national()
                if code is None and not national:
                    errors.append(f"地区：未知地区“{text}”，应为国家或内蒙古自治区、盟市、旗县区名称")
                elif principal.role != "admin" and not in_scope(principal.region, code):
                    errors.append(f"地区：“{text}”不在您的管辖范围内")
            new[f] = text
    start = new.get("validity_start", doc.validity_start) if "validity_start" in new else doc.validity_start
    end = new.get("validity_end", doc.validity_end) if "validity_end" in new else doc.validity_end
    if start and end and start > end:
        errors.append("有效期：起始日期晚于截止日期")
    if errors:
        raise LifecycleError("；".join(errors), 422, errors)
    if meta is None:
        meta = ensure_meta(session, doc)
    changed = {}
    for f, v in new.items():
        old = before_all[f]
        shown = _iso(v) if isinstance(v, date) else v
        if shown != old:
            changed[f] = (old, shown)
            if f == "superseded_by":
                meta.superseded_by_id = v
            else:
                setattr(doc, f, v)
    if not changed:
        return {}, {}
    if "region" in changed:
        meta.scope_region = region_code(new["region"]) if new["region"] else meta.scope_region
    if "validity_start" in changed or "validity_end" in changed:
        doc.validity_basis = "经办人员更正"
        doc.validity_relative = None
        _copy_validity(session, doc)
    meta.version = stored + 1
    from huiqi.kb.accounts import utcnow

    meta.updated_by, meta.updated_at = principal.id, utcnow()
    from huiqi.kb.library import KIND_DOCUMENT, record_change  # here: kb.models imports this module

    record_change(session, KIND_DOCUMENT, "edited", document_id=doc.id, detail={"fields": sorted(changed)})
    return {f: o for f, (o, _n) in changed.items()}, {f: n for f, (_o, n) in changed.items()}


def _regions_national() -> frozenset[str]:
    from huiqi.kb.accounts import _regions

    return frozenset(getattr(_regions(), "NATIONAL_NAMES", ())) | {"国家", "全国", "中央"}


def _copy_validity(session: Session, doc: Document) -> int:
    """Copy the document's validity to its clauses whose validity was
    inherited from the document or empty; returns how many changed."""
    n = 0
    for c in session.scalars(select(Clause).where(Clause.document_id == doc.id)):
        v = dict(c.validity or {})
        basis = v.get("basis") or ""
        inherited = basis.startswith("文件有效期")
        empty = not (v.get("start") or v.get("end") or v.get("relative") or basis)
        if inherited or empty:
            c.validity = {"start": _iso(doc.validity_start), "end": _iso(doc.validity_end),
                          "basis": CORRECTED_BASIS, "relative": None}
            n += 1
    return n


def set_status(session: Session, principal, doc_id: int, status: str, version: int | None) -> tuple[str, str]:
    """Publish (``published``), repeal (``repealed``) or return to
    ``draft``; ``version`` as in :func:`edit_metadata` (409 when stale).
    Returns ``(old status, new status)``. Raises :class:`LifecycleError`
    422 for an unknown status."""
    from huiqi.kb.accounts import utcnow

    if status not in STATUSES:
        raise LifecycleError(f"未知状态“{status}”（可选：{'、'.join(STATUSES)}）")
    doc, meta = load_for(session, principal, doc_id)
    stored = meta.version if meta is not None else 0
    if version is None or int(version) != stored:
        raise StaleEdit(stored)
    meta = meta or ensure_meta(session, doc)
    old = meta.status
    if old == status:
        return old, status
    meta.status = status
    meta.version = max(stored, meta.version) + 1
    meta.updated_by, meta.updated_at = principal.id, utcnow()
    if status == STATUS_PUBLISHED:
        meta.published_by, meta.published_at = principal.id, utcnow()
        from huiqi.kb.push_jobs import enqueue_screen

        clause_ids = session.scalars(select(Clause.id).where(Clause.document_id == doc.id)).all()
        enqueue_screen(session, clauses=clause_ids, reason="document")  # 精准推送, same transaction as the publish
    from huiqi.kb.library import KIND_DOCUMENT, record_change

    record_change(session, KIND_DOCUMENT, status, document_id=doc.id, detail={"from": old})
    return old, status


def foreign_file(session: Session, principal, name: str) -> bool:
    """Whether the current version of the stored file ``name`` holds a
    document outside the user's region scope (uploading a file of that name
    would replace it, so the upload is refused)."""
    docs = session.scalars(select(Document).join(SourceFile).where(
        SourceFile.name == name, SourceFile.is_current.is_(True))).all()
    return any(not principal.sees(access_region(d, session.get(DocumentMeta, d.id))) for d in docs)


def register_upload(session: Session, principal, source_file_id: int) -> tuple[list[int], list[str]]:
    """Mark every document of a freshly ingested file as ``draft`` owned by
    the uploader and return ``(document ids, warnings)``. The scope region
    is the document's region when the uploader's scope covers it, else the
    uploader's region (warning). Other warnings: no clauses, unknown
    validity, unknown issue date, unknown region, already expired."""
    from huiqi.kb.accounts import in_scope, region_code, region_name, utcnow

    ids, warnings = [], []
    docs = session.scalars(select(Document).where(Document.source_file_id == source_file_id)
                           .order_by(Document.seq)).all()
    counts = dict(session.execute(select(Clause.document_id, func.count(Clause.id))
                                  .where(Clause.document_id.in_([d.id for d in docs]))
                                  .group_by(Clause.document_id)).all())
    for d in docs:
        code = region_code(d.region)
        scope = code
        name = d.title or f"文件 {d.id}"
        if d.kind != "front_matter":
            if code is None and not d.region:
                warnings.append(f"《{name}》：未识别出地区，已按您的管辖范围（{region_name(principal.region)}）登记")
                scope = principal.region
            elif principal.role != "admin" and not in_scope(principal.region, code):
                warnings.append(f"《{name}》：地区“{d.region}”不在您的管辖范围内，已按{region_name(principal.region)}登记，"
                                "请核对地区")
                scope = principal.region
            if not counts.get(d.id):
                warnings.append(f"《{name}》：未识别出条款")
            if not (d.validity_start or d.validity_end):
                warnings.append(f"《{name}》：未识别出有效期")
            elif d.validity_end and d.validity_end < date.today():
                warnings.append(f"《{name}》：有效期已于 {d.validity_end.isoformat()} 届满")
            if not d.issued:
                warnings.append(f"《{name}》：未识别出印发日期")
        session.add(DocumentMeta(document_id=d.id, status=STATUS_DRAFT, version=1, scope_region=scope,
                                 extracted=snapshot(d), uploaded_by=principal.id, uploaded_at=utcnow()))
        ids.append(d.id)
    return ids, warnings


# ---------------------------------------------------------------- 解读

def interpretation_dict(i: Interpretation) -> dict:
    """JSON shape: ``{id, document_id, kind, kind_label, title, body, url,
    file_name, created_at}``."""
    return {"id": i.id, "document_id": i.document_id, "kind": i.kind,
            "kind_label": INTERPRETATION_KINDS.get(i.kind, i.kind), "title": i.title, "body": i.body,
            "url": i.url, "file_name": i.file_name,
            "created_at": i.created_at.isoformat(timespec="seconds") if i.created_at else None}


def list_interpretations(session: Session, doc_id: int) -> list[dict]:
    """The 解读 of a document, oldest first."""
    rows = session.scalars(select(Interpretation).where(Interpretation.document_id == doc_id)
                           .order_by(Interpretation.id))
    return [interpretation_dict(i) for i in rows]


def add_interpretation(session: Session, principal, doc_id: int, kind: str, title: str, body: str | None = None,
                       url: str | None = None, file_name: str | None = None,
                       stored_name: str | None = None) -> Interpretation:
    """Attach a 解读 (``kind`` text/link/file). Raises
    :class:`LifecycleError` 404 (see :func:`load_for`) or 422: unknown kind,
    empty title, text without body, link not http(s), file without file."""
    from huiqi.kb.accounts import utcnow

    load_for(session, principal, doc_id)
    errors = []
    title = (title or "").strip()
    if kind not in INTERPRETATION_KINDS:
        errors.append(f"解读类型：应为 {'、'.join(INTERPRETATION_KINDS)} 之一")
    if not title:
        errors.append("解读标题：不能为空")
    if kind == "text" and not (body or "").strip():
        errors.append("解读正文：不能为空")
    if kind == "link" and not re.match(r"^https?://[^\s]+$", (url or "").strip()):
        errors.append("解读链接：应为以 http:// 或 https:// 开头的网址")
    if kind == "file" and not stored_name:
        errors.append("解读文件：缺少上传文件")
    if errors:
        raise LifecycleError("；".join(errors), 422, errors)
    i = Interpretation(document_id=doc_id, kind=kind, title=title[:200], body=(body or "").strip() or None,
                       url=(url or "").strip() or None if kind == "link" else None, file_name=file_name,
                       stored_name=stored_name, created_by=principal.id, created_at=utcnow())
    session.add(i)
    session.flush()
    return i


# ---------------------------------------------------------------- board

BOARD_SECTIONS = {
    "expiring_30": "30 天内到期", "expiring_60": "31–60 天内到期", "expiring_90": "61–90 天内到期",
    "expired_current": "已过期仍为现行", "validity_unknown": "有效期未知", "no_interpretation": "已发布但无解读",
    "superseded_matched": "已被替代仍参与匹配",
}


def _norm_title(s: str | None) -> str:
    return re.sub(r"[\s《》〈〉“”\"]", "", s or "")


def reviewed_rule_keys(session: Session) -> set[str]:
    """Clause keys that have a published reviewed rule version
    (:class:`huiqi.kb.models.RuleVersion`)."""
    from huiqi.kb.models import RuleVersion

    return set(session.scalars(select(RuleVersion.clause_key).where(
        RuleVersion.origin == "reviewed", RuleVersion.status == "published")))


def board(session: Session, principal, today: date | None = None) -> dict:
    """The lifecycle board of the documents in the user's scope (published
    documents of kind document/guide with a body; drafts are counted
    apart). Returns ``{today, sections: {name: {label, items: [document
    dicts with status, validity, reason]}}, drafts, clauses: {total,
    with_amount, without_reviewed_rule, with_amount_without_reviewed_rule,
    rules_available}}``. Expiry windows are 0–30, 31–60 and 61–90 days after
    ``today``; "expired still current" means a known end date before today
    while the document is still published; "superseded but still matched"
    means a published document another current document names as replaced
    (by 发文字号 or title) or with ``superseded_by`` set."""
    today = today or date.today()
    docs = [d for d in officer_documents(session, principal)
            if d["kind"] in BOARD_KINDS and d["has_body"]]
    published = [d for d in docs if d["status"] == STATUS_PUBLISHED]
    sections: dict[str, dict] = {k: {"label": v, "items": []} for k, v in BOARD_SECTIONS.items()}
    all_current = [d for d in published]
    named: dict[str, dict] = {}
    for d in all_current:
        for s in d.get("supersedes") or []:
            named.setdefault(_norm_title(s), d)
    for d in published:
        v = d["validity"]
        end = date.fromisoformat(v["end"]) if v.get("end") else None
        if end is not None:
            days = (end - today).days
            if days < 0:
                sections["expired_current"]["items"].append({**d, "reason": f"{v['end']} 已届满，仍为已发布"})
            elif days <= 30:
                sections["expiring_30"]["items"].append({**d, "reason": f"{days} 天后到期（{v['end']}）"})
            elif days <= 60:
                sections["expiring_60"]["items"].append({**d, "reason": f"{days} 天后到期（{v['end']}）"})
            elif days <= 90:
                sections["expiring_90"]["items"].append({**d, "reason": f"{days} 天后到期（{v['end']}）"})
        elif not v.get("start"):
            sections["validity_unknown"]["items"].append(
                {**d, "reason": v.get("relative") or v.get("basis") or "文件未写明有效期"})
        if not d["interpretations"]:
            sections["no_interpretation"]["items"].append({**d, "reason": "未关联解读"})
        by = None
        if d.get("superseded_by"):
            by = f"已登记被文件 {d['superseded_by']} 替代"
        else:
            for key in (d.get("doc_number"), _norm_title(d.get("title"))):
                other = named.get(_norm_title(key)) if key else None
                if other is not None and other["id"] != d["id"]:
                    by = f"《{other['title']}》写明废止或替代本文件"
                    break
        if by:
            sections["superseded_matched"]["items"].append({**d, "reason": by})
    keys = reviewed_rule_keys(session)
    ids = [d["id"] for d in published]
    rows = session.execute(select(Clause.key, Clause.amounts).where(Clause.document_id.in_(ids))).all() if ids else []
    total = len(rows)
    with_amount = sum(1 for _k, a in rows if a)
    clauses = {"total": total, "with_amount": with_amount, "rules_available": keys is not None,
               "without_reviewed_rule": None, "with_amount_without_reviewed_rule": None}
    if keys is not None:
        clauses["without_reviewed_rule"] = sum(1 for k, _a in rows if k not in keys)
        clauses["with_amount_without_reviewed_rule"] = sum(1 for k, a in rows if a and k not in keys)
    drafts = [d for d in docs if d["status"] == STATUS_DRAFT]
    return {"today": today.isoformat(), "sections": sections, "drafts": drafts, "clauses": clauses}


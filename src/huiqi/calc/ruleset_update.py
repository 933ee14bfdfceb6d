"""Bring a compiled rule set up to date with the database without compiling
it again (规则集增量更新; issue 17: several hosts, one database).

Compiling the whole library (:func:`huiqi.calc.compile.build_ruleset`)
takes ~17 s of CPU at 10× the bundled corpus and ~140 s at 100×; every host
would pay it for every upload or rule approval. A rule set instead keeps
its :class:`Basis` — what it was built from — and :func:`update_ruleset`
compares that with the database now:

* documents named by the change log (metadata, publication, repeal) and
  documents whose clauses appeared or disappeared (an upload, a new file
  version) are compiled again, whole (document-wide stacking and contacts
  need the whole document);
* so are the documents of clauses whose published rule versions changed
  (an approval, an import, a re-extraction);
* the policy identity (``authority_id``, ``policy_sources``, a reprint's
  validity capped by its original's) is recomputed for the members of
  every cluster that gained, lost or moved a member, or that holds a
  recompiled clause;
* everything else is kept as it is.

The result equals a full compilation (``tests/calc/test_ruleset_update.py``
compares them entry by entry after uploads, an approval and a repeal).
When much of the library changed (more than :data:`MAX_SHARE` of its
documents) or the basis is missing, :func:`update_ruleset` returns ``None``
and the caller compiles in full.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

#: Above this share of the library's documents changed, a full compilation is cheaper.
MAX_SHARE = 0.3


@dataclass
class Basis:
    """What a rule set was compiled from: ``clauses`` {clause id: (document
    id, clause key)} of the current visible clauses the calculator reads;
    ``versions`` {clause key: ((origin, rule version id), …)} of the
    published versions it may use; ``links`` the policy links
    (:func:`huiqi.kb.policy_identity.load_links`); ``cited`` {clause id:
    citation} of the linked clauses (for ``policy_sources``)."""

    clauses: dict[int, tuple[int, str]] = field(default_factory=dict)
    versions: dict[str, tuple] = field(default_factory=dict)
    links: dict[int, tuple[int, float]] = field(default_factory=dict)
    cited: dict[int, dict] = field(default_factory=dict)


def snapshot(session) -> Basis:
    """The :class:`Basis` of the database behind ``session`` now (three
    narrow reads: clause ids, published version ids, policy links)."""
    from sqlalchemy import select

    from huiqi.kb.lifecycle import hidden_document_ids
    from huiqi.kb.models import Clause, Document, RuleVersion, SourceFile
    from huiqi.kb.policy_identity import load_links
    from huiqi.rules.store import DOCUMENT_KINDS, extractor_version

    stmt = (select(Clause.id, Clause.document_id, Clause.key)
            .join(Document, Clause.document_id == Document.id)
            .join(SourceFile, Document.source_file_id == SourceFile.id)
            .where(SourceFile.is_current.is_(True), Document.kind.in_(DOCUMENT_KINDS),
                   Document.id.not_in(hidden_document_ids())))  # as huiqi.rules.store.clause_rows reads them
    clauses = {cid: (did, key) for cid, did, key in session.execute(stmt)}
    ver = extractor_version()
    versions: dict[str, list] = {}
    for key, origin, vid, extractor in session.execute(
            select(RuleVersion.clause_key, RuleVersion.origin, RuleVersion.id, RuleVersion.extractor)
            .where(RuleVersion.status == "published")):
        if origin == "extracted" and extractor != ver:
            continue
        versions.setdefault(key, []).append((origin, vid))
    try:
        links = load_links(session)
    except Exception:  # a database without policy links
        links = {}
    return Basis(clauses, {k: tuple(sorted(v)) for k, v in versions.items()}, links)


def update_ruleset(session, rs: Any, fingerprint: str, document_ids: tuple[int, ...] = ()) -> Any | None:
    """``rs`` (a :class:`huiqi.calc.entry.RuleSet` with a basis) brought up
    to the database behind ``session``: a new ``RuleSet`` with
    ``fingerprint``, sharing the unchanged entries with ``rs`` (which is
    left as it was). ``document_ids``: documents the change log names
    (edited, published, repealed). ``None`` when a full compilation is
    needed (no basis, stored clusters missing, or more than
    :data:`MAX_SHARE` of the documents changed). Raises SQLAlchemy errors."""
    from huiqi.calc import compile as E
    from huiqi.rules import store
    from huiqi.rules.beneficiary import classify_beneficiary

    old = getattr(rs, "basis", None)
    if old is None:
        return None
    t0 = time.perf_counter()
    new = snapshot(session)
    if not new.links and old.links != new.links:
        return None
    docs = set(document_ids)
    docs |= {old.clauses[c][0] for c in old.clauses.keys() - new.clauses.keys()}
    docs |= {new.clauses[c][0] for c in new.clauses.keys() - old.clauses.keys()}
    keys = {k for k in old.versions.keys() | new.versions.keys() if old.versions.get(k) != new.versions.get(k)}
    if keys:
        docs |= {d for d, k in new.clauses.values() if k in keys}
    n_docs = len({d for d, _ in new.clauses.values()}) or 1
    if len(docs) > MAX_SHARE * n_docs:
        return None

    # the changed documents, compiled again (whole: contacts and stacking are per document)
    live = {d for d, _ in new.clauses.values()} & docs
    rows = []
    for d in sorted(live):
        rows.extend(r for r in store.clause_rows_of(session, d) if r["id"] in new.clauses)
    E._add_container_titles(session, rows)
    extracted, reviewed, problems = store.published_rules(session, keys={r["key"] for r in rows})
    compiled = E.compile_rows(rows, reviewed, extracted, problems)
    stored = store.published_beneficiaries(session, keys={r["key"] for r in rows})
    for e in compiled:
        e.beneficiary = stored.get(e.key) if e.key in stored else classify_beneficiary(e.text)
        e.own_validity = e.validity
    kept = [e for e in rs.entries if e.document.get("id") not in docs]

    # policy identity: every cluster touched by a moved link or a recompiled clause
    cited = {c: v for c, v in old.cited.items() if c in new.clauses and old.clauses.get(c, (None,))[0] not in docs}
    cited.update({r["id"]: E._citation(r) for r in rows if r["id"] in new.links})
    unread = {new.clauses[c][0] for c in new.links if c not in cited and c in new.clauses}
    for d in sorted(unread):  # clauses newly linked in documents that did not change: their citations
        cited.update({r["id"]: E._citation(r) for r in store.clause_rows_of(session, d) if r["id"] in new.links})
    recompiled = {r["id"] for r in rows} | {c for c, (d, _) in old.clauses.items() if d in docs}
    moved = {c for c in old.links.keys() | new.links.keys() if old.links.get(c) != new.links.get(c)}
    auths = {link[0] for c in moved | recompiled for link in (old.links.get(c), new.links.get(c)) if link}
    touched = {c for c, (a, _) in {**old.links, **new.links}.items() if a in auths}
    relinked = []
    for i, e in enumerate(kept):
        if e.id in touched:
            e = kept[i] = _unlinked(e)
            relinked.append(e)
    E.link_entries([*relinked, *compiled], new.links, cited)

    entries, skipped, n_reviewed = list(kept), rs.skipped, rs.n_reviewed - sum(
        e.origin == "reviewed" for e in rs.entries if e.document.get("id") in docs)
    skipped -= sum(1 for c, (d, _) in old.clauses.items() if d in docs) - sum(
        1 for e in rs.entries if e.document.get("id") in docs)
    fresh, fresh_skipped, fresh_reviewed = E.offered(compiled)
    entries.extend(fresh)
    skipped += fresh_skipped
    n_reviewed += fresh_reviewed
    out = type(rs)(entries, fingerprint, len(new.clauses), n_reviewed, skipped,
                   [*rs.problems, *problems], time.perf_counter() - t0)
    new.cited = cited
    out.basis = new
    return out


def _unlinked(entry: Any) -> Any:
    """A copy of ``entry`` without policy identity (its own validity back),
    so that ``rs`` keeps its entry unchanged while it still serves."""
    import dataclasses

    out = dataclasses.replace(entry, authority_id=None, policy_sources=[],
                              validity=entry.own_validity if entry.own_validity is not None else entry.validity)
    return out

"""Policy identity (政策同一性): near-identical clauses of different documents
are one policy with several sources.

A regional policy list is reprinted inside a compilation (汇编), a city list
restates a regional measure with its own responsible units; the calculator,
search and screening must show such a policy once. Detection uses general
text similarity only (no document names, no line numbers):

1. each clause text is normalised (:func:`normalise`: leading item labels
   such as ``20.`` / ``（二十五）`` and a trailing responsible-unit bracket
   〔责任单位：…〕 removed, then only letters, digits and CJK kept) and cut
   into character 4-gram shingles;
2. identical normalised texts are grouped and compared once (a reprint,
   a corpus of copies); candidate pairs share shingles (inverted index); their Jaccard
   similarity is computed. A pair is kept only when the two documents'
   regions are compatible (one contains the other, or one is national or
   autonomous-region wide) and their amounts agree (:func:`amounts_agree`:
   the amounts of one are among the other's);
3. a document pair supports reprinting when a share of the smaller
   document's clauses have a near copy in the other (``support``). A clause
   pair is the same policy when its similarity is at least
   :data:`HIGH` with :data:`MIN_SUPPORT` support, or at least :data:`LOW`
   with :data:`STRONG_SUPPORT` support (a restated list: most items copied,
   some localised), or when one states the other with the same money (the
   shorter's shingles :data:`CONTAINED` in the longer, both with amounts). Identical short lines of independent catalogues
   (人才分类目录: 国家实验室主任) have little document support and stay apart.
4. pairs are joined into clusters; the authority (权威来源) of a cluster is
   the clause of the issuing document: a document that is not one of
   several inside a compiled file first, then the earliest issue date, then
   the highest level (国家 > 自治区 > 盟市 > 旗县), then the lowest id.

Thresholds were chosen on the bundled corpus against
``benchmarks/gold/policy_clusters.yaml`` (``benchmarks/identity_bench.py``
prints precision and recall), so they are in-sample.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import orjson

from huiqi.kb.pair_arrays import components, distinct, expand_pairs, lookup

#: Shingle length (characters).
SHINGLE = 4
#: Jaccard similarity of a copied clause (reprint, numbering changed).
HIGH = 0.8
#: Jaccard similarity of a restated clause inside a largely copied document.
LOW = 0.5
#: Share of the smaller document's clauses with a near copy (>= HIGH) in the
#: other document for HIGH pairs, and for LOW pairs.
MIN_SUPPORT = 0.25
STRONG_SUPPORT = 0.3
#: Share of the shorter clause's shingles found in the longer one for a
#: clause restated inside a longer one with the same money (both state
#: amounts, those of one all among the other's).
CONTAINED = 0.9
#: Shingles found in more clauses than this are boilerplate, not evidence.
MAX_POSTINGS = 80
#: Normalised texts shorter than this are never matched (a bare title line).
MIN_CHARS = 8

_LEVEL_RANK = {"国家": 0, "自治区": 1, "盟市": 2, "旗县": 3}
_LABEL = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十百零〇0-9]{1,4}[)）、.．]\s*)+")
_TAIL = re.compile(r"[（(〔【][^（(〔【）)〕】]{2,120}[）)〕】][。；;，,\s]*$")
_KEEP = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff]")


def normalise(text: str) -> str:
    """Clause text reduced for comparison: item label and trailing bracket
    (the 责任单位 tag) removed, only digits, Latin letters and CJK kept."""
    t = _LABEL.sub("", (text or "").strip())
    t = _TAIL.sub("", t)
    return _KEEP.sub("", t)


def shingles(text: str, n: int = SHINGLE) -> frozenset[str]:
    """Character ``n``-grams of :func:`normalise` of ``text`` (empty for a
    text shorter than :data:`MIN_CHARS`)."""
    return _grams(normalise(text), n)


def _grams(t: str, n: int = SHINGLE) -> frozenset[str]:
    if len(t) < MIN_CHARS:
        return frozenset()
    return frozenset(t[i:i + n] for i in range(max(1, len(t) - n + 1)))


def amounts_agree(a: Iterable[float], b: Iterable[float]) -> bool:
    """Whether two clauses' amounts (yuan) can belong to one policy: both
    without amounts, or the amounts of one all among the other's."""
    sa, sb = {round(float(x), 2) for x in a}, {round(float(x), 2) for x in b}
    if not sa and not sb:
        return True
    if not sa or not sb:
        return False
    return sa <= sb or sb <= sa


def _division(document: Mapping):
    from huiqi.reference.regions import find_division

    return find_division(document.get("region"))


def regions_compatible(a: Mapping, b: Mapping) -> bool:
    """Whether documents ``a`` and ``b`` ({level, region}) may state the same
    policy: one is national or autonomous-region wide, or unknown, or one's
    division contains the other's (鄂尔多斯市 ⊃ 伊金霍洛旗); a city of one
    league and a league elsewhere are not."""
    from huiqi.reference.regions import ancestors

    if any(d.get("level") in ("国家", "自治区") or not d.get("region") for d in (a, b)):
        return True
    da, db = _division(a), _division(b)
    if da is None or db is None:
        return True
    return da.code in ancestors(db.code) or db.code in ancestors(da.code)


def _shingle_postings(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """``(code, u)`` of every distinct :data:`SHINGLE`-gram of every
    normalised text ``texts[u]`` (texts shorter than :data:`MIN_CHARS`
    have none), sorted by code then ``u``. A 4-gram of normalised text
    (digits, Latin letters, CJK: all below U+FFFF) is coded as its four
    UTF-16 code units in one 64-bit integer, so equal codes are equal grams.

    Sorted without an argsort: each character is replaced by its rank among
    the characters present (``b`` bits, order kept), so a gram takes ``4b``
    bits and ``(gram, u)`` packs into one 64-bit key with ``64 - 4b`` bits
    for ``u`` (texts taken in chunks of that many); the keys are sorted
    (``np.sort``, several times faster than a stable argsort of the codes)
    and the chunks, each sorted, merged by a stable sort of their runs."""
    kept = [u for u, t in enumerate(texts) if len(t) >= MIN_CHARS]
    if not kept:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    # all texts at once: the grams of their concatenation, less those crossing a boundary
    lengths = np.fromiter((len(texts[u]) for u in kept), dtype=np.int64, count=len(kept))
    units = np.frombuffer("".join(texts[u] for u in kept).encode("utf-16-le"), dtype="<u2")
    present = np.zeros(1 << 16, dtype=bool)
    present[units] = True
    chars = np.flatnonzero(present).astype(np.uint64)  # rank -> code unit
    bits = max(1, (len(chars) - 1).bit_length())
    rank_of = np.zeros(1 << 16, dtype=np.uint64)
    rank_of[chars.astype(np.int64)] = np.arange(len(chars), dtype=np.uint64)
    r = rank_of[units]
    b1, b2, b3 = np.uint64(bits), np.uint64(2 * bits), np.uint64(3 * bits)
    grams = (r[:-3] << b3) | (r[1:-2] << b2) | (r[2:-1] << b1) | r[3:]
    owner = np.repeat(np.asarray(kept, dtype=np.int64), lengths)[:len(grams)]
    offset = np.arange(len(grams), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)[:len(grams)]
    inside = offset <= lengths[np.repeat(np.arange(len(kept)), lengths)[:len(grams)]] - SHINGLE
    grams, owner = grams[inside], owner[inside]  # ``owner`` ascends
    u_bits = 64 - 4 * bits
    chunk = 1 << u_bits
    codes, us = [], []
    for base in range(0, owner[-1] + 1 if len(owner) else 0, chunk):
        a, b = np.searchsorted(owner, [base, base + chunk])
        key = np.sort((grams[a:b] << np.uint64(u_bits)) | (owner[a:b] - base).astype(np.uint64))
        key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key  # a gram repeated inside one text counts once
        codes.append(key >> np.uint64(u_bits))
        us.append((key & np.uint64(chunk - 1)).astype(np.int64) + base)
    code, u = np.concatenate(codes), np.concatenate(us)
    if len(codes) > 1:  # sorted runs, ``u`` ascending from one to the next: a stable merge by code
        order = np.argsort(code, kind="stable")
        code, u = code[order], u[order]
    mask = np.uint64((1 << bits) - 1)
    code = ((chars[(code >> b3) & mask] << np.uint64(48)) | (chars[(code >> b2) & mask] << np.uint64(32))
            | (chars[(code >> b1) & mask] << np.uint64(16)) | chars[code & mask])
    return code, u


def _similar_pairs(texts: list[str]) -> tuple[list[tuple[int, int, float, bool]], np.ndarray]:
    """Candidate pairs of distinct normalised ``texts`` and the shingle
    count of each text: ``([(u, v, jaccard, contained)], sizes)`` for the
    pairs ``u < v`` sharing shingles (an inverted index over the shingles
    found in at most :data:`MAX_POSTINGS` texts; the pairs of each posting
    list are generated and counted with numpy) whose Jaccard similarity of
    shingle sets is at least :data:`LOW` or whose smaller set is
    :data:`CONTAINED` in the other."""
    code, owner = _shingle_postings(texts)
    sizes = np.bincount(owner, minlength=len(texts)).astype(np.int64)
    if not len(code):
        return [], sizes
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    lengths = np.diff(np.r_[starts, len(code)])
    n = max(len(texts), 1)
    keys = []
    for length in np.unique(lengths[(lengths > 1) & (lengths <= MAX_POSTINGS)]).tolist():
        first = starts[lengths == length]
        grid = owner[first[:, None] + np.arange(length)]  # one posting list per row, ascending
        iu, ju = np.triu_indices(length, 1)
        keys.append((grid[:, iu] * n + grid[:, ju]).ravel())
    if not keys:
        return [], sizes
    pair, k = np.unique(np.concatenate(keys), return_counts=True)
    u, v = pair // n, pair % n
    su, sv = sizes[u], sizes[v]
    sim = k / (su + sv - k)
    contained = k / np.minimum(su, sv) >= CONTAINED
    keep = np.flatnonzero((sim >= LOW) | contained)
    return list(zip(u[keep].tolist(), v[keep].tolist(), sim[keep].tolist(), contained[keep].tolist())), sizes


@dataclass
class PolicyCluster:
    """One policy stated by several clauses: ``authority`` (clause id of the
    issuing document), ``members`` (all clause ids, authority included) and
    ``similarity`` {clause id: best Jaccard to another member}."""

    authority: int
    members: list[int]
    similarity: dict[int, float] = field(default_factory=dict)


def authority_order(row: Mapping, compiled_docs: set) -> tuple:
    """Sort key choosing the authority of a cluster among clause rows
    (:func:`huiqi.kb.queries.list_policies` dicts): an issuing document
    before a reprint inside a compiled file (``compiled_docs``: ids of
    documents that share their file with other documents), then the earliest
    issue date, the highest level, the lowest document and clause id."""
    doc = row["document"]
    issued = doc.get("issued")
    try:
        when = date.fromisoformat(str(issued)[:10]) if issued else date.max
    except ValueError:
        when = date.max
    return (doc.get("id") in compiled_docs, when, _LEVEL_RANK.get(doc.get("level") or "", 4),
            doc.get("id") or 0, row["id"])


def _clause_pairs(rows: list[Mapping], d: np.ndarray, members: list[list[int]],
                  candidates: list[tuple[int, int, float, bool]]):
    """The clause pairs of the candidate text pairs that may be one policy:
    ``(i, j, sim, money_inside, dk)`` arrays — row indices, the texts'
    Jaccard similarity, whether one is contained in the other with amounts
    on both sides, and the document pair key ``lo * len(rows) + hi`` of the
    two documents' numbers ``d`` (one per row, documents numbered densely). A pair is kept when its clauses are of
    different documents whose regions are compatible
    (:func:`regions_compatible`, once per document pair) and whose amounts
    agree (:func:`amounts_agree`, once per pair of distinct amount sets)."""
    empty = np.zeros(0, dtype=np.int64)
    if not candidates:
        return empty, empty, np.zeros(0), np.zeros(0, dtype=bool), empty
    cu, cv, csim, ccont = (np.asarray(x) for x in zip(*candidates))
    i, j, c = expand_pairs(members, cu.astype(np.int64), cv.astype(np.int64))
    keep = d[i] != d[j]
    i, j, c = i[keep], j[keep], c[keep]
    n = max(len(rows), 1)
    dk = np.minimum(d[i], d[j]) * n + np.maximum(d[i], d[j])
    # regions_compatible reads a document's level and region only: once per pair of (wide?, region)
    kind_of: dict[tuple, int] = {}
    rep: list[Mapping] = []
    doc_kind = np.zeros(n, dtype=np.int64)
    for x, r in enumerate(rows):
        document = r["document"]
        region = document.get("region")
        key = (document.get("level") in ("国家", "自治区") or not region, region)
        if key not in kind_of:
            kind_of[key] = len(rep)
            rep.append(document)
        doc_kind[d[x]] = kind_of[key]
    m = max(len(rep), 1)
    keep = lookup(doc_kind[dk // n] * m + doc_kind[dk % n], lambda k: regions_compatible(rep[k // m], rep[k % m]))
    i, j, c, dk = i[keep], j[keep], c[keep], dk[keep]
    sets: dict[frozenset, int] = {}
    amount_set = []
    for r in rows:
        key = frozenset(round(float(a["value_yuan"]), 2) for a in r.get("amounts") or [] if a.get("value_yuan"))
        amount_set.append(sets.setdefault(key, len(sets)))
    aid = np.asarray(amount_set, dtype=np.int64)
    distinct = list(sets)
    n_sets = max(len(distinct), 1)
    keep = lookup(aid[i] * n_sets + aid[j],
                  lambda k: amounts_agree(distinct[k // n_sets], distinct[k % n_sets]))
    i, j, c, dk = i[keep], j[keep], c[keep], dk[keep]
    has_money = np.asarray([len(x) > 0 for x in distinct], dtype=bool)[aid]
    money_inside = ccont.astype(bool)[c] & has_money[i] & has_money[j]
    return i, j, csim.astype(float)[c], money_inside, dk


def _support(i: np.ndarray, j: np.ndarray, dk: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Support of the document pair of each pair (``dk`` as
    :func:`_clause_pairs`; the result is shaped like it): the share of the
    smaller document's clauses with a near copy in the other, from the
    near-copy pairs ``(i, j)`` (similarity at least :data:`HIGH`); 0 for a
    document pair without any."""
    out = np.zeros(len(dk))
    if not len(i):
        return out
    n = max(len(d), 1)
    n_doc = np.bincount(d, minlength=n)
    key = np.minimum(d[i], d[j]) * n + np.maximum(d[i], d[j])
    side = distinct(np.r_[key, key] * n + np.r_[i, j])  # (doc pair, clause) once each
    side_key, side_clause = side // n, side % n
    on_lo = d[side_clause] == side_key // n
    pairs, inverse = np.unique(side_key, return_inverse=True)
    inverse = inverse.reshape(-1)
    n_lo = np.bincount(inverse, weights=on_lo, minlength=len(pairs))
    n_hi = np.bincount(inverse, weights=~on_lo, minlength=len(pairs))
    smaller = np.minimum(n_doc[pairs // n], n_doc[pairs % n]).astype(float)
    value = np.where(smaller > 0, np.minimum(n_lo, n_hi) / np.maximum(smaller, 1), 0.0)
    pos = np.searchsorted(pairs, dk)
    found = (pos < len(pairs)) & (pairs[np.minimum(pos, len(pairs) - 1)] == dk)
    out[found] = value[pos[found]]
    return out


def detect_clusters(rows: list[Mapping], compiled_docs: set | None = None) -> list[PolicyCluster]:
    """Clusters of clauses stating the same policy among ``rows`` (clause
    dicts with ``id``, ``text``, ``amounts`` [{value_yuan}], ``document``
    {id, level, region, issued}); see the module docstring for the method.
    ``compiled_docs`` — ids of documents inside a compiled file (default:
    documents sharing a ``document.source_file`` with another). Clusters
    have at least two members from different documents; order is stable."""
    if compiled_docs is None:
        per_file: dict[str, set] = defaultdict(set)
        for r in rows:
            per_file[r["document"].get("source_file") or ""].add(r["document"].get("id"))
        compiled_docs = {d for docs in per_file.values() if len(docs) > 1 for d in docs}
    # identical normalised texts (a reprint, a copied corpus) are compared once
    doc = [r["document"].get("id") for r in rows]
    rep_of: dict[str, int] = {}
    members: list[list[int]] = []
    normal: dict[str, str] = {}  # raw text -> normalised (copies are normalised once)
    for i, r in enumerate(rows):
        raw = r["text"]
        t = normal.get(raw)
        if t is None:
            t = normal[raw] = normalise(raw)
        u = rep_of.setdefault(t, len(members))
        if u == len(members):
            members.append([])
        members[u].append(i)
    similar, sizes = _similar_pairs(list(rep_of))  # dict order = unique index order
    candidates = [(u, u, 1.0, True) for u in range(len(members)) if len(members[u]) > 1 and sizes[u]]
    candidates += similar
    number = {x: k for k, x in enumerate(dict.fromkeys(doc))}
    d = np.asarray([number[x] for x in doc], dtype=np.int64)  # documents numbered densely
    i, j, sim, money_inside, dk = _clause_pairs(rows, d, members, candidates)
    support = _support(i[sim >= HIGH], j[sim >= HIGH], dk, d)
    join = ((sim >= HIGH) & (support >= MIN_SUPPORT)) | ((sim >= LOW) & (support >= STRONG_SUPPORT)) | money_inside
    i, j, sim = i[join], j[join], sim[join]
    best = np.full(len(rows), -1.0)  # best similarity to another member; -1: in no joined pair
    np.maximum.at(best, i, sim)
    np.maximum.at(best, j, sim)
    label = components(len(rows), i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for x in np.flatnonzero(best >= 0).tolist():
        groups[int(label[x])].append(x)
    out = []
    for members in groups.values():
        if len({doc[x] for x in members}) < 2:
            continue
        auth = min(members, key=lambda x: authority_order(rows[x], compiled_docs))
        ids = sorted(rows[x]["id"] for x in members)
        out.append(PolicyCluster(rows[auth]["id"], ids, {rows[x]["id"]: round(float(best[x]), 4) for x in members}))
    out.sort(key=lambda c: c.authority)
    return out


# --------------------------------------------------------------------------
# storage


@dataclass
class IdentityReport:
    """What :func:`refresh_identity` did: ``clusters`` found and ``clauses``
    in them."""

    clusters: int = 0
    clauses: int = 0


def current_rows(session) -> list[dict]:
    """Current clauses of documents of kind ``document`` / ``guide`` as
    :func:`huiqi.kb.queries.list_policies` dicts (what clusters are
    computed over)."""
    from sqlalchemy import select

    from huiqi.kb.models import Document, SourceFile
    from huiqi.kb.queries import list_policies

    kinds = dict(session.execute(
        select(Document.id, Document.kind).join(SourceFile, Document.source_file_id == SourceFile.id)
        .where(SourceFile.is_current.is_(True))).all())
    return [r for r in list_policies(session) if kinds.get(r["document"]["id"]) in ("document", "guide")]


def identity_rows(session) -> list[dict]:
    """What :func:`detect_clusters` reads of the clauses of :func:`current_rows`
    (same clauses, same order), in one narrow SELECT: ``id``, ``text``,
    ``amounts`` and ``document`` {id, level, region, issued (ISO date),
    source_file}."""
    from sqlalchemy import Text, cast, select

    from huiqi.kb.lifecycle import hidden_document_ids
    from huiqi.kb.models import Clause, Document, SourceFile

    # table columns (no ORM loading); the amounts as JSON text, decoded when not empty
    clause, document, source = Clause.__table__.c, Document.__table__.c, SourceFile.__table__.c
    stmt = (
        select(clause.id, clause.text, cast(clause.amounts, Text), document.id, document.level, document.region,
               document.issued, source.name)
        .join(Document.__table__, clause.document_id == document.id)
        .join(SourceFile.__table__, document.source_file_id == source.id)
        .where(source.is_current.is_(True), document.kind.in_(("document", "guide")),
               document.id.not_in(hidden_document_ids()))  # draft and repealed left out, as list_policies
        .order_by(source.name, source.version, document.seq, clause.seq))
    rows = sorted(session.execute(stmt).all(), key=lambda r: r[7])  # code-point order, as list_policies
    return [{"id": cid, "text": text, "amounts": _amounts(amounts),
             "document": {"id": did, "level": level, "region": region,
                          "issued": issued.isoformat() if issued else None, "source_file": name}}
            for cid, text, amounts, did, level, region, issued, name in rows]


def _amounts(text: str | None) -> list:
    """The list of a clause's ``amounts`` JSON column text (``[]`` for SQL
    ``NULL`` or JSON ``null``)."""
    if text is None or text == "[]":
        return []
    try:
        return list(orjson.loads(text) or [])
    except orjson.JSONDecodeError:  # NaN or Infinity: only the json module reads them
        return list(json.loads(text) or [])


def refresh_identity(session) -> IdentityReport:
    """Recompute the policy clusters of the current clauses and store them
    in ``policy_links`` (:class:`huiqi.kb.models.PolicyLink`), in the
    caller's transaction: only the links that changed are deleted and
    inserted. About 0.2 s for 1,500 clauses and 2 s for 15,000;
    :func:`huiqi.services.ingest.ingest_and_refresh` calls it only when an
    ingest changed a file or no cluster is stored yet. A change of the
    clusters is recorded (:func:`huiqi.kb.library.record_change`)."""
    from sqlalchemy import delete, insert, select

    from huiqi.kb.library import KIND_IDENTITY, record_change
    from huiqi.kb.models import PolicyLink

    clusters = detect_clusters(identity_rows(session))
    want = {cid: (c.authority, c.similarity.get(cid, 1.0)) for c in clusters for cid in c.members}
    have = {int(cid): (int(auth), sim) for cid, auth, sim in session.execute(
        select(PolicyLink.clause_id, PolicyLink.authority_id, PolicyLink.similarity))}
    stale = [cid for cid, link in have.items() if want.get(cid) != link]
    for k in range(0, len(stale), 500):
        session.execute(delete(PolicyLink).where(PolicyLink.clause_id.in_(stale[k:k + 500])))
    fresh = [{"clause_id": cid, "authority_id": auth, "similarity": sim}
             for cid, (auth, sim) in want.items() if have.get(cid) != (auth, sim)]
    if fresh:
        session.execute(insert(PolicyLink), fresh)
    if {(c, a) for c, (a, _s) in have.items()} != {(c, a) for c, (a, _s) in want.items()}:
        record_change(session, KIND_IDENTITY, "recomputed", detail={"clusters": len(clusters)})  # hosts follow a real change
    return IdentityReport(len(clusters), sum(len(c.members) for c in clusters))


def has_links(session) -> bool:
    """Whether any policy cluster is stored."""
    from sqlalchemy import select

    from huiqi.kb.models import PolicyLink

    return session.execute(select(PolicyLink.clause_id).limit(1)).first() is not None


def load_links(session) -> dict[int, tuple[int, float]]:
    """``{clause id: (authority clause id, similarity)}`` of every stored
    cluster member (authorities map to themselves)."""
    from sqlalchemy import select

    from huiqi.kb.models import PolicyLink

    return {cid: (auth, sim) for cid, auth, sim in session.execute(
        select(PolicyLink.clause_id, PolicyLink.authority_id, PolicyLink.similarity))}

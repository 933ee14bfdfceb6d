"""Keyword index (关键词索引): BM25 (bm25s) over clauses.

What is indexed for a clause: document title + heading path + clause text
(+ guide fields not already in the text), tokenised by
:func:`huiqi.search.segment.index_tokens` (domain dictionary, search-mode
sub-words, money tokens).

A second BM25 over the heading text alone (title + path,
:func:`heading_text`) is kept so that the engine can weight heading matches.

Persistence: ``derived_dir(db_url)/search/keyword/`` holds the bm25s arrays
(the heading index in ``headings/``),
``records.json`` (the clause records returned by searches) and
``fingerprint.txt`` — a hash of the current clauses' ``(id, key)`` pairs and
of the tokenizer version (dictionary file + :data:`INDEX_VERSION`). When the
fingerprint differs the index is rebuilt in full (the corpus is small: a
full rebuild of ~1,500 clauses takes about a second). ``keyword`` is a
symbolic link to one immutable version under ``keyword-versions/`` (see
:meth:`KeywordIndex.save`), so several processes sharing the directory never
see a half-written index.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from pathlib import Path

import numpy as np

from huiqi.rules.validity import effective_validity
from huiqi.search import segment as seg

INDEX_VERSION = "kw-3"
"""Bump when the indexed text or tokenisation changes (forces a rebuild)."""

SEARCH_DIR = "search"
KEYWORD_DIR = "keyword"
_RECORDS = "records.json"
_FINGERPRINT = "fingerprint.txt"
_HEADINGS = "headings"
#: sibling of the index directory holding one directory per saved version
VERSIONS_SUFFIX = "-versions"
#: how long a version no longer linked is kept (a reader may still be loading it)
KEEP_OLD_VERSIONS_SECONDS = 300.0

log = logging.getLogger(__name__)


def _quiet_bm25s() -> None:
    logging.getLogger("bm25s").setLevel(logging.WARNING)


def clause_record(clause: dict, doc_validity: dict | None = None) -> dict:
    """The record kept per clause (a subset of a ``list_policies`` dict):
    ``id, key, document{id, title, level, region}, path, text,
    source{file, start_line, end_line}, validity{start, end, basis, relative},
    responsible_units, fields, contacts, amounts, kind``. Clause validity
    falls back to the document's (``doc_validity``) field by field, then
    :func:`huiqi.rules.validity.effective_validity` applies the issue date
    and a title's year (2024年…政策清单 → 2024)."""
    d = clause.get("document") or {}
    validity = dict(clause.get("validity") or {})
    for k, v in (doc_validity or {}).items():
        if validity.get(k) in (None, "") and v not in (None, ""):
            validity[k] = v
    validity = effective_validity(validity, d)  # never before the issue date; a title's year
    return {
        "id": clause["id"],
        "key": clause.get("key"),
        "kind": clause.get("kind"),
        "document": {
            "id": d.get("id"),
            "title": d.get("title"),
            "level": d.get("level"),
            "region": d.get("region"),
        },
        "path": list(clause.get("path") or []),
        "text": clause.get("text") or "",
        "source": dict(clause.get("source") or {}),
        "validity": {k: validity.get(k) for k in ("start", "end", "basis", "relative")},
        "responsible_units": list(clause.get("responsible_units") or []),
        "fields": dict(clause.get("fields") or {}),
        "contacts": list(clause.get("contacts") or []),
        "amounts": list(clause.get("amounts") or []),
    }


def indexed_text(record: dict) -> str:
    """The text indexed for a record: title, heading path, clause text and
    guide field values not already contained in the text, one per line."""
    parts = [record["document"].get("title") or "", " ".join(record.get("path") or []), record["text"]]
    for value in (record.get("fields") or {}).values():
        value = str(value)
        if value and value not in record["text"]:
            parts.append(value)
    return "\n".join(p for p in parts if p)


def heading_text(record: dict) -> str:
    """The heading text of a record: document title and heading path (the
    second, short field scored separately so a query naming the topic of a
    document or heading ranks that clause up)."""
    return "\n".join([record["document"].get("title") or "", *(record.get("path") or [])])


def _terms_digest() -> str:
    return hashlib.sha1(seg._read_data(seg.TERMS_FILE).encode("utf-8")).hexdigest()[:12]


def fingerprint(pairs) -> str:
    """Hash of the ``(clause id, clause key)`` pairs (any order) and of the
    tokenizer version; identifies the indexed content."""
    h = hashlib.sha1(f"{INDEX_VERSION}|{_terms_digest()}".encode())
    for cid, key in sorted((int(i), str(k)) for i, k in pairs):
        h.update(f"\n{cid}:{key}".encode())
    return h.hexdigest()


class KeywordIndex:
    """BM25 index over clause records.

    ``records`` — the clause records (see :func:`clause_record`) in index
    order; ``fingerprint`` — see :func:`fingerprint`; ``build_seconds`` —
    time of the last build (0 when loaded).
    """

    def __init__(self, records: list[dict], retriever, fp: str, build_seconds: float = 0.0, headings=None) -> None:
        self.records = records
        self.retriever = retriever
        self.headings = headings
        self.fingerprint = fp
        self.build_seconds = build_seconds
        self.position = {r["id"]: i for i, r in enumerate(records)}

    # -- building ----------------------------------------------------------

    @classmethod
    def build(cls, clauses: list[dict], doc_validity: dict[int, dict] | None = None) -> "KeywordIndex":
        """Build from ``list_policies`` clause dicts; ``doc_validity`` maps a
        document id to its ``validity`` dict (used when a clause has none)."""
        import bm25s

        _quiet_bm25s()
        t0 = time.perf_counter()
        doc_validity = doc_validity or {}
        records = [clause_record(c, doc_validity.get((c.get("document") or {}).get("id"))) for c in clauses]
        corpus = [seg.index_tokens(indexed_text(r)) or [""] for r in records]
        retriever = headings = None
        if corpus:
            retriever = bm25s.BM25()
            retriever.index(corpus, show_progress=False)
            headings = bm25s.BM25()
            headings.index([seg.index_tokens(heading_text(r)) or [""] for r in records], show_progress=False)
        fp = fingerprint((r["id"], r["key"]) for r in records)
        return cls(records, retriever, fp, time.perf_counter() - t0, headings)

    # -- scoring -----------------------------------------------------------

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every record (index order) for ``tokens``
        (duplicates ignored; unknown tokens contribute nothing)."""
        if self.retriever is None or not tokens:
            return np.zeros(len(self.records), dtype=np.float32)
        return self.retriever.get_scores(list(dict.fromkeys(tokens)))

    def heading_scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every record's heading text (title + path)."""
        if self.headings is None or not tokens:
            return np.zeros(len(self.records), dtype=np.float32)
        return self.headings.get_scores(list(dict.fromkeys(tokens)))

    # -- persistence -------------------------------------------------------

    def save(self, directory: str | Path) -> Path:
        """Write the index and make ``directory`` point at it. Several
        processes (hosts) may save at once: each version is written to a
        private temp dir, renamed to ``<directory>-versions/<fingerprint>``
        (never changed afterwards; a version another process already wrote
        is kept as is), and ``directory`` is a symbolic link swapped
        atomically (:func:`os.replace`) to the version. A reader resolves the
        link once (:meth:`load`), so it never mixes files of two versions.
        Versions no longer linked are removed after
        :data:`KEEP_OLD_VERSIONS_SECONDS`. Returns ``directory``."""
        import os
        import uuid

        directory = Path(directory)
        versions = directory.with_name(directory.name + VERSIONS_SUFFIX)
        versions.mkdir(parents=True, exist_ok=True)
        final = versions / (self.fingerprint[:40] or "empty")
        if not (final / _FINGERPRINT).is_file():
            tmp = versions / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            tmp.mkdir(parents=True)
            try:
                if self.retriever is not None:
                    self.retriever.save(str(tmp), show_progress=False)
                    self.headings.save(str(tmp / _HEADINGS), show_progress=False)
                (tmp / _RECORDS).write_text(json.dumps(self.records, ensure_ascii=False), encoding="utf-8")
                (tmp / _FINGERPRINT).write_text(self.fingerprint, encoding="utf-8")
                try:
                    tmp.rename(final)  # atomic; refused when another process published it first
                except OSError:
                    pass
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        link = directory.with_name(f".{directory.name}.link-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        os.symlink(f"{versions.name}/{final.name}", link)
        try:
            os.replace(link, directory)
        except OSError:  # a plain directory written by an older huiqi
            shutil.rmtree(directory, ignore_errors=True)
            os.replace(link, directory)
        _prune_versions(versions, keep=final)
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> "KeywordIndex":
        """Read an index written by :meth:`save`. Raises ``FileNotFoundError``
        when it is missing or incomplete."""
        import bm25s

        _quiet_bm25s()
        directory = Path(directory).resolve()  # one version, even if the link moves meanwhile
        fp_file = directory / _FINGERPRINT
        if not fp_file.is_file():
            raise FileNotFoundError(str(fp_file))
        records = json.loads((directory / _RECORDS).read_text(encoding="utf-8"))
        retriever = headings = None
        if records:
            retriever = bm25s.BM25.load(str(directory), show_progress=False)
            headings = bm25s.BM25.load(str(directory / _HEADINGS), show_progress=False)
        return cls(records, retriever, fp_file.read_text(encoding="utf-8").strip(), headings=headings)

    @staticmethod
    def stored_fingerprint(directory: str | Path) -> str | None:
        """The fingerprint saved in ``directory`` or ``None``."""
        try:
            return (Path(directory) / _FINGERPRINT).read_text(encoding="utf-8").strip()
        except OSError:
            return None


def _prune_versions(versions: Path, keep: Path) -> None:
    """Remove saved versions other than ``keep`` (and abandoned temp dirs)
    last modified more than :data:`KEEP_OLD_VERSIONS_SECONDS` ago."""
    now = time.time()
    try:
        entries = list(versions.iterdir())
    except OSError:
        return
    for d in entries:
        try:
            old = now - d.stat().st_mtime > KEEP_OLD_VERSIONS_SECONDS
        except OSError:
            continue
        if d != keep and old:
            shutil.rmtree(d, ignore_errors=True)


def index_dir(db_url: str) -> Path:
    """``derived_dir(db_url)/search/keyword`` (parents created)."""
    from huiqi.config import derived_dir

    d = derived_dir(db_url) / SEARCH_DIR
    d.mkdir(parents=True, exist_ok=True)
    return d / KEYWORD_DIR


def current_pairs(session) -> list[tuple[int, str]]:
    """``(clause id, key)`` of every clause of current file versions, drafts
    and repealed documents left out, plus ``(0, lifecycle revision)`` so a
    publication or a metadata correction changes the fingerprint."""
    from sqlalchemy import select

    from huiqi.kb.lifecycle import hidden_document_ids, revision
    from huiqi.kb.models import Clause, Document, SourceFile

    stmt = (
        select(Clause.id, Clause.key)
        .join(Document, Clause.document_id == Document.id)
        .join(SourceFile, Document.source_file_id == SourceFile.id)
        .where(SourceFile.is_current.is_(True), Document.id.not_in(hidden_document_ids()))
    )
    return [(i, k) for i, k in session.execute(stmt)] + [(0, revision(session))]


def build_from_session(session) -> KeywordIndex:
    """Build a :class:`KeywordIndex` over the current clauses of a session."""
    from huiqi.kb.queries import list_documents, list_policies

    doc_validity = {d["id"]: d["validity"] for d in list_documents(session)}
    return KeywordIndex.build(list_policies(session), doc_validity)


def build_or_load(engine_url: str, session, rebuild: bool = False) -> KeywordIndex:
    """The keyword index of the database ``engine_url``: loaded from
    ``derived_dir/search/keyword`` when its fingerprint matches the current
    clauses, otherwise (or when ``rebuild``) built from ``session`` and
    saved. A corrupt stored index is rebuilt."""
    directory = index_dir(engine_url)
    fp = fingerprint(current_pairs(session))
    resolved = directory.resolve()  # the version linked now (another host may relink meanwhile)
    if not rebuild and KeywordIndex.stored_fingerprint(resolved) == fp:
        try:
            return KeywordIndex.load(resolved)
        except (OSError, ValueError, KeyError) as exc:  # corrupt: rebuild
            log.warning("rebuilding keyword index: %s", exc)
    index = build_from_session(session)
    index.fingerprint = fp  # includes the lifecycle revision (see current_pairs)
    try:
        index.save(directory)
    except OSError as exc:  # read-only location: keep the in-memory index
        log.warning("cannot save keyword index: %s", exc)
    return index


def refresh(db_url: str, semantic: bool | None = None) -> dict:
    """Build or refresh the persisted search indexes of the database
    ``db_url`` after an ingest (called by ``huiqi ingest``): the keyword
    index always (full rebuild when the clause fingerprint changed, ~2 s on
    the bundled corpus), the semantic index when ``semantic`` is true or,
    when ``None``, when ``$HUIQI_SEMANTIC_INDEX`` is ``1`` (incremental:
    only new/changed clauses are embedded; ~45 s for the whole bundled
    corpus on 2 cores with the local model, so it is not built by default).

    Returns ``{"keyword": {"seconds", "clauses", "rebuilt"},
    "semantic": {"seconds", "passages"} | None}``. Errors of the database
    propagate; a semantic-index failure is reported as
    ``{"error": message}`` in ``"semantic"`` instead of raising."""
    import os

    from huiqi.kb.db import disposing, get_engine, session_scope

    if semantic is None:
        semantic = os.environ.get("HUIQI_SEMANTIC_INDEX", "").strip() == "1"
    out: dict = {"keyword": None, "semantic": None}
    engine = get_engine(db_url)
    with disposing(engine), session_scope(engine) as s:
        directory = index_dir(db_url)
        before = KeywordIndex.stored_fingerprint(directory)
        t0 = time.perf_counter()
        index = build_or_load(db_url, s)
        out["keyword"] = {"seconds": round(time.perf_counter() - t0, 3), "clauses": len(index.records),
                          "rebuilt": before != index.fingerprint}
        if semantic:
            from huiqi.kb.queries import list_policies
            from huiqi.search import semantic as sem

            t0 = time.perf_counter()
            try:
                sidx = sem.build_or_load(sem.index_dir(db_url), list_policies(s))
                out["semantic"] = {"seconds": round(time.perf_counter() - t0, 3), "passages": len(sidx)}
            except Exception as exc:  # keyword search keeps working without it
                out["semantic"] = {"error": f"{type(exc).__name__}: {exc}"}
    return out

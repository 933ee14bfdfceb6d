"""Keyword index (关键词索引): BM25 over clauses, updated incrementally.

What is indexed for a clause: document title + heading path + clause text
(+ guide fields not already in the text), tokenised by
:func:`huiqi.search.segment.index_tokens` (domain dictionary, search-mode
sub-words, money tokens) — once per clause, when it enters the index
(:func:`record_tokens`; title and heading lines shared by many clauses are
segmented once per process).

Parts: :class:`huiqi.search.postings.Postings` (BM25 term frequencies in
segments, scored at query time with the current statistics, so an
incremental update scores exactly like a full rebuild),
:class:`huiqi.search.records.RecordStore` (the clause records, read through
from a memory-mapped JSON-lines file) and
:class:`huiqi.search.records.Columns` (filter columns as numpy arrays).

Incremental API (issue 17)
--------------------------
* :meth:`KeywordIndex.apply` ``(session, added=ids, retired=ids)`` — update
  a loaded index in place: the clauses ``retired`` (replaced or removed)
  stop matching, the clauses ``added`` are read from the database,
  tokenised and appended. A replaced document = its old clause ids retired
  + its new ids added. Returns ``{"added", "retired"}`` counts.
* :meth:`KeywordIndex.sync` ``(session)`` — find those ids itself by
  comparing the index with the database (clause ids — a clause row is
  written once per file version, never changed in place — and the document
  fields copied into the records, so a metadata correction re-indexes that
  document's clauses) and :meth:`apply` them. Cost: one
  narrow SELECT of ``(id, key, document id)`` + one of the documents, plus
  the tokenising of what changed.
* :meth:`KeywordIndex.covers` — the KB state the index reflects:
  ``{"clauses": live clause count, "max_clause_id", "revision": lifecycle
  revision}``, comparable with :func:`kb_mark` (one cheap aggregate SELECT);
  :attr:`KeywordIndex.generation` counts persisted updates.
* :func:`refresh` ``(db_url)`` — bring the *persisted* index up to date
  (under a file lock: load, :meth:`sync`, append to the files); a full
  rebuild only when there is no usable stored index or the tokenizer
  changed. :func:`stored_state` ``(db_url)`` reads its ``state.json``
  (``generation``, ``covers``, ``fingerprint``) without loading anything.

Persistence: ``derived_dir(db_url)/search/keyword/state.json`` names the
current epoch directory ``e<N>/`` holding the postings segments
(``seg-<n>.*.npy``), ``vocab.txt``, ``doclen.npy``, ``alive.npy``,
``records.jsonl`` + ``offsets.npy`` and ``columns.npz``. Files of an epoch
are only appended to (records, vocabulary, new segments) or replaced whole
by rename (small arrays), and ``state.json`` is replaced last, so readers
in other processes always see a consistent index. When more than
:data:`COMPACT_DEAD_SHARE` of the rows are retired or there are more than
:data:`huiqi.search.postings.MAX_SEGMENTS` segments, the next save writes a
compacted new epoch (no re-tokenising) and removes the old one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from huiqi.search import segment as seg
from huiqi.search.clause_text import clause_record, heading_text, indexed_text, record_terms, record_tokens  # noqa: F401 (API)
from huiqi.search.postings import MAX_SEGMENTS, Postings
from huiqi.search.records import Columns, RecordStore
from huiqi.search.summary import Summary

INDEX_VERSION = "kw-4"
"""Bump when the indexed text or tokenisation changes (forces a rebuild)."""

SEARCH_DIR = "search"
KEYWORD_DIR = "keyword"
_STATE = "state.json"
#: share of retired rows above which a save compacts the index
COMPACT_DEAD_SHARE = 0.25
#: clauses read and tokenised per batch (a full build never holds more)
BATCH = 2000

log = logging.getLogger(__name__)


def _terms_digest() -> str:
    return hashlib.sha1(seg._read_data(seg.TERMS_FILE).encode("utf-8")).hexdigest()[:12]


def tokenizer_version() -> str:
    """:data:`INDEX_VERSION` and the dictionary digest: a stored index of
    another tokenizer version is rebuilt."""
    return f"{INDEX_VERSION}|{_terms_digest()}"


def fingerprint(pairs) -> str:
    """Hash of the ``(clause id, clause key)`` pairs (any order) and of the
    tokenizer version; identifies the indexed content."""
    h = hashlib.sha1(tokenizer_version().encode())
    for cid, key in sorted((int(i), str(k)) for i, k in pairs):
        h.update(f"\n{cid}:{key}".encode())
    return h.hexdigest()


def kb_mark(session) -> dict:
    """What the index should cover, in one aggregate SELECT:
    ``{"clauses", "max_clause_id", "revision"}`` of the current visible
    clauses (compare with :meth:`KeywordIndex.covers`)."""
    from sqlalchemy import func, select

    from huiqi.kb.lifecycle import hidden_document_ids, revision
    from huiqi.kb.models import Clause, Document, SourceFile

    n, top = session.execute(
        select(func.count(Clause.id), func.max(Clause.id))
        .join(Document, Clause.document_id == Document.id)
        .join(SourceFile, Document.source_file_id == SourceFile.id)
        .where(SourceFile.is_current.is_(True), Document.id.not_in(hidden_document_ids()))).one()
    return {"clauses": int(n or 0), "max_clause_id": int(top or 0), "revision": revision(session)}


class KeywordIndex:
    """BM25 index over clause records (see the module docstring).

    ``records`` — every record ever added, in index order (retired ones
    included: use :meth:`live_records`); ``position`` — clause id → index
    position of the live records; ``fingerprint`` — hash of the live
    ``(id, key)`` pairs and the tokenizer version; ``generation`` — number
    of persisted updates of the stored index this one was loaded from or
    saved as; ``build_seconds`` — time of the last build (0 when loaded).
    """

    def __init__(self, postings: Postings | None = None, records: RecordStore | None = None,
                 columns: Columns | None = None, build_seconds: float = 0.0) -> None:
        self.postings = postings or Postings()
        self.records = records if records is not None else RecordStore()
        self.columns = columns or Columns()
        self.build_seconds = build_seconds
        #: held while the index changes (apply/sync) and by searches, so a
        #: thread never sees half an update
        self.lock = threading.RLock()
        self.generation = 0
        self.epoch = 0
        self.revision = ""
        self.doc_sigs: dict[int, str] = {}
        #: popular topics and unit names of the live clauses (:mod:`huiqi.search.summary`)
        self.summary = Summary()
        self._stored_segments: set[str] = set()
        self._reposition()

    def _reposition(self) -> None:
        alive = np.flatnonzero(self.postings.alive) if len(self.postings) else np.zeros(0, dtype=np.int64)
        self.position = dict(zip(self.columns.ids[alive].tolist(), alive.tolist()))
        self.fingerprint = self._fingerprint()

    def _fingerprint(self) -> str:
        alive = self.postings.alive
        ids, keys = self.columns.ids[alive], self.columns.keyh[alive]
        order = np.argsort(ids, kind="stable")
        h = hashlib.sha1(tokenizer_version().encode())
        h.update(np.ascontiguousarray(ids[order]).tobytes())
        h.update(np.ascontiguousarray(keys[order]).tobytes())
        h.update(self.revision.encode())
        return h.hexdigest()

    # -- building and updating ---------------------------------------------

    @classmethod
    def build(cls, clauses: list[dict], doc_validity: dict[int, dict] | None = None) -> "KeywordIndex":
        """Build in memory from ``list_policies`` clause dicts;
        ``doc_validity`` maps a document id to its ``validity`` dict (used
        when a clause has none)."""
        t0 = time.perf_counter()
        index = cls()
        doc_validity = doc_validity or {}
        index.add_records([clause_record(c, doc_validity.get((c.get("document") or {}).get("id"))) for c in clauses])
        index.build_seconds = time.perf_counter() - t0
        return index

    def add_records(self, records: list[dict], tokens: list[list[str]] | None = None,
                    texts: list[str] | None = None) -> None:
        """Append clause records (a clause id already live is retired first);
        ``tokens`` and ``texts`` — their :func:`record_terms` when already
        computed."""
        old = [r["id"] for r in records if r["id"] in self.position]
        if old:
            self.retire(old)
        if tokens is None:
            tokens, texts = _terms(records)
        self.postings.add(tokens)
        self.records.extend(records)
        self.columns.append(records)
        self.summary.add(records, texts)
        start = len(self.postings) - len(records)
        for i, r in enumerate(records):
            self.position[r["id"]] = start + i
        self.fingerprint = self._fingerprint()

    def retire(self, clause_ids) -> int:
        """Stop matching the clauses ``clause_ids`` (unknown ids ignored);
        returns how many were live."""
        pos = [self.position.pop(int(c)) for c in clause_ids if int(c) in self.position]
        self.summary.remove(self.records[p] for p in pos)
        self.postings.retire(pos)
        self.fingerprint = self._fingerprint()
        return len(pos)

    def apply(self, session, added=(), retired=()) -> dict:
        """Update in place from the database ``session``: retire the clause
        ids ``retired``, then read, tokenise and add the clause ids
        ``added`` (in batches of :data:`BATCH`). Returns ``{"added",
        "retired"}``."""
        from huiqi.kb.queries import clause_records_by_ids

        added = sorted({int(i) for i in added})
        batches = []
        for k in range(0, len(added), BATCH):  # read and tokenise first, then change the index at once
            rows = clause_records_by_ids(session, added[k:k + BATCH])
            records = [clause_record(c, v) for c, v in rows]
            batches.append((records, *_terms(records)))
        with self.lock:
            n_ret = self.retire(retired)
            for records, tokens, texts in batches:
                self.add_records(records, tokens, texts)
        return {"added": sum(len(b[0]) for b in batches), "retired": n_ret}

    def sync(self, session) -> dict:
        """Bring the index in line with the database (see the module
        docstring): ``{"added", "retired", "seconds"}``."""
        from huiqi.kb.lifecycle import revision
        from huiqi.kb.queries import current_clause_rows, document_signatures

        t0 = time.perf_counter()
        rows = current_clause_rows(session)
        sigs = document_signatures(session)
        changed_docs = {d for d, s in sigs.items() if self.doc_sigs.get(d, s) != s}
        live = self.position
        want = set()
        added = []
        # a clause row is written once per file version and never rekeyed in
        # place (huiqi.kb.ingest), so a live id only changes with its document
        for cid, _key, doc in rows:
            want.add(cid)
            if cid not in live or doc in changed_docs:
                added.append(cid)
        retired = [cid for cid in live if cid not in want] + [cid for cid in added if cid in live]
        self.revision = revision(session)
        out = self.apply(session, added, retired)
        self.doc_sigs = sigs
        self.fingerprint = self._fingerprint()
        out["seconds"] = round(time.perf_counter() - t0, 3)
        return out

    # -- reading -----------------------------------------------------------

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every record (index order) for ``tokens``
        (duplicates ignored; unknown tokens and retired records give 0)."""
        return self.postings.scores(tokens)

    def heading_scores(self, tokens: list[str]) -> np.ndarray:
        """Kept for callers of the earlier API: the separate heading index
        was dropped (its weight was 0 by measurement); zeros."""
        return np.zeros(len(self.postings), dtype=np.float32)

    def doc_freqs(self) -> dict[str, int]:
        """``token → number of live clauses containing it``."""
        return self.postings.doc_freqs()

    @property
    def alive(self) -> np.ndarray:
        """Boolean array (index order): which records are live."""
        return self.postings.alive

    def live_records(self):
        """The live records (iterator, index order)."""
        for i in np.flatnonzero(self.postings.alive).tolist():
            yield self.records[i]

    def __len__(self) -> int:
        return len(self.position)

    def covers(self) -> dict:
        """The KB state this index reflects (see :func:`kb_mark`)."""
        ids = self.columns.ids[self.postings.alive] if len(self.postings) else np.zeros(0, dtype=np.int64)
        return {"clauses": int(len(ids)), "max_clause_id": int(ids.max()) if len(ids) else 0,
                "revision": self.revision}

    # -- persistence -------------------------------------------------------

    def _state(self) -> dict:
        return {"tokenizer": tokenizer_version(), "generation": self.generation, "epoch": self.epoch,
                "fingerprint": self.fingerprint, "covers": self.covers(), "revision": self.revision,
                "postings": self.postings.meta(), "records": len(self.postings),
                "doc_sigs": {str(k): v for k, v in self.doc_sigs.items()}}

    def save(self, directory: str | Path) -> Path:
        """Persist into ``directory`` (the ``keyword`` dir): appended to the
        stored epoch when this index was loaded from (or last saved as) the
        stored generation, else written whole as a new, compacted epoch.
        Call under :func:`write_lock` when processes share the directory."""
        with self.lock:
            return self._save(Path(directory))

    def _save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        stored = _read_state(directory)
        dead = len(self.postings) - len(self.position)
        same = (stored is not None and stored.get("generation") == self.generation
                and stored.get("epoch") == self.epoch and stored.get("tokenizer") == tokenizer_version()
                and (directory / f"e{self.epoch}").is_dir())
        compact = (dead > COMPACT_DEAD_SHARE * max(len(self.postings), 1)
                   or len(self.postings.segments) > MAX_SEGMENTS)
        if same and not compact:
            epoch_dir = directory / f"e{self.epoch}"
            self.records.flush(epoch_dir)
            self._stored_segments = set(self.postings.save(epoch_dir, self._stored_segments))
            self.columns.save(epoch_dir)
            self.summary.save(epoch_dir)
            self.generation += 1
        else:
            self._write_epoch(directory, (stored or {}).get("epoch", self.epoch) + 1)
            self.generation = (stored or {}).get("generation", self.generation) + 1
        _write_state(directory, self._state())
        self._reopen(directory)
        return directory

    def _write_epoch(self, directory: Path, epoch: int) -> None:
        keep = self.postings.compact()
        epoch_dir = directory / f"e{epoch}"
        shutil.rmtree(epoch_dir, ignore_errors=True)
        RecordStore.write(epoch_dir, (self.records.raw(int(i)) for i in keep))
        self.columns.take(keep)
        self._stored_segments = set(self.postings.save(epoch_dir))
        self.columns.save(epoch_dir)
        self.summary.save(epoch_dir)
        self.epoch = epoch

    def _reopen(self, directory: Path) -> None:
        """Map the records just written (drops the in-memory copies) and
        remove epochs other than the current one."""
        epoch_dir = directory / f"e{self.epoch}"
        old = self.records
        self.records = RecordStore.open(epoch_dir, len(self.postings))
        if old is not self.records:
            old.close()
        self._reposition()
        for d in directory.iterdir():
            if d.name in (_STATE, ".lock", f"e{self.epoch}") or d.name.endswith(".tmp"):
                continue
            if d.is_dir():  # older epochs, the bm25s heading index of index version kw-3
                shutil.rmtree(d, ignore_errors=True)
            else:  # records.json, fingerprint.txt, bm25s arrays of kw-3
                d.unlink(missing_ok=True)

    @classmethod
    def load(cls, directory: str | Path) -> "KeywordIndex":
        """Read an index written by :meth:`save` (postings and records
        memory-mapped). Raises ``FileNotFoundError`` when it is missing and
        ``ValueError`` when it is incomplete or of another tokenizer version."""
        directory = Path(directory)
        state = _read_state(directory)
        if state is None:
            raise FileNotFoundError(str(directory / _STATE))
        if state.get("tokenizer") != tokenizer_version():
            raise ValueError("keyword index of another tokenizer version")
        epoch_dir = directory / f"e{state['epoch']}"
        try:
            postings = Postings.load(epoch_dir, state["postings"])
            records = RecordStore.open(epoch_dir, state["records"])
            columns = Columns.load(epoch_dir, state["records"])
        except (OSError, KeyError) as exc:
            raise ValueError(f"incomplete keyword index: {exc}") from exc
        index = cls(postings, records, columns)
        index.generation, index.epoch = int(state["generation"]), int(state["epoch"])
        index.revision = state.get("revision") or ""
        index.doc_sigs = {int(k): v for k, v in (state.get("doc_sigs") or {}).items()}
        index._stored_segments = {s[0] for s in state["postings"]["segments"]}
        try:
            index.summary = Summary.load(epoch_dir)
        except (OSError, ValueError, KeyError):  # older index or another dictionary: count again
            index.summary = Summary()
            index.summary.add(index.live_records())
        index._reposition()
        return index

    @staticmethod
    def stored_fingerprint(directory: str | Path) -> str | None:
        """The fingerprint saved in ``directory`` or ``None``."""
        state = _read_state(Path(directory))
        return None if state is None else state.get("fingerprint")


def _terms(records: list[dict]) -> tuple[list[list[str]], list[str]]:
    """``(tokens, normalised clause texts)`` of ``records`` (:func:`record_terms`)."""
    pairs = [record_terms(r) for r in records]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _read_state(directory: Path) -> dict | None:
    try:
        return json.loads((directory / _STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_state(directory: Path, state: dict) -> None:
    tmp = directory / (_STATE + ".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    tmp.replace(directory / _STATE)


@contextmanager
def write_lock(directory: Path):
    """Exclusive lock (``fcntl.flock``) on the index directory while it is
    updated, so two processes never append to the same files."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "a+") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def index_dir(db_url: str) -> Path:
    """``derived_dir(db_url)/search/keyword`` (parents created)."""
    from huiqi.config import derived_dir

    d = derived_dir(db_url) / SEARCH_DIR
    d.mkdir(parents=True, exist_ok=True)
    return d / KEYWORD_DIR


def stored_state(db_url: str) -> dict | None:
    """``{"generation", "covers": {"clauses", "max_clause_id", "revision"},
    "fingerprint", ...}`` of the persisted index of ``db_url`` (reads one
    small JSON file), ``None`` when there is none."""
    state = _read_state(index_dir(db_url))
    if state is not None:
        state.pop("doc_sigs", None)
    return state


def current_pairs(session) -> list[tuple[int, str]]:
    """``(clause id, key)`` of every clause of current file versions, drafts
    and repealed documents left out, plus ``(0, lifecycle revision)``."""
    from huiqi.kb.lifecycle import revision
    from huiqi.kb.queries import current_clause_rows

    return [(i, k) for i, k, _d in current_clause_rows(session)] + [(0, revision(session))]


def build_from_session(session) -> KeywordIndex:
    """Build a :class:`KeywordIndex` over the current clauses of a session,
    reading and tokenising :data:`BATCH` clauses at a time."""
    t0 = time.perf_counter()
    index = KeywordIndex()
    index.sync(session)
    index.postings.compact()  # one segment (a fresh build has no retired rows)
    index.build_seconds = time.perf_counter() - t0
    return index


def build_into(directory: Path, session) -> KeywordIndex:
    """Full build streamed to disk: :data:`BATCH` clauses at a time are read,
    tokenised and their records appended to a new epoch's file (memory
    holds the postings and the columns, never every record or token list);
    then saved as the current stored index."""
    from huiqi.kb.lifecycle import revision
    from huiqi.kb.queries import clause_records_by_ids, current_clause_ids, document_signatures

    t0 = time.perf_counter()
    stored = _read_state(directory) or {}
    index = KeywordIndex()
    index.epoch = int(stored.get("epoch", 0)) + 1
    epoch_dir = directory / f"e{index.epoch}"
    shutil.rmtree(epoch_dir, ignore_errors=True)
    ids = current_clause_ids(session)
    index.doc_sigs = document_signatures(session)
    index.revision = revision(session)
    for k in range(0, len(ids), BATCH):
        rows = clause_records_by_ids(session, ids[k:k + BATCH])
        index.add_records([clause_record(c, v) for c, v in rows])
        index.records.flush(epoch_dir)
        index.records = RecordStore.open(epoch_dir, len(index.postings))
    if not ids:
        index.records.flush(epoch_dir)
    index.postings.compact()
    index._stored_segments = set(index.postings.save(epoch_dir))
    index.columns.save(epoch_dir)
    index.summary.save(epoch_dir)
    index.generation = int(stored.get("generation", 0)) + 1
    index._reposition()
    _write_state(directory, index._state())
    index._reopen(directory)
    index.build_seconds = time.perf_counter() - t0
    return index


def build_or_load(engine_url: str, session, rebuild: bool = False) -> KeywordIndex:
    """The keyword index of the database ``engine_url``, up to date with
    ``session``: the stored one loaded and synced (incremental; saved when
    something changed), or built when missing, unreadable, of another
    tokenizer version or when ``rebuild``."""
    directory = index_dir(engine_url)
    with write_lock(directory):
        index = None
        if not rebuild:
            try:
                index = KeywordIndex.load(directory)
            except FileNotFoundError:
                pass
            except (OSError, ValueError, KeyError) as exc:  # corrupt or other version: rebuild
                log.warning("rebuilding keyword index: %s", exc)
        if index is None:
            try:
                index = build_into(directory, session)
            except OSError as exc:  # read-only location: keep an in-memory index
                log.warning("cannot save keyword index: %s", exc)
                index = build_from_session(session)
            index.last_change = {"added": len(index), "retired": 0, "rebuilt": True}
            return index
        changed = index.sync(session)
        if changed["added"] or changed["retired"] or index.fingerprint != KeywordIndex.stored_fingerprint(directory):
            try:
                index.save(directory)
            except OSError as exc:  # read-only location: keep the in-memory index
                log.warning("cannot save keyword index: %s", exc)
        index.last_change = {**changed, "rebuilt": False}
    return index


def refresh(db_url: str, semantic: bool | None = None) -> dict:
    """Build or refresh the persisted search indexes of the database
    ``db_url`` after an ingest (called by ``huiqi ingest``): the keyword
    index always (incremental: only the clauses added, replaced or retired
    since the stored index are tokenised; a full build when there is none),
    the semantic index when ``semantic`` is true or,
    when ``None``, when ``$HUIQI_SEMANTIC_INDEX`` is ``1`` (incremental:
    only new/changed clauses are embedded; ~45 s for the whole bundled
    corpus on 2 cores with the local model, so it is not built by default).

    Returns ``{"keyword": {"seconds", "clauses", "changed", "rebuilt",
    "added", "retired", "generation"},
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
        ch = index.last_change
        out["keyword"] = {"seconds": round(time.perf_counter() - t0, 3), "clauses": len(index),
                          "changed": before != index.fingerprint, "rebuilt": bool(ch.get("rebuilt")),
                          "added": ch["added"], "retired": ch["retired"], "generation": index.generation}
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

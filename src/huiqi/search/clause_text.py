"""What the keyword index indexes for a clause (条款检索文本): its record and its tokens.

* :func:`clause_record` — the dict kept per clause (a subset of a
  ``list_policies`` dict, validity filled from the document);
* :func:`indexed_text` — title, heading path, clause text and guide field
  values not already in the text, one per line;
* :func:`record_tokens` — :func:`huiqi.search.segment.index_tokens` of that
  text, computed once per clause when it enters the index, line by line so
  that title and heading lines shared by a document's clauses are
  segmented once per process.
"""

from __future__ import annotations

from functools import lru_cache

from huiqi.rules.validity import effective_validity
from huiqi.search import segment as seg


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


@lru_cache(maxsize=200_000)
def _token_words(token: str) -> tuple[str, ...]:
    """The indexed words of one precise-mode token: its dictionary sub-words
    (search mode) and itself, without punctuation, stopwords and small numbers."""
    return tuple(t for t in seg._search_mode([token]) if seg._keep(t))


@lru_cache(maxsize=seg.BLOCK_CACHE)
def _run_words(run: str) -> tuple[str, ...]:
    """The indexed words of one run jieba cuts (see :func:`huiqi.search.segment.split_runs`)."""
    return tuple(w for tok in seg._cut_block(run) for w in _token_words(tok))


def _text_words(text: str) -> list[str]:
    """``[w for tok in segment(text) for w in _token_words(tok)]``, with the
    words of each run cached as a whole."""
    words: list[str] = []
    for i, piece in enumerate(seg.split_runs(text)):
        if i & 1:
            words.extend(_run_words(piece))
        else:
            for ch in piece:
                if not ch.isspace():
                    words.extend(_token_words(ch))
    return words


@lru_cache(maxsize=8192)
def _line_words(line: str) -> tuple[str, ...]:
    return tuple(_text_words(line))


def record_tokens(record: dict) -> list[str]:
    """:func:`huiqi.search.segment.index_tokens` of :func:`indexed_text`,
    computed line by line (jieba never joins words across a line break) so
    that the title and heading lines, repeated in every clause of a
    document, are segmented once (LRU cache); the search-mode expansion and
    the stopword test are cached per token."""
    text = indexed_text(record)
    words: list[str] = []
    for line in text.split("\n"):
        if not line:
            continue
        if len(line) <= 120:
            words.extend(_line_words(line))
        else:
            words.extend(_text_words(line))
    return words + seg.money_tokens(text)

"""What the keyword index indexes for a clause (条款检索文本): its record and its tokens.

* :func:`clause_record` — the dict kept per clause (a subset of a
  ``list_policies`` dict, validity filled from the document);
* :func:`indexed_text` — title, heading path, clause text and guide field
  values not already in the text, one per line;
* :func:`record_tokens` — :func:`huiqi.search.segment.index_tokens` of that
  text, computed once per clause when it enters the index;
  :func:`record_terms` gives them with the normalised clause text
  (:class:`huiqi.search.summary.Summary` reads it), from one NFKC pass. The
  title and heading lines shared by a document's clauses are normalised and
  segmented once per process, so is a body (clause text and field values)
  reprinted in several documents; jieba's words of each run and the
  search-mode words of each token are cached.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import chain

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
        "validity": _record_validity(validity, d),
        "responsible_units": list(clause.get("responsible_units") or []),
        "fields": dict(clause.get("fields") or {}),
        "contacts": list(clause.get("contacts") or []),
        "amounts": list(clause.get("amounts") or []),
    }


_VALIDITY_KEYS = ("start", "end", "basis", "relative")


def _record_validity(validity: dict, document: dict) -> dict:
    """``{start, end, basis, relative}`` of
    :func:`huiqi.rules.validity.effective_validity` (never before the issue
    date; a title's year), computed once per distinct input: the clauses of
    a document mostly share theirs."""
    try:
        key = (tuple(validity.items()), document.get("issued"), document.get("title"))
        hash(key)
    except TypeError:  # an unhashable value: not cached
        return _effective(validity, document)
    return dict(_cached_validity(key))


def _effective(validity: dict, document: dict) -> dict:
    out = effective_validity(validity, document)
    return {k: out.get(k) for k in _VALIDITY_KEYS}


@lru_cache(maxsize=4096)
def _cached_validity(key: tuple) -> tuple:
    items, issued, title = key
    return tuple(_effective(dict(items), {"issued": issued, "title": title}).items())


def _indexed_parts(record: dict) -> list[str]:
    """The non-empty lines (or blocks) of :func:`indexed_text`, clause text
    third when the title and the path are not empty."""
    parts = [record["document"].get("title") or "", " ".join(record.get("path") or []), record["text"]]
    for value in (record.get("fields") or {}).values():
        value = str(value)
        if value and value not in record["text"]:
            parts.append(value)
    return [p for p in parts if p]


def indexed_text(record: dict) -> str:
    """The text indexed for a record: title, heading path, clause text and
    guide field values not already contained in the text, one per line."""
    return "\n".join(_indexed_parts(record))


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
    return tuple(chain.from_iterable(map(_token_words, seg._cut_block(run))))


def _text_words(text: str) -> list[str]:
    """``[w for tok in segment(text) for w in _token_words(tok)]``, with the
    words of each run cached as a whole."""
    return _normalised_words(seg.normalize_text(text))


def _normalised_words(line: str) -> list[str]:
    """:func:`_text_words` of a text already :func:`huiqi.search.segment.normalize_text`-ed:
    the words of each jieba run and of each stretch between runs (both
    cached), in text order."""
    pieces = seg._HAN_RE.split(line)  # gap, run, gap, …, run, gap
    pairs = zip(map(_gap_words, pieces[0::2]), map(_run_words, pieces[1::2]))
    return [*chain.from_iterable(chain.from_iterable(pairs)), *_gap_words(pieces[-1])]


@lru_cache(maxsize=seg.BLOCK_CACHE)
def _gap_words(gap: str) -> tuple[str, ...]:
    """The indexed words of the text between two runs: each character not
    whitespace is a token of its own (mostly punctuation: no words)."""
    return tuple(w for ch in gap if not ch.isspace() for w in _token_words(ch))


@lru_cache(maxsize=8192)
def _line_words(line: str) -> tuple[str, ...]:
    """:func:`_normalised_words` of a short normalised line (titles and
    heading paths repeat in every clause of a document)."""
    return tuple(_normalised_words(line))


@lru_cache(maxsize=8192)
def _nfkc_line(line: str) -> str:
    return seg._nfkc(line)


def record_terms(record: dict) -> tuple[list[str], str]:
    """``(tokens, normalised clause text)`` of a record: its
    :func:`record_tokens` and :func:`huiqi.search.segment.normalize_text` of
    its clause text (what :class:`huiqi.search.summary.Summary` looks terms
    up in). The title and the heading path are normalised and cut line by
    line (cached: they repeat in every clause of a document); the body —
    clause text and guide field values — at once (:func:`_body_terms`,
    cached: reprinted clauses repeat it). NFKC and lower-casing never
    cross, make or remove a line break, so each line is normalised as it
    would be in the whole indexed text."""
    parts = _indexed_parts(record)
    text = record["text"]
    start = parts.index(text) if text else len(parts)  # the body: clause text, then field values
    head_words, head_norm, head_money = _head_terms(tuple(parts[:start]))
    if start == len(parts):
        return [*head_words, *head_money], ""
    body_words, norm_text, body_norm, body_money = _body_terms("\n".join(parts[start:]), text.count("\n") + 1)
    if not head_norm:
        money = body_money
    elif seg.money_may_join(head_norm[-1]) or seg.money_may_join(body_norm[0]):  # an amount may span the break
        money = seg.normalised_money_tokens(head_norm + "\n" + body_norm)
    else:
        money = head_money + body_money
    return [*head_words, *body_words, *money], norm_text


@lru_cache(maxsize=8192)
def _head_terms(head: tuple[str, ...]) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    """``(words, NFKC text, money tokens)`` of a record's title and heading
    path lines (shared by the clauses of a document), cut line by line."""
    words: list[str] = []
    normal = []
    for part in head:
        part = _nfkc_line(part) if len(part) <= 120 else seg._nfkc(part)
        normal.append(part)
        for line in part.lower().split("\n"):
            if line:
                words.extend(_line_words(line) if len(line) <= 120 else _normalised_words(line))
    norm = "\n".join(normal)
    return tuple(words), norm, tuple(seg.normalised_money_tokens(norm))


@lru_cache(maxsize=4096)
def _body_terms(body: str, text_lines: int) -> tuple[tuple[str, ...], str, str, tuple[str, ...]]:
    """``(words, normalised clause text, NFKC body, money tokens)`` of a
    record's body (clause text, whose first ``text_lines`` lines it is, then
    guide field values, one per line); jieba's runs never hold a line
    break, so the body is cut at once."""
    norm = seg._nfkc(body)
    low = norm.lower()
    lines = low.split("\n", text_lines)
    norm_text = low if len(lines) <= text_lines else "\n".join(lines[:text_lines])
    return tuple(_normalised_words(low)), norm_text, norm, tuple(seg.normalised_money_tokens(norm))


def record_tokens(record: dict) -> list[str]:
    """:func:`huiqi.search.segment.index_tokens` of :func:`indexed_text`,
    computed line by line (jieba never joins words across a line break) so
    that the title and heading lines, repeated in every clause of a
    document, are segmented once (LRU cache); the search-mode expansion and
    the stopword test are cached per token."""
    return record_terms(record)[0]

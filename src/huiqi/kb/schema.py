"""The JSON contract of a clause (条款) with its facts: pydantic models shared
by ``huiqi policies --json`` / ``huiqi clause --json``, ``GET
/api/policies`` and ``/api/policies/{id}`` (documented in the OpenAPI page)
and the pages, all built by :func:`huiqi.kb.queries.list_policies`.

Money is yuan (元); dates ISO strings; lines are 1-based lines of the
ORIGINAL file. Extra keys are allowed (a field added by the knowledge base
is passed on); ``tests/kb/test_schema.py`` validates real clauses.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class SourceRef(_Open):
    """Citation of a clause: ``file`` (original file name) and its
    ``start_line`` / ``end_line``."""

    file: str
    start_line: int | None = None
    end_line: int | None = None


class DocumentBrief(_Open):
    """The document a clause belongs to: ``id``, ``title``, ``issuer``,
    ``level``, ``region``, ``doc_number`` (发文字号), ``issued`` (ISO date),
    ``source_file``."""

    id: int
    title: str | None = None
    issuer: str | None = None
    level: str | None = None
    region: str | None = None
    doc_number: str | None = None
    issued: str | None = None
    source_file: str | None = None


class ClauseOut(_Open):
    """One clause with its extracted facts: ``responsible_units`` (责任单位),
    ``amounts`` [{value_yuan, role, text, lines}], ``rates``, ``thresholds``
    [{attribute, op, value, unit, inclusive, text, lines}], ``validity``
    {start, end, basis, relative}, ``contacts`` [{org, phone, lines}],
    ``fields`` (canonical service-guide field → text), ``doc_numbers``
    (发文字号 cited), ``cited`` (titles cited)."""

    id: int
    key: str
    document: DocumentBrief
    path: list[str]
    kind: str
    text: str
    source: SourceRef
    responsible_units: list[str] = []
    amounts: list[dict[str, Any]] = []
    rates: list[Any] = []
    thresholds: list[dict[str, Any]] = []
    validity: dict[str, Any] = {}
    contacts: list[dict[str, Any]] = []
    fields: dict[str, Any] = {}
    doc_numbers: list[str] = []
    cited: list[str] = []

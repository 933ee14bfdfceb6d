"""The JSON contract of a calculator result (政策计算器结果): pydantic models
shared by ``huiqi match --json``, ``POST /api/match`` (documented in the
OpenAPI page) and the pages, all built from :func:`huiqi.calc.engine.match`.

Money is yuan (元, float, ``None`` = not computable); dates are ISO strings.
The models allow extra keys, so a field added by the engine is passed on;
``tests/calc/test_schema.py`` validates real answers against them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Status = Literal["eligible", "likely", "needs_info", "unchecked", "ineligible", "expired"]
Outcome = Literal["met", "to_confirm", "unknown", "unmet"]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Citation(_Open):
    """Where a fact comes from: ``file`` (name of the original file) and the
    1-based ``start_line`` / ``end_line`` of the original file."""

    file: str
    start_line: int | None = None
    end_line: int | None = None


class DocumentRef(_Open):
    """The document of a clause: ``id``, ``title``, ``level`` (国家/自治区/盟市/旗县), ``region``."""

    id: int
    title: str | None = None
    level: str | None = None
    region: str | None = None


class ReasonOut(_Open):
    """One condition of a clause and how it came out for the firm:
    ``condition`` (Chinese description), ``outcome``, ``source_text`` (the
    clause's words), ``detail`` (the firm's fact and the comparison)."""

    condition: str
    outcome: Outcome
    source_text: str | None = None
    detail: str | None = None


class BenefitOut(_Open):
    """The clause's benefit for this firm: ``min_yuan`` / ``max_yuan`` (元;
    ``None`` when the text gives no computable amount) and ``formula``."""

    min_yuan: float | None = None
    max_yuan: float | None = None
    formula: str | None = None


class ValidityOut(_Open):
    """Validity window (有效期) on the evaluation date: ``start`` / ``end``
    (ISO dates or ``None``), ``basis`` (the text that sets it), ``state``
    (in_force / expired / not_yet / unknown …) and ``note``."""

    start: str | None = None
    end: str | None = None
    basis: str | None = None
    relative: Any = None
    state: str | None = None
    note: str | None = None


class MatchItem(_Open):
    """One clause for the firm: ids, title, text, ``status``, ``reasons``,
    ``missing`` facts, ``benefit``, ``validity``, ``contacts``, ``source``
    citation, ``origin`` (extracted / reviewed), ``checked`` (matched
    against at least one fact of the firm), ``document`` and heading ``path``."""

    id: int
    key: str
    title: str
    text: str
    status: Status
    reasons: list[ReasonOut]
    missing: list[str] = []
    benefit: BenefitOut | None = None
    validity: ValidityOut | None = None
    contacts: list[dict[str, Any]] = []
    source: Citation
    origin: Literal["extracted", "reviewed"]
    checked: bool | None = None
    document: DocumentRef
    path: list[str] = []


class NextQuestion(_Open):
    """A fact worth asking for: ``fact`` (profile key), ``prompt`` (the
    Chinese question), ``settles_yuan`` (元 still undecided that it settles)
    and ``settles_clauses``; for a free fact (``facts.<中文名>``) read from
    the rules also ``kind`` (``number`` / ``yes_no`` / ``choice`` / ``text``),
    ``unit`` (元 for money, else the rules' unit) and ``choices``."""

    fact: str
    prompt: str
    settles_yuan: float | None = None
    settles_clauses: int = 0
    kind: str | None = None
    unit: str | None = None
    choices: list[str] | None = None


class MatchResult(_Open):
    """The calculator's answer for one firm on one date: ``as_of``,
    ``derived`` facts (size class with its legal source …), ``results``,
    ``total`` (元, with stacking applied), ``next_questions`` and
    ``warnings`` (Chinese lines naming the profile key)."""

    as_of: str
    derived: dict[str, Any]
    results: list[MatchItem]
    total: dict[str, Any]
    next_questions: list[NextQuestion] = []
    warnings: list[str] = []

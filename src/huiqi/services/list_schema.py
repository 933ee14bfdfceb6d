"""Pydantic contracts of the firm register and the 免申即享 lists: the
bodies the API accepts and the shapes it answers, shared by the CLI, the
API and the pages. Money in yuan (元); dates ISO; codes are
统一社会信用代码."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

Mode = Literal["A", "B", "C", "D"]
Decision = Literal["include", "exclude", "hold"]
PaymentAction = Literal["notify", "confirm", "request", "paid", "failed", "fix_account", "clawback"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CorrectionIn(_In):
    """A firm's correction (更正申请) of one fact: ``key`` a profile key or
    ``facts.<名>``; ``value`` as in a profile (``3200万元``, ``2021-03-15``)."""

    key: str = Field(..., max_length=64, examples=["employees"])
    value: Any = Field(..., examples=[85])
    note: Optional[str] = Field(None, max_length=500, examples=["2025年末社保参保人数为85人"])


class CorrectionDecisionIn(_In):
    """An officer's decision on a correction (a note is required to reject)."""

    confirm: bool
    note: Optional[str] = Field(None, max_length=500)


class ListCreateIn(_In):
    """``POST /api/lists``: the clause (id or clause key), the mode, the
    as-of date (default today) and optionally the policy's time limit in
    working days when the clause states none."""

    clause_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | Annotated[str, Field(min_length=1, max_length=40)] = Field(
        ..., examples=[123])
    mode: Mode = Field(..., examples=["B"])
    as_of: Optional[date] = Field(None, examples=["2024-06-01"])
    limit_days: Optional[int] = Field(None, ge=1, le=365)


class EntryDecisionIn(_In):
    """``POST /api/lists/{id}/entries/{code}``: include / exclude (reason
    required) / hold; ``amount_yuan`` settles an inexact amount; ``version``
    the entry version seen (optimistic lock)."""

    decision: Decision
    reason: Optional[str] = Field(None, max_length=500)
    amount_yuan: Optional[float] = Field(None, ge=0, le=1e10)
    version: Optional[int] = Field(None, ge=0, le=2**31 - 1)


class VersionIn(_In):
    """A step on the list (submit): ``version`` the list version seen."""

    version: Optional[int] = Field(None, ge=0, le=2**31 - 1)


class ApproveIn(_In):
    """``/approve``: the meeting reference (党组会 / 行署会议纪要)."""

    meeting_ref: str = Field(..., max_length=200, examples=["2026年第12次党组会纪要"])
    version: Optional[int] = Field(None, ge=0, le=2**31 - 1)


class ReasonIn(_In):
    """A step that needs a reason (退回)."""

    reason: str = Field(..., min_length=1, max_length=500)


class PublicizeIn(_In):
    """``/publicize``: 公示 length in working days (default 5)."""

    working_days: int = Field(5, ge=1, le=30)
    version: Optional[int] = Field(None, ge=0, le=2**31 - 1)


class ObjectionIn(_In):
    """``/objections`` (public): which published entry, the objection and a
    contact phone (never shown publicly)."""

    entry_id: int = Field(..., ge=1, le=2**31 - 1)
    content: str = Field(..., min_length=5, max_length=1000)
    contact_name: Optional[str] = Field(None, max_length=64)
    contact_phone: str = Field(..., max_length=32)


class ObjectionDecisionIn(_In):
    """An officer's finding on an objection."""

    upheld: bool
    reason: str = Field(..., min_length=1, max_length=500)


class PaymentIn(_In):
    """``/payments``: one 兑现 step for one firm (see
    ``data/list_payments.yaml``)."""

    code: str = Field(..., max_length=18)
    action: PaymentAction
    amount_yuan: Optional[float] = Field(None, ge=0, le=1e10)
    ref: Optional[str] = Field(None, max_length=200)
    note: Optional[str] = Field(None, max_length=500)
    account: Optional[str] = Field(None, max_length=64)


class Citation(BaseModel):
    """The clause's original file and 1-based line range."""

    file: str
    start_line: int
    end_line: int


class EntryOut(BaseModel):
    """One firm on a list (officer view)."""

    code: str
    name: Optional[str]
    match_status: str
    amount_yuan: Optional[float]
    formula: Optional[str]
    risk_flags: list[str]
    decision: Decision
    decision_label: str
    reason: Optional[str]
    pay_status: Optional[str]
    pay_label: str
    version: int
    entry_id: int
    citation: Citation
    timeliness: dict[str, Any]


class ListOut(BaseModel):
    """A list with its entries (``firms``)."""

    model_config = ConfigDict(extra="allow")

    id: int
    status: str
    status_label: str
    mode: Mode
    title: str
    citation: Citation
    as_of: Optional[str]
    rule_version_id: Optional[int]
    version: int
    firms: list[EntryOut]

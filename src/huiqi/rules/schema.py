"""The JSON contract of rule versions (规则版本): pydantic models shared by
``huiqi rules … --json``, the JSON API (``response_model``) and the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from huiqi.kb.models import RuleVersion


class RuleVersionInfo(BaseModel):
    """One rule version in a list: ``id``, ``clause_id`` (the current clause
    of its key; ``None`` = orphan), ``clause_key`` (40 hex digits),
    ``version`` (per key and origin, from 1), ``origin``, ``status``,
    ``beneficiary`` (受益对象), ``title``, ``benefit`` (the benefit spec in
    the reviewed-YAML form, money in yuan, or ``None``), ``author``,
    ``reviewer``, ``updated`` (local time)."""

    id: int
    clause_id: int | None
    clause_key: str
    version: int
    origin: Literal["extracted", "reviewed"]
    status: Literal["draft", "submitted", "published", "rejected", "retired"]
    beneficiary: str | None = None
    title: str = ""
    benefit: dict[str, Any] | None = None
    author: str = ""
    reviewer: str | None = None
    updated: datetime

    @classmethod
    def of(cls, v: RuleVersion) -> "RuleVersionInfo":
        """The contract of a stored :class:`~huiqi.kb.models.RuleVersion`."""
        body = v.body or {}
        return cls(id=v.id, clause_id=v.clause_id, clause_key=v.clause_key, version=v.version,
                   origin=v.origin, status=v.status, beneficiary=v.beneficiary, title=v.title or "",
                   benefit=body.get("benefit"), author=v.author or "", reviewer=v.reviewer,
                   updated=v.updated_at)


class RuleVersionDetail(RuleVersionInfo):
    """One rule version in full: :class:`RuleVersionInfo` plus ``rule`` (the
    rule itself in the reviewed-YAML schema: ``clause_key``, ``excerpt``,
    ``conditions``, ``benefit``, ``tracks``, ``stacking``, ``validity``,
    ``beneficiary``, ``cases`` …), ``source`` (file imported from),
    ``extractor`` (fingerprint of the extraction code, extracted versions),
    ``note`` (reviewer's note or reason of a rejection) and ``created``."""

    rule: dict[str, Any] = Field(default_factory=dict)
    source: str | None = None
    extractor: str | None = None
    note: str | None = None
    created: datetime

    @classmethod
    def of(cls, v: RuleVersion) -> "RuleVersionDetail":
        """The full contract of a stored rule version."""
        info = RuleVersionInfo.of(v).model_dump()
        return cls(**info, rule={"clause_key": v.clause_key, **(v.body or {})}, source=v.source,
                   extractor=v.extractor, note=v.note, created=v.created_at)

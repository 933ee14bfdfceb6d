"""Fact types produced by the extract stage.

Every fact keeps the character span (``start``, ``end``) of the clause text it
came from, so it can be cited back to original lines through
:class:`huiqi.normalize.lines.TextBlock`. Money is always in yuan (元), dates
are ``datetime.date``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass
class Span:
    """A piece of clause text: ``text == clause_text[start:end]``."""

    text: str
    start: int
    end: int


@dataclass
class Amount:
    """A money amount (金额) in yuan.

    ``role`` is one of ``fixed`` (一次性给予 30万元), ``cap`` (最高/不超过),
    ``per_unit`` (每亩/每头/每吨 … ``per`` names the unit), ``tier`` (one value
    of a 分别给予 A、B、C list or a step table), ``range_min``/``range_max``
    (10万元—300万元), ``floor`` (不低于), ``threshold`` (a money amount used as
    a condition, e.g. 投资2000万元及以上), ``bracket`` (超额累进 band limit),
    ``total`` (a budget or pool). ``value_yuan`` is ``None`` only when the text
    names no computable number.
    """

    value_yuan: float | None
    role: str
    text: str
    start: int
    end: int
    per: str | None = None

    def to_json(self) -> dict:
        """JSON-ready dict with keys ``value_yuan``, ``role``, ``text`` (+``per``)."""
        d = {"value_yuan": self.value_yuan, "role": self.role, "text": self.text}
        if self.per:
            d["per"] = self.per
        return d


@dataclass
class Threshold:
    """A numeric condition (门槛): ``attribute op value unit``.

    ``op`` is one of ``>=``, ``>``, ``<=``, ``<``, ``==``, ``between``
    (then ``value`` is the lower and ``value_max`` the upper bound).
    ``inclusive`` tells whether the boundary value itself qualifies
    (以上/不低于/（含） → True; 超过/低于/（不含） → False). ``value`` is in
    the unit named by ``unit`` (money is converted to ``元``).
    """

    attribute: str
    op: str
    value: float
    unit: str
    inclusive: bool
    text: str
    start: int
    end: int
    value_max: float | None = None

    def to_json(self) -> dict:
        """JSON-ready dict (``attribute``, ``op``, ``value``, ``unit``, ``text``, ``inclusive``)."""
        d = {
            "attribute": self.attribute,
            "op": self.op,
            "value": self.value,
            "unit": self.unit,
            "inclusive": self.inclusive,
            "text": self.text,
        }
        if self.value_max is not None:
            d["value_max"] = self.value_max
        return d


@dataclass
class Validity:
    """When a clause or document is in force (有效期).

    ``start``/``end`` are ``datetime.date`` or ``None`` (unknown / open);
    ``basis`` is the text that set them; ``relative`` a rule not yet anchored
    to a date (``自发布之日起``, ``有效期两年`` …) kept as text.
    """

    start: date | None = None
    end: date | None = None
    basis: str | None = None
    relative: str | None = None
    spans: list[Span] = field(default_factory=list)

    def to_json(self) -> dict:
        """JSON-ready dict with ISO dates."""
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "basis": self.basis,
            "relative": self.relative,
        }


@dataclass
class Contact:
    """A contact (咨询电话): organisation or region and one phone number."""

    org: str | None
    phone: str
    text: str
    start: int
    end: int

    def to_json(self) -> dict:
        """JSON-ready dict ``{"org", "phone"}``."""
        return {"org": self.org, "phone": self.phone}


def as_dict(obj) -> dict:
    """Dataclass → plain dict (dates left as ``datetime.date``)."""
    return asdict(obj)


@dataclass
class ClauseFacts:
    """Everything extracted from one clause's text (条款要素).

    ``responsible_units`` are normalised names of the responsible units
    (责任单位); ``units_span`` the tag they came from. ``fields`` maps
    canonical service-guide field names (办理依据, 受理机构, 适用范围,
    申报条件, 政策标准, 申报材料, 申报流程, 办理时限, 收费标准, 结果送达,
    咨询电话, …) to their text.
    """

    responsible_units: list[str] = field(default_factory=list)
    units_span: Span | None = None
    amounts: list[Amount] = field(default_factory=list)
    rates: list[Span] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)
    validity: Validity = field(default_factory=Validity)
    doc_numbers: list[Span] = field(default_factory=list)
    cited_documents: list[Span] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class DocumentFacts:
    """Document-level facts (文件要素).

    ``doc_number`` is the 发文字号 of the document itself; ``issued`` its
    issue date (印发日期) as ``datetime.date``; ``supersedes`` the 发文字号 or
    titles it repeals (…同时废止); ``validity`` its own period of validity;
    ``contacts`` the contacts of its back matter (联系人：…，联系电话：… after
    the body), with offsets into the joined tail text.
    """

    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    issued: date | None = None
    validity: Validity = field(default_factory=Validity)
    supersedes: list[str] = field(default_factory=list)
    cited_documents: list[str] = field(default_factory=list)
    level: str | None = None
    region: str | None = None
    contacts: list[Contact] = field(default_factory=list)

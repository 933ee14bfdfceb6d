"""Calculator data model (政策计算器的数据模型): condition trees, benefit specs,
rules.

This module is the shared vocabulary of :mod:`huiqi.calc`. Extraction
(:mod:`huiqi.rules.conditions`, :mod:`huiqi.calc.benefit`), reviewed
rules (:mod:`huiqi.rules.reviewed`) and evaluation (:mod:`huiqi.calc.evaluate`,
:mod:`huiqi.calc.engine`) all produce or consume these types; the YAML form
of reviewed rules under ``data/rules/`` is exactly :meth:`Rule.to_dict`.

Condition tree (条件树)
-----------------------
A :class:`Condition` is either a connective — ``all`` (AND, 同时满足),
``any`` (OR, 符合下列情形之一), ``not`` (NOT, exclusions such as 不予支持 /
不得享受) — over ``children``, or a leaf (``op == "leaf"``) of one ``kind``:

``threshold``
    ``attribute`` ``operator`` ``value`` [``unit``]: ``operator`` is one of
    ``>=`` ``>`` ``<=`` ``<`` ``==`` ``between`` (``value`` = [lo, hi],
    ``inclusive`` applies to both ends). Money values are yuan (元), rates
    fractions (0.055 for 5.5%), ages years.
``membership``
    ``attribute`` ``operator`` (``in`` / ``not_in``) ``value`` (a list):
    qualification in {高新技术企业, …}, entity_type in {个体工商户}, industry
    in GB/T 4754 codes {C, C13, I65}, size_class in {中型, 小型, 微型},
    taxpayer_type, tax_credit_grade, ownership, project kind.
``region``
    ``value`` is a list of GB/T 2260 codes (or names) whose area the firm's
    注册地 must lie in.
``date``
    ``attribute`` (``established``, ``project.completed``) compared with an
    ISO date ``value`` by ``operator``.
``text``
    A condition that is not machine-checkable (经营状况良好): always
    evaluates to ``to_confirm``, never met or unmet.

``attribute`` names: a profile key (``employees``, ``revenue``,
``total_assets``, ``taxable_income``, ``monthly_sales``, ``rd_expense``,
``established``, ``entity_type``, ``ownership``, ``industry``,
``taxpayer_type``, ``tax_credit_grade``, ``qualifications``,
``unemployment_insurance_months``, ``layoff_rate``, ``listed``), a derived
fact (``size_class``, ``sme``, ``small_low_profit``, ``age_years``,
``above_scale_industrial``; yes/no facts compare by ``== true/false``), a
project field (``project.investment``, ``project.equipment_investment``,
``project.kind``, ``project.status``, ``project.completed``,
``project.energy_saving_tce``, ``project.water_saving_t``,
``project.area_mu``, ``project.head_count``; a project condition holds when
some project satisfies every project leaf of the same ``all``) or a free fact
``facts.<中文名>`` (e.g. ``facts.登记失业人员招用人数``).

Outcomes (结论) of one condition: ``met``, ``unmet``, ``unknown`` (a fact is
missing — "needs information"), ``to_confirm`` (text to be confirmed by a
person). Three-valued combination (Kleene logic, with ``to_confirm`` ranked
between ``met`` and ``unknown``) is :func:`combine_all` / :func:`combine_any`
/ :func:`negate`. De Morgan's laws hold over met/unmet/unknown (Kleene);
mixing ``unknown`` with ``to_confirm`` under NOT is not symmetric (NOT keeps
both as they are), which is intended: negating a fact nobody knows still needs
the fact, negating a text condition still needs a person.

Benefit (享受标准)
------------------
A :class:`BenefitSpec` says how much a clause is worth, in yuan (元), see
its docstring for the kinds. :class:`Benefit` is a computed result.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field, fields
from typing import Any, Literal

Outcome = Literal["met", "unmet", "unknown", "to_confirm"]
"""Outcome of evaluating a condition against a profile."""

Status = Literal["eligible", "likely", "needs_info", "unchecked", "ineligible", "expired"]
"""Status of a clause for a profile (issue 4's ``status`` field, issue 11's
meanings): ``eligible`` every condition checked against the firm's facts and
met; ``likely`` at least one condition about the firm checked and met,
nothing unmet or unknown, only named ``to_confirm`` conditions left;
``unchecked`` nothing about the firm could be checked (listed last, never
in totals or headline counts); ``needs_info`` some fact missing and nothing unmet;
``ineligible`` some condition unmet; ``expired`` the clause is out of its
validity window on the evaluation date."""

CONNECTIVES = ("all", "any", "not")
LEAF_KINDS = ("threshold", "membership", "region", "date", "text")
THRESHOLD_OPS = (">=", ">", "<=", "<", "==", "between")
MEMBERSHIP_OPS = ("in", "not_in")

# order used by the Kleene combination: AND takes the worst, OR the best
_RANK = {"unmet": 0, "unknown": 1, "to_confirm": 2, "met": 3}


def combine_all(outcomes: list[Outcome]) -> Outcome:
    """AND (同时满足) of outcomes: ``unmet`` if any is unmet, else ``unknown``
    if any is unknown, else ``to_confirm`` if any is, else ``met`` (also for
    an empty list)."""
    return min(outcomes, key=_RANK.__getitem__, default="met")


def combine_any(outcomes: list[Outcome]) -> Outcome:
    """OR (符合下列情形之一): ``met`` if any is met, else ``to_confirm`` if
    any is, else ``unknown`` if any is, else ``unmet`` (also for an empty
    list)."""
    return max(outcomes, key=_RANK.__getitem__, default="unmet")


def negate(outcome: Outcome) -> Outcome:
    """NOT (exclusions, 不予支持): met ↔ unmet; unknown and to_confirm stay."""
    return {"met": "unmet", "unmet": "met"}.get(outcome, outcome)


@dataclass
class Condition:
    """One node of a condition tree (条件树节点); see the module docstring.

    ``op`` — ``all`` / ``any`` / ``not`` / ``leaf``; ``children`` for
    connectives (``not`` has exactly one); for leaves ``kind``,
    ``attribute``, ``operator``, ``value``, ``unit`` (display unit of the
    original text, e.g. ``万元``; ``value`` itself is always in base units:
    yuan, persons, years, fractions), ``inclusive``. ``source_text`` quotes the
    clause text the node came from (verbatim, for citations); ``label`` is a
    short Chinese description shown to users (``从业人数不超过300人``).
    """

    op: Literal["all", "any", "not", "leaf"]
    children: list["Condition"] = field(default_factory=list)
    kind: str | None = None
    attribute: str | None = None
    operator: str | None = None
    value: Any = None
    unit: str | None = None
    inclusive: bool = True
    source_text: str = ""
    label: str = ""

    # -- constructors -------------------------------------------------------
    @classmethod
    def all_of(cls, children: list["Condition"], source_text: str = "", label: str = "") -> "Condition":
        """AND node."""
        return cls("all", list(children), source_text=source_text, label=label)

    @classmethod
    def any_of(cls, children: list["Condition"], source_text: str = "", label: str = "") -> "Condition":
        """OR node."""
        return cls("any", list(children), source_text=source_text, label=label)

    @classmethod
    def negation(cls, child: "Condition", source_text: str = "", label: str = "") -> "Condition":
        """NOT node over one child."""
        return cls("not", [child], source_text=source_text, label=label)

    @classmethod
    def leaf(cls, kind: str, attribute: str | None = None, operator: str | None = None,
             value: Any = None, *, unit: str | None = None, inclusive: bool = True,
             source_text: str = "", label: str = "") -> "Condition":
        """Leaf node; raises ``ValueError`` for an unknown kind or operator."""
        if kind not in LEAF_KINDS:
            raise ValueError(f"未知的条件类型 {kind!r}（应为 {', '.join(LEAF_KINDS)}）")
        if kind == "threshold" and operator not in THRESHOLD_OPS:
            raise ValueError(f"数值条件的比较符 {operator!r} 无效（应为 {', '.join(THRESHOLD_OPS)}）")
        if kind == "membership" and operator not in MEMBERSHIP_OPS:
            raise ValueError(f"归属条件的比较符 {operator!r} 无效（应为 in 或 not_in）")
        return cls("leaf", [], kind, attribute, operator, value, unit, inclusive, source_text, label)

    # -- traversal ----------------------------------------------------------
    def leaves(self) -> list["Condition"]:
        """All leaves, depth first."""
        if self.op == "leaf":
            return [self]
        out: list[Condition] = []
        for c in self.children:
            out.extend(c.leaves())
        return out

    def attributes(self) -> set[str]:
        """Attributes mentioned by the leaves (``text`` leaves excluded)."""
        return {leaf.attribute for leaf in self.leaves() if leaf.attribute and leaf.kind != "text"}

    # -- (de)serialisation: the YAML form of reviewed rules -----------------
    def to_dict(self) -> dict:
        """Compact mapping: ``{all: [...]}``, ``{any: [...]}``, ``{not: {...}}``
        or a leaf ``{kind, attribute, operator, value, unit?, inclusive?,
        text?, label?}`` (``text`` = ``source_text``)."""
        if self.op in ("all", "any"):
            d: dict[str, Any] = {self.op: [c.to_dict() for c in self.children]}
        elif self.op == "not":
            d = {"not": self.children[0].to_dict()}
        else:
            d = {"kind": self.kind}
            for k in ("attribute", "operator", "value", "unit"):
                v = getattr(self, k)
                if v is not None:
                    d[k] = v
            if not self.inclusive:
                d["inclusive"] = False
        if self.source_text:
            d["text"] = self.source_text
        if self.label and self.label != self.source_text:
            d["label"] = self.label
        return d

    @classmethod
    def from_dict(cls, d: Any, where: str = "conditions") -> "Condition":
        """Inverse of :meth:`to_dict`. A bare string is a ``text`` leaf.
        Raises ``ValueError`` naming ``where`` (the YAML path) on bad input."""
        if isinstance(d, str):
            return cls.leaf("text", source_text=d, label=d)
        if not isinstance(d, dict):
            raise ValueError(f"{where}: 应为映射或文字，收到 {type(d).__name__}")
        text = str(d.get("text") or "")
        label = str(d.get("label") or "")
        for op in ("all", "any"):
            if op in d:
                kids = d[op]
                if not isinstance(kids, list):
                    raise ValueError(f"{where}.{op}: 应为列表")
                return cls(op, [cls.from_dict(k, f"{where}.{op}[{i}]") for i, k in enumerate(kids)],
                           source_text=text, label=label)
        if "not" in d:
            return cls.negation(cls.from_dict(d["not"], f"{where}.not"), text, label)
        if "kind" not in d:
            raise ValueError(f"{where}: 缺少 kind（或 all/any/not）")
        try:
            return cls.leaf(d["kind"], d.get("attribute"), d.get("operator"), d.get("value"),
                            unit=d.get("unit"), inclusive=bool(d.get("inclusive", True)),
                            source_text=text, label=label or text)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None


@dataclass
class Reason:
    """One line of an explanation (理由): ``condition`` (Chinese label of the
    condition), ``outcome`` (:data:`Outcome`), ``source_text`` (quoted clause
    text), ``detail`` (what the profile said, e.g. ``从业人员 120 人``)."""

    condition: str
    outcome: str
    source_text: str = ""
    detail: str = ""

    def to_json(self) -> dict:
        """JSON-ready dict ``{condition, outcome, source_text, detail}``
        (built directly: :func:`dataclasses.asdict` deep-copies and costs
        about 20 µs per reason, half of a calculator run)."""
        return {"condition": self.condition, "outcome": self.outcome,
                "source_text": self.source_text, "detail": self.detail}


@dataclass
class Evaluation:
    """Result of evaluating a condition tree: overall ``outcome``, the
    ``reasons`` (one per leaf, in tree order) and the ``missing`` profile
    keys (attribute names of unknown leaves, deduplicated, in order)."""

    outcome: str
    reasons: list[Reason] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


BenefitKind = Literal["fixed", "percent", "per_unit", "tiers", "progressive", "text", "sum"]
#: Every :data:`BenefitKind`.
BENEFIT_KINDS = ("fixed", "percent", "per_unit", "tiers", "progressive", "text", "sum")


@dataclass
class BenefitSpec:
    """How much a clause is worth (享受标准), all money in yuan (元).

    ``kind``:

    ``fixed``       ``amount_yuan`` (or ``min_yuan``..``max_yuan`` for 给予10-50万元).
    ``percent``     ``rate`` (fraction) × ``base`` (an attribute name, e.g.
                    ``project.equipment_investment``, ``rd_expense``), capped at
                    ``cap_yuan``.
    ``per_unit``    ``unit_yuan`` × ``quantity`` (an attribute name, e.g.
                    ``project.area_mu``, ``facts.登记失业人员招用人数``) ×
                    ``months``/12 when ``per`` is ``人·年`` with months given;
                    capped at ``cap_yuan``.
    ``tiers``       step tiers: ``tiers`` = [{``min``, ``max``, ``amount_yuan``}]
                    over ``base`` (first tier whose [min, max) holds).
    ``progressive`` 超额累进: ``tiers`` = [{``min``, ``max``, ``rate``}] over
                    ``base``; each bracket's rate applies to the part of the
                    base inside it; capped at ``cap_yuan``.
    ``text``        not computable (贷款贴息 by a rate nobody can know): no
                    amount, ``formula`` explains.
    ``sum``         the sum of ``parts`` (each a spec of its own), then
                    ``cap_yuan`` — 按投资总额的20%给予补贴，每只种鸵鸟3000元，
                    最高不超过50万元: a percent part plus a per-unit part.

    ``years`` multiplies the result for multi-year payouts (连续3年). ``per_item_cap_yuan``
    / ``annual_cap_yuan`` are caps per item / per year. ``source_text`` quotes
    the clause words; ``formula`` is a Chinese description in words.
    """

    kind: BenefitKind
    amount_yuan: float | None = None
    min_yuan: float | None = None
    max_yuan: float | None = None
    rate: float | None = None
    base: str | None = None
    unit_yuan: float | None = None
    quantity: str | None = None
    months: int | None = None
    cap_yuan: float | None = None
    tiers: list[dict] = field(default_factory=list)
    years: int = 1
    source_text: str = ""
    formula: str = ""
    per_item_cap_yuan: float | None = None
    annual_cap_yuan: float | None = None
    #: a profile key (``facts.当年实际缴纳税费``) whose yuan value bounds the
    #: amount each year: tax relief never exceeds the tax the firm pays
    #: (以实际缴纳的税款为限); ``None`` = no such bound
    bounded_by: str | None = None
    #: the specs summed by a ``sum`` benefit (empty for every other kind)
    parts: list["BenefitSpec"] = field(default_factory=list)

    def to_dict(self) -> dict:
        """YAML/JSON form: non-empty fields only (``parts`` as their own forms)."""
        out = {}
        for f in fields(self):  # as dataclasses.asdict, without converting ``parts`` twice
            k = f.name
            v = getattr(self, k)
            if k == "parts" or v in (None, [], "") or (k == "years" and v == 1):
                continue
            out[k] = deepcopy(v) if isinstance(v, (list, dict, tuple)) else v
        if self.parts:
            out["parts"] = [p.to_dict() for p in self.parts]
        return out

    @classmethod
    def from_dict(cls, d: Any, where: str = "benefit") -> "BenefitSpec":
        """Inverse of :meth:`to_dict`; raises ``ValueError`` naming ``where``."""
        if not isinstance(d, dict):
            raise ValueError(f"{where}: 应为映射")
        known = set(cls.__dataclass_fields__)
        bad = sorted(set(d) - known)
        if bad:
            raise ValueError(f"{where}: 未知字段 {', '.join(bad)}")
        if d.get("kind") not in BENEFIT_KINDS:
            raise ValueError(f"{where}.kind: 无效的类型 {d.get('kind')!r}")
        parts = d.get("parts") or []
        if d["kind"] == "sum":
            if not isinstance(parts, list) or len(parts) < 2:
                raise ValueError(f"{where}.parts: sum 类型需要至少两个分项")
            parts = [p if isinstance(p, cls) else cls.from_dict(p, f"{where}.parts[{i}]") for i, p in enumerate(parts)]
            if any(p.kind == "sum" for p in parts):
                raise ValueError(f"{where}.parts: 分项不能再是 sum")
        elif parts:
            raise ValueError(f"{where}.parts: 只有 sum 类型可以有分项")
        return cls(**{**d, "parts": list(parts)})


@dataclass
class Benefit:
    """A computed benefit: ``min_yuan``/``max_yuan`` (元; equal when exact;
    ``None`` when it cannot be computed), ``formula`` in Chinese words
    (``设备投资 800万元 × 10% = 80万元，上限 500万元``), ``missing`` profile keys
    that would make it computable."""

    min_yuan: float | None
    max_yuan: float | None
    formula: str
    missing: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """The issue's ``benefit`` object: {min_yuan, max_yuan, formula}."""
        return {"min_yuan": self.min_yuan, "max_yuan": self.max_yuan, "formula": self.formula}


@dataclass
class Stacking:
    """Stacking rule (叠加规则) of a clause: clauses sharing ``group`` are
    combined by ``mode`` — ``exclusive`` (不得重复享受: only one counts),
    ``highest`` (就高不叠加 / 可选择最优惠: the largest counts) — when totals are
    summed. ``source_text`` quotes the words."""

    group: str
    mode: Literal["exclusive", "highest"] = "highest"
    source_text: str = ""


@dataclass
class Rule:
    """Conditions and benefit of one clause (条款规则), extracted or reviewed.

    ``clause_key`` is :attr:`huiqi.kb.models.Clause.key` (stable across
    re-ingest); ``conditions`` may be ``None`` (no condition found: the clause
    applies to every firm in its region); ``benefit`` ``None`` when the clause
    gives no money. ``tracks`` are alternative (track name, condition,
    benefit) triples (节能 / 节水 / 综合利用): the firm qualifies by its best
    track. ``origin`` is ``extracted`` or ``reviewed``; reviewed rules carry
    ``reviewer_note`` and ``title`` (for humans reading the YAML).

    ``validity`` (reviewed rules only, optional) corrects the clause's own
    validity window (有效期) when the text sets one narrower than its
    document's — e.g. an application deadline 申报截止 2022-12-31 inside a
    document valid two years: ``{start, end, text}`` with ISO date strings
    (either may be missing: the clause's own date is kept) and ``text``
    quoting the words that set it. ``None`` = the validity extracted for
    the clause applies.
    """

    clause_key: str
    conditions: Condition | None = None
    benefit: BenefitSpec | None = None
    tracks: list[dict] = field(default_factory=list)
    stacking: Stacking | None = None
    origin: Literal["extracted", "reviewed"] = "extracted"
    title: str = ""
    reviewer_note: str = ""
    validity: dict | None = None
    #: ``False`` (reviewed rules only, YAML ``product_subject: false``): the
    #: reviewer found that the product/species words of the clause (奶业、玉米、
    #: 肉牛 as priority chains) do not restrict who may apply, so
    #: :func:`huiqi.calc.subjects.product_condition` is not AND-ed to the rule.
    product_subject: bool = True


#: Leaf kinds that say nothing about who the firm is (generic subjects): a
#: branch of an OR made only of these (注册地在本旗) does not by itself make
#: the OR met — its own subject must match the firm (issue 11).
GENERIC_BRANCH_KINDS = frozenset({"region"})


def is_generic_branch(node: "Condition") -> bool:
    """Whether an OR branch (``any`` child) tests nothing but generic
    subjects (:data:`GENERIC_BRANCH_KINDS`): its ``met`` counts as
    ``to_confirm`` in the OR (evaluator and batch SQL alike)."""
    leaves = [leaf for leaf in node.leaves() if leaf.kind != "text"]
    return bool(leaves) and all(leaf.kind in GENERIC_BRANCH_KINDS for leaf in leaves)

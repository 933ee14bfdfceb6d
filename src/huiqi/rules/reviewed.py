"""Reviewed rules (人工审核规则): officer-corrected conditions and benefits of
clauses, read from YAML files under ``data/rules/``.

A reviewed rule replaces what extraction found for one clause. It is keyed
by the clause key (:attr:`huiqi.kb.models.Clause.key`: SHA-1 of the document
title, heading path and normalised text), which is stable across re-ingest;
a rule whose key matches no clause any more is an *orphan* (the clause text
changed) and is reported by :func:`find_orphans`.

File format (one file per topic or document, e.g. ``data/rules/tax.yaml``)::

    rules:
      - clause_key: 3f2a…            # 40 hex digits
        title: 文件标题 › 标题路径     # for humans
        excerpt: 条款原文的一段        # checked against the clause text
        conditions: {all: [...]}     # Condition.to_dict form
        benefit: {kind: percent, …}  # BenefitSpec.to_dict form
        stacking: {group: …, mode: highest, source_text: …}
        tracks: [{name: 节能, conditions: {...}, benefit: {...}}]
        validity: {end: 2022-12-31, text: 政策受理截止期限为2022年12月31日}
                                     # optional: the clause's own window
        reviewer_note: 为什么审核、抽取错在哪里
        cases:                       # worked examples, run by the tests
          - name: …
            as_of: 2024-06-01
            profile: {region: …, …}  # issue 4's profile contract
            status: eligible         # eligible/likely/needs_info/unchecked/ineligible/expired
            min_yuan: 100000         # optional; null = no amount
            max_yuan: 100000

Every problem is reported as one Chinese line naming the file and the YAML
path (``data/rules/tax.yaml: rules[3].benefit.kind: 无效的类型 'foo'``); a bad
rule or a bad file never stops the other rules from loading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from huiqi.rules.model import (
    MEMBERSHIP_OPS,
    BenefitSpec,
    Condition,
    Rule,
    Stacking,
)

#: Profile keys a condition leaf may test (issue 4's profile contract).
PROFILE_ATTRIBUTES = frozenset({
    "employees", "revenue", "total_assets", "taxable_income", "monthly_sales", "rd_expense",
    "established", "entity_type", "ownership", "industry", "taxpayer_type", "tax_credit_grade",
    "qualifications", "unemployment_insurance_months", "layoff_rate", "listed",
    "owner_groups", "products",
})
#: Derived facts (派生事实, :mod:`huiqi.calc.derived`).
DERIVED_ATTRIBUTES = frozenset({"size_class", "sme", "small_low_profit", "age_years"})
#: Project fields (项目), written ``project.<field>``.
PROJECT_FIELDS = frozenset({
    "investment", "equipment_investment", "kind", "status", "completed",
    "energy_saving_tce", "water_saving_t", "area_mu", "head_count",
})
STATUSES = ("eligible", "likely", "needs_info", "unchecked", "ineligible", "expired")
STACKING_MODES = ("exclusive", "highest")

#: Beneficiary (受益对象) of a rule: who receives the benefit.
BENEFICIARIES = ("企业", "个人", "园区/平台", "政府部门", "金融机构", "其他")

_RULE_KEYS = ("clause_key", "title", "excerpt", "beneficiary", "conditions", "benefit", "stacking", "tracks",
              "validity", "reviewer_note", "product_subject", "cases")
_LEAF_KEYS = {"kind", "attribute", "operator", "value", "unit", "inclusive", "text", "label"}
_NODE_KEYS = {"all", "any", "not", "text", "label"}
_TRACK_KEYS = {"name", "conditions", "benefit", "text"}
_VALIDITY_KEYS = {"start", "end", "text"}
_CASE_KEYS = {"name", "as_of", "profile", "status", "min_yuan", "max_yuan"}
_KEY_RE = re.compile(r"^[0-9a-f]{40}$")


# --------------------------------------------------------------------------
# data


@dataclass
class RuleCase:
    """A worked example (测试用例) of a reviewed rule: ``profile`` (raw
    mapping, issue 4's profile contract), ``as_of`` (evaluation date),
    expected ``status`` and, when given, ``min_yuan``/``max_yuan`` (元;
    ``None`` = the benefit has no amount). ``has_amount`` is true when the
    case states ``min_yuan``/``max_yuan`` at all."""

    name: str
    as_of: date
    profile: dict
    status: str
    min_yuan: float | None = None
    max_yuan: float | None = None
    has_amount: bool = False


@dataclass
class ReviewedEntry:
    """One reviewed rule as written in a file: the :class:`Rule`
    (``origin == "reviewed"``), the ``excerpt`` quoted from the clause, its
    ``cases``, and where it came from (``file``, index ``index`` in
    ``rules``)."""

    rule: Rule
    excerpt: str
    cases: list[RuleCase]
    file: str
    index: int
    beneficiary: str | None = None

    @property
    def where(self) -> str:
        """``file: rules[i]`` — how messages name this rule."""
        return f"{self.file}: rules[{self.index}]"


@dataclass
class RulesReport:
    """Result of :func:`load_reviewed_rules_report`: ``rules`` keyed by clause
    key, ``entries`` (every valid rule with its excerpt and cases, in file
    order), ``errors`` (one Chinese line per problem, naming file and YAML
    path) and ``files`` (the files read)."""

    rules: dict[str, Rule] = field(default_factory=dict)
    entries: list[ReviewedEntry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


@dataclass
class Orphan:
    """A reviewed rule whose clause key matches no clause of the database
    (孤立规则): ``clause_key``, ``title`` (as written in the rule), ``file``
    and ``index`` of the rule. Usually the clause text was edited and
    re-ingested, so the key changed; the officer must re-key or rewrite it."""

    clause_key: str
    title: str
    file: str
    index: int

    def message(self) -> str:
        """Chinese one-line description for officers."""
        return (f"{self.file}: rules[{self.index}].clause_key: 知识库中没有该条款"
                f"（{self.clause_key}，{self.title or '无标题'}），规则未生效，请核对条款是否已修改")


# --------------------------------------------------------------------------
# validation helpers (each raises ValueError("<yaml path>: <problem>"))


def _check_attribute(attr: Any, where: str, name: str = "attribute") -> None:
    if not isinstance(attr, str) or not attr:
        raise ValueError(f"{where}.{name}: 缺少属性名")
    if attr in PROFILE_ATTRIBUTES or attr in DERIVED_ATTRIBUTES:
        return
    if attr.startswith("project.") and attr[len("project."):] in PROJECT_FIELDS:
        return
    if attr.startswith("facts.") and len(attr) > len("facts."):
        return
    raise ValueError(f"{where}.{name}: 未知的属性 {attr!r}（应为画像字段、派生事实、"
                     f"project.<字段> 或 facts.<中文名>）")


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _check_date(v: Any, where: str) -> None:
    if isinstance(v, date):
        return
    if isinstance(v, str):
        try:
            date.fromisoformat(v)
            return
        except ValueError:
            pass
    raise ValueError(f"{where}: 应为 ISO 日期（YYYY-MM-DD），收到 {v!r}")


def _check_condition_dict(d: Any, where: str) -> None:
    """Structural checks :meth:`Condition.from_dict` does not make: unknown
    keys, missing attributes, value types per leaf kind."""
    if isinstance(d, str):
        if not d.strip():
            raise ValueError(f"{where}: 文字条件为空")
        return
    if not isinstance(d, dict):
        return  # from_dict reports it
    if any(k in d for k in ("all", "any", "not")):
        bad = sorted(set(d) - _NODE_KEYS)
        if bad:
            raise ValueError(f"{where}: 未知字段 {', '.join(map(str, bad))}")
        for op in ("all", "any"):
            if op in d and isinstance(d[op], list):
                if not d[op]:
                    raise ValueError(f"{where}.{op}: 列表为空")
                for i, child in enumerate(d[op]):
                    _check_condition_dict(child, f"{where}.{op}[{i}]")
        if "not" in d:
            _check_condition_dict(d["not"], f"{where}.not")
        return
    bad = sorted(set(d) - _LEAF_KEYS)
    if bad:
        raise ValueError(f"{where}: 未知字段 {', '.join(map(str, bad))}")
    kind, op, value = d.get("kind"), d.get("operator"), d.get("value")
    if kind == "threshold":
        _check_attribute(d.get("attribute"), where)
        if op == "between":
            if not (isinstance(value, list) and len(value) == 2 and all(map(_is_number, value))):
                raise ValueError(f"{where}.value: between 的取值应为 [下限, 上限] 两个数")
        elif isinstance(value, bool):
            raise ValueError(f"{where}.value: 是/否事实请写成归属条件（kind: membership, operator: in, value: [true]），"
                             f"小型微利企业写成 qualifications in [小型微利企业]")
        elif op is not None and not _is_number(value):
            raise ValueError(f"{where}.value: 数值条件的取值应为数字（金额以元计，比例写小数），收到 {value!r}")
    elif kind == "membership":
        _check_attribute(d.get("attribute"), where)
        if op in MEMBERSHIP_OPS and not (isinstance(value, list) and value
                                         and all(isinstance(x, str) for x in value)):
            raise ValueError(f"{where}.value: 归属条件的取值应为非空的文字列表，收到 {value!r}")
    elif kind == "region":
        if not (isinstance(value, list) and value and all(isinstance(x, (str, int)) for x in value)):
            raise ValueError(f"{where}.value: 地区条件的取值应为地区名称或 GB/T 2260 代码列表，收到 {value!r}")
    elif kind == "date":
        _check_attribute(d.get("attribute"), where)
        if op not in (">=", ">", "<=", "<", "=="):
            raise ValueError(f"{where}.operator: 日期条件的比较符 {op!r} 无效")
        _check_date(value, f"{where}.value")
    elif kind == "text":
        if not str(d.get("text") or d.get("label") or "").strip():
            raise ValueError(f"{where}: 文字条件缺少 text")


def parse_conditions(d: Any, where: str) -> Condition:
    """A condition tree from its YAML form, with the checks of
    :func:`_check_condition_dict`. Raises ``ValueError`` naming ``where``."""
    _check_condition_dict(d, where)
    cond = Condition.from_dict(d, where)
    for leaf in cond.leaves():
        if leaf.kind == "date" and isinstance(leaf.value, date):
            leaf.value = leaf.value.isoformat()  # one form for everyone: ISO text
    return cond


def _num_field(spec: BenefitSpec, name: str, where: str, required: bool = False) -> None:
    v = getattr(spec, name)
    if v is None:
        if required:
            raise ValueError(f"{where}.{name}: {spec.kind} 类型必须给出")
        return
    if not _is_number(v) or v < 0:
        raise ValueError(f"{where}.{name}: 应为非负数，收到 {v!r}")


def parse_benefit(d: Any, where: str) -> BenefitSpec:
    """A benefit spec from its YAML form (:meth:`BenefitSpec.from_dict`) plus
    the fields each kind needs (percent: rate + base; per_unit: unit_yuan +
    quantity; tiers/progressive: base + tiers; fixed: amount_yuan or
    min/max; sum: each of its parts). Raises ``ValueError`` naming ``where``."""
    spec = BenefitSpec.from_dict(d, where)
    for name in ("amount_yuan", "min_yuan", "max_yuan", "unit_yuan", "cap_yuan",
                 "per_item_cap_yuan", "annual_cap_yuan"):
        _num_field(spec, name, where)
    if spec.rate is not None and (not _is_number(spec.rate) or not 0 <= spec.rate <= 1):
        raise ValueError(f"{where}.rate: 比例应为 0 到 1 之间的小数（10% 写作 0.1），收到 {spec.rate!r}")
    if not isinstance(spec.years, int) or isinstance(spec.years, bool) or spec.years < 1:
        raise ValueError(f"{where}.years: 应为正整数，收到 {spec.years!r}")
    if spec.months is not None and (not isinstance(spec.months, int) or not 1 <= spec.months <= 12 * 10):
        raise ValueError(f"{where}.months: 应为正整数月数，收到 {spec.months!r}")
    if spec.kind == "fixed":
        if spec.amount_yuan is None and (spec.min_yuan is None or spec.max_yuan is None):
            raise ValueError(f"{where}: fixed 类型需要 amount_yuan，或同时给出 min_yuan 与 max_yuan")
        if spec.min_yuan is not None and spec.max_yuan is not None and spec.min_yuan > spec.max_yuan:
            raise ValueError(f"{where}: min_yuan 大于 max_yuan")
    elif spec.kind == "percent":
        _num_field(spec, "rate", where, required=True)
        if spec.base is None:
            raise ValueError(f"{where}.base: percent 类型必须给出基数属性")
        _check_attribute(spec.base, where, "base")
    elif spec.kind == "per_unit":
        _num_field(spec, "unit_yuan", where, required=True)
        if spec.quantity is None:
            raise ValueError(f"{where}.quantity: per_unit 类型必须给出数量属性")
        _check_attribute(spec.quantity, where, "quantity")
    elif spec.kind == "sum":
        for i, part in enumerate(d.get("parts") or []):
            spec.parts[i] = parse_benefit(part, f"{where}.parts[{i}]")
    elif spec.kind in ("tiers", "progressive"):
        if spec.base is None:
            raise ValueError(f"{where}.base: {spec.kind} 类型必须给出基数属性")
        _check_attribute(spec.base, where, "base")
        if not isinstance(spec.tiers, list) or not spec.tiers:
            raise ValueError(f"{where}.tiers: {spec.kind} 类型必须给出分档列表")
        allowed = {"min", "max", "rate", "upper_inclusive"} | ({"amount_yuan"} if spec.kind == "tiers" else set())
        prev_max: float | None = 0.0
        for i, t in enumerate(spec.tiers):
            tw = f"{where}.tiers[{i}]"
            if not isinstance(t, dict):
                raise ValueError(f"{tw}: 应为映射 {{min, max, amount_yuan 或 rate}}")
            bad = sorted(set(map(str, t)) - allowed)
            if bad:
                raise ValueError(f"{tw}: 未知字段 {', '.join(bad)}")
            need = "rate" if spec.kind == "progressive" or "rate" in t else "amount_yuan"
            lo, hi, v = t.get("min", 0), t.get("max"), t.get(need)
            if not _is_number(lo) or (hi is not None and not _is_number(hi)) or not _is_number(v):
                raise ValueError(f"{tw}: min/max/{need} 应为数字（max 可为空表示无上限）")
            if hi is not None and hi <= lo:
                raise ValueError(f"{tw}: max 应大于 min")
            if need == "rate" and not 0 <= v <= 1:
                raise ValueError(f"{tw}.rate: 比例应为 0 到 1 之间的小数")
            if not isinstance(t.get("upper_inclusive", False), bool):
                raise ValueError(f"{tw}.upper_inclusive: 应为 true 或 false")
            if spec.kind == "progressive" and prev_max is not None and lo != prev_max:
                raise ValueError(f"{tw}.min: 超额累进各档应首尾相接（上一档 max 为 {prev_max}）")
            prev_max = hi
    return spec


def parse_stacking(d: Any, where: str) -> Stacking:
    """Stacking rule (叠加规则) ``{group, mode, source_text}``; ``mode`` is
    ``exclusive`` or ``highest``. Raises ``ValueError`` naming ``where``."""
    if not isinstance(d, dict):
        raise ValueError(f"{where}: 应为映射 {{group, mode, source_text}}")
    bad = sorted(set(d) - {"group", "mode", "source_text"})
    if bad:
        raise ValueError(f"{where}: 未知字段 {', '.join(map(str, bad))}")
    if not isinstance(d.get("group"), str) or not d["group"].strip():
        raise ValueError(f"{where}.group: 缺少叠加分组名")
    mode = d.get("mode", "highest")
    if mode not in STACKING_MODES:
        raise ValueError(f"{where}.mode: 无效的叠加方式 {mode!r}（应为 exclusive 或 highest）")
    return Stacking(d["group"].strip(), mode, str(d.get("source_text") or ""))


def parse_validity(d: Any, where: str) -> dict:
    """Validity override (条款有效期更正) ``{start?, end?, text}`` → the same
    mapping with ISO date strings (``None`` for a missing end). At least one
    of ``start``/``end`` is required, ``start`` must not be after ``end``,
    and ``text`` must quote the clause words that set the window (申报截止
    …), because the calculator cites it when it reports the clause expired.
    Raises ``ValueError`` naming ``where``."""
    if not isinstance(d, dict):
        raise ValueError(f"{where}: 应为映射 {{start, end, text}}")
    bad = sorted(set(map(str, d)) - _VALIDITY_KEYS)
    if bad:
        raise ValueError(f"{where}: 未知字段 {', '.join(bad)}（可用：start、end、text）")
    out: dict[str, Any] = {}
    for k in ("start", "end"):
        v = d.get(k)
        if v is None:
            out[k] = None
            continue
        _check_date(v, f"{where}.{k}")
        out[k] = v.isoformat() if isinstance(v, date) else date.fromisoformat(v).isoformat()
    if out["start"] is None and out["end"] is None:
        raise ValueError(f"{where}: 至少要给出 start 或 end（ISO 日期）")
    if out["start"] and out["end"] and out["start"] > out["end"]:
        raise ValueError(f"{where}: start {out['start']} 晚于 end {out['end']}")
    text = d.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{where}.text: 缺少设定有效期的条款原文（如“政策受理截止期限为2022年12月31日”）")
    out["text"] = text.strip()
    return out


def parse_tracks(d: Any, where: str) -> list[dict]:
    """Tracks (申报类别/档次) ``[{name, conditions?, benefit?, text?}]`` →
    ``[{"name": str, "conditions": Condition | None, "benefit": BenefitSpec |
    None, "text": str}]``. A firm qualifies by its best track; a track's
    conditions apply in addition to the rule's own. Raises ``ValueError``."""
    if not isinstance(d, list) or not d:
        raise ValueError(f"{where}: 应为非空列表")
    out = []
    names: set[str] = set()
    for i, t in enumerate(d):
        tw = f"{where}[{i}]"
        if not isinstance(t, dict):
            raise ValueError(f"{tw}: 应为映射 {{name, conditions, benefit}}")
        bad = sorted(set(t) - _TRACK_KEYS)
        if bad:
            raise ValueError(f"{tw}: 未知字段 {', '.join(map(str, bad))}")
        name = t.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{tw}.name: 缺少类别名称")
        if name in names:
            raise ValueError(f"{tw}.name: 类别名称重复 {name!r}")
        names.add(name)
        if t.get("conditions") is None and t.get("benefit") is None:
            raise ValueError(f"{tw}: 类别至少要有 conditions 或 benefit")
        out.append({
            "name": name.strip(),
            "conditions": parse_conditions(t["conditions"], f"{tw}.conditions")
            if t.get("conditions") is not None else None,
            "benefit": parse_benefit(t["benefit"], f"{tw}.benefit") if t.get("benefit") is not None else None,
            "text": str(t.get("text") or ""),
        })
    return out


def _money_or_none(v: Any, where: str) -> float | None:
    if v is None:
        return None
    if not _is_number(v) or v < 0:
        raise ValueError(f"{where}: 应为非负金额（元）或 null，收到 {v!r}")
    return float(v)


def parse_case(d: Any, where: str) -> RuleCase:
    """A worked example ``{name, as_of, profile, status, min_yuan?,
    max_yuan?}``; the profile is checked with
    :func:`huiqi.firm.profile.load_profile`. Raises ``ValueError``."""
    from huiqi.firm.profile import ProfileError, load_profile

    if not isinstance(d, dict):
        raise ValueError(f"{where}: 应为映射 {{name, as_of, profile, status}}")
    bad = sorted(set(d) - _CASE_KEYS)
    if bad:
        raise ValueError(f"{where}: 未知字段 {', '.join(map(str, bad))}")
    name = d.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}.name: 缺少用例名称")
    as_of = d.get("as_of")
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    if isinstance(as_of, str):
        try:
            as_of = date.fromisoformat(as_of)
        except ValueError:
            raise ValueError(f"{where}.as_of: 应为 ISO 日期（YYYY-MM-DD），收到 {as_of!r}") from None
    if not isinstance(as_of, date):
        raise ValueError(f"{where}.as_of: 应为 ISO 日期（YYYY-MM-DD），收到 {as_of!r}")
    profile = d.get("profile")
    if not isinstance(profile, dict):
        raise ValueError(f"{where}.profile: 应为企业画像映射（至少有 region）")
    try:
        load_profile(profile)
    except ProfileError as e:
        raise ValueError(f"{where}.profile.{e.errors[0]}") from None
    status = d.get("status")
    if status not in STATUSES:
        raise ValueError(f"{where}.status: 无效的状态 {status!r}（应为 {', '.join(STATUSES)}）")
    has_amount = "min_yuan" in d or "max_yuan" in d
    lo = _money_or_none(d.get("min_yuan"), f"{where}.min_yuan")
    hi = _money_or_none(d.get("max_yuan"), f"{where}.max_yuan")
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"{where}: min_yuan 大于 max_yuan")
    return RuleCase(name.strip(), as_of, profile, status, lo, hi, has_amount)


def rule_from_dict(d: Any, where: str = "rules[0]") -> tuple[Rule, str, list[RuleCase]]:
    """One rule entry of a rules file → ``(rule, excerpt, cases)``; the rule
    has ``origin == "reviewed"``. Raises ``ValueError`` whose message starts
    with the YAML path (``rules[3].benefit.kind: 无效的类型 'foo'``)."""
    if not isinstance(d, dict):
        raise ValueError(f"{where}: 应为映射（clause_key、conditions、benefit …）")
    bad = sorted(set(map(str, d)) - set(_RULE_KEYS))
    if bad:
        raise ValueError(f"{where}: 未知字段 {', '.join(bad)}（可用：{', '.join(_RULE_KEYS)}）")
    key = d.get("clause_key")
    if isinstance(key, (int, float)) and not isinstance(key, bool):
        raise ValueError(f"{where}.clause_key: 条款键被读成了数字，请加引号（clause_key: \"{key}\"）")
    if not isinstance(key, str) or not _KEY_RE.match(key.strip().lower()):
        raise ValueError(f"{where}.clause_key: 应为 40 位十六进制的条款键（huiqi policies --json 的 key），收到 {key!r}")
    key = key.strip().lower()
    conditions = parse_conditions(d["conditions"], f"{where}.conditions") if d.get("conditions") is not None else None
    benefit = parse_benefit(d["benefit"], f"{where}.benefit") if d.get("benefit") is not None else None
    stacking = parse_stacking(d["stacking"], f"{where}.stacking") if d.get("stacking") is not None else None
    tracks = parse_tracks(d["tracks"], f"{where}.tracks") if d.get("tracks") is not None else []
    validity = parse_validity(d["validity"], f"{where}.validity") if d.get("validity") is not None else None
    if d.get("beneficiary") is not None and d["beneficiary"] not in BENEFICIARIES:
        raise ValueError(f"{where}.beneficiary: 无效的受益对象 {d['beneficiary']!r}（可用：{'、'.join(BENEFICIARIES)}）")
    for name in ("title", "excerpt", "reviewer_note"):
        if d.get(name) is not None and not isinstance(d[name], str):
            raise ValueError(f"{where}.{name}: 应为文字")
    if d.get("product_subject") is not None and not isinstance(d["product_subject"], bool):
        raise ValueError(f"{where}.product_subject: 应为 true 或 false（false：条款中的产品、品种词不限定申请对象）")
    excerpt = (d.get("excerpt") or "").strip()
    if not excerpt:
        raise ValueError(f"{where}.excerpt: 缺少条款原文摘录（用于核对规则对应的条款）")
    raw_cases = d.get("cases") or []
    if not isinstance(raw_cases, list):
        raise ValueError(f"{where}.cases: 应为列表")
    cases = [parse_case(c, f"{where}.cases[{i}]") for i, c in enumerate(raw_cases)]
    rule = Rule(clause_key=key, conditions=conditions, benefit=benefit, tracks=tracks,
                stacking=stacking, origin="reviewed", title=(d.get("title") or "").strip(),
                reviewer_note=(d.get("reviewer_note") or "").strip(), validity=validity,
                product_subject=d.get("product_subject") is not False)
    return rule, excerpt, cases


def rule_to_dict(rule: Rule, excerpt: str = "", cases: list[RuleCase] | None = None) -> dict:
    """The YAML form of a rule (inverse of :func:`rule_from_dict`), e.g. to
    turn an extracted rule into a reviewed-rule draft an officer can edit."""
    d: dict[str, Any] = {"clause_key": rule.clause_key}
    if rule.title:
        d["title"] = rule.title
    if excerpt:
        d["excerpt"] = excerpt
    if rule.conditions is not None:
        d["conditions"] = rule.conditions.to_dict()
    if rule.benefit is not None:
        d["benefit"] = rule.benefit.to_dict()
    if rule.stacking is not None:
        d["stacking"] = {"group": rule.stacking.group, "mode": rule.stacking.mode,
                         **({"source_text": rule.stacking.source_text} if rule.stacking.source_text else {})}
    if rule.tracks:
        d["tracks"] = []
        for t in rule.tracks:
            td: dict[str, Any] = {"name": t["name"]}
            if t.get("conditions") is not None:
                td["conditions"] = t["conditions"].to_dict()
            if t.get("benefit") is not None:
                td["benefit"] = t["benefit"].to_dict()
            if t.get("text"):
                td["text"] = t["text"]
            d["tracks"].append(td)
    if rule.validity:
        d["validity"] = {k: v for k, v in rule.validity.items() if v is not None}
    if rule.reviewer_note:
        d["reviewer_note"] = rule.reviewer_note
    if not rule.product_subject:
        d["product_subject"] = False
    if cases:
        d["cases"] = []
        for c in cases:
            cd: dict[str, Any] = {"name": c.name, "as_of": c.as_of.isoformat(), "profile": c.profile,
                                  "status": c.status}
            if c.has_amount:
                cd["min_yuan"], cd["max_yuan"] = c.min_yuan, c.max_yuan
            d["cases"].append(cd)
    return d


# --------------------------------------------------------------------------
# loading


class _Loader(yaml.SafeLoader):
    """Safe YAML loader that keeps dates as text, so an impossible date
    (2024-02-30) reaches our own check instead of crashing PyYAML."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

#: The same loader on libyaml when PyYAML was built with it (about ten times
#: faster on the rule files); a file it rejects is read again by
#: :class:`_Loader` so the error message and its line are PyYAML's own.
_FastLoader = _Loader
if getattr(yaml, "__with_libyaml__", False):
    class _FastLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """:class:`_Loader` on libyaml (dates kept as text)."""

    _FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def _load_yaml(text: str):
    """The YAML document ``text`` read with :class:`_FastLoader`; raises
    ``yaml.YAMLError`` as :class:`_Loader` would."""
    try:
        return yaml.load(text, Loader=_FastLoader)
    except yaml.YAMLError:
        if _FastLoader is _Loader:
            raise
        return yaml.load(text, Loader=_Loader)


def _display(path: Path) -> str:
    """A short file name for messages: ``data/…`` for the bundled package
    data (the same in a checkout and an installed wheel), else relative to
    the CWD when inside it, else the path as given."""
    path = Path(path)
    package_data = Path(__file__).resolve().parents[1] / "data"
    try:
        return "data/" + path.resolve().relative_to(package_data).as_posix()
    except ValueError:
        pass
    for root in (Path.cwd(),):
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
    return str(path)


def load_rules_file(path: Path, report: RulesReport | None = None) -> RulesReport:
    """Read one rules file into ``report`` (a new one by default) and return
    it. Unreadable or malformed files add one error; each invalid rule adds
    one error and is skipped; the valid rules of the file still load. A clause
    key already loaded (from this or an earlier file) is an error: the first
    rule wins."""
    report = report if report is not None else RulesReport()
    name = _display(path)
    report.files.append(name)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as e:
        report.errors.append(f"{name}: 无法读取文件（{e.strerror or e}）")
        return report
    except UnicodeDecodeError:
        report.errors.append(f"{name}: 文件不是 UTF-8 编码")
        return report
    try:
        data = _load_yaml(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f"（第{mark.line + 1}行第{mark.column + 1}列）" if mark is not None else ""
        report.errors.append(f"{name}: YAML 格式错误{at}：{getattr(e, 'problem', None) or e}")
        return report
    if data is None:
        return report  # an empty file holds no rules
    if not isinstance(data, dict) or "rules" not in data:
        report.errors.append(f"{name}: 顶层应为 {{rules: [...]}} 映射")
        return report
    extra = sorted(set(map(str, data)) - {"rules"})
    if extra:
        report.errors.append(f"{name}: 未知的顶层字段 {', '.join(extra)}，已忽略")
    items = data["rules"] if data["rules"] is not None else []
    if not isinstance(items, list):
        report.errors.append(f"{name}: rules: 应为列表")
        return report
    for i, item in enumerate(items):
        try:
            rule, excerpt, cases = rule_from_dict(item, f"rules[{i}]")
        except ValueError as e:
            report.errors.append(f"{name}: {e}")
            continue
        if rule.clause_key in report.rules:
            first = next(e for e in report.entries if e.rule.clause_key == rule.clause_key)
            report.errors.append(f"{name}: rules[{i}].clause_key: 与 {first.where} 重复，已忽略本条")
            continue
        report.rules[rule.clause_key] = rule
        report.entries.append(ReviewedEntry(rule, excerpt, cases, name, i, item.get("beneficiary")))
    return report


def rule_files(directory: Path | None = None) -> list[Path]:
    """The rules files (``*.yaml`` / ``*.yml``, not hidden) of ``directory``
    (default :func:`huiqi.config.rules_dir`), sorted by name."""
    from huiqi.config import rules_dir

    directory = Path(directory) if directory is not None else rules_dir()
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir()
                  if p.is_file() and p.suffix.lower() in (".yaml", ".yml") and not p.name.startswith("."))


def load_reviewed_rules_report(rules_dir: Path | None = None) -> RulesReport:
    """Load every rules file of ``rules_dir`` (default ``data/rules/`` or
    ``$HUIQI_RULES_DIR``, see :func:`huiqi.config.rules_dir`) and return a
    :class:`RulesReport` with the valid rules and the list of problems. Never
    raises for bad files; a missing directory gives an empty report with
    one error when the directory was given explicitly."""
    report = RulesReport()
    if rules_dir is not None and not Path(rules_dir).is_dir():
        report.errors.append(f"{_display(Path(rules_dir))}: 规则目录不存在")
        return report
    for path in rule_files(rules_dir):
        load_rules_file(path, report)
    return report


def load_reviewed_rules(rules_dir: Path | None = None) -> dict[str, Rule]:
    """Reviewed rules keyed by clause key (``Clause.key``), every one with
    ``origin == "reviewed"``. Invalid rules and files are skipped; use
    :func:`load_reviewed_rules_report` to see why."""
    return load_reviewed_rules_report(rules_dir).rules


# --------------------------------------------------------------------------
# checks against a knowledge base


def _clause_texts(db: Any, keys: set[str]) -> dict[str, str]:
    """``clause key → normalised text`` of current clauses among ``keys``.
    ``db`` is a SQLAlchemy ``Session``, an ``Engine``, a URL / SQLite path,
    or ``None`` (the configured database, see :func:`huiqi.config.resolve_db`)."""
    from sqlalchemy import Engine, select
    from sqlalchemy.orm import Session

    from huiqi.kb.models import Clause, Document, SourceFile

    stmt = (select(Clause.key, Clause.text)
            .join(Document, Clause.document_id == Document.id)
            .join(SourceFile, Document.source_file_id == SourceFile.id)
            .where(SourceFile.is_current.is_(True), Clause.key.in_(sorted(keys))))
    if isinstance(db, Session):
        return dict(db.execute(stmt).all())
    if isinstance(db, Engine):
        with Session(db) as s:
            return dict(s.execute(stmt).all())
    from huiqi.config import resolve_db_url
    from huiqi.kb.db import get_engine

    engine = get_engine(resolve_db_url(str(db) if db is not None else None))
    try:
        with Session(engine) as s:
            return dict(s.execute(stmt).all())
    finally:
        engine.dispose()


def _entries(source: RulesReport | None) -> list[ReviewedEntry]:
    return (source if source is not None else load_reviewed_rules_report()).entries


def find_orphans(db: Any = None, report: RulesReport | None = None) -> list[Orphan]:
    """Reviewed rules whose clause key matches no current clause of the
    knowledge base ``db`` (a ``Session``, ``Engine``, URL or SQLite path;
    ``None`` = the configured database). ``report`` defaults to
    :func:`load_reviewed_rules_report` of the default directory. Such rules
    are never applied; officers should re-key or rewrite them."""
    entries = _entries(report)
    if not entries:
        return []
    found = _clause_texts(db, {e.rule.clause_key for e in entries})
    return [Orphan(e.rule.clause_key, e.rule.title, e.file, e.index)
            for e in entries if e.rule.clause_key not in found]


_SPACE_RE = re.compile(r"\s+")


def _squash(s: str) -> str:
    return _SPACE_RE.sub("", s).rstrip("…。.").replace("...", "")


def excerpt_problems(db: Any = None, report: RulesReport | None = None) -> list[str]:
    """Consistency of rules with the knowledge base: one Chinese line per
    orphan (see :func:`find_orphans`) and per rule whose ``excerpt`` (white
    space ignored, a trailing ``…`` allowed) is not part of its clause's
    text — a sign the key points at the wrong clause."""
    entries = _entries(report)
    if not entries:
        return []
    texts = _clause_texts(db, {e.rule.clause_key for e in entries})
    out = []
    for e in entries:
        text = texts.get(e.rule.clause_key)
        if text is None:
            out.append(Orphan(e.rule.clause_key, e.rule.title, e.file, e.index).message())
        elif _squash(e.excerpt) not in _SPACE_RE.sub("", text):
            out.append(f"{e.where}.excerpt: 与条款原文不符（{e.excerpt[:20]}…）")
    return out


def check_rules(db: Any = None, rules_dir: Path | None = None) -> list[str]:
    """Everything an officer should fix, one Chinese line each: file and
    rule errors of :func:`load_reviewed_rules_report`, then orphans and
    excerpts that do not match the clause text in ``db`` (see
    :func:`excerpt_problems`). Empty when all rules are valid and applied."""
    report = load_reviewed_rules_report(rules_dir)
    return [*report.errors, *excerpt_problems(db, report)]

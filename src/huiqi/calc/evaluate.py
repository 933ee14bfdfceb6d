"""Three-valued evaluation of condition trees (条件判定) against a profile.

:func:`evaluate` walks a :class:`~huiqi.rules.model.Condition` tree and says
``met`` / ``unmet`` / ``unknown`` / ``to_confirm`` for it, with one
:class:`~huiqi.rules.model.Reason` per leaf (tree order) and the profile keys
whose absence keeps the result open. Logic is Kleene's strong three-valued
logic as implemented by :func:`~huiqi.rules.model.combine_all`,
:func:`~huiqi.rules.model.combine_any` and :func:`~huiqi.rules.model.negate`:
a missing fact is ``unknown`` (never silently met or unmet), a ``text`` leaf
is ``to_confirm``.

Facts come from a :class:`FactContext`: the profile (:mod:`huiqi.firm.profile`),
the derived facts of :func:`huiqi.calc.derived.derive_all` (企业规模
``size_class``, ``sme``, 小型微利企业 ``small_low_profit``, 成立年限
``age_years``, 规模以上工业企业 ``above_scale_industrial``) and the evaluation date. Industry membership uses
:meth:`huiqi.reference.industries.Industry.is_within` (GB/T 4754-2017), region
membership the GB/T 2260 division table of :mod:`huiqi.search.filters`
(阿拉善左旗 → 阿拉善盟 → 内蒙古自治区).

A threshold whose value is a boolean (``small_low_profit == true``,
``sme == false``, ``listed == true``, ``facts.… == true``) compares yes/no
facts (:func:`as_bool`); only ``==`` applies. A qualification membership on
小型微利企业 or 规模以上工业企业 falls back to the derived fact when the firm's
list does not name it (:data:`QUAL_DERIVED`). Text facts ending in ``%``
are fractions (``"5%"`` → 0.05).

Project leaves (``project.*``) of one ``all`` node are evaluated together:
they hold when some single project satisfies all of them (一个项目同时满足).

Speed: per-context lookups (firm region codes, resolved industry, which keys
the profile states) are computed once in :class:`FactContext`; evaluating a
typical clause tree takes a few microseconds.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

from huiqi.calc.derived import DerivedFact, derive_all, free_fact, full_year_comparison
from huiqi.calc.subjects import PARK_FACT, products_outcome
from huiqi.extract.numbers import parse_number
from huiqi.firm.profile import EnterpriseProfile, Project, parse_money_value
from huiqi.reference.industries import Industry, resolve_industry
from huiqi.reference.regions import NATIONAL_NAMES, ancestors, divisions, find_division
from huiqi.rules.model import (
    Condition,
    Evaluation,
    Reason,
    combine_all,
    combine_any,
    is_generic_branch,
    negate,
)
from huiqi.rules.vocab import (  # noqa: F401  (re-exported: the vocabulary of conditions)
    _DATE_OP_WORDS,
    _MONEY,
    _OP_WORDS,
    _QUAL_DERIVED,
    _RATES,
    _UNITS,
    ATTRIBUTE_NAMES,
    GOVERNMENT,
    NON_FIRM_TYPES,
    PERSON,
    PROJECT_KIND_ALIASES,
    PROMPTS,
    QUAL_DERIVED,
    _fmt_num,
    attribute_name,
    canonical_project_kind,
    describe,
    format_value,
)


@lru_cache(maxsize=4096)
def _region_code(name: str) -> str | None:
    """GB/T 2260 code for a code or name; ``"national"`` for 全国 names."""
    s = str(name).strip()
    if s in NATIONAL_NAMES:
        return "national"
    if s in divisions():
        return s
    d = find_division(s)
    return d.code if d else None


@dataclass
class FactContext:
    """Everything evaluation needs about one firm on one date (事实上下文).

    ``profile`` the :class:`EnterpriseProfile`, ``derived`` the
    :func:`~huiqi.calc.derived.derive_all` facts keyed by name, ``as_of`` the
    evaluation date. Build with :meth:`build`. Cached lookups (firm region
    codes, industry, stated keys) are filled in ``__post_init__``.
    """

    profile: EnterpriseProfile
    derived: dict[str, DerivedFact]
    as_of: date
    region_codes: tuple[str, ...] | None = field(init=False, default=None)
    industry: Industry | None = field(init=False, default=None)
    stated: frozenset[str] = field(init=False, default=frozenset())
    #: leaf outcomes already computed for this firm and date (see :func:`_leaf`)
    memo: dict = field(init=False, default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        code = _region_code(self.profile.region) if self.profile.region else None
        if code and code != "national":
            self.region_codes = tuple(ancestors(code))
        self.industry = resolve_industry(self.profile.industry) if self.profile.industry else None
        self.stated = frozenset(self.profile.model_fields_set)

    @classmethod
    def build(cls, profile: EnterpriseProfile, as_of: date) -> "FactContext":
        """Context for ``profile`` on ``as_of`` (derived facts computed here)."""
        return cls(profile, derive_all(profile, as_of), as_of)

    def known_list(self, key: str) -> bool:
        """Whether a list-valued fact (``qualifications``, ``projects``) was
        stated (an explicitly empty list counts as stated: the firm has none)."""
        return key in self.stated or bool(getattr(self.profile, key, None))


def _missing_detail(keys: list[str]) -> str:
    return "缺少：" + "、".join(attribute_name(k) for k in keys)


# ---------------------------------------------------------------------------
# comparisons

_COUNT_UNIT_RE = re.compile(r"\s*(?:人次|人|名|个月|个|户|家|头|只|亩|吨|件|项|次|年|天)$")


def _num(v: Any) -> float | None:
    """A fact value as a number: numbers as they are; text such as ``"3"``,
    ``"三"``, ``"3人"``, ``"2.5亩"``, a money amount (``"3200万元"`` → yuan)
    or a percentage (``"5%"`` → 0.05, rates being fractions); ``None`` for
    booleans and anything else."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return None if isinstance(v, float) and math.isnan(v) else float(v)
    if isinstance(v, str):
        s = v.strip()
        if s.endswith(("%", "％")):  # 5% → 0.05: rates are fractions
            x = parse_number(s[:-1].strip())
            return None if x is None else x / 100
        x = parse_number(s)
        if x is None and s:
            bare = _COUNT_UNIT_RE.sub("", s)
            if bare != s:
                x = parse_number(bare)
            elif s.endswith("元"):
                try:
                    x = parse_money_value(s)
                except ValueError:
                    x = None
        return x
    return None


def _compare(x: Any, op: str, value: Any, inclusive: bool) -> bool | None:
    """``x op value``; ``None`` when the values cannot be compared."""
    try:
        if op == "between":
            lo, hi = value
            return (lo <= x <= hi) if inclusive else (lo < x < hi)
        if op == ">=":
            return x >= value
        if op == ">":
            return x > value
        if op == "<=":
            return x <= value
        if op == "<":
            return x < value
        if op == "==":
            return x == value
    except (TypeError, ValueError):
        return None
    return None


def _as_date(v: Any) -> date | None:
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v)
        except ValueError:
            return None
    return None


_Result = tuple[str, str, list[str]]  # outcome, detail, missing keys


def _fact(ctx: FactContext, attribute: str) -> tuple[Any, list[str]]:
    """(value, missing keys) of a non-project attribute."""
    if attribute.startswith("facts."):
        v = ctx.profile.facts.get(attribute[6:])
        if v is None:  # a fact the profile's own fields settle (研发费用占营业收入比例)
            computed = free_fact(ctx.profile, attribute[6:])
            if computed is not None:
                return computed
        return v, ([] if v is not None else [attribute])
    d = ctx.derived.get(attribute)
    if d is not None:
        return d.value, (list(d.missing) or [attribute]) if d.value is None else []
    v = getattr(ctx.profile, attribute, None)
    return v, ([] if v is not None else [attribute])


#: words of a yes/no fact given as text (compared stripped, lower case)
TRUE_WORDS = frozenset({"是", "true", "yes", "1"})
FALSE_WORDS = frozenset({"否", "false", "no", "0"})


def as_bool(v: Any) -> bool | None:
    """A yes/no fact (是/否 事实) as a boolean: ``True``/``False`` as they
    are; text in :data:`TRUE_WORDS` / :data:`FALSE_WORDS` (是/否, true/false,
    yes/no, 1/0, any case, stripped); ``None`` for anything else (numbers
    included)."""
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        s = v.strip().lower()
        if s in TRUE_WORDS:
            return True
        if s in FALSE_WORDS:
            return False
    return None


def _bool_threshold(leaf: Condition, x: Any, attr: str) -> _Result:
    """``attribute == true/false`` on a yes/no fact (``small_low_profit``,
    ``sme``, ``listed``, ``facts.…``): met when the fact equals the value,
    unmet when it is the opposite; only ``==`` compares booleans (another
    operator, or a fact that is no yes/no value, is ``unknown``)."""
    b = as_bool(x)
    shown = f"{attribute_name(attr)}：{format_value(attr, b if b is not None else x)}"
    if leaf.operator != "==" or b is None:
        return "unknown", f"{shown}（无法比较）", [attr]
    return ("met" if b is leaf.value else "unmet"), shown, []


def _threshold(leaf: Condition, x: Any, missing: list[str], attr: str) -> _Result:
    if x is None:
        return "unknown", _missing_detail(missing or [attr]), missing or [attr]
    if isinstance(leaf.value, bool):
        return _bool_threshold(leaf, x, attr)
    shown = f"{attribute_name(attr)} {format_value(attr, x)}"
    if isinstance(leaf.value, (list, tuple)) and leaf.operator == "between":
        value: Any = [float(v) for v in leaf.value]
    else:
        value = leaf.value
    n = _num(x)
    if n is None:
        return "unknown", f"{shown}（无法比较）", [attr]
    r = _compare(n, leaf.operator or "", value, leaf.inclusive)
    if r is None:
        return "unknown", f"{shown}（无法比较）", [attr]
    return ("met" if r else "unmet"), shown, []


def _date_leaf(leaf: Condition, x: Any, attr: str) -> _Result:
    if x is None:
        return "unknown", _missing_detail([attr]), [attr]
    if leaf.operator == "between" and isinstance(leaf.value, (list, tuple)):
        value: Any = [_as_date(v) for v in leaf.value]
        ok = None not in value
    else:
        value = _as_date(leaf.value)
        ok = value is not None
    d = _as_date(x)
    shown = f"{attribute_name(attr)} {format_value(attr, d or x)}"
    if not ok or d is None:
        return "unknown", f"{shown}（无法比较）", [attr]
    r = _compare(d, leaf.operator or "", value, leaf.inclusive)
    if r is None:
        return "unknown", f"{shown}（无法比较）", [attr]
    return ("met" if r else "unmet"), shown, []


def _membership(leaf: Condition, ctx: FactContext, attr: str) -> _Result:
    values = leaf.value if isinstance(leaf.value, (list, tuple, set)) else [leaf.value]
    positive = leaf.operator != "not_in"
    if attr == "qualifications":
        r = _qualification(values, ctx)
    elif attr == "industry":
        r = _industry(values, ctx)
    elif attr == "size_class":
        r = _size(values, ctx)
    elif attr == "owner_groups":
        r = _owner_groups(values, ctx)
    elif attr == "products":
        r = products_outcome(values, ctx.profile, ctx.industry)
    elif attr == PARK_FACT:
        r = _park(str(values[0]) if values else "", ctx)
    else:
        x, missing = _fact(ctx, attr)
        if x is None and attr == "entity_type" and values and set(values) <= NON_FIRM_TYPES:
            # the profile describes an enterprise (经营主体), never a person or a government
            return "unmet", f"本条面向{'、'.join(values)}，企业画像不适用", []
        if x is None:
            return "unknown", _missing_detail(missing), missing
        if isinstance(x, bool):
            hit = any(x is v or (isinstance(v, str) and v in (("是", "true") if x else ("否", "false"))) for v in values)
        else:
            hit = str(x) in {str(v) for v in values}
        r = ("met" if hit else "unmet", f"{attribute_name(attr)}：{format_value(attr, x)}", [])
    out, detail, missing = r
    if not positive:
        out = negate(out)
    return out, detail, missing


def _qualification(values: Any, ctx: FactContext) -> _Result:
    quals = ctx.profile.qualifications
    hit = [v for v in values if v in quals]
    if hit:
        return "met", f"资质认定：已有{'、'.join(hit)}", []
    for v in values:  # a derived fact may settle it (小型微利企业)
        key = _QUAL_DERIVED.get(v)
        if key and key in ctx.derived:
            d = ctx.derived[key]
            if d.value is True:
                return "met", f"{d.reason}", []
            if d.value is None and len(values) == 1:
                miss = list(d.missing) or ["qualifications"]
                return "unknown", f"{_missing_detail(miss)}（{d.reason}）", miss
            if d.value is False and len(values) == 1:
                return "unmet", d.reason, []
    if ctx.known_list("qualifications"):
        have = "、".join(quals) if quals else "无"
        return "unmet", f"资质认定：{have}", []
    return "unknown", _missing_detail(["qualifications"]), ["qualifications"]


def _owner_groups(values: Any, ctx: FactContext) -> _Result:
    """创办人身份: met when the founder/operator is one of ``values`` (a
    自主就业退役士兵 is also a 退役军人); unmet when the firm stated its
    groups (an empty list = none); unknown otherwise."""
    have = list(ctx.profile.owner_groups)
    if "自主就业退役士兵" in have and "退役军人" not in have:
        have.append("退役军人")
    hit = [v for v in values if v in have]
    if hit:
        return "met", f"创办人身份：{'、'.join(hit)}", []
    if ctx.known_list("owner_groups"):
        return "unmet", f"创办人身份：{'、'.join(ctx.profile.owner_groups) or '无'}", []
    return "unknown", _missing_detail(["owner_groups"]), ["owner_groups"]


def _industry(values: Any, ctx: FactContext) -> _Result:
    ind = ctx.industry
    if ctx.profile.industry is None:
        return "unknown", _missing_detail(["industry"]), ["industry"]
    if ind is None:
        return "unknown", f"行业：无法识别“{ctx.profile.industry}”", ["industry"]
    shown = f"行业：{ind.name}（{ind.code}）"
    codes = [str(v).strip().upper() for v in values]
    covered = ind.covered_codes()
    if any(ind.is_within(c) for c in codes) or all(any(c.startswith(v) for v in codes) for c in covered):
        return "met", shown, []
    overlap = any(c.startswith(v) or v.startswith(c) for c in covered for v in codes)
    if overlap:  # the firm's industry is broader than the condition's
        return "unknown", f"{shown}，须细化到具体行业", ["industry"]
    return "unmet", shown, []


def _size(values: Any, ctx: FactContext) -> _Result:
    sc = ctx.derived.get("size_class")
    vals = set(values)
    if sc is not None and sc.value is not None:
        return ("met" if sc.value in vals else "unmet"), f"企业规模：{sc.value}企业", []
    sme = ctx.derived.get("sme")
    if sme is not None and sme.value is not None:
        if sme.value is False:
            return ("met" if "大型" in vals else "unmet"), "企业规模：大型企业", []
        if {"中型", "小型", "微型"} <= vals:
            return "met", "企业规模：中小微企业", []
    missing = list(sc.missing) if sc is not None and sc.missing else ["size_class"]
    reason = f"（{sc.reason}）" if sc is not None else ""
    return "unknown", f"{_missing_detail(missing)}{reason}", missing


def _region(leaf: Condition, ctx: FactContext) -> _Result:
    values = leaf.value if isinstance(leaf.value, (list, tuple, set)) else [leaf.value]
    want = [_region_code(str(v)) for v in values]
    if "national" in want:
        return "met", f"注册地：{ctx.profile.region}", []
    firm = ctx.region_codes
    if firm is None:
        if not ctx.profile.region:
            return "unknown", _missing_detail(["region"]), ["region"]
        return "unknown", f"注册地：无法识别“{ctx.profile.region}”", ["region"]
    hit = any(w in firm for w in want if w)
    return ("met" if hit else "unmet"), f"注册地：{ctx.profile.region}", []


def _park(park: str, ctx: FactContext) -> _Result:
    """``met`` when the firm's ``facts.所在园区`` names ``park``, ``unmet`` when
    it names another, else ``unknown`` asking for it."""
    where = (ctx.profile.facts or {}).get(PARK_FACT.removeprefix("facts."))
    if where in (None, ""):
        return "unknown", f"{_missing_detail([PARK_FACT])}（本条对象是{park}企业）", [PARK_FACT]
    where = str(where)
    hit = park in where or where in park
    return ("met" if hit else "unmet"), f"所在园区：{where}（本条对象是{park}企业）", []


_SCALARS = (str, int, float, bool, type(None))


def _hashable(v: Any) -> Any:
    t = type(v)
    if t is bool:  # True must not share a key with 1
        return ("bool", v)
    if t in _SCALARS:
        return v
    if t in (list, tuple) and all(type(x) is str for x in v):
        return tuple(v)
    if isinstance(v, (list, tuple, set, frozenset)):
        items = [_hashable(x) for x in v]
        return tuple(sorted(items, key=repr)) if isinstance(v, (set, frozenset)) else tuple(items)
    if isinstance(v, dict):
        return tuple(sorted((str(k), _hashable(x)) for k, x in v.items()))
    return v


def _leaf(leaf: Condition, ctx: FactContext) -> _Result:
    """(outcome, detail, missing keys) of one non-project leaf for the firm.

    A leaf's result depends only on its kind, attribute, operator, value,
    unit and inclusiveness and on the firm's facts, so equal leaves of
    different clauses (the same 小微企业 or 制造业 test in a hundred
    policies) are computed once per :class:`FactContext` and reused."""
    kind = leaf.kind
    if kind == "text":
        return "to_confirm", "需人工确认", []
    key = leaf_key(leaf)
    if key is None:  # an unhashable value: computed every time
        return _leaf_outcome(leaf, ctx)
    hit = ctx.memo.get(key)
    if hit is None:
        hit = ctx.memo[key] = _frozen(_leaf_outcome(leaf, ctx))
    return hit[0], hit[1], list(hit[2])


def _frozen(r: _Result) -> tuple[str, str, tuple[str, ...]]:
    return r[0], r[1], tuple(r[2])


#: Attribute under which :func:`leaf_key` keeps a leaf's key on the leaf
#: itself, with the value it was made from (so a replaced value is never
#: read with a stale key); it goes when the leaf goes — no table holds
#: leaves of rule sets that were replaced.
_KEY_ATTR = "_leaf_key_memo"


def leaf_key(leaf: Condition) -> tuple | None:
    """What a leaf's outcome depends on besides the firm: ``(kind,
    attribute, operator, value, unit, inclusive)`` made hashable, or
    ``None`` when its value cannot be (see :func:`_leaf`)."""
    hit = leaf.__dict__.get(_KEY_ATTR)
    if hit is not None and hit[0] is leaf.value:
        return hit[1]
    try:
        key = (leaf.kind, leaf.attribute, leaf.operator, _hashable(leaf.value), leaf.unit, leaf.inclusive)
        hash(key)
    except TypeError:
        key = None
    leaf.__dict__[_KEY_ATTR] = (leaf.value, key)
    return key


def gate_leaves(cond: Condition | None) -> tuple[tuple[Condition, tuple], ...]:
    """The leaves of ``cond`` that alone can make it ``unmet``: the root
    when it is a leaf, or the leaf children of a root AND (同时满足) —
    project fields, text to confirm and unhashable values left out — each
    with its :func:`leaf_key`. See :func:`gate_unmet`."""
    if cond is None:
        return ()
    kids = [cond] if cond.op == "leaf" else cond.children if cond.op == "all" else []
    out = []
    for c in kids:
        if c.op == "leaf" and c.kind != "text" and not _is_project(c):
            key = leaf_key(c)
            if key is not None:
                out.append((c, key))
    return tuple(out)


def gate_unmet(gates: tuple[tuple[Condition, tuple], ...], ctx: FactContext) -> bool:
    """Whether one of ``gates`` (:func:`gate_leaves` of a tree) is
    ``unmet`` for the firm — the whole tree is then ``unmet``
    (:func:`~huiqi.rules.model.combine_all`), so :func:`evaluate` would
    give ``unmet`` too. Outcomes are shared with :func:`_leaf`'s memo."""
    memo = ctx.memo
    for leaf, key in gates:
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = _frozen(_leaf_outcome(leaf, ctx))
        if hit[0] == "unmet":
            return True
    return False


def _leaf_outcome(leaf: Condition, ctx: FactContext) -> _Result:
    kind = leaf.kind
    attr = leaf.attribute or ""
    if kind == "region":
        return _region(leaf, ctx)
    if kind == "membership":
        return _membership(leaf, ctx, attr)
    x, missing = _fact(ctx, attr)
    if kind == "date":
        return _date_leaf(leaf, x, attr)
    if attr == "age_years" and kind == "threshold":
        # full years: 3年以内 means fewer than 3 full years (see full_year_comparison)
        op, value, inclusive = full_year_comparison(leaf.operator, leaf.value, leaf.inclusive)
        if (op, value, inclusive) != (leaf.operator, leaf.value, leaf.inclusive):
            out, detail, miss = _threshold(replace(leaf, operator=op, value=value, inclusive=inclusive),
                                           x, missing, attr)
            est = ctx.profile.established
            if x is not None and est is not None:
                detail = f"{est.isoformat()} 成立，至 {ctx.as_of.isoformat()} 满 {x} 年（按整年计）"
            return out, detail, miss
    return _threshold(leaf, x, missing, attr)


def project_name_words(values: Any) -> list[str]:
    """The words a project's name is searched for by a project-kind test on
    ``values`` (项目类型): each listed kind and its canonical form, two
    characters or more (智能制造, 数字化改造, 技改 → 技术改造 …)."""
    words: set[str] = set()
    for v in values:
        for w in (str(v).strip(), canonical_project_kind(str(v))):
            if len(w) >= 2:
                words.add(w)
    return sorted(words)


def project_named_as(name: str | None, values: Any) -> bool:
    """Whether a project's name (项目名称) names one of the kinds ``values``:
    a 技术改造 project called 智能制造数字化车间 is an 智能制造 project too
    (the kind is one coarse word, the name says what was built)."""
    return bool(name) and any(w in name for w in project_name_words(values))


def _project_leaf(leaf: Condition, p: Project) -> _Result:
    attr = leaf.attribute or ""
    field_name = attr[8:]
    x = getattr(p, field_name, None)
    name = p.name or "项目"
    if leaf.kind == "membership":
        if x is None:
            return "unknown", f"{name}：{_missing_detail([attr])}", [attr]
        values = leaf.value if isinstance(leaf.value, (list, tuple, set)) else [leaf.value]
        if field_name == "kind":
            hit = canonical_project_kind(str(x)) in {canonical_project_kind(str(v)) for v in values} \
                or project_named_as(p.name, values)
        else:
            hit = str(x) in {str(v) for v in values}
        if leaf.operator == "not_in":
            hit = not hit
        return ("met" if hit else "unmet"), f"{name}：{attribute_name(attr)} {x}", []
    if leaf.kind == "date":
        out, detail, missing = _date_leaf(leaf, x, attr)
    elif leaf.kind == "threshold":
        out, detail, missing = _threshold(leaf, x, [attr] if x is None else [], attr)
    else:
        out, detail, missing = "to_confirm", "需人工确认", []
    return out, f"{name}：{detail}", missing


def _is_project(c: Condition) -> bool:
    return c.op == "leaf" and c.kind != "text" and bool(c.attribute) and c.attribute.startswith("project.")


def _project_group(leaves: list[Condition], ctx: FactContext) -> tuple[str, list[_Result], list[str]]:
    """Some single project satisfies every leaf: (outcome, per-leaf results, missing)."""
    projects = ctx.profile.projects
    if not projects:
        res = [("unknown", _missing_detail(["projects"]), ["projects"]) for _ in leaves]
        return "unknown", res, ["projects"]
    best: tuple[str, list[_Result]] | None = None
    order = {"unmet": 0, "unknown": 1, "to_confirm": 2, "met": 3}
    for p in projects:
        res = [_project_leaf(leaf, p) for leaf in leaves]
        out = combine_all([r[0] for r in res])
        if best is None or order[out] > order[best[0]]:
            best = (out, res)
            if out == "met":
                break
    assert best is not None
    out, res = best
    missing: list[str] = []
    if out == "unknown":
        for r in res:
            for m in r[2]:
                if m not in missing:
                    missing.append(m)
    return out, res, missing


# ---------------------------------------------------------------------------
# tree walk


def _walk(node: Condition, ctx: FactContext, reasons: list[Reason], negated: bool) -> tuple[str, list[str]]:
    """Outcome and relevant missing keys of ``node``; appends leaf reasons."""
    op = node.op
    if op == "leaf":
        if _is_project(node):
            out, res, missing = _project_group([node], ctx)
            _reason(node, res[0], reasons, negated)
            return out, missing
        r = _leaf(node, ctx)
        _reason(node, r, reasons, negated)
        return r[0], r[2]
    if op == "not":
        out, missing = _walk(node.children[0], ctx, reasons, not negated) if node.children else ("met", [])
        return negate(out), missing
    kids = node.children
    outs: list[str] = []
    missing_lists: list[list[str]] = []
    proj = [c for c in kids if _is_project(c)] if op == "all" else []
    group: dict[int, _Result] = {}
    if len(proj) > 1:
        g_out, g_res, g_missing = _project_group(proj, ctx)
        group = {id(c): r for c, r in zip(proj, g_res)}
        outs.append(g_out)
        missing_lists.append(g_missing if g_out == "unknown" else [])
    for c in kids:
        if id(c) in group:
            _reason(c, group[id(c)], reasons, negated)
            continue
        o, m = _walk(c, ctx, reasons, negated)
        if op == "any" and o == "met" and is_generic_branch(c):
            o = "to_confirm"  # 注册地在本旗 alone does not make an OR met: its subject must match
        outs.append(o)
        missing_lists.append(m if o == "unknown" else [])
    out = combine_all(outs) if op == "all" else combine_any(outs)
    missing: list[str] = []
    if out == "unknown":
        for m in missing_lists:
            for k in m:
                if k not in missing:
                    missing.append(k)
    return out, missing


def _reason(leaf: Condition, r: _Result, reasons: list[Reason], negated: bool) -> None:
    out, detail, _ = r
    label = leaf.label or describe(leaf)
    if negated:
        out = negate(out)
        label = f"不属于：{label}"
    reasons.append(Reason(label, out, leaf.source_text, detail))


#: Attributes that filter who a clause is about but say nothing of whether
#: the firm qualifies (品种/作物: a beef farm meets "肉牛" in a clause on
#: 调出大县奖励 without being the county): never "checked" on their own.
SUBJECT_ONLY = frozenset({"products"})


def supported(cond: Condition | None, ctx: FactContext, generic: frozenset[str] | set[str] = frozenset({"text"}),
              subject_only: frozenset[str] | set[str] = SUBJECT_ONLY) -> bool:
    """Whether some leaf about the firm itself (kind not in ``generic``) is
    met, on the eligibility side, in a part of ``cond`` that carries its
    outcome: inside an ``all`` or ``any``, children whose outcome is unmet
    (on the eligibility side) are skipped — a 小微企业 met inside an OR branch
    that fails does not make the clause "checked" (issue 11). Leaves on
    ``subject_only`` attributes never count. Used by
    :func:`huiqi.calc.engine.match` for ``eligible`` / ``likely``.
    ``None`` → ``False``."""
    if cond is None:
        return False
    return _support(cond, ctx, generic, False, subject_only)


def bears_on_firm(cond: Condition | None, ctx: FactContext, generic: frozenset[str] | set[str] = frozenset({"text"}),
                  subject_only: frozenset[str] | set[str] = SUBJECT_ONLY) -> bool:
    """Whether some leaf of ``cond`` about the firm itself (kind not in
    ``generic``, attribute not in ``subject_only``) was decided by the firm's
    facts, met or unmet — i.e. what the firm told us bears on the clause.
    ``None`` → ``False``. Used by :func:`huiqi.calc.engine.match` to tell a
    question worth asking from a clause about some other kind of firm."""
    if cond is None:
        return False
    for leaf in cond.leaves():
        if leaf.kind in generic or (leaf.attribute or "") in subject_only:
            continue
        out, _ = _walk(leaf, ctx, [], False)
        if out in ("met", "unmet"):
            return True
    return False


def _support(node: Condition, ctx: FactContext, generic, negated: bool, subject_only=SUBJECT_ONLY) -> bool:
    if node.op == "leaf":
        if node.kind in generic or (node.attribute or "") in subject_only:
            return False
        out, _ = _walk(node, ctx, [], negated)
        return (negate(out) if negated else out) == "met"
    if node.op == "not":
        return bool(node.children) and _support(node.children[0], ctx, generic, not negated, subject_only)
    for c in node.children:
        out, _ = _walk(c, ctx, [], negated)
        if (negate(out) if negated else out) == "unmet":
            continue
        if _support(c, ctx, generic, negated, subject_only):
            return True
    return False


#: Evaluations kept per tree by :func:`evaluate_shared` (the oldest dropped beyond).
MAX_SHARED = 64


def evaluate_shared(cond: Condition | None, ctx: FactContext, store: dict) -> Evaluation:
    """:func:`evaluate`, reusing the result of an earlier firm whose leaves
    came out the same.

    An evaluation is a function of the tree and of its leaves' results
    (outcome, detail, missing keys): the connectives, the generic-branch
    rule and the reasons depend on nothing else. So for a tree without
    project leaves (those compare each project of the firm) the leaves'
    results — shared per firm through :func:`_leaf`'s memo — are the key
    of a cache kept in ``store`` (a dict owned by the caller, one per
    tree; at most :data:`MAX_SHARED` evaluations). The returned
    :class:`~huiqi.rules.model.Evaluation` is shared: read it, never
    change it."""
    if cond is None:
        return Evaluation("met")
    leaves = store.get("leaves")
    if leaves is None:
        found = [leaf for leaf in cond.leaves()]
        if any(_is_project(leaf) for leaf in found):
            leaves = store["leaves"] = ()
        else:
            keyed = [(leaf, leaf_key(leaf)) for leaf in found if leaf.kind != "text"]
            leaves = store["leaves"] = tuple(keyed) if all(k is not None for _, k in keyed) else ()
            store["shareable"] = bool(keyed) and all(k is not None for _, k in keyed)
    if not store.get("shareable"):
        return evaluate(cond, ctx)
    memo = ctx.memo
    sig = []
    for leaf, key in leaves:
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = _frozen(_leaf_outcome(leaf, ctx))
        sig.append(hit)
    sig_key = tuple(sig)
    evals = store.setdefault("evals", {})
    ev = evals.get(sig_key)
    if ev is None:
        if len(evals) >= MAX_SHARED:
            evals.clear()
        ev = evals[sig_key] = evaluate(cond, ctx)
    return ev


def evaluate(cond: Condition | None, ctx: FactContext) -> Evaluation:
    """Evaluate a condition tree for the firm in ``ctx``.

    Returns an :class:`~huiqi.rules.model.Evaluation`: ``outcome`` (``met`` /
    ``unmet`` / ``unknown`` / ``to_confirm``), ``reasons`` (one per leaf in
    tree order; leaves under a ``not`` are reported from the eligibility side:
    label ``不属于：…`` and the negated outcome) and ``missing`` (profile keys —
    for derived facts the underlying keys such as ``employees``/``revenue``
    for ``size_class`` — that would settle an ``unknown`` outcome; empty when
    the outcome is settled). ``None`` (no condition) → ``met``. Never raises
    for well-formed trees; a leaf whose value cannot be compared is
    ``unknown``.
    """
    if cond is None:
        return Evaluation("met")
    reasons: list[Reason] = []
    out, missing = _walk(cond, ctx, reasons, False)
    return Evaluation(out, reasons, missing if out == "unknown" else [])

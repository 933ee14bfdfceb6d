"""Condition trees compiled to DuckDB SQL (条件树 → SQL 表达式) for batch
screening (免申即享批量筛查).

:func:`compile_condition` turns a :class:`huiqi.rules.model.Condition` into one
SQL expression over a *profiles table* (one row per firm, columns in
:data:`PROFILE_COLUMNS`). The expression yields an integer **outcome code**:

====  ==============  =====================
code  outcome         status of a clause
====  ==============  =====================
0     ``unmet``       ``ineligible``
1     ``unknown``     ``needs_info``
2     ``to_confirm``  ``likely``
3     ``met``         ``eligible``
====  ==============  =====================

The codes follow the rank order of :func:`huiqi.rules.model.combine_all` /
:func:`~huiqi.rules.model.combine_any` / :func:`~huiqi.rules.model.negate`
(Kleene logic with ``to_confirm`` between ``unknown`` and ``met``), so
AND = ``LEAST``, OR = ``GREATEST``, NOT = ``[3, 1, 2, 0][x + 1]`` (3 - x for
0/3, x otherwise). A leaf is a SQL boolean ``b`` mapped by ``coalesce(3 * b, 1)``:
SQL ``NULL`` (a missing fact) is exactly "unknown". ``text`` leaves are the
constant 2 (to confirm — never met, never unmet).

Projects (项目) are a ``LIST`` of ``STRUCT`` (one struct per project, fields
:data:`PROJECT_FIELDS`). Per :mod:`huiqi.rules.model`, "a project condition
holds when some project satisfies every project leaf of the same ``all``":
the project leaves that are direct children of one ``all`` node are compiled
as ``list_max(list_transform(projects, lambda p: LEAST(leaf1(p), …)))``
(best project), other project leaves each as a group of one. A firm with no
project listed gives :data:`NO_PROJECT_CODE` for the group. (Flattened
"best project" columns were rejected: which project is best depends on the
clause — the largest investment for one, a 节能改造 completed after 2022 for
another — so only a per-clause lambda over all projects is exact.)

Leaf semantics are those of the per-profile evaluator
:func:`huiqi.calc.evaluate.evaluate` (``tests/calc/test_batch.py`` checks
them pair by pair on random profiles):

- ``threshold``: numeric comparison (``between`` = ``[lo, hi]``, ``inclusive``
  for both ends); a non-numeric fact (text, boolean, date) or bound is
  unknown.
- ``membership``: ``industry`` by GB/T 4754 code prefix (a condition on C13
  is met by C1311, unmet by C14, unknown for a firm known only as C);
  ``qualifications`` by list overlap, 小型微利企业 also by the derived fact,
  an unstated list is unknown; ``entity_type`` in {个人, 地方政府} (never
  an enterprise) is unmet even when the entity type is missing; ``size_class`` by
  the derived class (or ``sme`` when the class is open); project ``kind``
  after the alias table; other attributes by text equality (booleans also
  是/否).
- ``region``: met when the firm's division or one above it (GB/T 2260
  ancestor list) is listed, a national name (全国) always; unknown when the
  firm's place is not resolved.
- ``date``: comparison with an ISO date.
- ``facts.<中文名>``: numbers from ``fact_numbers`` (``MAP(VARCHAR,
  DOUBLE)``, parsed like the evaluator does), text from ``facts``
  (``MAP(VARCHAR, VARCHAR)``); absent → unknown.
- an attribute the table does not know → unknown (1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from huiqi.rules.model import Condition, is_generic_branch

#: Free facts computed from profile columns when the firm did not state them
#: (:data:`huiqi.calc.derived.FREE_FACT_SOURCES`, the same formulas): name → SQL.
FREE_FACT_SQL: dict[str, str] = {
    "研发费用占营业收入比例": '(CASE WHEN "revenue" > 0 THEN "rd_expense" / "revenue" END)',
}

#: Outcome → integer code (rank order of the Kleene combination).
OUTCOME_CODES: dict[str, int] = {"unmet": 0, "unknown": 1, "to_confirm": 2, "met": 3}
#: Integer code → outcome.
CODE_OUTCOMES: dict[int, str] = {v: k for k, v in OUTCOME_CODES.items()}
#: Integer code → clause status (issue 4's ``status`` vocabulary).
CODE_STATUS: dict[int, str] = {0: "ineligible", 1: "needs_info", 2: "likely", 3: "eligible"}

#: Outcome code of a project group for a firm that lists no project: the
#: facts are missing, so "unknown".
NO_PROJECT_CODE = 1

#: Columns of the profiles table (DuckDB types). ``industry_codes`` are the
#: GB/T 4754 codes the firm's industry covers (one code normally, several for
#: an alias such as 工业; NULL when the industry is missing or unrecognised);
#: ``region_codes`` the firm's GB/T 2260 code and every code above it (NULL
#: when unresolved); ``region_chain`` the same chain as resolved for document
#: scope by :func:`huiqi.calc.scope.resolve_firm_region` (empty for a firm
#: registered outside Inner Mongolia, NULL when unrecognised); ``facts`` the free
#: facts as text (booleans as :data:`BOOL_FACT` markers), ``fact_numbers`` the
#: numeric ones. ``region`` is the 注册地 as given (text or code);
#: ``qualifications`` is NULL when the firm did not state its list.
PROFILE_COLUMNS: dict[str, str] = {
    "profile_id": "INTEGER",
    "name": "VARCHAR",
    "employees": "BIGINT",
    "revenue": "DOUBLE",
    "total_assets": "DOUBLE",
    "taxable_income": "DOUBLE",
    "monthly_sales": "DOUBLE",
    "rd_expense": "DOUBLE",
    "established": "DATE",
    "age_years": "INTEGER",
    "entity_type": "VARCHAR",
    "ownership": "VARCHAR",
    "industry": "VARCHAR",
    "industry_codes": "VARCHAR[]",
    "taxpayer_type": "VARCHAR",
    "tax_credit_grade": "VARCHAR",
    "qualifications": "VARCHAR[]",
    "unemployment_insurance_months": "INTEGER",
    "layoff_rate": "DOUBLE",
    "listed": "BOOLEAN",
    "size_class": "VARCHAR",
    "sme": "BOOLEAN",
    "small_low_profit": "BOOLEAN",
    "above_scale_industrial": "BOOLEAN",
    "region": "VARCHAR",
    "region_codes": "VARCHAR[]",
    "region_chain": "VARCHAR[]",
    "fact_numbers": "MAP(VARCHAR, DOUBLE)",
    "projects": None,  # filled below
    "facts": "MAP(VARCHAR, VARCHAR)",
}

#: Fields of one project struct (项目) and their DuckDB types.
PROJECT_FIELDS: dict[str, str] = {
    "kind": "VARCHAR",
    "investment": "DOUBLE",
    "equipment_investment": "DOUBLE",
    "status": "VARCHAR",
    "completed": "DATE",
    "energy_saving_tce": "DOUBLE",
    "water_saving_t": "DOUBLE",
    "area_mu": "DOUBLE",
    "head_count": "BIGINT",
    "name": "VARCHAR",  # 项目名称: a project-kind test also reads it (evaluate.project_named_as)
}
PROJECTS_TYPE = "STRUCT(" + ", ".join(f"{k} {v}" for k, v in PROJECT_FIELDS.items()) + ")[]"
PROFILE_COLUMNS["projects"] = PROJECTS_TYPE

_NUMERIC_TYPES = {"BIGINT", "INTEGER", "DOUBLE"}


class CompileError(ValueError):
    """A condition tree that cannot be compiled (an unknown connective or
    leaf kind, a non-finite literal). The message is Chinese."""


# --------------------------------------------------------------------------
# literals


def quote_ident(name: str) -> str:
    """A SQL identifier in double quotes (``"employees"``)."""
    return '"' + name.replace('"', '""') + '"'


def sql_literal(v: Any) -> str:
    """A Python value as a DuckDB literal: ``NULL``, ``TRUE``/``FALSE``,
    numbers (finite), ``DATE 'YYYY-MM-DD'`` for dates, quoted text.
    Raises :class:`CompileError` for NaN/inf and unsupported types."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise CompileError(f"数值无效：{v}")
        return repr(v)
    if isinstance(v, datetime):
        return f"DATE '{v.date().isoformat()}'"
    if isinstance(v, date):
        return f"DATE '{v.isoformat()}'"
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    raise CompileError(f"不支持的取值类型 {type(v).__name__}：{v!r}")


def _list_literal(values: list[Any]) -> str:
    return "[" + ", ".join(sql_literal(v) for v in values) + "]"


def _values(v: Any) -> list[Any]:
    if v is None:
        return []
    if isinstance(v, (list, tuple, set, frozenset)):
        return list(v)
    return [v]


def code_of(boolean_sql: str) -> str:
    """A SQL boolean (NULL = unknown) → outcome code 3 / 0 / 1."""
    return f"coalesce(3 * CAST(({boolean_sql}) AS UTINYINT), 1)"


def _not(code_sql: str) -> str:
    """NOT (model.negate): met ↔ unmet, unknown and to_confirm stay. A
    constant-list lookup keeps the operand written (and evaluated) once."""
    return f"[3, 1, 2, 0][({code_sql}) + 1]"


def _in(x: str, literals: list[str]) -> str:
    """SQL ``x IN (…)``; for an empty list FALSE, NULL when ``x`` is NULL
    (a missing fact stays unknown)."""
    if not literals:
        return f"(CASE WHEN {x} IS NULL THEN NULL ELSE FALSE END)"
    return f"{x} IN ({', '.join(literals)})"


def _combine(fn: str, parts: list[str], empty: str) -> str:
    parts = list(dict.fromkeys(parts))
    if not parts:
        return empty
    if len(parts) == 1:
        return parts[0]
    return f"{fn}({', '.join(parts)})"


# --------------------------------------------------------------------------
# compile-time helpers


def region_value_codes(value: Any) -> tuple[bool, list[str]]:
    """Condition region values (GB/T 2260 codes or names) → ``(national,
    codes)``: ``national`` is True when a value names the whole country
    (全国 …, which every firm satisfies); ``codes`` the recognised Inner
    Mongolia division codes (names resolved with
    :func:`huiqi.search.filters.find_division`); unrecognised values are
    dropped, as in :mod:`huiqi.calc.evaluate`."""
    from huiqi.reference.regions import NATIONAL_NAMES, divisions, find_division

    national, codes = False, []
    for v in _values(value):
        s = str(v).strip()
        if s in NATIONAL_NAMES:
            national = True
            continue
        code = s if s in divisions() else (d.code if (d := find_division(s)) else None)
        if code and code not in codes:
            codes.append(code)
    return national, codes


def firm_region_codes(region: str | None) -> list[str] | None:
    """A firm's 注册地 (free text or GB/T 2260 code) → its division code and
    every code above it (``["152921", "152900", "150000"]``), or ``None``
    when the place is not in the Inner Mongolia division table (or is a
    national name)."""
    from huiqi.reference.regions import (
        NATIONAL_NAMES,
        ancestors,
        divisions,
        find_division,
    )

    if not region:
        return None
    s = str(region).strip()
    if s in NATIONAL_NAMES:
        return None
    code = s if s in divisions() else (d.code if (d := find_division(s)) else None)
    return ancestors(code) if code else None


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not (isinstance(v, float) and not math.isfinite(v))


def _float_or_none(v: Any) -> float | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _date_or_none(v: Any) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v)
        except ValueError:
            return None
    return None


def _compare_code(c: Condition, ref: str, convert) -> str:
    """Outcome code of ``ref <op> value`` for a threshold or date leaf;
    ``convert`` turns a bound into a Python value (``None`` when it cannot),
    which makes the leaf unknown (``"1"``), as does an unknown operator.
    ``between`` takes ``[lo, hi]`` and honours ``inclusive``."""
    op = c.operator
    if op == "between":
        vals = c.value
        if not isinstance(vals, (list, tuple)) or len(vals) != 2:
            return "1"
        lo, hi = (convert(v) for v in vals)
        if lo is None or hi is None:
            return "1"
        if c.inclusive:
            return code_of(f"{ref} BETWEEN {sql_literal(lo)} AND {sql_literal(hi)}")
        return code_of(f"({ref} > {sql_literal(lo)} AND {ref} < {sql_literal(hi)})")
    v = convert(c.value)
    if op not in (">=", ">", "<=", "<", "==") or v is None:
        return "1"
    return code_of(f"{ref} {'=' if op == '==' else op} {sql_literal(v)}")


def _project_kind_aliases() -> dict[str, str]:
    """Project kinds (项目类型) written differently in profiles and texts:
    :data:`huiqi.calc.evaluate.PROJECT_KIND_ALIASES`."""
    from huiqi.calc.evaluate import PROJECT_KIND_ALIASES

    return dict(PROJECT_KIND_ALIASES)


#: Marker stored in the text ``facts`` map for boolean facts, so that a
#: membership test can tell the boolean ``True`` from the text "True".
BOOL_FACT = {True: "\x01true", False: "\x01false"}


# --------------------------------------------------------------------------
# the compiler


class Compiler:
    """Compiles condition trees to outcome-code SQL expressions.

    ``columns`` maps attribute → DuckDB type of the profiles table (default
    :data:`PROFILE_COLUMNS`). :meth:`compile` is the entry point. The
    compiler is total: a leaf the per-profile evaluator would find
    incomparable (a threshold on text, a date that is not ISO, an unknown
    attribute) compiles to the constant 1 (unknown), as
    :func:`huiqi.calc.evaluate.evaluate` reports it.
    """

    def __init__(self, columns: dict[str, str] | None = None):
        self.columns = dict(columns or PROFILE_COLUMNS)

    # -- public -------------------------------------------------------------
    def compile(self, cond: Condition | None) -> str:
        """SQL expression (outcome code 0–3) for ``cond``; ``None`` (no
        conditions: the clause applies to every firm) compiles to ``3``."""
        if cond is None:
            return "3"
        return self._node(cond)

    def compile_scope(self, scope: Any) -> str:
        """SQL outcome code of a document's region scope (适用地区, a
        :class:`huiqi.calc.scope.Scope` or anything with ``kind`` and
        ``code``), as :meth:`~huiqi.calc.scope.Scope.check` decides it:
        national → met (3); unknown scope → to confirm (2); a division → met
        when the firm's chain (``region_chain``) contains it, unmet when not
        (also for a firm outside Inner Mongolia), unknown when the firm's
        注册地 is unrecognised. ``None`` → 3."""
        kind = getattr(scope, "kind", None)
        if scope is None or kind == "national":
            return "3"
        if kind == "division" and getattr(scope, "code", None):
            return (f"(CASE WHEN \"region_chain\" IS NULL THEN 1 WHEN list_contains(\"region_chain\", "
                    f"{sql_literal(str(scope.code))}) THEN 3 ELSE 0 END)")
        return "2"

    # -- tree ---------------------------------------------------------------
    def _node(self, c: Condition) -> str:
        if c.op == "leaf":
            if self._is_project_leaf(c):
                return self._project_group([c])
            return self._leaf(c)
        if c.op == "not":
            # evaluate.py: a ``not`` without child is negate("met") = unmet
            return _not(self._node(c.children[0])) if c.children else "0"
        if c.op == "all":
            proj = [k for k in c.children if self._is_project_leaf(k)]
            rest = [self._node(k) for k in c.children if not self._is_project_leaf(k)]
            if proj:
                rest.append(self._project_group(proj))
            return _combine("LEAST", rest, "3")
        if c.op == "any":
            # a branch testing only generic subjects (注册地) counts at most
            # as to confirm (2): evaluate.py's rule, model.is_generic_branch
            return _combine("GREATEST", [f"LEAST({self._node(k)}, 2)" if is_generic_branch(k) else self._node(k)
                                         for k in c.children], "0")
        raise CompileError(f"未知的条件连接词 {c.op!r}")

    @staticmethod
    def _is_project_leaf(c: Condition) -> bool:
        return c.op == "leaf" and c.kind != "text" and bool(c.attribute) and c.attribute.startswith("project.")

    def _project_group(self, leaves: list[Condition]) -> str:
        """Best project (OR over projects) of the AND of the leaves; no
        project listed → :data:`NO_PROJECT_CODE`."""
        inner = _combine("LEAST", [self._project_leaf(lf) for lf in leaves], "3")
        return (f"coalesce(list_max(list_transform(\"projects\", lambda p: {inner})), "
                f"{NO_PROJECT_CODE})")

    # -- leaves -------------------------------------------------------------
    def _col(self, attr: str) -> tuple[str, str] | None:
        if attr in self.columns and attr not in ("projects", "facts", "fact_numbers", "profile_id",
                                                 "industry_codes", "region_codes", "region_chain"):
            return quote_ident(attr), self.columns[attr]
        return None

    def _leaf(self, c: Condition) -> str:
        kind, attr = c.kind, c.attribute or ""
        if kind == "text":
            return "2"
        if kind == "region":
            return self._region(c)
        if kind == "membership":
            if attr == "qualifications":
                return self._negated(c, self._qualification(c))
            if attr == "industry":
                return self._negated(c, self._industry(c))
            if attr == "size_class":
                return self._negated(c, self._size(c))
            if attr.startswith("facts."):
                return self._negated(c, self._fact_membership(c, attr[6:]))
            if attr == "products":
                # calc/subjects.py: a firm outside farming and farm-product
                # processing (products.yaml farm_industries) stating no products is unmet; the table holds no products, so
                # otherwise unknown (a firm listing products is screened one by one)
                from huiqi.calc.subjects import _raw

                farm = " OR ".join(f"starts_with(x, {sql_literal(str(f))})"
                                   for f in (_raw().get("farm_industries") or ["A"]))
                return self._negated(c, "(CASE WHEN \"industry_codes\" IS NOT NULL AND "
                                        f"len(list_filter(\"industry_codes\", lambda x: {farm})) = 0 "
                                        "THEN 0 ELSE 1 END)")
            col = self._col(attr)
            if col is None:
                return "1"
            code = self._negated(c, self._membership(c, *col))
            if attr == "entity_type" and self._non_firm_only(c):
                # evaluate.py: a profile is an enterprise, never a person or a
                # government: unmet when the type is missing (for not_in too, as there)
                code = f"(CASE WHEN {col[0]} IS NULL THEN 0 ELSE {code} END)"
            return code
        if attr.startswith("facts."):
            name = sql_literal(attr[6:])
            if kind == "date":
                return self._date(c, f"TRY_CAST(element_at(\"facts\", {name})[1] AS DATE)", "DATE")
            ref = f"element_at(\"fact_numbers\", {name})[1]"
            derived = FREE_FACT_SQL.get(attr[6:])
            if derived is not None:  # evaluate.py: derived.free_fact when the firm did not state it
                ref = f"coalesce({ref}, {derived})"
            return self._threshold(c, ref, "DOUBLE")
        col = self._col(attr)
        if col is None:
            return "1"
        if kind == "date":
            return self._date(c, *col)
        if kind == "threshold":
            if attr == "age_years":  # full years, as the evaluator reads them
                from dataclasses import replace

                from huiqi.calc.derived import full_year_comparison

                op, value, inclusive = full_year_comparison(c.operator, c.value, c.inclusive)
                c = replace(c, operator=op, value=value, inclusive=inclusive)
            return self._threshold(c, *col)
        raise CompileError(f"未知的条件类型 {kind!r}")

    @staticmethod
    def _non_firm_only(c: Condition) -> bool:
        """Whether a membership lists only beneficiaries that are never an
        enterprise (:data:`huiqi.calc.evaluate.NON_FIRM_TYPES`: 个人, 地方政府)."""
        from huiqi.calc.evaluate import NON_FIRM_TYPES

        vals = _values(c.value) if c.value is not None else [None]
        try:
            return bool(vals) and set(vals) <= NON_FIRM_TYPES
        except TypeError:
            return False

    @staticmethod
    def _negated(c: Condition, code: str) -> str:
        return _not(code) if c.operator == "not_in" else code

    def _threshold(self, c: Condition, ref: str, typ: str) -> str:
        """Numeric comparison; text, booleans, dates and lists are not
        comparable (unknown), like a non-numeric bound — except ``== true /
        false`` on a yes/no column (``sme``, ``listed``, ``small_low_profit``
        …), as the evaluator compares it."""
        if typ == "BOOLEAN" and isinstance(c.value, bool):
            if c.operator != "==":
                return "1"
            return f"(CASE WHEN {ref} IS NULL THEN 1 WHEN {ref} = {'TRUE' if c.value else 'FALSE'} THEN 3 ELSE 0 END)"
        if typ not in _NUMERIC_TYPES:
            return "1"
        if c.operator != "between" and not _is_number(c.value):
            return "1"
        return _compare_code(c, ref, _float_or_none)

    def _date(self, c: Condition, ref: str, typ: str) -> str:
        if typ != "DATE":
            return "1"
        return _compare_code(c, ref, _date_or_none)

    def _membership(self, c: Condition, ref: str, typ: str) -> str:
        """Generic membership: the value's text form among the listed
        values' text forms; booleans also match 是/否/true/false."""
        vals = _values(c.value) if c.value is not None else [None]
        if typ == "BOOLEAN":
            want = []
            if any(v is True or v in ("是", "true") for v in vals):
                want.append("TRUE")
            if any(v is False or v in ("否", "false") for v in vals):
                want.append("FALSE")
            b = _in(ref, want)
            return code_of(b)
        texts = sorted({str(v) for v in vals})
        if typ.endswith("[]"):
            return "1"
        x = ref if typ == "VARCHAR" else f"CAST({ref} AS VARCHAR)"
        return code_of(_in(x, [sql_literal(t) for t in texts]))

    def _qualification(self, c: Condition) -> str:
        """资质 membership: listed → met; a qualification a derived fact can
        settle (:data:`huiqi.calc.evaluate.QUAL_DERIVED`: 小型微利企业,
        规模以上工业企业) is met when the fact is true and, when it is the only
        value, unknown / unmet when the fact is unknown / false; else unmet
        when the firm stated its list (column not NULL), unknown otherwise —
        the evaluator's order."""
        from huiqi.calc.evaluate import QUAL_DERIVED

        vals = _values(c.value) if c.value is not None else [None]
        texts = [v for v in vals if isinstance(v, str)]
        ref = '"qualifications"'
        parts = []
        if texts:
            parts.append(f"WHEN list_has_any(coalesce({ref}, []::VARCHAR[]), {_list_literal(texts)}) THEN 3")
        for v in vals:
            col = QUAL_DERIVED.get(v) if isinstance(v, str) else None
            if col is None or col not in self.columns:
                continue
            q = quote_ident(col)
            parts.append(f"WHEN {q} THEN 3")
            if len(vals) == 1:
                parts.append(f"WHEN {q} IS NULL THEN 1 WHEN NOT {q} THEN 0")
        parts.append(f"WHEN {ref} IS NOT NULL THEN 0 ELSE 1")
        return "(CASE " + " ".join(parts) + " END)"

    def _industry(self, c: Condition) -> str:
        """GB/T 4754 prefix match (:meth:`huiqi.reference.industries.Industry.is_within`):
        met when every code the firm's industry covers lies in a listed
        code; unknown when they only overlap (the firm's industry is
        broader) or the industry is missing / unrecognised; else unmet."""
        vals = _values(c.value) if c.value is not None else [None]
        codes = list(dict.fromkeys(str(v).strip().upper() for v in vals))
        ref = '"industry_codes"'
        inside = " OR ".join(f"starts_with(x, {sql_literal(k)})" for k in codes)
        within = f"list_bool_and(list_transform({ref}, lambda x: {inside}))"
        overlap = " OR ".join(
            f"starts_with(x, {sql_literal(k)}) OR starts_with({sql_literal(k)}, x)" for k in codes)
        return (f"(CASE WHEN {ref} IS NULL THEN 1 WHEN {within} THEN 3 "
                f"WHEN list_bool_or(list_transform({ref}, lambda x: {overlap})) THEN 1 ELSE 0 END)")

    def _size(self, c: Condition) -> str:
        """企业规模 membership: the size class when known; a firm known to be
        large (sme false) or known to be an SME (sme true, when every SME
        class is listed) otherwise; else unknown."""
        vals = {str(v) for v in _values(c.value)}
        lit = ", ".join(sql_literal(v) for v in sorted(vals)) or "NULL"
        large = 3 if "大型" in vals else 0
        sme_all = "3" if {"中型", "小型", "微型"} <= vals else "1"
        return (f"(CASE WHEN \"size_class\" IS NOT NULL THEN coalesce(3 * CAST(\"size_class\" IN ({lit}) AS UTINYINT), 0) "
                f"WHEN \"sme\" = FALSE THEN {large} WHEN \"sme\" THEN {sme_all} ELSE 1 END)")

    def _region(self, c: Condition) -> str:
        """Region leaf: met when a listed place contains the firm (a national
        name always); unmet when none does; unknown when the firm's place is
        not resolved."""
        national, codes = region_value_codes(c.value)
        if national:
            return "3"
        ref = '"region_codes"'
        hit = f"list_has_any({ref}, {_list_literal(codes)})" if codes else "FALSE"
        return f"(CASE WHEN {ref} IS NULL THEN 1 WHEN {hit} THEN 3 ELSE 0 END)"

    def _fact_membership(self, c: Condition, name: str) -> str:
        vals = _values(c.value) if c.value is not None else [None]
        texts = {str(v) for v in vals}
        if any(v is True or v in ("是", "true") for v in vals):
            texts.add(BOOL_FACT[True])
        if any(v is False or v in ("否", "false") for v in vals):
            texts.add(BOOL_FACT[False])
        raw = f"element_at(\"facts\", {sql_literal(name)})[1]"
        return code_of(_in(raw, [sql_literal(t) for t in sorted(texts)]))

    # -- project leaves (row variable p) ------------------------------------
    def _project_leaf(self, c: Condition) -> str:
        f = (c.attribute or "")[8:]
        if f not in PROJECT_FIELDS:
            return "1"
        ref, typ = f"p.{quote_ident(f)}", PROJECT_FIELDS[f]
        if c.kind == "membership":
            vals = _values(c.value) if c.value is not None else [None]
            if f == "kind":
                aliases = _project_kind_aliases()
                texts = sorted({aliases.get(str(v).strip(), str(v).strip()) for v in vals})
                cases = " ".join(f"WHEN {sql_literal(k)} THEN {sql_literal(v)}" for k, v in aliases.items())
                x = f"(CASE trim({ref}) {cases} ELSE trim({ref}) END)"
                from huiqi.calc.evaluate import project_name_words

                named = " OR ".join(f"contains(coalesce(p.\"name\", ''), {sql_literal(w)})"
                                    for w in project_name_words(vals))
                code = code_of(_in(x, [sql_literal(t) for t in texts]))
                if named:  # the kind known and the name naming a listed kind: met
                    code = f"(CASE WHEN {ref} IS NOT NULL AND ({named}) THEN 3 ELSE {code} END)"
                return self._negated(c, code)
            else:
                texts = sorted({str(v) for v in vals})
                x = ref if typ == "VARCHAR" else f"CAST({ref} AS VARCHAR)"
            return self._negated(c, code_of(_in(x, [sql_literal(t) for t in texts])))
        if c.kind == "date":
            return self._date(c, ref, typ)
        if c.kind == "threshold":
            return self._threshold(c, ref, typ)
        return "2"


def compile_condition(cond: Condition | None, columns: dict[str, str] | None = None) -> str:
    """Convenience: :meth:`Compiler.compile` with default settings.

    ``compile_condition(Condition.leaf("threshold", "employees", "<=", 300))``
    → ``'coalesce(3 * CAST(("employees" <= 300.0) AS UTINYINT), 1)'``.
    """
    return Compiler(columns).compile(cond)


@dataclass
class CompiledRules:
    """Rules compiled once: ``exprs`` the distinct outcome expressions,
    ``clause_cols`` ``[(clause_id, expression index)]``, ``errors``
    ``{clause_id: Chinese message}`` for trees that could not be compiled."""

    exprs: list[str] = field(default_factory=list)
    clause_cols: list[tuple[Any, int]] = field(default_factory=list)
    errors: dict[Any, str] = field(default_factory=dict)


def compile_rules(rules: Sequence[tuple]) -> CompiledRules:
    """Compile ``[(clause_id, condition, scope?)]`` (the triples of
    :func:`huiqi.screen.batch.rules_from_ruleset`) into distinct SQL
    expressions (the document's region scope AND-ed in); used by
    :func:`huiqi.screen.batch.screen` and :mod:`huiqi.screen.stream`."""
    compiler = Compiler()
    out = CompiledRules()
    index: dict[str, int] = {}
    for item in rules:
        clause_id, cond = item[0], item[1]
        scope = item[2] if len(item) > 2 else None
        try:
            expr = compiler.compile(cond)
            scope_sql = compiler.compile_scope(scope)
        except CompileError as exc:
            out.errors[clause_id] = str(exc)
            continue
        if scope_sql != "3":
            expr = scope_sql if expr == "3" else f"LEAST({scope_sql}, {expr})"
        out.clause_cols.append((clause_id, index.setdefault(expr, len(index))))
    out.exprs = list(index)
    return out

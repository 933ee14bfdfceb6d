"""How to ask for a free fact (自由事实 ``facts.<中文名>``): its kind, unit and
choices, read from the rules that test it.

Rules name facts the profile contract has no key for (登记失业人员招用人数,
高新技术企业认定类型, 主营业务属于西部地区鼓励类产业目录). A next question
for such a fact used to be ``请提供：<中文名>`` — no unit, no hint of the
answers that count. The rules themselves say how the fact is compared, so
:func:`fact_specs` reads every leaf and amount base of a rule set:

* a ``threshold`` leaf (``>= 3`` 人, ``>= 1000000`` with unit 万元) makes a
  *number*; its unit is the leaf's display unit, money units (元, 千元, 万元,
  亿元) counted in yuan (元: a condition's value is always in base units,
  :class:`huiqi.rules.model.Condition`);
* a ``membership`` leaf whose values are only 是 / 否 makes a *yes/no*
  question; other values make a *choice* among every value any rule names
  (首次认定、整体迁入、重新认定);
  a number without a unit takes one written in the fact's name (增加量（吨）);
* a benefit computed from a fact (``base``, ``quantity``) makes a number;
  ``bounded_by`` (以实际缴纳的税款为限) is money.

A fact tested as a number anywhere is a number. :func:`prompt_for_fact`
turns a spec into the Chinese question, with the unit or the choices.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

#: Display units of money: a value in these units is stored in yuan (元).
MONEY_UNITS = frozenset({"元", "千元", "万元", "亿元", "万", "亿"})
#: Membership values that make a yes/no question.
YES_NO = frozenset({"是", "否", True, False})
#: A unit written in the fact's own name: 增加量（吨）.
_UNIT_IN_NAME = re.compile(r"[（(]([^（）()]{1,4})[）)]$")
#: Choices listed in a question's text (the rest are one request away in ``choices``).
PROMPT_CHOICES = 6


@dataclass(frozen=True)
class FactSpec:
    """How to ask one free fact: ``kind`` ``number`` | ``yes_no`` |
    ``choice`` | ``text``; ``unit`` of a number (``元`` for money — always
    yuan — or the rules' unit: 人, 头, 吨 …; ``None`` when no rule gives
    one); ``money`` (the number is an amount in yuan); ``choices`` (the
    values rules compare a ``choice`` fact with, in first-seen order)."""

    kind: str = "text"
    unit: str | None = None
    money: bool = False
    choices: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        """``{kind, unit, choices}`` for a next question (JSON-ready)."""
        return {"kind": self.kind, "unit": self.unit, "choices": list(self.choices)}


class _Seen:
    __slots__ = ("number", "units", "money", "values", "yes_no_only")

    def __init__(self) -> None:
        self.number = False
        self.units: list[str] = []
        self.money = False
        self.values: dict[str, None] = {}
        self.yes_no_only = True


def _leaves(entry: Any) -> Iterable[Any]:
    rule = entry.rule
    for tree in (rule.conditions, *(t.get("conditions") for t in rule.tracks)):
        if tree is not None:
            yield from tree.leaves()


def _benefits(entry: Any) -> Iterable[Any]:
    rule = entry.rule
    for spec in (rule.benefit, *(t.get("benefit") for t in rule.tracks)):
        if spec is not None:
            yield spec
            yield from getattr(spec, "parts", None) or ()


def fact_specs(entries: Iterable[Any]) -> dict[str, FactSpec]:
    """``{"facts.<中文名>": FactSpec}`` for every free fact the rules of
    ``entries`` (:class:`huiqi.calc.entry.RuleEntry`: conditions, tracks
    and benefits) test or compute with (see the module docstring)."""
    seen: dict[str, _Seen] = {}
    for e in entries:
        for leaf in _leaves(e):
            attr = leaf.attribute or ""
            if not attr.startswith("facts."):
                continue
            s = seen.setdefault(attr, _Seen())
            if leaf.kind == "threshold":
                s.number = True
                unit = (leaf.unit or "").strip()
                if unit in MONEY_UNITS:
                    s.money = True
                elif unit and unit not in s.units:
                    s.units.append(unit)
            elif leaf.kind == "membership":
                values = leaf.value if isinstance(leaf.value, (list, tuple)) else [leaf.value]
                for v in values:
                    if v is None:
                        continue
                    if v not in YES_NO:
                        s.yes_no_only = False
                    s.values.setdefault(str(v) if not isinstance(v, bool) else ("是" if v else "否"), None)
        for spec in _benefits(e):
            for attr, money in ((spec.base, spec.kind in ("percent", "tiers", "progressive")),
                                (spec.quantity, False), (spec.bounded_by, True)):
                if attr and attr.startswith("facts."):
                    s = seen.setdefault(attr, _Seen())
                    s.number = True
                    s.money = s.money or money
    out: dict[str, FactSpec] = {}
    for attr, s in seen.items():
        if s.number:
            unit = "元" if s.money else (s.units[0] if len(s.units) == 1 else None)
            if unit is None and not s.money and (m := _UNIT_IN_NAME.search(attr)):
                unit = m.group(1)
            out[attr] = FactSpec("number", unit, s.money)
        elif s.values and s.yes_no_only:
            out[attr] = FactSpec("yes_no", choices=("是", "否"))
        elif s.values:
            out[attr] = FactSpec("choice", choices=tuple(v for v in s.values if v not in ("是", "否")))
        else:
            out[attr] = FactSpec()
    return out


def prompt_for_fact(fact: str, spec: FactSpec | None, money_unit: str = "元") -> str:
    """The Chinese question for the free fact ``fact`` (``facts.<中文名>``):
    a number with its unit (money in ``money_unit``: 元 for the API, 万元 on
    the calculator page), a yes/no question, or the choices that count;
    without a spec ``请提供：<中文名>``."""
    name = fact[6:] if fact.startswith("facts.") else fact
    if spec is None or spec.kind == "text":
        return f"请提供：{name}"
    if spec.kind == "number":
        unit = money_unit if spec.money else spec.unit
        if unit and name.endswith((f"（{unit}）", f"({unit})")):
            return f"请提供：{name}"
        return f"请提供：{name}（{unit}）" if unit else f"请提供：{name}（数值）"
    if spec.kind == "yes_no":
        return f"贵企业是否{name}？（是/否）"
    shown = "、".join(spec.choices[:PROMPT_CHOICES]) + ("等" if len(spec.choices) > PROMPT_CHOICES else "")
    return f"请提供：{name}（如{shown}；都不是请填“无”）"

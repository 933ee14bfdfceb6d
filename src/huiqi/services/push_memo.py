"""One calculator run per distinct *relevant* profile (推送计算复用).

When a rule reaches 50,000 firms, running the calculator for each costs
about 1.5 ms a firm. The calculator's answer for one clause depends only on
the profile facts the clause reads: the attributes of its condition leaves
(tracks included), the bases of its benefits, the firm's region and entity
type; a derived fact (size class, 小型微利企业, age …) reads the base facts
it is derived from, a project or free-fact leaf reads the projects or the
facts. :func:`relevant_key` is that projection of a profile; firms with the
same key get the same status, amount, formula and reasons, so
:class:`MatchMemo` runs the calculator once per (clause, key).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

#: profile keys every derived fact may read (see :mod:`huiqi.calc.derived`)
DERIVED_BASES = ("employees", "revenue", "total_assets", "taxable_income", "industry", "entity_type",
                 "qualifications", "established")
DERIVED_ATTRS = ("size_class", "sme", "small_low_profit", "above_scale_industrial", "age_years")
ALWAYS = ("region", "entity_type")
#: attributes the evaluator also reads other facts for (products: the firm's industry, see huiqi.calc.subjects)
ALSO_READS = {"products": ("industry",)}
#: qualifications that also hold by a derived fact (huiqi.calc.derived)
DERIVED_QUALIFICATIONS = frozenset({"小型微利企业", "规模以上工业企业"})


def read_keys(entry: Any) -> tuple[str, ...]:
    """The profile keys the calculator may read for ``entry`` (a
    :class:`huiqi.calc.engine.RuleEntry`), sorted."""
    keys: set[str] = set(ALWAYS)
    tracks = entry.rule.tracks or []  # dicts {name, conditions, benefit}: every track may be read
    trees = [entry.screening_condition(), *(t.get("conditions") for t in tracks)]
    specs = [entry.rule.benefit] + [t.get("benefit") for t in tracks]
    specs += [part for sp in specs if sp is not None for part in sp.parts]  # the parts of a sum
    leaves = [leaf for tree in trees if tree is not None for leaf in tree.leaves()]
    attrs = [leaf.attribute for leaf in leaves]
    for leaf in leaves:
        values = leaf.value if isinstance(leaf.value, (list, tuple)) else [leaf.value]
        if leaf.attribute == "qualifications" and DERIVED_QUALIFICATIONS & {str(v) for v in values}:
            keys.update(DERIVED_BASES)
    attrs += [a for sp in specs if sp is not None for a in (sp.base, sp.quantity, sp.bounded_by)]
    for a in attrs:
        if not a:
            continue
        if a in DERIVED_ATTRS:
            keys.update(DERIVED_BASES)
        elif a.startswith("facts."):
            keys.add("facts")
        elif a.startswith("project"):
            keys.add("projects")
        elif a.split(".", 1)[0] in _profile_fields():
            keys.add(a.split(".", 1)[0])
            keys.update(ALSO_READS.get(a, ()))
        else:  # a subject attribute (products, 行业类别 …) read from the firm's industry and kind
            keys.update(("industry", "entity_type", "qualifications"))
    return tuple(sorted(keys))


def _profile_fields() -> frozenset[str]:
    from huiqi.firm.profile import EnterpriseProfile

    return frozenset(EnterpriseProfile.model_fields)


def relevant_key(keys: tuple[str, ...], profile: dict) -> str:
    """The projection of ``profile`` on ``keys`` as a canonical string."""
    return json.dumps({k: profile.get(k) for k in keys}, ensure_ascii=False, sort_keys=True, default=str)


class MatchMemo:
    """``item(profile, entry)`` → the calculator's result dict for one
    clause, computed once per (clause, relevant key) with
    :func:`huiqi.calc.engine.match` on ``as_of`` with ``ruleset``;
    ``None`` when the calculator lists no result for it."""

    def __init__(self, ruleset: Any, as_of: date):
        self.rs, self.as_of = ruleset, as_of
        self._keys: dict[int, tuple[str, ...]] = {}
        self._items: dict[tuple[int, str], dict | None] = {}
        self.runs = 0

    def item(self, profile: dict, entry: Any) -> dict | None:
        from huiqi.calc.engine import match

        keys = self._keys.get(entry.id)
        if keys is None:
            keys = self._keys[entry.id] = read_keys(entry)
        k = (entry.id, relevant_key(keys, profile))
        if k not in self._items:
            self.runs += 1
            res = match(profile, self.as_of, ruleset=self.rs, clause_ids=[entry.id], limit=None)
            self._items[k] = next((x for x in res.get("results") or [] if x["id"] == entry.id), None)
        return self._items[k]

"""Next question (下一个问题): which missing fact settles the most money.

Publicodes' idea (``missingVariables``): ask only for facts that are still
missing, ordered by what they decide. :func:`next_questions` ranks the facts
(profile keys such as ``employees``, ``project.area_mu``,
``facts.登记失业人员招用人数``) missing from the calculator's results:

1. by the undecided money — the sum of ``benefit.max_yuan`` (元) of the
   clauses that need the fact (status ``needs_info``, or ``eligible`` /
   ``likely`` clauses whose amount needs it; clauses whose conditions could
   not be checked at all, ``checked: false``, are left out — asking a shop
   for its equipment investment because of an unchecked clause helps nobody);
2. then by the number of such clauses;
3. then by key, for a stable order.

Prompts are the Chinese questions of :data:`huiqi.calc.evaluate.PROMPTS`;
a free fact ``facts.<中文名>`` is asked as “请提供：<中文名>”.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

#: Statuses whose missing facts are worth asking about.
OPEN_STATUSES = ("needs_info", "eligible", "likely")


def prompt_for(fact: str, specs: Mapping | None = None) -> str:
    """The Chinese question for a fact key (PROMPTS of
    :mod:`huiqi.calc.evaluate`; a free fact ``facts.X`` from its spec in
    ``specs`` — unit, yes/no or choices, :func:`huiqi.calc.fact_specs.prompt_for_fact` —
    else ``请提供：X``; otherwise ``请补充：<中文名>``)."""
    from huiqi.calc.evaluate import PROMPTS, attribute_name
    from huiqi.calc.fact_specs import prompt_for_fact

    if fact in PROMPTS:
        return PROMPTS[fact]
    if fact.startswith("facts."):
        return prompt_for_fact(fact, (specs or {}).get(fact))
    return f"请补充：{attribute_name(fact)}"


def next_questions(results: Iterable[Mapping], limit: int | None = 10, specs: Mapping | None = None) -> list[dict]:
    """Rank the missing facts of calculator ``results`` (the ``results``
    list of :func:`huiqi.calc.engine.match`: dicts with ``id``, ``status``,
    ``missing`` and ``benefit`` {min_yuan, max_yuan} or ``None``).

    Returns ``[{fact, prompt, settles_yuan, settles_clauses}]`` — the fact
    key, its Chinese question, the undecided money in yuan (sum of the
    clauses' ``max_yuan``; a clause with no known amount adds 0) and the
    number of clauses — best first, at most ``limit`` (``None`` = all). A
    free fact with a spec in ``specs`` ({fact: :class:`huiqi.calc.fact_specs.FactSpec`},
    ``RuleSet.fact_specs()``) also carries ``kind`` (number / yes_no /
    choice / text), ``unit`` (元 for money) and ``choices``.
    """
    money: dict[str, float] = {}
    clauses: dict[str, set] = {}
    for r in results:
        if r.get("status") not in OPEN_STATUSES or r.get("checked") is False:
            continue
        missing = r.get("missing") or []
        if not missing:
            continue
        b = r.get("benefit") or {}
        amount = b.get("max_yuan") or 0.0
        for fact in dict.fromkeys(missing):
            seen = clauses.setdefault(fact, set())
            if r.get("id") in seen:
                continue
            seen.add(r.get("id"))
            money[fact] = money.get(fact, 0.0) + float(amount)
    ranked = sorted(clauses, key=lambda f: (-money[f], -len(clauses[f]), f))
    if limit is not None:
        ranked = ranked[:limit]
    out = []
    for f in ranked:
        q = {"fact": f, "prompt": prompt_for(f, specs), "settles_yuan": money[f], "settles_clauses": len(clauses[f])}
        spec = (specs or {}).get(f)
        if spec is not None:
            q.update(spec.to_json())
        out.append(q)
    return out

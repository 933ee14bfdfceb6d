"""Subjects of a clause checked against the firm (主体核对): products,
species and crops (品种、作物).

A farming clause speaks of what is raised or grown (养殖300只以上鸵鸟,
奶牛规模养殖场, 种植苜蓿). An extracted rule rarely turns those words into a
condition, so a beef-cattle farm passed 养殖300只以上鸵鸟 (issue 11). This
module reads the vocabulary ``huiqi/data/products.yaml`` (:mod:`huiqi.reference.products`: canonical names,
the words texts and profiles use, and the wider names: 肉牛 is a 牛) and

* :func:`product_condition` — for a clause text that speaks of raising or
  growing (the file's ``context`` words) and names products, one
  ``membership`` leaf ``products in [...]`` (the canonical names found);
* :func:`firm_products` — the products a firm states (``products`` of the
  profile and of its projects, and product words in project names);
* :func:`products_outcome` — the leaf's outcome for a firm: ``met`` when
  one of its products is, or is a kind of, a product of the clause;
  ``unmet`` when the firm states products and none fits, or when its
  industry is known and outside farming and farm-product processing (the
  file's ``farm_industries``: 门类 A, C13 农副食品加工 …) and no project of
  the firm names a product (a shop selling 奶酪 is no 奶畜养殖场);
  ``unknown`` otherwise (the missing fact is ``products``).

The engine adds the leaf to extracted rules only (a reviewed rule states
its own conditions). Speed: the vocabulary and its regular expression are
built once (``lru_cache``).
"""

from __future__ import annotations

import re

from huiqi.reference.products import products_data, products_in, vocabulary  # noqa: F401  (re-exported)
from huiqi.rules.model import Condition

#: Profile key of the firm's products (产品/品种/作物).
PRODUCTS = "products"


_raw = products_data  # the parsed vocabulary file (also read by screen.sql)


def product_condition(text: str) -> Condition | None:
    """The ``products`` membership leaf of a clause about raising,
    growing or processing named products (``context`` words of the
    vocabulary), or ``None``. A wider name is dropped when a narrower one
    of it is named too (种公牛 in a clause on 奶牛育种 is a 奶牛, not any 牛)."""
    _, _, wider, context = vocabulary()
    if not text or not context.search(text):
        return None
    names = products_in(text)
    if not names:
        return None
    covered = {w for n in names for w in wider.get(n, ()) if w != n}
    names = [n for n in names if n not in covered]
    return Condition.leaf("membership", PRODUCTS, "in", names, source_text="、".join(names),
                          label=f"品种/作物：{'、'.join(names)}")


def firm_products(profile) -> list[str]:
    """Canonical products of a firm (its ``products``, its projects'
    ``products`` and product words in project names)."""
    out: list[str] = []
    texts = list(getattr(profile, "products", None) or [])
    for p in getattr(profile, "projects", None) or []:
        texts.extend(getattr(p, "products", None) or [])
        if p.name:
            texts.append(p.name)
    for t in texts:
        for name in products_in(str(t)) or ([str(t)] if t in (getattr(profile, "products", None) or []) else []):
            if name not in out:
                out.append(name)
    return out


def _project_products(profile) -> bool:
    """Whether one of the firm's projects names a product of the vocabulary
    (its ``products`` or its name): a farming project of a firm whose main
    industry is another."""
    for p in getattr(profile, "projects", None) or []:
        if any(products_in(str(t)) for t in [*(getattr(p, "products", None) or []), p.name or ""]):
            return True
    return False


def products_outcome(values, profile, industry) -> tuple[str, str, list[str]]:
    """(outcome, detail, missing keys) of ``products in values`` for a firm
    (``industry``: the resolved :class:`~huiqi.reference.industries.Industry`
    or ``None``)."""
    _, _, wider, _ = vocabulary()
    want = {str(v) for v in values}
    have = firm_products(profile)
    raw = _raw()
    farm = tuple(str(x) for x in raw.get("farm_industries") or ["A"])
    in_farming = industry is not None and any(str(c).upper().startswith(farm) for c in industry.covered_codes())
    if have and industry is not None and not in_farming and not _project_products(profile):
        # a shop or an online seller of 奶酪 and 牛肉干 is no 奶畜养殖场 and no
        # 乳制品加工企业: the clause raises, grows or processes its products, and
        # the firm's own industry says it does none of that (a farming project
        # of the firm still counts, whatever its main industry)
        return "unmet", (f"本条面向{'、'.join(sorted(want))}的养殖/种植/加工，企业行业为{industry.name}"
                         f"（企业品种/作物：{'、'.join(have)}）"), []
    if have:
        # 农畜产品 (any_product) stands for the farm products of the vocabulary:
        # a product word it does not know (煤基新材料, 氢燃料电池) is not one,
        # unless the firm's industry raises, grows or processes farm products.
        any_farm = raw.get("any_product") in want
        hit = [h for h in have if wider.get(h, frozenset([h])) & want or (any_farm and (h in wider or in_farming))]
        shown = f"企业品种/作物：{'、'.join(have)}"
        return ("met" if hit else "unmet"), shown, []
    if industry is not None and not in_farming:
        return "unmet", f"本条面向{'、'.join(sorted(want))}的养殖/种植，企业行业为{industry.name}", []
    return "unknown", "缺少：品种/作物", [PRODUCTS]


# ---------------------------------------------------------------------------
# founders (创办人身份)

#: Words of a clause about founding or running a business (创办/自主创业/个体经营;
#: not a bare 创业, which also names policies: 创业就业税收政策).
FOUNDER_CONTEXT = re.compile(r"创办|从事个体经营|自主创业|创业实体|创业者|经营者")
#: Words of a clause about hiring people (招用/吸纳): a group named there is
#: who is hired, not who founded the firm.
HIRE_CONTEXT = re.compile(r"招用|吸纳|招收|招聘|新招")
#: Owner group words in texts → the profile's canonical groups
#: (:data:`huiqi.firm.profile.OWNER_GROUPS`).
OWNER_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"自主就业退役士兵"), "自主就业退役士兵"),
    (re.compile(r"退役军人|退役士兵|军转干部|复员干部|退出现役"), "退役军人"),
    (re.compile(r"高校毕业生|大学生|毕业生"), "高校毕业生"),
    (re.compile(r"登记失业|失业人员"), "登记失业人员"),
    (re.compile(r"脱贫人口|脱贫劳动力|脱贫户"), "脱贫人口"),
    (re.compile(r"返乡|入乡"), "返乡创业人员"),
    (re.compile(r"残疾人"), "残疾人"),
    (re.compile(r"就业困难人员"), "就业困难人员"),
)


def owner_groups_in(text: str) -> list[str]:
    """Canonical owner groups named in ``text``, in table order."""
    out: list[str] = []
    for rx, g in OWNER_WORDS:
        if rx.search(text or "") and g not in out:
            out.append(g)
    return out


def founder_conditions(cond: Condition | None, clause_text: str) -> Condition | None:
    """``cond`` with its to-confirm text leaves that name who founded the
    business (离校2年内高校毕业生、退役军人 … in a clause about 创办/创业,
    where the words are not about hiring: no 招用/吸纳 in the leaf or just
    before it in the clause) AND-ed with an ``owner_groups in [...]`` leaf, checked
    against the profile's ``owner_groups`` (the text itself stays to confirm:
    it usually says more than the group). Returns ``cond`` itself when
    nothing changes (a new tree otherwise; the input is not modified)."""
    text = clause_text or ""
    if cond is None or not FOUNDER_CONTEXT.search(text):
        return cond
    changed = False

    def hired(leaf_text: str) -> bool:
        # 招用自主就业退役士兵: the group is who is hired (in the leaf, or
        # just before where the leaf's words stand in the clause)
        if HIRE_CONTEXT.search(leaf_text):
            return True
        at = text.find(leaf_text) if leaf_text else -1
        return at < 0 or bool(HIRE_CONTEXT.search(text[max(0, at - 12):at]))

    def walk(node: Condition) -> Condition:
        nonlocal changed
        if node.op == "leaf":
            if node.kind != "text":
                return node
            groups = owner_groups_in(f"{node.source_text} {node.label}")
            if not groups or hired(node.source_text or node.label):
                return node
            changed = True
            # the group is checked; the rest of the words (入驻孵化园的初创企业 …) stay to confirm
            who = Condition.leaf("membership", "owner_groups", "in", groups, source_text=node.source_text,
                                 label=f"创办人为{'、'.join(groups)}")
            return Condition.all_of([who, node], source_text=node.source_text, label=node.label)
        kids = [walk(k) for k in node.children]
        return Condition(node.op, kids, node.kind, node.attribute, node.operator, node.value, node.unit,
                         node.inclusive, node.source_text, node.label)

    out = walk(cond)
    return out if changed else cond


# ---------------------------------------------------------------------------
# OR branches whose subject was never checked


def prune_unchecked_branches(cond: Condition | None) -> Condition | None:
    """``cond`` without the OR branches (``any`` children) that test
    nothing about the firm — only text to confirm or the region — when a
    sibling branch does test the firm: "an OR branch only counts when its own
    subject matches the firm" (issue 11). In 对辖区内金融机构…的贷款按利差补贴；
    对正常运营2年以上…的中小微企业给予30万元 the bank's branch cannot make
    the clause "likely" for a one-year-old firm. Used on extracted rules only
    (a reviewer's text alternative is deliberate). Returns ``cond`` itself
    when nothing is pruned."""
    if cond is None:
        return None
    changed = False

    def generic(node: Condition) -> bool:
        return all(leaf.kind in ("text", "region") for leaf in node.leaves())

    def walk(node: Condition) -> Condition:
        nonlocal changed
        if node.op == "leaf":
            return node
        kids = [walk(k) for k in node.children]
        if node.op == "any" and len(kids) > 1:
            keep = [k for k in kids if not generic(k)]
            if keep and len(keep) < len(kids):
                changed = True
                kids = keep
                if len(kids) == 1:
                    return kids[0]
        return Condition(node.op, kids, node.kind, node.attribute, node.operator, node.value, node.unit,
                         node.inclusive, node.source_text, node.label)

    out = walk(cond)
    return out if changed else cond


# ---------------------------------------------------------------------------
# a subject located in a named park (园区)

#: Free fact naming the park (开发区/园区) a firm is located in.
PARK_FACT = "facts.所在园区"
#: A subject located in a named park (乳业开发区企业, 乳业开发区新落地企业…):
#: group 1 is the park's name.
_PARK_SUBJECT = re.compile(
    r"^(?:对)?([\u4e00-\u9fff]{2,12}?(?:开发区|产业园区|产业园|工业园区|园区))(?:内|的)?(?:新落地|新入驻|新引进|入驻)?企业")


def park_subject(text: str) -> str | None:
    """The park named as the whole subject of a condition text
    (``乳业开发区新落地企业设置5年成长期`` → ``乳业开发区``), or ``None``
    (also for a compound text with ，/；/且)."""
    text = (text or "").strip()
    if re.search(r"[，,；;]|且", text):
        return None
    m = _PARK_SUBJECT.match(text)
    return m.group(1) if m else None


def park_conditions(cond: Condition | None) -> Condition | None:
    """``cond`` with each text leaf whose subject is a firm of a named park
    replaced by a membership leaf on :data:`PARK_FACT`: where a firm sits is
    a fact to ask (需补充信息), not a confirmation that lets a firm elsewhere
    read 很可能 (issue 11). Used on extracted rules only (a reviewer's text
    condition is deliberate). Returns ``cond`` itself when nothing changes."""
    if cond is None:
        return None
    changed = False

    def walk(node: Condition) -> Condition:
        nonlocal changed
        if node.op == "leaf":
            park = park_subject(node.source_text or node.label or "") if node.kind == "text" else None
            if not park:
                return node
            changed = True
            return Condition.leaf("membership", PARK_FACT, "in", [park], source_text=node.source_text or park,
                                  label=f"所在园区：{park}")
        kids = [walk(k) for k in node.children]
        return Condition(node.op, kids, node.kind, node.attribute, node.operator, node.value, node.unit,
                         node.inclusive, node.source_text, node.label)

    out = walk(cond)
    return out if changed else cond

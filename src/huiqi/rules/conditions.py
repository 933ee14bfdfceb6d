"""Eligibility conditions (申报条件 / 享受条件 / 支持对象) of one clause as a
condition tree (条件树).

:func:`extract_conditions` reads a clause (its text, service-guide fields,
extracted thresholds, heading path and document) and returns a
:class:`~huiqi.rules.model.Condition` tree, or ``None`` when the clause
states no condition on the firm.

Where conditions are read
-------------------------
- Service guides (服务指南, a clause with ``fields``): the fields 适用范围,
  申报条件, 享受条件 and any field whose name holds 对象 or 条件, plus
  ``实施对象：`` / ``补贴对象：`` … paragraphs inside other fields. Every
  sentence of these fields is a condition unless it is a definition (是指),
  procedure (提交, 审核 …) or benefit arithmetic.
- Other clauses: the conditional part of sentences that grant something —
  ``对…的，给予…``, ``凡…的``, ``…的，给予…`` — and exclusion sentences
  (``…的，不予支持``, ``…除外``); goals (力争…, 到2025年…) and duties of
  government units (sentences without such a construction) give nothing.

How the tree is built
---------------------
Numbered lists are nested by their numbering (（一） > 1. > （1） ①).
A list is ``any`` when its lead-in says so (符合下列条件之一, 如下要求 tiers,
分别满足 / 两类 tracks, or its headings are alternative project kinds such as
节能 / 节水 / 综合利用), otherwise ``all``; each track keeps its heading as
the node label. Within a sentence, comma parts are ANDed; recognised leaves
joined by 或 — or subject words (高新技术企业、科技型中小企业) joined by
、/和/及 — are ORed. Exclusions become ``not(any(...))``.

Leaves (see :mod:`huiqi.rules.vocab` for the word lists): qualifications,
entity types, size classes (中小微企业 → {中型, 小型, 微型}), taxpayer type,
tax credit grade, ownership, listing, industry (GB/T 4754-2017 codes),
project kinds, thresholds from :func:`huiqi.extract.thresholds.extract_thresholds`
mapped to profile attributes (money in yuan, rates as fractions), dates
(2022年1月1日后建成投产 → ``project.completed >= 2022-01-01``), region words
(在阿拉善盟注册 → GB/T 2260 code) and hiring of target groups
(招用登记失业人员 → ``facts.登记失业人员招用人数 >= 1``). Anything that is a
condition but not machine-checkable becomes a ``text`` leaf (to confirm).
Every leaf's ``source_text`` is a verbatim substring of the clause text.
Region scope from the document's level/region is left to the engine.

Further rules (all general wording rules, no per-document tables):

- comma parts bounding the same attribute in the same direction are tiers
  (裁员率不高于5.5%，30人以下的企业裁员率不高于20%) and are ORed;
  ``X不受…限制`` is an exemption ORed with the preceding part;
- unrecognised words before or after recognised leaves (首次获批…,
  未开具3%增值税专用发票的…, …的农畜产品精深加工企业) become ``text`` leaves, so
  nothing is silently passed; a partly understood 或 keeps its other branch as
  text, so it is never made stricter;
- a beneficiary that is a person (人才, 教师…) or a government level (盟市,
  旗县, 示范县…) gives ``entity_type in [个人 / 地方政府]``, which no enterprise
  profile meets; subject words naming parties the applicant serves or hires
  (支持小微企业融资担保的公司, 拥有不少于1家小巨人企业的集群) give no leaf;
- thresholds that compute a benefit (…的部分, 最高…) or restate a limit
  (（按季9万元）) and goals (力争…, 到2025年…) give nothing;
- a field whose whole condition is one alternative of another field's list
  (申报条件 按小规模纳税人管理的 vs 适用范围 小规模纳税人、小型微利企业和个体工商户)
  is not an extra requirement;
- lists of applicant kinds are alternatives also when written with a
  bracket (种植企业（合作社、种植户）, 企业（合作社）) or when the last kind
  opens the next phrase (企业、合作社、家庭农场养殖…300只以上的); unknown
  kinds in the list (种植户) stay a ``text`` alternative;
- unrecognised conditions joined by 且/并/同时 between recognised leaves
  (种植500亩以上且与养殖场（户）签订饲草购销合同的) become ``text`` leaves;
- the subject after the last 的 of 或-alternatives is shared by all of them
  (研发投入占营业收入比例达到3%以上或研发投入达到5000万元以上的规模以上企业);
- 具有独立法人资格 gives ``entity_type not_in [个体工商户]`` (a 个体工商户 is no
  legal person) plus the ``text`` leaf (other firms still confirm it);
- in an exclusion the words qualifying the excluded noun are kept:
  已享受同类项目补助的家庭农牧场原则上不再享受 excludes a 家庭农牧场 *that
  already received* such aid — ``not(all(已享受同类项目补助, 家庭农牧场))``,
  the qualifier a ``text`` leaf to confirm (已享受 is procedure elsewhere,
  not here); an exclusion of benefits (技能提升补贴和职业培训补贴不得重复享受)
  is a stacking rule, no condition;
- the beneficiary (受益对象) is a positive condition when the clause has no
  entity-type / qualification condition of its own: the noun of a benefit
  sentence without a condition part (每个家庭农牧场补助…, 给予合作社…奖励)
  and the noun of a "no more / again" exclusion (不再享受, 不再重复支持,
  不得再享受, 已享受…的X) — only when every such noun is recognised and
  the clause has no conditional offer with an unrecognised subject, so a
  clause is never made stricter than written. Then ``all(A, not(all(q, A)))``
  is written ``all(A, not(q))`` (the same in Kleene logic);
- 研发费用占营业收入比例 (one year; not 近N年/平均) is the free fact
  ``facts.研发费用占营业收入比例`` (a fraction); 节能量…吨 is 吨标准煤;
  节能/节水(技术)改造(工程)项目 and 节能技改项目 are project kinds.

:func:`condition_stats` measures coverage over a list of clauses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from huiqi.extract.numbers import finditer_from
from huiqi.rules import vocab as V
from huiqi.rules.model import Condition
from huiqi.rules.condition_atoms import (  # an earlier stage of condition extraction
    _Block,
    _FIRM_ATTRS,
    _clean_label,
    _has_firm_subject,
    _leaf,
    _recognise,
    _split,
    _trim,
)
from huiqi.rules.condition_combine import (  # an earlier stage of condition extraction
    _SUBJECT_NOUN_RE,
    _combine_atom,
)
from huiqi.rules.condition_parse import (  # an earlier stage of condition extraction
    _ANY_INTRO_RE,
    _intro,
    _LEAD_RE,
    _condition_part,
    _parse_line,
    _relabel,
)

__all__ = ["condition_stats", "extract_conditions"]


# ---------------------------------------------------------------------------
# numbered lists


_LEVEL_RES = [
    (1, re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")),
    (1, re.compile(r"^\s*[一二三四五六七八九十]+、")),
    (2, re.compile(r"^\s*\d+[.．、](?!\d)")),
    (3, re.compile(r"^\s*[（(]\d+[）)]")),
    (3, re.compile(r"^\s*[①-⑳]")),
]


def _level(line: str) -> int:
    for lv, rx in _LEVEL_RES:
        if rx.match(line):
            return lv
    return 0


@dataclass
class _Item:
    level: int
    off: int
    text: str
    children: list["_Item"]


def _tree(block: str, base: int) -> _Item:
    root = _Item(0, base, "", [])
    stack = [root]
    for l_off, line in _split_lines(block, base):
        lv = _level(line)
        if lv == 0:
            # prose: belongs to the current container (as a plain item)
            stack[-1].children.append(_Item(99, l_off, line, []))
            continue
        while len(stack) > 1 and stack[-1].level >= lv:
            stack.pop()
        it = _Item(lv, l_off, line, [])
        stack[-1].children.append(it)
        stack.append(it)
    return root


def _split_lines(block: str, base: int) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for line in block.split("\n"):
        if line.strip():
            out.append((base + pos, line))
        pos += len(line) + 1
    return out


def _is_heading(text: str) -> bool:
    t = _clean_label(text)
    return bool(_intro(text)) or text.rstrip().endswith(("：", ":")) or (
        len(t) <= 30 and not re.search(r"[，,；;]", t))


def _build(item: _Item, blk: _Block, mode: str) -> Condition | None:
    """Condition of a list item with its sub-items: the item's own text (a
    lead-in or heading contributes only recognised leaves and the part
    before 符合下列条件…), its prose lines (ANDed) and its numbered sub-items
    (ORed when the lead-in says 之一 / 满足一项 / 如下要求 / 属于以下 / 分别 /
    两类, or when they are alternative project kinds; else ANDed)."""
    own: list[Condition] = []
    if item.text:
        if item.children and mode == "guide" and _is_heading(item.text):
            head = item.text
            im = _intro(head)
            pre = head[:im.start()] if im else head
            lm = _LEAD_RE.match(pre)
            start = lm.end() if lm else 0
            hits = _recognise(pre[start:], item.off + start, blk)
            if hits:
                own.append(_combine_atom(hits, pre[start:], item.off + start))
        else:
            c = _parse_line(item.text, item.off, blk, mode)
            if c is not None:
                own.append(c)
    lead = item.text
    kids: list[Condition] = []
    kinds: list[str] = []
    for ch in item.children:
        if ch.level == 99:
            if _intro(ch.text) or _ANY_INTRO_RE.search(ch.text):
                lead += ch.text
            c = _build(ch, blk, mode)
            if c is not None:
                own.append(c)
            continue
        c = _build(ch, blk, mode)
        c = _kind_heading(ch, c)
        if c is None:
            continue
        k = next((leaf.value[0] for leaf in c.leaves() if leaf.attribute == "project.kind"), None)
        if k:
            kinds.append(k)
        kids.append(c)
    if not kids:
        if not own:
            return None
        return own[0] if len(own) == 1 else Condition.all_of(own, source_text=item.text.strip(), label=_clean_label(item.text)[:40])
    use_any = bool(_ANY_INTRO_RE.search(lead)) or (len(set(kinds)) >= 2 and len(kinds) == len(kids))
    label = _clean_label(item.text)[:40] if item.text else ""
    if use_any:
        group = Condition.any_of(kids, source_text=item.text.strip(), label=label or "符合其一")
    else:
        group = Condition.all_of(kids, source_text=item.text.strip(), label=label)
    if not own:
        return group
    return Condition.all_of([*own, group], source_text=item.text.strip(), label=label)


_KIND_HEAD_RE = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])?\s*"
                           r"(?P<kind>(?:节能|节水)(?:技术)?改造|(?:资源|固废)?综合利用|技术改造)(?:类)?(?:项目)?\s*(?:[。：:]|$)")


def _kind_heading(item: _Item, c: Condition | None) -> Condition | None:
    """A list item titled by a project kind (（一）节能技术改造。重点支持…) is
    that kind's track: add the ``project.kind`` leaf its title names."""
    m = _KIND_HEAD_RE.match(item.text)
    if not m or (c is not None and any(x.attribute == "project.kind" for x in c.leaves())):
        return c
    kind = next(k for rx, k in V.PROJECT_KIND_PATTERNS if rx.search(m.group("kind") + "项目"))
    leaf = _leaf("membership", "project.kind", "in", [kind], m.group("kind"), f"{kind}项目")
    if c is not None and c.op == "all":
        c.children = [k for k in c.children if not (k.op == "leaf" and k.kind == "text" and k.source_text == m.group("kind"))]
        c = c if c.children else None
    if c is None or (c.op == "leaf" and c.kind == "text" and c.source_text == m.group("kind")):
        return leaf
    return Condition.all_of([leaf, c], source_text=item.text.strip(), label=_clean_label(m.group("kind")))


# ---------------------------------------------------------------------------
# simplification


def _simplify(c: Condition | None) -> Condition | None:
    """Flatten nested all/any, drop empty connectives, unwrap singletons."""
    if c is None or c.op == "leaf":
        return c
    kids = [k for k in (_simplify(x) for x in c.children) if k is not None]
    if c.op == "not":
        return Condition.negation(kids[0], c.source_text, c.label) if kids else None
    flat: list[Condition] = []
    for k in kids:
        if k.op == c.op and not (c.op == "any" and k.label and k.label != c.label):
            flat.extend(k.children)
        else:
            flat.append(k)
    # drop exact duplicates (same leaf twice from field + text)
    seen: set[str] = set()
    uniq = []
    for k in flat:
        if k.op == "leaf" and k.kind != "text":
            key = repr((k.kind, k.attribute, k.operator, k.value))
        else:
            key = _node_key(k)  # equal exactly when repr(k.to_dict()) is
        if key not in seen:
            seen.add(key)
            uniq.append(k)
    if not uniq:
        return None
    if len(uniq) == 1 and not (c.op == "any" and c.label and uniq[0].op == "leaf" and False):
        return uniq[0]
    return Condition(c.op, uniq, source_text=c.source_text, label=c.label)


def _node_key(c: Condition) -> tuple:
    """A key equal for two nodes exactly when their
    :meth:`~huiqi.rules.model.Condition.to_dict` forms are (what that form
    keeps: connective and children, or a leaf's kind, attribute, operator,
    value (by ``repr``), unit and a strict bound, the quoted text, a label
    other than the text), built without the dicts."""
    if c.op in ("all", "any"):
        body: tuple = (c.op, tuple(_node_key(k) for k in c.children))
    elif c.op == "not":
        body = ("not", _node_key(c.children[0]))
    else:
        body = ("leaf", c.kind, None if c.attribute is None else c.attribute,
                None if c.operator is None else c.operator, None if c.value is None else repr(c.value),
                None if c.unit is None else c.unit, not c.inclusive)
    return body, c.source_text or "", c.label if c.label and c.label != c.source_text else ""


# ---------------------------------------------------------------------------
# entry point

_GUIDE_FIELDS = ("适用范围", "申报条件", "享受条件")
_OBJECT_RE = re.compile(r"(?:^|\n)\s*(?:[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])?\s*"
                        r"(?:实施|补贴|补助|支持|申报|扶持|奖励|享受|适用)(?:对象|主体|条件)\s*(?:[：:]\s*\n?|\n)")
_SCOPE_ONLY_RE = re.compile(r"^\s*(?:全盟|全市|全旗|全区|全自治区|全县)(?:各旗区|各旗县区|各旗县|各地|范围内)?[。；]?\s*$")


_SENTENCE_RE = re.compile(r"[^。；;\n]+[。；;]?")


def _exclusion_sentences(value: str, text: str) -> list[tuple[str, int]]:
    """Exclusions written in a guide field that holds no conditions
    (其他事项: …项目未完工的企业不得申报; 政策标准: …不得重复享受; 申报流程):
    each sentence with an exclusion phrase (:data:`huiqi.rules.vocab.EXCLUDE_RE`)
    as a block. A sentence introducing a list (属于以下情形之一的项目不予支持：)
    is left out: the parser reads list items as alternatives to meet, not as
    cases to exclude. Returns (block, offset in the clause text) pairs."""
    pos = text.find(value)
    base = pos if pos >= 0 else 0
    out: list[tuple[str, int]] = []
    for m in _SENTENCE_RE.finditer(value):
        sent = m.group(0)
        if not V.EXCLUDE_RE.search(sent) or sent.rstrip().endswith(("：", ":")):
            continue
        out.append((sent, base + m.start()))
    return out


def _field_blocks(fields: Mapping[str, Any], text: str) -> list[tuple[str, int]]:
    """(block text, offset in clause text) of the condition-bearing fields."""
    out: list[tuple[str, int]] = []
    for name, value in fields.items():
        if not isinstance(value, str) or not value.strip():
            continue
        if name in _GUIDE_FIELDS or "对象" in name or "条件" in name:
            if _SCOPE_ONLY_RE.match(value):
                continue
            out.append((value, max(text.find(value), 0)))
        else:
            out.extend(_exclusion_sentences(value, text))
            # 实施对象：… inside 政策标准 and the like: up to the next numbered heading
            for m in _OBJECT_RE.finditer(value):
                rest = value[m.end():]
                stop = re.search(r"\n\s*(?:\d+[.．、]|[（(][一二三四五六七八九十\d]+[）)])", rest)
                seg = rest[:stop.start()] if stop else rest
                pos = text.find(value)
                out.append((seg, (pos if pos >= 0 else 0) + m.end()))
    return out


def extract_conditions(clause: Mapping) -> Condition | None:
    """Condition tree of a clause's eligibility conditions, or ``None``.

    ``clause`` keys: ``text`` (normalised clause text), ``fields``
    (service-guide fields such as 适用范围, 申报条件, 享受条件, 政策标准; may be
    empty), ``thresholds`` (as stored in the knowledge base; re-derived here
    with positions by :func:`~huiqi.extract.thresholds.extract_thresholds`),
    ``path`` (heading strings), ``document`` ({title, level, region, kind};
    ``region`` resolves 我盟/我市/我旗). See the module docstring for the rules.
    Every leaf carries a verbatim ``source_text`` and a Chinese ``label``.
    Never raises for well-formed input; a non-mapping raises ``TypeError``.
    """
    if not isinstance(clause, Mapping):
        raise TypeError(f"extract_conditions: 条款应为映射，收到 {type(clause).__name__}")
    text = clause.get("text") or ""
    fields = clause.get("fields") or {}
    doc = clause.get("document") or {}
    doc_region = doc.get("region") if isinstance(doc, Mapping) else None
    parts: list[Condition] = []
    named: list[Condition] = []  # beneficiaries named by exclusions
    guide = isinstance(fields, Mapping) and bool(fields)
    if guide:
        for block, base in _field_blocks(fields, text):
            blk = _Block(text, base, block, doc_region)
            node = _build(_tree(block, base), blk, "guide")
            named.extend(blk.beneficiaries)
            if node is not None:
                parts.append(node)
    elif _states_no_condition(text):
        return None
    else:
        blk = _Block(text, 0, text, doc_region)
        node = _build(_tree(text, 0), blk, "subject")
        named.extend(blk.beneficiaries)
        if node is not None:
            parts.append(node)
    parts = [p for p in (_simplify(x) for x in parts) if p is not None]
    if not any(_has_firm_subject(p) for p in parts):
        who = _beneficiary(text, _Block(text, 0, text, doc_region), named, scan=not guide)
        if who is not None:
            parts.insert(0, who)
    if not parts:
        return None
    parts = _drop_subsumed(parts)
    if not parts:
        return None
    return _drop_implied(_simplify(parts[0] if len(parts) == 1 else Condition.all_of(parts)))


def _states_no_condition(text: str) -> bool:
    """Whether the text of a clause that is no service guide surely gives
    no condition, so :func:`extract_conditions` returns ``None`` without
    parsing it. Outside a guide every condition comes from a sentence that
    grants or excludes something (:func:`_condition_part`: a match of
    :data:`~huiqi.rules.vocab.BENEFIT_RE` or
    :data:`~huiqi.rules.vocab.EXCLUDE_RE`, also for exclusions in
    brackets), from ``…除外`` / ``不包括`` / ``不含``, from a list item titled
    by a project kind (…改造, 综合利用: :func:`_kind_heading`), or from a
    beneficiary named after 每个/每家/每户 or 给予 (:func:`_beneficiary`;
    给予 is a benefit verb). A match in a sentence is a match in the whole
    text (their lookbehind only refuses 注/报, never a delimiter), so when
    none of these is in the text there is nothing to parse."""
    return (V.EXCLUDE_RE.search(text) is None
            and next(finditer_from(V.BENEFIT_RE, V.BENEFIT_FIRST_RE, text), None) is None
            and "除外" not in text and "不包括" not in text and "不含" not in text
            and "改造" not in text and "综合利用" not in text
            and _EACH_RE.search(text) is None)


# ---------------------------------------------------------------------------
# beneficiary of a benefit sentence (受益对象)

_BENEFIT_NOUN = r"(?:补助|补贴|奖励|奖补|资助|贴息)"
#: 每个家庭农牧场补助资金不超过10万元: the noun between 每个/每家/每户 and the benefit
_EACH_RE = re.compile(rf"每(?:个|家|户)(?P<np>[^，,。；;：:\d]{{2,16}}?)(?:的)?(?:{_BENEFIT_NOUN}|最高|可获得?)")
#: 给予合作社一次性奖励 / 给予家庭农场每个5万元补助: the noun right after 给予
_GRANT_RE = re.compile(rf"给予(?P<np>[^，,。；;：:\d]{{2,16}}?)(?=一次性|每|最高|不超过|不低于|\d|[一二三四五六七八九十百千]+万|{_BENEFIT_NOUN}|资金)")




def _beneficiary(text: str, blk: _Block, named: list[Condition] = (), scan: bool = True) -> Condition | None:
    """The beneficiary (受益对象) a clause's benefit sentences name, as a
    positive condition, or ``None``.

    Benefit sentences without a 对…/凡…/…的 condition part still say who
    gets the money: 每个家庭农牧场补助资金不超过10万元, 给予合作社一次性奖励.
    When that noun is an entity type or qualification the profile states
    (家庭农牧场 → ``entity_type in [家庭农牧场]``), the clause is for it.
    ``named`` are the nouns of "no more / again" exclusions
    (已享受同类项目补助的家庭农牧场原则上不再享受: the 家庭农牧场 are who
    the clause is for); ``scan`` looks for the benefit sentences (clause
    text; not for service guides, whose conditions are in their fields).
    Called only when the clause has no such condition already (see
    :func:`extract_conditions`). Nothing is returned — so the clause is
    never made stricter than written — when some benefit sentence names a
    beneficiary that is not recognised (每家企业…, 给予项目单位…), names
    other conditions (每个存栏300头以上的合作社), or when the clause has a
    conditional offer (对…给予, …的，给予) whose subject is not recognised:
    those benefits may go to other firms. Several recognised beneficiaries
    are alternatives (``any``)."""
    found: list[Condition] = list(named)
    if not found and not scan:
        return None
    for s_off, sent in _split(text, "。；;\n"):
        part = _condition_part(sent)
        if part is not None and not part[1]:
            return None  # a conditional offer without a recognised subject (else the tree has one)
        for rx in (_EACH_RE, _GRANT_RE) if scan else ():
            for m in rx.finditer(sent):
                np_off, np = _trim(s_off + m.start("np"), m.group("np"), " 的，,、")
                if not _SUBJECT_NOUN_RE.search(np):
                    continue  # 给予一次性奖励, 每个项目…: no beneficiary named
                hits = _recognise(np, np_off, blk)
                if not hits or not all(h.subject and h.leaf.attribute in _FIRM_ATTRS for h in hits):
                    return None
                node = _combine_atom(hits, np, np_off, f"受益对象：{np}")
                if node is None or node.op not in ("leaf", "any"):
                    return None  # 家庭农场(…)高新技术企业: not a plain list of beneficiaries
                found.append(node)
    if not found:
        return None
    uniq: dict[tuple, Condition] = {}
    for f in found:  # the same beneficiary named twice counts once
        uniq.setdefault(_leaf_key(f) if f.op == "leaf" else (repr(f.to_dict()),), f)
    kids = list(uniq.values())
    if len(kids) == 1:
        return _relabel(kids[0], f"受益对象：{kids[0].label or kids[0].source_text}")
    return Condition.any_of(kids, source_text=kids[0].source_text, label="受益对象（符合其一）")


def _drop_implied(c: Condition | None) -> Condition | None:
    """``all(A, not(all(q, A)))`` → ``all(A, not(q))``: inside an exclusion
    a leaf that the clause already requires (its beneficiary 家庭农牧场) adds
    nothing — what is excluded is the qualifier (已享受同类项目补助). Exact
    (A ∧ ¬(q ∧ A) ≡ A ∧ ¬q in Kleene logic), so nothing gets stricter or
    looser; it only keeps the explanation from quoting the beneficiary as
    an exclusion."""
    if c is None or c.op == "leaf":
        return c
    c.children = [_drop_implied(k) for k in c.children]
    if c.op != "all":
        return c
    required = {_leaf_key(k) for k in c.children if k.op == "leaf" and k.kind != "text"}
    if not required:
        return c
    for i, k in enumerate(c.children):
        inner = k.children[0] if k.op == "not" and k.children else None
        if inner is None or inner.op != "all":
            continue
        rest = [x for x in inner.children if not (x.op == "leaf" and _leaf_key(x) in required)]
        if rest and len(rest) < len(inner.children):
            body = rest[0] if len(rest) == 1 else Condition.all_of(rest, inner.source_text, inner.label)
            c.children[i] = Condition.negation(body, k.source_text, k.label)
    return c


def _leaf_key(c: Condition) -> tuple:
    return (c.kind, c.attribute, c.operator, repr(c.value))


def _drop_subsumed(parts: list[Condition]) -> list[Condition]:
    """A field whose whole condition is one subject leaf that another field
    lists as one alternative (适用范围: 小规模纳税人、小型微利企业和个体工商户;
    申报条件: 按小规模纳税人管理的) describes one case of that list, not an
    extra requirement: drop it."""
    alts: set[tuple] = set()
    for p in parts:
        for node in _walk_nodes(p):
            if node.op == "any":
                alts.update(_leaf_key(k) for k in node.children if k.op == "leaf")
    out = []
    for p in parts:
        if p.op == "leaf" and p.kind == "membership" and _leaf_key(p) in alts and \
                not any(_leaf_key(k) == _leaf_key(p) for k in p.children):
            # only when the any-list lives in another part
            owners = [q for q in parts if q is not p and any(
                n.op == "any" and any(k.op == "leaf" and _leaf_key(k) == _leaf_key(p) for k in n.children)
                for n in _walk_nodes(q))]
            if owners:
                continue
        out.append(p)
    return out


def _walk_nodes(c: Condition):
    yield c
    for k in c.children:
        yield from _walk_nodes(k)




def condition_stats(clauses: list[Mapping]) -> dict:
    """Coverage of :func:`extract_conditions` over ``clauses`` (mappings as
    for :func:`extract_conditions`, e.g. ``huiqi policies --json``).

    Returns ``{"clauses", "with_conditions", "leaves", "checkable_leaves",
    "text_leaves", "clauses_with_checkable", "by_kind": {kind: n},
    "by_attribute": {attribute: n}}`` — *checkable* leaves are all but
    ``text`` leaves. A measurement helper, not used at run time.
    """
    by_kind: dict[str, int] = {}
    by_attr: dict[str, int] = {}
    n_tree = n_checkable = 0
    for cl in clauses:
        tree = extract_conditions(cl)
        if tree is None:
            continue
        n_tree += 1
        leaves = tree.leaves()
        if any(x.kind != "text" for x in leaves):
            n_checkable += 1
        for x in leaves:
            by_kind[x.kind or ""] = by_kind.get(x.kind or "", 0) + 1
            if x.kind != "text":
                key = x.attribute or x.kind or ""
                by_attr[key] = by_attr.get(key, 0) + 1
    total = sum(by_kind.values())
    return {
        "clauses": len(clauses), "with_conditions": n_tree, "leaves": total,
        "checkable_leaves": total - by_kind.get("text", 0), "text_leaves": by_kind.get("text", 0),
        "clauses_with_checkable": n_checkable, "by_kind": by_kind,
        "by_attribute": dict(sorted(by_attr.items(), key=lambda kv: -kv[1])),
    }

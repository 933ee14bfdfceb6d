"""Condition sentences and their parts (条件句解析): the conditional part
of a granting sentence, exclusions, comma parts, modifiers, head nouns,
predicates, joins and tiers.

Part of :mod:`huiqi.rules.conditions` (see there for the rules).
"""

from __future__ import annotations

import copy
import re

from huiqi.extract.numbers import finditer_from
from huiqi.rules import vocab as V
from huiqi.rules.model import Condition
from huiqi.rules.vocab import GOVERNMENT, PERSON
from huiqi.rules.condition_atoms import (  # an earlier stage of condition extraction
    _last_de,
    _Block,
    _CLOSE,
    _Hit,
    _OPEN,
    _PAREN_RE,
    _TEXT_MIN,
    _cjk_len,
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
    _non_condition,
    _text_leaf,
)


# ---------------------------------------------------------------------------
# sentences

_LEAD_RE = re.compile(r"^\s*(?:\d+[.．、]|[（(]\d+[）)]|[①-⑳]|[（(][一二三四五六七八九十]+[）)])?\s*"
                      r"(?:对于|对(?![外接象])|凡|经(?![营济费销])|被(?!告))?")
_INTRO_RE = re.compile(r"(?:须|需|应|应当)?(?:同时)?(?:符合|满足|具备)(?:下列|以下|如下)|(?:须|需|应)?(?:同时)?满足|条件(?:如下|为)[：:]?|如下要求|以下条件|下列条件|下列情形")
#: Every character an :data:`_INTRO_RE` match can start with.
_INTRO_FIRST_RE = re.compile(r"[须需应同符满具条如以下]")
_ANY_INTRO_RE = re.compile(r"之一|任一|任意一|如下要求|分档|分别满足|两类|三类|四类|其中一|满足一项|满足其中|属于以下|属于下列|以下情形|下列情形之")
_ADDON_RE = re.compile(r"再给予|另给予|再奖励|追加|另行给予|再按")


#: 对/凡 opening the condition of an offer (…，对前3名的园区给予…)
_OFFER_LEAD_RE = re.compile(r"(?:^\s*(?:\d+[.．、]|[（(][一二三四五六七八九十\d]+[）)]|[①-⑳])?|[，,：:。\s]|每年|按年度)"
                            r"(?:[一二三四五六七八九十]是|其中|同时)?(?:对于|对(?![外接象])|凡)")
#: …的，(…) just before the benefit
_DE_PART_RE = re.compile(r"(?:^|[，,])(?P<cond>[^，,]+的)[，,][^，,]{0,12}$")
#: a part naming the applicant before 每/分别/一次性
_APPLICANT_PART_RE = re.compile(r"(?:^|[，,])(?P<cond>[^，,]*(?:企业|单位|主体|项目)[^，,]*)[，,](?:每[^，,]{0,6}|分别|一次性)$")


def _intro(text: str) -> re.Match[str] | None:
    """``_INTRO_RE.search(text)`` (符合下列条件…), tried only where a match can start."""
    return next(finditer_from(_INTRO_RE, _INTRO_FIRST_RE, text), None)


def _condition_part(sent: str, mode: str = "subject") -> tuple[str, bool] | None:
    """The condition part of a sentence and whether it is an exclusion
    (``…的，不予支持``); ``None`` when the sentence has no such construction
    (a goal, a duty of a government unit, a bare benefit)."""
    ex = V.EXCLUDE_RE.search(sent)
    if ex:
        parts = _split(sent[:ex.start()], "，,")
        # the excluded subject is the last comma part (…，低于100吨的不予补贴)
        return (parts[-1][1] if parts else sent[:ex.start()]), True
    for b in finditer_from(V.BENEFIT_RE, V.BENEFIT_FIRST_RE, sent):
        left = sent[:b.start()]
        # 对…的 / 凡…的 / …的，
        ms = list(_OFFER_LEAD_RE.finditer(left))
        if ms:  # the last 对 before the benefit (按年度对园区考核评价，对前3名的园区给予…)
            return left[ms[-1].end():], False
        m = _DE_PART_RE.search(left)
        if m:
            if mode == "guide" or _FIRM_START_RE.match(left):
                # every part before …的，可申请 is a condition (in a guide field, or
                # when the sentence opens with the applicant: 参保企业足额缴纳…，…的，可以申请)
                return left[:m.end("cond")], False
            return m.group("cond"), False
        # 企业主导制定并获批国际标准，每个标准分别奖励…: the part before 每/分别
        m = _APPLICANT_PART_RE.search(left)
        if m and not _DUTY_RE.match(m.group("cond")):
            return m.group("cond"), False
    return None


_FIRM_START_RE = re.compile(r"^\s*(?:\d+[.．、]|[一二三四五六七八九十]+、)?\s*(?:参保|申请|申报|符合条件的|新办|新设立的)?"
                            r"(?:企业|单位|纳税人|个体工商户|小规模纳税人|小型微利企业|经营主体|市场主体|用人单位)")
_DUTY_RE = re.compile(r"^\s*(?:\d+[.．、])?\s*(?:支持|鼓励|推动|加大|实施|引导|推进|加强|做好|统筹|安排|落实|建立|完善|开展)")


_BENEFIT_START_RE = re.compile(r"(?<=.)(?:分别|一次性|每年|每人|每个|每(?:新增)?[一]?[头吨亩只峰台套平])")


def _subject_span(cond: str) -> str:
    """The subject of 对…的，给予: comma parts up to the first one holding 的
    (对集中连片种植500亩以上，且…签订合同的主体), else the first part — later
    parts (按投资额的15%, 根据绩效) describe the benefit; 分别/一次性 inside a
    part also starts the benefit (对“大国工匠”、“北疆工匠”分别按…)."""
    m = _BENEFIT_START_RE.search(cond)
    if m:
        cond = cond[:m.start()]
    parts = _split(cond, "，,")
    if not parts:
        return cond
    end = None
    for o, p in parts:
        if "的" in p:
            end = o + len(p)
            break
    if end is None:
        end = parts[0][0] + len(parts[0][1])
    return cond[:end]


_LEVEL_LIST_RE = re.compile(rf"(?P<levels>{V.LEVEL_WORD}(?:\s*[、和及或]\s*{V.LEVEL_WORD})+)(?P<rest>[^，,、]*)")


def _tracks(node: Condition) -> Condition:
    """分别给予 after a list: each listed kind is a track (any, labelled):
    a membership leaf with several values is split; a text leaf holding a
    level list (国家级、自治区级…示范基地) becomes one text leaf per level."""
    if (node.op == "leaf" and node.kind == "membership" and node.attribute == "qualifications"
            and isinstance(node.value, list) and len(node.value) > 1):
        kids = [Condition.leaf("membership", node.attribute, node.operator, [v], source_text=node.source_text, label=str(v))
                for v in node.value]
        return Condition.any_of(kids, source_text=node.source_text, label=f"分别：{node.label}")
    if node.op == "leaf" and node.kind == "text":
        m = _LEVEL_LIST_RE.search(node.source_text)
        if m:
            rest = re.sub(r"的$", "", m.group("rest"))
            kids = []
            for lm in re.finditer(V.LEVEL_WORD, m.group("levels")):
                kids.append(_leaf("text", None, None, None, lm.group(0), f"{lm.group(0)}{rest}"))
            if len(kids) >= 2:
                return Condition.any_of(kids, source_text=node.source_text, label=f"分别：{node.label}")
        items = _split(node.source_text, "、")
        if 2 <= len(items) <= 8 and all(_cjk_len(t) >= 2 and len(t) <= 16 for _, t in items):
            kids = [_leaf("text", None, None, None, t.strip(), _clean_label(t)) for _, t in items]
            return Condition.any_of(kids, source_text=node.source_text, label=f"分别：{node.label}")
        return node
    if node.op in ("all", "any"):
        node.children = [_tracks(k) for k in node.children]
    return node


_PREFERENCE_RE = re.compile(r"^(?:\s*(?:\d+[.．、]|[（(][一二三四五六七八九十\d]+[）)]))?\s*(?:重点支持|优先支持|主要支持|鼓励|优先|支持|引导)")


_EXCEPT_HEAD_RE = re.compile(r"^(?P<lead>\s*(?:\d+[.．、]|[（(]\d+[）)])?\s*)除(?P<x>[^，,。；]{2,40}?)(?:以)?外[，,]")
_EXCEPT_TAIL_RE = re.compile(r"(?:^|[，,])(?P<x>[^，,]{2,60}?)除外(?:[（(][^）)]*[）)])?$")
_NOT_INCLUDE_RE = re.compile(r"[，,]\s*(?:但)?(?:不包括|不含)(?P<x>[^，,]{2,80})")


_BASE_PART_RE = re.compile(r"^\s*(?:按照?|依据|根据)")


def _excludes_applicants(before: str) -> bool:
    """Whether ``…，不包括X`` (``before`` = the text up to the comma)
    excludes applicants or projects (…技术改造设备投资补助，不包括节能节水等
    绿色化改造…项目) rather than narrowing a base of calculation (按单位实际
    缴纳的社会保险费，不包括个人应缴纳的部分) or the content of a
    parenthesis (信息服务业务（仅限应用商店，不含网络出版服务）): the
    comma part before it must not open with 按/按照/依据/根据 (以 would
    catch 以工艺设备更新提升为重点的…), and no parenthesis may be open."""
    if before.count("（") + before.count("(") > before.count("）") + before.count(")"):
        return False
    last = re.split(r"[，,]", before)[-1]
    return not _BASE_PART_RE.match(last)


def _parse_sentence(sent: str, off: int, blk: _Block, mode: str) -> list[tuple[str, Condition]]:
    """Conditions of one sentence as ``(role, node)`` pairs (see
    :func:`_parse_simple`), after splitting off 除X外，… (X is an
    alternative way to qualify), …，X除外 and …，不包括X (exclusions of X)."""
    s = sent.rstrip(" \t。；;")
    m = _EXCEPT_HEAD_RE.match(s)
    if m:
        rest_off = m.end()
        x_off = off + m.start("x")
        rest = _parse_sentence(s[rest_off:], off + rest_off, blk, mode)
        x = _text_leaf(m.group("x"), x_off, "guide")
        if not rest:
            return []
        if x is None:
            return rest
        role, node = rest[0]
        alt = Condition.any_of([_relabel(x, f"属于：{_clean_label(m.group('x'))}"), node],
                               source_text=s.strip(), label="符合其一")
        return [(role, alt), *rest[1:]]
    m = _EXCEPT_TAIL_RE.search(s) if "除外" in s else None  # the pattern holds 除外
    if m and m.start("x") > 0:
        x_node = _parse_parts(m.group("x"), off + m.start("x"), blk, "guide", exclusion=True)
        out = _parse_sentence(s[:m.start()], off, blk, mode)
        if x_node is not None:
            out.append(("excl", Condition.negation(x_node, m.group("x").strip(), f"不属于：{_clean_label(m.group('x'))}")))
        return out
    m = _NOT_INCLUDE_RE.search(s)
    if m and not _excludes_applicants(s[:m.start()]):
        # …，不包括X that narrows a base of calculation or a parenthesis: no
        # condition; a benefit glued to X (…，不包括个人应缴纳的部分给予补贴) stays
        b = V.BENEFIT_RE.search(m.group("x"))
        cut = m.start("x") + b.start() if b else m.end()
        return _parse_sentence(s[:m.start()] + " " * (cut - m.start()) + s[cut:], off, blk, mode)
    if m:
        x_node = _parse_parts(m.group("x"), off + m.start("x"), blk, "guide", exclusion=True)
        out = _parse_sentence(s[:m.start()] + " " * (len(s) - m.start()), off, blk, mode)
        if x_node is not None:
            out.append(("excl", Condition.negation(x_node, m.group("x").strip(), f"不包括：{_clean_label(m.group('x'))}")))
        return out
    r = _parse_simple(s, off, blk, mode)
    return [r] if r is not None else []


#: the base of a benefit (按…, 每…, …10%, …的部分), not a condition
_BASE_LEAD_RE = re.compile(r"\s*(?:按照?|每)")
_BASE_END_RE = re.compile(r"(?:\d|[%％元]|的部分)\s*$")
#: 分别 right after the condition: each listed kind is a track
_EACH_AFTER_RE = re.compile(r"[^，,。；]{0,6}[，,]?\s*(?:每年|每人|一次性)?分别")
_HEAD_END_RE = re.compile(r"[的，,\s]+$")


def _relabel(c: Condition, label: str) -> Condition:
    c.label = label
    return c


def _parse_simple(sent: str, off: int, blk: _Block, mode: str) -> tuple[str, Condition] | None:
    """Conditions of one sentence (no 。/；inside) as ``(role, node)``:
    role ``offer`` (the condition of something granted), ``excl`` (an
    exclusion, already negated) or ``cond`` (a plain condition of a guide
    field). ``mode`` is ``guide`` (every part is a condition) or ``subject``
    (only the conditional part of a granting sentence). ``None`` for
    sentences that state no condition."""
    o, s = _trim(off, sent)
    g = V.GOAL_RE.search(s) if s else None
    if g:  # …，到2025年全区高新技术企业超过2000家: drop the goal and what follows
        cut = max(s.rfind("，", 0, g.start()), s.rfind(",", 0, g.start()))
        s = s[:cut] if cut > 0 else ""
    if not s:
        return None
    if mode == "guide" and _PREFERENCE_RE.match(s) and not V.EXCLUDE_RE.search(s):
        return None  # 重点支持… / 鼓励…: directions, not requirements
    if mode == "guide" and (V.NON_CONDITION_RE.search(s) or _ADDON_RE.search(s)):
        # definitions/procedure; still honour explicit exclusions
        if not V.EXCLUDE_RE.search(s) or "不得重复" in s:
            return None
    part = _condition_part(s, mode)
    negated = False
    role = "cond"
    if part is not None:
        cond_text, negated = part
        if negated and mode == "guide":
            pre = s[:s.find(cond_text)].rstrip("，, ")
            if _cjk_len(pre) >= _TEXT_MIN:
                pre_node = _parse_parts(pre, o, blk, mode)
                if pre_node is not None:
                    ex = _parse_simple(s[len(pre):], o + len(pre), blk, mode)
                    if ex is None:
                        return "cond", pre_node
                    return "cond", Condition.all_of([pre_node, ex[1]], source_text=s, label=_clean_label(s))
        role = "excl" if negated else "offer"
        if mode == "subject" and not negated and _ADDON_RE.search(s):
            return None
    elif mode == "guide":
        cond_text = s
    else:
        return None
    if role == "offer" and mode == "subject":
        cond_text = _subject_span(cond_text)
        if _BASE_LEAD_RE.match(cond_text) or _BASE_END_RE.search(cond_text.strip()):
            return None  # 收购生鲜乳数量的10%: the base of a benefit, not a condition
    cs = s.find(cond_text)
    c_off = o + cs
    # strip the lead words (对/凡/numbering) and the trailing 的
    lm = _LEAD_RE.match(cond_text)
    if lm and lm.end():
        c_off += lm.end()
        cond_text = cond_text[lm.end():]
    # cut an intro (符合下列条件之一的): the list that follows is parsed by the caller
    im = _intro(cond_text)
    if im:
        cond_text = cond_text[:im.start()]
    if negated:
        # …的家庭农牧场原则上不再享受: the adverb closes the excluded subject
        cond_text = V.EXCLUSION_ADVERB_RE.sub("", cond_text.rstrip(" ，,"))
        if _STACKING_SUBJECT_RE.search(cond_text) and "重复" in (V.EXCLUDE_RE.search(s) or [""])[0]:
            return None  # 技能提升补贴和职业培训补贴不得重复享受: a stacking rule (stacking.py)
    node = _parse_parts(cond_text, c_off, blk, "subject" if negated else mode, exclusion=negated)
    if node is None:
        return None
    if negated:
        src = blk.text[c_off:c_off + len(cond_text)].strip(" ，,")
        ex = V.EXCLUDE_RE.search(s)
        if node.op == "all" and (re.search(r"再|重复", ex.group(0) if ex else "") or V.RECEIVED_RE.search(cond_text)):
            # 已享受同类项目补助的家庭农牧场不再享受: "no more / again" presupposes
            # that the noun is who the clause is for — a beneficiary
            nouns = [k for k in node.children if k.kind != "text" and _has_firm_subject(k)]
            if nouns and len(nouns) < len(node.children):
                blk.beneficiaries.extend(copy.deepcopy(nouns))
        return role, Condition.negation(node, source_text=src or node.source_text, label=f"不属于：{_clean_label(src)}")
    if role == "offer":
        after = s[cs + len(cond_text):]
        if _EACH_AFTER_RE.match(after):
            node = _tracks(node)
        head_text = _HEAD_END_RE.sub("", cond_text)
        for rx, who, what in ((V.PERSON_HEAD_RE, PERSON, "个人"), (V.GOVERNMENT_HEAD_RE, GOVERNMENT, "地方政府")):
            pm = rx.search(head_text)
            if pm and not any(l.attribute == "entity_type" for l in node.leaves()):
                p_off = c_off + pm.start()
                who_leaf = _leaf("membership", "entity_type", "in", [who], blk.text[p_off:p_off + len(pm.group(0))],
                                 f"受益对象为{what}（{pm.group(0)}）")
                node = Condition.all_of([who_leaf, node], source_text=cond_text.strip(), label=_clean_label(cond_text))
                break
    return role, node


#: the subject of 不得重复享受 naming benefits, not firms (技能提升补贴和职业培训补贴)
_STACKING_SUBJECT_RE = re.compile(r"(?:补贴|补助|奖励|奖补|资助|政策|优惠|资金)(?:等)?$")

_PREAMBLE_RE = re.compile(r"^(?:依照|依据|根据|按照)[^，,]{0,30}(?:规定|要求)$|^(?:截至|截止|到)?(?:上年末|上年度|当年|近[一二三两\d]年)$"
                          r"|^自?\d{4}年\d{1,2}月(?:\d{1,2}日)?(?:起|以来)?(?:至\d{4}年\d{1,2}月(?:\d{1,2}日)?)?$")
_EXEMPT_RE = re.compile(r"^(?P<x>.+?)不受[^，,]{0,10}限制$")


_OR_LEAD_RE = re.compile(r"\s*或")
_AND_LEAD_RE = re.compile(r"\s*(?:以及|及)")


def _parse_parts(text: str, off: int, blk: _Block, mode: str, exclusion: bool = False) -> Condition | None:
    """AND over comma parts; in exclusions the parts of a 、/和 list are ORed.

    Unrecognised words around recognised leaves (:func:`_modifier`,
    :func:`_middle`, :func:`_head_noun`) are ANDed as ``text`` leaves also
    in an exclusion: in 已享受同类项目补助的家庭农牧场不再享受 what is excluded
    is a 家庭农牧场 *that already received* such aid — not every
    家庭农牧场 — so the exclusion is ``not(all(已享受同类项目补助, 家庭农牧场))``
    (never stricter than written; see :func:`_drop_implied`)."""
    nodes: list[Condition] = []
    or_next: list[bool] = []
    for a_off, atom in _split(text, "，,：:", off):
        if _PREAMBLE_RE.match(atom.strip()):
            continue
        or_next.append(bool(_OR_LEAD_RE.match(atom)))
        xm = _EXEMPT_RE.match(atom.strip())
        if xm and nodes:
            x_off = a_off + atom.find(xm.group("x"))
            x_hits = _recognise(xm.group("x"), x_off, blk)
            x_node = _combine_atom(x_hits, xm.group("x"), x_off) or _text_leaf(xm.group("x"), x_off, "guide")
            if x_node is not None:
                prev = nodes.pop()
                nodes.append(Condition.any_of([prev, x_node], source_text=text.strip(), label="符合其一（或豁免）"))
            or_next.pop()
            continue
        if _AND_LEAD_RE.match(atom) and nodes and _is_hire(nodes[-1]):
            or_next[-1] = True
        hits = _recognise(atom, a_off, blk)
        if exclusion and not hits:
            items = [(o, p) for o, p in _split(atom, "、", a_off)]
            if len(items) >= 2:
                leaves = [t for o, p in items if (t := _text_leaf(p, o, "guide")) is not None]
                if len(leaves) >= 2:
                    nodes.append(Condition.any_of(leaves, source_text=atom.strip(), label=_clean_label(atom)))
                    continue
        node = _combine_atom(hits, atom, a_off, _clean_label(atom))
        if node is not None:
            extra = [x for x in (_modifier(atom, a_off, hits, exclusion), *_middle(atom, a_off, hits),
                                 _head_noun(atom, a_off, hits) or _predicate(atom, a_off, hits)) if x is not None]
            if extra:
                node = Condition.all_of([*extra, node], source_text=atom.strip(), label=_clean_label(atom))
        if node is None:
            node = _text_leaf(atom, a_off, "exclusion" if exclusion else mode)
        if node is None:
            or_next.pop()
            continue
        if or_next[-1] and nodes:
            prev = nodes.pop()
            kids = prev.children if prev.op == "any" else [prev]
            node = Condition.any_of([*kids, node], source_text=text.strip(), label="符合其一")
        nodes.append(node)
    if not nodes:
        return None
    nodes = _merge_tiers(nodes, text)
    if exclusion and len(nodes) > 1:
        return Condition.any_of(nodes, source_text=text.strip(), label=_clean_label(text))
    return nodes[0] if len(nodes) == 1 else Condition.all_of(nodes, source_text=text.strip(), label=_clean_label(text))


def _is_hire(c: Condition) -> bool:
    leaves = c.leaves()
    return bool(leaves) and all((l.attribute or "").endswith("招用人数") for l in leaves if l.kind != "text") \
        and any((l.attribute or "").endswith("招用人数") for l in leaves)




_RESTATE_RE = re.compile(r"^(?:纳税人|企业|申请人|申报单位|申报主体|(?:补助|补贴|支持|扶持|奖励|申报|实施)对象)?"
                         r"(?:应当|应|须|需|必须)?(?:已经|已)?(?:被)?(?:认定为|认定|评定为|评为|列为|列入|确定为|成为|属于|为|是|按照|按)?$")


def _modifier(atom: str, off: int, hits: list[_Hit], exclusion: bool = False) -> Condition | None:
    """A ``text`` leaf for the unrecognised words before the first recognised
    leaf of a part (未开具3%增值税专用发票的增值税小规模纳税人 → 未开具3%增值税专用发票;
    首次获批高新技术企业的… → 首次获批), so that they are confirmed rather than
    silently passed. Lead words (对/凡), 的 and bare restatements (被认定为)
    give nothing; ``exclusion``: already-received words count (已享受同类项目补助
    的家庭农牧场 → 已享受同类项目补助, see :func:`_non_condition`)."""
    first = min(h.src_start for h in hits) - off
    if first <= 0:
        return None
    if re.search(r"[、和及与或]", atom[:first]) and not atom[:first].rstrip().endswith("的"):
        return None  # 奶畜养殖场和奶农合作社: part of a list of subjects, not a modifier
    o, t = _trim(off, atom[:first])
    lm = _LEAD_RE.match(t)
    if lm and lm.end():
        o, t = o + lm.end(), t[lm.end():]
    t = re.sub(r"(?:的|之|在|和|与|及|、|，|,|\s)+$", "", t)
    core = _clean_label(t)
    if not core or _RESTATE_RE.match(core):
        return None
    need = 3 if re.search(r"首次|新", core) else _TEXT_MIN
    if _cjk_len(core) < need or V.GENERIC_RE.match(core) or _non_condition(core, exclusion) \
            or re.fullmatch(r"(?:符合(?:上述|以上|相关)?条件|经认定|相关|其|其中)", core):
        return None
    return _leaf("text", None, None, None, t, core)


def _head_noun(atom: str, off: int, hits: list[_Hit]) -> Condition | None:
    """A ``text`` leaf for the unrecognised head noun after the last 的
    (年主营业务收入达到2亿元以上的农畜产品精深加工企业 → 农畜产品精深加工企业),
    ``None`` when the head is recognised, generic or absent."""
    last = _last_de(atom)
    last_hit = max(h.end for h in hits) - off
    if last >= 0 and last + 1 >= last_hit:
        start = last + 1  # …的农畜产品精深加工企业
    elif (last_hit < len(atom) and _SUBJECT_NOUN_RE.search(atom.rstrip("。；; "))
          and not re.match(r"\s*[和、或及与]", atom[last_hit:])):
        start = last_hit  # 200峰以上骆驼养殖场: a subject noun right after the last leaf
    else:
        return None
    h_off = off + start
    head = atom[start:]
    if any(h.end > h_off for h in hits):
        return None
    o, t = _trim(h_off, head)
    t = re.sub(r"^(?:以上|以下|及以上|及以下)", "", t)
    o = h_off + head.find(t) if t else o
    if _cjk_len(t) < 3 or V.GENERIC_RE.match(t) or V.BENEFIT_RE.search(t) or _FRAME_RE.match(t):
        return None
    return _leaf("text", None, None, None, t, t)


def _predicate(atom: str, off: int, hits: list[_Hit]) -> Condition | None:
    """A ``text`` leaf for the unrecognised words the part says its subject
    does, after the last recognised leaf when that leaf is a subject (对旅行社
    招徕区外游客给予奖励 → 招徕区外游客): being a 旅行社 is checked, what it
    did is confirmed rather than silently passed, so the clause cannot be
    ``eligible`` on the subject alone. ``None`` when the words are a head
    noun (:func:`_head_noun`), generic, benefit or procedure words, or fewer
    than four Chinese characters."""
    last = max(hits, key=lambda h: h.end)
    if not last.subject:
        return None
    tail = atom[last.end - off:]
    if "的" in tail or re.match(r"\s*[和、或及与（(]", tail):
        return None
    o, t = _trim(last.end, tail)
    t = re.sub(r"[。；;，,\s]+$", "", t)
    core = _clean_label(t)
    if (_cjk_len(core) < _TEXT_MIN or V.GENERIC_RE.match(core) or V.BENEFIT_RE.search(core)
            or _non_condition(core) or V.GOAL_RE.search(core) or _SUBJECT_NOUN_RE.search(core)
            or _GIVING_RE.match(core)):
        return None
    return _leaf("text", None, None, None, t, core)


#: words that start what is done FOR the subject, not by it (对…企业实施配套奖励,
#: 加大资金奖补力度, 以纳税信息为基础): no condition of the subject
_GIVING_RE = re.compile(r"(?:实施|加大|给予|提供|予以|享受|落实|执行|按照?|以|为|由|向)")


#: frame nouns after 的 that are no subject (在…的基础上, 在…的情况下)
_FRAME_RE = re.compile(r"^(?:基础上|情况下|前提下|期间|范围内|方面|同时|部分)")

_MIDDLE_END_RE = re.compile(r"(?:的|之|且|并|和|与|及|、|，|,|\s)+$")


def _middle(atom: str, off: int, hits: list[_Hit]) -> list[Condition]:
    """``text`` leaves for unrecognised conditions joined by 且/并 between
    two recognised leaves (种植500亩以上且与养殖场（户）签订饲草购销合同的种植企业
    → 与养殖场（户）签订饲草购销合同), so that they are confirmed rather than
    silently passed. Only a gap holding 且/并/同时 (outside brackets, no 或)
    counts, split there; a piece becomes a leaf when it keeps at least
    four Chinese characters after the trailing 的 + head noun is cut (the
    applicant noun of the part) and is no procedure or generic word; the
    first piece after an unrecognised threshold (与之签订1年以上|劳动合同)
    continues it and is skipped."""
    out: list[Condition] = []
    spans = sorted((h.src_start - off, h.end - off, h.leaf.kind == "text") for h in hits)
    for (_, e, after_text), (s2, _, _) in zip(spans, spans[1:]):
        if s2 <= e:
            continue
        gap = atom[e:s2]
        if "或" in gap or not _JOIN_SPLIT_RE.search(gap):
            continue
        pieces = _split_join(gap, e)
        if len(pieces) < 2:
            continue
        for p_off, piece in pieces:
            if after_text and p_off == pieces[0][0]:
                continue  # 与之签订1年以上|劳动合同: the rest of an unrecognised condition
            m = re.match(r"(?:的|以上|以下|以内|\s)*", piece)
            t = _MIDDLE_END_RE.sub("", piece[m.end():])
            if p_off == pieces[-1][0] and "的" in t:
                # the subject noun closing the gap (…的种植企业) is the head, not a condition
                t = re.sub(r"的[^的]{0,6}$", "", t)
            core = _clean_label(t)
            if _cjk_len(core) < _TEXT_MIN or V.NON_CONDITION_RE.search(core) or V.GENERIC_RE.match(core):
                continue
            start = p_off + m.end()
            out.append(_leaf("text", None, None, None, atom[start:start + len(t)], core))
    return out


_JOIN_SPLIT_RE = re.compile(r"并且|而且|同时|且|并(?![购入表列存网联行发])")


def _split_join(gap: str, base: int) -> list[tuple[int, str]]:
    """Pieces of ``gap`` (offset ``base``) split at 且/并/同时 outside brackets."""
    out: list[tuple[int, str]] = []
    depth = start = i = 0
    while i < len(gap):
        ch = gap[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            m = _JOIN_SPLIT_RE.match(gap, i)
            if m:
                out.append((base + start, gap[start:i]))
                i = start = m.end()
                continue
        i += 1
    out.append((base + start, gap[start:]))
    return out


def _signature(c: Condition) -> set[tuple[str, str]]:
    out = set()
    for leaf in c.leaves():
        if leaf.kind == "threshold" and leaf.attribute and leaf.operator in (">=", ">", "<=", "<"):
            out.add((leaf.attribute, "ge" if leaf.operator in (">=", ">") else "le"))
    return out


def _merge_tiers(nodes: list[Condition], text: str) -> list[Condition]:
    """Comma parts that bound the same attribute in the same direction
    (裁员率不高于5.5%，30人以下的企业裁员率不高于20%) are alternatives
    (tiers), not cumulative: OR them. Opposite directions (18周岁以上，且不
    超过65周岁) stay ANDed."""
    out: list[Condition] = []
    sigs: list[set[tuple[str, str]]] = []
    for n in nodes:
        sig = _signature(n)
        j = next((i for i, sg in enumerate(sigs) if sg & sig), None)
        if j is None:
            out.append(n)
            sigs.append(sig)
            continue
        prev = out[j]
        kids = prev.children if prev.op == "any" and prev.label == "分档条件（符合其一）" else [prev]
        out[j] = Condition.any_of([*kids, n], source_text=text.strip(), label="分档条件（符合其一）")
        sigs[j] = sigs[j] | sig
    return out


def _parse_line(line: str, off: int, blk: _Block, mode: str) -> Condition | None:
    """Conditions of one line: the sentences (。；) of a guide field are
    ANDed; in clause text the conditions of parallel offers (一是对…免征；
    二是对…免征) are ORed (the firm qualifies by any of them). Exclusions —
    also inside brackets, （对…不予返还） — are ANDed as ``not``."""
    # exclusions in brackets are parsed on their own and blanked out
    excl: list[Condition] = []
    work = line
    for m in _PAREN_RE.finditer(line):
        inner = m.group(0)[1:-1]
        if V.EXCLUDE_RE.search(inner):
            for role, node in _parse_sentence(inner, off + m.start() + 1, blk, "subject"):
                excl.append(node if role == "excl" else Condition.negation(node, inner, f"不属于：{_clean_label(inner)}"))
            work = work[:m.start()] + " " * len(m.group(0)) + work[m.end():]
    offers: list[Condition] = []
    conds: list[Condition] = []
    for s_off, sent in _split(work, "。；;", off):
        for role, node in _parse_sentence(sent, s_off, blk, mode):
            if role == "excl":
                excl.append(node)
            elif role == "offer" and mode == "subject":
                offers.append(node)
            else:
                conds.append(node)
    nodes = list(conds)
    if len(offers) == 1:
        nodes.append(offers[0])
    elif offers:
        nodes.append(Condition.any_of(offers, source_text=line.strip(), label="符合其中一项"))
    nodes.extend(excl)
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else Condition.all_of(nodes, source_text=line.strip(), label=_clean_label(line)[:40])

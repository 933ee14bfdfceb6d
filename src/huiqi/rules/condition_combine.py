"""Combining the recognised hits of one atom (条件组合): 或-alternatives,
lists of subject words, shared heads and subjects, and ``text`` leaves for
what is a condition but not machine-checkable.

Part of :mod:`huiqi.rules.conditions` (see there for the rules).
"""

from __future__ import annotations

import re

from huiqi.rules import vocab as V
from huiqi.rules.model import Condition
from huiqi.rules.condition_atoms import (  # an earlier stage of condition extraction
    _last_de,
    _CLOSE,
    _Hit,
    _OPEN,
    _TEXT_MIN,
    _cjk_len,
    _clean_label,
    _leaf,
    _split,
    _trim,
)


# ---------------------------------------------------------------------------
# combining hits of one atom





def _combine_atom(hits: list[_Hit], atom: str, off: int, label: str = "") -> Condition | None:
    """Leaves of one comma part. Alternatives written with 或 are ORed,
    an alternative without recognised leaves becoming a ``text`` leaf (so a
    partly understood 或 never makes the condition stricter); otherwise
    the AND of groups, a group being subject words (高新技术企业、科技型中小企业)
    joined by 、/和/及 (ORed)."""
    if not hits:
        return None
    alts = _split_or(atom, off)
    if len(alts) >= 2 and all(_cjk_len(a) >= 4 for _, a in alts):
        shared = _shared_head(hits, alts)
        if shared is not None:
            # 研发投入占营业收入比例达到3%以上或研发投入达到5000万元以上的规模以上企业:
            # the subject after the last 的 is that of every alternative
            cut, tail = shared
            rest = [h for h in hits if h not in tail]
            head_node = _combine_and(tail, atom[cut - off:], cut)
            alt_node = _combine_atom(rest, atom[:cut - off], off) if rest else None
            if alt_node is not None:
                return Condition.all_of([alt_node, head_node], source_text=atom.strip(), label=label or _clean_label(atom))
        nodes: list[Condition] = []
        for a_off, alt in alts:
            inside = [h for h in hits if h.start >= a_off and h.end <= a_off + len(alt)]
            node = _combine_and(inside, alt, a_off) if inside else _text_leaf(alt, a_off, "guide")
            if node is None and not inside:
                continue
            if node is not None:
                nodes.append(node)
        straddling = [h for h in hits if not any(h.start >= o and h.end <= o + len(a) for o, a in alts)]
        if not straddling and len(nodes) >= 2:
            return Condition.any_of(nodes, source_text=atom.strip(), label=label or _clean_label(atom))
    return _combine_and(hits, atom, off, label)


def _shared_head(hits: list[_Hit], alts: list[tuple[int, str]]) -> tuple[int, list[_Hit]] | None:
    """``(offset after the last 的 of the last alternative, the subject hits
    after it)`` when those subjects are the head noun of all alternatives —
    no other alternative names a subject of its own; else ``None``."""
    l_off, last = alts[-1]
    pos = _last_de(last)
    if pos < 0:
        return None
    cut = l_off + pos + 1
    tail = [h for h in hits if h.start >= cut]
    if not tail or not all(h.subject for h in tail) or not any(h.end <= cut for h in hits):
        return None
    if any(h.subject for h in hits if h.end <= cut):
        return None
    return cut, tail


def _split_or(atom: str, off: int) -> list[tuple[int, str]]:
    """Alternatives of ``atom`` separated by 或/或者 outside brackets."""
    out: list[tuple[int, str]] = []
    depth = 0
    start = 0
    i = 0
    while i < len(atom):
        ch = atom[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == "或" and depth == 0 and not (atom[i + 1:i + 2] == "《" or atom[i - 1:i] == "》"):
            out.append((off + start, atom[start:i]))
            i += 2 if atom[i:i + 2] == "或者" else 1
            start = i
            continue
        i += 1
    out.append((off + start, atom[start:]))
    return [(o, a) for o, a in out if a.strip()]


_SUBJECT_NOUN_RE = re.compile(r"(?:企业|单位|机构|组织|团体|基金会|事务所|院所|高校|个体户|合作社|农牧场|公司|主体|农牧户|种植户|养殖户|养殖场)"
                              r"(?:等)?(?:单位|经营主体)?(?:[（(][^）)]{1,6}[）)])?$")


_SEP_RE = re.compile(r"[、和或及与]")


#: a recognition that must be recent (新获得, 新认定, 首次获得…) opening a list
#: of titles: the words up to the verb govern every title of the list
_RECENT_AWARD_RE = re.compile(r"^(?P<pre>[^、，,；;]*?(?:新获得|新获评|新认定为?|首次获得|首次认定为?|新评为|新晋升?为?))")


def _combine_and(hits: list[_Hit], atom: str, off: int, label: str = "") -> Condition:
    """Hits of one 或-free part: phrases separated by 、/和/及 that consist
    only of subject words (高新技术企业、科技型中小企业; 中型、小型、微型工业企业
    和…软件企业) are alternatives (ORed); otherwise everything is ANDed.
    Words before a recent-recognition verb opening a 、-list whose first
    title is unrecognised (乳业开发区企业新获得国家技术创新示范企业、单项冠军企业、
    “专精特新”小巨人企业荣誉称号的) are one ``text`` leaf ANDed with the
    list: holding a title is not enough, a person confirms it is new (when
    the first title is recognised, those words are already a leaf of their own)."""
    rm = _RECENT_AWARD_RE.match(atom)
    first = _split(atom, "、", off)[0]
    if (rm and hits and rm.end() < len(first[1].rstrip())
            and not any(h.start < first[0] + len(first[1]) for h in hits)):
        # the list's first title is unrecognised: without the cut, the words
        # before the verb would stick to it and be lost for the other titles
        pre = rm.group("pre").strip(" ，,")
        recent = _leaf("text", None, None, None, pre, _clean_label(pre) or pre)
        rest = _combine_and(hits, " " * rm.end() + atom[rm.end():], off, label)  # offsets kept
        kids = rest.children if rest.op == "all" else [rest]
        return Condition.all_of([recent, *kids], source_text=atom.strip(), label=label or _clean_label(atom))
    phrases: list[list[_Hit]] = [[hits[0]]]
    for prev, h in zip(hits, hits[1:]):
        gap = atom[max(0, prev.end - off):max(0, h.start - off)]
        bracket_alt = prev.subject and h.subject and gap.strip() in ("（", "(")  # 企业（合作社）
        if (_SEP_RE.search(gap) or bracket_alt) and not re.search(r"且|同时|并", gap):
            phrases.append([h])
        else:
            phrases[-1].append(h)
    # 种植200亩以上的合作社、家庭农牧场: the subject closing a mixed phrase
    # belongs to the list of subjects that follows
    # and (企业、合作社、家庭农场养殖鸵鸟300只以上的) the subject opening a
    # mixed phrase belongs to the list of subjects before it
    split: list[list[_Hit]] = []
    for i, p in enumerate(phrases):
        nxt = phrases[i + 1] if i + 1 < len(phrases) else None
        prv = split[-1] if split else None
        if (len(p) > 1 and p[-1].subject and not all(h.subject for h in p)
                and nxt is not None and all(h.subject for h in nxt)):
            split.extend([p[:-1], [p[-1]]])
        elif (len(p) > 1 and p[0].subject and not all(h.subject for h in p)
              and prv is not None and all(h.subject for h in prv)):
            split.extend([[p[0]], p[1:]])
        else:
            split.append(p)
    phrases = split
    # a list of subjects with unrecognised members (企业、社会团体、基金会…):
    # the recognised ones are only some of the alternatives
    pieces = _split(atom, "、和及", off)
    for h in hits:  # 种植企业（合作社、种植户）: the members of a bracket after a subject
        rel = h.end - off
        if h.subject and atom[rel:rel + 1] in "（(":
            close = next((j for j in range(rel, len(atom)) if atom[j] in "）)"), -1)
            if close > rel and any(off + rel < x.start < off + close for x in hits):
                pieces.extend(_split(atom[rel + 1:close], "、和及与", off + rel + 1))
    others = [(o, t) for o, t in pieces
              if not any(h.start < o + len(t) and h.end > o for h in hits)
              and _SUBJECT_NOUN_RE.search(t.strip().removesuffix("的")) and _cjk_len(t) >= 2]
    if not any(h.subject for h in hits):
        others = []

    def phrase_node(p: list[_Hit]) -> Condition:
        if len(p) == 1:
            return p[0].leaf
        src = atom[min(h.src_start for h in p) - off:p[-1].end - off]
        return Condition.all_of([h.leaf for h in p], source_text=src, label=_clean_label(src))

    other_leaf = None
    if others:
        o0, o1 = others[0][0], others[-1][0] + len(others[-1][1])
        src = atom[o0 - off:o1 - off].strip(" ，,、")
        other_leaf = _leaf("text", None, None, None, src, "属于：" + "、".join(_clean_label(t) for _, t in others))
    # consecutive all-subject phrases form one OR group; other phrases are ANDed
    groups: list[list[list[_Hit]]] = []
    for p in phrases:
        is_subj = all(h.subject for h in p)
        if is_subj and groups and all(h.subject for q in groups[-1] for h in q):
            groups[-1].append(p)
        else:
            groups.append([p])
    nodes: list[Condition] = []
    for g in groups:
        subj = all(h.subject for q in g for h in q)
        alts = [phrase_node(q) for q in g] if subj else [phrase_node([h for q in g for h in q])]
        if subj and other_leaf is not None:
            alts.append(other_leaf)
            other_leaf = None
        if len(alts) == 1:
            nodes.append(alts[0])
        else:
            src = atom[min(h.src_start for q in g for h in q) - off:g[-1][-1].end - off]
            nodes.append(Condition.any_of(alts, source_text=src or atom.strip(), label=_clean_label(src) or label))
    if len(nodes) == 1:
        return nodes[0]
    flat: list[Condition] = []
    for n in nodes:
        flat.extend(n.children if n.op == "all" else [n])
    return Condition.all_of(flat, source_text=atom.strip(), label=label)






def _non_condition(s: str, exclusion: bool = False) -> bool:
    """Whether ``s`` holds procedure / definition words
    (:data:`~huiqi.rules.vocab.NON_CONDITION_RE`). In an exclusion the
    "already received" words (已享受同类项目补助) are the excluded condition,
    not procedure, so they do not count there."""
    for m in V.NON_CONDITION_RE.finditer(s):
        if exclusion and m.group(0) == "已享受":
            continue
        return True
    return False


_DE_END_RE = re.compile(r"的$")


def _text_leaf(atom: str, off: int, mode: str) -> Condition | None:
    """A ``text`` leaf for an unrecognised condition part, or ``None`` when
    the part is not a condition (generic subject, procedure, too short).
    ``mode`` ``exclusion`` is ``guide`` for the subject of an exclusion
    (already-received words are kept, see :func:`_non_condition`)."""
    o, a = _trim(off, atom)
    if _cjk_len(a) < _TEXT_MIN:
        return None
    label = _clean_label(a)
    if not label or _non_condition(a, mode == "exclusion") or V.GOAL_RE.search(a):
        return None
    if a.startswith("的"):
        return None
    core = _DE_END_RE.sub("", label)
    if V.GENERIC_RE.match(core):
        return None
    if mode == "subject" and _cjk_len(core) < 3:
        return None
    return _leaf("text", None, None, None, a, label)

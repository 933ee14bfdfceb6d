"""Stacking rules (叠加规则) of clauses and their application to totals.

* :func:`extract_stacking` — a clause mapping → :class:`Stacking` or
  ``None``. Read from the clause text (and service-guide fields):

  - ``exclusive`` — 不得重复享受 / 不重复享受 / 不再重复支持 / 不重复奖励 /
    不重复补助 / 不得叠加享受 / 不再享受同类项目补助: only one clause of the
    group counts;
  - ``highest`` — 就高不叠加 / 就高不重复 / 按就高原则 / 从优 / 可选择最优惠 /
    选择适用最优惠: the largest counts. When both kinds of words occur
    (可选择最优惠的政策执行，但不得叠加享受) the mode is ``highest``.

  The group key is ``<document>:<scope>``: the document id (or title) and the
  scope the text names — 同一项目, 同一企业同一年度, 同类项目 / 性质类同,
  :data:`DOCUMENT_SCOPE` (本政策与其他政策交叉重复), or a named pair ``技能提升补贴+职业培训补贴``.
  When the text names a family of policies outside the document (其他扶持就业专项
  税收优惠政策) the key is that family alone, without the document, so
  clauses of different documents share it.
  :func:`is_document_wide` tells whether a rule states the document's general
  principle (本政策/本措施 … 交叉重复 / 符合多项政策的); the engine should then
  give that stacking to every clause of the document that has none
  (:func:`document_stacking` finds it among a document's clauses).

* :func:`apply_stacking` — sums benefits of ``eligible``/``likely`` items,
  keeping within each stacking group only the item with the highest
  ``max_yuan`` (ties: the first), and says which were left out and why.

All money in yuan (元).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from huiqi.rules.model import Stacking

COUNTED_STATUSES = ("eligible", "likely")
#: Scope name of document-wide rules (本政策与其他政策交叉重复的…).
DOCUMENT_SCOPE = "本文件各条款交叉重复"

_EXCLUSIVE_RE = re.compile(
    r"(不得重复享受|不重复享受|不得重复|不再重复(?:支持|享受|奖励|补助|补贴)|不重复(?:支持|奖励|补助|补贴|给予)|"
    r"不得叠加(?:享受)?|不叠加享受|不再享受同类|只能(?:申请|享受)(?:其中)?一项|不能同时享受|不可同时享受|择一享受)"
)
_HIGHEST_RE = re.compile(r"(就高|从优|最优惠|按最高|补差)")
_DOC_WIDE_RE = re.compile(
    r"(本(?:政策|措施|办法|方案|细则|通知|文件)[^。；]{0,20}(?:与|和)[^。；]{0,30}(?:交叉|重复|重叠|不一致|同时)|"
    r"(?:符合|适用)(?:本政策措施)?(?:多项|两项(?:条款)?以上|多个)(?:政策|条款|奖补)|"
    r"同一(?:奖补)?政策存在交叉重复|政策类型存在交叉重合|与国家、自治区相关政策措施内容重叠)"
)
_SENT_RE = re.compile(r"[^。；\n]+")


def _scope(sentence: str) -> tuple[str, bool]:
    """(scope, cross_document) named by a stacking sentence."""
    m = re.search(r"(?:其他|其它)([\u4e00-\u9fff]{2,16}?专项[\u4e00-\u9fff]{0,8}?政策)", sentence)
    if m:
        return re.sub(r"^(?:扶持|支持)", "", m.group(1)).removesuffix("政策"), True
    m = re.search(r"([\u4e00-\u9fff]{2,10}(?:补贴|补助|奖励))和([\u4e00-\u9fff]{2,10}(?:补贴|补助|奖励))不得重复", sentence)
    if m:
        pair = [re.sub(r"^(?:且|并|及|或|但)", "", g) for g in (m.group(1), m.group(2))]
        return "+".join(sorted(pair)), True
    for rx, name in (
        (r"同一企业同一年度", "同一企业同一年度"),
        (r"同一项目", "同一项目"),
        (r"同一技术", "同一技术"),
        (r"同一人才|同一人", "同一人才"),
        (r"同类项目|同类政策|性质类同|同类", "同类项目"),
    ):
        if re.search(rx, sentence):
            return name, False
    return "重复享受", False


def _doc_key(clause: Mapping) -> str:
    doc = clause.get("document") or {}
    if isinstance(doc, Mapping):
        if doc.get("id") is not None:
            return f"doc{doc['id']}"
        if doc.get("title"):
            return str(doc["title"])
    return "doc?"


def _texts(clause: Mapping) -> list[str]:
    out = [str(clause.get("text") or "")]
    fields = clause.get("fields") or {}
    if isinstance(fields, Mapping):
        for v in fields.values():
            if isinstance(v, str) and v and v not in out[0]:
                out.append(v)
    return out


def extract_stacking(clause: Mapping) -> Stacking | None:
    """The stacking rule (叠加规则) a clause states, or ``None``.

    ``clause``: a mapping with ``text``, optional ``fields`` and ``document``
    ({id?, title, level, region, kind}). The first sentence with an
    exclusive or highest-wins wording decides; ``source_text`` quotes it.
    Never raises.
    """
    if not isinstance(clause, Mapping):
        return None
    for text in _texts(clause):
        if not _EXCLUSIVE_RE.search(text) and not _HIGHEST_RE.search(text):
            continue  # their words hold no delimiter: a sentence matches only if the text does
        for m in _SENT_RE.finditer(text):
            sent = m.group(0).strip()
            ex = _EXCLUSIVE_RE.search(sent)
            hi = _HIGHEST_RE.search(sent)
            if not ex and not (hi and re.search(r"(不叠加|不重复|原则|选择|执行|实施|适用)", sent)):
                continue
            mode = "highest" if hi else "exclusive"
            scope, cross = _scope(sent)
            if _DOC_WIDE_RE.search(sent):
                scope, cross = DOCUMENT_SCOPE, False
            group = scope if cross else f"{_doc_key(clause)}:{scope}"
            return Stacking(group=group, mode=mode, source_text=sent)
    return None


def is_document_wide(stacking: Stacking | None) -> bool:
    """True when the rule states a document-wide principle (本政策与其他政策交叉
    重复的按就高不重复…): its group ends with ``:`` + :data:`DOCUMENT_SCOPE`."""
    return stacking is not None and stacking.group.endswith(":" + DOCUMENT_SCOPE)


def document_stacking(clauses: list[Mapping]) -> Stacking | None:
    """The document-wide stacking rule among one document's clauses (see
    :func:`is_document_wide`), or ``None``. The engine gives it to every
    clause of the document that states no rule of its own."""
    for c in clauses:
        st = extract_stacking(c)
        if is_document_wide(st):
            return st
    return None



"""How to apply (办理指引) for a calculator result.

Each result carries ``apply``: ``{mode, accepting_body, materials,
time_limit, window, phone, basis}`` — 免申即享 or 需申报 (``mode``), 受理机构,
申报材料, 办理时限, 申报时间 and 咨询电话 — read from the clause's service-guide
fields (:mod:`huiqi.reference.guide_fields`: 受理机构, 申报材料, 办理时限,
申报流程, 咨询电话), its responsible units and contacts, and, when the
clause has none, its document's contacts (another clause of the same
document: a 联系方式 closing clause). ``None`` stands for "not stated".

``mode`` is ``免申即享`` when the text says so (免申即享, 无需申报/申请,
免于申报, 直接兑付/拨付, 自动享受 …), ``需申报`` when it speaks of applying
(申报, 申请, 提交, 报送 …), else ``待确认``. Texts are cut at
:data:`MAX_CHARS` characters so a result stays small.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: Longest text kept per field (characters).
MAX_CHARS = 160

AUTOMATIC_RE = re.compile(r"免申即享|免申即兑|无需(?:企业)?(?:申报|申请|提交)|免于申报|不需(?:要)?申报|直接(?:兑付|拨付|兑现|减免|享受)|自动(?:享受|兑付|减免)|即享")
APPLY_RE = re.compile(r"申报|申请|提交|报送|备案|办理")
WINDOW_RE = re.compile(r"[^。；\n]{0,20}(?:每年|于|在|截至|截止)[^。；\n]{0,12}\d{1,2}月[^。；\n]{0,30}(?:申报|申请|提交|前|截止)[^。；\n]{0,20}")
PHONE_RE = re.compile(r"(?:0\d{2,3}[-－—]?)?\d{7,8}|1[3-9]\d{9}")


def _cut(s: str | None) -> str | None:
    if not s:
        return None
    s = " ".join(str(s).split())
    return s if len(s) <= MAX_CHARS else s[: MAX_CHARS - 1] + "…"


def apply_info(text: str, fields: Mapping | None, responsible_units: list | None,
               contacts: list | None, doc_contacts: list | None = None) -> dict:
    """The ``apply`` object of one clause (see the module docstring)."""
    fields = dict(fields or {})
    blob = " ".join([text or "", *(str(v) for v in fields.values())])
    if AUTOMATIC_RE.search(blob):
        mode = "免申即享"
    elif APPLY_RE.search(blob):
        mode = "需申报"
    else:
        mode = "待确认"
    own = [c for c in (contacts or []) if isinstance(c, Mapping)]
    cs = own or [c for c in (doc_contacts or []) if isinstance(c, Mapping)]
    body = fields.get("受理机构") or "、".join(str(u) for u in (responsible_units or [])[:3]) or (
        "、".join(dict.fromkeys(str(c.get("org")) for c in cs if c.get("org"))) or None)
    phone = fields.get("咨询电话")
    if phone:
        phones = PHONE_RE.findall(str(phone))
        phone = "、".join(phones[:3]) if phones else phone
    else:
        phone = "、".join(dict.fromkeys(str(c.get("phone")) for c in cs if c.get("phone"))) or None
    w = WINDOW_RE.search(" ".join([fields.get("申报流程") or "", fields.get("其他事项") or "", text or ""]))
    return {
        "mode": mode,
        "accepting_body": _cut(body),
        "materials": _cut(fields.get("申报材料")),
        "time_limit": _cut(fields.get("办理时限")),
        "window": _cut(w.group(0).strip(" ，,") if w else None),
        "phone": _cut(phone),
        "from_document": bool(cs) and not own,
    }

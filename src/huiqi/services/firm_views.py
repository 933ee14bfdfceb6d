"""Who sees which firm and which facts, and the correction workflow (更正).

* :func:`firm_view` — the firm, its derived profile and each fact with its
  source, for one :class:`~huiqi.kb.accounts.Principal`: an enterprise
  account sees only its own firm (any other → 404, like an unknown code);
  officers see firms in their region scope (``Principal.sees``); tax and
  payroll facts (``restricted_keys`` of ``data/firm_facts.yaml``) are shown
  only to holders of ``firm.sensitive`` and to the firm itself — others
  see ``{"hidden": true}`` in their place.
* :func:`file_correction` (the firm's account) and
  :func:`decide_correction` (an officer in scope): a confirmed correction
  becomes a ``工作人员核实`` fact dated the decision day and the profile is
  re-derived (its code is returned among ``changed``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.firm.profile import EnterpriseProfile, ProfileError, load_profile
from huiqi.kb import firms as m
from huiqi.kb.accounts import PERM_FIRM_READ, PERM_FIRM_SENSITIVE, ROLE_ENTERPRISE, Principal, region_name, utcnow
from huiqi.kb.push_jobs import enqueue_screen
from huiqi.services.firms import FirmError, refresh_profiles, restricted_keys

HIDDEN = {"hidden": True, "reason": "涉税、社保数据：当前角色无权查看"}


def find_firm(session: Session, p: Principal, code: str) -> m.Firm:
    """The firm ``code`` if ``p`` may see it; raises :class:`FirmError`
    404 otherwise (unknown, another firm's code for an enterprise account,
    outside an officer's region scope)."""
    code = (code or "").strip().upper()
    firm = session.scalar(select(m.Firm).where(m.Firm.code == code))
    if firm is None or not may_see(p, firm):
        raise FirmError(f"未找到统一社会信用代码为 {code[:18]} 的企业", 404, "code")
    return firm


def may_see(p: Principal, firm: m.Firm) -> bool:
    """Whether ``p`` may see ``firm``: its own account, or an officer
    (``firm.read``) whose scope covers the firm's region."""
    if p.role == ROLE_ENTERPRISE:
        return bool(p.firm_code) and p.firm_code == firm.code
    return p.can(PERM_FIRM_READ) and p.sees(firm.region)


def sees_sensitive(p: Principal, firm: m.Firm) -> bool:
    """Whether ``p`` sees the tax and payroll facts of ``firm``."""
    return (p.role == ROLE_ENTERPRISE and p.firm_code == firm.code) or p.can(PERM_FIRM_SENSITIVE)


def _mask(profile: dict[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
    out = {k: (HIDDEN if k in hidden else v) for k, v in profile.items() if k != "facts"}
    if "facts" in profile:
        out["facts"] = {k: (HIDDEN if f"facts.{k}" in hidden else v) for k, v in profile["facts"].items()}
    return out


def firm_view(session: Session, p: Principal, code: str) -> dict[str, Any]:
    """``{code, name, region, region_name, profile, profile_version,
    sources: {key: {source, as_of}}, facts: [{id, key, value, source,
    as_of, import_id, recorded_at}], corrections: [...], sensitive_hidden}``
    (facts newest first). Raises :class:`FirmError` 404 (see
    :func:`find_firm`)."""
    firm = find_firm(session, p, code)
    hidden = frozenset() if sees_sensitive(p, firm) else restricted_keys()
    row = session.get(m.FirmProfileRow, firm.code)
    facts = session.scalars(select(m.FirmFact).where(m.FirmFact.firm_id == firm.id)
                            .order_by(m.FirmFact.as_of.desc(), m.FirmFact.id.desc()))
    corrections = session.scalars(select(m.FactCorrection).where(m.FactCorrection.firm_id == firm.id)
                                  .order_by(m.FactCorrection.id.desc()))
    return {
        "code": firm.code, "name": firm.name, "region": firm.region, "region_name": region_name(firm.region),
        "profile": _mask(row.profile, hidden) if row else {}, "profile_version": row.version if row else 0,
        "sources": row.sources if row else {},
        "facts": [{"id": f.id, "key": f.key, "value": HIDDEN if f.key in hidden else f.value, "source": f.source,
                   "as_of": f.as_of.isoformat(), "import_id": f.import_id,
                   "recorded_at": f.recorded_at.isoformat(timespec="seconds")} for f in facts],
        "corrections": [correction_dict(c, hidden) for c in corrections],
        "sensitive_hidden": bool(hidden),
    }


def correction_dict(c: m.FactCorrection, hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
    """JSON shape of a correction (the proposed value masked like facts)."""
    return {"id": c.id, "key": c.key, "proposed": HIDDEN if c.key in hidden else c.proposed, "note": c.note,
            "filed_by": c.filed_by, "filed_at": c.filed_at.isoformat(timespec="seconds"), "status": c.status,
            "status_label": m.CORRECTION_LABELS.get(c.status, c.status), "officer": c.officer,
            "decided_at": c.decided_at.isoformat(timespec="seconds") if c.decided_at else None,
            "decision_note": c.decision_note, "fact_id": c.fact_id}


def validate_fact(key: str, value: Any) -> Any:
    """A single fact checked against the profile contract → its JSON value.
    ``key`` a profile key or ``facts.<名>``. Raises :class:`FirmError` 422
    naming the key (unknown key, value the contract refuses)."""
    key = (key or "").strip()
    fields = set(EnterpriseProfile.model_fields) - {"facts"}
    if key.startswith("facts.") and len(key) > 6:
        data: dict[str, Any] = {"region": "内蒙古自治区", "facts": {key[6:]: value}}
    elif key in fields:
        data = {"region": value if key == "region" else "内蒙古自治区", key: value}
    else:
        raise FirmError(f"未知事实项“{key[:40]}”（应为企业画像字段，如 employees、revenue，或 facts.名称）", 422, "key")
    try:
        profile, _ = load_profile(data)
    except ProfileError as exc:
        raise FirmError("；".join(exc.errors), 422, "value") from None
    dumped = profile.model_dump(mode="json")
    return dumped["facts"][key[6:]] if key.startswith("facts.") else dumped[key]


def file_correction(session: Session, p: Principal, code: str, key: str, value: Any, note: str | None,
                    at: datetime | None = None) -> m.FactCorrection:
    """The firm's account files a correction of one fact (更正申请, status
    pending). Raises :class:`FirmError`: 403 for anyone but the firm's own
    account, 404 for a firm it may not see, 422 for a bad key or value."""
    if p.role != ROLE_ENTERPRISE:
        raise FirmError("只有企业本身的账号可以提交更正申请", 403)
    firm = find_firm(session, p, code)
    proposed = validate_fact(key, value)
    c = m.FactCorrection(firm_id=firm.id, key=key.strip(), proposed=proposed, note=(note or "").strip()[:500] or None,
                         filed_by=p.username, filed_at=at or utcnow(), status=m.CORRECTION_PENDING)
    session.add(c)
    session.flush()
    return c


def decide_correction(session: Session, p: Principal, correction_id: int, confirm: bool, note: str | None = None,
                      at: datetime | None = None) -> tuple[m.FactCorrection, list[str]]:
    """An officer (``firm.read`` in scope) confirms or rejects a pending
    correction. Confirming records a ``工作人员核实`` fact dated the decision
    day and re-derives the profile. Returns (correction, changed codes).
    Raises :class:`FirmError` 403 (an enterprise account), 404 (unknown or
    out of scope), 409 (already decided), 422 (rejection without a note)."""
    if not p.can(PERM_FIRM_READ):
        raise FirmError("只有工作人员可以核实更正申请", 403)
    c = session.get(m.FactCorrection, correction_id)
    firm = session.get(m.Firm, c.firm_id) if c else None
    if c is None or firm is None or not may_see(p, firm):
        raise FirmError(f"未找到更正申请 {correction_id}", 404)
    if c.status != m.CORRECTION_PENDING:
        raise FirmError(f"更正申请已处理（{m.CORRECTION_LABELS[c.status]}）", 409)
    if not confirm and not (note or "").strip():
        raise FirmError("不予更正时须写明理由", 422, "note")
    at = at or utcnow()
    c.officer, c.decided_at, c.decision_note = p.username, at, (note or "").strip()[:500] or None
    changed: list[str] = []
    if confirm:
        fact = m.FirmFact(firm_id=firm.id, key=c.key, value=c.proposed, source=m.SOURCE_VERIFIED, as_of=at.date(),
                          import_id=None, recorded_at=at)
        session.add(fact)
        session.flush()
        c.fact_id, c.status = fact.id, m.CORRECTION_CONFIRMED
        changed = refresh_profiles(session, [firm.id], at)
        enqueue_screen(session, firms=changed, reason="firms", at=at)  # 精准推送, same transaction
    else:
        c.status = m.CORRECTION_REJECTED
    session.flush()
    return c, changed


def pending_corrections(session: Session, p: Principal) -> list[dict[str, Any]]:
    """Pending corrections of the firms ``p`` may see, oldest first, each
    with ``firm_code`` and ``firm_name``."""
    rows = session.execute(select(m.FactCorrection, m.Firm).join(m.Firm, m.Firm.id == m.FactCorrection.firm_id)
                           .where(m.FactCorrection.status == m.CORRECTION_PENDING).order_by(m.FactCorrection.id))
    out = []
    for c, firm in rows:
        if may_see(p, firm):
            hidden = frozenset() if sees_sensitive(p, firm) else restricted_keys()
            out.append({**correction_dict(c, hidden), "firm_code": firm.code, "firm_name": firm.name})
    return out

"""Audit log (审计日志): append-only record of who did what, when, from
where, on what object, with the state before and after.

One row per action (:class:`AuditEntry`): ``at`` (UTC), ``user_id`` and
``username`` (kept as text so the entry survives the account), ``ip``,
``action`` (dotted name, e.g. ``login.success``, ``user.create``,
``user.role``, ``user.lock``, ``user.unlock``, ``document.upload``,
``document.edit``, ``document.publish``, ``interpretation.add``,
``lifecycle.export``; the rules code records ``rule.*``), ``object_type``
and ``object_id``, ``before`` and ``after`` (JSON objects or ``null``) and a
free ``reason``. Migration ``0003_accounts`` adds database triggers that
refuse UPDATE and DELETE on the table; the code only ever inserts through
:func:`record`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from huiqi.kb.models import Base

#: actions an API caller may filter on, with their Chinese labels (others show the raw name)
ACTION_LABELS = {
    "login.success": "登录", "login.failure": "登录失败", "login.throttled": "登录过于频繁", "logout": "退出",
    "token.issue": "签发接口令牌", "user.create": "创建账号", "user.role": "修改角色或范围", "user.lock": "账号锁定",
    "user.unlock": "账号解锁", "document.upload": "上传文件", "document.edit": "修改文件信息",
    "document.publish": "发布文件", "document.repeal": "标记废止", "document.unpublish": "撤回为草稿",
    "interpretation.add": "添加解读", "interpretation.delete": "删除解读", "lifecycle.export": "导出台账",
    "rule.save": "保存规则草稿", "rule.submit": "提交审核", "rule.approve": "审核通过", "rule.reject": "驳回",
    "request.submit": "提交诉求", "request.route": "诉求分办转办", "request.not_accept": "诉求不予受理",
    "request.sign": "诉求签收", "request.give_back": "诉求退回", "request.interim": "诉求阶段性反馈",
    "request.reply": "诉求办理反馈", "request.opinion": "企业意见", "request.revisit": "诉求回访",
    "request.withdraw": "撤回诉求", "request.ledger_export": "导出诉求台账", "calendar.edit": "修改工作日历",
    "calendar.delete": "删除工作日历记录",
    # issue 13: 一企一档 and 免申即享 lists
    "firm.import": "导入企业名录", "firm.correction": "企业提交更正", "firm.correction_decide": "核实更正申请",
    "list.create": "创建免申即享名单", "list.entry": "审核名单企业",
    "list.submit": "提交名单审批", "list.approve": "审批名单", "list.send_back": "退回名单",
    "list.publicize": "开始公示", "list.objection": "公示异议", "list.objection_decide": "核查异议",
    "list.payment": "兑现", "list.export": "导出名单",
}


class AuditEntry(Base):
    """One audit-log entry (see the module docstring)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text)


def _jsonable(v: Any) -> Any:
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set)):
        return [_jsonable(x) for x in v]
    return v


def record(session: Session, action: str, *, user_id: int | None = None, username: str | None = None,
           ip: str | None = None, object_type: str | None = None, object_id: Any = None,
           before: Any = None, after: Any = None, reason: str | None = None) -> AuditEntry:
    """Append one entry in ``session`` (committed with the change it
    describes, so a rolled-back change leaves no entry). Dates in
    ``before``/``after`` become ISO strings. The rules code calls this with
    ``action`` ``rule.save`` / ``rule.submit`` / ``rule.approve`` /
    ``rule.reject`` and ``object_type`` ``rule_version``."""
    from huiqi.kb.accounts import utcnow

    entry = AuditEntry(at=utcnow(), user_id=user_id, username=username, ip=ip, action=action,
                       object_type=object_type, object_id=None if object_id is None else str(object_id),
                       before=_jsonable(before), after=_jsonable(after), reason=reason)
    session.add(entry)
    return entry


def record_for(session: Session, principal, ip: str | None, action: str, **kwargs) -> AuditEntry:
    """:func:`record` for a :class:`huiqi.kb.accounts.Principal` (``None``
    for a machine call with the admin token)."""
    if principal is None:
        return record(session, action, username="HUIQI_ADMIN_TOKEN", ip=ip, **kwargs)
    return record(session, action, user_id=principal.id, username=principal.username, ip=ip, **kwargs)


def entry_dict(e: AuditEntry) -> dict:
    """JSON shape: ``{id, at, user_id, username, ip, action, action_label,
    object_type, object_id, before, after, reason}`` (``at`` ISO, UTC)."""
    return {"id": e.id, "at": e.at.isoformat(timespec="seconds") + "Z", "user_id": e.user_id,
            "username": e.username, "ip": e.ip, "action": e.action,
            "action_label": ACTION_LABELS.get(e.action, e.action), "object_type": e.object_type,
            "object_id": e.object_id, "before": e.before, "after": e.after, "reason": e.reason}


def list_entries(session: Session, action: str | None = None, username: str | None = None,
                 object_type: str | None = None, object_id: str | None = None,
                 limit: int = 200, offset: int = 0) -> tuple[int, list[dict]]:
    """``(total matching, entries newest first)``; ``action`` matches a
    whole name or a prefix ending in ``.`` (``user.``)."""
    stmt = select(AuditEntry)
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action) if action.endswith(".")
                          else AuditEntry.action == action)
    if username:
        stmt = stmt.where(AuditEntry.username == username)
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditEntry.object_id == str(object_id))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(limit).offset(offset))
    return total, [entry_dict(e) for e in rows]

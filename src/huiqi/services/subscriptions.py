"""Subscriptions and the push inbox (订阅与站内信), the contract shared by the
API (:mod:`huiqi.web.push_api`) and the page.

* :class:`SubscriptionIn` — what a user submits: ``kind`` ``topic`` (with at
  least one of ``keywords``, ``region``, ``level``, ``department``,
  ``industry``) or ``eligible`` (政策我能享受的: only for an account of a
  firm); ``frequency`` instant/daily/weekly; ``channels`` ⊆
  inbox/email/sms/wecom, each non-inbox channel with its address.
* :class:`SubscriptionOut` — a stored subscription.
* :func:`inbox` — the caller's push and request notifications, newest first:
  the user's own (recipient kind ``user``), and for an enterprise account
  those of its firm (``User.firm_code``).

Owner: an enterprise user's ``eligible`` subscription belongs to its firm
(every account of the firm sees it); every other subscription to the user.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from huiqi.kb.accounts import ROLE_ENTERPRISE
from huiqi.kb.push import KIND_ELIGIBLE, Subscription
from huiqi.kb.requests import Notification

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^1\d{10}$")


class SubscriptionError(ValueError):
    """A subscription that cannot be created or deleted: ``status`` (403,
    404, 422) and a Chinese ``message``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class SubscriptionIn(BaseModel):
    """A new subscription (see the module docstring). Errors are Chinese, naming the field."""

    kind: Literal["topic", "eligible"] = "topic"
    keywords: list[str] = Field(default_factory=list, max_length=10)
    region: str | None = Field(None, max_length=20)
    level: str | None = Field(None, max_length=8)
    department: str | None = Field(None, max_length=60)
    industry: str | None = Field(None, max_length=32)
    frequency: Literal["instant", "daily", "weekly"] = "instant"
    channels: list[Literal["inbox", "email", "sms", "wecom"]] = Field(default_factory=lambda: ["inbox"], min_length=1)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=32)
    wecom_id: str | None = Field(None, max_length=64)

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, v: list[str]) -> list[str]:
        out = [k.strip() for k in v if k and k.strip()]
        if any(len(k) > 30 for k in out):
            raise ValueError("关键词每个不超过30字")
        return out

    @field_validator("region", "level", "department", "industry", "email", "phone", "wecom_id")
    @classmethod
    def _strip(cls, v: str | None) -> str | None:
        return (v or "").strip() or None

    @model_validator(mode="after")
    def _check(self):
        if self.kind == "topic" and not (self.keywords or self.region or self.level or self.department
                                         or self.industry):
            raise ValueError("按主题订阅须至少填写关键词、地区、层级、部门或行业之一")
        if "email" in self.channels and not (self.email and _EMAIL.match(self.email)):
            raise ValueError("email：选择电子邮件通道须填写有效的邮箱地址")
        if "sms" in self.channels and not (self.phone and _PHONE.match(self.phone)):
            raise ValueError("phone：选择短信通道须填写11位手机号")
        if "wecom" in self.channels and not self.wecom_id:
            raise ValueError("wecom_id：选择企业微信通道须填写企业微信账号")
        return self


class SubscriptionOut(BaseModel):
    """A stored subscription: ``id``, ``owner_kind`` (user/firm), ``kind``,
    filters, ``frequency``, ``channels``, addresses, ``created_at`` (ISO UTC)."""

    id: int
    owner_kind: str
    kind: str
    keywords: list[str]
    region: str | None
    level: str | None
    department: str | None
    industry: str | None
    frequency: str
    channels: list[str]
    email: str | None
    phone: str | None
    wecom_id: str | None
    created_at: str

    @classmethod
    def of(cls, s: Subscription) -> "SubscriptionOut":
        """From a :class:`~huiqi.kb.push.Subscription`."""
        return cls(id=s.id, owner_kind=s.owner_kind, kind=s.kind, keywords=list(s.keywords or []), region=s.region,
                   level=s.level, department=s.department, industry=s.industry, frequency=s.frequency,
                   channels=list(s.channels or []), email=s.email, phone=s.phone, wecom_id=s.wecom_id,
                   created_at=s.created_at.isoformat() + "Z")


def _owners(p) -> list[tuple[str, str]]:
    out = [("user", str(p.id))]
    if p.role == ROLE_ENTERPRISE and p.firm_code:
        out.append(("firm", p.firm_code))
    return out


def list_subscriptions(session: Session, p) -> list[SubscriptionOut]:
    """The active subscriptions the caller owns (its own, and its firm's)."""
    conds = [(Subscription.owner_kind == k) & (Subscription.owner == o) for k, o in _owners(p)]
    rows = session.scalars(select(Subscription).where(Subscription.active.is_(True), or_(*conds))
                           .order_by(Subscription.id.desc()))
    return [SubscriptionOut.of(s) for s in rows]


def create_subscription(session: Session, p, data: SubscriptionIn, at: datetime) -> Subscription:
    """Store a subscription for the caller; raises :class:`SubscriptionError`
    (422) for 政策我能享受的 without a firm, or an unknown region."""
    from huiqi.reference.regions import find_division
    from huiqi.services.push_targets import keyword_terms

    region = None
    if data.region:
        div = find_division(data.region)
        if div is None:
            raise SubscriptionError(422, f"region：未知地区“{data.region}”（如 阿拉善盟、阿拉善左旗 或区划代码）")
        region = div.code
    if data.kind == KIND_ELIGIBLE:
        if p.role != ROLE_ENTERPRISE or not p.firm_code:
            raise SubscriptionError(422, "kind：“政策我能享受的”只能由绑定了企业的企业账号订阅")
        owner_kind, owner = "firm", p.firm_code
    else:
        owner_kind, owner = "user", str(p.id)
    sub = Subscription(owner_kind=owner_kind, owner=owner, kind=data.kind, keywords=data.keywords,
                       terms=keyword_terms(data.keywords), region=region, level=data.level,
                       department=data.department, industry=data.industry, frequency=data.frequency,
                       channels=list(dict.fromkeys(data.channels)), email=data.email, phone=data.phone,
                       wecom_id=data.wecom_id, active=True, created_by=p.id, created_at=at)
    session.add(sub)
    session.flush()
    return sub


def delete_subscription(session: Session, p, sub_id: int) -> Subscription:
    """Deactivate one of the caller's subscriptions; 404 for another's or an unknown id."""
    sub = session.get(Subscription, sub_id)
    if sub is None or not sub.active or (sub.owner_kind, sub.owner) not in _owners(p):
        raise SubscriptionError(404, f"未找到订阅 {sub_id}")
    sub.active = False
    return sub


def inbox(session: Session, p, limit: int = 100) -> list[dict]:
    """The caller's notifications, newest first: ``[{id, kind, subject,
    text, link, created_at, read}]`` — the user's own and, for an
    enterprise account, its firm's."""
    conds = [(Notification.recipient_kind == k) & (Notification.recipient == o) for k, o in _owners(p)]
    rows = session.scalars(select(Notification).where(or_(*conds))
                           .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit))
    return [{"id": n.id, "kind": n.kind, "subject": n.text.split("\n", 1)[0], "text": n.text, "link": n.link,
             "created_at": n.created_at.isoformat() + "Z", "read": n.read_at is not None} for n in rows]

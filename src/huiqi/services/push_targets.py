"""Who receives a push message, on which channel, when (推送对象与渠道).

* A firm always gets an inbox notification (``notifications``, recipient
  kind ``firm``) for a transition of its own result.
* E-mail / SMS / 企业微信: the firm's ``eligible`` subscriptions (owner the
  firm, or an enterprise user of the firm) with those channels and their
  frequency (instant, daily or weekly digest); without such a subscription
  an e-mail address among the firm's facts (``facts.联系邮箱`` /
  ``facts.电子邮箱`` / ``facts.邮箱``) gets instant e-mail.
* Topic subscribers (keywords segmented like search, region, level,
  department, industry) get a message when a matching policy is published
  or changes.

Every row carries a dedupe key; rows whose key exists are not written again.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from huiqi.kb.accounts import ROLE_ENTERPRISE, User
from huiqi.kb.push import KIND_ELIGIBLE, KIND_TOPIC, OUTBOX_PENDING, OutboxMessage, Subscription
from huiqi.kb.requests import Notification
from huiqi.services.push_message import dedupe_key, due_at, topic_message

EMAIL_FACTS = ("联系邮箱", "电子邮箱", "邮箱")


def keyword_terms(keywords: list[str]) -> list[list[str]]:
    """Each keyword segmented like a search query
    (:func:`huiqi.search.segment.query_tokens`); a keyword matches a policy
    when all its terms occur in the policy's tokens."""
    from huiqi.search.segment import query_tokens

    out = []
    for k in keywords:
        terms = [t for t in query_tokens(k) if not t.startswith("money:")]
        if terms:
            out.append(terms)
    return out


def _address(sub: Subscription, channel: str) -> str | None:
    return {"email": sub.email, "sms": sub.phone, "wecom": sub.wecom_id}.get(channel)


def topic_matches(sub: Subscription, entry: Any, tokens: set[str]) -> bool:
    """Whether a :class:`huiqi.calc.engine.RuleEntry` (``tokens`` its
    segmented text) matches the filters of topic subscription ``sub``; an
    empty filter matches everything."""
    from huiqi.reference.regions import ancestors, divisions, find_division, is_national, normalize_level

    doc = entry.document or {}
    if sub.terms and not any(all(t in tokens for t in group) for group in sub.terms):
        return False
    if sub.level and normalize_level(doc.get("level") or "") != normalize_level(sub.level):
        return False
    if sub.region and sub.region in divisions() and not is_national(doc):
        div = find_division(doc.get("region") or "")
        if div is None or not (div.code in ancestors(sub.region) or sub.region in ancestors(div.code)):
            return False
    if sub.department:
        hay = (entry.text or "") + str((entry.apply or {}).get("accepting_body") or "")
        if sub.department not in hay:
            return False
    if sub.industry:
        cond = entry.screening_condition()
        leaves = [leaf for leaf in (cond.leaves() if cond else []) if leaf.attribute == "industry"]
        values = [str(v) for leaf in leaves for v in (leaf.value if isinstance(leaf.value, list) else [leaf.value])]
        if not any(v.startswith(sub.industry) or sub.industry.startswith(v) for v in values) \
                and sub.industry not in (entry.text or ""):
            return False
    return True


class Targets:
    """Collects inbox and outbox rows of one push pass in ``session`` at
    ``at`` (naive UTC); :meth:`flush` writes those whose dedupe key is new."""

    def __init__(self, session: Session, at: datetime):
        self.s, self.at = session, at
        self.notes: list[dict] = []
        self.out: list[dict] = []
        self.inbox_rows = 0
        self.outbox_rows = 0
        self._firm_subs: dict[str, list[Subscription]] | None = None

    def _subs_by_firm(self) -> dict[str, list[Subscription]]:
        if self._firm_subs is None:
            by: dict[str, list[Subscription]] = defaultdict(list)
            user_firm = dict(self.s.execute(select(User.id, User.firm_code).where(
                User.role == ROLE_ENTERPRISE, User.firm_code.is_not(None))).all())
            for sub in self.s.scalars(select(Subscription).where(Subscription.active.is_(True),
                                                                 Subscription.kind == KIND_ELIGIBLE)):
                code = sub.owner if sub.owner_kind == "firm" else user_firm.get(int(sub.owner) if sub.owner.isdigit() else -1)
                if code:
                    by[code].append(sub)
            self._firm_subs = by
        return self._firm_subs

    def _outbox(self, channel: str, recipient: str, subject: str, body: str, key: str, batch: str,
                firm_code: str | None) -> None:
        self.out.append(dict(channel=channel, recipient=recipient, subject=subject, body=body, dedupe_key=key,
                             status=OUTBOX_PENDING, batch=batch, firm_code=firm_code, attempts=0,
                             next_attempt_at=due_at(batch, self.at), created_at=self.at))

    def firm_message(self, code: str, profile: dict, policy_key: str, digest: str, status: str,
                     amount: float | None, subject: str, body: str, link: str) -> None:
        """Queue the inbox notification and the channel messages of one transition of firm ``code``."""
        base = (code, policy_key, digest, status, amount)
        self.notes.append(dict(request_id=None, recipient_kind="firm", recipient=code, kind="push",
                               text=f"{subject}\n{body}", created_at=self.at, dedupe_key=dedupe_key(*base, "inbox"),
                               link=link))
        subs = self._subs_by_firm().get(code, [])
        sent = False
        for sub in subs:
            for ch in sub.channels or []:
                addr = _address(sub, ch)
                if addr:
                    self._outbox(ch, addr, subject, body, dedupe_key(*base, ch, addr), sub.frequency, code)
                    sent = sent or ch == "email"
        if not sent:
            facts = profile.get("facts") or {}
            for k in EMAIL_FACTS:
                addr = facts.get(k)
                if isinstance(addr, str) and "@" in addr:
                    self._outbox("email", addr.strip(), subject, body, dedupe_key(*base, "email", addr.strip()),
                                 "instant", code)
                    break

    def topic_messages(self, entries: list, doc_numbers: dict) -> int:
        """Queue messages for topic subscribers of the changed ``entries``; returns their number."""
        if not entries:
            return 0
        subs = list(self.s.scalars(select(Subscription).where(Subscription.active.is_(True),
                                                             Subscription.kind == KIND_TOPIC)))
        if not subs:
            return 0
        from huiqi.search.segment import index_tokens

        n = 0
        for e in entries:
            tokens = set(index_tokens(f"{(e.document or {}).get('title') or ''} {e.title} {e.text or ''}"))
            for sub in subs:
                if not topic_matches(sub, e, tokens):
                    continue
                subject, body, link = topic_message(e, doc_numbers.get((e.document or {}).get("id")))
                base = ("topic", sub.id, e.key)
                kind, who = ("user", sub.owner) if sub.owner_kind == "user" else ("firm", sub.owner)
                if "inbox" in (sub.channels or []):
                    self.notes.append(dict(request_id=None, recipient_kind=kind, recipient=who, kind="push",
                                           text=f"{subject}\n{body}", created_at=self.at,
                                           dedupe_key=dedupe_key(*base, "inbox"), link=link))
                for ch in sub.channels or []:
                    addr = _address(sub, ch)
                    if ch != "inbox" and addr:
                        self._outbox(ch, addr, subject, body, dedupe_key(*base, ch, addr), sub.frequency,
                                     sub.owner if sub.owner_kind == "firm" else None)
                n += 1
        return n

    def flush(self) -> None:
        """Write the queued rows whose dedupe keys are new (in the caller's transaction)."""
        for model, rows, attr in ((Notification, self.notes, "inbox_rows"), (OutboxMessage, self.out, "outbox_rows")):
            keys = [r["dedupe_key"] for r in rows]
            have: set[str] = set()
            for lo in range(0, len(keys), 900):
                have.update(self.s.scalars(select(model.dedupe_key).where(model.dedupe_key.in_(keys[lo: lo + 900]))))
            fresh, seen = [], set()
            for r in rows:
                if r["dedupe_key"] not in have and r["dedupe_key"] not in seen:
                    seen.add(r["dedupe_key"])
                    fresh.append(r)
            for lo in range(0, len(fresh), 20_000):
                self.s.execute(insert(model), fresh[lo: lo + 20_000])
            setattr(self, attr, getattr(self, attr) + len(fresh))
            rows.clear()

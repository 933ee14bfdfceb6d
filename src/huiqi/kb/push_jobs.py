"""Screening jobs written in the same transaction as their cause (筛查任务).

A publish of rule versions (:mod:`huiqi.rules.store`, :mod:`huiqi.rules.review`)
or a change of firm facts calls :func:`enqueue_screen` inside its own
transaction: the job is an outbox row of channel ``screen``, so it commits
or rolls back with the publish. :func:`huiqi.services.push.process` (run
after the publish and by ``huiqi tick``) screens what the job names and
writes the resulting notifications, the results and the job's ``sent``
status in one transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.kb.push import CHANNEL_SCREEN, OUTBOX_PENDING, OutboxMessage


def enqueue_screen(session: Session, *, versions: Iterable[int] = (), firms: Iterable[str] = (),
                   clauses: Iterable[int] = (), reason: str = "rules", at: datetime | None = None) -> bool:
    """Add a screening job naming rule ``versions`` (ids of published
    :class:`~huiqi.kb.models.RuleVersion`), ``firms`` (统一社会信用代码) or
    ``clauses`` (clause ids whose application window opened) to the
    caller's transaction. ``reason`` is ``rules``, ``firms`` or ``window``.
    Returns False when there is nothing to do or the same job exists
    (dedupe key of the payload)."""
    payload = {"versions": sorted({int(v) for v in versions}), "firms": sorted({str(f) for f in firms}),
               "clauses": sorted({int(c) for c in clauses}), "reason": reason}
    if not (payload["versions"] or payload["firms"] or payload["clauses"]):
        return False
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    key = "screen:" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:33]
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)) is not None:
        return False
    at = at or datetime.now(timezone.utc).replace(tzinfo=None)
    session.add(OutboxMessage(channel=CHANNEL_SCREEN, recipient=reason, subject=f"筛查任务（{reason}）", body=body,
                              dedupe_key=key, status=OUTBOX_PENDING, batch="instant", attempts=0,
                              next_attempt_at=at, created_at=at))
    return True

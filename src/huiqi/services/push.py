"""Precise push (精准推送): screen only what changed, notify on transitions.

:func:`process` is run after a publish (web, CLI, ingest) and by
``huiqi tick``. In one pass it

1. refreshes the firm mirror (:mod:`huiqi.services.push_mirror`): firms whose
   ``firm_profiles.version`` changed are the *changed firms*;
2. reads the pending screening jobs (:mod:`huiqi.kb.push_jobs`: rule
   versions published in the same transaction as the job) and adds a job
   for the clauses whose validity (application window) starts today;
3. screens the changed rules against every stored firm, and the changed
   firms against every rule in force, with the compiled SQL in DuckDB
   (:func:`huiqi.screen.stream.outcomes_sql`; set operations, no loop per
   firm); the calculator (:func:`huiqi.calc.engine.match`) then computes
   status, amount, formula and reasons for the (firm, policy) pairs that
   may have changed;
4. in ONE database transaction: stores the last result per (firm, policy,
   rule version) (:class:`huiqi.kb.push.ScreenResult`), writes the inbox
   notifications and the outbox messages of the transitions, the topic
   messages of the subscribers, and marks the jobs sent.

Transitions notified: into ``eligible``; into ``likely`` when the deciding
condition was checked (``checked``); a rise of the amount. Dedupe key
(firm, policy, rule digest, status, amount, channel, recipient): a
re-ingest that re-stores an identical rule sends nothing again.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from huiqi.kb.db import session_scope
from huiqi.kb.models import Document, RuleVersion
from huiqi.kb.push import CHANNEL_SCREEN, OUTBOX_PENDING, OUTBOX_SENT, OutboxMessage, ScreenResult
from huiqi.kb.push_jobs import enqueue_screen
from huiqi.services.push_message import compose, dedupe_key
from huiqi.services.outbox import OutboxReport
from huiqi.services.push_targets import Targets

log = logging.getLogger(__name__)
NOTIFY = ("eligible", "likely")


@dataclass
class PushReport:
    """What :func:`process` did: ``jobs`` processed, ``rules`` and
    ``firms`` screened, ``pairs`` (firm, policy) examined by the
    calculator, ``results`` rows stored, ``notified`` transitions,
    ``inbox`` and ``outbox`` rows written, ``topic`` topic messages,
    timings in seconds (``mirror_s``, ``screen_s``, ``write_s``)."""

    jobs: int = 0
    rules: int = 0
    firms: int = 0
    pairs: int = 0
    results: int = 0
    notified: int = 0
    inbox: int = 0
    outbox: int = 0
    topic: int = 0
    eligible: int = 0
    likely: int = 0
    mirror_s: float = 0.0
    screen_s: float = 0.0
    write_s: float = 0.0
    warnings: list[str] = field(default_factory=list)


def rule_digest(body) -> str:
    """16-hex digest of a rule body (equal for an identical rule re-stored by a re-ingest)."""
    return dedupe_key(json.dumps(body or {}, ensure_ascii=False, sort_keys=True, default=str))[:16]


def _pending_jobs(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.channel == CHANNEL_SCREEN, OutboxMessage.status == OUTBOX_PENDING).order_by(OutboxMessage.id)))


def _window_job(session: Session, rs, today: date, at: datetime) -> None:
    """A job for the clauses whose validity starts today (their application window opens)."""
    ids = [e.id for e in rs.entries if (e.validity or {}).get("start") == today.isoformat()]
    if ids:
        enqueue_screen(session, clauses=ids, reason=f"window:{today.isoformat()}", at=at)


def _versions(session: Session, clause_ids: list[int]) -> dict[int, tuple[int, str, str]]:
    """``{clause_id: (rule version id, digest, origin)}`` of the published
    versions (reviewed over extracted, as the calculator chooses)."""
    out: dict[int, tuple[int, str, str]] = {}
    for lo in range(0, len(clause_ids), 900):
        for v in session.scalars(select(RuleVersion).where(
                RuleVersion.clause_id.in_(clause_ids[lo: lo + 900]), RuleVersion.status == "published")):
            if v.clause_id not in out or v.origin == "reviewed":
                out[v.clause_id] = (v.id, rule_digest(v.body), v.origin)
    return out


def _previous(session: Session, *, policies: list[str] | None = None,
              firms: list[str] | None = None) -> dict[tuple[str, str], ScreenResult]:
    """The latest stored result per (firm, policy) for the given policies or firms."""
    out: dict[tuple[str, str], ScreenResult] = {}
    col, values = (ScreenResult.policy_key, policies) if policies is not None else (ScreenResult.firm_code, firms)
    for lo in range(0, len(values or []), 900):
        for r in session.scalars(select(ScreenResult).where(col.in_(values[lo: lo + 900]))
                                 .order_by(ScreenResult.screened_at, ScreenResult.id)):
            out[(r.firm_code, r.policy_key)] = r
    return out


def process(engine: Engine, at: datetime | None = None, *, mirror_memory: str = "1GB") -> PushReport:
    """Run one push pass on ``engine`` at ``at`` (naive UTC; default now,
    ``$HUIQI_NOW`` honoured). Safe to run at any time and concurrently
    (the mirror lock serialises passes); idempotent. Raises only for
    database errors."""
    from huiqi.calc.engine import load_ruleset
    from huiqi.screen.batch import rules_from_ruleset
    from huiqi.screen.stream import compile_rules, outcomes_sql
    from huiqi.services.push_mirror import open_mirror
    from huiqi.services.requests import local_date, now_utc

    at = at or now_utc()
    today = local_date(at)
    rep = PushReport()
    if not _anything_to_do(engine, at):
        return rep
    url = engine.url.render_as_string(hide_password=False)
    t0 = time.perf_counter()
    with open_mirror(url, memory_limit=mirror_memory) as mirror:
        changed_firms = mirror.refresh(engine, today)
        rep.mirror_s = time.perf_counter() - t0
        rs = load_ruleset(engine)
        with session_scope(engine) as s:
            _window_job(s, rs, today, at)
        with session_scope(engine) as s:
            jobs = _pending_jobs(s)
            rep.jobs = len(jobs)
            if not jobs and not changed_firms:
                return rep
            version_ids, clause_ids = set(), set()
            for j in jobs:
                payload = json.loads(j.body)
                version_ids.update(payload.get("versions") or [])
                clause_ids.update(payload.get("clauses") or [])
                changed_firms = sorted(set(changed_firms) | set(payload.get("firms") or []))
            keys = set()
            for lo in range(0, len(version_ids), 900):
                keys.update(s.scalars(select(RuleVersion.clause_key).where(
                    RuleVersion.id.in_(sorted(version_ids)[lo: lo + 900]))))
            changed_entries = [e for e in rs.entries if e.key in keys or e.id in clause_ids]
            targets = Targets(s, at)
            rep.topic = targets.topic_messages(changed_entries, _doc_numbers(s, changed_entries))
            triples = rules_from_ruleset(rs, today)
            firm_count = mirror.count()
            t1 = time.perf_counter()
            pairs: dict[tuple[str, int], int] = {}
            prev: dict[tuple[str, str], ScreenResult] = {}
            by_id = {e.id: e for e in rs.entries}
            if changed_entries and firm_count:
                ids = {e.id for e in changed_entries}
                sub = [t for t in triples if t[0] in ids]
                rep.rules = len(sub)
                policies = sorted({by_id[t[0]].key for t in sub})
                prev.update(_previous(s, policies=policies))
                _screen_into(mirror, compile_rules(sub), "TRUE", {c for c, _ in prev}, pairs, outcomes_sql)
            if changed_firms and firm_count:
                rep.firms = len(changed_firms)
                prev.update(_previous(s, firms=changed_firms))
                mirror.con.execute("CREATE OR REPLACE TEMP TABLE push_firms AS SELECT k.profile_id FROM firm_keys k "
                                   "WHERE k.code IN (SELECT unnest(?))", [changed_firms])
                _screen_into(mirror, compile_rules(triples), "profile_id IN (SELECT profile_id FROM push_firms)",
                             set(changed_firms), pairs, outcomes_sql)
            rep.screen_s = time.perf_counter() - t1
            t2 = time.perf_counter()
            _decide_and_write(s, rs, by_id, pairs, prev, set(changed_firms), today, at, targets, rep)
            for j in jobs:
                j.status, j.sent_at, j.attempts = OUTBOX_SENT, at, j.attempts + 1
            rep.inbox, rep.outbox = targets.inbox_rows, targets.outbox_rows
            rep.write_s = time.perf_counter() - t2
        mirror.mark_screened(changed_firms)
    return rep


def _anything_to_do(engine: Engine, at: datetime) -> bool:
    """Whether a pass can find work. Without any stored firm nor active
    topic subscription nobody can be told anything: the pending jobs are
    closed at once (no mirror, no rule set) and ``False`` is returned."""
    from huiqi.kb.firms import FirmProfileRow
    from huiqi.kb.push import KIND_TOPIC, Subscription

    with session_scope(engine) as s:
        if s.scalar(select(FirmProfileRow.code).limit(1)) is not None or s.scalar(select(Subscription.id).where(
                Subscription.active.is_(True), Subscription.kind == KIND_TOPIC).limit(1)) is not None:
            return True
        s.execute(update(OutboxMessage).where(OutboxMessage.channel == CHANNEL_SCREEN,
                                              OutboxMessage.status == OUTBOX_PENDING)
                  .values(status=OUTBOX_SENT, sent_at=at).execution_options(synchronize_session=False))
        return False


def tick(engine: Engine, at: datetime, senders=None) -> tuple[PushReport, OutboxReport]:
    """The push part of ``huiqi tick``: :func:`process`, then send the due
    outbox messages (:func:`huiqi.services.outbox.send_due`)."""
    from huiqi.services.outbox import send_due

    return process(engine, at), send_due(engine, at, senders)


def _screen_into(mirror, compiled, where: str, keep_codes: set[str], pairs: dict, outcomes_sql) -> None:
    """Outcome codes ≥ 2 of ``compiled`` over the mirrored firms matching
    ``where``, plus every code of the firms in ``keep_codes`` (they had a
    stored result), into ``pairs[(code, clause_id)]``. Nothing to do when no
    rule compiled (an unchanged re-ingest)."""
    if not compiled.exprs:
        return
    con = mirror.con
    con.execute("CREATE OR REPLACE TEMP TABLE push_keep AS SELECT profile_id FROM firm_keys "
                "WHERE code IN (SELECT unnest(?))", [sorted(keep_codes)])
    q = outcomes_sql(compiled, "profiles", where, codes=(0, 1, 2, 3))
    rows = con.execute(f"SELECT k.code, o.clause_id, o.outcome FROM ({q}) o JOIN firm_keys k USING (profile_id) "
                       f"WHERE o.outcome >= 2 OR o.profile_id IN (SELECT profile_id FROM push_keep)").fetchall()
    for code, cid, outcome in rows:
        pairs[(code, int(cid))] = max(int(outcome), pairs.get((code, int(cid)), 0))


def _doc_numbers(session: Session, entries) -> dict[int, str | None]:
    ids = sorted({(e.document or {}).get("id") for e in entries if (e.document or {}).get("id")})
    return dict(session.execute(select(Document.id, Document.doc_number).where(Document.id.in_(ids))).all()) if ids else {}


def _profiles(session: Session, codes: list[str]) -> dict[str, tuple[dict, int, str | None]]:
    from huiqi.kb.firms import Firm, FirmProfileRow

    out = {}
    for lo in range(0, len(codes), 900):
        for code, prof, ver, name in session.execute(
                select(FirmProfileRow.code, FirmProfileRow.profile, FirmProfileRow.version, Firm.name)
                .join(Firm, Firm.code == FirmProfileRow.code).where(FirmProfileRow.code.in_(codes[lo: lo + 900]))):
            out[code] = (prof if isinstance(prof, dict) else json.loads(prof or "{}"), ver, name)
    return out


def _decide_and_write(s: Session, rs, by_id: dict, pairs: dict, prev: dict, changed_firms: set[str],
                      today: date, at: datetime, targets, rep: PushReport) -> None:
    """Compute details of the pairs that may have changed, store results,
    write the notifications of the transitions."""
    from huiqi.services.push_memo import MatchMemo

    versions = _versions(s, sorted({cid for _, cid in pairs}))
    todo: dict[str, list[int]] = defaultdict(list)
    quick: list[tuple[str, int, str]] = []
    for (code, cid), outcome in pairs.items():
        entry = by_id.get(cid)
        if entry is None or cid not in versions:
            continue
        vid, digest, _ = versions[cid]
        old = prev.get((code, entry.key))
        if outcome >= 2:
            if old is not None and old.rule_digest == digest and code not in changed_firms:
                continue  # the same rule re-stored (re-ingest): nothing changed for this firm
            todo[code].append(cid)
        elif old is not None and old.status in NOTIFY:
            quick.append((code, cid, "needs_info" if outcome == 1 else "ineligible"))
    profiles = _profiles(s, sorted(todo))
    doc_numbers = _doc_numbers(s, [by_id[c] for cids in todo.values() for c in cids])
    rows: list[dict] = []
    memo = MatchMemo(rs, today)
    for code, cids in todo.items():
        if code not in profiles:
            continue
        prof, pver, name = profiles[code]
        for cid in cids:
            item = memo.item(prof, by_id[cid])
            if item is None:
                continue
            rep.pairs += 1
            vid, digest, _ = versions[cid]
            entry = by_id[cid]
            benefit = item.get("benefit") or {}
            status = item["status"]
            old = prev.get((code, entry.key))
            rows.append(dict(firm_code=code, policy_key=entry.key, clause_id=cid, rule_version_id=vid,
                             rule_digest=digest, status=status, amount_min=benefit.get("min_yuan"),
                             amount_max=benefit.get("max_yuan"), checked=bool(item.get("checked")),
                             why={"reasons": [r for r in item.get("reasons") or [] if r.get("outcome") != "unmet"][:8],
                                  "formula": benefit.get("formula"), "source": item.get("source")},
                             profile_version=pver, screened_at=at))
            notify, previous_amount = _transition(old, item)
            if notify:
                rep.notified += 1
                rep.eligible += status == "eligible"
                rep.likely += status == "likely"
                subject, body, link = compose(item, name, doc_numbers.get((item.get("document") or {}).get("id")),
                                              previous_amount=previous_amount)
                targets.firm_message(code, prof, entry.key, digest, status, benefit.get("max_yuan"),
                                     subject, body, link)
    for code, cid, status in quick:
        vid, digest, _ = versions[cid]
        rows.append(dict(firm_code=code, policy_key=by_id[cid].key, clause_id=cid, rule_version_id=vid,
                         rule_digest=digest, status=status, amount_min=None, amount_max=None, checked=False,
                         why={}, profile_version=None, screened_at=at))
    _upsert_results(s, rows)
    rep.results = len(rows)
    targets.flush()


def _transition(old: ScreenResult | None, item: dict) -> tuple[bool, float | None]:
    """Whether ``item`` (a calculator result) is a transition to notify,
    and the previous amount when the amount rose."""
    status = item["status"]
    if status not in NOTIFY or (status == "likely" and not item.get("checked")):
        return False, None
    new_amount = (item.get("benefit") or {}).get("max_yuan")
    if old is None or old.status not in NOTIFY or (status == "eligible" and old.status != "eligible"):
        return True, None
    if new_amount is not None and old.amount_max is not None and new_amount > old.amount_max:
        return True, old.amount_max
    return False, None


def _upsert_results(s: Session, rows: list[dict]) -> None:
    """Insert or update results keyed by (firm, policy, rule version)."""
    if not rows:
        return
    have: dict[tuple, int] = {}
    vids = sorted({r["rule_version_id"] for r in rows})
    for lo in range(0, len(vids), 900):
        for rid, code, key, vid in s.execute(select(ScreenResult.id, ScreenResult.firm_code, ScreenResult.policy_key,
                                                    ScreenResult.rule_version_id)
                                             .where(ScreenResult.rule_version_id.in_(vids[lo: lo + 900]))):
            have[(code, key, vid)] = rid
    new, old = [], []
    for r in rows:
        rid = have.get((r["firm_code"], r["policy_key"], r["rule_version_id"]))
        (old if rid else new).append({**r, "id": rid} if rid else r)
    for lo in range(0, len(new), 20_000):
        s.execute(insert(ScreenResult), new[lo: lo + 20_000])
    for r in old:
        s.execute(update(ScreenResult).where(ScreenResult.id == r["id"]).values(
            **{k: v for k, v in r.items() if k != "id"}))

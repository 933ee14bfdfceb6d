"""Push after publishing one rule to M stored firms (used by screen_scale.py).

Setup (not timed): a copy of the corpus knowledge base; M synthetic firms
(:func:`huiqi.screen.batch.synthetic_profiles`, 30 % with an e-mail
address) stored in ``firms`` / ``firm_profiles`` as the register would
store them; the mirror built and the baseline taken (the stored firms are
marked screened, the ingest's jobs done: the state of a running system).

Timed: a new version of a reviewed rule is published (the 专精特新 /
创新型中小企业 / 小巨人 award, its amounts raised) in one transaction that
also enqueues its screening job, then :func:`huiqi.services.push.process`
screens it against every stored firm, runs the calculator on the pairs
that changed, and commits results, inbox notifications and outbox rows.
"""

from __future__ import annotations

import copy
import json
import shutil
import time
from datetime import date, datetime
from pathlib import Path


def _store_firms(url: str, m: int, as_of: date) -> None:
    import duckdb
    from sqlalchemy import text

    from huiqi.kb.db import get_engine
    from huiqi.screen.batch import synthetic_profiles, table_profiles

    eng = get_engine(url)
    now = datetime(2024, 6, 1)
    step = 100_000
    for lo in range(0, m, step):
        con = duckdb.connect()
        synthetic_profiles(min(step, m - lo), seed=1000 + lo // step, as_of=as_of, con=con, name="p")
        rows = table_profiles(con, "p")
        con.close()
        firms, profs = [], []
        for pid, prof in rows:
            code = f"91150000MA{lo + pid:08d}"
            if (lo + pid) % 10 < 3:
                prof.setdefault("facts", {})["联系邮箱"] = f"f{lo + pid}@example.cn"
            firms.append({"code": code, "name": prof.get("name"), "at": now})
            profs.append({"code": code, "profile": json.dumps(prof, ensure_ascii=False, default=str), "at": now})
        with eng.begin() as db:
            db.execute(text("INSERT INTO firms (code, name, region, created_at, updated_at) "
                            "VALUES (:code, :name, NULL, :at, :at)"), firms)
            db.execute(text("INSERT INTO firm_profiles (code, region, profile, sources, version, updated_at) "
                            "VALUES (:code, NULL, :profile, '{}', 1, :at)"), profs)
        print(f"  stored {lo + len(rows):,}/{m:,} firms", flush=True)
    eng.dispose()


def run_push(kb_url: str, work: Path, m: int) -> dict:
    """Figures of one push of a newly published rule to ``m`` stored firms."""
    import resource

    from sqlalchemy import select

    from huiqi.kb.db import get_engine, session_scope
    from huiqi.kb.models import Clause, RuleVersion
    from huiqi.kb.push import OUTBOX_SENT, OutboxMessage
    from huiqi.rules.store import rekey_version
    from huiqi.services.push import process
    from huiqi.services.push_mirror import mirror_path, open_mirror

    src = Path(kb_url.removeprefix("sqlite:///"))
    db = work / "push.db"
    for p in (db, mirror_path(f"sqlite:///{db}")):
        p.unlink(missing_ok=True)
    shutil.copy(src, db)
    url = f"sqlite:///{db}"
    at = datetime(2024, 6, 1, 2, 0)
    t0 = time.perf_counter()
    _store_firms(url, m, at.date())
    eng = get_engine(url)
    with open_mirror(url) as mirror:  # the baseline: firms mirrored and screened, the ingest's jobs done
        mirror.mark_screened(mirror.refresh(eng, at.date()))
    with session_scope(eng) as s:
        for j in s.scalars(select(OutboxMessage).where(OutboxMessage.channel == "screen")):
            j.status = OUTBOX_SENT
    print(f"  setup {time.perf_counter() - t0:.0f} s", flush=True)
    process(eng, at)  # warm: the rule set is compiled once per knowledge base and stored
    t1 = time.perf_counter()
    with session_scope(eng) as s:
        v = s.scalars(select(RuleVersion).where(RuleVersion.clause_id == 47, RuleVersion.origin == "reviewed",
                                                RuleVersion.status == "published")).one()
        new = rekey_version(s, v, s.get(Clause, 47), "benchmark")
        body = copy.deepcopy(new.body)
        for t in body.get("tracks") or []:
            t["benefit"]["amount_yuan"] = t["benefit"]["amount_yuan"] * 2
        new.body = body
    rep = process(eng, at)
    total = time.perf_counter() - t1
    eng.dispose()
    return {"firms": m, "reached": rep.pairs, "eligible": rep.eligible, "likely": rep.likely,
            "outbox": rep.outbox + rep.inbox, "push_s": total, "mirror_s": rep.mirror_s, "screen_s": rep.screen_s,
            "write_s": rep.write_s, "rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024}

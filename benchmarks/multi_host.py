"""Several hosts on one database (issue 17): per-worker start time and
memory, and how long a change on one host takes to reach another.

For each corpus size (1×, 10× … copies of the bundled files with altered
titles and figures, as in ``benchmarks/ruleset_load.py``) the benchmark
builds a knowledge base through the one ingest path, then starts
``huiqi serve --workers 1`` processes on free ports:

* **cold start** — a host with an empty data directory (PostgreSQL: it
  builds the keyword index and compiles the rule set from the database);
* **warm start** — a second host sharing the first one's derived files
  (index version and stored rule set are read, not built);

each timed from process spawn until ``GET /api/health`` answers, with the
worker's resident memory then (``VmRSS``) and at peak (``VmHWM``) from
``/proc``. Then ``--changes`` documents are uploaded on host A through the
admin upload (``POST /api/admin/documents``, published at once) and host B
is polled until a search finds each: **upload → visible on B** seconds.
Last, the latency of ``GET /api/health`` (the one-row version read every
check makes).

Usage::

    python benchmarks/multi_host.py [--sizes 1 10] [--changes 3]
        [--pg-url postgresql+psycopg://USER@HOST:PORT/ADMIN_DB]

With ``--pg-url`` (a database whose user may create databases) the library
lives in a new PostgreSQL database (dropped at the end) and every host has
its own data directory, as separate machines would; without it a SQLite
file whose derived files all hosts share.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ruleset_load import make_corpus  # noqa: E402

TOKEN = "multi-host-bench"
NEW_DOC = """{city}人民政府关于支持第{n}批专精特新企业的若干措施

{city}政发〔2026〕{n}号

一、对当年新认定的国家级专精特新“小巨人”企业（第{n}批编号QX{n:04d}），一次性奖励{amount}万元。（责任单位：市工业和信息化局）
二、本措施自印发之日起施行，有效期至2027年12月31日。

{city}人民政府
2026年3月1日
"""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (``/proc/<pid>/stat``):
    unlike wall time, not inflated by other jobs on a shared machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _proc_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


@contextmanager
def serve(url: str, data_dir: Path, log: Path):
    """A ``huiqi serve --workers 1`` process; yields ``(base URL, pid,
    start seconds)``."""
    import httpx

    port = _free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, HUIQI_DATA_DIR=str(data_dir), HUIQI_ADMIN_TOKEN=TOKEN, PYTHONUNBUFFERED="1")
    t0 = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "huiqi", "serve", "--port", str(port), "--db", url,
                                 "--workers", "1"], stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace")[-2000:])
            try:
                if httpx.get(f"{base}/api/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        yield base, proc.pid, time.perf_counter() - t0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def build(url: str, files: list[Path]) -> float:
    """Ingest ``files`` with the bundled reviewed rules into ``url``; seconds."""
    from huiqi.config import rules_dir
    from huiqi.kb.db import get_engine, upgrade
    from huiqi.services.ingest import ingest_and_refresh

    engine = get_engine(url)
    upgrade(engine)
    t0 = time.perf_counter()
    report = ingest_and_refresh(engine, files, rules_dir=rules_dir(), refresh_index=False)
    assert report.ok, [f.error for f in report.ingest.failed]
    engine.dispose()
    return time.perf_counter() - t0


def _pg_database(admin_url: str, name: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    eng = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    eng.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop_pg(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    eng = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    eng.dispose()


def run_size(copies: int, changes: int, pg_url: str | None, tmp: Path) -> dict:
    import httpx

    corpus = tmp / f"corpus{copies}"
    corpus.mkdir()
    files = make_corpus(corpus, copies)
    pg_name = f"huiqi_bench_multihost_{copies}x"
    url = _pg_database(pg_url, pg_name) if pg_url else f"sqlite:///{tmp / f'kb{copies}.db'}"
    try:
        ingest = build(url, files)
        dirs = (tmp / f"a{copies}", tmp / f"b{copies}") if pg_url else (tmp, tmp)
        with serve(url, dirs[0], tmp / f"a{copies}.log") as (a, pid_a, start_a):
            rss_a, hwm_a, cpu_a = _proc_kb(pid_a, "VmRSS"), _proc_kb(pid_a, "VmHWM"), _cpu_s(pid_a)
            clauses = httpx.get(f"{a}/healthz", timeout=30).json()["clauses"]
            if pg_url:  # B on its own machine: give it A's derived files only for the warm figure
                import shutil

                shutil.copytree(dirs[0], dirs[1], dirs_exist_ok=True, symlinks=True)
            with serve(url, dirs[1], tmp / f"b{copies}.log") as (b, pid_b, start_b):
                rss_b, hwm_b, cpu_b = _proc_kb(pid_b, "VmRSS"), _proc_kb(pid_b, "VmHWM"), _cpu_s(pid_b)
                visible = []
                cpu_b0, cpu_a0 = _cpu_s(pid_b), _cpu_s(pid_a)
                for n in range(1, changes + 1):
                    text = NEW_DOC.format(city="测试市", n=n + 100 * copies, amount=40 + n)
                    t0 = time.perf_counter()
                    r = httpx.post(f"{a}/api/admin/documents", headers={"Authorization": f"Bearer {TOKEN}"},
                                   files={"file": (f"bench_{copies}_{n}.txt", text.encode("utf-8"), "text/plain")},
                                   timeout=600)
                    assert r.status_code == 201, r.text
                    uploaded = time.perf_counter() - t0
                    code = f"QX{n + 100 * copies:04d}"
                    while not any(code in h["text"] for h in
                                  httpx.get(f"{b}/api/search", params={"q": f"专精特新 第{n + 100 * copies}批 {code}"},
                                            timeout=60).json()):
                        if time.perf_counter() - t0 > 600:
                            raise RuntimeError("change never reached host B")
                        time.sleep(0.1)
                    visible.append((uploaded, time.perf_counter() - t0))
                catch_cpu = (_cpu_s(pid_b) - cpu_b0) / changes
                upload_cpu = (_cpu_s(pid_a) - cpu_a0) / changes
                for host in (a, b):  # both hosts done catching up (caches, rule set) before timing the check
                    t_wait = time.perf_counter()
                    while httpx.get(f"{host}/api/health", timeout=60).json()["behind"] and \
                            time.perf_counter() - t_wait < 300:
                        time.sleep(0.2)
                time.sleep(2)
                lat = []
                for _ in range(50):
                    t0 = time.perf_counter()
                    httpx.get(f"{b}/api/health", timeout=30)
                    lat.append((time.perf_counter() - t0) * 1000)
                health = httpx.get(f"{b}/api/health", timeout=30).json()
    finally:
        if pg_url:
            _drop_pg(pg_url, pg_name)
    return {"copies": copies, "clauses": clauses, "ingest_s": ingest, "start_cold_s": start_a,
            "cpu_cold_s": cpu_a, "cpu_warm_s": cpu_b, "catch_cpu_s": catch_cpu, "upload_cpu_s": upload_cpu,
            "rss_cold_mb": rss_a / 1024, "hwm_cold_mb": hwm_a / 1024, "start_warm_s": start_b,
            "rss_warm_mb": rss_b / 1024, "hwm_warm_mb": hwm_b / 1024,
            "upload_s": statistics.median(u for u, _ in visible), "visible_s": statistics.median(v for _, v in visible),
            "visible_max_s": max(v for _, v in visible), "health_p50_ms": statistics.median(lat), "health": health}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1])
    ap.add_argument("--changes", type=int, default=3)
    ap.add_argument("--pg-url", default=os.environ.get("HUIQI_BENCH_PG_URL"))
    args = ap.parse_args(argv)
    backend = "PostgreSQL, one data dir per host" if args.pg_url else "SQLite, shared derived files"
    print(f"back end: {backend}; sync check every {os.environ.get('HUIQI_SYNC_SECONDS', '2')} s (background)")
    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores: wall times grow with it, CPU seconds do not)")
    print("| corpus | clauses | ingest (s) | cold start: wall / CPU (s) | RSS / peak (MB) | warm start: wall / CPU (s) "
          "| RSS / peak (MB) | upload on A: wall / CPU of A (s) | visible on B: median / max (s) | CPU of B per change (s) "
          "| /api/health p50 (ms) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="huiqi-multihost-") as tmp:
        for k in args.sizes:
            d = Path(tmp) / f"s{k}"
            d.mkdir()
            r = run_size(k, args.changes, args.pg_url, d)
            print(f"| {k}× | {r['clauses']:,} | {r['ingest_s']:.1f} | {r['start_cold_s']:.1f} / {r['cpu_cold_s']:.1f} | "
                  f"{r['rss_cold_mb']:.0f} / {r['hwm_cold_mb']:.0f} | {r['start_warm_s']:.1f} / {r['cpu_warm_s']:.1f} | "
                  f"{r['rss_warm_mb']:.0f} / {r['hwm_warm_mb']:.0f} | {r['upload_s']:.1f} / {r['upload_cpu_s']:.1f} | "
                  f"{r['visible_s']:.1f} / {r['visible_max_s']:.1f} | {r['catch_cpu_s']:.2f} | "
                  f"{r['health_p50_ms']:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

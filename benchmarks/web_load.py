"""Load benchmark of the web API (issue 5): p95 latency of ``GET /api/search``
and ``POST /api/match`` at 20 concurrent clients.

The server runs in a separate process (uvicorn over :func:`huiqi.web.create_app`,
``--workers`` processes); the load comes from ``wrk`` (Debian package, a
small Lua script rotating the requests) when it is installed, and from an
httpx asyncio generator in this process (``--tool httpx``), each client
sending its next request as soon as the previous answer arrived (closed
loop). Requests rotate through distinct inputs so no cache can help:
searches are the 130 questions of ``benchmarks/gold/questions.yaml``;
profiles are 200 different enterprise profiles drawn with a fixed seed
(region from the division table, industry, size, revenue, qualifications).

Usage::

    python benchmarks/web_load.py [--db URL] [--clients 20] [--duration 20]
                                   [--workers N] [--tool auto|wrk|httpx|both]

Without ``--db`` the bundled corpus is ingested into a temporary database.
Prints a table and writes ``benchmarks/out/web_load.json``. Latencies in
milliseconds. Target: p95 ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
TARGET_P95_MS = 200.0


def questions() -> list[str]:
    """The gold search questions (``q`` of benchmarks/gold/questions.yaml)."""
    import yaml

    data = yaml.safe_load((ROOT / "benchmarks" / "gold" / "questions.yaml").read_text(encoding="utf-8"))
    return [q["q"] for q in data["questions"]]


def profiles(n: int = 200, seed: int = 5) -> list[dict]:
    """``n`` distinct enterprise profiles (issue-4 contract, money in yuan)."""
    from huiqi.firm.profile import KNOWN_QUALIFICATIONS
    from huiqi.search.filters import divisions

    rng = random.Random(seed)
    regions = sorted(d.name for d in divisions().values())
    industries = ["A", "A01", "A03", "B06", "C", "C13", "C14", "C26", "C30", "C39", "D44", "E", "F51", "G54",
                  "H61", "I65", "M73", "O81", "R86"]
    out, seen = [], set()
    while len(out) < n:
        p = {"region": rng.choice(regions), "industry": rng.choice(industries)}
        if rng.random() < 0.8:
            p["employees"] = rng.choice([3, 8, 25, 60, 120, 350, 900])
        if rng.random() < 0.7:
            p["revenue"] = rng.choice([500_000, 3_000_000, 12_000_000, 45_000_000, 180_000_000, 600_000_000])
        if rng.random() < 0.4:
            p["established"] = f"{rng.randint(2005, 2024)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        if rng.random() < 0.5:
            p["qualifications"] = rng.sample(list(KNOWN_QUALIFICATIONS), rng.randint(1, 3))
        if rng.random() < 0.3:
            p["projects"] = [{"kind": rng.choice(["技术改造", "新建", "节能改造"]),
                              "investment": rng.choice([5_000_000, 20_000_000, 80_000_000])}]
        key = json.dumps(p, sort_keys=True, ensure_ascii=False)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def search_requests() -> list[tuple[str, str, str]]:
    """``(method, path, body)`` for /api/search."""
    return [("GET", f"/api/search?q={quote(q)}&top=10", "") for q in questions()]


def match_requests() -> list[tuple[str, str, str]]:
    """``(method, path, body)`` for /api/match."""
    return [("POST", "/api/match", json.dumps(p, ensure_ascii=True)) for p in profiles()]


def build_db() -> tuple[str, Path]:
    """Ingest the bundled corpus into a temporary SQLite database."""
    from huiqi.kb.db import get_engine, upgrade
    from huiqi.services.ingest import ingest_bundled

    tmp = Path(tempfile.mkdtemp(prefix="huiqi-webload-"))
    url = f"sqlite:///{tmp / 'kb.db'}"
    engine = get_engine(url)
    upgrade(engine)
    ingest_bundled(engine)  # corpus, its reviewed rules and the search index
    engine.dispose()
    return url, tmp


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, workers: int) -> subprocess.Popen:
    """uvicorn in a child process over ``create_app`` (``HUIQI_DB=url``)."""
    env = dict(os.environ, HUIQI_DB=url)
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "huiqi.web.app:create_app", "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    return subprocess.Popen(cmd, env=env, start_new_session=True)


def wait_ready(base: str, proc: subprocess.Popen, workers: int = 1, timeout: float = 120.0) -> None:
    """Wait until ``workers`` distinct worker processes answered
    ``/healthz`` (each loads the knowledge base on start: measuring while
    one is still loading would time its start-up, not its service)."""
    import httpx

    deadline = time.time() + timeout
    seen: set[int] = set()
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("服务进程已退出")
        try:
            with httpx.Client(timeout=5) as client:  # a new connection each time: any worker may accept it
                r = client.get(base + "/healthz")
            if r.status_code == 200:
                seen.add(r.json().get("worker", 0))
                if len(seen) >= workers:
                    return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"服务未在限定时间内就绪（{len(seen)}/{workers} 个工作进程已应答）")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile ``p`` (0–100) of ``values``."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


async def _httpx_load(base: str, reqs, clients: int, duration: float) -> dict:
    import httpx

    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        async def worker(i: int):
            nonlocal errors
            n = i
            while time.perf_counter() < stop:
                method, path, body = reqs[n % len(reqs)]
                n += clients
                t0 = time.perf_counter()
                if method == "GET":
                    r = await client.get(path)
                else:
                    r = await client.post(path, content=body, headers={"content-type": "application/json"})
                await r.aread()
                latencies.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    errors += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(clients)))
        wall = time.perf_counter() - t0
    return _summary(latencies, errors, wall)


def _summary(latencies: list[float], errors: int, wall: float) -> dict:
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / wall, 1) if wall else 0.0,
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1) if latencies else float("nan"),
    }


_WRK_LUA = r"""
local reqs = {}
local n = 0
init = function(args)
  for line in io.lines(args[1]) do
    local method, path, body = line:match("^(%u+)\t([^\t]*)\t?(.*)$")
    if method == "GET" then
      table.insert(reqs, wrk.format("GET", path))
    else
      table.insert(reqs, wrk.format("POST", path, {["Content-Type"] = "application/json"}, body))
    end
  end
  n = math.random(#reqs)
end
request = function()
  n = n % #reqs + 1
  return reqs[n]
end
done = function(summary, latency, requests)
  io.write(string.format("HUIQI %d %d %.3f %.3f %.3f %.3f %d\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.duration))
end
"""


def wrk_load(base: str, reqs, clients: int, duration: float, threads: int = 2) -> dict:
    """Run wrk with a Lua script rotating ``reqs``; returns the summary."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "rotate.lua"
        script.write_text(_WRK_LUA, encoding="utf-8")
        lines = Path(tmp) / "requests.tsv"
        lines.write_text("\n".join(f"{m}\t{p}\t{b}" for m, p, b in reqs) + "\n", encoding="utf-8")
        cmd = ["wrk", f"-t{threads}", f"-c{clients}", f"-d{int(duration)}s", "--timeout", "60s", "-s", str(script),
               base, "--", str(lines)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    m = re.search(r"HUIQI (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)", out)
    if not m:
        raise SystemExit(f"无法解析 wrk 输出：\n{out}")
    reqs_n, errors = int(m.group(1)), int(m.group(2))
    wall = int(m.group(7)) / 1e6
    return {"requests": reqs_n, "errors": errors, "rps": round(reqs_n / wall, 1),
            "p50_ms": round(float(m.group(3)), 1), "p95_ms": round(float(m.group(4)), 1),
            "p99_ms": round(float(m.group(5)), 1), "max_ms": round(float(m.group(6)), 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="数据库（默认：把内置语料导入临时数据库）")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--duration", type=float, default=20.0, help="每个接口的测量秒数")
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--workers", type=int, default=None,
                    help="uvicorn 工作进程数（默认同 huiqi serve：CPU 核数，最多 4 个）")
    ap.add_argument("--tool", choices=("auto", "wrk", "httpx", "both"), default="auto")
    args = ap.parse_args(argv)
    if args.workers is None:
        from huiqi.cli.serve_cmd import default_workers

        args.workers = default_workers()

    tools = {"auto": ["wrk"] if shutil.which("wrk") else ["httpx"], "wrk": ["wrk"], "httpx": ["httpx"],
             "both": (["wrk"] if shutil.which("wrk") else []) + ["httpx"]}[args.tool]
    tmp = None
    url = args.db
    if not url:
        url, tmp = build_db()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(url, port, args.workers)
    results = {}
    try:
        wait_ready(base, proc, args.workers)
        for name, reqs in (("/api/search", search_requests()), ("/api/match", match_requests())):
            asyncio.run(_httpx_load(base, reqs, args.clients, args.warmup))  # warm-up (first match builds rules)
            for tool in tools:
                if tool == "wrk":
                    res = wrk_load(base, reqs, args.clients, args.duration)
                else:
                    res = asyncio.run(_httpx_load(base, reqs, args.clients, args.duration))
                results[f"{name} [{tool}]"] = res
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"{args.clients} 个并发客户端，每个接口 {args.duration:g} 秒，uvicorn 工作进程 {args.workers} 个，"
          f"CPU 核数 {os.cpu_count()}")
    print(f"{'endpoint':<24}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}  p95≤200ms")
    for name, r in results.items():
        ok = "yes" if r["p95_ms"] <= TARGET_P95_MS else "NO"
        print(f"{name:<24}{r['requests']:>9}{r['errors']:>7}{r['rps']:>8}{r['p50_ms']:>8}{r['p95_ms']:>8}"
              f"{r['p99_ms']:>8}{r['max_ms']:>8}  {ok}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "web_load.json").write_text(json.dumps({"clients": args.clients, "duration_s": args.duration,
                                                   "workers": args.workers, "results": results},
                                                  ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

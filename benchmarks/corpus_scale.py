"""Library growth benchmark (issue 17): the bundled corpus multiplied 1×, 10×, 100×.

Usage::

    python benchmarks/corpus_scale.py [--sizes 1 10 100] [--json] [--keep DIR]

The corpus multiplier (:func:`make_corpus`) writes ``n`` copies of every
bundled file; copy ``k > 0`` has its amounts and counts changed (+k), its
league/city names rotated by ``k`` through the Inner Mongolia list (so
documents move to other regions), some wording swapped (给予↔予以, 支持↔扶持 …
chosen by the bits of ``k``) and its first line marked （第k批）, so that
hashes, clause keys and texts all differ.

For each size, in fresh processes (CPU = user + system seconds of the
process, RSS from ``/proc``):

* **floor** — read every file, normalise and segment it with plain jieba
  (the search tokenizer's dictionary; no cache of repeated text), nothing else;
* **ingest** — :func:`huiqi.services.ingest.ingest_and_refresh` of all the
  files (parse, extract, write, rules, policy clusters, keyword index):
  CPU, peak RSS and the ratio to the floor;
* **worker** — what a web/CLI worker pays: ``open_engine`` (start seconds,
  RSS); ``SearchEngine.search`` over the gold questions with a region
  filter (阿拉善左旗) and a validity date, p50/p95; the library
  ``huiqi.search.search(…, db=…)`` per call, p50/p95; then **one new
  file**: ingested as the admin upload does (a further altered copy, with
  its extracted rules; :func:`huiqi.services.ingest.ingest_and_refresh`
  without index and clusters), the persisted index refreshed
  (:func:`huiqi.search.index.refresh`) and this worker's engine caught up
  until a search finds the new text — seconds, CPU and extra RSS; then the
  policy clusters recomputed (``clusters_s``, which the upload does after
  its answer).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "benchmarks" / "gold"

LEAGUES = ["呼和浩特市", "包头市", "乌海市", "赤峰市", "通辽市", "鄂尔多斯市", "呼伦贝尔市", "巴彦淖尔市",
           "乌兰察布市", "兴安盟", "锡林郭勒盟", "阿拉善盟"]
WORDING = [("给予", "予以"), ("支持", "扶持"), ("鼓励", "引导"), ("按照", "依照"), ("申请", "申报"),
           ("不超过", "最高不超过"), ("企业", "市场主体")]
_COUNT_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(\s*)(万元|亿元|元|万|亿|%|个|家|人|户|项|亩|吨)")
_LEAGUE_RE = re.compile("|".join(LEAGUES))


def alter(text: str, k: int) -> str:
    """Copy ``k`` of a file's text (``k = 0``: unchanged; see the module docstring)."""
    if not k:
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            lines[i] = f"{line.rstrip()}（第{k + 1}批）"
            break
    text = "\n".join(lines)

    def bump(m):
        num = m.group(1)
        value = f"{int(num) + k}" if "." not in num else f"{float(num) + k:g}"
        return value + m.group(2) + m.group(3)

    text = _COUNT_RE.sub(bump, text)
    text = _LEAGUE_RE.sub(lambda m: LEAGUES[(LEAGUES.index(m.group(0)) + k) % len(LEAGUES)], text)
    for j, (a, b) in enumerate(WORDING):
        if (k >> j) & 1:
            text = text.replace(a, b)
    return text


def make_corpus(directory: Path, copies: int, start: int = 0) -> list[Path]:
    """Copies ``start .. copies - 1`` of every bundled corpus file in
    ``directory`` (copy 0 is the original). Returns the files."""
    from huiqi.config import corpus_files

    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for k in range(start, copies):
        for src in corpus_files():
            dst = directory / f"{src.stem}_{k:03d}{src.suffix}"
            dst.write_text(alter(src.read_text(encoding="utf-8"), k), encoding="utf-8")
            out.append(dst)
    return out


# --- measurements (each in its own process) --------------------------------


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the ingest's
    parsing pool)."""
    r, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    """Peak RSS of this process (MB); a pool worker's own peak is reported apart."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _pct(ms: list[float]) -> dict:
    s = sorted(ms)
    return {"p50_ms": round(statistics.median(s), 2), "p95_ms": round(s[int(round(0.95 * (len(s) - 1)))], 2)}


def child_floor(files: list[str]) -> dict:
    """The floor: read every file, normalise it and cut it with plain jieba
    (the search tokenizer's dictionary, precise mode with HMM) — one jieba
    pass over the text, without :func:`huiqi.search.segment.segment`'s
    cache of repeated runs, so the floor stays what it measures."""
    from huiqi.search import segment as seg

    c0 = _cpu()
    n = 0
    tk = seg.tokenizer()
    for f in files:
        text = seg.normalize_text(Path(f).read_text(encoding="utf-8"))
        n += sum(1 for t in tk.lcut(text, HMM=True) if t.strip())
    return {"cpu": round(_cpu() - c0, 2), "tokens": n}


def child_ingest(url: str, files: list[str], profile: str | None = None) -> dict:
    """Ingest ``files`` into ``url``; with ``profile`` (a file name) the run
    is profiled with cProfile in this one process (no parse pool: the
    workers' time is then in the profile) and the stats are dumped there."""
    import os

    from huiqi.config import rules_dir
    from huiqi.kb.db import get_engine, upgrade
    from huiqi.services.ingest import ingest_and_refresh

    engine = get_engine(url)
    upgrade(engine)
    prof = None
    if profile:
        import cProfile

        os.environ["HUIQI_INGEST_WORKERS"] = "1"
        prof = cProfile.Profile()
    c0, t0 = _cpu(), time.perf_counter()
    if prof is not None:
        prof.enable()
    report = ingest_and_refresh(engine, [Path(f) for f in files], rules_dir=rules_dir())
    if prof is not None:
        prof.disable()
        prof.dump_stats(profile)
    engine.dispose()
    return {"cpu": round(_cpu() - c0, 2), "wall": round(time.perf_counter() - t0, 2), "peak_rss_mb": round(_peak_mb()),
            "worker_peak_rss_mb": round(_child_peak_mb()),
            "ok": report.ok, "clauses": report.index["keyword"]["clauses"] if report.index else None,
            "warnings": report.warnings[:3]}


def child_worker(url: str, new_file: str) -> dict:
    import yaml

    from huiqi.kb.db import get_engine
    from huiqi.search import engine as eng
    from huiqi.search.index import refresh
    from huiqi.services.ingest import ingest_and_refresh, refresh_policy_identity

    queries = []
    for f in sorted(GOLD.glob("questions*.yaml")):
        queries += [q["q"] for q in (yaml.safe_load(f.read_text(encoding="utf-8")) or {}).get("questions") or []]
    out: dict = {}
    rss0, t0, c0 = _rss_mb(), time.perf_counter(), _cpu()
    se = eng.open_engine(url)
    out["start_s"] = round(time.perf_counter() - t0, 2)
    out["start_cpu"] = round(_cpu() - c0, 2)
    out["start_rss_mb"] = round(_rss_mb() - rss0)
    out["clauses"] = len(se.keyword)
    se.search("稳岗返还", region="阿拉善左旗")  # warm-up (jieba dictionary)
    eng.search("稳岗返还", db=url)
    ms, c0 = [], _cpu()
    for q in queries:
        t = time.perf_counter()
        se.search(q, top=10, region="阿拉善左旗", valid_at="2025-06-30")
        ms.append((time.perf_counter() - t) * 1000)
    out["filtered"] = {**_pct(ms), "cpu_ms": round((_cpu() - c0) * 1000 / len(queries), 2)}
    ms, c0 = [], _cpu()
    for q in queries:
        t = time.perf_counter()
        eng.search(q, top=10, db=url)
        ms.append((time.perf_counter() - t) * 1000)
    out["library"] = {**_pct(ms), "cpu_ms": round((_cpu() - c0) * 1000 / len(queries), 2)}
    out["rss_mb"] = round(_rss_mb())

    # one new file as the admin upload takes it: ingest with its extracted
    # rules (ingest_and_refresh without the index and the policy clusters),
    # refresh the persisted index, catch this worker up; the clusters after
    engine = get_engine(url)
    rss1, t0, c0 = _rss_mb(), time.perf_counter(), _cpu()
    assert ingest_and_refresh(engine, [Path(new_file)], refresh_index=False, identity=False).ok
    t_ingest = time.perf_counter()
    kw = refresh(url, semantic=False)["keyword"]
    t_refresh = time.perf_counter()
    eng.CHECK_SECONDS = 0.0
    marker = "（第"  # the new copy's title line ends with its batch marker
    se = eng.open_engine(url)
    t_found = time.perf_counter()
    engine.dispose()
    title = Path(new_file).read_text(encoding="utf-8").strip().split("\n")[0].strip()
    hits = se.search(title, top=5)
    cpu_found, rss_found = _cpu(), _rss_mb()
    t_c, c_c = time.perf_counter(), _cpu()
    refresh_policy_identity(engine, True)
    out["new_file"] = {"ingest_s": round(t_ingest - t0, 2), "index_s": round(t_refresh - t_ingest, 2),
                       "catch_up_s": round(t_found - t_refresh, 2), "total_s": round(t_found - t0, 2),
                       "cpu": round(cpu_found - c0, 2), "extra_rss_mb": round(rss_found - rss1),
                       "clusters_extra_rss_mb": round(_rss_mb() - rss_found),
                       "clusters_s": round(time.perf_counter() - t_c, 2), "clusters_cpu": round(_cpu() - c_c, 2),
                       "added": kw["added"], "rebuilt": kw["rebuilt"],
                       "found": any(h["document"]["title"] and marker in (h["document"]["title"] or "") and
                                    h["source"]["file"] == Path(new_file).name for h in hits)}
    return out


def child_build(url: str) -> dict:
    """Full keyword-index build from the database (streamed), CPU and peak RSS."""
    import shutil

    from huiqi.kb.db import disposing, get_engine, session_scope
    from huiqi.search.index import build_or_load, index_dir

    shutil.rmtree(index_dir(url), ignore_errors=True)
    engine = get_engine(url)
    c0, t0 = _cpu(), time.perf_counter()
    with disposing(engine), session_scope(engine) as s:
        index = build_or_load(url, s, rebuild=True)
    return {"cpu": round(_cpu() - c0, 2), "wall": round(time.perf_counter() - t0, 2),
            "peak_rss_mb": round(_peak_mb()), "clauses": len(index)}


#: wording swaps of the SQL replicas (chosen by the bits of the replica number)
REPLICA_WORDING = [("补贴", "补助"), ("奖励", "奖补"), ("项目", "工程"), ("政策", "措施")]


def replicate(src_db: Path, dst_db: Path, factor: int) -> None:
    """A ``factor``× copy of the knowledge base ``src_db`` made in SQL (for
    sizes too slow to ingest on a shared 2-core machine): every source file,
    document, node, clause and unit row is copied ``factor - 1`` times with
    new ids, file names, hashes, document titles （副本j）, clause keys and
    wording swaps in the clause texts. Policy clusters and rules are not
    copied (search does not need them)."""
    import shutil
    import sqlite3

    shutil.copy(src_db, dst_db)
    con = sqlite3.connect(dst_db)
    cur = con.cursor()
    top = {t: cur.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0]
           for t in ("source_files", "documents", "nodes", "clauses")}
    cols = {t: [r[1] for r in cur.execute(f"PRAGMA table_info({t})")]
            for t in ("source_files", "documents", "nodes", "clauses", "clause_units")}
    for j in range(1, factor):
        off = {t: j * top[t] for t in top}
        text_expr = "text"
        for b, (a, z) in enumerate(REPLICA_WORDING):
            if (j >> b) & 1:
                text_expr = f"replace({text_expr}, '{a}', '{z}')"
        over = {
            "source_files": {"id": f"id + {off['source_files']}", "name": f"name || '_r{j}'",
                             "sha256": f"substr(sha256, 1, 58) || 'r{j:05d}'",
                             "lineage_id": f"lineage_id + {off['source_files']}",
                             "superseded_by_id": f"superseded_by_id + {off['source_files']}"},
            "documents": {"id": f"id + {off['documents']}", "source_file_id": f"source_file_id + {off['source_files']}",
                          "title": f"title || '（副本{j}）'"},
            "nodes": {"id": f"id + {off['nodes']}", "document_id": f"document_id + {off['documents']}",
                      "parent_id": f"parent_id + {off['nodes']}"},
            "clauses": {"id": f"id + {off['clauses']}", "document_id": f"document_id + {off['documents']}",
                        "node_id": f"node_id + {off['nodes']}", "key": f"key || 'r{j}'", "text": text_expr},
            "clause_units": {"clause_id": f"clause_id + {off['clauses']}"},
        }
        for t in ("source_files", "documents", "nodes", "clauses", "clause_units"):
            sel = ", ".join(over[t].get(c, c) for c in cols[t])
            cur.execute(f"INSERT INTO {t} ({', '.join(cols[t])}) SELECT {sel} FROM {t} WHERE "
                        + ("clause_id <= " + str(top['clauses']) if t == "clause_units" else f"id <= {top[t]}"))
    con.commit()
    con.close()


def _run(fn: str, *args) -> dict:
    code = (f"import json, sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); import corpus_scale as m; "
            f"print(json.dumps(m.{fn}(*json.loads(sys.argv[1]))))")
    res = subprocess.run([sys.executable, "-c", code, json.dumps(list(args))], capture_output=True, text=True)
    if res.returncode:
        raise RuntimeError(f"{fn} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def measure(size: int, work: Path, replicate_from: int | None = None, worker_only: bool = False,
            extra_copy: int | None = None, profile: bool = False) -> dict:
    """All rows for one corpus size (files under ``work``); with
    ``replicate_from``, the database is :func:`replicate`\ d from that
    size's (already measured) database instead of ingested; with
    ``profile``, the ingest is profiled in one process (``ingest-<size>.prof``
    under ``work``; its CPU is then not comparable)."""
    k = size if extra_copy is None else extra_copy
    extra = make_corpus(work / f"extra-{size}-{k}", k + 1, start=k)[:1]
    db = work / f"size-{size}" / "kb.db"  # one directory per database: its index lives beside it
    db.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{db}"
    row = {"size": size}
    if worker_only:  # the database of an earlier run (--keep), measured again
        row["worker"] = _run("child_worker", url, str(extra[0]))
        row["build"] = {"clauses": row["worker"]["clauses"]}
        return row
    if replicate_from:
        replicate(work / f"size-{replicate_from}" / "kb.db", db, size // replicate_from)
        row["replicated_from"] = replicate_from
    else:
        files = make_corpus(work / f"corpus-{size}", size)
        row["files"] = len(files)
        row["floor"] = _run("child_floor", [str(f) for f in files])
        row["ingest"] = _run("child_ingest", url, [str(f) for f in files],
                             str(work / f"ingest-{size}.prof") if profile else None)
        row["ingest"]["vs_floor"] = round(row["ingest"]["cpu"] / max(row["floor"]["cpu"], 1e-9), 2)
    row["build"] = _run("child_build", url)
    row["worker"] = _run("child_worker", url, str(extra[0]))
    return row


def _table(rows: list[dict]) -> str:
    head = "| path | " + " | ".join(f"{r['size']}× ({r['build']['clauses']:,} clauses"
                                    + (f", SQL copy of {r['replicated_from']}×" if r.get("replicated_from") else "")
                                    + ")" for r in rows) + " |"
    lines = [head, "|---|" + "---|" * len(rows)]

    def add(name, fn):
        lines.append(f"| {name} | " + " | ".join(fn(r) for r in rows) + " |")

    na = "not measured"
    add("floor CPU (read + normalise + jieba)", lambda r: f"{r['floor']['cpu']} s" if "floor" in r else na)
    add("ingest CPU / peak RSS (main process; parse pool)",
        lambda r: (f"{r['ingest']['cpu']} s / {r['ingest']['peak_rss_mb']} MB; {r['ingest']['worker_peak_rss_mb']} MB"
                   if "ingest" in r else na))
    add("ingest vs the floor", lambda r: f"{r['ingest']['vs_floor']}×" if "ingest" in r else na)
    add("full keyword-index build CPU / peak RSS",
        lambda r: f"{r['build']['cpu']} s / {r['build']['peak_rss_mb']} MB" if "cpu" in r["build"] else na)
    add("one new file → searchable (ingest + index + worker catch-up)",
        lambda r: (f"{r['worker']['new_file']['total_s']} s ({r['worker']['new_file']['ingest_s']} + "
                   f"{r['worker']['new_file']['index_s']} + {r['worker']['new_file']['catch_up_s']}), "
                   f"{r['worker']['new_file']['cpu']} s CPU, +{r['worker']['new_file']['extra_rss_mb']} MB, "
                   f"found: {r['worker']['new_file']['found']}"))
    add("search with region + date filter, p50 / p95 (CPU per search)",
        lambda r: (f"{r['worker']['filtered']['p50_ms']} / {r['worker']['filtered']['p95_ms']} ms "
                   f"({r['worker']['filtered'].get('cpu_ms', '?')} ms)"))
    add("library `search()` per call, p50 / p95 (CPU per call)",
        lambda r: (f"{r['worker']['library']['p50_ms']} / {r['worker']['library']['p95_ms']} ms "
                   f"({r['worker']['library'].get('cpu_ms', '?')} ms)"))
    add("`open_engine` per worker (wall, CPU, +RSS; RSS after the searches)",
        lambda r: (f"{r['worker']['start_s']} s, {r['worker']['start_cpu']} s CPU, +{r['worker']['start_rss_mb']} MB; "
                   f"{r['worker']['rss_mb']} MB"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1, 10, 100])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", help="work directory to keep (default: a temporary one)")
    ap.add_argument("--worker-only", action="store_true",
                    help="only the worker rows, on the databases kept by an earlier run in --keep")
    ap.add_argument("--extra-copy", type=int, help="copy number of the 'one new file' (default: the size)")
    ap.add_argument("--replicate", type=int, nargs=2, metavar=("SIZE", "FROM"),
                    help="also measure SIZE× made by SQL replication of the FROM× database (FROM in --sizes)")
    ap.add_argument("--profile", action="store_true",
                    help="profile the ingest with cProfile in one process (no parse pool) into "
                         "<work>/ingest-<size>.prof (read with python -m pstats)")
    args = ap.parse_args(argv)
    tmp = None
    if args.keep:
        work = Path(args.keep)
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="huiqi-scale-")
        work = Path(tmp.name)
    rows = []
    todo = [(size, None) for size in args.sizes] + ([tuple(args.replicate)] if args.replicate else [])
    for size, source in todo:
        if source is None and args.keep and not args.worker_only:
            import shutil

            shutil.rmtree(work / f"size-{size}", ignore_errors=True)
        rows.append(measure(size, work, source, args.worker_only, args.extra_copy, args.profile))
        print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    print(json.dumps(rows, ensure_ascii=False, indent=2) if args.json else _table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

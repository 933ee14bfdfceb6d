"""Budgets for untrusted files (不可信文件的资源上限): a worker process with a
time limit and a memory limit.

:func:`ingest_with_budget` reads, parses, extracts and writes one file in a
separate process (``python -m huiqi.kb.budget``, so no threads or locks of
the caller are inherited). The worker sets
``RLIMIT_AS`` (address space) before touching the file; the caller waits at
most the time limit and then kills it. A killed or failed worker leaves the
database as it was: its write transaction is rolled back by the database
(SQLite journal, PostgreSQL connection loss).

Limits (environment variables, read on each call; defaults in brackets):

* ``HUIQI_INGEST_TIMEOUT`` — seconds per file [60];
* ``HUIQI_INGEST_MEMORY_MB`` — address-space limit of the worker in MB
  [2048]; 0 disables it.

A file exceeding either gives a ``failed`` :class:`~huiqi.kb.ingest.FileReport`
with a one-line Chinese error (``<file>: 处理超时（超过 60 秒）…`` /
``<file>: 超出内存上限（2048 MB）…``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from huiqi.kb.ingest import STATUS_FAILED, FileReport

ENV_TIMEOUT = "HUIQI_INGEST_TIMEOUT"
ENV_MEMORY_MB = "HUIQI_INGEST_MEMORY_MB"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY_MB = 2048


def _env_float(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, "").strip() or default)
    except ValueError:
        return default
    return value if value >= 0 else default


@dataclass(frozen=True)
class Budget:
    """Time (seconds) and memory (MB of address space; 0 = unlimited) for one file."""

    seconds: float = DEFAULT_TIMEOUT
    memory_mb: int = DEFAULT_MEMORY_MB

    @classmethod
    def from_env(cls) -> "Budget":
        """The budget from ``HUIQI_INGEST_TIMEOUT`` / ``HUIQI_INGEST_MEMORY_MB``."""
        return cls(_env_float(ENV_TIMEOUT, DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT,
                   int(_env_float(ENV_MEMORY_MB, DEFAULT_MEMORY_MB)))


def _limit_memory(memory_mb: int) -> None:
    """Set this process's ``RLIMIT_AS`` to ``memory_mb`` MB (0: unchanged)."""
    if memory_mb <= 0:
        return
    import resource

    limit = memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _worker_main(argv: list[str]) -> int:
    """Worker process (``python -m huiqi.kb.budget URL PATH MEMORY_MB``):
    limit memory, ingest PATH into URL, print the report as one JSON line."""
    url, path, memory_mb = argv[0], argv[1], int(argv[2])
    try:
        _limit_memory(memory_mb)
        from huiqi.kb.db import get_engine
        from huiqi.kb.ingest import ingest_paths

        fr = ingest_paths(get_engine(url), [Path(path)]).files[0]
        if fr.status == STATUS_FAILED and fr.error and ("MemoryError" in fr.error or "内存不足" in fr.error):
            out = {"memory": True}
        else:
            out = fr.to_json()
    except MemoryError:
        out = {"memory": True}
    except BaseException as exc:  # anything else: one line for the caller
        from huiqi.messages import one_line

        out = {"crash": f"{type(exc).__name__}：{one_line(str(exc))}"}
    sys.stdout.write("\n" + json.dumps(out, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


def ingest_with_budget(url: str, path: str | Path, budget: Budget | None = None) -> FileReport:
    """Ingest one untrusted file into the database ``url`` within ``budget``
    (default :meth:`Budget.from_env`), in a worker process
    (``python -m huiqi.kb.budget``; killed when the time is up).

    Returns the worker's :class:`FileReport` (status ``added``/``unchanged``/
    ``failed``); a timeout, the memory limit or a crash of the worker give
    ``failed`` with a one-line Chinese ``error``. Never raises for the file.
    """
    budget = budget or Budget.from_env()
    path = str(path)
    name = Path(path).name

    def failed(reason: str) -> FileReport:
        return FileReport(path=path, name=name, status=STATUS_FAILED, error=f"{path}: {reason}")

    cmd = [sys.executable, "-m", "huiqi.kb.budget", url, path, str(budget.memory_mb)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=budget.seconds,
                              env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    except subprocess.TimeoutExpired:  # subprocess.run has killed the worker
        return failed(f"处理超时（超过 {budget.seconds:g} 秒，可用 {ENV_TIMEOUT} 调整），已停止处理")
    memory = f"超出内存上限（{budget.memory_mb} MB，可用 {ENV_MEMORY_MB} 调整），已停止处理"
    msg = None
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            try:
                msg = json.loads(line)
            except ValueError:
                pass
            break
    if msg is None:  # the worker died without answering
        if proc.returncode < 0:
            return failed(f"处理进程异常退出（信号 {-proc.returncode}）")
        if "MemoryError" in proc.stderr:
            return failed(memory)
        return failed(f"处理进程异常退出（退出码 {proc.returncode}）")
    if "memory" in msg:
        return failed(memory)
    if "crash" in msg:
        return failed(f"处理失败（{msg['crash']}）")
    fields = {k: v for k, v in msg.items() if k in FileReport.__dataclass_fields__}
    return FileReport(**fields)


if __name__ == "__main__":
    raise SystemExit(_worker_main(sys.argv[1:]))

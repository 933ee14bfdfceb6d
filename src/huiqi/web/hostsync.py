"""Background catch-up and health of one host (主机同步与健康状态).

Several ``huiqi serve`` processes (hosts) share one database. Requests
check the library version at most once a second
(:meth:`huiqi.web.state.WebState.check_fresh`); :class:`HostSync` does the
same from a daemon thread every :func:`sync_seconds`, so a host without
traffic is current too when the next request comes. :func:`health` is the
body of ``GET /api/health``.
"""

from __future__ import annotations

import logging
import os
import threading

log = logging.getLogger("huiqi.web")

ENV_SYNC_SECONDS = "HUIQI_SYNC_SECONDS"
#: default seconds between two background checks of the library version
DEFAULT_SYNC_SECONDS = 2.0


def sync_seconds() -> float:
    """Seconds between background checks: ``$HUIQI_SYNC_SECONDS`` (a
    positive number; ``0`` turns the thread off) or
    :data:`DEFAULT_SYNC_SECONDS`."""
    raw = os.environ.get(ENV_SYNC_SECONDS, "").strip()
    try:
        v = float(raw) if raw else DEFAULT_SYNC_SECONDS
    except ValueError:
        return DEFAULT_SYNC_SECONDS
    return max(v, 0.0)


class HostSync:
    """A daemon thread calling ``state.check_fresh(every=0)`` every
    ``every`` seconds until :meth:`stop`."""

    def __init__(self, state, every: float | None = None) -> None:
        self.state = state
        self.every = sync_seconds() if every is None else every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "HostSync":
        """Start the thread (nothing when ``every`` is 0)."""
        if self.every > 0 and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="huiqi-hostsync", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread and wait for it (at most ``timeout`` seconds)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                if self.state.loaded:
                    self.state.check_fresh(every=0.0)
            except Exception:  # never let the thread die; the next round tries again
                log.exception("后台同步失败")


def health(state) -> dict:
    """``{status, worker, library_id, library_seq, host_seq, index_seq,
    ruleset_seq, behind, synced_at, sync_error}``: the database's library
    version (read now), the change numbers this process reflects overall,
    in its search index and in its rule set, how many changes it is behind,
    when it last caught up (UNIX seconds) and the last catch-up error."""
    from huiqi.kb.db import session_scope
    from huiqi.kb.library import library_version

    with session_scope(state.engine) as s:
        v = library_version(s)
    seq = v.seq if v is not None else None
    return {
        "status": "ok" if state.sync_error is None else "degraded",
        "worker": os.getpid(),
        "library_id": v.library_id if v is not None else None,
        "library_seq": seq,
        "host_seq": state.library_seq,
        "index_seq": state.index_seq,
        "ruleset_seq": state.ruleset_seq,
        "behind": max(0, seq - state.library_seq) if seq is not None else None,
        "synced_at": round(state.synced_at, 3) if state.synced_at else None,
        "sync_error": state.sync_error,
    }

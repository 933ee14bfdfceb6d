"""Growth check for adversarial inputs: time must grow about linearly.

Not a speed target (those live in benchmarks/): the check compares the same
function on inputs of size n and 4n on the same machine, so a slow machine
passes and a quadratic algorithm (16x) or worse fails.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def best_time(fn: Callable[[str], object], text: str, repeats: int = 3) -> float:
    """Best wall time of ``repeats`` calls of ``fn(text)``, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - t0)
    return best


def growth_ratio(fn: Callable[[str], object], make: Callable[[int], str], n: int, floor: float = 0.005,
                 factor: int = 4) -> float:
    """``time(make(factor·n)) / time(make(n))`` (best of 3 each; times below
    ``floor`` seconds count as ``floor`` so noise on tiny inputs cannot fail
    the check). Linear code gives ~factor, quadratic ~factor²."""
    small = max(best_time(fn, make(n)), floor)
    big = max(best_time(fn, make(factor * n)), floor)
    return big / small


def run_async_in_thread(func, *args):
    """``anyio.run(func, *args)`` in a fresh thread (the calling thread may
    already run an event loop, e.g. Playwright's sync API in the browser
    tests); returns its result, re-raises its exception."""
    import threading

    import anyio

    box: dict = {}

    def target():
        try:
            box["result"] = anyio.run(func, *args)
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            box["error"] = exc

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box.get("result")

"""The garbage-collector setting of an ingest (huiqi.services.ingest.bulk_gc)."""

from __future__ import annotations

import gc
import threading

from huiqi.services import ingest as svc


def test_threshold_raised_inside_and_restored_after():
    before = gc.get_threshold()
    with svc.bulk_gc():
        assert gc.get_threshold()[0] == max(before[0], svc.BULK_GC_THRESHOLD)
        assert gc.get_threshold()[1:] == before[1:]
    assert gc.get_threshold() == before


def test_overlapping_ingests_restore_the_setting_once_the_last_ends():
    before = gc.get_threshold()
    first_in, second_done = threading.Event(), threading.Event()
    seen = []

    def second():
        first_in.wait()
        with svc.bulk_gc():
            seen.append(gc.get_threshold()[0])
        second_done.set()

    t = threading.Thread(target=second)
    t.start()
    with svc.bulk_gc():
        first_in.set()
        second_done.wait(10)
        seen.append(gc.get_threshold()[0])  # the second block ended, this one still runs
    t.join(10)
    assert seen == [max(before[0], svc.BULK_GC_THRESHOLD)] * 2
    assert gc.get_threshold() == before


def test_setting_restored_when_the_block_raises():
    before = gc.get_threshold()
    try:
        with svc.bulk_gc():
            raise RuntimeError("坏文件")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before

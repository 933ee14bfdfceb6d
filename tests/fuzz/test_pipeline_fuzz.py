"""Hypothesis over read → normalise → structure → extract (issue 16): no
uncaught exception, each file within a time and a memory budget.

Inputs are small (≤ ~8 KB), so the budgets are generous ceilings that only a
hang or a blow-up can cross (the polynomial threshold pattern took 26 s on
1.1 KB). Bounded for CI: ``HUIQI_FUZZ_EXAMPLES`` examples per format
(default 150); ``benchmarks/fuzz_long.py`` runs longer.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzz.harness import policy_text, run_pipeline, warm_up, write_variant

EXAMPLES = int(os.environ.get("HUIQI_FUZZ_EXAMPLES", "150"))
#: ceiling per file (seconds of wall time, memory allocated at peak)
MAX_SECONDS = 5.0
MAX_PEAK_MB = 200.0


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzz")
    warm_up(d)
    return d


@pytest.mark.parametrize("kind,share", [("txt", 1.0), ("gb18030", 0.25), ("html", 0.25), ("docx", 0.25)])
def test_pipeline_survives_fuzzed_files(workdir, kind, share):
    @given(text=policy_text())
    @settings(max_examples=max(5, int(EXAMPLES * share)), deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(text):
        path = write_variant(text, kind, workdir)
        stats = run_pipeline(path)
        assert stats.seconds < MAX_SECONDS, f"{stats.seconds:.1f} s on {len(text)} characters"
        assert stats.peak_mb < MAX_PEAK_MB, f"{stats.peak_mb:.0f} MB on {len(text)} characters"
        if stats.error is not None:
            assert "\n" not in stats.error  # a clean one-line refusal

    run()

"""The calculator's JSON contract (huiqi.calc.schema) holds for real answers
on the bundled corpus: every result validates, with its citation."""

from __future__ import annotations

from huiqi.calc.schema import MatchResult
from tests.search.kw_corpus import corpus_db_url

PROFILES = [
    {"region": "阿拉善左旗", "industry": "F52", "employees": 5, "revenue": 300000, "taxpayer_type": "小规模纳税人"},
    {"region": "伊金霍洛旗", "industry": "C", "employees": 120, "revenue": 32000000, "established": "2018-05-01",
     "qualifications": ["高新技术企业"]},
]


def test_match_answers_follow_the_contract():
    from huiqi.calc.engine import match

    for profile in PROFILES:
        out = match(profile, "2024-06-01", db=corpus_db_url(), all_regions=True)
        model = MatchResult.model_validate(out)
        assert model.results, profile
        assert all(r.source.file and r.source.start_line for r in model.results)
        statuses = {r.status for r in model.results}
        assert "ineligible" in statuses and statuses & {"eligible", "likely", "needs_info"}


def test_a_broken_answer_is_refused():
    import pytest
    from pydantic import ValidationError

    from huiqi.calc.engine import match

    out = match(PROFILES[0], "2024-06-01", db=corpus_db_url())
    out["results"][0]["status"] = "maybe"
    with pytest.raises(ValidationError):
        MatchResult.model_validate(out)

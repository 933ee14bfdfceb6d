"""The calculator memo of the push equals the calculator itself: on
synthetic profiles sharing facts, every screened clause of the corpus gives
the same result through :class:`huiqi.services.push_memo.MatchMemo` as
through :func:`huiqi.calc.engine.match`."""

from __future__ import annotations

from datetime import date

import duckdb

from huiqi.calc.engine import load_ruleset, match
from huiqi.screen.batch import rules_from_ruleset, synthetic_profiles, table_profiles
from huiqi.services.push_memo import MatchMemo, read_keys


def test_memo_equals_calculator(corpus_url):
    as_of = date(2024, 6, 1)
    rs = load_ruleset(corpus_url)
    con = duckdb.connect()
    synthetic_profiles(150, seed=7, as_of=as_of, con=con, name="p")
    profiles = [p for _, p in table_profiles(con, "p")]
    profiles += [dict(p, name="同类企业") for p in profiles[:40]]  # same facts, other firms: memo hits
    memo = MatchMemo(rs, as_of)
    ids = [t[0] for t in rules_from_ruleset(rs, as_of)]
    assert len(ids) >= 20
    by_id = {e.id: e for e in rs.entries}
    checked = 0
    for prof in profiles:
        direct = {x["id"]: x for x in match(prof, as_of, ruleset=rs, clause_ids=ids, limit=None)["results"]}
        for cid in ids:
            got = memo.item(prof, by_id[cid])
            want = direct.get(cid)
            if want is None:
                continue
            assert got is not None
            assert (got["status"], got.get("benefit"), got["reasons"], got.get("missing")) == \
                   (want["status"], want.get("benefit"), want["reasons"], want.get("missing")), (cid, prof)
            checked += 1
    assert checked > 1000 and memo.runs < checked
    assert "region" in read_keys(by_id[47]) and "qualifications" in read_keys(by_id[47])

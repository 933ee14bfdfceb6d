"""The compiled rule set is stored beside the database and read back by the
next process (no re-compilation), and a rule change makes a new one."""

from __future__ import annotations

import shutil

from huiqi.calc import compile as compile_mod
from huiqi.calc import engine
from tests.search.kw_corpus import corpus_db_url


def test_stored_rule_set_is_read_back_and_follows_rule_changes(tmp_path, monkeypatch):
    db = tmp_path / "kb.db"
    shutil.copy(corpus_db_url().removeprefix("sqlite:///"), db)
    url = f"sqlite:///{db}"
    engine.clear_cache()
    first = engine.load_ruleset(url)
    stored = list((tmp_path / "rules").glob("ruleset-*.pickle"))
    assert len(stored) == 1
    engine.clear_cache()  # a new process: nothing in memory
    monkeypatch.setattr(compile_mod, "build_ruleset", lambda *a, **k: (_ for _ in ()).throw(AssertionError("rebuilt")))
    again = engine.load_ruleset(url)
    assert [e.key for e in again.entries] == [e.key for e in first.entries]
    assert again.n_reviewed == first.n_reviewed > 0
    monkeypatch.undo()
    # a new reviewed version changes the fingerprint: a new stored rule set, the old one removed
    rule = tmp_path / "r.yaml"
    key = first.entries[0].key
    rule.write_text(f"rules:\n  - clause_key: {key}\n    excerpt: {first.entries[0].text[:6]}\n"
                    "    benefit: {kind: fixed, amount_yuan: 1}\n", encoding="utf-8")
    from huiqi.kb.db import get_engine
    from huiqi.services.ingest import import_rules

    eng = get_engine(url)
    assert import_rules(eng, tmp_path).added == 1
    eng.dispose()
    engine.clear_cache()
    changed = engine.load_ruleset(url)
    assert changed.get(key).rule.benefit.amount_yuan == 1
    after = list((tmp_path / "rules").glob("ruleset-*.pickle"))
    # a new file; the old one stays for a minute (another host may be reading it) …
    assert len(after) == 2 and set(stored) < set(after)
    import os

    os.utime(stored[0], (0, 0))  # … and goes with the next write once older
    rule.write_text(rule.read_text(encoding="utf-8").replace("amount_yuan: 1", "amount_yuan: 2"), encoding="utf-8")
    eng = get_engine(url)
    assert import_rules(eng, tmp_path).added == 1
    eng.dispose()
    engine.clear_cache()
    assert engine.load_ruleset(url).get(key).rule.benefit.amount_yuan == 2
    assert not stored[0].exists()

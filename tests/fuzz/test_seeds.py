"""The adversarial seed corpus (``tests/fuzz/seeds/``, written by
``tests/fuzz/make_seeds.py`` from issue 16's reproducers): every document
seed is read, parsed, extracted and stored within budget or refused with a
clean one-line error; hostile profiles and registers are refused naming
the field or the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.harness import run_pipeline, warm_up

SEEDS = Path(__file__).resolve().parent / "seeds"
DOCUMENTS = sorted(p for p in SEEDS.iterdir() if p.suffix in (".txt", ".html", ".docx"))
#: seeds a reader must refuse, with the words of the refusal
REFUSED = {"docx_bomb.docx": "压缩炸弹"}


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    warm_up(tmp_path_factory.mktemp("warm"))


def test_seed_corpus_is_there():
    assert len(DOCUMENTS) >= 8
    assert {p.name for p in SEEDS.iterdir()} >= {"threshold_backtracking.txt", "money_many_amounts.txt",
                                                  "docx_bomb.docx", "register_hostile.csv"}


@pytest.mark.parametrize("seed", DOCUMENTS, ids=lambda p: p.name)
def test_document_seed_within_budget(warm, seed):
    stats = run_pipeline(seed, trace_memory=False)  # timed without tracemalloc's overhead
    assert stats.seconds < 10, f"{seed.name}: {stats.seconds:.1f} s"
    if seed.stat().st_size <= 35_000:  # memory traced on the smaller seeds (tracing is ~5x slower)
        traced = run_pipeline(seed)
        assert traced.peak_mb < 300, f"{seed.name}: {traced.peak_mb:.0f} MB"
    if seed.name in REFUSED:
        assert stats.error and REFUSED[seed.name] in stats.error and "\n" not in stats.error
    else:
        assert stats.error is None and stats.clauses >= 1, (seed.name, stats)


def test_document_seeds_ingest_into_sqlite(tmp_path):
    from huiqi.kb.db import get_engine, upgrade
    from huiqi.kb.ingest import ingest_paths

    engine = get_engine(f"sqlite:///{tmp_path / 'seeds.db'}")
    upgrade(engine)
    report = ingest_paths(engine, DOCUMENTS)
    for fr in report.files:
        if fr.name in REFUSED:
            assert fr.status == "failed" and REFUSED[fr.name] in fr.error
        else:
            assert fr.status in ("added", "unchanged"), (fr.name, fr.error)


def test_profile_seeds_are_refused_naming_the_field():
    from huiqi.firm.profile import ProfileError, load_profile

    for name, field in (("profile_many_qualifications.json", "qualifications"),
                        ("profile_absurd_cattle.json", "projects[0].head_count")):
        with pytest.raises(ProfileError) as err:
            load_profile(SEEDS / name)
        assert err.value.errors[0].startswith(field + ":"), err.value.errors


def test_register_seed_skips_the_bad_row_with_its_line():
    from huiqi.screen.register import read_register

    reg = read_register(SEEDS / "register_hostile.csv")
    assert [e.line() for e in reg.errors] and reg.errors[0].row == 4 and reg.errors[0].column == "从业人员"
    assert len(reg.rows) == 2

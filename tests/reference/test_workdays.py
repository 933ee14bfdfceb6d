"""Working-day calendar: the acceptance examples of issue 14 (computed with
the State Council's 2026 notice), the provisional 2027 fallback, overrides,
and the notice-file parser."""

from __future__ import annotations

from datetime import date

import pytest

from huiqi.reference.workdays import WorkCalendar, library_years, parse_notice, provisional_day


@pytest.mark.parametrize("start, days, due", [
    ("2026-09-30", 1, "2026-10-08"),   # 国庆 + 中秋 holidays skipped
    ("2026-09-30", 3, "2026-10-10"),   # a 调休 Saturday counts
    ("2026-09-25", 10, "2026-10-15"),
    ("2026-02-13", 3, "2026-02-25"),   # 02-14 (Sat) is a 调休 working day; 春节 skipped
])
def test_acceptance_examples(start, days, due):
    r = WorkCalendar().add_workdays(date.fromisoformat(start), days)
    assert r.date == date.fromisoformat(due) and r.provisional is False


def test_day_of_receipt_not_counted_and_zero():
    cal = WorkCalendar()
    assert cal.add_workdays(date(2026, 6, 1), 1).date == date(2026, 6, 2)   # Monday → Tuesday
    assert cal.add_workdays(date(2026, 6, 5), 1).date == date(2026, 6, 8)   # Friday → Monday
    assert cal.add_workdays(date(2026, 6, 6), 0).date == date(2026, 6, 6)
    with pytest.raises(ValueError):
        cal.add_workdays(date(2026, 6, 6), -1)


def test_provisional_2027_never_raises():
    assert library_years()[1] == 2026  # the installed package stops at 2026
    r = WorkCalendar().add_workdays(date(2026, 12, 30), 3)
    # 12-31 counts, 元旦 2027-01-01 is skipped, then the weekend, then 01-04 and 01-05
    assert r.date == date(2027, 1, 5) and r.provisional is True
    # a span entirely inside the package's data is not provisional
    assert WorkCalendar().add_workdays(date(2026, 12, 1), 3).provisional is False
    assert provisional_day(date(2027, 10, 2)).workday is False
    assert provisional_day(date(2027, 4, 5)).workday is False  # 清明 (solar term) 2027-04-05, a Monday
    assert provisional_day(date(2027, 3, 10)).workday is True


def test_override_replaces_provisional_and_library():
    # the 2027 notice is loaded: 2027-01-04 declared a holiday → the deadline moves and is no longer provisional
    overrides = {date(2027, 1, 1): False, date(2027, 1, 4): False, date(2027, 1, 5): True, date(2027, 1, 6): True}
    r = WorkCalendar(overrides).add_workdays(date(2026, 12, 30), 3)
    assert r == type(r)(date(2027, 1, 6), False)
    # an override can also turn a library working day into a holiday
    assert WorkCalendar({date(2026, 10, 8): False}).add_workdays(date(2026, 9, 30), 1).date == date(2026, 10, 9)


def test_workdays_between_and_previous():
    cal = WorkCalendar()
    assert cal.workdays_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert cal.workdays_between(date(2026, 10, 10), date(2026, 10, 1)) == 0
    assert cal.previous_workday(date(2026, 10, 8)) == date(2026, 9, 30)


def test_parse_notice():
    rows, errors = parse_notice("# 2027 年放假安排\n2027-01-01 休 元旦\n2027-02-06~2027-02-13 休 春节\n"
                                "2027-02-14 班\n2027-13-01 休\nfoo\n")
    assert rows[date(2027, 1, 1)] is False and rows[date(2027, 2, 14)] is True
    assert sum(1 for d in rows if d.month == 2 and not rows[d]) == 8
    assert len(errors) == 2 and errors[0].startswith("第 5 行") and errors[1].startswith("第 6 行")

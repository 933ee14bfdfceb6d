"""Working-day calendar (工作日历): which days are 工作日, and counting N
working days after a day of receipt.

Sources, in this order for each day:

1. an officer's override (:class:`WorkCalendar` ``overrides``: the rows of
   the KB table ``work_calendar_overrides`` passed in as data; this module
   never reads the KB) — the yearly 国务院办公厅 放假安排 notice typed in or
   imported with ``huiqi calendar import``. Once a year has override rows
   its notice counts as loaded, and its days without a row follow
   Monday–Friday (the notice lists every holiday and 调休 working weekend);
2. the ``chinesecalendar`` package (the State Council's holidays and the
   调休 working weekends; data for 2004–2026 in release 1.11);
3. otherwise a **provisional** rule (暂定, shown as 日历待确认): Monday–Friday
   minus the statutory holidays whose date is known without the yearly
   notice — 元旦 01-01, 劳动节 05-01–05-02, 国庆节 10-01–10-03 (《全国年节及
   纪念日放假办法》) and 清明节 (the day of the 清明 solar term, computed by
   ``chinesecalendar``). Lunar holidays (春节, 端午, 中秋) and 调休 are unknown
   until the year's notice is loaded. Never an error.

Counting (民法典 第二百零一条): the day of receipt is not counted; the
deadline is the end of the N-th working day after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

#: statutory holidays fixed in the solar calendar (month, day)
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})

SOURCE_OVERRIDE = "override"
SOURCE_LIBRARY = "library"
SOURCE_PROVISIONAL = "provisional"
#: Chinese labels of the sources
SOURCE_LABELS = {SOURCE_OVERRIDE: "人工维护", SOURCE_LIBRARY: "国务院放假安排（chinesecalendar）",
                 SOURCE_PROVISIONAL: "日历待确认"}

#: the longest span :meth:`WorkCalendar.add_workdays` accepts (working days)
MAX_DAYS = 3660


@dataclass(frozen=True)
class DayInfo:
    """One day: ``workday`` (bool), ``source`` (one of ``override``,
    ``library``, ``provisional``) and ``name`` (the holiday's name when the
    source knows it)."""

    day: date
    workday: bool
    source: str
    name: str | None = None

    @property
    def provisional(self) -> bool:
        """Whether the answer is the provisional rule (日历待确认)."""
        return self.source == SOURCE_PROVISIONAL


@dataclass(frozen=True)
class WorkdayResult:
    """A computed deadline: ``date`` (the N-th working day) and
    ``provisional`` (True when any day counted was decided by the
    provisional rule)."""

    date: date
    provisional: bool


def _library_day(d: date) -> DayInfo | None:
    """The package's answer for ``d``, ``None`` beyond its data."""
    import chinese_calendar as cc

    try:
        work = cc.is_workday(d)
        _holiday, name = cc.get_holiday_detail(d)
    except NotImplementedError:
        return None
    return DayInfo(d, bool(work), SOURCE_LIBRARY, name)


def _qingming(year: int) -> date | None:
    import chinese_calendar as cc

    try:
        for day, term in cc.get_solar_terms(date(year, 4, 1), date(year, 4, 10)):
            if term == "清明":
                return day
    except Exception:  # the package's solar-term table is finite too
        return None
    return None


def provisional_day(d: date) -> DayInfo:
    """The provisional rule for ``d`` (see the module docstring)."""
    if (d.month, d.day) in FIXED_HOLIDAYS or (d.month == 4 and d == _qingming(d.year)):
        return DayInfo(d, False, SOURCE_PROVISIONAL, "法定节假日（固定日期）")
    return DayInfo(d, d.weekday() < 5, SOURCE_PROVISIONAL, None)


class WorkCalendar:
    """The working-day calendar over ``overrides`` (``{date: is_workday}``,
    from the KB table; may be empty). Pure and cheap to build: make one per
    request or per tick."""

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self.overrides = dict(overrides or {})
        #: years with override rows: the year's notice is loaded, so its other days follow Mon–Fri
        self.confirmed_years = frozenset(d.year for d in self.overrides)
        self._cache: dict[date, DayInfo] = {}

    def day(self, d: date) -> DayInfo:
        """:class:`DayInfo` of ``d`` (override → package → provisional)."""
        hit = self._cache.get(d)
        if hit is not None:
            return hit
        if d in self.overrides:
            info = DayInfo(d, bool(self.overrides[d]), SOURCE_OVERRIDE)
        else:
            info = _library_day(d)
            if info is None:
                info = (DayInfo(d, d.weekday() < 5, SOURCE_OVERRIDE) if d.year in self.confirmed_years
                        else provisional_day(d))
        self._cache[d] = info
        return info

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day."""
        return self.day(d).workday

    def add_workdays(self, start: date, days: int) -> WorkdayResult:
        """The ``days``-th working day after ``start`` (the day of receipt,
        not counted). ``days`` 0 → ``start`` itself. Raises ``ValueError``
        for a negative count or one over :data:`MAX_DAYS`."""
        if days < 0 or days > MAX_DAYS:
            raise ValueError(f"工作日数应在 0–{MAX_DAYS} 之间：{days}")
        d, left, provisional = start, days, False
        while left > 0:
            d += timedelta(days=1)
            info = self.day(d)
            provisional = provisional or info.provisional
            if info.workday:
                left -= 1
        return WorkdayResult(d, provisional)

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]`` (0 when ``end <= start``): how
        many working days have passed since ``start`` by the end of ``end``."""
        n, d = 0, start
        while d < end:
            d += timedelta(days=1)
            if self.is_workday(d):
                n += 1
        return n

    def previous_workday(self, d: date) -> date:
        """The last working day before ``d``."""
        d -= timedelta(days=1)
        while not self.is_workday(d):
            d -= timedelta(days=1)
        return d

    def span_provisional(self, start: date, end: date) -> bool:
        """Whether any day of ``(start, end]`` is decided provisionally."""
        d = start
        while d < end:
            d += timedelta(days=1)
            if self.day(d).provisional:
                return True
        return False


def library_years() -> tuple[int, int]:
    """``(first, last)`` year the installed ``chinesecalendar`` covers."""
    import chinese_calendar as cc

    years = sorted({d.year for d in cc.holidays})
    return years[0], years[-1]


def parse_notice(text: str) -> tuple[dict[date, bool], list[str]]:
    """Calendar rows from a plain file, one day per line: ``YYYY-MM-DD 休``
    / ``YYYY-MM-DD 班`` (also ``holiday``/``workday``, ``0``/``1``, and a
    range ``YYYY-MM-DD~YYYY-MM-DD 休``), then an optional note; ``#`` starts
    a comment. Returns ``(rows {date: is_workday}, errors)``; each error
    names the line number and the reason in Chinese."""
    import re

    rows: dict[date, bool] = {}
    errors: list[str] = []
    pat = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})(?:\s*[~～至]\s*(\d{4}-\d{1,2}-\d{1,2}))?[\s,，]+(\S+)")
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = pat.match(line)
        kind = m.group(3).lower() if m else ""
        work = {"休": False, "假": False, "holiday": False, "0": False,
                "班": True, "上班": True, "workday": True, "1": True}.get(kind)
        if not m or work is None:
            errors.append(f"第 {no} 行无法识别：“{raw.strip()[:40]}”（应为 YYYY-MM-DD 休 或 YYYY-MM-DD 班）")
            continue
        try:
            a = date.fromisoformat("-".join(f"{int(x):02d}" for x in m.group(1).split("-")))
            b = date.fromisoformat("-".join(f"{int(x):02d}" for x in m.group(2).split("-"))) if m.group(2) else a
        except ValueError:
            errors.append(f"第 {no} 行日期无效：“{raw.strip()[:40]}”")
            continue
        if b < a or (b - a).days > 31:
            errors.append(f"第 {no} 行日期范围无效（结束早于开始或超过 31 天）")
            continue
        d = a
        while d <= b:
            rows[d] = work
            d += timedelta(days=1)
    return rows, errors

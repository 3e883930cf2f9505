"""Calendar intervals and their TIMEX3 values: a day, an ISO week, a month, a quarter..."""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta

# TIMEX3 season codes in calendar order, and the month each starts in (winter runs
# December to February and belongs to the year of its December).
SEASONS = ("SP", "SU", "FA", "WI")
SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
# Shares of an interval a START / MID / END modifier keeps ("early October" = 1-10 Oct).
MOD_THIRDS = {"START": 0, "MID": 1, "END": 2}


@dataclass(frozen=True, slots=True)
class Resolved:
    """A resolved value: what the resolver returns for one candidate."""

    type: str
    value: str
    earliest: date | None
    latest: date | None
    granularity: str
    mod: str | None = None


def last_day(year: int, month: int) -> int:
    return _calendar.monthrange(year, month)[1]


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """(year, month) shifted by delta months."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def safe_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when it does not exist (30 February)."""
    if not 1 <= year <= 9999:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def nth_weekday(year: int, month_: int, weekday: int, nth: int) -> date:
    """The nth ISO weekday (Monday = 1) of a month; nth = -1 is the last one."""
    if nth < 0:
        last = date(year, month_, last_day(year, month_))
        return last - timedelta(days=(last.isoweekday() - weekday) % 7)
    first = date(year, month_, 1)
    return first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (nth - 1))


def day(d: date, type_: str = "DATE") -> Resolved:
    return Resolved(type_, d.isoformat(), d, d, "day")


def week(d: date) -> Resolved:
    iso = d.isocalendar()
    monday = d - timedelta(days=d.isoweekday() - 1)
    return Resolved(
        "DATE", f"{iso.year}-W{iso.week:02d}", monday, monday + timedelta(days=6), "week"
    )


def weekend(d: date) -> Resolved:
    """The weekend (Saturday and Sunday) of d's ISO week."""
    iso = d.isocalendar()
    saturday = d + timedelta(days=6 - d.isoweekday())
    return Resolved(
        "DATE",
        f"{iso.year}-W{iso.week:02d}-WE",
        saturday,
        saturday + timedelta(days=1),
        "weekend",
    )


def month(year: int, month_: int) -> Resolved:
    return Resolved(
        "DATE",
        f"{year:04d}-{month_:02d}",
        date(year, month_, 1),
        date(year, month_, last_day(year, month_)),
        "month",
    )


def quarter(year: int, q: int) -> Resolved:
    first = 3 * (q - 1) + 1
    return Resolved(
        "DATE",
        f"{year:04d}-Q{q}",
        date(year, first, 1),
        date(year, first + 2, last_day(year, first + 2)),
        "quarter",
    )


def half(year: int, h: int) -> Resolved:
    first = 6 * (h - 1) + 1
    return Resolved(
        "DATE",
        f"{year:04d}-H{h}",
        date(year, first, 1),
        date(year, first + 5, last_day(year, first + 5)),
        "half",
    )


def season(year: int, code: str) -> Resolved:
    y2, m2 = add_months(year, SEASON_START[code], 2)
    return Resolved(
        "DATE",
        f"{year:04d}-{code}",
        date(year, SEASON_START[code], 1),
        date(y2, m2, last_day(y2, m2)),
        "season",
    )


def season_of(d: date) -> tuple[int, str]:
    """The (year, code) of the season d falls in."""
    if d.month in (1, 2):
        return d.year - 1, "WI"
    return d.year, SEASONS[(d.month - 3) // 3]


def year(y: int) -> Resolved:
    return Resolved("DATE", f"{y:04d}", date(y, 1, 1), date(y, 12, 31), "year")


def decade(first_year: int) -> Resolved:
    return Resolved(
        "DATE",
        f"{first_year // 10:03d}",
        date(first_year, 1, 1),
        date(first_year + 9, 12, 31),
        "decade",
    )


def century(first_year: int) -> Resolved:
    return Resolved(
        "DATE",
        f"{first_year // 100:02d}",
        date(max(first_year, 1), 1, 1),
        date(first_year + 99, 12, 31),
        "century",
    )


def narrow(r: Resolved, mod: str | None) -> Resolved:
    """Apply START/MID/END: keep the first, middle or last third of the interval."""
    if mod not in MOD_THIRDS or r.earliest is None or r.latest is None:
        return replace(r, mod=mod) if mod else r
    days = (r.latest - r.earliest).days + 1
    if days < 3:
        return replace(r, mod=mod)
    third = days // 3
    first = r.earliest + timedelta(days=third * MOD_THIRDS[mod])
    last = r.latest if mod == "END" else first + timedelta(days=third - 1)
    return replace(r, earliest=first, latest=last, mod=mod)


def week_of(r: Resolved, week: int, mod: str | None) -> Resolved:
    """The ``week``-th seven days of the interval (-1: its last seven), value kept."""
    if r.earliest is None or r.latest is None:
        return replace(r, mod=mod)
    if week > 0:
        first = r.earliest + timedelta(days=7 * (week - 1))
        last = min(first + timedelta(days=6), r.latest)
    else:
        last = r.latest
        first = max(last - timedelta(days=6), r.earliest)
    return replace(r, earliest=first, latest=last, mod=mod)


def clip(r: Resolved, earliest: date | None = None, latest: date | None = None) -> Resolved:
    """Cut the interval to [earliest, latest] where that leaves something."""
    lo = max(r.earliest, earliest) if earliest and r.earliest else r.earliest
    hi = min(r.latest, latest) if latest and r.latest else r.latest
    if lo is None or hi is None or lo > hi:
        return r
    return replace(r, earliest=lo, latest=hi)


def unresolved(type_: str, value: str, granularity: str, mod: str | None = None) -> Resolved:
    return Resolved(type_, value, None, None, granularity, mod)

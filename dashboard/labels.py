"""TIMEX3 values as people read them: "2024-W19" is "week of 6 May 2024".

Tables and hover text show these labels; exports keep the TIMEX3 value. The words and
formats are data (data/date_labels.toml). Hand-written because no library reads TIMEX3
values (dateparser and the datetime module read dates, not weeks, seasons or decades).
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

VALUE = re.compile(
    r"(?P<year>\d{4})(?:"
    r"-(?P<month>\d{2})(?:-(?P<day>\d{2})(?:T(?:(?P<part>[A-Z]{2})|(?P<time>\d{2}:\d{2})).*)?)?"
    r"|-W(?P<week>\d{2})(?P<weekend>-WE)?"
    r"|-Q(?P<quarter>[1-4])"
    r"|-H(?P<half>[12])"
    r"|-(?P<season>SP|SU|FA|WI)"
    r")?"
)


@cache
def _labels() -> dict[str, Any]:
    text = resources.files("dashboard.data").joinpath("date_labels.toml").read_text("utf-8")
    return tomllib.loads(text)


def _day(d: date) -> str:
    data = _labels()
    return data["formats"]["day"].format(
        day=d.day, month=data["months"]["names"][d.month - 1], year=d.year
    )


def date_label(value: object) -> str:
    """``value`` (a TIMEX3 value) in words; a value it cannot read is shown as it is."""
    data = _labels()
    formats = data["formats"]
    if not isinstance(value, str) or not value:
        return formats["undated"]
    if value.isdigit() and len(value) in (2, 3):  # a decade "199", a century "19"
        kind = "decade" if len(value) == 3 else "century"
        return formats[kind].format(year=value.ljust(4, "0"))
    found = VALUE.fullmatch(value)
    if found is None:
        return value
    try:
        return _read(found, data)
    except (ValueError, KeyError, IndexError):  # "2024-13", "2023-W53": not a date
        return value


def _read(found: re.Match[str], data: dict[str, Any]) -> str:
    formats = data["formats"]
    part = found.groupdict()
    year = int(part["year"])
    if part["day"]:
        label = _day(date(year, int(part["month"]), int(part["day"])))
        if part["part"]:
            return formats["part_of_day"].format(
                date=label, part=data["parts_of_day"][part["part"]]
            )
        if part["time"]:
            return formats["time"].format(date=label, time=part["time"])
        return label
    if part["month"]:
        month = data["months"]["names"][int(part["month"]) - 1]
        return formats["month"].format(month=month, year=year)
    if part["week"]:
        monday = date.fromisocalendar(year, int(part["week"]), 1)
        if part["weekend"]:
            saturday = date.fromisocalendar(year, int(part["week"]), 6)
            return formats["weekend"].format(weekend_start=_day(saturday))
        return formats["week"].format(week_start=_day(monday))
    if part["quarter"]:
        return formats["quarter"].format(quarter=part["quarter"], year=year)
    if part["half"]:
        return formats["half"].format(half=data["halves"][part["half"]], year=year)
    if part["season"] == "WI":
        return formats["winter"].format(year=year, next_year=str(year + 1)[-2:])
    if part["season"]:
        return formats["season"].format(season=data["seasons"][part["season"]], year=year)
    return str(year)

"""The temporal tagger on the case table tests/temporal_cases.toml, one test per case."""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from dashboard.models import Timex
from dashboard.temporal import dateline, tag

CASES_FILE = Path(__file__).with_name("temporal_cases.toml")
DEFAULT_ANCHOR = "2024-05-15"
CHECKED = ("type", "earliest", "latest", "granularity", "mod")


def _cases() -> list[dict[str, Any]]:
    return tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))["case"]


def _anchor(text: str) -> date | datetime | None:
    if text == "none":
        return None
    if "T" in text:
        return datetime.fromisoformat(text)
    return date.fromisoformat(text)


def _expected(field: str, raw: str) -> object:
    if raw == "none":
        return None
    if field in ("earliest", "latest"):
        return date.fromisoformat(raw)
    return raw


def _find(found: list[Timex], text: str, span: str, nth: int) -> Timex | None:
    """The timex over the nth occurrence of `span` in `text` (exact span), or None."""
    at = -1
    for _ in range(nth):
        at = text.index(span, at + 1)
    return next((t for t in found if (t.start, t.end) == (at, at + len(span))), None)


CASES = _cases()


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{i:03d}-{c['category']}-{c['span']}" for i, c in enumerate(CASES)]
)
def test_case(case: dict[str, Any]) -> None:
    text = case["text"]
    found = tag(text, _anchor(case.get("anchor", DEFAULT_ANCHOR)))
    shown = [(t.text, t.value) for t in found]
    if case.get("absent"):
        at = text.index(case["span"])
        assert not [t for t in found if t.start < at + len(case["span"]) and at < t.end], shown
        return
    timex = _find(found, text, case["span"], case.get("nth", 1))
    assert timex is not None, f"{case['span']!r} not tagged exactly; found {shown}"
    assert timex.value == case["value"], shown
    for field in CHECKED:
        if field in case:
            assert getattr(timex, field) == _expected(field, case[field]), (field, timex)


def test_the_table_covers_every_category_of_the_issue() -> None:
    categories = {c["category"].split(",")[0] for c in CASES}
    wanted = {
        "weekday", "deictic day", "relative unit", "earlier/later", "over the weekend", "ago",
        "in N days", "reference day", "month alone", "season", "quarter", "decade", "century",
        "explicit date", "month-year", "year", "not a year", "time", "duration", "set", "vague",
        "dateline", "no anchor", "boundary", "leap day", "tz-aware anchor",
    }  # fmt: skip
    assert wanted <= categories, wanted - categories


@pytest.mark.parametrize(
    "text,anchor,span,value",
    [
        ("KYIV, Mar 14 (Reuters) - Ukraine said", date(2023, 3, 14), "Mar 14", "2023-03-14"),
        ("WASHINGTON, March 3, 2021 - The Senate", None, "March 3, 2021", "2021-03-03"),
        ("LAGOS, Oct 9 (AFP) – Police said", None, "Oct 9", "XXXX-10-09"),
        ("Paris, Oct 14 (AFP) – Police said", date(2022, 10, 15), "Oct 14", "2022-10-14"),
    ],
)
def test_dateline(text: str, anchor: date | None, span: str, value: str) -> None:
    found = dateline(text, anchor)
    assert found is not None and found.text == span and found.value == value
    assert text[found.start : found.end] == span


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Smith said on Monday - in a statement - that he would resign.",
        "The weather was fine.\nPARIS is lovely in spring.",
        "",
    ],
)
def test_no_dateline(text: str) -> None:
    assert dateline(text) is None

"""The temporal tagger on sentences written for these tests (not from the seeds)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.temporal import dateline, tag

WED = date(2024, 5, 15)  # a Wednesday

CASES = [
    # (sentence, anchor, expected span, expected value)
    ("The minister said at a rally on Sunday that taxes would fall.", WED, "Sunday", "2024-05-12"),
    ("Delegates are due to meet in Geneva on Sunday.", WED, "Sunday", "2024-05-19"),
    ("The mayor will visit the flooded town on Friday.", WED, "Friday", "2024-05-17"),
    ("The vote is scheduled to take place on Monday.", WED, "Monday", "2024-05-20"),
    ("The governor said on Wednesday that schools would reopen.", WED, "Wednesday", "2024-05-15"),
    ("The company reported the loss yesterday.", WED, "yesterday", "2024-05-14"),
    ("The strike ends tomorrow.", WED, "tomorrow", "2024-05-16"),
    ("Prices rose sharply last week.", date(2025, 1, 2), "last week", "2024-W52"),
    ("Sales were weak in December.", date(2025, 1, 2), "December", "2024-12"),
    ("Talks resume next month.", date(2025, 1, 31), "next month", "2025-02"),
    ("The envoy left his post last October.", WED, "last October", "2023-10"),
    ("The war began in February 2022.", WED, "February 2022", "2022-02"),
    ("The treaty was signed on 24 February 2025.", WED, "24 February 2025", "2025-02-24"),
    ("The treaty was signed on February 24, 2025.", WED, "February 24, 2025", "2025-02-24"),
    ("The report is dated 2025-02-24.", WED, "2025-02-24", "2025-02-24"),
    ("The alliance backed the plan in 2008.", WED, "2008", "2008"),
    ("Growth slowed in the 1990s.", WED, "the 1990s", "199"),
    ("Leaders met earlier this month in Rome.", WED, "earlier this month", "2024-05"),
    ("Exports fell in the first half of 2023.", WED, "the first half of 2023", "2023-H1"),
    ("The leap-day census ran on Feb. 29, 2024.", WED, "Feb. 29, 2024", "2024-02-29"),
]


@pytest.mark.parametrize("sentence,anchor,span,value", CASES)
def test_resolves(sentence: str, anchor: date, span: str, value: str) -> None:
    found = {t.text: t for t in tag(sentence, anchor)}
    assert span in found, [t.text for t in tag(sentence, anchor)]
    assert found[span].value == value


def test_both_readings_of_a_weekday_in_one_article() -> None:
    text = (
        "The minister said at a news conference on Sunday that talks had stalled. "
        "Leaders are due to meet in Oslo on Sunday to try again."
    )
    values = [t.value for t in tag(text, WED) if t.text == "Sunday"]
    assert values == ["2024-05-12", "2024-05-19"]


def test_tz_aware_anchor_and_unresolved_without_anchor() -> None:
    aware = datetime(2024, 5, 15, 23, 30, tzinfo=UTC)
    assert tag("He will speak on Friday.", aware)[0].value == "2024-05-17"
    [friday] = tag("He will speak on Friday.", None)
    assert friday.earliest is None and friday.value.startswith("XXXX")


def test_intervals_for_vague_expressions() -> None:
    [week] = tag("Officials met last week.", WED)
    assert week.earliest == date(2024, 5, 6) and week.latest == date(2024, 5, 12)


def test_dateline() -> None:
    found = dateline("OSLO, May 14 (Reuters) - Norway's central bank held rates.")
    assert found is not None and found.text.startswith("May 14")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_and_offsets_are_valid(text: str) -> None:
    last_end = 0
    for t in tag(text, WED):
        assert last_end <= t.start < t.end <= len(text)
        assert text[t.start : t.end] == t.text
        if t.earliest and t.latest:
            assert t.earliest <= t.latest
        last_end = t.end

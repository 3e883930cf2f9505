"""The temporal tagger on sentences written for these tests (not from the seeds)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.temporal import dateline, tag
from dashboard.temporal.finder import match_rules, match_rules_everywhere
from dashboard.temporal.grammar import load_grammar
from dashboard.temporal.resolver import holiday_date
from dashboard.temporal.tense import clause_tense

GRAMMAR = load_grammar("en")
SEEDS = Path(__file__).resolve().parent.parent / "seeds"

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


RULE_EXAMPLES = [(r, e) for r in GRAMMAR.rules for e in r.examples]


@pytest.mark.parametrize(
    "rule,example", RULE_EXAMPLES, ids=[f"{r.name}:{e}" for r, e in RULE_EXAMPLES]
)
def test_every_rule_example_is_found_by_its_rule(rule, example: str) -> None:
    found = match_rules(example, GRAMMAR)
    assert any(c.rule == rule.name for c in found), [(c.rule, c.fields) for c in found]
    # and the tagger tags it (this rule's span or a longer one over it)
    assert tag(example, WED)


@pytest.mark.parametrize(
    "kind,example", [(k, e) for k, v in GRAMMAR.tense_examples.items() for e in v]
)
def test_every_tense_cue_example_reads_as_its_tense(kind: str, example: str) -> None:
    [cand] = [c for c in match_rules(example, GRAMMAR) if c.kind in ("weekday", "month")][:1]
    assert clause_tense(example, cand.start, cand.end, GRAMMAR) == kind


@pytest.mark.parametrize(
    "name,day",
    [
        ("thanksgiving", date(2024, 11, 28)),
        ("memorial day", date(2024, 5, 27)),
        ("election day", date(2024, 11, 5)),
        ("labor day", date(2024, 9, 2)),
        ("good friday", date(2024, 3, 29)),
        ("christmas eve", date(2024, 12, 24)),
        ("martin luther king day", date(2024, 1, 15)),
    ],
)
def test_holiday_rules(name: str, day: date) -> None:
    assert holiday_date(GRAMMAR.lexicon["holidays"][name], 2024) == day


def _spans(found: list) -> list[tuple[int, int, str]]:
    return sorted((c.start, c.end, c.rule) for c in found)


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_scanning_near_anchor_words_finds_what_a_whole_scan_finds(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _spans(match_rules(text, GRAMMAR)) == _spans(match_rules_everywhere(text, GRAMMAR))


VOCABULARY = [
    "the", "last", "next", "on", "in", "said", "will", "ago", "early", "of", "Friday",
    "Fridays", "March", "May", "Feb.", "24", "2008", "1990s", "three", "year", "years",
    "quarter", "third", "week", "weekend", "day", "a.m.", "3pm", "15:00", "now", "past",
    "coming", "Christmas", "New Year's Day", "Good Friday", "Election Day", "Valentine's Day",
    "nineteen", "ninety-six", ",", ".", "-", "'s", "\n",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=60))
def test_scanning_near_anchor_words_equals_a_whole_scan(words: list[str]) -> None:
    text = " ".join(words)
    assert _spans(match_rules(text, GRAMMAR)) == _spans(match_rules_everywhere(text, GRAMMAR))


@pytest.mark.parametrize(
    "text",
    [
        "7" * 100_000,
        ("March " * 200_000)[:1_000_000],
        ("May June " * 125_000)[:1_000_000],
        ("said " * 200_000)[:1_000_000],
    ],
    ids=["100k digits", "1 MB of March", "1 MB of May June", "1 MB of one word"],
)
def test_adversarial_input_gives_valid_output(text: str) -> None:
    found = tag(text, WED)
    last_end = 0
    for t in found:
        assert last_end <= t.start < t.end <= len(text)
        assert text[t.start : t.end] == t.text
        last_end = t.end


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("LIMA, April 8 (Valley Gazette) - Talks resumed.", "LIMA"),
        ("KYIV, Ukraine, Feb 26 (Reuters) - Talks resumed.", "KYIV, Ukraine"),
        ("Talks resumed in Lima on April 8.", None),
    ],
)
def test_dateline_place(text: str, place: str | None) -> None:
    from dashboard.temporal import dateline_place

    span = dateline_place(text)
    assert (text[span[0] : span[1]] if span else None) == place

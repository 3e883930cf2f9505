"""Fuzz tests (hypothesis, bounded): the tagger, text ingestion of arbitrary bytes and the whole
pipeline on generated articles never crash and keep their offsets true.

The strategies and properties are in bench/fuzz.py, which also runs the long campaign; every
failure that campaign found is kept in tests/fuzz_regressions/ and replayed here.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT / "bench"))

import fuzz  # noqa: E402

BOUNDED = settings(
    deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
REGRESSIONS = sorted((ROOT / "tests" / "fuzz_regressions").glob("*.json"))


@settings(BOUNDED, max_examples=300)
@given(fuzz.news_text(max_tokens=80), fuzz.anchors)
def test_tag_keeps_valid_offsets_on_generated_text(text: str, anchor: date | None) -> None:
    fuzz.check_tag(text, anchor)


@settings(BOUNDED, max_examples=200)
@given(st.binary(max_size=2048), st.sampled_from(fuzz.SUFFIXES))
def test_any_bytes_give_an_article_or_a_clear_error(tmp_path_factory, data, suffix) -> None:
    fuzz.check_bytes(data, suffix, tmp_path_factory.mktemp("bytes"))


@settings(BOUNDED, max_examples=150)
@given(fuzz.structured_file())
def test_pages_json_and_feeds_give_articles_or_clear_errors(tmp_path_factory, case) -> None:
    data, suffix = case
    fuzz.check_bytes(data, suffix, tmp_path_factory.mktemp("structured"))


@settings(BOUNDED, max_examples=100)
@given(fuzz.article_batch())
def test_pipeline_puts_each_mention_in_one_event_inside_its_article(tmp_path_factory, batch):
    fuzz.check_pipeline(batch, tmp_path_factory.mktemp("batch"))


@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ("", None),
        ("\u00a0" * 50, date(2025, 1, 1)),
        ("on 31 February 2024 and next Friday", date(2024, 2, 29)),
        ("0000-00-00 9999-99-99 13/13/2013", date(2000, 1, 1)),
        ("last Tuesday" * 200, date(1900, 1, 1)),
        ("next year", date(9999, 12, 31)),
        ("in March 𝟚𝟘𝟚𝟜 ٢٠٢٤ 二〇二四年", date(2024, 5, 5)),
    ],
)
def test_tag_on_hand_picked_edge_cases(text: str, anchor: date | None) -> None:
    fuzz.check_tag(text, anchor)


def test_the_checks_catch_a_broken_property(tmp_path: Path, monkeypatch) -> None:
    """The properties can fail: a tagger reporting a wrong span is caught."""
    from dashboard.models import Timex

    def broken(text, anchor, **_):
        wrong = Timex(0, 3, "xyz", "DATE", "2024", date(2024, 2, 1), date(2024, 1, 1))
        return [wrong]

    monkeypatch.setattr(fuzz, "tag", broken)
    with pytest.raises(AssertionError):
        fuzz.check_tag("abc def", None)


def test_fuzz_regression_cases_still_pass() -> None:
    """Every case the long campaign kept (none of them may fail again)."""
    failed = []
    for path in REGRESSIONS:
        try:
            fuzz.replay(json.loads(path.read_text(encoding="utf-8")))
        except Exception as exc:  # noqa: BLE001 - collected and reported together
            failed.append(f"{path.name}: {exc!r}")
    assert failed == []

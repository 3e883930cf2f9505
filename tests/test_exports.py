"""Exports round-trip: parse each one back and compare with the store."""

from __future__ import annotations

import io
import json
from datetime import date

import pandas as pd

from dashboard import exports
from dashboard.labels import date_label


def frames(store):
    return store.events_frame("seeds"), store.mentions_frame("seeds")


def test_json_round_trip(seed_store) -> None:
    events, mentions = frames(seed_store)
    parsed = json.loads(exports.to_json(events, mentions))
    assert [e["event_id"] for e in parsed] == list(events["event_id"])
    assert sum(len(e["mentions"]) for e in parsed) == len(mentions)
    for e, row in zip(parsed, events.itertuples(), strict=True):
        assert e["source_count"] == row.source_count
        assert e["actors"] == list(row.actors)


def test_csv_round_trip(seed_store) -> None:
    events, mentions = frames(seed_store)
    back = pd.read_csv(io.StringIO(exports.to_csv(events, mentions)))
    assert list(back["event_id"]) == list(events["event_id"])
    assert list(back["source_count"]) == list(events["source_count"])


def test_ics_holds_the_upcoming_scheduled_events(seed_store) -> None:
    from icalendar import Calendar

    events, _ = frames(seed_store)
    now = date(2025, 2, 26)
    cal = Calendar.from_ical(exports.to_ics(events, now))
    uids = {str(c["uid"]).split("@")[0] for c in cal.walk("VEVENT")}
    assert uids == set(exports.upcoming(events, now)["event_id"])
    assert uids


def test_timelinejs_and_html(seed_store) -> None:
    events, mentions = frames(seed_store)
    tl = json.loads(exports.to_timelinejs(events, mentions))
    assert len(tl["events"]) == events["earliest"].notna().sum()
    page = exports.to_html_report(events, mentions, seed_store.articles_frame("seeds"))
    assert page.startswith("<!doctype html>") and "plotly" in page
    assert "<script>alert" not in page
    # The table reads back as the events, in order, with their dates in words.
    (table,) = pd.read_html(io.StringIO(page))
    records = exports.event_records(events, mentions)
    assert list(table["Summary"]) == [r["summary"] for r in records]
    assert list(table["Date"]) == [date_label(r["date"]) for r in records]
    assert list(table["Sources"]) == [r["source_count"] for r in records]

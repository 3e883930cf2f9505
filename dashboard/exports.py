"""Exports of the event table: CSV, JSON, iCalendar, TimelineJS and a static HTML report.

Pure functions over the store's frames (``Store.events_frame`` / ``mentions_frame``).
"""

from __future__ import annotations

import html
import json
from datetime import date, timedelta
from typing import Any

import pandas as pd

from dashboard.labels import date_label

# The JSON export's fields; other tools read them, so they never change name.
JSON_FIELDS = (
    "event_id",
    "date",
    "earliest",
    "latest",
    "granularity",
    "status",
    "actors",
    "summary",
    "source_count",
    "sources",
    "mentions",
)


def _iso(value: Any) -> str | None:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date().isoformat()


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return str(value)


def event_records(events: pd.DataFrame, mentions: pd.DataFrame) -> list[dict[str, Any]]:
    """One JSON-ready dict per event, with its mentions."""
    by_event: dict[str, list[dict[str, Any]]] = {}
    for m in mentions.itertuples():
        by_event.setdefault(m.event_id, []).append(
            {
                "article_id": m.article_id,
                "outlet": _text(m.outlet),
                "sentence": m.sentence,
                "start": int(m.sentence_start),
                "end": int(m.sentence_end),
                "date_text": _text(m.timex_text),
                "quote": _text(m.quote),
                "speaker": _text(m.speaker),
            }
        )
    records = []
    for e in events.itertuples():
        records.append(
            {
                "event_id": e.event_id,
                "date": _text(e.value),
                "earliest": _iso(e.earliest),
                "latest": _iso(e.latest),
                "granularity": _text(e.granularity),
                "status": e.status,
                "actors": [str(a) for a in e.actors],
                "summary": e.summary,
                "source_count": int(e.source_count),
                "independent_count": int(e.independent_count),
                "sources": [str(s) for s in e.sources],
                "date_text": _text(e.date_text),
                "mentions": by_event.get(e.event_id, []),
            }
        )
    return records


def to_json(events: pd.DataFrame, mentions: pd.DataFrame) -> str:
    """The event table as a JSON list (fields in ``JSON_FIELDS`` and a few more)."""
    return json.dumps(event_records(events, mentions), ensure_ascii=False, indent=2)


def to_csv(events: pd.DataFrame, mentions: pd.DataFrame) -> str:
    """The event table as CSV, one row per event; lists joined with '; '."""
    rows = []
    for r in event_records(events, mentions):
        rows.append(
            {
                **{k: v for k, v in r.items() if k != "mentions"},
                "actors": "; ".join(r["actors"]),
                "sources": "; ".join(r["sources"]),
                "mention_count": len(r["mentions"]),
            }
        )
    columns = [*[f for f in JSON_FIELDS if f != "mentions"], "independent_count", "date_text"]
    return pd.DataFrame(rows, columns=[*columns, "mention_count"]).to_csv(index=False)


def upcoming(events: pd.DataFrame, now: date) -> pd.DataFrame:
    """Scheduled events that end after ``now``, soonest first."""
    if events.empty:
        return events
    latest = pd.to_datetime(events["latest"])
    keep = (events["status"] == "scheduled") & (latest > pd.Timestamp(now))
    return events[keep].sort_values("earliest")


def to_ics(events: pd.DataFrame, now: date) -> bytes:
    """Upcoming scheduled events as an iCalendar file of all-day events."""
    from icalendar import Calendar
    from icalendar import Event as CalEvent

    cal = Calendar()
    cal.add("prodid", "-//Storyline//storyline//EN")
    cal.add("version", "2.0")
    for e in upcoming(events, now).itertuples():
        item = CalEvent()
        item.add("uid", f"{e.event_id}@storyline")
        item.add("summary", e.summary)
        item.add("dtstart", pd.Timestamp(e.earliest).date())
        item.add("dtend", pd.Timestamp(e.latest).date() + timedelta(days=1))
        item.add("description", f"Sources ({int(e.source_count)}): {', '.join(e.sources)}")
        cal.add_component(item)
    return cal.to_ical()


def _tl_date(value: Any) -> dict[str, str] | None:
    iso = _iso(value)
    if iso is None:
        return None
    year, month, day = iso.split("-")
    return {"year": year, "month": str(int(month)), "day": str(int(day))}


def to_timelinejs(events: pd.DataFrame, mentions: pd.DataFrame) -> str:
    """TimelineJS JSON (``{"events": [...]}``) for embedding in a web page."""
    items = []
    for r in event_records(events, mentions):
        start = _tl_date(r["earliest"])
        if start is None:
            continue
        item: dict[str, Any] = {
            "unique_id": r["event_id"],
            "start_date": start,
            "text": {
                "headline": html.escape(r["summary"][:120]),
                "text": html.escape(
                    f"{', '.join(r['actors'])} — sources: {', '.join(r['sources'])}"
                ),
            },
            "group": r["status"],
        }
        if r["latest"] and r["latest"] != r["earliest"]:
            item["end_date"] = _tl_date(r["latest"])
        items.append(item)
    return json.dumps({"events": items}, ensure_ascii=False, indent=2)


def to_html_report(events: pd.DataFrame, mentions: pd.DataFrame, articles: pd.DataFrame) -> str:
    """A self-contained HTML page: the timeline (plotly.js inlined) and the event table."""
    from dashboard.charts import timeline_figure

    figure = timeline_figure(events).to_html(full_html=False, include_plotlyjs=True)
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(v))}</td>"
            for v in (
                date_label(r["date"]),
                r["status"],
                r["summary"],
                ", ".join(r["actors"]),
                r["source_count"],
                ", ".join(r["sources"]),
            )
        )
        + "</tr>"
        for r in event_records(events, mentions)
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Storyline report</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px;vertical-align:top}</style></head><body>"
        f"<h1>Storyline report</h1><p>{len(events)} events from {len(articles)} articles.</p>"
        f"{figure}<table><tr><th>Date</th><th>Status</th><th>Summary</th><th>Actors</th>"
        f"<th>Sources</th><th>Outlets</th></tr>{rows}</table></body></html>"
    )

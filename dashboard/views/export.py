"""Export view: download the filtered events (the same files as `storyline export`)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import exports, queries
from dashboard.views import ViewContext


def render(ctx: ViewContext) -> None:
    """Download buttons; each file is built only when its button is pressed."""
    shown, store, corpus = ctx.shown, ctx.store, ctx.corpus

    def mentions():
        return queries.event_mentions(store, corpus, shown["event_id"].tolist())

    now = ctx.now or date.today()
    st.caption(f"{len(shown)} filtered events.")
    files = (
        ("CSV", lambda: exports.to_csv(shown, mentions()), "events.csv", "text/csv"),
        ("JSON", lambda: exports.to_json(shown, mentions()), "events.json", "application/json"),
        (
            "iCalendar (upcoming)",
            lambda: exports.to_ics(shown, now),
            "upcoming.ics",
            "text/calendar",
        ),
        (
            "TimelineJS",
            lambda: exports.to_timelinejs(shown, mentions()),
            "timelinejs.json",
            "application/json",
        ),
        (
            "HTML report",
            lambda: exports.to_html_report(shown, mentions(), ctx.articles),
            "report.html",
            "text/html",
        ),
    )
    for column, (label, build, suffix, mime) in zip(st.columns(len(files)), files, strict=True):
        column.download_button(label, build, f"{corpus}-{suffix}", mime=mime)

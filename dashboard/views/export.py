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
    cols = st.columns(5)
    cols[0].download_button(
        "CSV",
        lambda: exports.to_csv(shown, mentions()),
        f"{corpus}-events.csv",
        mime="text/csv",
    )
    cols[1].download_button(
        "JSON",
        lambda: exports.to_json(shown, mentions()),
        f"{corpus}-events.json",
        mime="application/json",
    )
    cols[2].download_button(
        "iCalendar (upcoming)",
        lambda: exports.to_ics(shown, now),
        f"{corpus}-upcoming.ics",
        mime="text/calendar",
    )
    cols[3].download_button(
        "TimelineJS",
        lambda: exports.to_timelinejs(shown, mentions()),
        f"{corpus}-timelinejs.json",
        mime="application/json",
    )
    cols[4].download_button(
        "HTML report",
        lambda: exports.to_html_report(shown, mentions(), ctx.articles),
        f"{corpus}-report.html",
        mime="text/html",
    )

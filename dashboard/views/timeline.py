"""Timeline view: every filtered event on a date axis; clicking a point opens its detail."""

from __future__ import annotations

import streamlit as st

from dashboard import charts
from dashboard.filters import LANES
from dashboard.views import ViewContext


def render(ctx: ViewContext) -> str | None:
    """Draw the timeline; return the event id a click selected, if any."""
    st.radio(
        "Lanes",
        LANES,
        key="lanes",
        horizontal=True,
        format_func=lambda lane: f"by {lane}",
        help="One lane per event, or one per leading actor.",
    )
    shown = ctx.shown
    undated = int(shown["earliest"].isna().sum())
    n_dated = len(shown) - undated
    if n_dated > charts.MAX_POINTS:
        st.caption(
            f"{n_dated:,} dated events: bars count events per week; points are the "
            f"{charts.TOP_EVENTS} best-sourced ones. Narrow the filters to see every event."
        )
    if undated:
        st.caption(f"{undated} undated events are in the Table view, not on the axis.")
    fig = charts.timeline_figure(shown, ctx.now, lanes=ctx.filters.lanes, since=ctx.since)
    state = st.plotly_chart(
        fig, width="stretch", key="timeline", on_select="rerun", selection_mode="points"
    )
    points = (state or {}).get("selection", {}).get("points", []) if state else []
    for point in points:
        custom = point.get("customdata")
        if isinstance(custom, list):
            custom = custom[0] if custom else None
        if isinstance(custom, str):
            return custom
    return None

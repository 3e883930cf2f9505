"""Table and Upcoming views: the filtered events as a sortable table, and what is next."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import exports
from dashboard.labels import date_label
from dashboard.views import ViewContext

# "date" is the TIMEX3 value in words ("week of 6 May 2024"); "from" and "to" are its
# interval as dates, the columns to sort by (words do not sort in time order).
COLUMNS = [
    "value",
    "earliest",
    "latest",
    "status",
    "summary",
    "actors",
    "source_count",
    "independent_count",
    "sources",
]


def _table(frame: pd.DataFrame, key: str) -> None:
    st.dataframe(
        frame[COLUMNS].assign(value=frame["value"].map(date_label)),
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            "value": st.column_config.TextColumn("date"),
            "earliest": st.column_config.DateColumn("from", format="YYYY-MM-DD"),
            "latest": st.column_config.DateColumn("to", format="YYYY-MM-DD"),
            "source_count": st.column_config.NumberColumn("sources"),
            "independent_count": st.column_config.NumberColumn("independent"),
            "actors": st.column_config.ListColumn("actors"),
            "sources": st.column_config.ListColumn("outlets"),
        },
    )


def render(ctx: ViewContext) -> None:
    """Every filtered event; click a column header to sort."""
    _table(ctx.shown, "table")


def render_upcoming(ctx: ViewContext) -> None:
    """Scheduled events after the latest publication date, soonest first."""
    if ctx.now is None:
        st.info("No article in this corpus has a publication date, so nothing is 'next'.")
        return
    ahead = exports.upcoming(ctx.shown, ctx.now)
    st.caption(f"{len(ahead)} scheduled events after the latest article ({ctx.now}).")
    if not ahead.empty:
        _table(ahead, "upcoming")

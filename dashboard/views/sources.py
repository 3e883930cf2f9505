"""Sources view: events per outlet, the event-by-outlet coverage matrix, articles per day."""

from __future__ import annotations

import streamlit as st

from dashboard import charts
from dashboard.labels import date_label
from dashboard.views import ViewContext


def render(ctx: ViewContext) -> None:
    """Which outlets report what, and which claims rest on one outlet only."""
    shown = ctx.shown
    single = int((shown["source_count"] == 1).sum())
    st.caption(
        f"{len(shown)} events; {single} reported by a single outlet, "
        f"{int((shown['source_count'] >= 2).sum())} by two or more."
    )
    st.plotly_chart(charts.sources_figure(shown), width="stretch", key="sources")
    st.subheader("Coverage: which outlet reports which event")
    matrix = charts.coverage_matrix(shown)
    if matrix.empty:
        st.info("No events match the filters.")
    else:
        outlets = [c for c in matrix.columns if c not in ("value", "summary", "source_count")]
        st.dataframe(
            matrix.assign(value=matrix["value"].map(date_label)),
            hide_index=True,
            width="stretch",
            column_config={
                "value": st.column_config.TextColumn("date"),
                "source_count": st.column_config.NumberColumn("sources"),
                **{o: st.column_config.CheckboxColumn(o, width="small") for o in outlets},
            },
        )
        st.caption("Sort by a column header; rows with one tick are single-source claims.")
    st.subheader("Articles per outlet and publication day")
    st.plotly_chart(charts.articles_figure(ctx.articles), width="stretch", key="articles")

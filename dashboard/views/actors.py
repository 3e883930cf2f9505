"""Actors view: a page per actor: their events, quotes, aliases and who appears with them."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, queries
from dashboard.views import ViewContext, plain, timeline


def render(ctx: ViewContext) -> str | None:
    """One page for the picked actor (the first filtered one, else the most frequent);
    return the event id a click on their timeline selected, if any."""
    counts = charts.actor_counts(ctx.events)
    if counts.empty:
        st.info("No actors in this corpus.")
        return None
    names = list(counts.index)
    default = ctx.filters.actors[0] if ctx.filters.actors else names[0]
    name = st.selectbox(
        "Actor",
        names,
        index=names.index(default) if default in names else 0,
        format_func=lambda n: f"{n} ({counts[n]} events)",
    )
    profile = queries.actor_profile(ctx.store, ctx.corpus, name)
    if not profile.empty:
        row = profile.iloc[0]
        facts = [str(row["kind"] or "unknown kind")]
        if isinstance(row["role"], str) and row["role"]:
            facts.append(row["role"])
        st.subheader(plain(name))
        st.caption(" · ".join(facts))
    own = ctx.shown[ctx.shown["actors"].apply(lambda names_: name in names_)]
    first, last = queries.actor_article_span(ctx.store, ctx.corpus, name)
    # Drawn like the main timeline, by plotly.js's basic bundle (1.2 MB), not st.plotly_chart's
    # full plotly.js (4.7 MB), which was this page's longest load.
    figure = charts.timeline_figure(own, ctx.now, since=first or ctx.since, until=last)
    clicked = timeline.draw(timeline.figure_json(figure), key=f"actor-timeline-{name}")
    left, right = st.columns(2)
    with left:
        st.markdown("**Quotes**")
        quotes = queries.actor_quotes(ctx.store, ctx.corpus, name)
        if quotes.empty:
            st.caption("No direct quotes attributed.")
        for q in quotes.itertuples():
            st.text(f"“{q.quote}”  ({q.outlet or 'unknown outlet'})")
    with right:
        st.markdown("**Names used in the text**")
        aliases = profile.dropna(subset=["alias"])[["alias", "count"]]
        st.dataframe(aliases, hide_index=True, width="stretch")
        st.markdown("**Appears most with**")
        co = queries.co_actors(ctx.events, name)
        st.dataframe(
            co.rename("events").rename_axis("actor").reset_index(),
            hide_index=True,
            width="stretch",
        )
    return clicked

"""Timeline view: every filtered event on a date axis; clicking a point opens its detail.

The figure comes from ``charts.timeline_figure``; the browser draws it with plotly.js's basic
bundle (scatter and bar traces, in ``dashboard/static/timeline/``) rather than through
``st.plotly_chart``, whose full plotly.js (4.7 MB) took longer to load and evaluate than
everything else of a first render together (docs/benchmarks.md, "Dashboard speed").
"""

from __future__ import annotations

import json
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st
from plotly.utils import PlotlyJSONEncoder
from streamlit.components.v1 import declare_component

from dashboard import charts
from dashboard.filters import LANES, filters_to_params
from dashboard.views import ViewContext

# The component's page and scripts, among the app's static files (dashboard/static/, served
# at <base>/app/static/ with server.enableStaticServing): the page loads plotly.js from there,
# where the browser can keep it between visits (see timeline.js).
COMPONENT = Path(__file__).resolve().parent.parent / "static" / "timeline"


# Keyed by the store file, its modification time, the corpus and the filters as a link
# spells them, which decide the events shown: a corpus never gets another's figure and a
# rebuilt store gets new ones. A view seen before (the unfiltered timeline every visitor
# opens on, the one a removed filter returns to) is not built again (0.1 s at 100,000
# events).
@st.cache_data(show_spinner=False, max_entries=64)
def _spec(
    path: str, mtime: float, corpus: str, filters: tuple[tuple[str, object], ...], _ctx: ViewContext
) -> str:
    """The timeline figure as plotly JSON, without plotly's template (the browser side
    colours it from the app's light or dark theme)."""
    fig = charts.timeline_figure(_ctx.shown, _ctx.now, lanes=_ctx.filters.lanes, since=_ctx.since)
    return figure_json(fig)


def figure_json(fig: go.Figure) -> str:
    """A timeline figure as plotly JSON for the component, without plotly's template (the
    browser side colours it from the app's light or dark theme)."""
    spec = fig.to_plotly_json()
    spec["layout"].pop("template", None)
    return json.dumps(spec, cls=PlotlyJSONEncoder)


def draw(spec: str, key: str) -> str | None:
    """Draw a timeline figure (``figure_json``) with plotly.js's basic bundle; return the
    event id a click on it selected, if any."""
    # Declared on every run (it only records the folder): registered with the running app
    # whichever way the module was first imported.
    timeline = declare_component("timeline", path=str(COMPONENT))
    click = timeline(spec=spec, key=key, default=None)
    # A click is {"event": id, "at": ms}: acted on once, not again on every later rerun
    # (the component keeps its last value).
    if isinstance(click, dict) and click != st.session_state.get(f"{key}-click"):
        st.session_state[f"{key}-click"] = click
        event = click.get("event")
        return event if isinstance(event, str) else None
    return None


def _filters_key(ctx: ViewContext) -> tuple[tuple[str, object], ...]:
    """The filters that decide the figure, as a hashable key (not the view or the event)."""
    params = filters_to_params(ctx.filters)
    return tuple(
        (k, tuple(v) if isinstance(v, list) else v)
        for k, v in sorted(params.items())
        if k not in ("view", "event")
    )


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
    path = ctx.store.path
    return draw(
        _spec(str(path), path.stat().st_mtime, ctx.corpus, _filters_key(ctx), ctx), "timeline"
    )

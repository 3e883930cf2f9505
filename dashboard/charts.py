"""Pure chart functions: DataFrame in, plotly Figure (or a small frame) out.

Colours come from the Okabe-Ito palette (``data/palette.toml``, the same one
``.streamlit/config.toml`` uses), which stays distinguishable under the common colour-vision
deficiencies. Hover text is built from escaped strings: article text never becomes markup.
"""

from __future__ import annotations

import html
import textwrap
import tomllib
from datetime import date
from functools import lru_cache
from importlib import resources

import pandas as pd
import plotly.graph_objects as go

from dashboard.labels import date_label

# Above this many dated events the timeline shows weekly counts and the best-sourced events.
MAX_POINTS = 1500
# Events drawn individually on an aggregated timeline.
TOP_EVENTS = 150
# Lanes drawn when the timeline is laid out by actor.
MAX_ACTOR_LANES = 15
# Up to this many events each get a labelled lane of their own; more are packed into
# unlabelled rows where they do not overlap (as TimelineJS stacks its cards), at most
# PACKED_ROWS of them, so that 300 events are not a 300-lane, 8,000-pixel chart.
MAX_EVENT_LANES = 60
PACKED_ROWS = 24
# Room a point needs in a packed row, as a share of the initially visible time span.
PACKED_GAP = 1 / 60
# A long timeline's initial view starts at its first event at most this many days before
# the first article (the run-up its articles look back on), and spans at least
# MIN_VIEW_DAYS, with EDGE_SHARE of its span left before the first event.
LEAD_DAYS = 30
MIN_VIEW_DAYS = 14
EDGE_SHARE = 0.03
# Without the first article's date, a long timeline's initial view starts near this
# quantile of its events' dates, so that background dates ("1949") do not squash the story
# (see _story_start).
OPENING_SKIP = 0.1
# The initial view of a long timeline ends at most this long after the latest article,
# however far a vague scheduled interval ("this year") reaches.
AHEAD_DAYS = 365
LANE_LABEL = 60
# Characters of an outlet's name on the sources chart's axis.
OUTLET_LABEL = 40
# A day in milliseconds, the unit of a plotly date axis.
DAY_MS = 86_400_000
# The event timeline's dates sit above it, where a reader starts, so that a timeline taller
# than the window keeps its dates in view; the zoom buttons go this many pixels higher,
# clear of the date labels (two lines where a year begins), within a top margin of
# TIMELINE_TOP pixels.
BUTTONS_LIFT = 42
TIMELINE_TOP = 86
# Fixed margins, in pixels, of the timelines whose axis labels are known in advance (dates,
# counts, unlabelled packed rows): drawn with these, plotly.js does not measure its labels and
# draw the chart a second time with wider margins ("automargin"), which took a quarter of a
# timeline's drawing time in Chromium (docs/benchmarks.md, "Dashboard speed"). COUNTS_LEFT
# holds a count axis's numbers and title; the legend sits LEGEND_GAP below the plot area (below
# the dates where they run along the bottom), LEGEND_ROOM high: two rows of entries.
COUNTS_LEFT = 60
LEGEND_GAP = 24
DATES_BELOW = 32
LEGEND_ROOM = 52
# Below a timeline whose dates run along the top: its legend.
TIMELINE_BOTTOM = LEGEND_GAP + LEGEND_ROOM
# Zoom buttons above a long timeline: the last month, three, six, a year, everything.
RANGE_BUTTONS = [
    *({"count": n, "label": f"{n}m", "step": "month", "stepmode": "backward"} for n in (1, 3, 6)),
    {"count": 1, "label": "1y", "step": "year", "stepmode": "backward"},
    {"step": "all", "label": "all"},
]


@lru_cache(maxsize=1)
def _palette_file() -> dict:
    text = resources.files("dashboard.data").joinpath("palette.toml").read_text("utf-8")
    return tomllib.loads(text)


def palette() -> dict[str, str]:
    """Status -> colour, from data/palette.toml."""
    return dict(_palette_file()["status"])


def categorical_colours() -> list[str]:
    """Colours for categories such as outlets, from data/palette.toml."""
    return list(_palette_file()["categorical"]["colours"])


def _esc(text: object) -> str:
    return html.escape(str(text))


def shorten(text: object, width: int) -> str:
    """``text`` on one line in at most ``width`` characters, cut after a whole word with an
    ellipsis (a single word longer than that is cut inside)."""
    folded = " ".join(str(text).split())
    if len(folded) <= width:
        return folded
    cut = textwrap.shorten(folded, width, placeholder="…")
    return cut if cut != "…" else folded[: width - 1] + "…"


def _label(text: object) -> str:
    return shorten(text, LANE_LABEL)


def _hover(frame: pd.DataFrame) -> list[str]:
    return [
        f"<b>{_esc(str(r.summary)[:160])}</b><br>{_esc(date_label(r.value))} · "
        f"{_esc(r.date_text or '')}"
        f"<br>Actors: {_esc(', '.join(list(r.actors)[:6]))}"
        f"<br>Sources ({int(r.source_count)}): {_esc(', '.join(list(r.sources)[:8]))}"
        for r in frame.itertuples()
    ]


def dated_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events with a date, with datetime ``earliest``/``latest`` columns."""
    dated = events[events["earliest"].notna()].copy()
    dated["earliest"] = pd.to_datetime(dated["earliest"])
    dated["latest"] = pd.to_datetime(dated["latest"]).fillna(dated["earliest"])
    return dated


def _lanes(dated: pd.DataFrame, lanes: str, packing: pd.Timedelta | None) -> pd.DataFrame:
    """One row per (event, lane): the event's own lane, or packed rows ``packing`` apart,
    or one lane per leading actor."""
    if packing is not None:
        return dated.assign(lane=packed_rows(dated, packing))
    if lanes != "actor":
        return dated.assign(lane=[_label(s) for s in dated["summary"]])
    rows = dated.assign(lane=dated["actors"].apply(lambda names: list(names)[:3] or ["(none)"]))
    rows = rows.explode("lane")
    top = rows["lane"].value_counts().head(MAX_ACTOR_LANES).index
    return rows[rows["lane"].isin(top)]


def _lane_order(laid: pd.DataFrame, xaxis: dict[str, object]) -> list[str]:
    """Event lanes from the top: by date, but the events that end before the opening view
    last, so that a long story does not open on empty lanes of background years ("In 2008,
    NATO had expressed support...": the "all" button shows them)."""
    start = pd.Timestamp(xaxis["range"][0]) if "range" in xaxis else None  # type: ignore[index]
    before = laid["latest"] < start if start is not None else False
    ordered = laid.assign(_before=before).sort_values(["_before", "earliest"], kind="stable")
    return list(dict.fromkeys(ordered["lane"]))


def packed_rows(dated: pd.DataFrame, gap: pd.Timedelta) -> list[int]:
    """A row for each event (in ``dated``'s order) such that the events of one row are at
    least ``gap`` apart: greedy interval packing in date order, the first free row of at
    most PACKED_ROWS; when every row is taken, the one free soonest."""
    # Written here: this is a dozen lines of interval scheduling, and the libraries that
    # lay out timelines (TimelineJS, vis-timeline) do it in the browser, not for plotly.
    order = sorted(range(len(dated)), key=lambda k: dated["earliest"].iloc[k])
    free_at: list[pd.Timestamp] = []  # per row: when its last event (plus the gap) ends
    rows = [0] * len(dated)
    for k in order:
        start, end = dated["earliest"].iloc[k], dated["latest"].iloc[k]
        row = next((r for r, t in enumerate(free_at) if t <= start), None)
        if row is None and len(free_at) < PACKED_ROWS:
            row = len(free_at)
            free_at.append(start)
        elif row is None:
            row = min(range(len(free_at)), key=free_at.__getitem__)
        free_at[row] = max(end, start) + gap
        rows[k] = row
    return rows


def timeline_figure(
    events: pd.DataFrame,
    now: date | None = None,
    *,
    lanes: str = "event",
    since: date | None = None,
    until: date | None = None,
) -> go.Figure:
    """Events on a date axis: day events as points, vaguer ones as bars over their interval,
    marker size by source count, colour by status, a line at the latest article (``now``).
    ``since``, the first article's date, tells where a long story's opening view begins;
    ``until`` (default ``now``), the last article's of the events shown, where it ends (an
    actor's page opens on the articles that name them, not on the whole corpus's span).

    With more than MAX_POINTS dated events it draws weekly counts plus the TOP_EVENTS
    best-sourced events instead (see ``aggregated``)."""
    dated = dated_events(events) if not events.empty else events
    if len(dated) > MAX_POINTS:
        return _aggregated_figure(dated, now, since, until)
    fig = go.Figure()
    colours = palette()
    xaxis = _xaxis(dated, now, since, until)
    packed = lanes != "actor" and len(dated) > MAX_EVENT_LANES
    if not dated.empty:
        packing = _visible_span(dated, xaxis) * PACKED_GAP if packed else None
        laid = _lanes(dated, lanes, packing)
        for status, group in laid.groupby("status", sort=False):
            colour = colours.get(str(status), colours["undated"])
            spans = group[group["latest"] > group["earliest"]]
            days = group[group["latest"] <= group["earliest"]]
            if not spans.empty:
                fig.add_trace(
                    go.Bar(
                        base=spans["earliest"],
                        x=(spans["latest"] - spans["earliest"] + pd.Timedelta(days=1))
                        .dt.total_seconds()
                        .mul(1000),
                        y=spans["lane"],
                        orientation="h",
                        # one lane high: with numbered rows plotly would size a bar by the
                        # gaps between its own trace's rows
                        width=0.8,
                        marker={"color": colour, "opacity": 0.45},
                        name=f"{status} (interval)",
                        hovertext=_hover(spans),
                        hoverinfo="text",
                        customdata=spans["event_id"],
                    )
                )
            if not days.empty:
                fig.add_trace(
                    go.Scatter(
                        x=days["earliest"],
                        y=days["lane"],
                        mode="markers",
                        marker={
                            "size": 8 + 4 * days["source_count"].clip(upper=10),
                            "color": colour,
                            "symbol": "diamond" if status == "scheduled" else "circle",
                            "line": {"width": 1, "color": "white"},
                        },
                        name=str(status),
                        hovertext=_hover(days),
                        hoverinfo="text",
                        customdata=days["event_id"],
                    )
                )
        n_lanes = laid["lane"].nunique()
        order = _lane_order(laid, xaxis) if lanes != "actor" and not packed else None
    else:
        n_lanes = 0
        order = None
    _now_line(fig, now, label_below=True)
    height = max(320, 26 * n_lanes + 140)
    xaxis["side"] = "top"
    if "rangeselector" in xaxis:
        plot_height = height - TIMELINE_TOP - TIMELINE_BOTTOM
        xaxis["rangeselector"] = {
            **xaxis["rangeselector"],  # type: ignore[dict-item]
            "y": 1 + BUTTONS_LIFT / plot_height,
            "yanchor": "bottom",
        }
    # Lanes named after events or actors need room for their names, which only the browser
    # can measure (automargin); dates on top and unlabelled packed rows get fixed margins.
    labelled = not packed and n_lanes > 0
    xaxis["automargin"] = False
    fig.update_layout(
        xaxis=xaxis,
        yaxis={
            "title": None,
            "automargin": labelled,
            "autorange": "reversed",
            **({"categoryorder": "array", "categoryarray": order} if order else {}),
            # packed rows are numbers, not names: the hover says what each point is
            "showticklabels": not packed,
            "showgrid": not packed,
        },
        height=height,
        margin={"l": 10, "r": 10, "t": TIMELINE_TOP, "b": TIMELINE_BOTTOM},
        legend=_legend_below(height - TIMELINE_TOP - TIMELINE_BOTTOM, LEGEND_GAP),
        barmode="overlay",
        clickmode="event+select",
    )
    return fig


def _legend_below(plot_height: int, gap: int) -> dict[str, object]:
    """A horizontal legend ``gap`` pixels below a plot area ``plot_height`` pixels high."""
    return {"orientation": "h", "y": -gap / max(plot_height, 1), "yanchor": "top"}


def weekly_counts(dated: pd.DataFrame) -> pd.DataFrame:
    """Events per week (by the week their interval starts) and status."""
    week = dated["earliest"].dt.to_period("W").dt.start_time
    return (
        dated.assign(week=week)
        .groupby(["week", "status"], observed=True)
        .size()
        .rename("events")
        .reset_index()
    )


def _aggregated_figure(
    dated: pd.DataFrame, now: date | None, since: date | None, until: date | None = None
) -> go.Figure:
    """Weekly counts by status, with the best-sourced events as points above them."""
    colours = palette()
    fig = go.Figure()
    counts = weekly_counts(dated)
    for status, group in counts.groupby("status", sort=False):
        fig.add_trace(
            go.Bar(
                x=group["week"],
                y=group["events"],
                name=f"{status} (events per week)",
                marker={"color": colours.get(str(status), colours["undated"]), "opacity": 0.5},
                hovertemplate="week of %{x|%d %b %Y}: %{y} events<extra></extra>",
            )
        )
    top = dated.nlargest(TOP_EVENTS, "source_count")
    peak = max(1, int(counts.groupby("week")["events"].sum().max()))
    fig.add_trace(
        go.Scatter(
            x=top["earliest"],
            y=[peak * 1.08] * len(top),
            mode="markers",
            marker={
                "size": 6 + 2 * top["source_count"].clip(upper=12),
                "color": [colours.get(str(s), colours["undated"]) for s in top["status"]],
                "line": {"width": 1, "color": "white"},
            },
            name=f"top {len(top)} events by sources",
            hovertext=_hover(top),
            hoverinfo="text",
            customdata=top["event_id"],
        )
    )
    _now_line(fig, now)
    height, top, bottom = 420, 35, DATES_BELOW + LEGEND_GAP + LEGEND_ROOM
    fig.update_layout(
        xaxis={**_xaxis(dated, now, since, until), "automargin": False},
        yaxis={"title": "events", "automargin": False},
        barmode="stack",
        height=height,
        margin={"l": COUNTS_LEFT, "r": 10, "t": top, "b": bottom},
        legend=_legend_below(height - top - bottom, DATES_BELOW + LEGEND_GAP),
        clickmode="event+select",
    )
    return fig


def _now_line(fig: go.Figure, now: date | None, *, label_below: bool = False) -> None:
    """A dashed line at the latest article, labelled at the top of the plot, or just below
    it where the dates run along the top (there the label sat on the first lane's bar)."""
    if now is None:
        return
    fig.add_vline(x=pd.Timestamp(now).timestamp() * 1000, line_dash="dash", line_color="#777")
    fig.add_annotation(
        x=pd.Timestamp(now),
        y=0 if label_below else 1,
        yref="paper",
        yanchor="top",
        xanchor="right",  # left of the line: at the right edge it was cut off
        text="latest article",
        showarrow=False,
    )


def _xaxis(
    dated: pd.DataFrame, now: date | None, since: date | None, until: date | None = None
) -> dict[str, object]:
    xaxis: dict[str, object] = {"type": "date", "title": None}
    now = until or now
    if now is not None and not dated.empty:
        first, last = dated["earliest"].min(), dated["latest"].max()
        if (last - first).days > 120:
            # A long story opens on the time its articles cover, from a month before the
            # first (without it: on most of its events, see _story_start); background years
            # ("1949") are left to the "all" button, and the view ends after
            # the last event that starts by AHEAD_DAYS from the latest article (a vague "this
            # year" does not stretch it by months). Buttons zoom to the last weeks; buttons,
            # not a range slider: a slider draws every trace a second time, which doubled
            # the browser's work on each filter change.
            today = pd.Timestamp(now)
            horizon = today + pd.Timedelta(days=AHEAD_DAYS)
            starts = dated["earliest"][dated["earliest"] <= horizon]
            end = max(today, starts.max()) if not starts.empty else today
            if since is not None:
                # The run-up: from the first event of the month before the first article
                # (not from the month's start: an empty month squeezed a week-long story).
                lead = pd.Timestamp(since) - pd.Timedelta(days=LEAD_DAYS)
                run_up = dated["earliest"][dated["earliest"] >= lead]
                story = run_up.min() if not run_up.empty else lead
            else:
                story = _story_start(dated["earliest"], today)
            begin = min(story, end - pd.Timedelta(days=MIN_VIEW_DAYS))
            begin -= max(pd.Timedelta(days=1), (end - begin) * EDGE_SHARE)  # a point's room
            xaxis["range"] = [begin, end + pd.Timedelta(days=5)]
            xaxis["rangeselector"] = {"buttons": RANGE_BUTTONS}
    return xaxis


def _story_start(starts: pd.Series, today: pd.Timestamp) -> pd.Timestamp:
    """Where the story of these event starts begins, leaving out background dates: from
    the OPENING_SKIP quantile, back by a quarter of the time from there to ``today``, to the
    first event at or after that."""
    q = starts.quantile(OPENING_SKIP, interpolation="higher")
    reach = q - (today - q) * 0.25 if today > q else q
    return starts[starts >= reach].min()


def _visible_span(dated: pd.DataFrame, xaxis: dict[str, object]) -> pd.Timedelta:
    """The time the initial view spans: its range, else the events' own span (one day at
    least)."""
    if "range" in xaxis:
        low, high = (pd.Timestamp(x) for x in xaxis["range"])  # type: ignore[union-attr]
    else:
        low, high = dated["earliest"].min(), dated["latest"].max()
    return max(high - low, pd.Timedelta(days=1))


def sources_figure(events: pd.DataFrame) -> go.Figure:
    """Events per outlet, as horizontal bars (single-source events shown apart)."""
    exploded = events[["event_id", "sources", "source_count"]].explode("sources").dropna()
    single = exploded[exploded["source_count"] == 1].groupby("sources")["event_id"].nunique()
    total = exploded.groupby("sources")["event_id"].nunique().sort_values()
    single = single.reindex(total.index, fill_value=0)
    colours = palette()
    fig = go.Figure(
        [
            go.Bar(
                x=total.values - single.values,
                y=total.index,
                orientation="h",
                name="also reported elsewhere",
                marker={"color": colours["past"]},
            ),
            go.Bar(
                x=single.values,
                y=single.index,
                orientation="h",
                name="only this outlet",
                marker={"color": colours["scheduled"]},
            ),
        ]
    )
    fig.update_layout(
        barmode="stack",
        height=max(250, 30 * len(total) + 100),
        xaxis_title="events",
        # The legend above the bars: below them it sat on the axis title.
        margin={"l": 10, "r": 10, "t": 40, "b": 30},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        # A source with no outlet is named by its article's title: shortened on the axis
        # (the full name stays in the hover), it no longer takes half the chart's width.
        yaxis={
            "tickmode": "array",
            "tickvals": list(total.index),
            "ticktext": [shorten(name, OUTLET_LABEL) for name in total.index],
        },
    )
    return fig


def coverage_matrix(events: pd.DataFrame, max_events: int = 300) -> pd.DataFrame:
    """Event-by-outlet table: one row per event (most sources first), a column per outlet
    holding True where the outlet reports it."""
    if events.empty:
        return pd.DataFrame()
    top = events.sort_values(["source_count", "earliest"], ascending=[False, True]).head(max_events)
    exploded = top[["event_id", "sources"]].explode("sources").dropna()
    matrix = pd.crosstab(exploded["event_id"], exploded["sources"]).astype(bool)
    outlets = matrix.sum().sort_values(ascending=False).index
    matrix = matrix.reindex(index=top["event_id"], columns=outlets, fill_value=False)
    head = top.set_index("event_id")[["value", "summary", "source_count"]]
    head["summary"] = head["summary"].map(_label)
    return head.join(matrix).reset_index(drop=True)


# Up to this many, a count axis gets a tick at every whole number (plotly puts halves).
SMALL_COUNT = 10


def articles_figure(articles: pd.DataFrame) -> go.Figure:
    """Articles per outlet and publication day."""
    frame = articles.assign(
        outlet=articles["outlet"].fillna("(unknown outlet)"),
        day=pd.to_datetime(articles["published"]),
    ).dropna(subset=["day"])
    counts = frame.groupby(["day", "outlet"]).size().rename("articles").reset_index()
    fig = go.Figure()
    for outlet, group in counts.groupby("outlet"):
        fig.add_trace(
            go.Bar(
                x=group["day"],
                y=group["articles"],
                name=str(outlet),
                width=DAY_MS * 0.8,  # a day wide, whatever the span (one day filled the axis)
                hovertemplate="%{x|%d %b %Y}: %{y} articles<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        height=320,
        yaxis_title="articles",
        # Days, not times of day: one publication day was labelled "00:00:00".
        xaxis={"type": "date", "tickformat": "%d %b %Y", "hoverformat": "%d %b %Y"},
        margin={"l": 10, "r": 10, "t": 40, "b": 30},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        colorway=categorical_colours(),
    )
    if not counts.empty and counts["day"].max() - counts["day"].min() < pd.Timedelta(days=14):
        # A few days: a tick a day around them (left alone, plotly ticks hours of one day).
        pad = pd.Timedelta(days=3)
        fig.update_xaxes(dtick=DAY_MS, range=[counts["day"].min() - pad, counts["day"].max() + pad])
    stacked = counts.groupby("day")["articles"].sum()
    if not stacked.empty and stacked.max() <= SMALL_COUNT:
        fig.update_yaxes(dtick=1)  # whole articles: no "1.5" tick between 1 and 2
    return fig


def actor_counts(events: pd.DataFrame) -> pd.Series:
    """Number of events per actor name, most first."""
    if events.empty:
        return pd.Series(dtype="int64")
    return events["actors"].explode().dropna().value_counts()

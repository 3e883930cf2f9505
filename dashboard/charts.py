"""Pure chart functions: DataFrame in, plotly Figure out."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

STATUS_COLOURS = {
    "past": "#1f77b4",
    "scheduled": "#d62728",
    "ongoing": "#2ca02c",
    "undated": "#7f7f7f",
}


def _hover(frame: pd.DataFrame) -> list[str]:
    return [
        f"<b>{_esc(r.summary)[:160]}</b><br>{_esc(r.value or '')} {_esc(r.date_text or '')}"
        f"<br>Actors: {_esc(', '.join(r.actors[:6]))}"
        f"<br>Sources ({int(r.source_count)}): {_esc(', '.join(r.sources[:8]))}"
        for r in frame.itertuples()
    ]


def _esc(text: object) -> str:
    import html

    return html.escape(str(text))


def timeline_figure(events: pd.DataFrame, now: date | None = None) -> go.Figure:
    """Events on a date axis: day events as points, vaguer ones as bars over their interval."""
    fig = go.Figure()
    dated = events[events["earliest"].notna()].copy() if not events.empty else events
    if not dated.empty:
        dated["earliest"] = pd.to_datetime(dated["earliest"])
        dated["latest"] = pd.to_datetime(dated["latest"]).fillna(dated["earliest"])
        dated["lane"] = [str(s)[:60] + ("…" if len(str(s)) > 60 else "") for s in dated["summary"]]
        for status, group in dated.groupby("status"):
            colour = STATUS_COLOURS.get(str(status), "#444")
            spans = group[group["latest"] > group["earliest"]]
            days = group[group["latest"] <= group["earliest"]]
            if not spans.empty:
                fig.add_trace(
                    go.Bar(
                        base=spans["earliest"],
                        x=(
                            spans["latest"] - spans["earliest"] + pd.Timedelta(days=1)
                        ).dt.total_seconds()
                        * 1000,
                        y=spans["lane"],
                        orientation="h",
                        marker_color=colour,
                        opacity=0.45,
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
                            "line": {"width": 1, "color": "white"},
                        },
                        name=str(status),
                        hovertext=_hover(days),
                        hoverinfo="text",
                        customdata=days["event_id"],
                    )
                )
    if now is not None:
        fig.add_vline(x=pd.Timestamp(now).timestamp() * 1000, line_dash="dash", line_color="#555")
        fig.add_annotation(
            x=pd.Timestamp(now), y=1, yref="paper", text="latest article", showarrow=False
        )
    xaxis: dict[str, object] = {"type": "date", "title": None}
    if now is not None and not dated.empty:
        first, last = dated["earliest"].min(), dated["latest"].max()
        if (last - first).days > 120:
            # A long story opens on its last weeks; the range slider reaches the rest.
            xaxis["range"] = [
                pd.Timestamp(now) - pd.Timedelta(days=21),
                last + pd.Timedelta(days=5),
            ]
            xaxis["rangeslider"] = {"visible": True, "thickness": 0.06}
    fig.update_layout(
        xaxis=xaxis,
        yaxis={"title": None, "automargin": True},
        height=max(320, 26 * len(dated) + 120) if not dated.empty else 320,
        margin={"l": 10, "r": 10, "t": 30, "b": 30},
        legend={"orientation": "h", "y": -0.1},
        barmode="overlay",
    )
    return fig


def sources_figure(events: pd.DataFrame) -> go.Figure:
    """Events per outlet, as horizontal bars."""
    exploded = events[["event_id", "sources"]].explode("sources").dropna()
    counts = exploded.groupby("sources")["event_id"].nunique().sort_values()
    fig = go.Figure(go.Bar(x=counts.values, y=counts.index, orientation="h"))
    fig.update_layout(
        height=max(250, 30 * len(counts) + 80),
        xaxis_title="events",
        margin={"l": 10, "r": 10, "t": 20, "b": 30},
    )
    return fig


def actor_counts(events: pd.DataFrame) -> pd.Series:
    """Number of events per actor name, most first."""
    if events.empty:
        return pd.Series(dtype="int64")
    return events["actors"].explode().dropna().value_counts()

"""Streamlit dashboard: thin over the store, the filters and the charts."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import charts, exports, settings
from dashboard.filters import Filters, apply_filters, filters_from_params, filters_to_params
from dashboard.store import Store, StoreError

VIEWS = ("Timeline", "Sources", "Actors", "Table")


@st.cache_data(show_spinner=False, max_entries=8)
def load_frames(path: str, mtime: float, corpus: str) -> dict[str, pd.DataFrame]:
    """The frames of one corpus, cached by store file, its mtime and the corpus name."""
    store = Store(path)
    return {
        "events": store.events_frame(corpus),
        "mentions": store.mentions_frame(corpus),
        "articles": store.articles_frame(corpus),
    }


def ensure_store(path: Path) -> Store:
    """The store at ``path``; a missing store is built from the seeds (for hosted apps)."""
    store = Store(path)
    if not path.exists() and settings.SEEDS_DIR.is_dir():
        from dashboard.pipeline import run

        with st.spinner("Building the seed corpus…"):
            store.write_corpus(run([settings.SEEDS_DIR]), settings.DEFAULT_CORPUS)
    return store


def main() -> None:
    st.set_page_config(page_title="Storyline", layout="wide")
    st.title("Storyline")
    path = settings.default_db()
    try:
        store = ensure_store(path)
        corpora = store.corpora()
    except StoreError as exc:
        st.error(str(exc))
        return
    if not corpora:
        st.error(f"No corpus in {path}. Run `storyline build` first.")
        return
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    chosen, notes = filters_from_params(params, corpora, VIEWS)
    for note in notes:
        st.info(note)
    frames = load_frames(str(path), path.stat().st_mtime, chosen.corpus)
    events = frames["events"]

    with st.sidebar:
        corpus = st.selectbox("Corpus", corpora, index=corpora.index(chosen.corpus))
        counts = charts.actor_counts(events)
        options = list(counts.index)
        actors = st.multiselect(
            "Actors",
            options,
            default=[a for a in chosen.actors if a in options],
            help="Actors in order of how many events they appear in.",
        )
        st.caption(", ".join(f"{a} ({counts[a]})" for a in options[:8]))
        dated = pd.to_datetime(events["earliest"]).dropna()
        lo = dated.min().date() if not dated.empty else date.today()
        hi = pd.to_datetime(events["latest"]).dropna().max()
        hi = hi.date() if not pd.isna(hi) else lo
        start = max(lo, min(chosen.start or lo, hi))
        end = min(hi, max(chosen.end or hi, lo))
        picked = st.date_input("Date range", value=(start, end), min_value=lo, max_value=hi)
        view = st.radio("View", VIEWS, index=VIEWS.index(chosen.view))
    if isinstance(picked, tuple) and len(picked) == 2:
        start, end = picked
    current = Filters(
        corpus=corpus,
        actors=actors,
        start=start if start != lo else None,
        end=end if end != hi else None,
        view=view,
        event=chosen.event,
    )
    new_params = filters_to_params(current)
    if new_params != {k: v for k, v in params.items() if k in new_params or v}:
        st.query_params.clear()
        st.query_params.update(new_params)
    st.caption("The URL holds these filters: copy it from the address bar to share this view.")

    shown = apply_filters(events, current)
    st.write(f"**{len(shown)}** of {len(events)} events")
    now = pd.to_datetime(frames["articles"]["published"]).max()
    now_day = now.date() if not pd.isna(now) else None
    if view == "Timeline":
        st.plotly_chart(charts.timeline_figure(shown, now_day), width="stretch")
    elif view == "Sources":
        st.plotly_chart(charts.sources_figure(shown), width="stretch")
    elif view == "Actors":
        render_actor(shown, frames["mentions"], actors)
    else:
        st.dataframe(
            shown[["value", "status", "summary", "actors", "source_count", "sources"]],
            hide_index=True,
        )
    render_detail(shown, frames["mentions"])
    render_exports(shown, frames["mentions"], now_day)


def render_actor(events: pd.DataFrame, mentions: pd.DataFrame, actors: list[str]) -> None:
    """Per-actor view: the actor's events and quotes."""
    names = actors or list(charts.actor_counts(events).index[:1])
    for name in names:
        st.subheader(name)
        own = events[events["actors"].apply(lambda a, n=name: n in list(a))]
        st.plotly_chart(charts.timeline_figure(own), width="stretch", key=f"actor-{name}")
        quotes = mentions[(mentions["speaker"] == name) & mentions["quote"].notna()]
        for q in quotes["quote"].drop_duplicates().head(10):
            st.text(f"“{q}”")


def render_detail(events: pd.DataFrame, mentions: pd.DataFrame) -> None:
    """Every mention of one event, grouped by outlet; article text is always escaped."""
    if events.empty:
        return
    labels = {r.event_id: f"{r.value or 'undated'} · {r.summary[:90]}" for r in events.itertuples()}
    event_id = st.selectbox("Event detail", list(labels), format_func=labels.get)
    rows = mentions[mentions["event_id"] == event_id]
    for outlet, group in rows.groupby(rows["outlet"].fillna("(unknown outlet)")):
        st.markdown(f"**{html.escape(str(outlet))}**")
        for r in group.itertuples():
            st.text(r.sentence)


def render_exports(events: pd.DataFrame, mentions: pd.DataFrame, now: date | None) -> None:
    """Download buttons for the filtered events."""
    cols = st.columns(3)
    cols[0].download_button("CSV", exports.to_csv(events, mentions), "events.csv", mime="text/csv")
    cols[1].download_button(
        "JSON", exports.to_json(events, mentions), "events.json", mime="application/json"
    )
    cols[2].download_button(
        "iCalendar (upcoming)",
        exports.to_ics(events, now or date.today()),
        "upcoming.ics",
        mime="text/calendar",
    )


if __name__ == "__main__":
    main()

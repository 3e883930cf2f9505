"""Streamlit dashboard: thin over the store, the filters, the charts and the views.

Every filter, the view and the event shown live in the URL's query parameters, read when a
page opens and written back on each change, so a copied link reopens exactly that view.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import settings
from dashboard.filters import (
    Filters,
    ListIndex,
    apply_filters,
    filters_from_params,
    filters_to_params,
    known_only,
)
from dashboard.labels import date_label
from dashboard.models import STATUSES
from dashboard.store import Store, StoreError
from dashboard.views import ViewContext, actors, detail, export, sources, table, timeline, upload

VIEWS = ("Timeline", "Sources", "Actors", "Table", "Upcoming", "Export", "Upload")
# Session-state keys of the widgets that mirror the URL.
STATE_KEYS = ("corpus", "actors", "dates", "outlets", "statuses", "min_sources", "q", "view")


@dataclass(frozen=True, slots=True)
class CorpusFrames:
    """The read-only frames of one corpus that every view shares."""

    events: pd.DataFrame
    articles: pd.DataFrame
    actor_counts: pd.Series
    outlet_counts: pd.Series
    lists: ListIndex
    # Ids of events of earlier builds -> the event holding most of their mentions now.
    aliases: dict[str, str]
    # The events' first and last days (the date filter's bounds) and the first and latest
    # articles' publication days: read once, not on every rerun (0.01-0.08 s at 100,000).
    bounds: tuple[date, date]
    since: date | None
    now: date | None
    # "name (events)" of each actor and of each outlet, as the sidebar lists them (apart: an
    # outlet can share a name with an actor).
    actor_labels: dict[str, str]
    outlet_labels: dict[str, str]


# cache_resource hands every session the same objects (no unpickling of large frames on each
# rerun); the key holds the store file, its modification time and the corpus, so a rebuilt
# store or another corpus never gets stale or foreign rows. Views never modify these frames.
@st.cache_resource(show_spinner=False, max_entries=16)
def load_corpus(path: str, mtime: float, corpus: str) -> CorpusFrames:
    """The frames of one corpus, cached by store file, its mtime and the corpus name."""
    store = Store(path)
    events = store.events_frame(corpus)
    articles = store.articles_frame(corpus)
    lists = ListIndex.of(events)  # the lists exploded once: the filters and the counts use it
    actor_counts, outlet_counts = lists.actors.value_counts(), lists.sources.value_counts()
    published = pd.to_datetime(articles["published"])
    since, now = (None if pd.isna(d) else d.date() for d in (published.min(), published.max()))
    return CorpusFrames(
        events=events,
        articles=articles,
        actor_counts=actor_counts,
        outlet_counts=outlet_counts,
        lists=lists,
        aliases=store.event_aliases(corpus),
        bounds=_date_bounds(events),
        since=since,
        now=now,
        actor_labels={str(name): f"{name} ({n})" for name, n in actor_counts.items()},
        outlet_labels={str(name): f"{name} ({n})" for name, n in outlet_counts.items()},
    )


@st.cache_data(show_spinner=False, max_entries=8)
def corpus_names(path: str, mtime: float) -> list[str]:
    """The store's corpora, read once per version of the store file."""
    return Store(path).corpora()


def ensure_store(path: Path) -> Store:
    """The store at ``path``; a missing store is built from the seeds (for hosted apps)."""
    store = Store(path)
    if not path.exists() and settings.SEEDS_DIR.is_dir():
        from dashboard.pipeline import run

        with st.spinner("Building the seed corpus…"):
            store.write_corpus(run([settings.SEEDS_DIR]), settings.DEFAULT_CORPUS)
    return store


def _from_url(corpora: list[str]) -> Filters:
    """Filters from the URL, once per session (later the widgets hold them)."""
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    chosen, notes = filters_from_params(params, corpora, VIEWS)
    st.session_state["notes"] = notes
    st.session_state["corpus"] = chosen.corpus
    st.session_state["view"] = chosen.view
    st.session_state["lanes"] = chosen.lanes
    st.session_state["pending"] = chosen  # applied once the corpus's options are known
    return chosen


def _seed_widgets(chosen: Filters, frames: CorpusFrames, lo: date, hi: date) -> None:
    """Put the URL's filters into the widgets, dropping what this corpus does not have."""
    notes = known_only(chosen, list(frames.actor_counts.index), list(frames.outlet_counts.index))
    st.session_state["notes"] = st.session_state.get("notes", []) + notes
    st.session_state["actors"] = chosen.actors
    st.session_state["outlets"] = chosen.outlets
    st.session_state["statuses"] = chosen.statuses
    st.session_state["min_sources"] = chosen.min_sources
    st.session_state["q"] = chosen.text
    start = min(max(chosen.start or lo, lo), hi)
    end = max(min(chosen.end or hi, hi), lo)
    st.session_state["dates"] = (start, end)
    if chosen.event:
        st.session_state["event"] = _linked_event(chosen.event, frames)


def _linked_event(event_id: str, frames: CorpusFrames) -> str | None:
    """The event a link names, followed to where a later build put its mentions; a note
    says so, or says that the corpus has no such event."""
    known = set(frames.events["event_id"])
    if event_id in known:
        return event_id
    notes = st.session_state.setdefault("notes", [])
    moved = frames.aliases.get(event_id)
    if moved is not None and moved in known:
        notes.append(
            f"The linked event {event_id} was merged or split by a later build of this "
            "corpus: showing the event that now holds most of its reports."
        )
        return moved
    notes.append(f"The linked event {event_id[:40]!r} is not in this corpus.")
    return None


def _sidebar(frames: CorpusFrames, corpora: list[str], lo: date, hi: date) -> None:
    actor_counts, outlet_counts = frames.actor_counts, frames.outlet_counts
    for key, options in (("actors", actor_counts.index), ("outlets", outlet_counts.index)):
        have = set(options)
        st.session_state[key] = [v for v in st.session_state.get(key, []) if v in have]
    st.selectbox("Corpus", corpora, key="corpus")
    st.multiselect(
        "Actors",
        list(actor_counts.index),
        key="actors",
        format_func=frames.actor_labels.get,
        help="Actors in order of how many events they appear in.",
    )
    _date_range(lo, hi)
    st.multiselect(
        "Outlets", list(outlet_counts.index), key="outlets", format_func=frames.outlet_labels.get
    )
    st.multiselect("Status", list(STATUSES), key="statuses")
    st.number_input("Minimum sources", min_value=1, max_value=1000, step=1, key="min_sources")
    st.text_input("Search", key="q", placeholder="words in the summary or actor names")
    st.radio("View", VIEWS, key="view")


def _date_range(lo: date, hi: date) -> None:
    """The date range filter: a calendar in a popover, the range chosen written under it.

    In a popover, not in the sidebar itself: the browser loads a popover's body only when it
    is opened, and the date input's scripts (about 200 kB) and their rendering were the
    costliest part of a new visitor's first render (0.17 s of main-thread CPU of 1.3 s, and
    0.5 s sooner to the drawn timeline without them, docs/benchmarks.md). The label stays
    the same whatever is picked, so a rerun never closes the popover half way through."""
    with st.popover("Date range", width="stretch"):
        st.date_input("Date range", min_value=lo, max_value=hi, key="dates")
    picked = st.session_state.get("dates") or (lo, hi)
    if len(picked) == 2 and tuple(picked) != (lo, hi):
        st.caption(f"{date_label(picked[0].isoformat())} to {date_label(picked[1].isoformat())}")
    elif len(picked) == 2:
        st.caption(f"All dates: {date_label(lo.isoformat())} to {date_label(hi.isoformat())}")
    else:
        st.caption(f"From {date_label(picked[0].isoformat())}")


def _current(lo: date, hi: date) -> Filters:
    """The filters the widgets hold now."""
    state = st.session_state
    picked = state.get("dates") or (lo, hi)
    start, end = (picked[0], picked[1]) if len(picked) == 2 else (picked[0], hi)
    return Filters(
        corpus=state["corpus"],
        actors=list(state.get("actors", [])),
        start=start if start != lo else None,
        end=end if end != hi else None,
        outlets=list(state.get("outlets", [])),
        statuses=list(state.get("statuses", [])),
        min_sources=int(state.get("min_sources") or 1),
        text=str(state.get("q") or "").strip(),
        view=state["view"],
        event=state.get("event"),
        lanes=state.get("lanes", "event"),
    )


def _sync_url(current: Filters) -> None:
    """Write the filters to the URL when they differ from it."""
    wanted = filters_to_params(current)
    have = {k: st.query_params.get_all(k) for k in st.query_params}
    as_lists = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    if as_lists != have:
        st.query_params.from_dict(wanted)


def _date_bounds(events: pd.DataFrame) -> tuple[date, date]:
    earliest = pd.to_datetime(events["earliest"]).dropna()
    latest = pd.to_datetime(events["latest"]).dropna()
    lo = earliest.min().date() if not earliest.empty else date.today()
    hi = latest.max().date() if not latest.empty else lo
    return lo, max(lo, hi)


def _copy_link(current: Filters) -> None:
    """The shareable link of this view (the page's own URL, as the browser shows it)."""
    from urllib.parse import urlencode

    query = urlencode(filters_to_params(current), doseq=True)
    base = st.context.url.split("?")[0] if st.context.url else ""
    # A popover, not an expander: its body (and the code box's 1.5 MB highlighter script)
    # is only loaded when opened, so it costs a first visit nothing.
    with st.sidebar.popover("Copy link to this view", width="stretch"):
        st.code(f"{base}?{query}", language=None, wrap_lines=True)
        st.caption("The copy button at the right of the box copies it.")


def _run_marker() -> None:
    """An invisible element, last on the page, whose content changes with every run: the
    browser tests and bench/dashboard.py count finished runs by it. Streamlit's own
    script-state attribute can go to "running" and back within one render when a rerun is
    fast (a cached figure), and then no run is seen to finish."""
    runs = st.session_state.get("runs", 0) + 1
    st.session_state["runs"] = runs
    st.sidebar.html(f'<span class="sl-run" data-run="{runs}" hidden></span>')


def tcp_nodelay() -> int:
    """Turn Nagle's algorithm off on this process's TCP sockets (the server's listening
    socket, so every later connection inherits it, and the connections open now, this
    session's websocket among them); return how many were changed.

    Streamlit binds its listening socket itself, and asyncio sets TCP_NODELAY only on sockets
    whose protocol number says TCP, which that socket's does not: each response's body then
    waited for the browser's delayed acknowledgement of its headers, 40 ms, on every
    request after a connection's first (about 100 script files on a first visit)."""
    if socket.getdefaulttimeout() is not None:
        return 0  # wrapping a descriptor would then make it non-blocking: leave them be
    try:
        fds = os.listdir("/proc/self/fd")  # Linux; elsewhere left as it is
    except OSError:
        return 0
    changed = 0
    for fd in fds:
        try:
            sock = socket.socket(fileno=int(fd))
        except (OSError, ValueError):
            continue  # not a socket
        try:
            if (
                sock.family in (socket.AF_INET, socket.AF_INET6)
                and sock.type == socket.SOCK_STREAM
                and not sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            ):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                changed += 1
        except OSError:
            pass
        finally:
            sock.detach()  # the descriptor stays open: it is the server's, not ours
    return changed


def main() -> None:
    tcp_nodelay()
    st.set_page_config(page_title="Storyline", layout="wide")
    st.title("Storyline")
    path = settings.default_db()
    try:
        store = ensure_store(path)
        everything = corpus_names(str(path), path.stat().st_mtime) if path.exists() else []
    except StoreError as exc:
        st.error(str(exc))
        return
    state = st.session_state
    linked = st.query_params.get("corpus") if "corpus" not in state else state.get("corpus")
    corpora = upload.visible_corpora(everything, state.get("my_uploads", []), linked)
    if not corpora:
        st.error(f"No corpus in {path}. Run `storyline build` first.")
        return
    if "corpus_next" in state and state["corpus_next"] in corpora:
        state["corpus"] = state.pop("corpus_next")  # just uploaded: show it
    if "corpus" not in state or state["corpus"] not in corpora:
        _from_url(corpora)
    frames = load_corpus(str(path), path.stat().st_mtime, state["corpus"])
    lo, hi = frames.bounds
    if "pending" in state:
        _seed_widgets(state.pop("pending"), frames, lo, hi)
    elif state.get("loaded") != state["corpus"]:
        # Another corpus: its dates and events are not this one's.
        state.pop("event", None)
        state["dates"] = (lo, hi)
    state["loaded"] = state["corpus"]
    picked = state.get("dates") or (lo, hi)
    state["dates"] = tuple(min(max(d, lo), hi) for d in picked)
    with st.sidebar:
        _sidebar(frames, corpora, lo, hi)
    for note in st.session_state.get("notes", []):
        st.info(note)
    current = _current(lo, hi)
    shown = apply_filters(frames.events, current, frames.lists)
    ctx = ViewContext(
        store,
        current.corpus,
        frames.events,
        shown,
        frames.articles,
        frames.now,
        current,
        frames.since,
    )
    st.write(f"**{len(shown)}** of {len(frames.events)} events · corpus {current.corpus!r}")
    view = current.view
    if view not in ("Export", "Upload"):
        detail.prefetch(ctx)  # its mentions are read while the view is built
    clicked = None
    if view == "Timeline":
        clicked = timeline.render(ctx)
    elif view == "Sources":
        sources.render(ctx)
    elif view == "Actors":
        clicked = actors.render(ctx)
    elif view == "Table":
        table.render(ctx)
    elif view == "Upcoming":
        table.render_upcoming(ctx)
    elif view == "Export":
        export.render(ctx)
    elif view == "Upload":
        built = upload.render(store)
        if built:
            state["my_uploads"] = [*state.get("my_uploads", []), built]
            state["corpus_next"] = built
            st.rerun()
    if clicked and clicked != st.session_state.get("event"):
        st.session_state["event"] = clicked  # a click on a timeline opens that event's detail
    if view not in ("Export", "Upload"):
        detail.render(ctx)
    current.event = st.session_state.get("event")
    _sync_url(current)
    _copy_link(current)
    _run_marker()


if __name__ == "__main__":
    main()

"""Event detail: every mention grouped by outlet, the date phrase and names highlighted.

Article text is escaped before any markup is added around the highlighted spans, so a
sentence holding HTML or markdown shows as the characters it is made of.
"""

from __future__ import annotations

import html
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from urllib.parse import urlparse

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.charts import shorten
from dashboard.labels import date_label
from dashboard.store import Store
from dashboard.views import ViewContext

# Events offered by the detail picker at most.
MAX_CHOICES = 300
# Events whose mentions are kept per version of a store file.
MAX_KEPT = 256
# Runs the mentions query while the script builds the view (DuckDB lets go of the GIL).
_FETCHES = ThreadPoolExecutor(max_workers=2, thread_name_prefix="storyline-mentions")


def highlighted(sentence: str, start: int, spans: list[tuple[int, int, str]]) -> str:
    """HTML for a sentence (article offsets from ``start``) with spans marked by kind."""
    marks = sorted(
        (a - start, b - start, kind)
        for a, b, kind in spans
        if 0 <= a - start < b - start <= len(sentence)
    )
    out, pos = [], 0
    for a, b, kind in marks:
        if a < pos:
            continue  # overlapping spans: keep the first
        out.append(html.escape(sentence[pos:a]))
        out.append(f'<mark class="sl-{kind}">{html.escape(sentence[a:b])}</mark>')
        pos = b
    out.append(html.escape(sentence[pos:]))
    return "".join(out)


def safe_link(url: object) -> str | None:
    """The URL when it is http(s), else None (no javascript: or data: links)."""
    if not isinstance(url, str):
        return None
    parsed = urlparse(url.strip())
    return url.strip() if parsed.scheme in ("http", "https") and parsed.netloc else None


def _spans(row: pd.Series) -> list[tuple[int, int, str]]:
    spans = []
    if pd.notna(row["timex_start"]) and pd.notna(row["timex_end"]):
        spans.append((int(row["timex_start"]), int(row["timex_end"]), "date"))
    found = row["actor_spans"]
    # DuckDB hands a list column to pandas as numpy arrays: not a list, but a sequence.
    for span in found if isinstance(found, (list, tuple, np.ndarray)) else []:
        if span.get("start") is not None:
            spans.append((int(span["start"]), int(span["end"]), "actor"))
    return spans


def headline_event(events: pd.DataFrame) -> str:
    """The event a detail opens on before any is picked: the best-sourced, the latest of
    those (not the first by date, often a background line such as "In 2008, ...")."""
    order = events.assign(_day=pd.to_datetime(events["earliest"]))
    top = order.sort_values(["source_count", "_day"], ascending=False, na_position="last")
    return str(top["event_id"].iloc[0])


def label(row: object) -> str:
    """Option label of an event: its date (or "undated") and summary."""
    return f"{date_label(getattr(row, 'value', None))} · {shorten(getattr(row, 'summary', ''), 90)}"


class Mentions:
    """The mentions of events of one version of a store file, each read once, in a worker
    thread, over a connection kept open (opening one cost 20-60 ms of a 50-120 ms read).

    Keyed by corpus and event inside an object kept per store file and modification time
    (``mentions_of``): a rebuilt store gets a new one and a corpus never gets another's
    mentions. The frames are shared by every session: views only read them."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._con = store.reader()
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[str, str], Future[pd.DataFrame]] = OrderedDict()

    def fetch(self, corpus: str, event_id: str) -> Future[pd.DataFrame]:
        """The mentions of one event, being read or read already."""
        key = (corpus, event_id)
        with self._lock:
            future = self._kept.get(key)
            if future is None or (future.done() and future.exception() is not None):
                future = _FETCHES.submit(self._read, corpus, event_id)
                self._kept[key] = future
                while len(self._kept) > MAX_KEPT:
                    self._kept.popitem(last=False)
            self._kept.move_to_end(key)
        return future

    def _read(self, corpus: str, event_id: str) -> pd.DataFrame:
        with self._lock:  # one cursor per query: a connection is not for two threads at once
            cursor = self._con.cursor()
        try:
            return queries.event_mentions(self._store, corpus, [event_id], con=cursor)
        finally:
            cursor.close()


# One per store file and modification time (the current and the one before: every rerun
# reads the file's mtime afresh); an evicted version's connection closes once no session
# holds it, letting the replaced file go.
@st.cache_resource(show_spinner=False, max_entries=2)
def mentions_of(path: str, mtime: float) -> Mentions:
    """The mentions reader of one version of a store file."""
    return Mentions(Store(path))


def _choices(shown: pd.DataFrame, picked: str | None) -> pd.DataFrame:
    """The events the picker offers: all, or the best-sourced (and the one picked)."""
    if len(shown) <= MAX_CHOICES:
        return shown
    # A picker of 100,000 options is slow to send and useless to scroll: offer the
    # best-sourced events (and the one picked, e.g. by a click on the timeline).
    choices = shown.nlargest(MAX_CHOICES, "source_count")
    if picked is not None and picked not in set(choices["event_id"]):
        choices = pd.concat([shown[shown["event_id"] == picked], choices])
    return choices


def _shown_event(choices: pd.DataFrame, picked: str | None) -> str:
    """The event the detail shows: the one picked, else the headline event."""
    return picked if picked in set(choices["event_id"]) else headline_event(choices)


def prefetch(ctx: ViewContext) -> None:
    """Start reading the mentions of the event the detail will show, so the read runs while
    the view above it is built (picking an actor changes both)."""
    if ctx.shown.empty:
        return
    picked = st.session_state.get("event")
    event_id = _shown_event(_choices(ctx.shown, picked), picked)
    path = ctx.store.path
    mentions_of(str(path), path.stat().st_mtime).fetch(ctx.corpus, event_id)


def render(ctx: ViewContext) -> None:
    """The event picker and the chosen event's mentions."""
    shown = ctx.shown
    if shown.empty:
        return
    picked = st.session_state.get("event")
    choices = _choices(shown, picked)
    if len(choices) < len(shown):
        st.caption(
            f"The picker lists the {MAX_CHOICES} best-sourced of {len(shown):,} events: "
            "click one on the timeline or narrow the filters to reach the others."
        )
    labels = {r.event_id: label(r) for r in choices.itertuples()}
    if picked not in labels:
        st.session_state["event"] = _shown_event(choices, picked)
    event_id = st.selectbox("Event detail", list(labels), format_func=labels.get, key="event")
    event = shown[shown["event_id"] == event_id].iloc[0]
    st.html(
        f"<p><b>{html.escape(label(event))}</b><br>"
        f"{html.escape(str(event['status']))} · {int(event['source_count'])} outlets "
        f"({int(event['independent_count'])} independent reports) · "
        f"{html.escape(', '.join(event['actors'][:8]))}</p>"
    )
    path = ctx.store.path
    mentions = mentions_of(str(path), path.stat().st_mtime).fetch(ctx.corpus, event_id).result()
    style = "<style>mark.sl-date{background:#E69F0055}mark.sl-actor{background:#56B4E955}</style>"
    blocks = []
    outlets = mentions["outlet"].fillna("(unknown outlet)")
    for outlet, group in mentions.groupby(outlets, sort=False):
        blocks.append(f"<p><b>{html.escape(str(outlet))}</b> · {len(group)} mention(s)</p>")
        for _, row in group.iterrows():
            text = highlighted(row["sentence"], int(row["sentence_start"]), _spans(row))
            link = safe_link(row["url"])
            title = html.escape(str(row["title"])) if isinstance(row["title"], str) else ""
            if link:
                anchor = title or "article"
                title = f'<a href="{html.escape(link)}" rel="noopener noreferrer">{anchor}</a>'
            blocks.append(f"<blockquote>{text}<br><small>{title}</small></blockquote>")
    # One element for every outlet's mentions (each element costs the browser a render on
    # every rerun); st.html, not st.markdown: the escaped text is never read as markdown.
    if blocks:
        st.html(style + "".join(blocks))

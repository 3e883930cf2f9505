"""Event detail: every mention grouped by outlet, the date phrase and names highlighted.

Article text is escaped before any markup is added around the highlighted spans, so a
sentence holding HTML or markdown shows as the characters it is made of.
"""

from __future__ import annotations

import html
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


# Keyed by store file, its modification time, corpus and event: a rebuilt store or another
# corpus never gets another's mentions; reruns with the same event skip the query.
@st.cache_data(show_spinner=False, max_entries=256)
def _mentions(path: str, mtime: float, corpus: str, event_id: str) -> pd.DataFrame:
    return queries.event_mentions(Store(path), corpus, [event_id])


def render(ctx: ViewContext) -> None:
    """The event picker and the chosen event's mentions."""
    shown = ctx.shown
    if shown.empty:
        return
    picked = st.session_state.get("event")
    choices = shown
    if len(shown) > MAX_CHOICES:
        # A picker of 100,000 options is slow to send and useless to scroll: offer the
        # best-sourced events (and the one picked, e.g. by a click on the timeline).
        choices = shown.nlargest(MAX_CHOICES, "source_count")
        if picked is not None and picked not in set(choices["event_id"]):
            choices = pd.concat([shown[shown["event_id"] == picked], choices])
        st.caption(
            f"The picker lists the {MAX_CHOICES} best-sourced of {len(shown):,} events: "
            "click one on the timeline or narrow the filters to reach the others."
        )
    labels = {r.event_id: label(r) for r in choices.itertuples()}
    if picked not in labels:
        st.session_state["event"] = headline_event(choices)
    event_id = st.selectbox("Event detail", list(labels), format_func=labels.get, key="event")
    event = shown[shown["event_id"] == event_id].iloc[0]
    st.html(
        f"<p><b>{html.escape(label(event))}</b><br>"
        f"{html.escape(str(event['status']))} · {int(event['source_count'])} outlets "
        f"({int(event['independent_count'])} independent reports) · "
        f"{html.escape(', '.join(event['actors'][:8]))}</p>"
    )
    path = ctx.store.path
    mentions = _mentions(str(path), path.stat().st_mtime, ctx.corpus, event_id)
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

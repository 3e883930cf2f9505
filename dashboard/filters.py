"""Dashboard filters and their URL query-parameter form, in both directions.

A link holds everything a reader picked, so a copied URL reopens the same view. Values
from a URL are untrusted: unknown, repeated, oversized or malformed ones are dropped with a
note for the page to show, and nothing in a URL ever names a file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from dashboard.models import STATUSES

# Values longer than this in a query parameter are ignored.
MAX_PARAM_LENGTH = 200
# Repeated parameters (actor=, outlet=) beyond this many values are ignored.
MAX_PARAM_VALUES = 50
# The largest minimum-sources value a link may ask for.
MAX_MIN_SOURCES = 1000
LANES = ("event", "actor")
# Parameters that take one value; the others (actor, outlet, status) may repeat.
SINGLE = ("corpus", "view", "from", "to", "min_sources", "q", "event", "lanes")
REPEATED = ("actor", "outlet", "status")


@dataclass(slots=True)
class Filters:
    """What the reader picked: corpus, filters, view, lanes and the event shown in detail."""

    corpus: str
    actors: list[str] = field(default_factory=list)
    start: date | None = None
    end: date | None = None
    outlets: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    min_sources: int = 1
    text: str = ""
    view: str = "Timeline"
    event: str | None = None
    lanes: str = "event"


def filters_from_params(
    params: Mapping[str, Sequence[str]], corpora: Sequence[str], views: Sequence[str]
) -> tuple[Filters, list[str]]:
    """Filters from query parameters; bad or unknown values are dropped with a note."""
    notes: list[str] = []
    values: dict[str, list[str]] = {}
    for key, raw in params.items():
        if key not in SINGLE and key not in REPEATED:
            notes.append(f"Ignored unknown link parameter {key[:40]!r}.")
            continue
        kept = [v for v in raw if len(v) <= MAX_PARAM_LENGTH]
        if len(kept) < len(raw):
            notes.append(f"Ignored an over-long value of {key!r}.")
        if key in SINGLE and len(kept) > 1:
            notes.append(f"{key!r} was given {len(kept)} times; the first value is used.")
            kept = kept[:1]
        if len(kept) > MAX_PARAM_VALUES:
            notes.append(f"Only the first {MAX_PARAM_VALUES} values of {key!r} are used.")
            kept = kept[:MAX_PARAM_VALUES]
        values[key] = kept

    def one(key: str, default: str = "") -> str:
        return (values.get(key) or [default])[0]

    corpus = one("corpus")
    if corpus not in corpora:
        if corpus:
            notes.append(f"Unknown corpus {corpus[:40]!r}; showing {corpora[0]!r}.")
        corpus = corpora[0]
    view = one("view", views[0])
    if view not in views:
        notes.append(f"Unknown view {view[:40]!r}.")
        view = views[0]
    dates: dict[str, date | None] = {}
    for key in ("from", "to"):
        raw = one(key)
        try:
            dates[key] = date.fromisoformat(raw) if raw else None
        except ValueError:
            notes.append(f"Ignored the {key!r} date {raw[:40]!r}: not YYYY-MM-DD.")
            dates[key] = None
    statuses = [s for s in dict.fromkeys(values.get("status", [])) if s in STATUSES]
    if len(statuses) < len(set(values.get("status", []))):
        notes.append(f"Ignored unknown status values; known: {', '.join(STATUSES)}.")
    min_sources = 1
    raw = one("min_sources")
    if raw:
        if raw.isdigit() and 1 <= int(raw) <= MAX_MIN_SOURCES:
            min_sources = int(raw)
        else:
            notes.append(f"Ignored min_sources {raw[:20]!r}: not a number from 1 to 1000.")
    lanes = one("lanes", LANES[0])
    if lanes not in LANES:
        notes.append(f"Unknown lanes {lanes[:20]!r}; lanes are by event or by actor.")
        lanes = LANES[0]
    return (
        Filters(
            corpus=corpus,
            actors=list(dict.fromkeys(values.get("actor", []))),
            start=dates["from"],
            end=dates["to"],
            outlets=list(dict.fromkeys(values.get("outlet", []))),
            statuses=statuses,
            min_sources=min_sources,
            text=one("q").strip(),
            view=view,
            event=one("event") or None,
            lanes=lanes,
        ),
        notes,
    )


def known_only(filters: Filters, actors: Sequence[str], outlets: Sequence[str]) -> list[str]:
    """Drop actors and outlets the corpus does not have (in place); notes for the page."""
    notes = []
    for attr, known, label in ((("actors"), actors, "actor"), ("outlets", outlets, "outlet")):
        wanted = getattr(filters, attr)
        have = set(known)
        kept = [v for v in wanted if v in have]
        for missing in [v for v in wanted if v not in have][:5]:
            notes.append(f"No {label} {missing[:60]!r} in this corpus; ignored.")
        setattr(filters, attr, kept)
    return notes


def filters_to_params(filters: Filters) -> dict[str, str | list[str]]:
    """Query parameters for the filters, leaving out defaults."""
    params: dict[str, str | list[str]] = {"corpus": filters.corpus, "view": filters.view}
    if filters.actors:
        params["actor"] = list(filters.actors)
    if filters.start:
        params["from"] = filters.start.isoformat()
    if filters.end:
        params["to"] = filters.end.isoformat()
    if filters.outlets:
        params["outlet"] = list(filters.outlets)
    if filters.statuses:
        params["status"] = list(filters.statuses)
    if filters.min_sources > 1:
        params["min_sources"] = str(filters.min_sources)
    if filters.text:
        params["q"] = filters.text
    if filters.lanes != LANES[0]:
        params["lanes"] = filters.lanes
    if filters.event:
        params["event"] = filters.event
    return params


@dataclass(frozen=True, slots=True)
class ListIndex:
    """The events' actor and outlet lists, one row per (event, name), and for each name the
    positions of the events that hold it: built once per corpus, so a filter by actor or
    outlet is a lookup, not a pass over every event's list."""

    actors: pd.Series
    sources: pd.Series
    actor_rows: dict[str, np.ndarray]
    source_rows: dict[str, np.ndarray]

    @classmethod
    def of(cls, events: pd.DataFrame) -> ListIndex:
        actors = events["actors"].explode().dropna()
        sources = events["sources"].explode().dropna()
        return cls(actors, sources, _rows_by_name(events, actors), _rows_by_name(events, sources))


def _rows_by_name(events: pd.DataFrame, exploded: pd.Series) -> dict[str, np.ndarray]:
    """Each name in ``exploded`` (one row per event and name) -> the positions in ``events``
    of the events that hold it."""
    at = np.arange(len(events))[events.index.get_indexer(exploded.index)]
    groups = pd.Series(at).groupby(exploded.to_numpy(), sort=False).indices
    return {str(name): np.unique(at[rows]) for name, rows in groups.items()}


def _any_in(n_events: int, rows: Mapping[str, np.ndarray], wanted: Sequence[str]) -> np.ndarray:
    """A mask of the events holding any wanted name (``rows``: name -> their positions)."""
    mask = np.zeros(n_events, dtype=bool)
    for name in wanted:
        mask[rows.get(name, [])] = True
    return mask


def apply_filters(
    events: pd.DataFrame, filters: Filters, lists: ListIndex | None = None
) -> pd.DataFrame:
    """The events matching every filter (an event matches an actor or outlet filter if any
    of its actors or sources does). ``lists`` is ``ListIndex.of(events)`` when the caller
    keeps one."""
    keep = pd.Series(True, index=events.index)
    if filters.actors or filters.outlets:
        lists = lists or ListIndex.of(events)
    if filters.actors:
        keep &= _any_in(len(events), lists.actor_rows, filters.actors)
    if filters.outlets:
        keep &= _any_in(len(events), lists.source_rows, filters.outlets)
    if filters.start:
        latest = pd.to_datetime(events["latest"])
        keep &= latest.isna() | (latest >= pd.Timestamp(filters.start))
    if filters.end:
        earliest = pd.to_datetime(events["earliest"])
        keep &= earliest.isna() | (earliest <= pd.Timestamp(filters.end))
    if filters.statuses:
        keep &= events["status"].isin(filters.statuses)
    if filters.min_sources > 1:
        keep &= events["source_count"] >= filters.min_sources
    if filters.text:
        needle = filters.text.casefold()
        haystack = events["summary"].fillna("") + " " + events["actors"].str.join(" ")
        keep &= haystack.str.casefold().str.contains(needle, regex=False)
    return events[keep]

"""Dashboard filters and their URL query-parameter form, in both directions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

# Values longer than this in a query parameter are ignored.
MAX_PARAM_LENGTH = 200


@dataclass(slots=True)
class Filters:
    """What the user picked: corpus, actors, date range, view and event."""

    corpus: str
    actors: list[str] = field(default_factory=list)
    start: date | None = None
    end: date | None = None
    view: str = "Timeline"
    event: str | None = None


def filters_from_params(
    params: Mapping[str, Sequence[str]], corpora: Sequence[str], views: Sequence[str]
) -> tuple[Filters, list[str]]:
    """Filters from query parameters; bad or unknown values are dropped with a note."""
    notes: list[str] = []
    known = {"corpus", "actor", "from", "to", "view", "event"}
    for key in params:
        if key not in known:
            notes.append(f"Ignored unknown link parameter {key[:40]!r}.")
    values = {
        k: [v for v in vs if len(v) <= MAX_PARAM_LENGTH] for k, vs in params.items() if k in known
    }
    corpus = (values.get("corpus") or [""])[0]
    if corpus not in corpora:
        if corpus:
            notes.append(f"Unknown corpus {corpus[:40]!r}; showing {corpora[0]!r}.")
        corpus = corpora[0]
    view = (values.get("view") or [views[0]])[0]
    if view not in views:
        notes.append(f"Unknown view {view[:40]!r}.")
        view = views[0]
    dates: dict[str, date | None] = {}
    for key in ("from", "to"):
        raw = (values.get(key) or [""])[0]
        try:
            dates[key] = date.fromisoformat(raw) if raw else None
        except ValueError:
            notes.append(f"Ignored the {key!r} date {raw[:40]!r}: not YYYY-MM-DD.")
            dates[key] = None
    event = (values.get("event") or [None])[0]
    return (
        Filters(
            corpus=corpus,
            actors=list(dict.fromkeys(values.get("actor", []))),
            start=dates["from"],
            end=dates["to"],
            view=view,
            event=event,
        ),
        notes,
    )


def filters_to_params(filters: Filters) -> dict[str, str | list[str]]:
    """Query parameters for the filters, leaving out defaults."""
    params: dict[str, str | list[str]] = {"corpus": filters.corpus, "view": filters.view}
    if filters.actors:
        params["actor"] = list(filters.actors)
    if filters.start:
        params["from"] = filters.start.isoformat()
    if filters.end:
        params["to"] = filters.end.isoformat()
    if filters.event:
        params["event"] = filters.event
    return params


def apply_filters(events: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The events matching every filter (an event matches an actor filter if any actor does)."""
    keep = pd.Series(True, index=events.index)
    if filters.actors:
        wanted = set(filters.actors)
        keep &= events["actors"].apply(lambda names: bool(wanted & set(names)))
    if filters.start:
        latest = pd.to_datetime(events["latest"])
        keep &= latest.isna() | (latest >= pd.Timestamp(filters.start))
    if filters.end:
        earliest = pd.to_datetime(events["earliest"])
        keep &= earliest.isna() | (earliest <= pd.Timestamp(filters.end))
    return events[keep]

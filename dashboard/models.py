"""Typed records that flow between the pipeline stages.

ingest -> Article; temporal -> Timex; actors -> Actor; events -> Mention; cluster -> Event.
Each stage reads the records of the stages before it and never mutates them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

# Timex types (TIMEX3 "type" attribute).
TIMEX_TYPES = ("DATE", "TIME", "DURATION", "SET")

# Granularities of the interval a timex denotes, finest first.
GRANULARITIES = (
    "minute",
    "hour",
    "part-of-day",
    "day",
    "weekend",
    "week",
    "month",
    "quarter",
    "half",
    "season",
    "year",
    "decade",
    "century",
    "vague",
)

# Status of a mention or event.
STATUSES = ("past", "scheduled", "ongoing", "undated")


def content_hash(text: str) -> str:
    """SHA-256 of the normalised article text (whitespace folded)."""
    folded = " ".join(text.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def publication_day(published: date | datetime | None) -> date | None:
    """The calendar day of a publication date or datetime."""
    if published is None:
        return None
    if isinstance(published, datetime):
        return published.date()
    return published


@dataclass(slots=True)
class Article:
    """One news article with its metadata."""

    id: str
    source_path: str
    text: str
    content_hash: str
    outlet: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    url: str | None = None
    published: date | datetime | None = None
    language: str = "en"
    # Where the publication date came from: "metadata", "dateline", "supplied" (by the
    # user after ingestion), or "" when the article has none.
    date_source: str = ""
    # Problems found while ingesting (e.g. "no publication date"); the article still builds.
    warnings: tuple[str, ...] = ()
    # Fields of the source record Storyline has no column for (JSON input keeps them).
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def published_day(self) -> date | None:
        return publication_day(self.published)

    @property
    def source_key(self) -> str:
        """The source this article counts for: its outlet, or itself when the outlet is unknown."""
        return self.outlet.strip().casefold() if self.outlet else f"article:{self.id}"


@dataclass(slots=True, frozen=True)
class Timex:
    """A time expression found in a text and, where possible, resolved to an interval.

    ``start``/``end`` are character offsets into the text that was tagged, so
    ``text[start:end] == timex.text``.  ``value`` is a TIMEX3 value ("2019-07-14",
    "2025-W09", "2024-10", "PAST_REF", "P3Y", "XXXX-WXX-5" when unresolved).
    ``earliest``/``latest`` are the first and last calendar day of the denoted
    interval, or None when unbounded, unresolved, or for durations and sets.
    """

    start: int
    end: int
    text: str
    type: str
    value: str
    earliest: date | None = None
    latest: date | None = None
    granularity: str = "day"
    mod: str | None = None
    article_id: str = ""

    @property
    def resolved(self) -> bool:
        return self.earliest is not None


@dataclass(slots=True)
class Actor:
    """A person, organisation or place, with the surface forms it was found under."""

    id: str
    name: str
    kind: str = "person"  # person | organisation | place
    role: str | None = None
    # alias (as written in the text) -> number of occurrences in the corpus
    aliases: dict[str, int] = field(default_factory=dict)
    # "female", "male" or None: from what the articles write, only to resolve "he"/"she"
    gender: str | None = None


@dataclass(slots=True)
class ActorRef:
    """An actor found at a span of an article's text."""

    actor_id: str
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Mention:
    """One dated (or undated) statement in one article."""

    id: str
    article_id: str
    sentence_start: int
    sentence_end: int
    sentence: str
    status: str  # one of STATUSES
    timex: Timex | None = None
    actors: tuple[str, ...] = ()  # actor ids, the subject first
    actor_spans: tuple[ActorRef, ...] = ()
    quote: str | None = None
    speaker: str | None = None  # actor id of the speaker
    # The article's publication day: when the statement was reported, never its event date.
    reported_on: date | None = None

    @property
    def date_value(self) -> str | None:
        return self.timex.value if self.timex is not None else None


@dataclass(slots=True)
class Event:
    """A real-world happening: the mentions of it across articles, merged."""

    id: str
    value: str | None
    earliest: date | None
    latest: date | None
    granularity: str
    status: str
    summary: str
    actors: tuple[str, ...] = ()  # actor ids, most mentioned first
    sources: tuple[str, ...] = ()  # outlet names, or "article:<id>" when unknown
    source_count: int = 0  # distinct outlets
    independent_count: int = 0  # distinct reports once syndicated copies are folded
    mention_ids: tuple[str, ...] = ()
    date_text: str | None = None  # the phrase that dated the event ("on Friday")

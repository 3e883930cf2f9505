"""ingest -> temporal -> actors -> events -> cluster, in order.

Reading this file top to bottom explains the program: each stage is a call into its own
module, and each stage only reads what the stages before it produced.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.actors import ActorIndex, find_actors
from dashboard.cluster import cluster_mentions
from dashboard.events import extract_mentions
from dashboard.ingest import (
    IngestError,
    IngestResult,
    load_articles,
    load_uploads,
    split_sentences,
)
from dashboard.models import Article, Event, Mention, Timex
from dashboard.temporal import tag

# Called as progress(stage name, fraction of the whole build done).
Progress = Callable[[str, float], None]

STAGES = ("ingest", "temporal", "actors", "events", "cluster")


class NothingToBuild(Exception):
    """No article could be read from the given inputs."""

    def __init__(self, message: str, errors: Sequence[IngestError] = ()) -> None:
        super().__init__(message)
        self.errors = list(errors)


@dataclass(slots=True)
class Corpus:
    """Everything one build produced, ready for the store."""

    articles: list[Article] = field(default_factory=list)
    timexes: dict[str, list[Timex]] = field(default_factory=dict)
    actors: ActorIndex = field(default_factory=lambda: ActorIndex({}, {}))
    mentions: list[Mention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Rows per stage, for the build report."""
        return {
            "articles": len(self.articles),
            "timexes": sum(len(t) for t in self.timexes.values()),
            "actors": len(self.actors.actors),
            "mentions": len(self.mentions),
            "events": len(self.events),
            "errors": len(self.errors),
        }


def run(
    paths: Sequence[Path | str],
    *,
    aliases: Path | None = None,
    progress: Progress | None = None,
) -> Corpus:
    """Read the articles under ``paths`` and run every stage on them."""
    started = time.perf_counter()
    ingested = load_articles(paths)
    corpus = run_articles(ingested, aliases=aliases, progress=progress)
    corpus.timings = {"ingest": time.perf_counter() - started, **corpus.timings}
    return corpus


def run_uploads(
    files: Sequence[tuple[str, bytes]],
    overrides: dict[str, dict[str, str]] | None = None,
    *,
    aliases: Path | None = None,
    progress: Progress | None = None,
) -> Corpus:
    """Run the pipeline on uploaded files: (name, bytes) pairs with per-file metadata.

    ``overrides`` maps a file name to metadata typed by the user (outlet, published,
    title, url), which wins over what the file itself says.
    """
    started = time.perf_counter()
    ingested = load_uploads(files, overrides or {})
    corpus = run_articles(ingested, aliases=aliases, progress=progress)
    corpus.timings = {"ingest": time.perf_counter() - started, **corpus.timings}
    return corpus


def run_articles(
    ingested: IngestResult,
    *,
    aliases: Path | None = None,
    progress: Progress | None = None,
) -> Corpus:
    """Run the stages after ingestion on articles already read."""
    report = progress or (lambda stage, done: None)
    corpus = Corpus(articles=list(ingested.articles), errors=list(ingested.errors))
    if not corpus.articles:
        raise NothingToBuild("no article could be read", corpus.errors)
    clock = _Clock(corpus.timings)

    report("temporal", 0.2)
    with clock("temporal"):
        for article in corpus.articles:
            corpus.timexes[article.id] = tag(article.text, article.published, lang=article.language)

    report("actors", 0.5)
    with clock("actors"):
        corpus.actors = find_actors(corpus.articles, overrides=aliases)

    report("events", 0.7)
    with clock("events"):
        for article in corpus.articles:
            corpus.mentions.extend(
                extract_mentions(
                    article,
                    split_sentences(article.text),
                    corpus.timexes[article.id],
                    corpus.actors.refs.get(article.id, []),
                    corpus.actors.actors,
                )
            )

    report("cluster", 0.9)
    with clock("cluster"):
        by_id = {a.id: a for a in corpus.articles}
        corpus.events = cluster_mentions(corpus.mentions, by_id, corpus.actors.actors)
    report("done", 1.0)
    return corpus


class _Clock:
    """Context manager factory that records each stage's wall time."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self._stage = ""
        self._started = 0.0

    def __call__(self, stage: str) -> _Clock:
        self._stage = stage
        return self

    def __enter__(self) -> None:
        self._started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.timings[self._stage] = time.perf_counter() - self._started

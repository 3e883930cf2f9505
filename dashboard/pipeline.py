"""ingest -> temporal -> actors -> events -> cluster, in order.

Reading this file top to bottom explains the program: each stage is a call into its own
module, and each stage only reads what the stages before it produced.

Builds are incremental when given what the store holds from the last build of the corpus
(``previous``): an article whose content, publication date and language are unchanged keeps
its stored time expressions, and keeps its stored mentions when everything they were
extracted from (its timexes, its actor references, the kinds of those actors) is unchanged.
Actors are always found again over the whole corpus (a new article can merge two aliases or
rename an actor), so an article keeps its mentions only when its actors are as they were.
Events are computed again only where the build touches them (cluster.recluster): the
mentions that are new or changed, the stored events that lost or changed a mention, and the
stored events a new mention could join; the other stored events are kept as they are. An
event that continues a stored one keeps its id (cluster.carry_ids), so links to it hold. So
an incremental build's events can differ from a full rebuild's (the TF-IDF weights that
grouped the kept events were the corpus's at the time); ``storyline build --recluster``
groups every mention again. Every other table is the same as after a full rebuild.
"""

from __future__ import annotations

import gc
import hashlib
import inspect
import multiprocessing
import multiprocessing.pool
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path

from dashboard.actors import ActorIndex, find_actors
from dashboard.cluster import carry_ids, cluster_mentions, recluster, retired_ids
from dashboard.events import extract_mentions
from dashboard.ingest import (
    IngestError,
    IngestResult,
    load_articles,
    load_uploads,
    split_sentences,
)
from dashboard.models import Actor, ActorRef, Article, Event, Mention, Timex
from dashboard.spill import Spill
from dashboard.store import StoredCorpus, crash_point
from dashboard.temporal import tag

# Called as progress(stage name, fraction of the whole build done).
Progress = Callable[[str, float], None]
# Applies a chunk function to every chunk, yielding results in chunk order.
Mapper = Callable[[Callable, Iterable], Iterator]

STAGES = ("ingest", "temporal", "actors", "events", "cluster")
# Where each stage starts, as a fraction of a typical build's time (for progress bars).
STAGE_START = {"ingest": 0.0, "temporal": 0.1, "actors": 0.5, "events": 0.65, "cluster": 0.8}
STAGE_END = {"ingest": 0.1, "temporal": 0.5, "actors": 0.65, "events": 0.8, "cluster": 1.0}
# Articles per chunk handed to a worker: large, so that sending work costs little.
CHUNK_ARTICLES = 250


class NothingToBuild(Exception):
    """No article could be read from the given inputs."""

    def __init__(self, message: str, errors: Sequence[IngestError] = ()) -> None:
        super().__init__(message)
        self.errors = list(errors)


@dataclass(slots=True)
class BuildDelta:
    """How this build's articles compare with the stored corpus, and what was reused."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    pruned: bool = False
    timexes_reused: int = 0
    mentions_reused: int = 0
    events_kept: int = 0
    # Stored events that go on under their id with mentions added or taken away.
    events_changed: int = 0
    events_new: int = 0
    events_gone: int = 0
    # Mentions grouped into events again (all of them in a full build).
    mentions_reclustered: int = 0

    def summary(self) -> str:
        """One line for the build report: "3 new, 1 changed, 40 unchanged, 2 removed (kept)"."""
        fate = "pruned" if self.pruned else "kept"
        return (
            f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.removed} removed ({fate})"
        )


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
    # article id -> digests of what its timexes and mentions came from (see build_keys).
    mention_keys: dict[str, str] = field(default_factory=dict)
    timex_keys: dict[str, str] = field(default_factory=dict)
    delta: BuildDelta = field(default_factory=BuildDelta)
    # Mention rows already written as Parquet by a distributed build (the store reads them).
    mentions_parquet: Path | None = None
    # Digest of the clustering code the events came from (see cluster_key).
    cluster_key: str = ""
    # Ids of events of earlier builds that no event carries on -> where their mentions went.
    event_aliases: dict[str, str] = field(default_factory=dict)
    # (article id, timex key, mention key) rows, when a spilled build keeps them on disk
    # instead of in timex_keys and mention_keys (dashboard/stream.py).
    key_spill: Spill[tuple[str, str, str]] | None = None
    # Ids of the mentions as stored, of articles as stored: what incremental clustering keeps.
    unchanged_mentions: set[str] = field(default_factory=set)

    def build_keys(self) -> Iterator[tuple[str, str | None, str | None]]:
        """(article id, timex key, mention key) of each article that has either."""
        if self.key_spill is not None:
            yield from self.key_spill
            return
        for a in self.articles:
            if a.id in self.timex_keys or a.id in self.mention_keys:
                yield a.id, self.timex_keys.get(a.id), self.mention_keys.get(a.id)

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
    previous: StoredCorpus | None = None,
    prune: bool = False,
    workers: int = 1,
    dates: Mapping[str, date] | None = None,
    until: str = "cluster",
) -> Corpus:
    """Read the articles under ``paths`` and run every stage on them.

    ``previous`` is the stored corpus to build on incrementally; stored articles missing from
    ``paths`` stay in the corpus unless ``prune``. ``workers`` > 1 runs the per-article stages
    in that many processes. ``dates`` maps an input file to a publication date to use.
    ``until`` names the last stage to run (the later ones are skipped: for benchmarks).
    """
    _check_until(until)
    started = time.perf_counter()
    _report(progress, "ingest", 0.0)
    ingested = ingest(paths, dates=dates)
    crash_point("ingest")
    elapsed = time.perf_counter() - started
    mapper = PoolMapper(workers) if workers > 1 else None
    try:
        corpus = run_articles(
            ingested,
            aliases=aliases,
            progress=progress,
            previous=previous,
            prune=prune,
            mapper=mapper,
            until=until,
        )
    finally:
        if mapper is not None:
            mapper.close()
    corpus.timings = {"ingest": elapsed, **corpus.timings}
    return corpus


def _check_until(until: str) -> None:
    if until not in STAGES:
        raise ValueError(f"until={until!r}: not a stage (one of {', '.join(STAGES)})")


def ingest(paths: Sequence[Path | str], *, dates: Mapping[str, date] | None = None) -> IngestResult:
    """Read the inputs; user-supplied publication dates go to ingestion when it takes them."""
    if dates and "dates" in inspect.signature(load_articles).parameters:
        return load_articles(paths, dates=dates)  # type: ignore[call-arg]
    ingested = load_articles(paths)
    if dates:
        ingested.articles = [_with_date(a, dates) for a in ingested.articles]
    return ingested


def _with_date(article: Article, dates: Mapping[str, date]) -> Article:
    """The article with the date the user gave for its file (by path or file name)."""
    given = dates.get(article.source_path) or dates.get(Path(article.source_path).name)
    if given is None:
        return article
    kept = tuple(w for w in article.warnings if not w.startswith("no publication date"))
    return replace(article, published=given, date_source="supplied", warnings=kept)


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
    previous: StoredCorpus | None = None,
    prune: bool = False,
    mapper: Mapper | None = None,
    until: str = "cluster",
) -> Corpus:
    """Run the stages after ingestion (up to and including ``until``) on articles read."""
    _check_until(until)
    apply = mapper or _serial_map
    if not ingested.articles:
        # Even when the store holds the corpus: inputs that yield nothing are a mistake to
        # report, not a build to redo.
        raise NothingToBuild("no article could be read", ingested.errors)
    articles, delta = reconcile(ingested.articles, previous, prune=prune)
    corpus = Corpus(articles=articles, errors=list(ingested.errors), delta=delta)
    clock = _Clock(corpus.timings)
    stored = previous or StoredCorpus()

    with clock("temporal"):
        _report(progress, "temporal", 0.0)
        todo = []
        for article in corpus.articles:
            key = corpus.timex_keys[article.id] = timex_key(article)
            if stored.timex_keys.get(article.id) == key and article.id in stored.timexes:
                corpus.timexes[article.id] = stored.timexes[article.id]
                delta.timexes_reused += 1
            else:
                todo.append(article)
        for chunk, found in _chunked(apply, tag_chunk, todo, progress, "temporal"):
            for article, timexes in zip(chunk, found, strict=True):
                corpus.timexes[article.id] = timexes
        crash_point("temporal")
    if until == "temporal":
        return corpus

    with clock("actors"):
        _report(progress, "actors", 0.0)
        corpus.actors = find_actors(corpus.articles, overrides=aliases, mapper=mapper)
        crash_point("actors")
    if until == "actors":
        return corpus

    with clock("events"):
        _report(progress, "events", 0.0)
        found_mentions: dict[str, list[Mention]] = {}
        todo_items = []
        unchanged = corpus.unchanged_mentions
        for article in corpus.articles:
            refs = corpus.actors.refs.get(article.id, [])
            timexes = corpus.timexes[article.id]
            key = mention_key(article, timexes, refs, corpus.actors.actors)
            corpus.mention_keys[article.id] = key
            if stored.mention_keys.get(article.id) == key:
                found_mentions[article.id] = stored.mentions.get(article.id, [])
                delta.mentions_reused += 1
                if stored.articles.get(article.id) == article:
                    unchanged.update(m.id for m in found_mentions[article.id])
            else:
                used = {r.actor_id: corpus.actors.actors[r.actor_id] for r in refs}
                todo_items.append((article, timexes, refs, used))
        for chunk, found in _chunked(apply, mention_chunk, todo_items, progress, "events"):
            for item, mentions in zip(chunk, found, strict=True):
                found_mentions[item[0].id] = mentions
        for article in corpus.articles:
            corpus.mentions.extend(found_mentions[article.id])
        crash_point("events")
    if until == "events":
        return corpus

    return cluster_corpus(corpus, previous, progress)


def cluster_corpus(
    corpus: Corpus, previous: StoredCorpus | None = None, progress: Progress | None = None
) -> Corpus:
    """The clustering stage: ``corpus`` (with its mentions) gets its events, regrouping only
    what changed when ``previous`` (the stored corpus) has events of the same code."""
    stored = previous or StoredCorpus()
    delta = corpus.delta
    with _Clock(corpus.timings)("cluster"):
        _report(progress, "cluster", 0.0)
        by_id = {a.id: a for a in corpus.articles}
        corpus.cluster_key = cluster_key()
        if stored.events and stored.cluster_key == corpus.cluster_key:
            corpus.events, delta.mentions_reclustered = recluster(
                corpus.mentions,
                by_id,
                corpus.actors.actors,
                stored.events,
                corpus.unchanged_mentions,
            )
        else:
            corpus.events = cluster_mentions(corpus.mentions, by_id, corpus.actors.actors)
            delta.mentions_reclustered = len(corpus.mentions)
        if stored.events:
            corpus.events = carry_ids(corpus.events, stored.events)
            corpus.event_aliases = retired_ids(corpus.events, stored.events, stored.aliases)
        if previous is not None:
            before = {e.id: e.mention_ids for e in stored.events}
            ids, stored_ids = {e.id for e in corpus.events}, set(before)
            delta.events_kept = sum(before.get(e.id) == e.mention_ids for e in corpus.events)
            delta.events_changed = len(ids & stored_ids) - delta.events_kept
            delta.events_new = len(ids - stored_ids)
            delta.events_gone = len(stored_ids - ids)
        crash_point("cluster")
    _report(progress, "done", 1.0)
    return corpus


# --------------------------------------------------------------------- incremental builds


def reconcile(
    articles: Sequence[Article], previous: StoredCorpus | None, *, prune: bool = False
) -> tuple[list[Article], BuildDelta]:
    """The articles of this build (the inputs, plus stored ones not given unless ``prune``).

    An input is unchanged when the store holds the same article (same id, hence the same
    content and outlet, and the same metadata); changed when the store holds it or its file
    with other content or metadata; new otherwise. A stored article that is neither in the
    inputs nor replaced by an input from the same file is removed: kept in the corpus, or
    dropped with ``prune``. Articles come back in a fixed order (source path, id), so a build
    does not depend on the order the inputs were given in.
    """
    delta = BuildDelta(pruned=prune)
    stored = previous.articles if previous else {}
    stored_paths = {a.source_path for a in stored.values()}
    given_ids = {a.id for a in articles}
    given_paths = {a.source_path for a in articles}
    for article in articles:
        old = stored.get(article.id)
        if old is not None and old == article:
            delta.unchanged += 1
        elif old is not None or article.source_path in stored_paths:
            delta.changed += 1
        else:
            delta.new += 1
    kept = []
    for old in stored.values():
        if old.id in given_ids or old.source_path in given_paths:
            continue
        delta.removed += 1
        if not prune:
            kept.append(old)
    return sorted([*articles, *kept], key=lambda a: (a.source_path, a.id)), delta


@cache
def _code_digest(*parts: str) -> str:
    """A digest of the package files a stage's results depend on (a new version recomputes)."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for part in parts:
        path = root / part
        for file in sorted(path.rglob("*") if path.is_dir() else [path]):
            if file.is_file() and file.suffix in (".py", ".toml", ".txt"):
                digest.update(file.name.encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


def _digest(*values: object) -> str:
    return hashlib.sha256(repr(values).encode("utf-8")).hexdigest()[:32]


def timex_key(article: Article) -> str:
    """What an article's time expressions depend on: its text, anchor, language, the tagger."""
    return _digest(
        _code_digest("temporal"),
        article.content_hash,
        article.published.isoformat() if article.published else None,
        article.language,
    )


def cluster_key() -> str:
    """What stored events depend on besides their mentions: the clustering code and data.
    Events from another version are all computed again."""
    return _digest(_code_digest("cluster.py", "data"))


def mention_key(
    article: Article, timexes: list[Timex], refs: list[ActorRef], actors: Mapping[str, Actor]
) -> str:
    """What an article's mentions depend on: the article, its timexes and actor references,
    the name, kind, role and gender of each actor referred to, and the extraction code and
    cues."""
    used = sorted(
        {(a.id, a.name, a.kind, a.role, a.gender) for r in refs if (a := actors.get(r.actor_id))}
    )
    return _digest(
        _code_digest("events.py", "ingest.py", "data"),
        article.id,
        article.content_hash,
        article.title,
        article.outlet,
        article.published_day,
        timexes,
        refs,
        used,
    )


# --------------------------------------------------------------------- per-article work


def tag_chunk(articles: list[Article]) -> list[list[Timex]]:
    """Time expressions of each article (a unit of work for a worker process)."""
    return [tag(a.text, a.published, lang=a.language) for a in articles]


def mention_chunk(
    items: list[tuple[Article, list[Timex], list[ActorRef], dict[str, Actor]]],
) -> list[list[Mention]]:
    """Mentions of each article (a unit of work for a worker process)."""
    return [
        extract_mentions(article, split_sentences(article.text), timexes, refs, actors)
        for article, timexes, refs, actors in items
    ]


def _serial_map(func: Callable, chunks: Iterable) -> Iterator:
    return map(func, chunks)


class PoolMapper:
    """A mapper running chunks in one pool of ``workers`` processes for the whole build.

    The pool is forked when first needed and reused by every stage; ``close`` ends it.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: multiprocessing.pool.Pool | None = None

    def __call__(self, func: Callable, chunks: Iterable) -> Iterator:
        if isinstance(chunks, list) and len(chunks) <= 1:
            return map(func, chunks)
        if self._pool is None:
            # Objects made so far go to a generation the collector never scans: a forked
            # worker that collects garbage then does not copy the whole parent heap.
            gc.freeze()
            self._pool = multiprocessing.get_context().Pool(self.workers)
        return self._pool.imap(func, chunks)

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            gc.unfreeze()


def _chunked(
    apply: Mapper, func: Callable, items: list, progress: Progress | None, stage: str
) -> Iterable[tuple[list, list]]:
    """Run ``func`` over ``items`` in chunks, reporting progress as chunks finish."""
    chunks = [items[i : i + CHUNK_ARTICLES] for i in range(0, len(items), CHUNK_ARTICLES)]
    done = 0
    for chunk, result in zip(chunks, apply(func, chunks), strict=True):
        done += len(chunk)
        _report(progress, stage, done / len(items))
        yield chunk, result


def _report(progress: Progress | None, stage: str, within: float) -> None:
    """Report ``within`` (0..1) of ``stage`` as a fraction of the whole build."""
    if progress is None:
        return
    if stage == "done":
        progress(stage, 1.0)
        return
    start, end = STAGE_START[stage], STAGE_END[stage]
    progress(stage, start + (end - start) * within)


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

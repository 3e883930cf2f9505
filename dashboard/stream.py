"""The build of pipeline.run with every stage's records on disk, for corpora larger than
memory.

pipeline.run holds every article, time expression, actor reference and mention until the
store is written: about 1.5 GB at 100,000 articles. This build hands each article on as it
is read and keeps what each stage makes in spills (dashboard/spill.py), read back a batch
at a time by the stages after it: ingestion and tagging, a batch of articles at a time;
actors, from each article's candidates and the corpus's name statistics; mentions, a
batch at a time; clustering, from the spilled mentions (cluster.cluster_spilled); and the
store, written from the spills. What stays in memory is what is counted over the corpus
(names, word and date frequencies, the actors) and clustering's features and pairs.

It makes the corpus pipeline.run makes (tests compare the two table by table), for a build
from nothing: an incremental build reads the stored corpus into memory, and goes through
pipeline.run.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path

from dashboard.actors import ActorIndex, find_actors_in_passes, lowered_words_of
from dashboard.cluster import Source, cluster_spilled, mention_order
from dashboard.ingest import IngestError, IngestResult, expand_paths, read_articles
from dashboard.models import Actor, ActorRef, Article, Mention, Timex
from dashboard.pipeline import (
    CHUNK_ARTICLES,
    STAGES,
    BuildDelta,
    Corpus,
    Mapper,
    NothingToBuild,
    PoolMapper,
    Progress,
    _check_until,
    _chunked,
    _report,
    _serial_map,
    _with_date,
    cluster_key,
    mention_chunk,
    mention_key,
    tag_chunk,
    timex_key,
)
from dashboard.spill import Spill, SpillFolder, batched
from dashboard.store import crash_point

# Articles read, tagged and handed on at a time (each batch is one run of the spill).
BATCH_ARTICLES = 2_000

Record = tuple[Article, list[Timex]]
# What mention extraction reads of an article: its timexes, actor references and actors.
MentionItem = tuple[Article, list[Timex], list[ActorRef], dict[str, Actor]]


def article_order(article: Article) -> tuple[str, str]:
    """The order of a build's articles (pipeline.reconcile's)."""
    return (article.source_path, article.id)


def record_order(record: Record) -> tuple[str, str]:
    return article_order(record[0])


@dataclass(slots=True)
class ArticlesView:
    """The build's articles, in order, read from the spill of (article, timexes) records."""

    records: Spill[Record]

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[Article]:
        return (article for article, _ in self.records.sorted_by(record_order))


@dataclass(slots=True)
class TimexesView:
    """Article id -> its time expressions, read like a mapping's items(), in article order."""

    records: Spill[Record]

    def __len__(self) -> int:
        return len(self.records)

    def items(self) -> Iterator[tuple[str, list[Timex]]]:
        return ((a.id, found) for a, found in self.records.sorted_by(record_order))

    def values(self) -> Iterator[list[Timex]]:
        return (found for _, found in self.items())


def run_spilled(
    paths: Sequence[Path | str],
    folder: SpillFolder,
    *,
    aliases: Path | None = None,
    progress: Progress | None = None,
    workers: int = 1,
    dates: Mapping[str, date] | None = None,
    until: str = "cluster",
) -> Corpus:
    """Build the articles under ``paths`` like pipeline.run with no stored corpus, keeping
    every stage's records in spills under ``folder`` (which must outlive the corpus: the
    store reads its articles, mentions and events from there)."""
    _check_until(until)
    mapper = PoolMapper(workers) if workers > 1 else None
    try:
        return _run(paths, folder, aliases, progress, mapper, dates, until)
    finally:
        if mapper is not None:
            mapper.close()


def _run(
    paths: Sequence[Path | str],
    folder: SpillFolder,
    aliases: Path | None,
    progress: Progress | None,
    mapper: Mapper | None,
    dates: Mapping[str, date] | None,
    until: str,
) -> Corpus:
    corpus = new_corpus()
    records, lowered = _read_and_tag(paths, folder, mapper or _serial_map, progress, dates, corpus)
    crash_point("temporal")
    if until in ("ingest", "temporal"):
        return corpus
    find_actors_and_mentions(corpus, records, lowered, folder, aliases, progress, mapper, until)
    if until == "cluster":
        cluster_stage(corpus, folder, progress)
    return corpus


def new_corpus() -> Corpus:
    """An empty corpus whose timings list every stage."""
    corpus = Corpus()
    corpus.timings.update(dict.fromkeys(STAGES, 0.0))
    return corpus


def find_actors_and_mentions(
    corpus: Corpus,
    records: Spill[Record],
    lowered: set[str],
    folder: SpillFolder,
    aliases: Path | None,
    progress: Progress | None,
    mapper: Mapper | None,
    until: str = "events",
) -> None:
    """The actors and (unless ``until`` is "actors") mention stages of a corpus whose
    articles and time expressions are in ``records`` (see use_records); ``lowered`` is
    lowered_words_of its articles, and is emptied."""
    timings = corpus.timings
    started = time.perf_counter()
    _report(progress, "actors", 0.0)
    corpus.actors = find_actors_in_passes(
        lambda: iter(corpus.articles),
        folder,
        overrides=aliases,
        mapper=mapper,
        lowered_words=lowered,
    )
    lowered.clear()
    timings["actors"] += time.perf_counter() - started
    crash_point("actors")
    if until == "actors":
        return
    started = time.perf_counter()
    _report(progress, "events", 0.0)
    mentions, keys = _extract_mentions(
        records, corpus.actors, folder, mapper or _serial_map, progress
    )
    corpus.mentions = mentions  # type: ignore[assignment]
    corpus.key_spill = keys
    timings["events"] = time.perf_counter() - started
    crash_point("events")


def cluster_stage(corpus: Corpus, folder: SpillFolder, progress: Progress | None) -> None:
    """Group the spilled mentions of ``corpus`` into its events."""
    started = time.perf_counter()
    _report(progress, "cluster", 0.0)
    mentions: Spill[Mention] = corpus.mentions  # type: ignore[assignment]

    def articles() -> Iterator[Article]:
        return iter(corpus.articles)

    sources = sources_of(articles())
    corpus.events = cluster_spilled(mentions, sources, articles, folder)  # type: ignore[assignment]
    corpus.cluster_key = cluster_key()
    corpus.delta.mentions_reclustered = len(mentions)
    corpus.timings["cluster"] = time.perf_counter() - started
    crash_point("cluster")
    _report(progress, "done", 1.0)


def sources_of(articles: Iterator[Article]) -> dict[str, Source]:
    """Article id -> its source, one Source object per distinct source: a Source and two
    strings per article were about 20 MB at 100,000 articles, made while the articles'
    texts were being read and so left scattered through memory after them. The ids are
    interned: clustering's later sets of article ids share these strings."""
    shared: dict[tuple[str, str | None], Source] = {}
    sources: dict[str, Source] = {}
    for a in articles:
        key = (a.source_key, a.outlet)
        sources[sys.intern(a.id)] = shared.get(key) or shared.setdefault(key, Source(*key))
    return sources


def _read_and_tag(
    paths: Sequence[Path | str],
    folder: SpillFolder,
    apply: Mapper,
    progress: Progress | None,
    dates: Mapping[str, date] | None,
    corpus: Corpus,
) -> tuple[Spill[Record], set[str]]:
    """Read and tag the articles a batch at a time into a spill of (article, timexes); with
    the words the corpus writes in lower case (the actors' first pass)."""
    timings = corpus.timings
    started = time.perf_counter()
    _report(progress, "ingest", 0.0)
    files, errors = expand_paths(paths)
    result = IngestResult(errors=errors)
    reading = read_articles(files, result)
    records: Spill[Record] = folder.spill("articles")
    lowered: set[str] = set()
    timings["ingest"] += time.perf_counter() - started
    while True:
        started = time.perf_counter()
        batch = list(islice(reading, BATCH_ARTICLES))
        if dates:
            batch = [_with_date(a, dates) for a in batch]
        timings["ingest"] += time.perf_counter() - started
        if not batch:
            break
        started = time.perf_counter()
        found: list[list[Timex]] = []
        for _, tagged in _chunked(apply, tag_chunk, batch, None, "temporal"):
            found.extend(tagged)
        records.write_run(sorted(zip(batch, found, strict=True), key=record_order), record_order)
        timings["temporal"] += time.perf_counter() - started
        # the actors' first pass, while the batch is at hand
        started = time.perf_counter()
        for words in apply(
            lowered_words_of,
            [batch[i : i + CHUNK_ARTICLES] for i in range(0, len(batch), CHUNK_ARTICLES)],
        ):
            lowered.update(words)
        timings["actors"] += time.perf_counter() - started
        _report(progress, "temporal", min(1.0, len(records) / max(1, len(files))))
    crash_point("ingest")
    use_records(corpus, records, result.errors)
    return records, lowered


def use_records(corpus: Corpus, records: Spill[Record], errors: Sequence[IngestError]) -> None:
    """``corpus`` reads its articles and time expressions from ``records`` (runs of
    (article, timexes) in article order); NothingToBuild when there are none."""
    corpus.errors = list(errors)
    if not records:
        raise NothingToBuild("no article could be read", errors)
    corpus.articles = ArticlesView(records)  # type: ignore[assignment]
    corpus.timexes = TimexesView(records)  # type: ignore[assignment]
    corpus.delta = BuildDelta(new=len(records))


def _extract_mentions(
    records: Spill[Record],
    actors: ActorIndex,
    folder: SpillFolder,
    apply: Mapper,
    progress: Progress | None,
) -> tuple[Spill[Mention], Spill[tuple[str, str, str]]]:
    """Each article's mentions, a batch at a time, as runs in clustering's order; and each
    article's build keys (what its timexes and mentions were made from).

    The chunks of every batch go to ``apply`` as one stream, so that a mapper with workers
    has the next batch's chunks to run while this process writes a batch's mentions."""
    mentions: Spill[Mention] = folder.spill("mentions")
    keys: Spill[tuple[str, str, str]] = folder.spill("keys")
    # (chunks, articles) of each batch handed out and not yet written, in order
    pending: deque[tuple[int, int]] = deque()
    # the actors' references come in article order too, one entry per article
    references = iter(actors.refs.items())

    def chunks() -> Iterator[list[MentionItem]]:
        for batch in batched(records.sorted_by(record_order), BATCH_ARTICLES):
            items = []
            for article, timexes in batch:
                article_id, refs = next(references)
                if article_id != article.id:
                    raise RuntimeError(f"actor references out of step at {article.id}")
                used = {r.actor_id: actors.actors[r.actor_id] for r in refs}
                items.append((article, timexes, refs, used))
                key_out.append(
                    (
                        article.id,
                        timex_key(article),
                        mention_key(article, timexes, refs, actors.actors),
                    )
                )
            parts = [items[i : i + CHUNK_ARTICLES] for i in range(0, len(items), CHUNK_ARTICLES)]
            pending.append((len(parts), len(batch)))
            yield from parts

    done = received = 0
    found: list[Mention] = []
    with keys.writer() as key_out:
        for extracted in apply(mention_chunk, chunks()):
            for one in extracted:
                found.extend(one)
            received += 1
            n_chunks, n_articles = pending[0]
            if received == n_chunks:
                pending.popleft()
                mentions.write_run(sorted(found, key=mention_order), mention_order)
                found, received = [], 0
                done += n_articles
                _report(progress, "events", done / len(records))
    return mentions, keys

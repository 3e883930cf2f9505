"""The distributed engine: the same build as the local one, with its work run as Dask tasks.

Ingestion runs as a dask.bag over a few large partitions of the input files; tagging and
mention extraction run as one task per large chunk of articles. Actor merging and
clustering are corpus-wide and run once, on the client. Mention rows are written as Parquet
partitioned by publication day, and the store reads them from there with DuckDB. With no
scheduler address a LocalCluster of worker processes is started for the build.

Dask is an optional extra (``pip install storyline[dask]``): it is imported only here.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from dashboard.actors import lowered_words_of
from dashboard.ingest import IngestError, IngestResult, expand_paths
from dashboard.pipeline import (
    Corpus,
    Mapper,
    Progress,
    _check_until,
    _report,
    cluster_corpus,
    crash_point,
    ingest,
    run_articles,
    tag_chunk,
)
from dashboard.spill import Spill, SpillFolder, batched, dumps
from dashboard.store import TABLES, StoredCorpus, mention_columns
from dashboard.stream import (
    Record,
    cluster_stage,
    find_actors_and_mentions,
    new_corpus,
    record_order,
    use_records,
)

# Input files per ingestion partition: few, large partitions (each task has a fixed cost),
# but at least PARTITIONS_PER_WORKER per worker so that no worker idles while one finishes.
PARTITION_FILES = 2_000
PARTITIONS_PER_WORKER = 3
MIN_PARTITION_FILES = 100
# Tasks of a stage submitted ahead per worker: enough to keep each busy while the client
# unpickles results, few enough that chunks are not all held at once.
IN_FLIGHT_PER_WORKER = 2
# Mentions turned into Arrow rows at a time, and rows written to Parquet at a time (a file
# per day and write).
ARROW_ROWS = 5_000
PARQUET_ROWS = 100_000


class DaskMissing(RuntimeError):
    """The Dask engine was asked for but dask[distributed] is not installed."""


def _import_dask() -> tuple[Any, Any]:
    try:
        import dask.bag as bag
        import distributed
    except ImportError as exc:
        raise DaskMissing(
            "the dask engine needs dask[distributed]: pip install 'storyline[dask]' "
            "(or build with --engine local)"
        ) from exc
    return bag, distributed


def run_dask(
    inputs: Sequence[Path | str],
    *,
    aliases: Path | None = None,
    progress: Progress | None = None,
    previous: StoredCorpus | None = None,
    prune: bool = False,
    scheduler: str | None = None,
    workers: int | None = None,
    dates: Mapping[str, date] | None = None,
    workdir: Path | None = None,
    corpus_name: str = "seeds",
    until: str = "cluster",
    folder: SpillFolder | None = None,
) -> Corpus:
    """Build like ``pipeline.run`` with the per-article work spread over a Dask cluster.

    ``scheduler`` is the address of a running scheduler (tcp://host:8786); without it a
    LocalCluster of ``workers`` processes (default: one per core), one thread each, is
    started and stopped. Mention rows are written under ``workdir`` as Parquet. ``until``
    names the last stage to run, as in ``pipeline.run``. With a spill ``folder`` and no
    stored corpus, the client keeps what the workers send back on disk there, as the local
    engine's build from nothing does (dashboard/stream.py; the folder must outlive the
    corpus); otherwise it holds the corpus in memory.
    """
    _check_until(until)
    bag, distributed = _import_dask()
    spilled = folder is not None and previous is None
    with _client(distributed, scheduler, workers) as client:
        if spilled:
            corpus = _spilled_build(bag, client, inputs, folder, aliases, progress, dates, until)
        else:
            corpus = _in_memory_build(
                bag, client, inputs, aliases, progress, previous, prune, dates, until
            )
    if until == "cluster":
        # Clustering runs on this process alone: after the cluster is stopped, so that its
        # workers' memory is free and its event loops no longer share this process (about
        # 15% slower clustering beside an idle LocalCluster of 2 processes).
        if spilled:
            cluster_stage(corpus, folder, progress)
        else:
            cluster_corpus(corpus, previous, progress)
    if workdir is not None and corpus.mentions:
        corpus.mentions_parquet = write_mentions_parquet(
            corpus, workdir / _safe(corpus_name) / "mentions", corpus_name
        )
    return corpus


def _in_memory_build(
    bag: Any,
    client: Any,
    inputs: Sequence[Path | str],
    aliases: Path | None,
    progress: Progress | None,
    previous: StoredCorpus | None,
    prune: bool,
    dates: Mapping[str, date] | None,
    until: str,
) -> Corpus:
    """Ingestion as Dask tasks, then pipeline.run_articles's stages up to mention extraction
    with their per-article work as Dask tasks."""
    started = time.perf_counter()
    _report(progress, "ingest", 0.0)
    ingested = _ingest(bag, client, inputs, dates, progress)
    crash_point("ingest")
    elapsed = time.perf_counter() - started
    corpus = run_articles(
        ingested,
        aliases=aliases,
        progress=progress,
        previous=previous,
        prune=prune,
        mapper=_futures_mapper(client),
        until="events" if until == "cluster" else until,
    )
    corpus.timings = {"ingest": elapsed, **corpus.timings}
    return corpus


def _spilled_build(
    bag: Any,
    client: Any,
    inputs: Sequence[Path | str],
    folder: SpillFolder,
    aliases: Path | None,
    progress: Progress | None,
    dates: Mapping[str, date] | None,
    until: str,
) -> Corpus:
    """stream.py's build from nothing with its per-article work as Dask tasks: each
    ingestion partition is read, tagged and its lower-case words counted in one task (the
    articles are not sent back and forth between those stages), the client writes the
    records to spills, then actors and mentions run as in the local engine with chunks sent
    to the workers."""
    corpus = new_corpus()
    records, lowered = _ingest_and_tag(bag, client, inputs, dates, folder, progress, corpus)
    crash_point("temporal")
    if until not in ("ingest", "temporal"):
        find_actors_and_mentions(
            corpus,
            records,
            lowered,
            folder,
            aliases,
            progress,
            _futures_mapper(client),
            "actors" if until == "actors" else "events",
        )
    return corpus


class _client:
    """A client for ``scheduler``, or for a LocalCluster started (and stopped) for one build."""

    def __init__(self, distributed: Any, scheduler: str | None, workers: int | None) -> None:
        self.distributed = distributed
        self.scheduler = scheduler
        self.workers = workers
        self.cluster: Any = None
        self.client: Any = None

    def __enter__(self) -> Any:
        if self.scheduler:
            self.client = self.distributed.Client(self.scheduler)
        else:
            self.cluster = self.distributed.LocalCluster(
                n_workers=self.workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,  # logging.ERROR: keep worker chatter off the build report
            )
            self.client = self.distributed.Client(self.cluster)
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _ingest(
    bag: Any,
    client: Any,
    inputs: Sequence[Path | str],
    dates: Mapping[str, date] | None,
    progress: Progress | None,
) -> IngestResult:
    """Read the inputs as a bag of partitions, then drop duplicates across partitions."""
    items, errors = partition_inputs(inputs)
    blobs = _partition_results(bag, client, items, _ingest_partition, dates, progress)
    return merge_ingested((pickle.loads(blob) for blob in blobs), errors)


def _ingest_and_tag(
    bag: Any,
    client: Any,
    inputs: Sequence[Path | str],
    dates: Mapping[str, date] | None,
    folder: SpillFolder,
    progress: Progress | None,
    corpus: Corpus,
) -> tuple[Spill[Record], set[str]]:
    """Ingest, tag and count the lower-case words of each partition on the workers; the
    records of the articles kept (the first copy of each) go to a spill, a run per
    partition. The stage's wall time is shared between the ingest, temporal and actors
    timings in proportion to the workers' own time in each."""
    started = time.perf_counter()
    _report(progress, "ingest", 0.0)
    items, errors = partition_inputs(inputs)
    merged = _Merged(errors)
    records: Spill[Record] = folder.spill("articles")
    lowered: set[str] = set()
    spent = [0.0, 0.0, 0.0]
    for blob in _partition_results(bag, client, items, _ingest_and_tag_partition, dates, None):
        part, found, words, seconds = pickle.loads(blob)
        kept = [(part.articles[i], found[i]) for i in merged.add(part)]
        records.write_run(sorted(kept, key=record_order), record_order)
        lowered |= words
        spent = [a + b for a, b in zip(spent, seconds, strict=True)]
        _report(progress, "temporal", min(1.0, len(records) / max(1, len(items))))
    crash_point("ingest")
    wall = time.perf_counter() - started
    for stage, share in zip(("ingest", "temporal", "actors"), spent, strict=True):
        corpus.timings[stage] += wall * share / (sum(spent) or 1.0)
    use_records(corpus, records, merged.result.errors)
    return records, lowered


def _partition_results(
    bag: Any,
    client: Any,
    items: list[str],
    task: Callable[[list[str], dict[str, date]], list[bytes]],
    dates: Mapping[str, date] | None,
    progress: Progress | None,
) -> Iterator[bytes]:
    """``task`` over the partitions of ``items`` as a dask.bag, each partition's result in
    partition order, taken from its worker (and let go there) as soon as it is its turn."""
    if not items:
        return
    n_parts = partition_count(len(items), len(client.scheduler_info()["workers"]))
    parts = bag.from_sequence(items, npartitions=n_parts).map_partitions(task, dict(dates or {}))
    # Earlier partitions first: left to its own order, the scheduler ran a bag's partitions
    # from the middle outwards (0 and n/2 last), so that every result waited on the workers
    # until the first one came.
    futures = [client.compute(part, priority=-i) for i, part in enumerate(parts.to_delayed())]
    for done, future in enumerate(futures, start=1):
        yield from future.result()
        future.release()
        _report(progress, "ingest", done / len(futures))
    del futures


def partition_count(n_items: int, n_workers: int) -> int:
    """How many ingestion partitions ``n_items`` inputs get on ``n_workers`` workers."""
    by_size = -(-n_items // PARTITION_FILES)
    balanced = min(n_items // MIN_PARTITION_FILES, PARTITIONS_PER_WORKER * max(n_workers, 1))
    return max(1, by_size, balanced)


def partition_inputs(inputs: Sequence[Path | str]) -> tuple[list[str], list[IngestError]]:
    """Folders expanded to their article files (in the local engine's order); files, URLs
    and lists of URLs passed through as given."""
    items: list[str] = []
    errors: list[IngestError] = []
    for given in inputs:
        if isinstance(given, Path) or "://" not in str(given):
            if Path(given).is_dir():
                files, problems = expand_paths([given])
                items.extend(str(f) for f in files)
                errors.extend(problems)
                continue
        items.append(str(given))
    return items, errors


def _ingest_partition(items: list[str], dates: dict[str, date]) -> list[bytes]:
    """Ingest one partition of inputs (runs on a worker): its IngestResult, pickled, so
    that the worker holds bytes, not objects, until the client takes them."""
    return [dumps(_ingest_quietly(items, dates))]


def _ingest_and_tag_partition(items: list[str], dates: dict[str, date]) -> list[bytes]:
    """Ingest one partition of inputs, tag its articles and count their lower-case words
    (runs on a worker): (IngestResult, timexes per article, words, seconds per stage),
    pickled."""
    started = time.perf_counter()
    result = _ingest_quietly(items, dates)
    read = time.perf_counter()
    found = tag_chunk(result.articles)
    tagging = time.perf_counter()
    words = lowered_words_of(result.articles)
    seconds = (read - started, tagging - read, time.perf_counter() - tagging)
    return [dumps((result, found, words, seconds))]


def _ingest_quietly(items: list[str], dates: dict[str, date]) -> IngestResult:
    """ingest on a worker, without its log line per file skipped: the result carries each
    problem to the client, whose build report names every file once (as the CLI's own
    ingestion does; the worker's log would print them a second time)."""
    logging.getLogger("dashboard.ingest").setLevel(logging.ERROR)
    return ingest(items, dates=dates or None)


class _Merged:
    """Per-partition ingestion results merged in partition order: the first copy of an
    article wins, as when one process reads every input in order."""

    def __init__(self, errors: Sequence[IngestError]) -> None:
        self.result = IngestResult([], list(errors))
        self._seen: dict[tuple[str, str], str] = {}
        self._reported: set[IngestError] = set(self.result.errors)

    def add(self, part: IngestResult) -> list[int]:
        """Take ``part``'s errors; the positions of its articles that are first copies."""
        for error in part.errors:
            if error not in self._reported:  # a manifest shared by partitions: reported once
                self._reported.add(error)
                self.result.errors.append(error)
        kept = []
        for i, article in enumerate(part.articles):
            key = (article.content_hash, article.source_key)
            if key in self._seen:
                self.result.errors.append(
                    IngestError(article.source_path, f"duplicate of {self._seen[key]}; skipped")
                )
                continue
            self._seen[key] = article.source_path
            kept.append(i)
        return kept


def merge_ingested(parts: Iterable[IngestResult], errors: Sequence[IngestError]) -> IngestResult:
    """One result from per-partition ones (see _Merged)."""
    merged = _Merged(errors)
    for part in parts:
        merged.result.articles.extend(part.articles[i] for i in merged.add(part))
    return merged.result


def _futures_mapper(client: Any) -> Mapper:
    """A mapper running each chunk as a Dask task, results in chunk order.

    Chunks and results travel as pickled bytes, a few tasks in flight per worker. Handed
    to Dask as Python objects, every queued task's arguments are unpickled on the worker
    beside the task it is running: mention extraction at 10,000 articles took 8 s on two
    workers that way against 3.7 s as bytes (docs/benchmarks.md, Run S).
    """
    window = IN_FLIGHT_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))

    def apply(func: Callable, chunks: Iterable) -> Iterator:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(client.submit(_call_pickled, func, dumps(chunk), pure=False))
            if len(pending) >= window:
                yield _unpickled_result(pending.popleft())
        while pending:
            yield _unpickled_result(pending.popleft())

    return apply


def _call_pickled(func: Callable, chunk: bytes) -> bytes:
    """``func`` of a pickled chunk, pickled (runs on a worker)."""
    return dumps(func(pickle.loads(chunk)))


def _unpickled_result(future: Any) -> Any:
    data = future.result()
    future.release()
    return pickle.loads(data)


def write_mentions_parquet(corpus: Corpus, folder: Path, name: str) -> Path:
    """Write the mention rows as Parquet partitioned by publication day; returns the folder.

    Mentions are read ARROW_ROWS at a time into Arrow record batches, and the batches
    written PARQUET_ROWS rows at a time, each write's files closed before the next: a
    writer kept open per day holds its rows until the end (about 400 MB at 100,000
    articles), and the mentions themselves take ten times their Arrow rows' memory."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    schema = mention_schema(pa)
    by_day = ds.partitioning(pa.schema([schema.field("published")]), flavor="hive")
    held: list = []

    def write(part: int) -> None:
        # Sorted by day, a day's file is done when the next day starts: two files open
        # at a time, not one writer (with its buffers) per day.
        ds.write_dataset(
            pa.Table.from_batches(held, schema=schema).sort_by("published"),
            str(folder),
            format="parquet",
            partitioning=by_day,
            basename_template=f"part-{part}-{{i}}.parquet",
            existing_data_behavior="overwrite_or_ignore",
            max_open_files=2,
        )
        held.clear()

    written = 0
    for batch in batched(corpus.mentions, ARROW_ROWS):
        columns = mention_columns(batch, name)
        columns["published"] = [d.isoformat() if d else "undated" for d in columns["reported_on"]]
        held.append(pa.RecordBatch.from_pydict(columns, schema=schema))
        if sum(len(b) for b in held) >= PARQUET_ROWS:
            write(written)
            written += 1
    if held:
        write(written)
    return folder


def mention_schema(pa: Any) -> Any:
    """The Arrow schema of the mentions table's rows, with their publication day."""
    types = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "DATE": pa.date32()}
    columns = [c.split() for c in TABLES["mentions"].split(",")]
    return pa.schema([(n.strip('"'), types[t]) for n, t in columns] + [("published", pa.string())])


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "corpus"

"""The distributed engine: the same build as the local one, with its work run as Dask tasks.

Ingestion runs as a dask.bag over a few large partitions of the input files; tagging and
mention extraction run as one task per large chunk of articles. Actor merging and
clustering are corpus-wide and run once, on the client. Mention rows are written as Parquet
partitioned by publication day, and the store reads them from there with DuckDB. With no
scheduler address a LocalCluster of worker processes is started for the build.

Dask is an optional extra (``pip install storyline[dask]``): it is imported only here.
"""

from __future__ import annotations

import os
import pickle
import shutil
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from dashboard.ingest import IngestError, IngestResult, expand_paths
from dashboard.pipeline import (
    Corpus,
    Mapper,
    Progress,
    _report,
    cluster_corpus,
    crash_point,
    ingest,
    run_articles,
)
from dashboard.store import StoredCorpus, mention_rows

# Input files per ingestion partition: few, large partitions (each task has a fixed cost),
# but at least PARTITIONS_PER_WORKER per worker so that no worker idles while one finishes.
PARTITION_FILES = 2_000
PARTITIONS_PER_WORKER = 3
MIN_PARTITION_FILES = 100
# Tasks of a stage submitted ahead per worker: enough to keep each busy while the client
# unpickles results, few enough that chunks are not all held at once.
IN_FLIGHT_PER_WORKER = 2


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
) -> Corpus:
    """Build like ``pipeline.run`` with the per-article work spread over a Dask cluster.

    ``scheduler`` is the address of a running scheduler (tcp://host:8786); without it a
    LocalCluster of ``workers`` processes (default: one per core), one thread each, is
    started and stopped. Mention rows are written under ``workdir`` as Parquet. ``until``
    names the last stage to run, as in ``pipeline.run``.
    """
    bag, distributed = _import_dask()
    with _client(distributed, scheduler, workers) as client:
        import time

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
    if until == "cluster":
        # Clustering runs on this process alone: after the cluster is stopped, so that its
        # workers' memory is free and its event loops no longer share this process (about
        # 15% slower clustering beside an idle LocalCluster of 2 processes).
        cluster_corpus(corpus, previous, progress)
    if workdir is not None and corpus.mentions:
        corpus.mentions_parquet = write_mentions_parquet(
            corpus, workdir / _safe(corpus_name) / "mentions", corpus_name
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
    if not items:
        return IngestResult([], errors)
    n_parts = partition_count(len(items), len(client.scheduler_info()["workers"]))
    parts = bag.from_sequence(items, npartitions=n_parts).map_partitions(
        _ingest_partition, dict(dates or {})
    )
    futures = client.compute(parts.to_delayed())
    results = _gather_in_order(client, futures, progress, "ingest")
    return merge_ingested([pickle.loads(r) for part in results for r in part], errors)


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
    that the worker holds bytes, not objects, until the client gathers them."""
    return [_pickled(ingest(items, dates=dates or None))]


def merge_ingested(parts: Sequence[IngestResult], errors: Sequence[IngestError]) -> IngestResult:
    """One result from per-partition ones: the first copy of an article wins, as when one
    process reads every input in order."""
    merged = IngestResult([], list(errors))
    seen: dict[tuple[str, str], str] = {}
    reported: set[IngestError] = set(merged.errors)
    for part in parts:
        for error in part.errors:
            if error not in reported:  # a manifest shared by partitions is reported once
                reported.add(error)
                merged.errors.append(error)
        for article in part.articles:
            key = (article.content_hash, article.source_key)
            if key in seen:
                merged.errors.append(
                    IngestError(article.source_path, f"duplicate of {seen[key]}; skipped")
                )
                continue
            seen[key] = article.source_path
            merged.articles.append(article)
    return merged


def _futures_mapper(client: Any) -> Mapper:
    """A mapper running each chunk as a Dask task, results in chunk order.

    Chunks and results travel as pickled bytes, a few tasks in flight per worker. Handed
    to Dask as Python objects, every queued task's arguments are unpickled on the worker
    beside the task it is running: mention extraction at 10,000 articles took 8 s on two
    workers that way against 3.7 s as bytes (bench/build.py figures in docs/benchmarks.md).
    """
    window = IN_FLIGHT_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))

    def apply(func: Callable, chunks: list) -> Iterator:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(client.submit(_call_pickled, func, _pickled(chunk), pure=False))
            if len(pending) >= window:
                yield _unpickled_result(pending.popleft())
        while pending:
            yield _unpickled_result(pending.popleft())

    return apply


def _pickled(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _call_pickled(func: Callable, chunk: bytes) -> bytes:
    """``func`` of a pickled chunk, pickled (runs on a worker)."""
    return _pickled(func(pickle.loads(chunk)))


def _unpickled_result(future: Any) -> Any:
    data = future.result()
    future.release()
    return pickle.loads(data)


def _gather_in_order(
    client: Any, futures: list, progress: Progress | None, stage: str
) -> list[Any]:
    """Wait for every future, reporting progress as they finish; results in submit order."""
    from distributed import as_completed

    done = 0
    for _ in as_completed(futures):
        done += 1
        _report(progress, stage, done / len(futures))
    return client.gather(futures)


def write_mentions_parquet(corpus: Corpus, folder: Path, name: str) -> Path:
    """Write the mention rows as Parquet partitioned by publication day; returns the folder."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    frame = mention_rows(corpus.mentions, name)
    frame["published"] = [d.isoformat() if d else "undated" for d in frame["reported_on"]]
    pq.write_to_dataset(
        pa.Table.from_pandas(frame, preserve_index=False),
        root_path=str(folder),
        partition_cols=["published"],
    )
    return folder


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "corpus"

"""Records of a large build kept on disk between stages, so that memory does not grow with
the corpus: each stage reads what the one before it wrote, a batch at a time.

A spill is a sequence of runs (files); a run holds pickled batches of records, read back
in the order they were written. Records can also be read back sorted by a key when each run
was written in key order (an external merge sort: one record per run in memory at a time).

Written by hand because the records are the pipeline's own dataclasses and no library
streams them to and from disk more simply than pickle does (Parquet or DuckDB would need a
schema per record type and a conversion both ways, for data that lives minutes).
"""

from __future__ import annotations

import heapq
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")
K = TypeVar("K")

# Records per pickled batch in a run: large enough that pickling costs little per record,
# small enough that reading a run back in key order holds little per run.
BATCH_RECORDS = 256


class SpillFolder:
    """A temporary folder for one build's spills; removed on close."""

    def __init__(self, parent: Path | None = None, prefix: str = "storyline-spill-") -> None:
        self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        self._count = 0

    def spill(self, name: str) -> Spill:
        """A new empty spill in this folder."""
        self._count += 1
        return Spill(self.path / f"{self._count:03d}-{name}")

    def close(self) -> None:
        """Delete every spill of this folder."""
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> SpillFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Spill(Generic[T]):
    """An append-only list of records on disk, in runs of pickled batches.

    ``len()`` and iteration (in the order written) work like a list's; there is no random
    access. ``write_run`` adds one run; ``sorted_by`` merges runs written in key order.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.runs: list[Path] = []
        self._len = 0

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return self._len > 0

    def write_run(self, records: Iterable[T]) -> int:
        """Append ``records`` as one run; returns how many were written."""
        before = self._len
        with self.writer() as out:
            for record in records:
                out.append(record)
        return self._len - before

    def writer(self) -> SpillWriter[T]:
        """A writer appending records one at a time as one run (closed by ``with``)."""
        return SpillWriter(self)

    def __iter__(self) -> Iterator[T]:
        for path in self.runs:
            yield from _read_run(path)

    def batches(self, size: int) -> Iterator[list[T]]:
        """The records in order, in lists of at most ``size``."""
        batch: list[T] = []
        for record in self:
            batch.append(record)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def sorted_by(self, key: Callable[[T], Any]) -> Iterator[T]:
        """The records in ``key`` order, each run having been written in that order (a
        k-way merge: one batch per run in memory). Equal keys keep run order."""
        return heapq.merge(*(_read_run(path) for path in self.runs), key=key)


class SpillWriter(Generic[T]):
    """Appends records to a new run of a spill, a pickled batch at a time."""

    def __init__(self, spill: Spill[T]) -> None:
        self.spill = spill
        self.path = spill.folder / f"run-{len(spill.runs):06d}.pkl"
        spill.runs.append(self.path)
        self._out = self.path.open("wb")
        self._batch: list[T] = []

    def append(self, record: T) -> None:
        self._batch.append(record)
        if len(self._batch) >= BATCH_RECORDS:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            pickle.dump(self._batch, self._out, protocol=pickle.HIGHEST_PROTOCOL)
            self.spill._len += len(self._batch)
            self._batch = []

    def close(self) -> None:
        self._flush()
        self._out.close()

    def __enter__(self) -> SpillWriter[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_run(path: Path) -> Iterator[Any]:
    with path.open("rb") as source:
        while True:
            try:
                batch = pickle.load(source)
            except EOFError:
                return
            yield from batch


class SpilledMapping(Generic[K, T]):
    """Pairs (key, value) kept in a spill, read like a mapping's ``items()``: for a stage's
    per-article results (article id -> timexes) that the store reads once, in order."""

    def __init__(self, spill: Spill[tuple[K, T]]) -> None:
        self.spill = spill

    def __len__(self) -> int:
        return len(self.spill)

    def items(self) -> Iterator[tuple[K, T]]:
        return iter(self.spill)

    def values(self) -> Iterator[T]:
        return (value for _, value in self.spill)

    def keys(self) -> Iterator[K]:
        return (key for key, _ in self.spill)

    def __iter__(self) -> Iterator[K]:
        return self.keys()

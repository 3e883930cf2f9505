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

import copyreg
import dataclasses
import heapq
import io
import itertools
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from operator import attrgetter
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")
K = TypeVar("K")

# Records per pickled batch in a run: large enough that pickling costs little per record,
# small enough that reading a run back in key order holds little per run.
BATCH_RECORDS = 256
# Runs one merge reads at once: each is an open file while it is read, and a build's
# spills have a run per batch of 2,000 articles (500 at 1,000,000 articles, past macOS's
# default limit of 256 open files). Beyond this many, groups of runs are merged first.
MERGE_RUNS = 64


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

    @staticmethod
    def in_memory() -> MemoryFolder:
        """Spills kept in lists: the same passes over a corpus small enough to hold."""
        return MemoryFolder()

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
        self._made = 0  # runs ever made here: each one's file name
        self._len = 0
        # per run: (key function, first key, last key) when written by write_run with a key
        self._bounds: list[tuple[Callable[[T], Any], Any, Any] | None] = []

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return self._len > 0

    def write_run(self, records: Iterable[T], key: Callable[[T], Any] | None = None) -> int:
        """Append ``records`` as one run; returns how many were written. With ``key``
        (the records being in its order), sorted_by(key) reads runs that follow each other
        in key order one after another instead of merging them."""
        before = self._len
        first = last = None
        with self.writer() as out:
            for record in records:
                out.append(record)
                if key is not None:
                    last = key(record)
                    first = last if first is None else first
        if key is not None:
            self._bounds[-1] = (key, first, last) if self._len > before else (key, None, None)
        return self._len - before

    def writer(self) -> SpillWriter[T]:
        """A writer appending records one at a time as one run (closed by ``with``)."""
        return SpillWriter(self)

    def __iter__(self) -> Iterator[T]:
        for path in self.runs:
            yield from _read_run(path)

    def sorted_by(self, key: Callable[[T], Any]) -> Iterator[T]:
        """The records in ``key`` order, each run having been written in that order (a
        k-way merge: one batch per run in memory). Equal keys keep run order."""
        if self._in_order(key):
            return iter(self)
        self._merge_down(key)
        return heapq.merge(*self._each_run(), key=key)

    def _merge_down(self, key: Callable[[T], Any]) -> None:
        """Merge each MERGE_RUNS consecutive runs into one run until at most MERGE_RUNS
        are left: the same records, and the same order when merged (a stable merge of
        consecutive runs' stable merges); iteration follows ``key`` from then on."""
        while len(self.runs) > MERGE_RUNS:
            runs, length = self.runs, self._len
            self.runs, self._bounds = [], []
            for start in range(0, len(runs), MERGE_RUNS):
                group = runs[start : start + MERGE_RUNS]
                self.write_run(heapq.merge(*(_read_run(path) for path in group), key=key), key)
                for path in group:
                    path.unlink()
            self._len = length

    def _each_run(self) -> list[Iterator[T]]:
        return [_read_run(path) for path in self.runs]

    def _in_order(self, key: Callable[[T], Any]) -> bool:
        """Every run was written with this key, each starting at or after the last ends."""
        last = None
        for bound in self._bounds:
            if bound is None or bound[0] is not key:
                return False
            if bound[1] is None:  # an empty run
                continue
            if last is not None and bound[1] < last:
                return False
            last = bound[2]
        return True


class SpillWriter(Generic[T]):
    """Appends records to a new run of a spill, a pickled batch at a time.

    The run's file is opened for each batch it is given, not held open: clustering writes
    to a bucket per 20,000 mentions at once (about 170 at 1,000,000 articles), and each
    one's open file counted against the process's limit (256 by default on macOS)."""

    def __init__(self, spill: Spill[T]) -> None:
        self.spill = spill
        self.path = spill.folder / f"run-{spill._made:06d}.pkl"
        spill._made += 1
        spill.runs.append(self.path)
        spill._bounds.append(None)
        self.path.write_bytes(b"")
        self._batch: list[T] = []

    def append(self, record: T) -> None:
        self._batch.append(record)
        if len(self._batch) >= BATCH_RECORDS:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            with self.path.open("ab") as out:
                _Pickler(out).dump(self._batch)
            self.spill._len += len(self._batch)
            self._batch = []

    def close(self) -> None:
        self._flush()

    def __enter__(self) -> SpillWriter[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Pickler(pickle.Pickler):
    """Pickles the pipeline's slotted dataclasses as their class and field values, so
    loading one is a constructor call: the standard state of a slotted dataclass is read
    back through dataclasses.fields() for every record, a sixth of a spilled build's time."""

    def __init__(self, out: io.BufferedIOBase) -> None:
        super().__init__(out, protocol=pickle.HIGHEST_PROTOCOL)

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        getter = _FIELD_GETTERS.get(cls)
        if getter is None:
            if cls in _FIELD_GETTERS or not _plain_dataclass(cls):
                _FIELD_GETTERS[cls] = None
                return NotImplemented
            names = [f.name for f in dataclasses.fields(cls)]
            getter = _FIELD_GETTERS[cls] = _as_tuple(attrgetter(*names), len(names))
        return cls, getter(obj)


def dumps(value: Any) -> bytes:
    """``value`` pickled as a spill writes it (slotted dataclasses as constructor calls);
    pickle.loads reads it back."""
    out = io.BytesIO()
    _Pickler(out).dump(value)
    return out.getvalue()


# Class -> the getter of its fields as a tuple, or None for what pickle does itself.
_FIELD_GETTERS: dict[type, Callable[[Any], tuple] | None] = {}


def _plain_dataclass(cls: type) -> bool:
    """A slotted dataclass whose fields all go to __init__, in order, and nothing else."""
    if not dataclasses.is_dataclass(cls) or not hasattr(cls, "__slots__"):
        return False
    if copyreg.dispatch_table.get(cls) is not None or hasattr(cls, "__post_init__"):
        return False
    return all(f.init for f in dataclasses.fields(cls))


def _as_tuple(getter: Callable[[Any], Any], n: int) -> Callable[[Any], tuple]:
    return getter if n > 1 else (lambda obj: (getter(obj),))


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size``, in order (itertools.batched of Python 3.12)."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


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


class MemoryFolder(SpillFolder):
    """A SpillFolder whose spills are lists in memory (nothing is written)."""

    def __init__(self) -> None:
        self.path = Path()
        self._count = 0

    def spill(self, name: str) -> Spill:
        return MemorySpill()

    def close(self) -> None:
        pass


class MemorySpill(Spill[T]):
    """A Spill held in memory: runs are lists."""

    def __init__(self) -> None:
        self.lists: list[list[T]] = []
        self.runs = []
        self._len = 0
        self._bounds = []

    def writer(self) -> SpillWriter[T]:
        return _ListWriter(self)

    def __iter__(self) -> Iterator[T]:
        for run in self.lists:
            yield from run

    def _each_run(self) -> list[Iterator[T]]:
        return [iter(run) for run in self.lists]


class _ListWriter(SpillWriter[T]):
    def __init__(self, spill: MemorySpill[T]) -> None:
        self.spill = spill
        self._run: list[T] = []
        spill.lists.append(self._run)
        spill._bounds.append(None)

    def append(self, record: T) -> None:
        self._run.append(record)
        self.spill._len += 1

    def close(self) -> None:
        pass

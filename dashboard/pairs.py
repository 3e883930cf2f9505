"""Scored pairs of mentions for greedy linkage, kept on disk when the corpus is large.

A corpus of 100,000 articles gives tens of millions of candidate pairs; held in memory
with the sorts that order them they were most of a build's peak.  Here pairs are written
as they are found, a slice of mentions (by the pair's lower end) to a file; each slice is
then made unique and scored on its own, and its pairs are written again in two orders:
into bands of scores (each band sorted when written, so the bands read one after another
give every pair best first) and into each mention's list of pairs (read one mention at a
time while groups form).  Memory holds one slice or one band at a time.

Hand-written over NumPy record files: greedy average linkage needs both orders, the
second one read a mention at a time hundreds of thousands of times, and neither DuckDB's
external sort nor a Parquet file reads that cheaply (a query per mention).  Without a
folder the same records are kept in memory, for small corpora and incremental builds.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

# A pair as found: its ends (low < high) and the wording cosine it was found with.
FOUND = np.dtype([("low", "<i4"), ("high", "<i4"), ("cos", "<f8")])
# A scored pair, i < j.
PAIR = np.dtype([("i", "<i4"), ("j", "<i4"), ("score", "<f8")])
# One end's view of a pair: the mention at the other end and the score.
NEIGHBOUR = np.dtype([("other", "<i4"), ("score", "<f8")])
# A pair seen from mention ``r``: side 0 when r is its lower end, 1 when the upper.
_END = np.dtype([("r", "<i4"), ("side", "u1"), ("other", "<i4"), ("score", "<f8")])

# Mentions per slice: a slice holds about 20-40 pairs per mention while it is scored and
# sorted (16-50 bytes each, with the scorer's temporaries), so about 10 MB at this size.
SLICE_MENTIONS = 5_000
# Pairs per chunk when pairs are read in order.
READ_PAIRS = 1 << 16

Scorer = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]

# Shelves whose files one thread keeps open at once; the least recently used one's are
# closed beyond this (and opened again when next used). Each slice of mentions has its
# own files (pairs found, a band of scores, each end's pairs): kept open all at once they
# passed a limit of 256 open files (macOS's default) at about 150,000 articles and would
# pass Linux's usual 1,024 at about 700,000. 100,000 articles' 68 slices' found pairs
# (appended to in turn, so a bound under their number would reopen a file every time)
# stay open.
MAX_OPEN_SHELVES = 128
_open_here = threading.local()


def _opened(shelf: Shelf) -> None:
    """Note that ``shelf`` has a file open and was just used."""
    recent: OrderedDict[int, Shelf] = _open_here.__dict__.setdefault("shelves", OrderedDict())
    recent[id(shelf)] = shelf
    recent.move_to_end(id(shelf))
    while len(recent) > MAX_OPEN_SHELVES:
        _, oldest = recent.popitem(last=False)
        oldest._close_files()


def _closed(shelf: Shelf) -> None:
    _open_here.__dict__.get("shelves", {}).pop(id(shelf), None)


class Shelf:
    """Records of one dtype, appended in order and read back whole, in chunks, or a range
    at a time: in a file when given a path, else in a list in memory."""

    def __init__(self, dtype: np.dtype, path: Path | None) -> None:
        self.dtype = dtype
        self.path = path
        self.count = 0
        self._parts: list[np.ndarray] = []
        self._writer = None
        self._reader: int | None = None

    def append(self, records: np.ndarray) -> None:
        if not len(records):
            return
        self.count += len(records)
        if self.path is None:
            self._parts.append(np.ascontiguousarray(records, dtype=self.dtype))
            return
        if self._writer is None:
            self._writer = self.path.open("ab")
        _opened(self)
        np.ascontiguousarray(records, dtype=self.dtype).tofile(self._writer)

    def _flush(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def _close_files(self) -> None:
        """Close what is open; the next append or read opens it again."""
        self._flush()
        if self._reader is not None:
            os.close(self._reader)
            self._reader = None

    def read(self) -> np.ndarray:
        """Every record."""
        if self.path is None:
            if len(self._parts) > 1:
                self._parts = [np.concatenate(self._parts)]
            return self._parts[0] if self._parts else np.empty(0, dtype=self.dtype)
        self._flush()
        if not self.count:
            return np.empty(0, dtype=self.dtype)
        return np.fromfile(self.path, dtype=self.dtype)

    def span(self, start: int, stop: int) -> np.ndarray:
        """Records start to stop (one read of the file, not a mapping of it: pages read
        stay in the page cache, not in this process)."""
        if start >= stop:
            return np.empty(0, dtype=self.dtype)
        if self.path is None:
            return self.read()[start:stop]
        if self._reader is None:
            self._flush()
            self._reader = os.open(self.path, os.O_RDONLY)
        _opened(self)
        size = self.dtype.itemsize
        data = os.pread(self._reader, (stop - start) * size, start * size)
        return np.frombuffer(data, dtype=self.dtype)

    def chunks(self, size: int) -> Iterator[np.ndarray]:
        for start in range(0, self.count, size):
            yield self.span(start, min(start + size, self.count))

    def close(self) -> None:
        self._close_files()
        _closed(self)

    def discard(self) -> None:
        self.close()
        self._parts = []
        self.count = 0
        if self.path is not None:
            self.path.unlink(missing_ok=True)


class ScoredPairs:
    """Unique scored pairs (i < j): read best first (ties by i, then j) with ``chunks``,
    and one mention's pairs with ``of``."""

    def __init__(self, n: int, bands: list[Shelf], ends: Shelf, starts: np.ndarray) -> None:
        self.n = n
        self._bands = bands  # best band first, each sorted
        self._ends = ends
        self._starts = starts

    def __len__(self) -> int:
        return sum(b.count for b in self._bands)

    def chunks(self, size: int = READ_PAIRS) -> Iterator[np.ndarray]:
        """The pairs best first, as PAIR records, a chunk at a time."""
        for band in self._bands:
            yield from band.chunks(size)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(i, j, score) of every pair best first, in memory: for small sets only."""
        whole = np.concatenate([*self.chunks(), np.empty(0, dtype=PAIR)])
        return whole["i"], whole["j"], whole["score"]

    def of(self, r: int) -> np.ndarray:
        """Mention r's pairs as NEIGHBOUR records: those where r is the lower end, in pair
        order, then those where it is the upper end, in pair order."""
        return self._ends.span(int(self._starts[r]), int(self._starts[r + 1]))

    def close(self) -> None:
        for shelf in (*self._bands, self._ends):
            shelf.discard()

    def __enter__(self) -> ScoredPairs:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @classmethod
    def ranked(cls, n: int, i: np.ndarray, j: np.ndarray, score: np.ndarray) -> ScoredPairs:
        """Pairs already unique and best first, held in memory."""
        sink = PairSink(n, None)
        sink.add(i, j, score)
        return sink.scored(lambda _i, _j, s: s)


class PairSink:
    """Pairs as they are found (a pair may be found more than once: its first finding
    counts), turned into ScoredPairs by ``scored``."""

    def __init__(self, n: int, folder: Path | None) -> None:
        self.n = n
        self._folder = folder
        self._slices = [
            Shelf(FOUND, self._file(f"found-{k}")) for k in range(max(1, -(-n // SLICE_MENTIONS)))
        ]

    def _file(self, name: str) -> Path | None:
        return None if self._folder is None else self._folder / f"pairs-{name}.bin"

    def add(self, i: np.ndarray, j: np.ndarray, cos: np.ndarray) -> None:
        """Pairs found (either end first), in the order found."""
        found = np.empty(len(i), dtype=FOUND)
        found["low"] = np.minimum(i, j)
        found["high"] = np.maximum(i, j)
        found["cos"] = cos
        for k, part in _by_slice(found, found["low"]):
            self._slices[k].append(part)

    def scored(self, score: Scorer) -> ScoredPairs:
        """Each distinct pair once, with its first finding's cosine, scored by
        ``score(i, j, cosine)`` (elementwise), ready to read in both orders."""
        n_slices = len(self._slices)
        bands = [Shelf(PAIR, self._file(f"band-{k}")) for k in range(n_slices)]
        ends = [Shelf(_END, self._file(f"ends-{k}")) for k in range(n_slices)]
        bounds: np.ndarray | None = None
        for found_slice in self._slices:
            found = found_slice.read()
            found_slice.discard()
            found = found[_first_findings(found["low"], found["high"])]
            pairs = np.empty(len(found), dtype=PAIR)
            pairs["i"], pairs["j"] = found["low"], found["high"]
            pairs["score"] = score(pairs["i"], pairs["j"], found["cos"])
            del found
            if bounds is None and len(pairs):
                bounds = _band_bounds(pairs["score"], n_slices)
            if bounds is not None:
                # bands are numbered best first; equal scores share a band
                band = len(bounds) - np.searchsorted(bounds, pairs["score"], side="right")
                for k, part in _split(pairs, band, len(bounds) + 1):
                    bands[k].append(part)
            for side, (me, other) in enumerate((("i", "j"), ("j", "i"))):
                seen = np.empty(len(pairs), dtype=_END)
                seen["r"], seen["side"] = pairs[me], side
                seen["other"], seen["score"] = pairs[other], pairs["score"]
                for k, part in _by_slice(seen, seen["r"]):
                    ends[k].append(part)
        for band in bands:
            _sort_shelf(band, lambda p: np.lexsort((p["j"], p["i"], -p["score"])))
        by_mention = Shelf(NEIGHBOUR, self._file("by-mention"))
        counts = np.zeros(self.n, dtype=np.int64)
        for end in ends:
            seen = end.read()
            end.discard()
            seen = seen[np.lexsort((seen["other"], -seen["score"], seen["side"], seen["r"]))]
            counts += np.bincount(seen["r"], minlength=self.n)
            records = np.empty(len(seen), dtype=NEIGHBOUR)
            records["other"], records["score"] = seen["other"], seen["score"]
            by_mention.append(records)
        starts = np.r_[0, np.cumsum(counts)]
        return ScoredPairs(self.n, [b for b in bands if b.count], by_mention, starts)


def _by_slice(records: np.ndarray, mention: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """The records of each slice of mentions, in their order."""
    slices = int(mention.max()) // SLICE_MENTIONS + 1 if len(mention) else 0
    yield from _split(records, mention // SLICE_MENTIONS, slices)


def _split(records: np.ndarray, key: np.ndarray, n_keys: int) -> Iterator[tuple[int, np.ndarray]]:
    """(k, the records whose key is k, in their order) for each k that has any."""
    if not len(records):
        return
    if n_keys == 1:
        yield 0, records
        return
    order = np.argsort(key, kind="stable")
    counts = np.bincount(key, minlength=n_keys)
    edges = np.r_[0, np.cumsum(counts)]
    for k in np.flatnonzero(counts).tolist():
        yield k, records[order[edges[k] : edges[k + 1]]]


def _first_findings(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Where each distinct pair (low, high) is first found, in (low, high) order."""
    keys = low.astype(np.int64) << 32
    keys |= high.astype(np.int64)
    order = np.argsort(keys, kind="stable")  # stable: a pair's first finding comes first
    keys = keys[order]
    return order[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else order


def _band_bounds(scores: np.ndarray, n_bands: int) -> np.ndarray:
    """Ascending score bounds splitting a sample of scores into about equal bands."""
    if n_bands == 1:
        return np.empty(0)
    return np.unique(np.quantile(scores, np.linspace(0, 1, n_bands + 1)[1:-1]))


def _sort_shelf(shelf: Shelf, order: Callable[[np.ndarray], np.ndarray]) -> None:
    """Rewrite the shelf's records in ``order``."""
    records = shelf.read()
    path = shelf.path
    shelf.discard()
    shelf.path = path
    shelf.append(records[order(records)])

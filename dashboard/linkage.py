"""Greedy average linkage over scored pairs of mentions, in memory that stays small as
the corpus grows.

Pairs are visited best first; two groups merge when the mean score over all their cross
pairs (unscored pairs count 0) reaches the threshold and their dates stay compatible.  A
group of two or more keeps its summed scores to its neighbouring groups, so a merge costs
its neighbours, not its size squared; a single mention's scores are read from its list of
pairs (ScoredPairs.of) when needed.

Hand-written: scikit-learn's and SciPy's agglomerative clustering need the whole distance
matrix (or a connectivity graph held with it) and know neither the date windows nor a
merge threshold over sparse, disk-held pairs.  Everything per mention or per neighbour is
a typed array (4 or 8 bytes a value): Python dicts and lists of ints held about 140 bytes a
neighbour, over 100 MB at 100,000 articles.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator

import numpy as np

from dashboard.pairs import ScoredPairs


class _Sums:
    """A group's summed scores to its neighbouring groups: their root mentions, sorted,
    and the sums, in two typed arrays (12 bytes a neighbour)."""

    __slots__ = ("keys", "values")

    def __init__(self, sums: dict[int, float]) -> None:
        self.keys = array("i", sorted(sums))
        self.values = array("d", [sums[k] for k in self.keys])

    def get(self, key: int) -> float:
        keys = self.keys
        k = bisect_left(keys, key)
        return self.values[k] if k < len(keys) and keys[k] == key else 0.0

    def add(self, key: int, value: float) -> None:
        """The sum for ``key`` plus ``value`` (0.0 plus it when new, as a dict's get would)."""
        keys = self.keys
        k = bisect_left(keys, key)
        if k < len(keys) and keys[k] == key:
            self.values[k] += value
        else:
            keys.insert(k, key)
            self.values.insert(k, 0.0 + value)

    def pop(self, key: int) -> None:
        keys = self.keys
        k = bisect_left(keys, key)
        if k < len(keys) and keys[k] == key:
            del keys[k]
            del self.values[k]

    def move(self, old: int, new: int, value: float) -> None:
        """Drop ``old`` and add ``value`` to ``new`` (a neighbour folded into another)."""
        self.pop(old)
        self.add(new, value)

    def items(self) -> Iterator[tuple[int, float]]:
        return zip(self.keys, self.values, strict=True)


def _chunked_pairs(pairs: ScoredPairs) -> Iterator[tuple[int, int, float]]:
    """The pairs best first as Python tuples, a chunk at a time (millions of them at once
    cost GBs)."""
    for chunk in pairs.chunks():
        yield from zip(
            chunk["i"].tolist(), chunk["j"].tolist(), chunk["score"].tolist(), strict=True
        )


def _int32(values: np.ndarray) -> array:
    """A NumPy array as an array('i') without a Python int per value on the way."""
    out = array("i")
    out.frombytes(np.ascontiguousarray(values, dtype=np.int32).tobytes())
    return out


def group(
    n: int, pairs: ScoredPairs, earliest: np.ndarray, latest: np.ndarray, threshold: float
) -> list[list[int]]:
    """The groups of mentions 0..n-1 (each in merge order), from ``pairs`` (best first).

    ``earliest``/``latest`` are each mention's date interval as day ordinals (-1: undated):
    a group's dates are the intersection of its mentions' intervals, and two groups whose
    dates do not overlap never merge.
    """
    members: dict[int, array] = {}  # groups of two or more only
    root = array("i", range(n))
    size = array("i", [1]) * n
    # a group's dates: the intersection of its mentions' intervals (-1: no date)
    lo = _int32(earliest)
    hi = _int32(np.where(earliest >= 0, latest, -1))
    links: dict[int, _Sums] = {}  # groups of two or more only

    def find(x: int) -> int:
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    def single(r: int) -> dict[int, float]:
        """Summed scores from the single mention ``r`` to each neighbouring group, added
        in the order of its pairs (the order fixes the sums' last bits)."""
        out: dict[int, float] = {}
        mine = pairs.of(r)
        for other, value in zip(mine["other"].tolist(), mine["score"].tolist(), strict=True):
            other = find(other)
            out[other] = out.get(other, 0.0) + value
        return out

    for a, b, score in _chunked_pairs(pairs):  # best first
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if lo[ra] >= 0 and lo[rb] >= 0 and (lo[ra] > hi[rb] or lo[rb] > hi[ra]):
            continue
        if ra in links:
            total = links[ra].get(rb)
        elif rb in links:
            total = links[rb].get(ra)
        else:  # two single mentions: this pair is all they share (pairs are unique)
            total = score
        if total / (size[ra] * size[rb]) < threshold:
            continue
        if size[ra] < size[rb]:
            ra, rb = rb, ra  # fold the smaller group into the larger
        mine = links[ra] if ra in links else _Sums(single(ra))
        folded = links.pop(rb).items() if rb in links else single(rb).items()
        root[rb] = ra
        if ra not in members:
            members[ra] = array("i", [ra])
        members[ra].extend(members.pop(rb, array("i", [rb])))
        size[ra] += size[rb]
        links[ra] = mine
        mine.pop(rb)
        for other, value in folded:
            if other == ra:
                continue
            mine.add(other, value)
            theirs = links.get(other)
            if theirs is not None:  # a single mention finds its group through ``root``
                theirs.move(rb, ra, value)
        if lo[ra] >= 0 and lo[rb] >= 0:
            lo[ra], hi[ra] = max(lo[ra], lo[rb]), min(hi[ra], hi[rb])
        elif lo[rb] >= 0:
            lo[ra], hi[ra] = lo[rb], hi[rb]
    return [members[r].tolist() if r in members else [r] for r in range(n) if root[r] == r]

"""Scored pairs kept on disk or in memory (dashboard/pairs.py) against their definition:
each distinct pair once with its first finding's cosine, read best first (ties by i, then
j), and each mention's pairs as the lower end in pair order, then as the upper end."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dashboard.pairs as pairs_module
from dashboard.pairs import PairSink, ScoredPairs

FOUND_PAIRS = st.integers(2, 14).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(
            st.lists(
                st.tuples(
                    st.integers(0, n - 1),
                    st.integers(0, n - 1),
                    st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]),  # ties on purpose
                ).filter(lambda p: p[0] != p[1]),
                max_size=12,
            ),
            max_size=5,
        ),
        st.integers(1, 6),
    )
)


def _score(i: np.ndarray, j: np.ndarray, cos: np.ndarray) -> np.ndarray:
    """A scorer that reads both ends, so a pair scored against the wrong ends shows."""
    return cos + (i % 3) * 0.125 - (j % 2) * 0.0625


def _definition(n: int, batches: list[list[tuple[int, int, float]]]):
    first: dict[tuple[int, int], float] = {}
    for batch in batches:
        for a, b, cos in batch:
            first.setdefault((min(a, b), max(a, b)), cos)
    scored = [
        (a, b, float(_score(np.array([a]), np.array([b]), np.array([c]))[0]))
        for (a, b), c in first.items()
    ]
    ranked = sorted(scored, key=lambda p: (-p[2], p[0], p[1]))
    lists = {
        r: [(b, s) for a, b, s in ranked if a == r] + [(a, s) for a, b, s in ranked if b == r]
        for r in range(n)
    }
    return ranked, lists


@pytest.mark.parametrize("on_disk", [False, True])
@settings(max_examples=60, deadline=None)
@given(case=FOUND_PAIRS)
def test_scored_pairs_equal_their_definition(on_disk, case, tmp_path_factory):
    n, batches, per_slice = case
    # a few mentions per slice: many slices, and as many bands of scores
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pairs_module, "SLICE_MENTIONS", per_slice)
        _check_scored_pairs(n, batches, tmp_path_factory.mktemp("pairs") if on_disk else None)


def _check_scored_pairs(n, batches, folder) -> None:
    sink = PairSink(n, folder)
    for batch in batches:
        sink.add(
            np.array([a for a, _, _ in batch], dtype=np.int32),
            np.array([b for _, b, _ in batch], dtype=np.int32),
            np.array([c for _, _, c in batch]),
        )
    ranked, lists = _definition(n, batches)
    with sink.scored(_score) as got:
        i, j, score = got.arrays()
        assert list(zip(i.tolist(), j.tolist(), score.tolist(), strict=True)) == ranked
        assert len(got) == len(ranked)
        for r in range(n):
            mine = got.of(r)
            pairs = list(zip(mine["other"].tolist(), mine["score"].tolist(), strict=True))
            assert pairs == lists[r]
        # read in small chunks, the same order
        chunks = list(got.chunks(3))
        assert all(len(c) <= 3 for c in chunks)
        joined = [(int(c["i"]), int(c["j"]), float(c["score"])) for ch in chunks for c in ch]
        assert joined == ranked
    if folder is not None:
        assert not list(folder.iterdir())  # every file removed when closed


def test_pairs_on_disk_leave_memory_a_slice_at_a_time(tmp_path, monkeypatch):
    """Pairs of many slices go to files as found; only what is being read is in memory."""
    monkeypatch.setattr(pairs_module, "SLICE_MENTIONS", 100)
    rng = np.random.default_rng(0)
    n = 1_000
    sink = PairSink(n, tmp_path)
    for _ in range(20):
        a, b = rng.integers(0, n, 500), rng.integers(0, n, 500)
        keep = a != b
        sink.add(a[keep], b[keep], rng.random(int(keep.sum())))
    files = {p.name for p in tmp_path.iterdir()}
    assert len(files) == 10 and all(name.startswith("pairs-found-") for name in files)
    with sink.scored(lambda i, j, cos: cos) as got:
        names = sorted(p.name for p in tmp_path.iterdir())
        assert "pairs-by-mention.bin" in names
        assert sum(name.startswith("pairs-band-") for name in names) > 1
        assert not any(name.startswith(("pairs-found-", "pairs-ends-")) for name in names)
        scores = np.concatenate([c["score"] for c in got.chunks(128)])
        assert len(scores) == len(got) > 9_000
        assert (np.diff(scores) <= 0).all()
    assert not list(tmp_path.iterdir())


def test_ranked_pairs_and_no_pairs():
    empty = ScoredPairs.ranked(3, *(np.zeros(0, dtype=np.int32),) * 2, np.zeros(0))
    assert len(empty) == 0 and len(empty.of(1)) == 0
    assert [len(a) for a in empty.arrays()] == [0, 0, 0]
    got = ScoredPairs.ranked(
        3, np.array([0, 1], dtype=np.int32), np.array([2, 2], dtype=np.int32), np.array([0.9, 0.4])
    )
    assert got.of(2)["other"].tolist() == [0, 1]
    assert got.of(0)["score"].tolist() == [0.9]


def test_pairs_of_many_slices_stay_within_a_low_open_file_limit(tmp_path):
    """Each slice of mentions has its own files (pairs found, a band of scores, each end's
    pairs): a large corpus has hundreds of slices, and keeping every file open at once
    failed with "Too many open files" under a limit of 256 (macOS's default) at about
    150,000 articles. Run under a soft limit of 200 open files, with 300 slices."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        f"""
        import resource
        import numpy as np
        from pathlib import Path
        import dashboard.pairs as pairs_module
        from dashboard.pairs import PairSink

        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (200, hard))
        pairs_module.SLICE_MENTIONS = 10
        rng = np.random.default_rng(1)
        n = 3_000
        batches = []
        for _ in range(30):
            a, b = rng.integers(0, n, 400), rng.integers(0, n, 400)
            keep = a != b
            batches.append((a[keep], b[keep], rng.random(int(keep.sum()))))

        def run(folder):
            sink = PairSink(n, folder)
            for a, b, cos in batches:
                sink.add(a, b, cos)
            with sink.scored(lambda i, j, cos: cos + (i % 3) * 0.125) as got:
                ranked = np.concatenate(list(got.chunks(97)))
                lists = [got.of(r).copy() for r in range(n)]
            return ranked, lists

        on_disk, in_memory = run(Path({str(tmp_path)!r})), run(None)
        assert on_disk[0].tobytes() == in_memory[0].tobytes() and len(on_disk[0]) > 10_000
        assert all(a.tobytes() == b.tobytes() for a, b in zip(on_disk[1], in_memory[1]))
        assert not list(Path({str(tmp_path)!r}).iterdir())
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"

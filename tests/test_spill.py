"""Spills: records kept on disk between the stages of a large build, read back in order."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import cluster
from dashboard.spill import BATCH_RECORDS, SpilledMapping, SpillFolder, batched


def test_records_come_back_in_the_order_written_across_runs_and_batches() -> None:
    with SpillFolder() as folder:
        spill = folder.spill("numbers")
        assert len(spill) == 0 and not spill and list(spill) == []
        spill.write_run(range(BATCH_RECORDS * 2 + 5))
        with spill.writer() as out:
            for k in range(3):
                out.append(("x", k))
        assert len(spill) == BATCH_RECORDS * 2 + 8
        assert list(spill) == [*range(BATCH_RECORDS * 2 + 5), ("x", 0), ("x", 1), ("x", 2)]
        assert [len(b) for b in batched(spill, 200)] == [200, 200, len(spill) - 400]
        path = folder.path
    assert not path.exists()  # removed with its spills


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 50), max_size=600), max_size=6))
def test_runs_each_in_key_order_merge_into_one_sorted_stream(runs: list[list[int]]) -> None:
    with SpillFolder() as folder:
        spill = folder.spill("runs")
        for k, run in enumerate(runs):
            spill.write_run(sorted((value, k, i) for i, value in enumerate(run)))
        merged = list(spill.sorted_by(lambda r: r[0]))
    assert merged == sorted(merged, key=lambda r: r[0])
    assert sorted(merged) == sorted(
        (v, k, i) for k, run in enumerate(runs) for i, v in enumerate(run)
    )
    # equal keys keep the order of their runs
    for a, b in zip(merged, merged[1:], strict=False):
        if a[0] == b[0]:
            assert (a[1], a[2]) < (b[1], b[2])


def test_a_spilled_mapping_reads_like_items() -> None:
    with SpillFolder() as folder:
        mapping = SpilledMapping(folder.spill("pairs"))
        mapping.spill.write_run([("a", [1]), ("b", [])])
        assert len(mapping) == 2
        assert list(mapping.items()) == [("a", [1]), ("b", [])]
        assert list(mapping.keys()) == list(mapping) == ["a", "b"]
        assert sum(len(v) for v in mapping.values()) == 1


def test_clustering_mentions_on_disk_gives_the_events_of_clustering_them_in_memory(
    seed_corpus,
) -> None:
    """The seeds' mentions, spilled in runs of a few articles in a shuffled order, give the
    very events clustering them in memory gives (features, pairs, groups, summaries,
    source counts and syndicated copies)."""
    articles = list(seed_corpus.articles)
    by_id = {a.id: a for a in articles}
    expected = cluster.cluster_mentions(seed_corpus.mentions, by_id, seed_corpus.actors.actors)
    order = articles[:]
    random.Random(7).shuffle(order)
    per_article: dict[str, list] = {}
    for m in seed_corpus.mentions:
        per_article.setdefault(m.article_id, []).append(m)
    with SpillFolder() as folder:
        mentions = folder.spill("mentions")
        for start in range(0, len(order), 3):
            run = [m for a in order[start : start + 3] for m in per_article.get(a.id, [])]
            mentions.write_run(sorted(run, key=cluster.mention_order))
        sources = {a.id: cluster.Source(a.source_key, a.outlet) for a in articles}
        got = list(cluster.cluster_spilled(mentions, sources, lambda: iter(order), folder))
    assert len(expected) > 20
    key = lambda e: e.mention_ids  # noqa: E731
    assert sorted(got, key=key) == sorted(expected, key=key)


def test_runs_written_in_key_order_one_after_another_are_read_without_merging(
    monkeypatch,
) -> None:
    """sorted_by reads runs one after another when each was written with the key and starts
    where the one before ends; a run out of that order, or written without the key, makes
    it merge, with the same result."""
    import heapq

    merges = []
    real = heapq.merge
    monkeypatch.setattr(heapq, "merge", lambda *a, **k: merges.append(1) or real(*a, **k))
    key = lambda r: r  # noqa: E731
    for folder in (SpillFolder(), SpillFolder.in_memory()):
        with folder:
            spill = folder.spill("ordered")
            spill.write_run([1, 2, 3], key)
            spill.write_run([], key)
            spill.write_run([3, 5], key)
            assert list(spill.sorted_by(key)) == [1, 2, 3, 3, 5] and not merges
            spill.write_run([4, 9], key)  # starts before the last run ends
            assert list(spill.sorted_by(key)) == [1, 2, 3, 3, 4, 5, 9] and len(merges) == 1
            other = folder.spill("unkeyed")
            other.write_run([1, 2])
            other.write_run([3])
            assert list(other.sorted_by(key)) == [1, 2, 3] and len(merges) == 2
            merges.clear()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.integers(0, 9), max_size=40), min_size=1, max_size=30))
def test_more_runs_than_one_merge_reads_are_merged_in_groups_to_the_same_order(
    runs: list[list[int]],
) -> None:
    """A large corpus's spill has hundreds of runs, each an open file while merged; beyond
    MERGE_RUNS (here 4), groups of runs are merged first: the same records in the same
    order as one merge of all (equal keys in run order), and never more files open."""
    import heapq
    import os
    from unittest import mock

    from dashboard import spill as spill_module

    expected = list(
        heapq.merge(
            *(sorted((v, k, i) for i, v in enumerate(run)) for k, run in enumerate(runs)),
            key=lambda r: r[0],
        )
    )
    opened: list[int] = []
    peak: list[int] = [0]
    real_read_run = spill_module._read_run

    def counted(path):
        opened.append(1)
        peak.append(len(opened))
        yield from real_read_run(path)
        opened.pop()

    with SpillFolder() as folder, mock.patch.object(spill_module, "MERGE_RUNS", 4):
        spill = folder.spill("runs")
        for k, run in enumerate(runs):
            spill.write_run(sorted((value, k, i) for i, value in enumerate(run)))
        with mock.patch.object(spill_module, "_read_run", counted):
            merged = list(spill.sorted_by(lambda r: r[0]))
            again = list(spill.sorted_by(lambda r: r[0]))
        assert len(spill) == len(expected)
        assert len(spill.runs) == len(os.listdir(spill.folder)) <= 4
    assert merged == again == expected
    assert max(peak) <= 4


def test_many_runs_written_at_once_stay_within_a_low_open_file_limit(tmp_path) -> None:
    """Clustering writes to a bucket per 20,000 mentions at once (about 170 at 1,000,000
    articles): a writer holds no file open between batches, so 300 of them written in turn
    stay within a soft limit of 100 open files, and every record reads back in place."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        f"""
        import resource
        from pathlib import Path
        from dashboard.spill import BATCH_RECORDS, SpillFolder

        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (100, hard))
        with SpillFolder(Path({str(tmp_path)!r})) as folder:
            spills = [folder.spill(f"bucket-{{k}}") for k in range(300)]
            writers = [s.writer() for s in spills]
            for r in range(BATCH_RECORDS * 2 + 7):
                for k, w in enumerate(writers):
                    w.append((k, r))
            for w in writers:
                w.close()
            for k, s in enumerate(spills):
                assert list(s) == [(k, r) for r in range(BATCH_RECORDS * 2 + 7)], k
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"

"""The Dask engine on a LocalCluster of processes builds the same store as the local engine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import distributed  # the dev extra installs dask[distributed]: missing is a failure
import pandas as pd
import pytest

from dashboard import engine_dask, pipeline, stream
from dashboard.engine_dask import DaskMissing, merge_ingested, partition_inputs, run_dask
from dashboard.ingest import load_articles
from dashboard.pipeline import run
from dashboard.spill import Spill, SpillFolder
from dashboard.store import Store

ROOT = Path(__file__).resolve().parent.parent
# bench/ holds a script named dashboard.py: the package's folder goes first, or the worker
# processes Dask spawns (with this sys.path) import that script as ``dashboard`` and hang
# the build (what happened when this file ran alone).
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))

from make_corpus import make_corpus  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes with one thread each."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dask") / "corpus"
    make_corpus(200, folder, seed=5)
    return folder


def frames(corpus, tmp_path: Path, name: str) -> dict[str, pd.DataFrame]:
    store = Store(tmp_path / f"{name}.duckdb")
    store.write_corpus(corpus, "c")
    return {
        "events": store.events_frame("c"),
        "mentions": store.mentions_frame("c"),
        "actors": store.actors_frame("c"),
        "articles": store.articles_frame("c"),
    }


@pytest.mark.parametrize("held", ["in memory", "spilled"])
@pytest.mark.parametrize("which", ["seeds", "synthetic"])
def test_dask_builds_the_same_tables_as_the_local_engine(
    which, held, cluster, synthetic, seeds_dir, tmp_path, monkeypatch
) -> None:
    inputs = [seeds_dir] if which == "seeds" else [synthetic]
    # Several ingestion partitions, so duplicates across partitions are exercised; and
    # more chunks of articles than tasks kept in flight, so their order is too.
    monkeypatch.setattr(engine_dask, "PARTITION_FILES", 60)
    monkeypatch.setattr(pipeline, "CHUNK_ARTICLES", 15)
    monkeypatch.setattr(stream, "CHUNK_ARTICLES", 15)
    monkeypatch.setattr(stream, "BATCH_ARTICLES", 40)  # mentions: batches streamed together
    monkeypatch.setattr(engine_dask, "ARROW_ROWS", 10)  # several Arrow batches a write,
    monkeypatch.setattr(engine_dask, "PARQUET_ROWS", 25)  # several writes a day
    local = run(inputs)
    folder = SpillFolder(tmp_path) if held == "spilled" else None
    dask = run_dask(
        inputs,
        scheduler=cluster.scheduler_address,
        workdir=tmp_path / "parts",
        corpus_name="c",
        folder=folder,
    )
    # the spilled build hands on its records from disk, not lists
    assert isinstance(dask.mentions, Spill) == (held == "spilled")
    assert isinstance(dask.articles, list) == (held == "in memory")
    assert dask.mentions_parquet is not None
    assert sorted(p.name for p in dask.mentions_parquet.iterdir())[0].startswith("published=")
    ours, theirs = frames(local, tmp_path, "local"), frames(dask, tmp_path, "dask")
    if folder is not None:
        folder.close()
    for table in ours:
        pd.testing.assert_frame_equal(ours[table], theirs[table], obj=table)
    assert sorted(map(str, dask.errors)) == sorted(map(str, local.errors))
    if which == "synthetic":
        assert len(ours["events"]) > 10
        assert any("duplicate of" in str(e) for e in dask.errors)


def test_the_futures_mapper_gives_results_in_chunk_order(cluster) -> None:
    chunks = [[(n * 7) % 11, n, -n] for n in range(25)]  # more than the tasks in flight
    with distributed.Client(cluster) as client:
        mapper = engine_dask._futures_mapper(client)
        assert list(mapper(sorted, chunks)) == [sorted(c) for c in chunks]
        assert list(mapper(sorted, [])) == []
        with pytest.raises(TypeError):  # a failing task fails the stage, as in one process
            list(mapper(sorted, [[1, "a"]]))


def test_duplicates_across_partitions_are_dropped_like_in_one_pass(synthetic: Path) -> None:
    items, errors = partition_inputs([synthetic])
    assert errors == [] and len(items) == 200
    whole = load_articles(items)
    parts = [load_articles(items[i : i + 37]) for i in range(0, len(items), 37)]
    merged = merge_ingested(parts, [])
    assert [a.id for a in merged.articles] == [a.id for a in whole.articles]
    assert sorted(map(str, merged.errors)) == sorted(map(str, whole.errors))


@pytest.mark.parametrize(
    ("items", "workers", "parts"),
    [
        (0, 2, 1),  # nothing to read: one empty partition
        (50, 2, 1),  # too few files to be worth splitting
        (1_000, 2, 6),  # every worker gets several partitions
        (10_000, 2, 6),
        (100_000, 2, 50),  # large corpora: partitions of PARTITION_FILES
        (10_000, 16, 48),
        (1_000, 16, 10),  # no partition under MIN_PARTITION_FILES
    ],
)
def test_ingestion_partitions_keep_every_worker_busy(items, workers, parts) -> None:
    assert engine_dask.partition_count(items, workers) == parts


def test_inputs_are_passed_through_except_folders(tmp_path: Path, seeds_dir: Path) -> None:
    listing = tmp_path / "links.urls"
    listing.write_text("http://127.0.0.1:9/a\n")
    items, errors = partition_inputs(
        [seeds_dir, "https://news.example/story", str(listing), tmp_path / "missing.txt"]
    )
    assert len([i for i in items if i.endswith(".txt")]) == 6  # 5 seeds + the missing file
    assert "https://news.example/story" in items and str(listing) in items
    assert errors == []


def test_a_missing_dask_is_a_clear_message(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "dask.bag", None)
    with pytest.raises(DaskMissing, match=r"pip install 'storyline\[dask\]'"):
        engine_dask._import_dask()


def test_cli_dask_engine_starts_its_own_cluster(seeds_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    db = tmp_path / "s.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "build", str(seeds_dir), "--db", str(db)]
        + ["--corpus", "c", "--engine", "dask", "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "(dask engine)" in result.stdout and "5 new" in result.stdout
    local = Store(tmp_path / "local.duckdb")
    local.write_corpus(run([seeds_dir]), "c")
    pd.testing.assert_frame_equal(Store(db).events_frame("c"), local.events_frame("c"))
    assert any((db.parent / "s.duckdb.parts" / "c" / "mentions").iterdir())
    # a build from nothing kept its records in spills beside the store, gone at the end
    assert not list(tmp_path.glob(".s.duckdb.spill-*"))


def test_an_incremental_dask_build_regroups_like_the_local_engine(cluster, tmp_path) -> None:
    """On a stored corpus the Dask engine reuses stored results and regroups only the
    events new articles touch, with the local engine's outcome, ids carried over."""
    from incremental_stories import LATE, STORIES, write_articles

    one = write_articles(tmp_path / "one", STORIES)
    two = write_articles(tmp_path / "two", LATE)
    results = {}
    for engine in ("local", "dask"):
        store = Store(tmp_path / f"{engine}.duckdb")
        store.write_corpus(run([one]), "c")
        previous = store.stored_corpus("c")
        if engine == "local":
            later = run([two], previous=previous)
        else:
            later = run_dask(
                [two],
                previous=previous,
                scheduler=cluster.scheduler_address,
                workdir=tmp_path / "parts",
                corpus_name="c",
            )
        store.write_corpus(later, "c")
        assert later.delta.mentions_reused == len(STORIES)
        assert 0 < later.delta.mentions_reclustered < len(later.mentions)
        results[engine] = store.events_frame("c")
    pd.testing.assert_frame_equal(results["local"], results["dask"])


def test_cli_dask_engine_names_each_bad_file_once(seeds_dir: Path, tmp_path: Path) -> None:
    """The workers' ingestion does not log the files it skips: the build report alone
    names each one, once, as with the local engine."""
    folder = tmp_path / "in"
    shutil.copytree(seeds_dir, folder)
    (folder / "empty-file.txt").write_text("")
    (folder / "binary-file.txt").write_bytes(b"\x00\x01\x02" * 200)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "build", str(folder), "--db", str(tmp_path / "s.db")]
        + ["--engine", "dask", "--workers", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for name, reason in (("empty-file.txt", "empty file"), ("binary-file.txt", "binary file")):
        lines = [line for line in result.stderr.splitlines() if name in line]
        assert len(lines) == 1, lines
        assert reason in lines[0]

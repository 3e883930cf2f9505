"""Incremental builds: only new or changed articles are processed, and the store ends up the
same as after a full rebuild of the same inputs."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard import pipeline
from dashboard.pipeline import run
from dashboard.store import Store

sys.path.append(str(Path(__file__).resolve().parent.parent / "bench"))

from make_corpus import make_corpus  # noqa: E402


@pytest.fixture(scope="module")
def parts(tmp_path_factory) -> dict[str, Path]:
    """Two synthetic batches (A, B) with shared actor names, and the seeds."""
    root = tmp_path_factory.mktemp("incr")
    make_corpus(40, root / "a", seed=11)
    make_corpus(25, root / "b", seed=12)
    return {"a": root / "a", "b": root / "b", "root": root}


def build(store: Store, inputs: list[Path], name: str = "c", **options) -> pipeline.Corpus:
    """One build as the CLI does it: read what the store holds, build, write."""
    with store.lock():
        corpus = run(inputs, previous=store.stored_corpus(name), **options)
        store.write_corpus(corpus, name)
    return corpus


def tables(store: Store, name: str = "c") -> dict[str, pd.DataFrame]:
    return {
        "events": store.events_frame(name),
        "mentions": store.mentions_frame(name),
        "actors": store.actors_frame(name),
        "articles": store.articles_frame(name),
        "timexes": store.timexes_frame(name),
    }


def assert_same_tables(left: Store, right: Store) -> None:
    a, b = tables(left), tables(right)
    for table in a:
        pd.testing.assert_frame_equal(a[table], b[table], obj=table)


def test_adding_a_batch_equals_a_full_rebuild(parts, tmp_path: Path) -> None:
    full = Store(tmp_path / "full.duckdb")
    build(full, [parts["a"], parts["b"]])
    step = Store(tmp_path / "step.duckdb")
    first = build(step, [parts["a"]])
    second = build(step, [parts["a"], parts["b"]])
    assert_same_tables(full, step)
    n_a, n_b = first.counts()["articles"], second.counts()["articles"] - first.counts()["articles"]
    assert (second.delta.new, second.delta.unchanged, second.delta.changed) == (n_b, n_a, 0)
    assert second.delta.timexes_reused == n_a
    assert len(tables(full)["events"]) >= 10


def test_stored_articles_not_given_are_kept_unless_pruned(parts, tmp_path: Path) -> None:
    full = Store(tmp_path / "full.duckdb")
    build(full, [parts["a"], parts["b"]])
    kept = Store(tmp_path / "kept.duckdb")
    build(kept, [parts["a"]])
    later = build(kept, [parts["b"]])
    assert later.delta.removed == 40 - _skipped(parts["a"]) and not later.delta.pruned
    assert_same_tables(full, kept)

    only_b = Store(tmp_path / "only_b.duckdb")
    build(only_b, [parts["b"]])
    pruned = build(kept, [parts["b"]], prune=True)
    assert pruned.delta.pruned and pruned.delta.removed == later.delta.removed
    assert_same_tables(only_b, kept)


def _skipped(folder: Path) -> int:
    return len(pipeline.ingest([folder]).errors)


def test_a_changed_file_is_reprocessed_and_the_result_matches_a_rebuild(
    parts, tmp_path: Path
) -> None:
    work = tmp_path / "a"
    shutil.copytree(parts["a"], work)
    store = Store(tmp_path / "s.duckdb")
    build(store, [work])
    target = sorted(work.rglob("*.txt"))[3]
    target.write_text(
        target.read_text() + "\nThe Energy Agency will publish its report on Friday.\n"
    )
    again = build(store, [work])
    assert again.delta.changed == 1 and again.delta.new == 0
    assert again.delta.timexes_reused == again.counts()["articles"] - 1
    fresh = Store(tmp_path / "fresh.duckdb")
    build(fresh, [work])
    assert_same_tables(fresh, store)


def test_an_unchanged_build_tags_nothing_again(parts, tmp_path, monkeypatch) -> None:
    store = Store(tmp_path / "s.duckdb")
    first = build(store, [parts["b"]])

    def refuse(*args, **kwargs):
        raise AssertionError("an unchanged article was tagged again")

    monkeypatch.setattr(pipeline, "tag", refuse)
    monkeypatch.setattr(pipeline, "extract_mentions", refuse)
    again = build(store, [parts["b"]])
    n = first.counts()["articles"]
    assert (again.delta.unchanged, again.delta.timexes_reused, again.delta.mentions_reused) == (
        n,
        n,
        n,
    )
    assert again.delta.events_new == 0 and again.delta.events_gone == 0
    assert [e.id for e in again.events] == [e.id for e in first.events]


def test_a_new_tagger_version_recomputes_everything(parts, tmp_path, monkeypatch) -> None:
    store = Store(tmp_path / "s.duckdb")
    first = build(store, [parts["b"]])
    real = pipeline._code_digest
    monkeypatch.setattr(
        pipeline, "_code_digest", lambda *p: real(*p) + ("x" if p == ("temporal",) else "")
    )
    again = build(store, [parts["b"]])
    assert again.delta.unchanged == first.counts()["articles"]
    assert again.delta.timexes_reused == 0


def test_a_store_without_build_keys_builds_in_full(seeds_dir: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    build(store, [seeds_dir])
    before = store.events_frame("c")
    con = duckdb.connect(str(store.path))
    con.execute("DROP TABLE build_keys")
    con.close()
    again = build(store, [seeds_dir])
    assert again.delta.unchanged == 5 and again.delta.timexes_reused == 0
    pd.testing.assert_frame_equal(before, store.events_frame("c"))


@pytest.mark.parametrize("which", ["seeds", "synthetic"])
def test_stored_model_objects_read_back_equal(which, seed_corpus, parts, tmp_path) -> None:
    corpus = seed_corpus if which == "seeds" else run([parts["a"], parts["b"]])
    store = Store(tmp_path / "s.duckdb")
    store.write_corpus(corpus, "c")
    stored = store.stored_corpus("c")
    assert stored is not None
    assert {a.id: a for a in corpus.articles} == stored.articles
    assert corpus.timexes == stored.timexes
    by_article: dict[str, list] = {}
    for m in corpus.mentions:
        by_article.setdefault(m.article_id, []).append(m)
    assert by_article == {k: v for k, v in stored.mentions.items() if v}
    assert stored.event_ids == {e.id for e in corpus.events}
    assert store.stored_corpus("absent") is None


def test_rebuilding_part_of_a_stored_corpus_changes_nothing(parts, tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    full = build(store, [parts["a"], parts["b"]])
    again = build(store, [parts["b"]])
    assert again.delta.new == again.delta.changed == 0
    assert again.delta.mentions_reused == full.counts()["articles"]
    assert again.mentions == full.mentions
    assert [e.id for e in again.events] == [e.id for e in full.events]


def test_worker_processes_build_the_same_store_and_reuse_it(parts, tmp_path, monkeypatch) -> None:
    # Chunks of 8 articles: the 40 articles go to the pool as several chunks per stage.
    monkeypatch.setattr(pipeline, "CHUNK_ARTICLES", 8)
    one = Store(tmp_path / "one.duckdb")
    build(one, [parts["a"]])
    two = Store(tmp_path / "two.duckdb")
    first = build(two, [parts["a"]], workers=2)
    assert first.delta.timexes_reused == 0 and len(first.articles) > 2 * 8
    assert_same_tables(one, two)
    again = build(two, [parts["a"], parts["b"]], workers=2)
    assert again.delta.timexes_reused == len(first.articles)
    build(one, [parts["a"], parts["b"]])
    assert_same_tables(one, two)

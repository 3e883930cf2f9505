"""Incremental builds: only new or changed articles are processed; every table but the
events ends up as after a full rebuild of the same inputs, and the events are computed again
only where the build touches them (with every mention grouped again, the events are the
full rebuild's too)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard import cluster, pipeline
from dashboard.pipeline import run
from dashboard.store import Store

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT / "bench"))

from incremental_stories import LATE, STORIES, write_articles  # noqa: E402
from make_corpus import make_corpus  # noqa: E402


@pytest.fixture(scope="module")
def parts(tmp_path_factory) -> dict[str, Path]:
    """Two synthetic batches (A, B) with shared actor names, and the seeds."""
    root = tmp_path_factory.mktemp("incr")
    make_corpus(40, root / "a", seed=11)
    make_corpus(25, root / "b", seed=12)
    return {"a": root / "a", "b": root / "b", "root": root}


@pytest.fixture
def regroup_all(monkeypatch) -> None:
    """Every touched build groups all mentions again, so its events equal a full rebuild's."""
    monkeypatch.setattr(cluster, "FULL_RECLUSTER_SHARE", 0.0)


def build(store: Store, inputs: list[Path], name: str = "c", **options) -> pipeline.Corpus:
    """One build as the CLI does it: read what the store holds, build, write."""
    with store.lock():
        corpus = run(inputs, previous=store.stored_corpus(name), **options)
        store.write_corpus(corpus, name)
    return corpus


def tables(store: Store, name: str = "c") -> dict[str, pd.DataFrame]:
    """The tables a user sees, with each event named by its mentions instead of its id: an
    event that continues a stored one keeps the stored id, where a fresh build names it
    after its mentions."""
    mentions = store.mentions_frame(name)
    members = mentions.groupby("event_id")["mention_id"].agg(lambda ids: " ".join(sorted(ids)))
    events = store.events_frame(name)
    events["event_id"] = events["event_id"].map(members)
    mentions["event_id"] = mentions["event_id"].map(members)
    order = ["earliest", "source_count", "event_id"]
    events = events.sort_values(order, ascending=[True, False, True], na_position="last")
    return {
        "events": events.reset_index(drop=True),
        "mentions": mentions,
        "actors": store.actors_frame(name),
        "articles": store.articles_frame(name),
        "timexes": store.timexes_frame(name),
    }


def assert_same_tables(left: Store, right: Store) -> None:
    a, b = tables(left), tables(right)
    for table in a:
        pd.testing.assert_frame_equal(a[table], b[table], obj=table)


def test_adding_a_batch_equals_a_full_rebuild(regroup_all, parts, tmp_path: Path) -> None:
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


def test_stored_articles_not_given_are_kept_unless_pruned(
    regroup_all, parts, tmp_path: Path
) -> None:
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
    regroup_all, parts, tmp_path: Path
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
    assert sorted(stored.events, key=lambda e: e.id) == sorted(corpus.events, key=lambda e: e.id)
    assert store.stored_corpus("absent") is None


def test_rebuilding_part_of_a_stored_corpus_changes_nothing(parts, tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    full = build(store, [parts["a"], parts["b"]])
    again = build(store, [parts["b"]])
    assert again.delta.new == again.delta.changed == 0
    assert again.delta.mentions_reused == full.counts()["articles"]
    assert again.mentions == full.mentions
    assert [e.id for e in again.events] == [e.id for e in full.events]


def test_worker_processes_build_the_same_store_and_reuse_it(
    regroup_all, parts, tmp_path, monkeypatch
) -> None:
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


def event_of(corpus: pipeline.Corpus, file_name: str):
    """The one event holding the mentions of the article read from ``file_name``."""
    ids = {a.id for a in corpus.articles if a.source_path.endswith(file_name)}
    mention_ids = {m.id for m in corpus.mentions if m.article_id in ids}
    (event,) = [e for e in corpus.events if mention_ids & set(e.mention_ids)]
    return event


def assert_each_mention_in_one_event(corpus: pipeline.Corpus) -> None:
    placed = [mid for e in corpus.events for mid in e.mention_ids]
    assert sorted(placed) == sorted(m.id for m in corpus.mentions)


def test_a_new_report_joins_its_stored_event_and_other_events_are_kept(tmp_path) -> None:
    store = Store(tmp_path / "s.duckdb")
    first = build(store, [write_articles(tmp_path / "one", STORIES)])
    assert event_of(first, "x1.txt") == event_of(first, "x2.txt")
    assert event_of(first, "x1.txt").source_count == 2
    late = build(store, [write_articles(tmp_path / "two", LATE)])
    harbour = event_of(late, "x3.txt")
    assert harbour == event_of(late, "x1.txt") and harbour.source_count == 3
    assert harbour.id == event_of(first, "x1.txt").id  # a link to it still opens it
    # Only the harbour event's mentions and the new one were grouped again; the library and
    # tram fare events are the stored ones, field for field.
    assert late.delta.mentions_reclustered == len(harbour.mention_ids) < len(late.mentions)
    for name in ("y1.txt", "z1.txt"):
        assert event_of(late, name) == event_of(first, name)
    delta = late.delta
    assert (delta.events_kept, delta.events_changed, delta.events_new, delta.events_gone) == (
        2,
        1,
        0,
        0,
    )
    assert_each_mention_in_one_event(late)
    assert store.stored_corpus("c").events == late.events


def test_removing_an_article_regroups_only_the_events_it_was_in(tmp_path) -> None:
    store = Store(tmp_path / "s.duckdb")
    first = build(store, [write_articles(tmp_path / "one", STORIES)])
    assert event_of(first, "y1.txt").source_count == 3
    (tmp_path / "one" / "y3.txt").unlink()
    later = build(store, [tmp_path / "one"], prune=True)
    library = event_of(later, "y1.txt")
    assert library.source_count == 2 and "Radio North" not in library.sources
    assert library.id == event_of(first, "y1.txt").id
    assert later.delta.mentions_reclustered == len(library.mention_ids)
    for name in ("x1.txt", "z1.txt"):
        assert event_of(later, name) == event_of(first, name)
    assert_each_mention_in_one_event(later)


def test_new_clustering_code_groups_every_mention_again(tmp_path, monkeypatch) -> None:
    store = Store(tmp_path / "s.duckdb")
    build(store, [write_articles(tmp_path / "one", STORIES)])
    monkeypatch.setattr(pipeline, "cluster_key", lambda: "another version")
    again = build(store, [write_articles(tmp_path / "two", LATE)])
    assert again.delta.mentions_reclustered == len(again.mentions)
    assert store.stored_corpus("c").cluster_key == "another version"


def test_recluster_flag_gives_the_full_rebuilds_events(tmp_path: Path) -> None:
    """`storyline build --recluster` groups every mention again, as a fresh build does, and
    the events keep the ids they had."""
    one = write_articles(tmp_path / "one", STORIES)
    two = write_articles(tmp_path / "two", LATE)
    db = tmp_path / "s.duckdb"
    command = [sys.executable, "-m", "dashboard", "build", "--db", str(db), "--corpus", "c"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outputs, ids = [], []
    for extra in ([str(one)], [str(two)], [str(two), "--recluster"]):
        done = subprocess.run([*command, *extra], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
        ids.append(set(Store(db).events_frame("c")["event_id"]))
    assert ids[2] == ids[1]  # regrouping everything still hands the stored ids on
    n = len(Store(db).mentions_frame("c"))
    regrouped = re.search(r"(\d+) of (\d+) mentions grouped again", outputs[1])
    assert regrouped is not None and int(regrouped[1]) < int(regrouped[2]) == n, outputs[1]
    assert f"{n} of {n} mentions grouped again" in outputs[2]
    fresh = Store(tmp_path / "fresh.duckdb")
    build(fresh, [one, two])
    pd.testing.assert_frame_equal(tables(fresh)["events"], tables(Store(db))["events"])


def test_event_aliases_are_stored_and_follow_the_next_build(tmp_path: Path) -> None:
    """Aliases written with a corpus read back, and a build keeps those whose target is
    still there (a link two builds old still opens its event)."""
    store = Store(tmp_path / "s.duckdb")
    corpus = run([write_articles(tmp_path / "one", STORIES)])
    target = corpus.events[0].id
    corpus.event_aliases = {"ev-0123456789ab": target}
    store.write_corpus(corpus, "c")
    assert store.stored_corpus("c").aliases == {"ev-0123456789ab": target}
    assert store.event_aliases("c") == {"ev-0123456789ab": target}
    later = build(store, [write_articles(tmp_path / "two", LATE)])
    assert later.event_aliases == {"ev-0123456789ab": target}
    assert store.event_aliases("c") == {"ev-0123456789ab": target}

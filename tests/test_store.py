"""The DuckDB store: round trip, several corpora, atomic replacement, one writer at a time."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest

from dashboard import store as store_module
from dashboard.store import Store, StoreBusy, StoreError


def test_round_trip_keeps_every_row(seed_corpus, tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    store.write_corpus(seed_corpus, "seeds")
    counts = store.counts("seeds")
    expected = seed_corpus.counts()
    assert counts["articles"] == expected["articles"] == 5
    assert counts["timexes"] == expected["timexes"]
    assert counts["actors"] == expected["actors"]
    assert counts["mentions"] == expected["mentions"]
    assert counts["events"] == expected["events"]
    assert counts["event_mentions"] == expected["mentions"]
    assert store.corpora() == ["seeds"]


def test_rows_written_in_small_batches_equal_one_batch(
    seed_corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = Store(tmp_path / "whole.duckdb")
    whole.write_corpus(seed_corpus, "seeds")
    # Batches of 2 rows: batches whose columns are all empty (no quote, no mod, no
    # authors) must still insert with the table's types.
    monkeypatch.setattr(store_module, "INSERT_ROWS", 2)
    batched = Store(tmp_path / "batched.duckdb")
    batched.write_corpus(seed_corpus, "seeds")
    for table in ("articles", "timexes", "mentions", "mention_actors", "aliases", "events"):
        order = "ALL" if table != "events" else "event_id"
        query = f"SELECT * EXCLUDE (corpus) FROM {table} ORDER BY {order}"
        if table == "mention_actors":
            query = f"SELECT * EXCLUDE (corpus) FROM {table} ORDER BY mention_id, position, start"
        a, b = whole.query(query), batched.query(query)
        assert len(a) > 2, table
        assert a.equals(b), table


def test_frames_have_the_documented_columns(seed_store: Store) -> None:
    events = seed_store.events_frame("seeds")
    assert {
        "event_id",
        "value",
        "earliest",
        "latest",
        "granularity",
        "status",
        "summary",
        "date_text",
        "actors",
        "actor_ids",
        "sources",
        "source_count",
        "independent_count",
        "mention_count",
    } <= set(events.columns)
    assert (events["mention_count"] >= 1).all()
    assert (events["source_count"] >= 1).all()
    mentions = seed_store.mentions_frame("seeds")
    assert mentions["event_id"].notna().all()
    assert set(mentions["article_id"]) == set(seed_store.articles_frame("seeds")["article_id"])
    actors = seed_store.actors_frame("seeds")
    assert len(actors) > 0 and all(len(a) >= 1 for a in actors["aliases"])
    assert len(seed_store.aliases_frame("seeds")) >= len(actors)
    assert len(seed_store.timexes_frame("seeds")) > 0


def test_mention_offsets_point_into_the_article_text(seed_store: Store) -> None:
    mentions = seed_store.mentions_frame("seeds")
    for row in mentions.head(40).itertuples():
        text = seed_store.article_text("seeds", row.article_id)
        assert text[row.sentence_start : row.sentence_end] == row.sentence
        for span in row.actor_spans:
            assert row.sentence_start <= span["start"] < span["end"] <= row.sentence_end


def test_second_corpus_is_added_and_rebuilding_one_keeps_the_other(
    seed_corpus, tmp_path: Path
) -> None:
    store = Store(tmp_path / "s.duckdb")
    store.write_corpus(seed_corpus, "seeds")
    store.write_corpus(seed_corpus, "copy")
    assert sorted(store.corpora()) == ["copy", "seeds"]
    store.write_corpus(seed_corpus, "seeds")
    assert store.counts("copy") == store.counts("seeds")
    store.delete_corpus("copy")
    assert store.corpora() == ["seeds"]


def test_failed_write_leaves_the_previous_store_intact(
    seed_corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dashboard.store as store_module

    store = Store(tmp_path / "s.duckdb")
    store.write_corpus(seed_corpus, "seeds")
    before = store.counts("seeds")

    def explode(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module, "_insert_corpus", explode)
    with pytest.raises(StoreError, match="No space left"):
        store.write_corpus(seed_corpus, "seeds")
    assert store.counts("seeds") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_second_writer_is_refused_clearly_when_not_waiting(seed_corpus, tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    with (tmp_path / "s.duckdb.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(StoreBusy, match="another build"):
            store.write_corpus(seed_corpus, "seeds", wait=False)
    store.write_corpus(seed_corpus, "seeds", wait=False)
    assert store.corpora() == ["seeds"]


def test_missing_or_foreign_files_give_clear_errors(seed_corpus, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="run `storyline build`"):
        Store(tmp_path / "none.duckdb").events_frame("seeds")
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a readable"):
        Store(junk).corpora()
    with pytest.raises(StoreError):
        Store(junk).write_corpus(seed_corpus, "seeds")
    assert junk.read_bytes().startswith(b"this is not a database")


def test_unknown_source_fields_round_trip_per_article(seed_corpus, tmp_path: Path) -> None:
    from dataclasses import replace

    import duckdb

    from dashboard.store import _read_stored

    first, second = seed_corpus.articles[0], seed_corpus.articles[1]
    extra = {"section": "World", "tags": ["war", "diplomacy"], "word_count": 812}
    corpus = replace(seed_corpus, articles=[replace(first, extra=extra), *seed_corpus.articles[1:]])
    store = Store(tmp_path / "x.duckdb")
    store.write_corpus(corpus, "c")
    assert store.article_extra("c", first.id) == extra
    assert store.article_extra("c", second.id) == {}
    with duckdb.connect(str(store.path), read_only=True) as con:
        assert _read_stored(con, "c").articles[first.id].extra == extra

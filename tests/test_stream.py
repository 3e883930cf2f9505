"""A build from nothing with its records on disk (dashboard/stream.py) stores what the
in-memory build stores, table by table."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from dashboard import stream
from dashboard.models import Article, content_hash
from dashboard.pipeline import NothingToBuild, run
from dashboard.spill import SpillFolder
from dashboard.store import TABLES, Store

ROOT = Path(__file__).resolve().parent.parent
# Folders of text files with manifests, JSON Lines and JSON batches (several articles in one
# file, read in file order), HTML pages, a feed: every kind of input, in several batches.
INPUTS = [
    ROOT / "seeds",
    ROOT / "tests" / "stories" / "rail_strike",
    ROOT / "tests" / "jsonl",
    ROOT / "tests" / "pages",
    ROOT / "tests" / "feeds" / "wire.rss",
]


def differences(a: Path, b: Path) -> dict[str, tuple[int, int, int]]:
    """Per table: (rows, rows only in a, rows only in b), the corpus column aside."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
    out = {}
    for table in TABLES:
        if table in ("meta", "corpora"):
            continue
        one = f"SELECT * EXCLUDE (corpus) FROM a.{table}"
        two = f"SELECT * EXCLUDE (corpus) FROM b.{table}"
        rows = con.execute(f"SELECT count(*) FROM a.{table}").fetchone()[0]
        only_a = con.execute(f"SELECT count(*) FROM ({one} EXCEPT ALL {two})").fetchone()[0]
        only_b = con.execute(f"SELECT count(*) FROM ({two} EXCEPT ALL {one})").fetchone()[0]
        out[table] = (rows, only_a, only_b)
    return out


@pytest.mark.parametrize(("batch", "chunk", "workers"), [(3, 2, 1), (1000, 250, 1), (3, 2, 2)])
def test_a_spilled_build_stores_what_an_in_memory_build_stores(
    batch: int, chunk: int, workers: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small batches of several chunks: the chunks of every batch stream through the mapper
    # (a pool of processes with workers=2) and come back to their batch.
    monkeypatch.setattr(stream, "BATCH_ARTICLES", batch)
    monkeypatch.setattr(stream, "CHUNK_ARTICLES", chunk)
    dates = {"no_date.html": date(2024, 3, 1)}
    memory = run(INPUTS, dates=dates)
    Store(tmp_path / "memory.duckdb").write_corpus(memory, "c")
    with SpillFolder(tmp_path) as folder:
        spilled = stream.run_spilled(INPUTS, folder, dates=dates, workers=workers)
        assert spilled.counts() == memory.counts()
        assert [str(e) for e in spilled.errors] == [str(e) for e in memory.errors]
        assert spilled.delta.summary() == memory.delta.summary()
        Store(tmp_path / "spilled.duckdb").write_corpus(spilled, "c")
    found = differences(tmp_path / "memory.duckdb", tmp_path / "spilled.duckdb")
    assert found["articles"][0] >= 20 and found["events"][0] > 50
    assert {t: d for t, d in found.items() if d[1] or d[2]} == {}


def test_a_spilled_build_of_nothing_readable_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    with SpillFolder(tmp_path) as folder, pytest.raises(NothingToBuild) as caught:
        stream.run_spilled([tmp_path / "empty.txt"], folder)
    assert [e.path for e in caught.value.errors] == [str(tmp_path / "empty.txt")]


def test_the_spills_are_on_disk_and_go_with_their_folder(tmp_path: Path) -> None:
    folder = SpillFolder(tmp_path)
    corpus = stream.run_spilled([ROOT / "seeds"], folder)
    spilled = [p for p in folder.path.rglob("*.pkl")]
    assert spilled and sum(p.stat().st_size for p in spilled) > 50_000
    assert len(list(corpus.articles)) == len(corpus.articles) == 5
    folder.close()
    assert not folder.path.exists()


def test_sources_of_gives_each_article_its_source_once_per_distinct_source():
    """What clustering keeps per article of a spilled build: its source key and outlet,
    one shared record per distinct source however many articles it has."""

    def article(aid: str, outlet: str | None) -> Article:
        text = f"Text of {aid}."
        return Article(aid, f"{aid}.txt", text, content_hash(text), outlet)

    articles = [
        article("a1", "Wire A"),
        article("a2", "Paper B"),
        article("a3", "Wire A"),
        article("a4", None),
        article("a5", None),
        article("a6", "wire a"),
    ]
    sources = stream.sources_of(iter(articles))
    assert list(sources) == ["a1", "a2", "a3", "a4", "a5", "a6"]
    for a in articles:
        assert (sources[a.id].source_key, sources[a.id].outlet) == (a.source_key, a.outlet)
    assert sources["a1"] is sources["a3"]
    assert sources["a1"] != sources["a2"]
    assert sources["a4"].source_key != sources["a5"].source_key  # no outlet: each its own
    assert sources["a6"].source_key == sources["a1"].source_key  # as the outlet is spelt
    assert sources["a6"].outlet == "wire a"
    assert len({id(s) for s in sources.values()}) == len(
        {(a.source_key, a.outlet) for a in articles}
    )

"""The benchmark's synthetic corpus is shaped like a real build and reads back from the store."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dashboard.models import STATUSES
from dashboard.store import Store

# Appended: bench/ holds a dashboard.py that must not shadow the package.
sys.path.append(str(Path(__file__).resolve().parent.parent / "bench"))

from make_store import CORPUS, build_corpus  # noqa: E402


@pytest.fixture(scope="module")
def corpus():
    return build_corpus(300, 30, seed=1)


def test_offsets_point_at_the_text_they_name(corpus) -> None:
    texts = {a.id: a.text for a in corpus.articles}
    for m in corpus.mentions:
        text = texts[m.article_id]
        assert text[m.sentence_start : m.sentence_end] == m.sentence
        if m.timex is not None:
            assert text[m.timex.start : m.timex.end] == m.timex.text
        for ref in m.actor_spans:
            assert text[ref.start : ref.end] == ref.text == corpus.actors.actors[ref.actor_id].name


def test_events_agree_with_their_mentions(corpus) -> None:
    by_id = {m.id: m for m in corpus.mentions}
    outlet = {a.id: a.outlet for a in corpus.articles}
    assert sorted(by_id) == sorted(mid for e in corpus.events for mid in e.mention_ids)
    for event in corpus.events:
        assert event.status in STATUSES
        assert (event.earliest is None) == (event.status == "undated")
        assert event.earliest is None or event.earliest <= event.latest
        outlets = {outlet[by_id[mid].article_id] for mid in event.mention_ids}
        assert set(event.sources) == outlets and event.source_count == len(outlets)


def test_store_reads_back_every_event(corpus, tmp_path: Path) -> None:
    store = Store(tmp_path / "synthetic.duckdb")
    store.write_corpus(corpus, CORPUS)
    events = store.events_frame(CORPUS)
    assert len(events) == 300
    assert events["actors"].map(len).min() >= 1
    assert events["mention_count"].sum() == len(store.mentions_frame(CORPUS))
    assert len(store.articles_frame(CORPUS)) == 30

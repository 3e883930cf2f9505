"""Saved web pages, JSON, JSON Lines and feeds become articles (fixtures written for the tests)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from dashboard.ingest import load_articles, load_uploads
from dashboard.pipeline import run

TESTS = Path(__file__).resolve().parent
PAGES = TESTS / "pages"
EXPECTED = tomllib.loads((PAGES / "expected.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pages():
    result = load_articles([PAGES])
    return {Path(a.source_path).stem: a for a in result.articles}, result.errors


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_each_saved_page_gives_its_expected_fields(pages, page: str) -> None:
    articles, errors = pages
    want = EXPECTED[page]
    if "skipped" in want:
        assert page not in articles
        assert any(page in e.path and want["skipped"] in e.message for e in errors), errors
        return
    article = articles[page]
    for key in ("outlet", "title", "url", "date_source"):
        if key in want:
            assert getattr(article, key) == want[key], key
    if "published" in want:
        assert str(article.published)[:10] == want["published"]
    if "authors" in want:
        assert list(article.authors) == want["authors"]
    if "warning" in want:
        assert any(want["warning"] in w for w in article.warnings)
        assert article.published is None
    assert want["text_has"] in article.text
    if "text_lacks" in want:
        assert want["text_lacks"] not in article.text


def test_json_lines_keep_unknown_fields_and_report_bad_lines() -> None:
    result = load_articles([TESTS / "jsonl" / "articles.jsonl"])
    first, second = result.articles
    assert first.outlet == "Northern Ledger" and first.title == "Grid operator appeals fine"
    assert first.authors == ("Amal Haddad", "Lars Moe")
    assert first.url == "https://northernledger.example/energy/appeal"
    assert first.extra == {"section": "Energy", "word_count": 24}
    assert str(second.published) == "2024-07-12 15:30:00+02:00"
    assert second.extra == {"tags": ["transport", "city"]}
    problems = {e.path.rsplit(":", 1)[-1]: e.message for e in result.errors}
    assert "not valid JSON" in problems["3"]
    assert "no article text" in problems["4"]


def test_a_json_batch_reads_its_articles_and_names_the_bad_record() -> None:
    result = load_articles([TESTS / "jsonl" / "batch.json"])
    (article,) = result.articles
    assert article.outlet == "Valley Gazette" and article.extra == {"photographer": "K. Ode"}
    assert [e.path.rsplit("/", 1)[-1] for e in result.errors] == ["batch.json[1]"]


def test_feed_entries_are_articles_and_a_malformed_feed_keeps_its_readable_entries() -> None:
    result = load_articles([TESTS / "feeds"])
    titles = {a.title: a for a in result.articles}
    assert set(titles) == {
        "Cod talks resume in Tromso",
        "Ministers to meet on Friday",
        "Port strike ends",
    }
    cod = titles["Cod talks resume in Tromso"]
    assert cod.outlet == "Nordic Wire" and str(cod.published).startswith("2024-10-14")
    assert cod.url == "https://nordicwire.example/2024/10/14/cod-talks"
    assert cod.extra["tags"] == ["Fisheries"] and "<p>" not in cod.text
    messages = " ".join(str(e) for e in result.errors)
    assert "broken.atom: malformed feed" in messages
    assert "wire.rss#2: feed entry has no text" in messages


def test_stored_articles_keep_their_source_fields(tmp_path: Path) -> None:
    from dashboard.store import Store

    corpus = run([TESTS / "jsonl"])
    store = Store(tmp_path / "s.duckdb")
    store.write_corpus(corpus, "j")
    first = next(a for a in corpus.articles if a.title == "Grid operator appeals fine")
    assert store.article_extra("j", first.id) == {"section": "Energy", "word_count": 24}


def test_uploads_of_every_format_go_through_the_same_readers() -> None:
    files = [
        ("page.html", (PAGES / "json_ld.html").read_bytes()),
        ("feed.rss", (TESTS / "feeds" / "wire.rss").read_bytes()),
        ("rows.jsonl", (TESTS / "jsonl" / "articles.jsonl").read_bytes()),
        ("nav.html", (PAGES / "navigation_only.html").read_bytes()),
    ]
    result = load_uploads(files, {"page.html": {"outlet": "Typed Outlet"}})
    outlets = {a.outlet for a in result.articles}
    assert "Typed Outlet" in outlets and "Nordic Wire" in outlets and "Northern Ledger" in outlets
    assert any(e.path == "nav.html" for e in result.errors)


def test_pages_run_through_the_whole_pipeline() -> None:
    corpus = run([PAGES])
    assert len(corpus.articles) == 5
    dated = [m for m in corpus.mentions if m.timex is not None]
    assert dated, "the pages' time expressions are resolved against their dates"
    assert json.dumps([e.summary for e in corpus.events])


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("e.jsonl", b"", "empty file"),
        ("e.ndjson", b"\n\n", "empty file"),
        ("e.rss", b"", "empty file"),
        ("e.json", b"[]", "no article in this json file"),
    ],
)
def test_structured_files_with_nothing_in_them_are_named(tmp_path, name, data, message) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = load_articles([path])
    assert not result.articles
    assert [(e.path, e.message) for e in result.errors] == [(str(path), message)]

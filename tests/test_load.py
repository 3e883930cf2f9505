"""Many users at once (bench/load.py, scaled down for CI): one server, pages in one Chromium
at the same time, half on the seeds and half on a synthetic corpus, each filtering by an actor
and opening an event. No page errors, no page shows the other corpus, memory per session
bounded. The recorded 20-page, 10,000-article figures are in docs/benchmarks.md ("Many
users"); this test uses 80 articles and 4 pages to stay fast on a shared 2-core machine.
Without Chromium it skips, except under CI=true, where it fails.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from browser_helpers import ServerFailed, chromium_path, streamlit_server
from conftest import IN_CI

sys.path.append(str(Path(__file__).resolve().parent.parent / "bench"))

import load  # noqa: E402

ARTICLES = 80
PAGES = 4
MAX_MB_PER_SESSION = 50


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> dict:
    if chromium_path() is None:
        message = "Chromium is not installed (/usr/bin/chromium)"
        if IN_CI:
            pytest.fail(f"{message}: CI must provide it (.ci/run installs chromium)")
        pytest.skip(message)
    cache = tmp_path_factory.mktemp("load")
    store = load.load_store(ARTICLES, cache)
    sessions = load.plan(store, PAGES)
    try:
        with streamlit_server(store.path, cache / "streamlit.log", timeout=120) as url:
            port = int(url.rsplit(":", 1)[1])
            return asyncio.run(load.measure(url, port, sessions, load.markers_of(store)))
    except ServerFailed as exc:
        pytest.fail(str(exc))


def test_every_session_filters_and_opens_its_event_without_errors(result: dict) -> None:
    assert result["errors"] == []
    assert len(result["sessions"]) == PAGES
    assert {s["corpus"] for s in result["sessions"]} == {load.SMALL, load.BIG}
    for session in result["sessions"]:
        assert session["filter_s"] > 0 and session["event_s"] > 0, session


def test_no_session_sees_the_other_corpus(result: dict) -> None:
    assert result["leaks"] == []


def test_server_memory_per_session_is_bounded(result: dict) -> None:
    assert result["rss_per_session_mb"] < MAX_MB_PER_SESSION, result

"""The Streamlit app, headless, on a store built from the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.fixture()
def app(seed_store, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("STORYLINE_DB", str(seed_store.path))

    def make(**params: str | list[str]) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        return at.run()

    return make


def shown_count(at: AppTest) -> int:
    line = next(m.value for m in at.markdown if m.value.startswith("**"))
    return int(line.split("**")[1])


def test_renders_the_seed_timeline_without_errors(app, seed_store) -> None:
    at = app()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    assert shown_count(at) == len(seed_store.events_frame("seeds"))


def test_actor_filter_changes_what_is_shown_and_the_url(app) -> None:
    at = app()
    total = shown_count(at)
    actor = at.sidebar.multiselect[0].options[-1]
    at.sidebar.multiselect[0].select(actor).run()
    assert not at.exception
    assert 0 < shown_count(at) < total
    assert at.query_params["actor"] in (actor, [actor])


def test_query_params_reopen_the_same_view(app) -> None:
    first = app()
    actor = first.sidebar.multiselect[0].options[0]
    at = app(actor=actor, view="Sources", **{"from": "2025-02-26", "to": "2025-02-26"})
    assert not at.exception
    assert at.sidebar.multiselect[0].value == [actor]
    assert at.sidebar.radio[0].value == "Sources"
    assert shown_count(at) < shown_count(first)


def test_malformed_params_give_a_note_not_a_crash(app) -> None:
    at = app(view="Nope", bogus="1", **{"from": "yesterday", "corpus": "../../etc/passwd"})
    assert not at.exception
    notes = " ".join(i.value for i in at.info)
    assert "bogus" in notes and "yesterday" in notes and "Unknown corpus" in notes
    assert at.sidebar.radio[0].value == "Timeline"


def test_missing_store_is_built_from_the_seeds(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("STORYLINE_DB", str(tmp_path / "new.duckdb"))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert (tmp_path / "new.duckdb").exists()

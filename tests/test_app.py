"""The Streamlit app, headless (AppTest), on a store built from the seeds and a second story."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts
from dashboard.app import VIEWS
from dashboard.filters import Filters, ListIndex, apply_filters
from dashboard.labels import date_label
from dashboard.pipeline import run
from dashboard.store import Store

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
STORY = ROOT / "tests" / "stories" / "dairy_takeover"


@pytest.fixture(scope="module")
def two_corpora(seed_store: Store, tmp_path_factory) -> Store:
    """The seeds plus a second story, in a store of this module's own."""
    target = tmp_path_factory.mktemp("app") / "storyline.duckdb"
    shutil.copy(seed_store.path, target)
    store = Store(target)
    store.write_corpus(run([STORY]), "dairy")
    return store


@pytest.fixture()
def app(two_corpora: Store, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("STORYLINE_DB", str(two_corpora.path))

    def make(**params: str | list[str]) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        return at.run()

    return make


def shown_count(at: AppTest) -> int:
    line = next(m.value for m in at.markdown if m.value.startswith("**"))
    return int(line.split("**")[1])


def params(at: AppTest) -> dict[str, list[str]]:
    """The page's query parameters, each as a list of values."""
    return {k: v if isinstance(v, list) else [v] for k, v in dict(at.query_params).items()}


def widget(at: AppTest, kind: str, label: str):
    return next(w for w in getattr(at.sidebar, kind) if w.label == label)


def events(store: Store, corpus: str = "seeds") -> pd.DataFrame:
    return store.events_frame(corpus)


def timeline_spec(at: AppTest) -> dict:
    """The plotly figure the timeline component was given to draw."""
    (timeline,) = (
        c for c in at.get("component_instance") if c.proto.component_name.endswith(".timeline")
    )
    return json.loads(json.loads(timeline.proto.json_args)["spec"])


def figure_points(at: AppTest) -> int:
    """Markers and bars of the timeline (one per event)."""
    spec = timeline_spec(at)
    return sum(len(trace.get("customdata") or []) for trace in spec["data"])


def test_renders_the_seed_timeline_with_one_mark_per_dated_event(app, two_corpora) -> None:
    at = app()
    assert not at.exception
    frame = events(two_corpora)
    assert shown_count(at) == len(frame)
    assert figure_points(at) == int(frame["earliest"].notna().sum())


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_renders(app, view: str) -> None:
    at = app(view=view)
    assert not at.exception, at.exception
    assert widget(at, "radio", "View").value == view
    assert params(at)["view"] == [view]


def test_an_actor_page_opens_on_the_time_of_the_articles_like_the_timeline(app) -> None:
    """An actor's timeline opens, like the main one, within the month before the first
    article (all of the seeds are of 26 February 2025), not at a background year the
    actor's events mention ("last year")."""
    main = timeline_spec(app())
    page = app(view="Actors")
    assert not page.exception
    spec = timeline_spec(page)  # the actor's timeline, drawn by the same component
    run_up = pd.Timestamp(2025, 2, 26) - pd.Timedelta(days=charts.LEAD_DAYS + 3)
    for figure in (main, spec):
        assert pd.Timestamp(figure["layout"]["xaxis"]["range"][0]) >= run_up


def test_lanes_by_actor(app) -> None:
    at = app(lanes="actor")
    assert not at.exception
    spec = timeline_spec(at)
    lanes = {y for trace in spec["data"] for y in trace["y"]}
    assert "Donald Trump" in lanes
    assert params(at)["lanes"] == ["actor"]


def test_actor_filter_narrows_and_goes_into_the_url(app, two_corpora) -> None:
    at = app()
    total = shown_count(at)
    box = widget(at, "multiselect", "Actors")
    actor = "Donald Trump"
    box.select(actor).run()
    assert not at.exception
    expected = apply_filters(events(two_corpora), Filters("seeds", actors=[actor]))
    assert shown_count(at) == len(expected) < total
    assert params(at)["actor"] == [actor]


def run_marker(at: AppTest) -> int:
    """The number the run marker holds, checking that it is the page's last element."""
    last = list(at.sidebar)[-1]
    match = re.fullmatch(r'<span class="sl-run" data-run="(\d+)" hidden></span>', last.proto.body)
    assert match, last.proto.body
    return int(match.group(1))


def test_the_sidebar_lists_actors_and_outlets_with_their_own_event_counts(app, two_corpora) -> None:
    frame = events(two_corpora)
    at = app()
    for label, column in (("Actors", "actors"), ("Outlets", "sources")):
        counts = frame[column].explode().dropna().value_counts()
        expected = [f"{name} ({n})" for name, n in counts.items()]
        assert list(widget(at, "multiselect", label).options) == expected, label


def test_every_run_ends_with_a_run_marker_holding_a_new_number(app) -> None:
    """The browser tests and the benchmark count finished runs by it: each run, even one
    that changes nothing else on the page, must change it."""
    at = app()
    first = run_marker(at)
    at.run()  # nothing changed: the same page, served from the caches
    assert run_marker(at) == first + 1
    widget(at, "multiselect", "Actors").select("Donald Trump").run()
    assert run_marker(at) == first + 2


@pytest.mark.parametrize(
    "filters",
    [
        {"actors": ["Donald Trump"]},
        {"actors": ["Donald Trump", "Volodymyr Zelensky"]},
        {"actors": ["nobody of that name"]},
        {"outlets": ["The Guardian"]},
        {"actors": ["Donald Trump"], "outlets": ["The Guardian", "BBC"]},
    ],
)
def test_the_actor_and_outlet_filters_match_the_events_lists(two_corpora, filters) -> None:
    """apply_filters looks names up in ListIndex's positions: the same events as reading
    every event's own lists."""
    frame = events(two_corpora)
    got = apply_filters(frame, Filters("seeds", **filters), ListIndex.of(frame))
    wanted = pd.Series(True, index=frame.index)
    for column, key in (("actors", "actors"), ("sources", "outlets")):
        if filters.get(key):
            wanted &= frame[column].map(lambda names, w=set(filters[key]): bool(w & set(names)))
    assert list(got["event_id"]) == list(frame.loc[wanted, "event_id"])
    if filters.get("actors") != ["nobody of that name"]:
        assert 0 < len(got) < len(frame)


@pytest.mark.parametrize(
    ("kind", "label", "value", "param", "filters"),
    [
        ("multiselect", "Outlets", ["The Guardian"], "outlet", {"outlets": ["The Guardian"]}),
        ("multiselect", "Status", ["scheduled"], "status", {"statuses": ["scheduled"]}),
        ("number_input", "Minimum sources", 3, "min_sources", {"min_sources": 3}),
        ("text_input", "Search", "NATO", "q", {"text": "NATO"}),
    ],
)
def test_each_filter_narrows_and_goes_into_the_url(
    app, two_corpora, kind, label, value, param, filters
) -> None:
    at = app()
    total = shown_count(at)
    w = widget(at, kind, label)
    if kind == "multiselect":
        for v in value:
            w = w.select(v)
        w.run()
    else:
        w.set_value(value).run()
    assert not at.exception
    expected = apply_filters(events(two_corpora), Filters("seeds", **filters))
    assert 0 < shown_count(at) == len(expected) < total
    got = params(at)[param]
    assert got == [str(v) for v in value] if isinstance(value, list) else got == [str(value)]


def test_date_range_filter(app, two_corpora) -> None:
    frame = events(two_corpora)
    at = app(**{"from": "2025-02-26", "to": "2025-02-28"})
    assert not at.exception
    assert widget(at, "date_input", "Date range").value == (
        pd.Timestamp("2025-02-26").date(),
        pd.Timestamp("2025-02-28").date(),
    )
    expected = apply_filters(
        frame,
        Filters(
            "seeds", start=pd.Timestamp("2025-02-26").date(), end=pd.Timestamp("2025-02-28").date()
        ),
    )
    assert shown_count(at) == len(expected) < len(frame)
    assert params(at)["from"] == ["2025-02-26"] and params(at)["to"] == ["2025-02-28"]


def test_a_link_with_every_filter_reopens_the_same_view(app, two_corpora) -> None:
    link = {
        "corpus": "seeds",
        "view": "Table",
        "actor": ["Donald Trump", "Ukraine"],
        "outlet": ["Al Jazeera"],
        "status": ["past"],
        "min_sources": "2",
        "q": "security",
    }
    at = app(**link)
    assert not at.exception
    assert not at.info  # nothing was dropped
    assert widget(at, "multiselect", "Actors").value == ["Donald Trump", "Ukraine"]
    assert widget(at, "number_input", "Minimum sources").value == 2
    assert widget(at, "text_input", "Search").value == "security"
    expected = apply_filters(
        events(two_corpora),
        Filters(
            "seeds",
            actors=["Donald Trump", "Ukraine"],
            outlets=["Al Jazeera"],
            statuses=["past"],
            min_sources=2,
            text="security",
        ),
    )
    assert shown_count(at) == len(expected) > 0
    got = params(at)
    for key, value in link.items():
        assert got[key] == (value if isinstance(value, list) else [value]), key


def test_the_event_in_the_link_is_the_one_shown_in_detail(app, two_corpora) -> None:
    frame = events(two_corpora)
    reported = frame[frame["earliest"].notna() & frame["sources"].map(lambda s: "Al Jazeera" in s)]
    target = reported.sort_values("source_count").iloc[-1]
    at = app(event=target["event_id"])
    assert not at.exception
    box = next(s for s in at.selectbox if s.label == "Event detail")
    assert box.value == target["event_id"]
    assert params(at)["event"] == [target["event_id"]]
    page = " ".join(h.proto.body for h in at.get("html"))
    assert "Al Jazeera" in page and '<mark class="sl-date">' in page
    # the actor names are marked too, as stored (the store gives spans as numpy arrays)
    assert '<mark class="sl-actor">' in page


@pytest.mark.parametrize(
    ("link", "note"),
    [
        ({"bogus": "1"}, "unknown link parameter"),
        ({"corpus": "../../etc/passwd"}, "Unknown corpus"),
        ({"from": "yesterday"}, "not YYYY-MM-DD"),
        ({"view": ["Table", "Sources"]}, "given 2 times"),
        ({"q": "x" * 5000}, "over-long"),
        ({"min_sources": "-3"}, "min_sources"),
        ({"status": "exploded"}, "unknown status"),
        ({"actor": "Nobody Atall"}, "No actor"),
        ({"lanes": "diagonal"}, "Unknown lanes"),
    ],
)
def test_malformed_params_give_a_note_not_a_crash(app, link, note) -> None:
    at = app(**link)
    assert not at.exception
    notes = " ".join(i.value for i in at.info)
    assert note.casefold() in notes.casefold(), notes
    assert shown_count(at) > 0


def test_switching_corpus_shows_the_other_story_and_updates_the_url(app, two_corpora) -> None:
    at = app(actor="Donald Trump")
    widget(at, "selectbox", "Corpus").set_value("dairy").run()
    assert not at.exception
    assert shown_count(at) == len(events(two_corpora, "dairy"))
    assert params(at)["corpus"] == ["dairy"]
    assert "actor" not in params(at)  # that actor is not in this story


def test_a_session_on_one_corpus_never_sees_the_other(app, two_corpora) -> None:
    dairy = app(corpus="dairy")
    seeds = app(corpus="seeds")
    assert shown_count(dairy) == len(events(two_corpora, "dairy"))
    assert shown_count(seeds) == len(events(two_corpora, "seeds"))
    dairy_names = set(widget(dairy, "multiselect", "Actors").options)
    assert not any("Trump" in name for name in dairy_names)


def test_missing_store_is_built_from_the_seeds(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("STORYLINE_DB", str(tmp_path / "new.duckdb"))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert (tmp_path / "new.duckdb").exists()


def test_upcoming_lists_scheduled_events_after_the_latest_article_soonest_first(
    app, two_corpora
) -> None:
    at = app(view="Upcoming")
    assert not at.exception
    now = pd.to_datetime(two_corpora.articles_frame("seeds")["published"]).max().normalize()
    frame = events(two_corpora)
    ahead = frame[(frame["status"] == "scheduled") & (frame["latest"] > now)]
    assert not ahead.empty, "the seeds announce at least one scheduled event"
    shown = at.dataframe[0].value
    assert list(shown["summary"]) == list(ahead.sort_values("earliest")["summary"])
    assert set(shown["status"]) == {"scheduled"}
    assert list(shown["value"]) == [date_label(v) for v in ahead.sort_values("earliest")["value"]]


def test_the_table_reads_dates_in_words_and_sorts_by_their_interval(app, two_corpora) -> None:
    at = app(view="Table")
    assert not at.exception
    shown = at.dataframe[0].value
    frame = events(two_corpora).set_index("event_id")
    assert len(shown) == len(frame)
    by_summary = frame.reset_index().drop_duplicates("summary").set_index("summary")
    for row in shown.drop_duplicates("summary").itertuples():
        stored = by_summary.loc[row.summary]
        assert row.value == date_label(stored["value"])
        assert row.earliest == stored["earliest"] or (
            pd.isna(row.earliest) and pd.isna(stored["earliest"])
        )
    # the words are not ISO values: a day reads "26 February 2025", not "2025-02-26"
    assert not shown["value"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").any()
    assert shown["value"].str.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}").any()


def test_uploaded_corpora_are_unlisted_but_open_from_their_link(
    two_corpora: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "s.duckdb"
    shutil.copy(two_corpora.path, target)
    Store(target).write_corpus(run([STORY]), "upload-0123456789abcdef-theirs")
    monkeypatch.setenv("STORYLINE_DB", str(target))
    stranger = AppTest.from_file(APP, default_timeout=60).run()
    assert widget(stranger, "selectbox", "Corpus").options == ["seeds", "dairy"]
    holder = AppTest.from_file(APP, default_timeout=60)
    holder.query_params["corpus"] = "upload-0123456789abcdef-theirs"
    holder.run()
    assert not holder.exception
    assert widget(holder, "selectbox", "Corpus").value == "upload-0123456789abcdef-theirs"


def test_a_link_to_an_event_a_later_build_regrouped_opens_where_it_went(
    two_corpora, tmp_path, monkeypatch
) -> None:
    """A build that merges or splits an event records where its old id went: an old link
    opens that event, with a note; an id the corpus never had gets a note too."""
    store = Store(tmp_path / "s.duckdb")
    shutil.copy(two_corpora.path, store.path)
    corpus = run([STORY])
    target = max(corpus.events, key=lambda e: (e.source_count, e.id)).id
    corpus.event_aliases = {"ev-0123456789ab": target}
    store.write_corpus(corpus, "dairy")
    monkeypatch.setenv("STORYLINE_DB", str(store.path))
    for old, shown, note in (
        ("ev-0123456789ab", target, "merged or split by a later build"),
        ("ev-ffffffffffff", None, "is not in this corpus"),
    ):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["corpus"] = "dairy"
        at.query_params["event"] = old
        at.run()
        assert not at.exception
        assert note in " ".join(i.value for i in at.info)
        box = next(s for s in at.selectbox if s.label == "Event detail")
        if shown is not None:
            assert box.value == shown and params(at)["event"] == [shown]
        else:
            assert box.value != old and params(at).get("event") != [old]

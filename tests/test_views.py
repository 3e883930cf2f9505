"""The dashboard's pure parts: charts, escaping, upload building (no Streamlit server)."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from dashboard import charts
from dashboard.labels import date_label
from dashboard.store import Store
from dashboard.views import plain
from dashboard.views.detail import headline_event, highlighted, safe_link
from dashboard.views.upload import build_upload, corpus_name

ROOT = Path(__file__).resolve().parent.parent


def synthetic_events(n: int) -> pd.DataFrame:
    """``n`` events over a year, a tenth of them intervals, source counts 1-8."""
    start = date(2024, 1, 1)
    rows = []
    for k in range(n):
        first = start + timedelta(days=k % 365)
        last = first + timedelta(days=6 if k % 10 == 0 else 0)
        rows.append(
            {
                "event_id": f"ev-{k}",
                "value": first.isoformat(),
                "earliest": pd.Timestamp(first),
                "latest": pd.Timestamp(last),
                "status": "scheduled" if k % 7 == 0 else "past",
                "summary": f"Event number {k} happened.",
                "date_text": "on Monday",
                "actors": [f"Actor {k % 40}", f"Actor {(k + 1) % 40}"],
                "sources": [f"Outlet {j}" for j in range(1 + k % 8)],
                "source_count": 1 + k % 8,
                "independent_count": 1 + k % 8,
            }
        )
    return pd.DataFrame(rows)


def test_small_timelines_draw_one_mark_per_event() -> None:
    events = synthetic_events(40)
    fig = charts.timeline_figure(events, date(2024, 2, 1))
    marks = sum(len(trace.customdata) for trace in fig.data)
    assert marks == 40
    assert {trace.type for trace in fig.data} == {"scatter", "bar"}


def test_lanes_by_actor_put_each_event_in_its_actors_lanes() -> None:
    events = synthetic_events(40)
    fig = charts.timeline_figure(events, lanes="actor")
    lanes = {y for trace in fig.data for y in trace.y}
    assert lanes <= {f"Actor {k}" for k in range(40)}
    assert len(lanes) <= charts.MAX_ACTOR_LANES


def test_five_thousand_events_are_aggregated_not_smeared() -> None:
    events = synthetic_events(5000)
    fig = charts.timeline_figure(events, date(2024, 6, 1))
    bars = [t for t in fig.data if t.type == "bar"]
    points = [t for t in fig.data if t.type == "scatter"]
    assert sum(sum(t.y) for t in bars) == 5000  # every event counted in a weekly bar
    assert len(points) == 1 and len(points[0].x) == charts.TOP_EVENTS
    shown = set(points[0].customdata)
    best = set(events.nlargest(charts.TOP_EVENTS, "source_count")["event_id"])
    assert shown == best


def test_undated_events_never_reach_the_axis() -> None:
    events = synthetic_events(5)
    events.loc[0, ["earliest", "latest", "value"]] = [pd.NaT, pd.NaT, None]
    fig = charts.timeline_figure(events)
    drawn = {e for trace in fig.data for e in trace.customdata}
    assert "ev-0" not in drawn and len(drawn) == 4


def test_coverage_matrix_marks_who_reports_what_most_sources_first() -> None:
    events = synthetic_events(20)
    matrix = charts.coverage_matrix(events)
    assert list(matrix["source_count"]) == sorted(matrix["source_count"], reverse=True)
    outlets = [c for c in matrix.columns if c.startswith("Outlet")]
    assert (matrix[outlets].sum(axis=1) == matrix["source_count"]).all()


def test_sources_figure_separates_single_source_claims() -> None:
    events = synthetic_events(16)
    fig = charts.sources_figure(events)
    single = dict(zip(fig.data[1].y, fig.data[1].x, strict=True))
    assert single["Outlet 0"] == int((events["source_count"] == 1).sum())


def test_highlighting_escapes_the_sentence_and_marks_the_spans() -> None:
    sentence = "<script>x()</script> Olaf Scholz said on Friday."
    start = 100
    spans = [(100 + 21, 100 + 32, "actor"), (100 + 41, 100 + 47, "date")]
    out = highlighted(sentence, start, spans)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert '<mark class="sl-actor">Olaf Scholz</mark>' in out
    assert '<mark class="sl-date">Friday</mark>' in out


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a", True),
        ("http://example.org/a?b=1", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("//example.org/a", False),
        (None, False),
    ],
)
def test_only_web_links_are_links(url, kept) -> None:
    assert (safe_link(url) is not None) is kept


def test_plain_makes_markdown_and_html_inert() -> None:
    text = "![pixel](http://127.0.0.1/p.png) [x](javascript:alert(1)) <b>bold</b> **strong**"
    escaped = plain(text)
    for token in ("![", "](", "<b>", "**"):
        assert token not in escaped


def test_corpus_names_from_uploads_are_safe() -> None:
    files = [("a.txt", b"text")]
    named = corpus_name("my-story", files)
    assert named.startswith("upload-") and named.endswith("-my-story")
    assert corpus_name("my-story", files) != named  # unguessable: never the same twice
    for bad in ("../../etc/passwd", "", "x" * 80, "a/b"):
        name = corpus_name(bad, files)
        assert name.startswith("upload-") and "/" not in name and len(name) == len("upload-") + 16


def test_a_session_sees_only_its_own_uploads_or_one_it_has_a_link_to() -> None:
    from dashboard.views.upload import visible_corpora

    everything = ["seeds", "upload-aaaa-mine", "upload-bbbb-theirs", "dairy"]
    assert visible_corpora(everything, [], None) == ["seeds", "dairy"]
    assert visible_corpora(everything, ["upload-aaaa-mine"], None) == [
        "seeds",
        "dairy",
        "upload-aaaa-mine",
    ]
    assert "upload-bbbb-theirs" in visible_corpora(everything, [], "upload-bbbb-theirs")
    assert visible_corpora(everything, [], "upload-nope") == ["seeds", "dairy"]


def test_an_upload_builds_a_new_corpus_and_names_the_file_that_failed(
    seed_store: Store, tmp_path: Path
) -> None:
    store = Store(tmp_path / "store.duckdb")
    shutil.copy(seed_store.path, store.path)
    story = ROOT / "tests" / "stories" / "dairy_takeover"
    good = [(p.name, p.read_bytes()) for p in sorted(story.glob("*.txt"))]
    bad = [("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4), ("empty.txt", b"")]
    overrides = {
        name: {"outlet": f"Outlet {k}", "published": "2025-03-04"}
        for k, (name, _) in enumerate(good)
    }
    stages: list[str] = []
    name, problems = build_upload(
        store, good + bad, overrides, "dairy", lambda stage, fraction: stages.append(stage)
    )
    assert name == "dairy"
    assert set(store.corpora()) == {"seeds", "dairy"}
    assert len(store.events_frame("seeds")) == len(seed_store.events_frame("seeds"))
    articles = store.articles_frame("dairy")
    assert len(articles) == len(good)
    assert set(articles["outlet"]) == {f"Outlet {k}" for k in range(len(good))}
    assert any("photo.txt" in p for p in problems) and any("empty.txt" in p for p in problems)
    assert "cluster" in stages


def test_an_upload_with_nothing_readable_changes_nothing(seed_store: Store, tmp_path) -> None:
    store = Store(tmp_path / "store.duckdb")
    shutil.copy(seed_store.path, store.path)
    name, problems = build_upload(store, [("x.txt", b"")], {}, "broken")
    assert name is None and problems and "x.txt" in problems[0]
    assert store.corpora() == ["seeds"]


def test_upload_fields_are_prefilled_from_what_the_file_says() -> None:
    from dashboard.views.upload import detected

    page = (ROOT / "tests" / "pages" / "article_tag.html").read_bytes()
    found = detected("page.html", page)
    assert found["outlet"] == "Coastal Courier" and str(found["published"]) == "2024-03-14"
    assert found["url"] == "https://coastalcourier.example/news/ferry-terminal-delay"
    assert "published" not in detected("x.txt", b"Olaf Scholz said on Monday he would go.")
    assert "empty" in detected("e.txt", b"")["problem"]


def test_uploads_are_checked_by_content_and_their_names_never_become_paths(tmp_path) -> None:
    import io
    import zipfile

    from dashboard.ingest import load_uploads

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("story.txt", "Olaf Scholz said on Monday he would go. " * 50)
    text = b"Olaf Scholz said on Monday that he would visit Paris on Friday."
    files = [
        ("story.txt", archive.getvalue()),  # an archive under a text name
        ("../../etc/passwd", text),
        ("..\\\\..\\\\boot.ini", text + b" Again."),
        ("pic.html", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8),  # a JPEG
    ]
    before = set(tmp_path.iterdir())
    result = load_uploads(files, {})
    refused = {e.path: e.message for e in result.errors}
    assert "binary" in refused["story.txt"]
    assert "no article text" in refused["pic.html"]
    labels = sorted(a.source_path for a in result.articles)
    assert labels == ["..\\\\..\\\\boot.ini", "passwd"]  # labels only, never opened as paths
    assert set(tmp_path.iterdir()) == before and not Path("/etc/passwd").read_text().count("Scholz")


def test_upload_limits_hold(seed_store: Store, tmp_path: Path, monkeypatch) -> None:
    from dashboard import settings
    from dashboard.views import upload

    store = Store(tmp_path / "store.duckdb")
    shutil.copy(seed_store.path, store.path)
    monkeypatch.setattr(settings, "MAX_ARTICLE_BYTES", 2_000)
    monkeypatch.setattr(upload, "MAX_FILES", 3)
    text = "Olaf Scholz said on Monday that he would visit Paris on Friday, aides said. "
    files = [(f"f{k}.txt", (text + f"Item {k}.").encode()) for k in range(5)]
    files.append(("big.txt", (text * 40).encode()))  # over the lowered limit
    name, problems = upload.build_upload(store, files, {}, "upload-limits")
    assert name == "upload-limits"
    assert len(store.articles_frame("upload-limits")) == 3  # only the first MAX_FILES read
    assert any("Only the first 3 files" in p for p in problems)
    big = upload.detected("big.txt", (text * 40).encode())
    assert "over the 2,000-byte limit" in big["problem"]


def test_a_long_timeline_opens_on_most_of_its_events_with_zoom_buttons_and_no_slider() -> None:
    """Two years of events and two background dates decades back: the view starts at the
    story's first weeks, not at the background (the "all" button shows it) nor at the last
    three weeks (the "1m" button); no range slider draws every trace twice."""
    events = synthetic_events(40)
    events["earliest"] = [pd.Timestamp(2022, 1, 1) + pd.Timedelta(days=18 * k) for k in range(40)]
    events.loc[0, "earliest"] = pd.Timestamp(1949, 4, 4)
    events.loc[1, "earliest"] = pd.Timestamp(1968, 8, 20)
    events["latest"] = events["earliest"]
    now = date(2023, 12, 1)
    fig = charts.timeline_figure(events, now)
    assert _opens_at(fig) == events["earliest"][2]  # the story's first event
    assert [b.label for b in fig.layout.xaxis.rangeselector.buttons][-1] == "all"
    assert not fig.layout.xaxis.rangeslider.visible


def _opens_at(fig) -> pd.Timestamp:
    """The day the initial view is opened for: its range's start, less the room left before
    the first event (charts.EDGE_SHARE of the span, a day at least), to the day."""
    start, end = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    end -= pd.Timedelta(days=5)  # the room after the last event
    room = max(pd.Timedelta(days=1), (end - start) * charts.EDGE_SHARE / (1 + charts.EDGE_SHARE))
    return (start + room).round("D")


def test_the_timeline_dates_sit_on_top_with_the_zoom_buttons_above_them() -> None:
    """A timeline taller than the window keeps its dates in view: the axis is drawn above
    the events, and the zoom buttons above the date labels (the same pixels above the plot
    whatever its height), not over them."""
    lifts = set()
    for n in (40, 300):
        events = synthetic_events(n)
        step = pd.Timedelta(days=720 // n)  # two years of events: zoom buttons
        events["earliest"] = [pd.Timestamp(2022, 1, 1) + step * k for k in range(n)]
        events["latest"] = events["earliest"]
        fig = charts.timeline_figure(events, date(2023, 12, 1))
        assert fig.layout.xaxis.side == "top"
        selector = fig.layout.xaxis.rangeselector
        assert selector.yanchor == "bottom" and selector.y > 1
        plot_height = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
        lifts.add(round((selector.y - 1) * plot_height))
    assert lifts == {charts.BUTTONS_LIFT}


@pytest.mark.parametrize(
    ("n", "lanes", "measured"),
    [(2000, "event", False), (300, "event", False), (40, "event", True), (300, "actor", True)],
)
def test_only_named_lanes_leave_their_margin_to_the_browser(n, lanes, measured) -> None:
    """Dates, counts and packed rows have labels of a known size: their timelines come with
    fixed margins, so plotly.js draws them once instead of measuring the labels and drawing
    again (automargin); lanes named after events or actors are measured in the browser. The
    legend sits clear of the plot area, inside the bottom margin."""
    fig = charts.timeline_figure(synthetic_events(n), date(2024, 6, 1), lanes=lanes)
    layout = fig.layout
    assert layout.xaxis.automargin is False
    assert layout.yaxis.automargin is measured
    plot_height = layout.height - layout.margin.t - layout.margin.b
    below = -layout.legend.y * plot_height  # pixels from the plot area down to the legend
    assert layout.legend.yanchor == "top"
    assert charts.LEGEND_GAP <= below and below + charts.LEGEND_ROOM <= layout.margin.b


def test_events_before_the_opening_view_get_the_bottom_lanes() -> None:
    """A long story opens on its time: background years ("In 2008, ...") would be empty
    lanes at the top, so they go last; the others keep their date order."""
    events = synthetic_events(12)
    events["earliest"] = [pd.Timestamp(2022, 1, 1) + pd.Timedelta(days=30 * k) for k in range(12)]
    events.loc[0, "earliest"] = pd.Timestamp(1949, 4, 4)
    events.loc[1, "earliest"] = pd.Timestamp(1968, 8, 20)
    events["latest"] = events["earliest"]
    events["summary"] = [f"event {k}" for k in range(12)]
    fig = charts.timeline_figure(events, date(2022, 11, 20))
    start = pd.Timestamp(fig.layout.xaxis.range[0])
    order = list(fig.layout.yaxis.categoryarray)
    assert order == [f"event {k}" for k in range(2, 12)] + ["event 0", "event 1"]
    assert all(events["latest"][k] >= start for k in range(2, 12))


def test_many_events_are_packed_into_rows_that_do_not_overlap() -> None:
    """200 events (more than MAX_EVENT_LANES): a few unlabelled rows instead of 200 lanes,
    every event drawn once, and the events of a row apart by the packing gap."""
    events = synthetic_events(200)
    fig = charts.timeline_figure(events, date(2024, 3, 1))
    drawn = [e for trace in fig.data for e in trace.customdata]
    assert sorted(drawn) == sorted(events["event_id"])
    rows = {y for trace in fig.data for y in trace.y}
    assert len(rows) <= charts.PACKED_ROWS and fig.layout.height < 26 * 60
    assert fig.layout.yaxis.showticklabels is False
    dated = charts.dated_events(events)
    placed = dated.assign(row=charts.packed_rows(dated, pd.Timedelta(days=3)))
    for _, row in placed.sort_values("earliest").groupby("row"):
        ends = (row["latest"] + pd.Timedelta(days=3)).iloc[:-1].to_numpy()
        assert (row["earliest"].iloc[1:].to_numpy() >= ends).all()


def test_a_few_events_keep_a_labelled_lane_each() -> None:
    events = synthetic_events(charts.MAX_EVENT_LANES)
    fig = charts.timeline_figure(events, date(2024, 3, 1))
    lanes = {y for trace in fig.data for y in trace.y}
    assert len(lanes) == charts.MAX_EVENT_LANES and fig.layout.yaxis.showticklabels is not False


def test_a_vague_interval_does_not_stretch_the_opening_view() -> None:
    """A year-long "this year" event ends in December; the view opens on the weeks around
    the latest article and the last event that starts."""
    events = synthetic_events(40)
    events["earliest"] = [pd.Timestamp(2022, 1, 1) + pd.Timedelta(days=10 * k) for k in range(40)]
    events["latest"] = events["earliest"]
    events.loc[39, ["earliest", "latest"]] = [pd.Timestamp(2023, 1, 1), pd.Timestamp(2023, 12, 31)]
    now = date(2023, 1, 20)
    fig = charts.timeline_figure(events, now)
    _, end = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert end <= pd.Timestamp(now) + pd.Timedelta(days=10)


def test_a_long_timeline_opens_on_the_run_up_to_the_first_article() -> None:
    """Background years make up a third of the dated events here; the first article's date
    says where the story starts: at its first event in the month before that article, or
    at the first after it when that month is empty (not on an empty month)."""
    events = synthetic_events(30)
    events["earliest"] = [
        pd.Timestamp(1990 + k, 1, 1)
        if k < 10
        else pd.Timestamp(2023, 1, 1) + pd.Timedelta(days=9 * k)
        for k in range(30)
    ]
    events["latest"] = events["earliest"]
    fig = charts.timeline_figure(events, date(2023, 12, 1), since=date(2023, 3, 1))
    assert _opens_at(fig) == pd.Timestamp(2023, 4, 1)  # nothing in February: the first after
    assert [b.label for b in fig.layout.xaxis.rangeselector.buttons][-1] == "all"
    events.loc[10, "earliest"] = events.loc[10, "latest"] = pd.Timestamp(2023, 2, 12)
    fig = charts.timeline_figure(events, date(2023, 12, 1), since=date(2023, 3, 1))
    assert _opens_at(fig) == pd.Timestamp(2023, 2, 12)  # the run-up's first event


def test_a_short_story_with_a_background_year_opens_on_its_days() -> None:
    """A week-long story (a strike) whose articles recall an earlier strike years back:
    the view opens on the week, two weeks wide at least, not on a month of empty run-up."""
    events = synthetic_events(6)
    days = [pd.Timestamp(2025, 6, d) for d in (5, 9, 11, 12, 14)]
    events["earliest"] = [pd.Timestamp(2019, 1, 1), *days]
    events["latest"] = [pd.Timestamp(2019, 12, 31), *days]
    fig = charts.timeline_figure(events, date(2025, 6, 13), since=date(2025, 6, 9))
    start, end = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    # (before: from 10 May, a month before the first article, with nothing until 5 June)
    assert pd.Timestamp(2025, 5, 28) <= start < pd.Timestamp(2025, 6, 5)
    assert end - start >= pd.Timedelta(days=charts.MIN_VIEW_DAYS)


@pytest.mark.parametrize(
    "value,shown",
    [
        (None, "undated"),
        ("", "undated"),
        ("19", "1900s"),
        ("199", "1990s"),
        ("2024", "2024"),
        ("2024-05-08", "8 May 2024"),
        ("2024-05", "May 2024"),
        ("2024-W19", "week of 6 May 2024"),
        ("2020-W53", "week of 28 December 2020"),
        ("2024-W19-WE", "weekend of 11 May 2024"),
        ("2024-Q2", "Q2 2024"),
        ("2024-H1", "first half of 2024"),
        ("2024-SU", "summer 2024"),
        ("2024-WI", "winter 2024/25"),
        ("2024-05-08TNI", "8 May 2024, night"),
        ("2024-05-08T14:30", "8 May 2024, 14:30"),
        # not a date: shown as it is rather than guessed at
        ("2023-W53", "2023-W53"),
        ("2024-13", "2024-13"),
        ("2024-02-30", "2024-02-30"),
        ("XXXX-05", "XXXX-05"),
        ("PAST_REF", "PAST_REF"),
    ],
)
def test_dates_read_as_a_reader_takes_them(value, shown) -> None:
    assert date_label(value) == shown


def test_the_detail_opens_on_the_best_sourced_latest_event_not_the_oldest() -> None:
    events = synthetic_events(12)
    events.loc[0, ["earliest", "source_count"]] = [pd.Timestamp(2008, 1, 1), 1]
    events["source_count"] = [1, 3, 8, 8, 2, 1, 8, 1, 1, 1, 1, 1]
    # three events share the most sources: the latest of them opens
    assert headline_event(events) == "ev-6"
    events.loc[6, "earliest"] = pd.NaT  # undated: the latest dated one of the rest
    assert headline_event(events) == "ev-3"


def test_long_labels_end_after_a_whole_word_with_an_ellipsis() -> None:
    from dashboard.charts import shorten

    summary = (
        "President Amara Osei stated that the republic will not offer the rebels  any\nguarantees"
    )
    cut = shorten(summary, 60)
    assert len(cut) <= 60 and cut.endswith("…")
    assert summary.replace("  ", " ").replace("\n", " ").startswith(cut[:-1])
    # The longest run of whole words that fits with the ellipsis ("offer…" is 61).
    assert cut == "President Amara Osei stated that the republic will not…"
    assert shorten("x" * 100, 20) == "x" * 19 + "…"
    assert shorten("  The   vote\tpassed ", 60) == "The vote passed"


def test_an_actors_timeline_opens_on_the_articles_that_name_them(seed_store) -> None:
    """The corpus runs to December; this actor's articles end in June: the view ends there,
    and the latest-article line stays at the corpus's latest article."""
    events = synthetic_events(30)
    events["earliest"] = [pd.Timestamp(2023, 1, 1) + pd.Timedelta(days=7 * k) for k in range(30)]
    events["latest"] = events["earliest"]
    now = date(2023, 12, 1)
    fig = charts.timeline_figure(events, now, since=date(2023, 1, 10), until=date(2023, 6, 1))
    _, end = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert _opens_at(fig) == pd.Timestamp(2023, 1, 1) and end <= pd.Timestamp(2023, 8, 1)
    assert any(shape.x0 == pd.Timestamp(now).timestamp() * 1000 for shape in fig.layout.shapes)
    from dashboard import queries

    first, last = queries.actor_article_span(seed_store, "seeds", "Volodymyr Zelenskyy")
    assert first == last == date(2025, 2, 26)  # every seed article is of that day
    assert queries.actor_article_span(seed_store, "seeds", "Nobody At All") == (None, None)


def test_long_source_names_are_shortened_on_the_axis_only() -> None:
    title = "Harbour authority approves the long-delayed dredging of the northern channel"
    events = pd.DataFrame(
        {
            "event_id": ["e1", "e2"],
            "sources": [[title, "Daily Post"], ["Daily Post"]],
            "source_count": [2, 1],
        }
    )
    fig = charts.sources_figure(events)
    axis = fig.layout.yaxis
    assert set(axis.tickvals) == {title, "Daily Post"}
    labels = dict(zip(axis.tickvals, axis.ticktext, strict=True))
    assert labels["Daily Post"] == "Daily Post"
    assert len(labels[title]) <= charts.OUTLET_LABEL and labels[title].endswith("…")
    assert title in {y for trace in fig.data for y in trace.y}  # hover keeps the full name


def test_articles_chart_counts_whole_articles() -> None:
    """A few articles a day: ticks at whole numbers (plotly's own put 0.5 steps); many: its
    own ticks."""
    few = pd.DataFrame(
        {"outlet": ["A", "B", "A"], "published": ["2025-06-09", "2025-06-13", "2025-06-13"]}
    )
    assert charts.articles_figure(few).layout.yaxis.dtick == 1
    many = pd.DataFrame({"outlet": ["A"] * 40, "published": ["2025-06-09"] * 40})
    assert charts.articles_figure(many).layout.yaxis.dtick is None


def test_kept_mentions_reader_never_serves_another_corpus_or_a_replaced_file(
    seed_store: Store, seed_corpus, tmp_path: Path
) -> None:
    """The detail's mentions come over a connection kept per store file version: keyed by
    corpus, it never hands one corpus's mentions to another; a write is not held up by it,
    and the new file version gets a reader of its own that sees the write."""
    from dashboard import queries
    from dashboard.views.detail import Mentions

    path = tmp_path / "storyline.duckdb"
    shutil.copy(seed_store.path, path)
    store = Store(path)
    event = headline_event(store.events_frame("seeds"))
    before = Mentions(store)
    seeds = before.fetch("seeds", event).result(timeout=30)
    assert len(seeds) > 0
    assert seeds.equals(queries.event_mentions(store, "seeds", [event]))
    assert before.fetch("seeds", event).result() is seeds  # read once
    assert before.fetch("other", event).result(timeout=30).empty  # no such corpus yet

    store.write_corpus(seed_corpus, "other")  # the kept connection does not stop it
    assert store.corpora() == ["seeds", "other"]  # and a new connection sees the new file
    assert before.fetch("other", event).result(timeout=30).empty  # the old version's reader
    after = Mentions(store)
    other = after.fetch("other", event).result(timeout=30)
    assert len(other) == len(seeds)
    assert set(other["event_id"]) == {event}


def test_the_app_turns_nagles_algorithm_off_on_the_servers_sockets() -> None:
    """Streamlit's own listening socket came without TCP_NODELAY (40 ms per response after
    a connection's first); the app sets it there, so connections accepted later have it."""
    import socket

    from dashboard.app import tcp_nodelay

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert not listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        assert tcp_nodelay() >= 1
        assert listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        with socket.create_connection(listener.getsockname()) as client:
            accepted, _ = listener.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
                accepted.sendall(b"x")  # the descriptors tcp_nodelay looked at still work
                assert client.recv(1) == b"x"

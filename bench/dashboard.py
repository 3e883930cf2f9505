"""Dashboard speed in a real browser, on a synthetic store of 100,000 events.

    .venv/bin/python bench/dashboard.py                 # 100,000 events, 10,000 articles
    .venv/bin/python bench/dashboard.py --events 5000 --articles 500 --repeat 3
    .venv/bin/python bench/dashboard.py --db data/storyline.duckdb   # any store (the seeds)
    .venv/bin/python bench/dashboard.py --floor     # bench/floor_app.py: Streamlit + plotly only
    .venv/bin/python bench/dashboard.py --cpu       # also the page's main-thread CPU seconds

Builds (or reuses) the store from bench/make_store.py, serves dashboard/app.py over it and
drives Debian's Chromium with Playwright. It measures

- first render: navigation start -> the timeline chart drawn with data and the script run
  finished; for a new visitor (fresh browser profile: Streamlit's and plotly's scripts are
  downloaded) and a returning one (scripts cached). The first load after the server starts
  is reported apart: the app's caches are cold;
- filter change: the click that picks (or removes) an actor, or the Enter that sets the
  minimum source count -> the rerun finished and the chart stopped changing; timed from
  the input event on the page (what a person waits), and also from the moment Playwright
  is asked to click (which adds its own checks before the click);

and the bytes the server sent over its websocket for each (for a first render also the bytes
of HTTP responses, cached ones counting 0). Times come from the page's own
clock (performance.now()). It ends with the time to read each frame from the store and its
pickled size, which is what ``st.cache_data`` copies on every rerun.
Figures go to docs/benchmarks.md ("Dashboard speed").
Targets: first render < 2 s, filter change < 0.5 s.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Appended, not prepended: this file is bench/dashboard.py and must not shadow the package.
sys.path.append(str(ROOT / "tests"))
sys.path.append(str(ROOT / "bench"))

from browser_helpers import (  # noqa: E402
    APP,
    PLOT,
    chromium_path,
    launch,
    new_page,
    plot_point_count,
    script_runs,
    streamlit_server,
    wait_idle,
    wait_timeline,
)
from make_store import synthetic_store  # noqa: E402

from dashboard.store import Store  # noqa: E402

FLOOR_APP = ROOT / "bench" / "floor_app.py"
# Longest wait for one action; an action that takes longer is reported as timed out.
TIMEOUT_MS = 60_000
TARGETS = {"first render, server cold": None, "first render": 2.0, "filter change": 0.5}
# Set by --floor: the page measured is bench/floor_app.py, whose chart is an st.plotly_chart.
FLOOR = False


@dataclass
class Samples:
    """Seconds and bytes received, per measured action."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    received: dict[str, list[int]] = field(default_factory=dict)
    # Bytes of the page's and its frames' HTTP responses (0 for those the browser's cache
    # served): first renders only.
    fetched: dict[str, list[int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, seconds: float, received: int, fetched: int | None = None) -> None:
        self.seconds.setdefault(name, []).append(seconds)
        self.received.setdefault(name, []).append(received)
        if fetched is not None:
            self.fetched.setdefault(name, []).append(fetched)
        http = "" if fetched is None else f", {fetched / 1000:,.0f} kB over HTTP"
        print(f"{name}: {seconds:.2f} s, {received / 1000:,.0f} kB{http}", file=sys.stderr)


class WireCounter:
    """Bytes the Streamlit server sends the page over its websocket."""

    def __init__(self, page) -> None:
        self.total = 0
        page.on("websocket", self._watch)

    def _watch(self, ws) -> None:
        ws.on("framereceived", self._frame)

    def _frame(self, payload) -> None:
        self.total += len(payload)


def settled_at(page) -> float:
    """Page clock (ms) when the last script run finished or a chart last changed."""
    return float(page.evaluate("Math.max(window.__stDone || 0, window.__plotChanged || 0)"))


def wait_chart(page) -> None:
    """Wait for the timeline drawn with data (the floor page: its st.plotly_chart)."""
    if not FLOOR:
        wait_timeline(page, timeout=TIMEOUT_MS)
        return
    page.wait_for_function(
        "(sel) => { const gd = document.querySelector(sel);"
        " return gd && gd._fullData && gd._fullData.length > 0; }",
        arg=PLOT,
    )


# Bytes the page and its same-origin frames (the timeline's) received over HTTP, by the
# Resource Timing entries: a response the browser's cache served counts 0.
FETCHED = """() => [window, ...[...document.querySelectorAll('iframe')].map(f => f.contentWindow)]
  .flatMap(w => { try { return w.performance.getEntries(); } catch (e) { return []; } })
  .reduce((n, e) => n + (e.transferSize || 0), 0)"""


def first_render(page, url: str) -> tuple[float, int, int, int]:
    """Seconds from navigation start to a settled timeline; bytes received over the
    websocket and over HTTP; points drawn."""
    page.set_default_timeout(TIMEOUT_MS)
    wire = WireCounter(page)
    try:
        page.goto(url)
        wait_chart(page)
        wait_idle(page, after_runs=0, timeout=TIMEOUT_MS)
        points = 0 if FLOOR else plot_point_count(page)
        return settled_at(page) / 1000, wire.total, int(page.evaluate(FETCHED)), points
    finally:
        page.close()


# Chromium's names for one task of a thread's event loop, in its traces.
TASKS = ("RunTask", "ThreadControllerImpl::RunTask")
TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline"]


def main_thread_cpu(trace: Path) -> float:
    """Seconds of CPU the page's renderer main thread spent (its tasks' thread durations)
    in a Chromium trace: the browser's work, less dependent on other jobs than the clock."""
    import json
    from collections import Counter

    events = json.loads(trace.read_text())
    events = events["traceEvents"] if isinstance(events, dict) else events
    names = {
        (e["pid"], e["tid"]): e["args"]["name"]
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name"
    }
    busiest = Counter(
        (e["pid"], e["tid"]) for e in events if names.get((e["pid"], e["tid"])) == "CrRendererMain"
    )
    main = busiest.most_common(1)[0][0]
    return (
        sum(
            e.get("tdur", 0)
            for e in events
            if (e["pid"], e["tid"]) == main and e.get("ph") == "X" and e.get("name") in TASKS
        )
        / 1e6
    )


def traced_renders(browser, url: str, repeat: int, samples: Samples, folder: Path) -> None:
    """Returning visits traced: the renderer main thread's CPU seconds for each."""
    page = new_page(browser)
    first_render(page.context.new_page(), url)  # fills the browser's cache
    for i in range(repeat):
        visit = page.context.new_page()
        visit.set_default_timeout(TIMEOUT_MS)
        trace = folder / f"trace-{i}.json"
        browser.start_tracing(page=visit, path=str(trace), categories=TRACE_CATEGORIES)
        try:
            visit.goto(url)
            wait_chart(visit)
            wait_idle(visit, after_runs=0, timeout=TIMEOUT_MS)
        finally:
            browser.stop_tracing()
            visit.close()
        samples.add("main-thread CPU, returning visitor", main_thread_cpu(trace), 0)
    page.context.close()


def first_renders(browser, url: str, repeat: int, samples: Samples) -> int:
    """First visits (fresh browser profile each) and returning visits (cached scripts)."""
    page = new_page(browser)
    seconds, received, fetched, points = first_render(page, url)
    samples.add("first render, server cold (new visitor)", seconds, received, fetched)
    page.context.close()
    for _ in range(repeat):
        page = new_page(browser)
        seconds, received, fetched, points = first_render(page, url)
        samples.add("first render, new visitor", seconds, received, fetched)
        page.context.close()
    page = new_page(browser)
    first_render(page.context.new_page(), url)  # fills the browser's cache
    for _ in range(repeat):
        seconds, received, fetched, points = first_render(page.context.new_page(), url)
        samples.add("first render, returning visitor", seconds, received, fetched)
    page.context.close()
    return points


# Stamps the user's input (the option clicked, the Enter pressed) on the page's own clock,
# so a filter change can be timed from the moment a person would have acted, not from the
# moment Playwright starts its own checks before clicking (scrolling into view, waiting for
# the element to be still, hit-testing: 0.05-0.15 s here).
INPUT_PROBE = """
for (const kind of ['pointerdown', 'keydown']) {
  document.addEventListener(kind, () => { window.__input = window.__input || performance.now(); },
                            true);
}
"""


def timed(page, wire: WireCounter, action) -> tuple[float, float, int]:
    """Seconds from just before ``action()``, and from the input it made, to the rerun it
    caused being drawn; bytes received."""
    runs = script_runs(page)
    before = wire.total
    page.evaluate("window.__input = 0")
    start = float(page.evaluate("performance.now()"))
    action()
    wait_idle(page, after_runs=runs, timeout=TIMEOUT_MS)
    done = settled_at(page)
    acted = float(page.evaluate("window.__input || 0")) or start
    return (done - start) / 1000, (done - acted) / 1000, wire.total - before


def _add(samples: Samples, name: str, timing: tuple[float, float, int]) -> None:
    from_call, from_input, received = timing
    samples.add(f"filter change: {name}", from_input, received)
    samples.add(f"filter change: {name} (from Playwright's call)", from_call, received)


def filter_changes(browser, url: str, actors: list[str], repeat: int, samples: Samples) -> None:
    """Pick and remove actors, and step the minimum source count when the app has one."""
    page = new_page(browser)
    page.context.add_init_script(INPUT_PROBE)
    page.set_default_timeout(TIMEOUT_MS)
    wire = WireCounter(page)
    try:
        page.goto(url)
        wait_chart(page)
        wait_idle(page, after_runs=0, timeout=TIMEOUT_MS)
        box = page.get_by_role("combobox", name="Actors")
        for i in range(repeat):
            name = actors[i % len(actors)]
            box.click()
            box.fill(name)
            option = page.get_by_role("option", name=name).first
            option.wait_for()
            _add(samples, "pick an actor", timed(page, wire, option.click))
            page.keyboard.press("Escape")
            remove = page.get_by_role("button", name=f"Remove {name}")
            _add(samples, "remove the actor", timed(page, wire, remove.click))
        min_sources = page.get_by_label("Minimum sources", exact=False)
        if min_sources.count():
            field_ = min_sources.first
            for i in range(repeat):
                step = lambda f=field_, v=i % 3 + 2: (f.fill(str(v)), f.press("Enter"))  # noqa: E731
                _add(samples, "minimum sources", timed(page, wire, step))
        else:
            print("(no 'Minimum sources' input in the app: not measured)", file=sys.stderr)
    finally:
        page.context.close()


def top_actors(db: Path, corpus: str, n: int) -> list[str]:
    """The ``n`` actors in most events: the ones people pick first."""
    events = Store(db).events_frame(corpus)
    return list(events["actors"].explode().value_counts().index[:n])


def report(samples: Samples, points: int, events: int, articles: int) -> str:
    """A Markdown table of median and p90 per action."""
    lines = [
        f"Store: {events:,} events, {articles:,} articles; timeline drew {points:,} points.",
        "",
        "| action | runs | median s | p90 s | target s | median kB received | median kB HTTP |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, values in samples.seconds.items():
        target = next((t for k, t in TARGETS.items() if name.startswith(k)), None)
        kb = statistics.median(samples.received[name]) / 1000
        http = samples.fetched.get(name)
        lines.append(
            f"| {name} | {len(values)} | {statistics.median(values):.2f} | "
            f"{percentile(values, 90):.2f} | {'' if target is None else target} | {kb:,.0f} | "
            f"{'' if not http else f'{statistics.median(http) / 1000:,.0f}'} |"
        )
    return "\n".join(lines)


def store_profile(db: Path, corpus: str) -> str:
    """Seconds to read each frame and its pickled size (what ``st.cache_data`` copies)."""
    store = Store(db)
    lines = [
        "| store read | rows | seconds | pickled MB | unpickle s |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in ("events_frame", "mentions_frame", "articles_frame", "actors_frame"):
        started = time.perf_counter()
        frame = getattr(store, name)(corpus)
        read = time.perf_counter() - started
        blob = pickle.dumps(frame)
        started = time.perf_counter()
        pickle.loads(blob)
        lines.append(
            f"| {name} | {len(frame):,} | {read:.2f} | {len(blob) / 1e6:.1f} | "
            f"{time.perf_counter() - started:.2f} |"
        )
    return "\n".join(lines)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="measurements per action")
    parser.add_argument("--db", type=Path, help="measure this store instead of a synthetic one")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="first renders of bench/floor_app.py (a title and one 5-point plotly chart): "
        "what Streamlit and plotly cost before the dashboard does anything",
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="also trace returning visits and report the CPU seconds of the page's main "
        "thread (what the page costs the browser, whatever else the machine runs)",
    )
    args = parser.parse_args()
    global FLOOR
    FLOOR = args.floor

    chromium = chromium_path()
    if chromium is None:
        sys.exit("bench/dashboard.py needs Chromium: apt-get install -y chromium")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    db = args.db or synthetic_store(args.events, args.articles)
    corpus = Store(db).corpora()[0]
    actors = top_actors(db, corpus, 5)
    counts = Store(db).counts(corpus)
    samples = Samples()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "streamlit.log"
        app = FLOOR_APP if args.floor else APP
        server = streamlit_server(db, log, timeout=120, app=app)
        with server as url, sync_playwright() as playwright:
            browser = launch(playwright, chromium)
            points = 0
            steps = {
                "first render": lambda: first_renders(browser, url, args.repeat, samples),
                "filter change": lambda: filter_changes(browser, url, actors, args.repeat, samples),
            }
            if args.floor:
                del steps["filter change"]
            if args.cpu:
                steps["main-thread CPU"] = lambda: traced_renders(
                    browser, url, args.repeat, samples, Path(tmp)
                )
            for name, step in steps.items():
                try:
                    points = step() or points
                except PlaywrightTimeout as exc:
                    samples.notes.append(
                        f"{name}: timed out ({TIMEOUT_MS / 1000:.0f} s per action): "
                        f"{str(exc).splitlines()[0]}"
                    )
            browser.close()
    print(report(samples, points, counts["events"], counts["articles"]))
    for note in samples.notes:
        print(f"- {note}")
    print()
    print(store_profile(db, corpus))
    print()
    print(f"load: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")


if __name__ == "__main__":
    main()

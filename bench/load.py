"""Many users at once: one Streamlit server over the seeds plus a synthetic N-article corpus,
P Playwright pages in one Chromium, half on each corpus, each filtering by an actor and then
opening an event, all at the same time.

Reports per-step latency percentiles (p50/p90/p99), page errors, pages that saw the other
corpus, and the server's memory (RSS of the streamlit process) before and after, per session.

    .venv/bin/python bench/load.py --articles 10000 --pages 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from browser_helpers import LAUNCH_ARGS, PAGE_PROBE, SCRIPT_STATE, chromium_path  # noqa: E402
from make_corpus import make_corpus  # noqa: E402

from dashboard.pipeline import run  # noqa: E402
from dashboard.store import Store  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
BIG = "synthetic"
SMALL = "seeds"


def load_store(articles: int, cache: Path = CACHE) -> Store:
    """The seeds plus an ``articles``-article synthetic corpus, built once and cached."""
    path = cache / f"load-{articles}.duckdb"
    store = Store(path)
    if path.exists() and set(store.corpora()) >= {BIG, SMALL}:
        return store
    cache.mkdir(parents=True, exist_ok=True)
    folder = cache / f"corpus-{articles}"
    if not folder.exists():
        make_corpus(articles, folder, seed=7)
    store.write_corpus(run([ROOT / "seeds"]), SMALL)
    store.write_corpus(run([folder], workers=2), BIG)
    return store


@dataclass(slots=True)
class Session:
    """What one page did and saw."""

    corpus: str
    actor: str
    event: str
    filter_s: float = 0.0
    event_s: float = 0.0
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)


def plan(store: Store, pages: int) -> list[Session]:
    """Half the pages on each corpus, each with an actor to filter by and an event to open."""
    sessions = []
    picks: dict[str, list[tuple[str, str]]] = {}
    for corpus in (SMALL, BIG):
        events = store.events_frame(corpus)
        events = events[events["actors"].map(len) > 0].nlargest(50, "source_count")
        picks[corpus] = [(str(r.actors[0]), str(r.event_id)) for r in events.itertuples()]
    for i in range(pages):
        corpus = (SMALL, BIG)[i % 2]
        actor, event = picks[corpus][(i // 2) % len(picks[corpus])]
        sessions.append(Session(corpus, actor, event))
    return sessions


async def _idle(page, floor: int) -> None:
    await page.wait_for_function(
        """([sel, floor]) => {
             const app = document.querySelector(sel);
             return app && app.getAttribute('data-test-script-state') === 'notRunning'
                    && (window.__stRuns || 0) > floor;
           }""",
        arg=[SCRIPT_STATE, floor],
        timeout=180_000,
    )


async def _open(page, url: str, expect: str) -> float:
    started = time.perf_counter()
    await page.goto(url)
    await _idle(page, 0)
    await page.get_by_text(expect).first.wait_for(timeout=180_000)
    await _idle(page, 0)
    return time.perf_counter() - started


async def drive(browser, url: str, session: Session, others: dict[str, str]) -> None:
    """Filter by the session's actor, then open its event; note errors and foreign data."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(180_000)
    await context.add_init_script(PAGE_PROBE)
    page = await context.new_page()
    page.on("pageerror", lambda exc: session.errors.append(str(exc)))
    try:
        params = {"corpus": session.corpus, "view": "Timeline", "actor": session.actor}
        session.filter_s = await _open(page, f"{url}/?{urlencode(params)}", "Event detail")
        params["event"] = session.event
        session.event_s = await _open(page, f"{url}/?{urlencode(params)}", "Event detail")
        main = await page.locator('[data-testid="stMain"]').inner_text()
        boxes = await page.locator('[data-testid="stException"]').all_inner_texts()
        session.errors.extend(boxes)
        if f"corpus '{session.corpus}'" not in main:
            session.leaks.append(f"the page does not say it shows corpus {session.corpus!r}")
        for other, marker in others.items():
            if other != session.corpus and marker in main:
                session.leaks.append(f"saw {marker!r} of corpus {other!r}")
    except Exception as exc:  # noqa: BLE001 - a failed session is a result, reported
        session.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        await context.close()


def server_rss(port: int) -> int:
    """Resident memory of the streamlit process listening on ``port`` (bytes)."""
    for proc in psutil.process_iter(["cmdline"]):
        cmd = proc.info["cmdline"] or []
        if "streamlit" in " ".join(cmd) and str(port) in cmd:
            return proc.memory_info().rss
    raise RuntimeError(f"no streamlit process on port {port}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(url: str, port: int, sessions: list[Session], markers: dict[str, str]) -> dict:
    from playwright.async_api import async_playwright

    chromium = chromium_path()
    if chromium is None:
        raise RuntimeError("Chromium is not installed (/usr/bin/chromium)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=list(LAUNCH_ARGS)
        )
        # One warm-up session per corpus, so the figures are of a running app, not a cold one.
        warm = [Session(s.corpus, s.actor, s.event) for s in sessions[:2]]
        await asyncio.gather(*(drive(browser, url, s, markers) for s in warm))
        before = server_rss(port)
        started = time.perf_counter()
        await asyncio.gather(*(drive(browser, url, s, markers) for s in sessions))
        wall = time.perf_counter() - started
        after = server_rss(port)
        await browser.close()
    steps = [s.filter_s for s in sessions] + [s.event_s for s in sessions]
    return {
        "pages": len(sessions),
        "wall_s": round(wall, 2),
        "p50_s": round(statistics.median(steps), 2),
        "p90_s": round(percentile(steps, 0.9), 2),
        "p99_s": round(percentile(steps, 0.99), 2),
        "rss_before_mb": round(before / 2**20),
        "rss_after_mb": round(after / 2**20),
        "rss_per_session_mb": round((after - before) / 2**20 / len(sessions), 1),
        "errors": [e for s in sessions for e in s.errors],
        "leaks": [x for s in sessions for x in s.leaks],
        "sessions": [asdict(s) for s in sessions],
    }


def markers_of(store: Store) -> dict[str, str]:
    """A text only each corpus shows: its name in the page's caption."""
    return {name: f"corpus '{name}'" for name in (SMALL, BIG)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args(argv)
    from browser_helpers import streamlit_server

    store = load_store(args.articles)
    sessions = plan(store, args.pages)
    log = CACHE / "load-streamlit.log"
    with streamlit_server(store.path, log, timeout=120) as url:
        port = int(url.rsplit(":", 1)[1])
        result = asyncio.run(measure(url, port, sessions, markers_of(store)))
    summary = {k: v for k, v in result.items() if k != "sessions"}
    summary["articles"] = args.articles
    print(json.dumps(summary, indent=1))
    return 1 if result["errors"] or result["leaks"] else 0


if __name__ == "__main__":
    raise SystemExit(main())

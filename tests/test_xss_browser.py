"""Article text never reaches the page as markup, checked in a real browser.

An article (and its manifest row) full of script tags, event-handler attributes, `javascript:`
links, markdown links and images and an HTML block is built into a store and served; every
view and every event's detail is opened in Chromium. A script that ran would set
window.__xss; an image, frame or link that was rendered would request something from the
pixel server on 127.0.0.1. Neither may happen, and the raw text must be shown as text.
Without Chromium these tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest
from browser_helpers import (
    TIMELINE_FRAME,
    ServerFailed,
    exceptions_on_page,
    new_page,
    streamlit_server,
    wait_idle,
    wait_timeline,
)

from dashboard.pipeline import run
from dashboard.store import Store

CORPUS = "hostile"
VIEWS = ("Timeline", "Sources", "Actors", "Table", "Upcoming")


class PixelServer:
    """Counts every request made to it (nothing on the page may reach it)."""

    def __init__(self) -> None:
        requests: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/gif")
                self.end_headers()
                self.wfile.write(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")

            def log_message(self, *args: object) -> None:
                pass

        self.requests = requests
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def hostile_lines(pixel: str) -> list[str]:
    return [
        "Officials said on Monday that talks will resume <script>window.__xss=1</script> "
        "next week in Geneva.",
        'The minister said on Tuesday the deal <img src=x onerror="window.__xss=2"> would be '
        "signed on March 3.",
        "Jane Doe said on Wednesday that [the full report](javascript:window.__xss=3) will be "
        "published on Friday.",
        f"John Smith said on Thursday that ![pixel]({pixel}/md.png) and [source]({pixel}/link) "
        "were released on March 5.",
        f'The agency said on March 6 <div><img src="{pixel}/block.png"><iframe '
        f'src="{pixel}/frame"></iframe></div> it will report next month.',
        f'<a href="javascript:window.__xss=6">Read more</a> <svg onload="window.__xss=7"> '
        f"<style>body{{background:url({pixel}/css.png)}}</style> said officials on Friday.",
    ]


@pytest.fixture(scope="module")
def pixel() -> Iterator[PixelServer]:
    server = PixelServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def lines(pixel: PixelServer) -> list[str]:
    return hostile_lines(pixel.url)


@pytest.fixture(scope="module")
def store(tmp_path_factory, pixel: PixelServer, lines: list[str]) -> Store:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "a.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "manifest.csv").write_text(
        "file,outlet,published,title,authors,url\n"
        'a.txt,"Wire <b>Daily</b>",2025-03-01,"Talks <script>window.__xss=4</script> resume",'
        ",javascript:window.__xss=5\n",
        encoding="utf-8",
    )
    store = Store(folder / "storyline.duckdb")
    store.write_corpus(run([folder]), CORPUS)
    return store


@pytest.fixture(scope="module")
def app_url(store: Store, browser) -> Iterator[str]:
    try:
        with streamlit_server(store.path, store.path.with_name("streamlit.log")) as url:
            yield url
    except ServerFailed as exc:
        pytest.fail(str(exc))


# Every link or resource address on the page (HTML and SVG, where plotly draws its text)
# that would run script, load from the pixel server or is a link an article put there.
# The page's document and those of its same-origin frames (the timeline is drawn in one).
DOCUMENTS = """[document, ...[...document.querySelectorAll('iframe')]
  .map(f => { try { return f.contentDocument; } catch (e) { return null; } })
  .filter(d => d)]"""
LINK_TARGETS = f"""
{DOCUMENTS}.flatMap(d => [...d.querySelectorAll('*')]).flatMap(e => ['href', 'xlink:href',
  'src', 'action', 'formaction', 'data', 'srcdoc'].map(a => e.getAttribute(a))
  .filter(v => v !== null))
  .filter(v => /^\\s*(javascript|vbscript|data):/i.test(v) || v.includes(PIXEL))
"""
# window.__xss of the page or of any of its frames: what a script from an article would set.
XSS_FLAG = f"{DOCUMENTS}.map(d => d.defaultView && d.defaultView.__xss).find(v => v != null)"


def open_view(
    browser, url: str, pixel: str, expect: str = "Storyline"
) -> tuple[str, object, list[str]]:
    """Open ``url``; return the main area's text, window.__xss and the javascript: hrefs."""
    page = new_page(browser)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(url)
        wait_idle(page, after_runs=0)
        page.get_by_text(expect).first.wait_for()  # the app may rerun once to sync the URL
        wait_idle(page)
        if page.locator(TIMELINE_FRAME).count():
            wait_timeline(page)  # drawn in its frame, after the page's run
        page.wait_for_timeout(300)  # a script or image would have acted by now
        assert not exceptions_on_page(page), exceptions_on_page(page)
        text = page.locator('[data-testid="stMain"]').inner_text()
        flag = page.evaluate(XSS_FLAG)
        hrefs = page.evaluate(f"(PIXEL => {LINK_TARGETS})", pixel)
        assert errors == [], errors
        return text, flag, hrefs
    finally:
        page.context.close()


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_hostile_article_became_events(store: Store, lines: list[str]) -> None:
    sentences = store.mentions_frame(CORPUS)["sentence"].map(flat).tolist()
    for line in lines[:5]:
        assert flat(line) in sentences


@pytest.mark.parametrize("view", VIEWS)
def test_no_markup_from_articles_runs_or_loads_in_any_view(
    browser, app_url, pixel: PixelServer, view: str
) -> None:
    url = f"{app_url}/?{urlencode({'corpus': CORPUS, 'view': view})}"
    text, flag, hrefs = open_view(browser, url, pixel.url)
    assert flag is None, f"{view}: a script from an article ran (window.__xss={flag})"
    assert hrefs == [], f"{view}: javascript: links on the page"
    assert pixel.requests == [], f"{view}: the page requested {pixel.requests}"


def test_event_detail_shows_every_hostile_sentence_as_plain_text(
    browser, app_url, pixel: PixelServer, store: Store, lines: list[str]
) -> None:
    mentions = store.mentions_frame(CORPUS)
    for line in lines[:5]:
        event_id = mentions.loc[mentions["sentence"].map(flat) == flat(line), "event_id"].iloc[0]
        params = {"corpus": CORPUS, "view": "Timeline", "event": event_id}
        text, flag, hrefs = open_view(
            browser, f"{app_url}/?{urlencode(params)}", pixel.url, expect=line.split(" on ")[0]
        )
        assert flag is None, f"a script ran in the detail of {line[:40]!r}"
        assert hrefs == []
        assert pixel.requests == [], pixel.requests
        assert flat(line) in flat(text), f"{line!r} is not shown as plain text"

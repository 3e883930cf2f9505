"""Fetching URLs: polite, cached, and never a way into the operator's network.

Every server here listens on 127.0.0.1 only; no test touches the internet.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dashboard import fetch
from dashboard.fetch import FetchError, check_address

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "tests" / "pages" / "article_tag.html").read_bytes()


class Handler(BaseHTTPRequestHandler):
    hits: Counter[str] = Counter()

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        Handler.hits[self.path] += 1
        port = self.server.server_address[1]
        if self.path == "/article":
            self._send(200, PAGE)
        elif self.path == "/moved":
            self._redirect("/article")
        elif self.path == "/to-loopback":
            self._redirect(f"http://127.0.0.1:{port}/article")
        elif self.path == "/big":
            self._send(200, b"x" * 50_000)
        elif self.path == "/error":
            self._send(500, b"oops")
        elif self.path == "/slow":
            time.sleep(1.5)
            self._send(200, PAGE)
        else:
            self._send(404, b"not here")

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """No pauses between tries and requests; a short timeout; a small size limit."""
    monkeypatch.setattr(fetch, "BACKOFF_S", 0.0)
    monkeypatch.setattr(fetch, "HOST_DELAY_S", 0.0)
    monkeypatch.setattr(fetch, "TIMEOUT_S", 0.5)
    monkeypatch.setattr(fetch, "MAX_BYTES", 20_000)
    monkeypatch.delenv(fetch.ALLOW_PRIVATE_ENV, raising=False)
    monkeypatch.delenv(fetch.HOSTED_ENV, raising=False)


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.5", "192.168.1.1", "169.254.10.10", "0.0.0.0",
     "224.0.0.1", "100.64.0.1", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "240.0.0.1"],
)  # fmt: skip
def test_non_public_addresses_are_refused(address: str) -> None:
    with pytest.raises(FetchError) as refused:
        check_address(address)
    assert refused.value.reason == "refused address"


def test_public_addresses_pass_and_metadata_addresses_never_do() -> None:
    check_address("93.184.216.34")
    check_address("2606:4700:4700::1111")
    for metadata in ("169.254.169.254", "fd00:ec2::254"):
        with pytest.raises(FetchError):
            check_address(metadata, allow_private=True)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://x/"])
def test_only_http_and_https(url: str, tmp_path: Path) -> None:
    with pytest.raises(FetchError) as refused:
        fetch.fetch(url, tmp_path)
    assert refused.value.reason == "scheme"


def test_a_loopback_server_is_refused_by_default(server: str, tmp_path: Path) -> None:
    before = Handler.hits["/article"]
    with pytest.raises(FetchError, match="not a public address"):
        fetch.fetch(f"{server}/article", tmp_path)
    assert Handler.hits["/article"] == before  # refused before any connection


def test_allowed_private_fetch_is_cached_and_not_repeated(server: str, tmp_path: Path) -> None:
    before = Handler.hits["/moved"]
    first = fetch.fetch(f"{server}/moved", tmp_path, allow_private=True)
    assert not first.cached and first.final_url == f"{server}/article"
    assert first.path.read_bytes() == PAGE
    again = fetch.fetch(f"{server}/moved", tmp_path, allow_private=True)
    assert again.cached and again.path == first.path
    assert Handler.hits["/moved"] == before + 1


def test_a_redirect_to_a_private_address_is_refused(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A public-looking name that redirects to 127.0.0.1: the redirect target is checked."""
    port = int(server.rsplit(":", 1)[1])
    real = fetch.resolve

    def resolve(url: str, *, allow_private: bool = False):
        if "news.example" in url:  # stands for a public host, served here
            return "http", "news.example", port, "127.0.0.1"
        return real(url, allow_private=allow_private)

    monkeypatch.setattr(fetch, "resolve", resolve)
    ok = fetch.fetch(f"http://news.example:{port}/article", tmp_path / "a")
    assert ok.path.read_bytes() == PAGE
    with pytest.raises(FetchError, match="not a public address"):
        fetch.fetch(f"http://news.example:{port}/to-loopback", tmp_path / "b")


@pytest.mark.parametrize(
    ("path", "reason", "tries"),
    [
        ("/missing", "http 404", 1),
        ("/error", "http 500", 1 + fetch.RETRIES),
        ("/slow", "timeout", None),
    ],
)
def test_failures_name_the_url_and_the_reason(server, tmp_path, path, reason, tries) -> None:
    before = Handler.hits[path]
    with pytest.raises(FetchError) as failed:
        fetch.fetch(f"{server}{path}", tmp_path, allow_private=True)
    assert failed.value.reason == reason and path in str(failed.value)
    if tries is not None:
        assert Handler.hits[path] - before == tries
    assert not list(tmp_path.glob("*.html"))


def test_bodies_over_the_limit_are_not_kept(server: str, tmp_path: Path) -> None:
    with pytest.raises(FetchError) as failed:
        fetch.fetch(f"{server}/big", tmp_path, allow_private=True)
    assert failed.value.reason == "too large"
    assert not list(tmp_path.glob("*.html"))


def test_a_hosted_deployment_fetches_nothing(server, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(fetch.HOSTED_ENV, "1")
    with pytest.raises(FetchError) as off:
        fetch.fetch(f"{server}/article", tmp_path, allow_private=True)
    assert off.value.reason == "fetching off"


def test_storyline_build_fetches_urls_and_a_urls_file_then_uses_its_cache(
    server: str, tmp_path: Path
) -> None:
    links = tmp_path / "links.urls"
    links.write_text(f"# a comment\n{server}/article\n\n{server}/missing\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), fetch.ALLOW_PRIVATE_ENV: "1"}
    env.pop(fetch.HOSTED_ENV, None)
    command = [sys.executable, "-m", "dashboard", "build", str(links), f"{server}/error"]
    command += ["--db", str(tmp_path / "s.duckdb")]
    before = Handler.hits["/article"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "articles: 1" in result.stdout or "1 new" in result.stdout
    assert f"{server}/missing: {server}/missing: HTTP 404" in result.stderr
    assert "http 500" in result.stderr  # counted in the summary by reason
    assert Handler.hits["/article"] == before + 1
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert again.returncode == 0, again.stderr
    assert Handler.hits["/article"] == before + 1  # the page came from the cache
    from dashboard.store import Store

    urls = Store(tmp_path / "s.duckdb").articles_frame("seeds")["url"].tolist()
    assert urls == [f"{server}/article"]


def test_fetch_links_reads_feed_entries_from_their_pages(server: str, tmp_path: Path) -> None:
    feed = tmp_path / "wire.rss"
    feed.write_text(
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Test Wire</title>
<item><title>Ferry terminal stays shut</title><link>{server}/article</link>
<pubDate>Thu, 14 Mar 2024 08:00:00 GMT</pubDate><description>Short summary.</description></item>
<item><title>Gone</title><link>{server}/missing</link><description>x</description></item>
</channel></rss>""",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), fetch.ALLOW_PRIVATE_ENV: "1"}
    env.pop(fetch.HOSTED_ENV, None)
    db = tmp_path / "f.duckdb"
    command = [sys.executable, "-m", "dashboard", "build", str(feed), "--fetch-links"]
    result = subprocess.run(
        [*command, "--db", str(db)], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert f"{server}/missing" in result.stderr and "HTTP 404" in result.stderr
    from dashboard.store import Store

    store = Store(db)
    (article,) = store.articles_frame("seeds").itertuples()
    assert article.outlet == "Test Wire" and article.title == "Ferry terminal stays shut"
    assert str(article.published)[:10] == "2024-03-14" and article.url == f"{server}/article"
    text = store.article_text("seeds", article.article_id)
    assert "northern ferry terminal would stay closed" in text  # the page, not the summary

"""Run the Streamlit app as a real server and drive it from Debian's Chromium.

Shared by tests/test_browser.py and bench/dashboard.py. Playwright is told where the system
Chromium lives; it never downloads a browser.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"

# Launch flags measured to work as root with no network (see /work/shared/STACK-NOTES.md):
# without the background-networking ones Chromium keeps trying to reach its own services.
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# Counts every finished script run of the page (and stamps when the last one finished), so a
# caller can wait for the rerun its interaction caused, and stamps the last change inside any
# plotly chart, so a caller can tell when drawing stopped. Stamps are performance.now():
# milliseconds since the page's navigation started.
# A run is seen to finish by the dashboard's run marker (RUN_MARKER, written last by every
# run with a new number): Streamlit's data-test-script-state attribute can go to "running"
# and back within one render when a rerun is fast (a cached figure), and then changes not
# at all; counting its changes missed such reruns and the harness waited 60 s for them.
# Pages without the marker (bench/floor_app.py) are counted by that attribute.
PAGE_PROBE = """
(() => {
  window.__stRuns = 0;  // changes of data-test-script-state to notRunning
  window.__stMarks = 0;  // new numbers in the run marker
  window.__stDone = 0;
  window.__plotChanged = 0;
  let lastMark = null;
  window.__stRunCount = () =>
    document.querySelector('.sl-run') ? window.__stMarks : window.__stRuns;
  const checkMark = () => {
    const mark = document.querySelector('.sl-run');
    const run = mark && mark.getAttribute('data-run');
    if (run && run !== lastMark) {
      lastMark = run;
      window.__stMarks += 1;
      window.__stDone = performance.now();
    }
  };
  const observer = new MutationObserver((records) => {
    checkMark();
    for (const r of records) {
      const el = r.target;
      if (r.type === 'attributes' && r.attributeName === 'data-test-script-state') {
        if (el.getAttribute('data-test-script-state') === 'notRunning') {
          window.__stRuns += 1;
          window.__stDone = performance.now();
        }
      } else if (el.closest && el.closest('.js-plotly-plot')) {
        window.__plotChanged = performance.now();
      }
      for (const node of r.addedNodes || []) {
        if (node.tagName === 'IFRAME') watchFrame(node);
        else if (node.querySelectorAll) node.querySelectorAll('iframe').forEach(watchFrame);
      }
    }
  });
  // A component's frame (the timeline's) is of the same origin: its document is watched by
  // the same observer, on this page's clock. Init scripts do not run again in a frame's
  // document that replaces its first, blank one, and its load event can come after the
  // chart is drawn: the frame is polled for its new document until a while after it loads.
  const options = {subtree: true, childList: true, attributes: true};
  const watchFrame = (frame) => {
    let seen = null;
    const watch = () => {
      try {
        const doc = frame.contentDocument;
        if (doc && doc !== seen && doc.documentElement) {
          seen = doc;
          observer.observe(doc.documentElement, options);
        }
      } catch (e) { /* another origin: not ours to watch */ }
    };
    const poll = setInterval(watch, 5);
    frame.addEventListener('load', () => { watch(); setTimeout(() => clearInterval(poll), 3000); });
    watch();
  };
  const start = () => observer.observe(document.documentElement, options);
  if (document.documentElement) start(); else document.addEventListener('readystatechange', start);
})();
"""

SCRIPT_STATE = '[data-testid="stApp"]'
# What dashboard/app.py writes last on every run: <span class="sl-run" data-run="N" hidden>.
RUN_MARKER = ".sl-run"
# Charts drawn by st.plotly_chart (the Sources view).
PLOT = '[data-testid="stPlotlyChart"] .js-plotly-plot'
# The timeline is drawn in its component's frame (dashboard/static/timeline/),
# served from the app's own origin, so the page can reach into it.
TIMELINE_FRAME = 'iframe[title="dashboard.views.timeline.timeline"]'
TIMELINE_JS = (
    "(() => { const f = document.querySelector('" + TIMELINE_FRAME + "');"
    " const d = f && f.contentDocument;"
    " return d ? d.querySelector('.js-plotly-plot') : null; })()"
)


def chromium_path() -> Path | None:
    """Debian's Chromium, or None when it is not installed."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return None


def free_port() -> int:
    """A TCP port nobody is listening on right now (on 127.0.0.1)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerFailed(RuntimeError):
    """The Streamlit server did not come up."""


@contextmanager
def streamlit_server(
    db: Path,
    log: Path,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = 60.0,
    app: Path = APP,
) -> Iterator[str]:
    """Serve ``app`` (dashboard/app.py) over the store ``db`` on a free local port; yield its
    URL."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    full_env = {**os.environ, **(env or {}), "STORYLINE_DB": str(db)}
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, proc, log, timeout)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerFailed(f"streamlit exited with {proc.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise ServerFailed(f"{url}/_stcore/health did not answer in {timeout:.0f} s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def launch(playwright, executable: Path) -> Browser:
    """Chromium at ``executable``, headless, with the flags that work here."""
    return playwright.chromium.launch(
        executable_path=str(executable), headless=True, args=list(LAUNCH_ARGS)
    )


def new_page(browser: Browser, *, color_scheme: str = "light") -> Page:
    """A fresh page (own context) with the run/plot probe installed."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, color_scheme=color_scheme
    )
    context.set_default_timeout(30_000)
    context.add_init_script(PAGE_PROBE)
    return context.new_page()


def script_runs(page: Page) -> int:
    """How many script runs the page has seen finish (by the run marker where there is one)."""
    return int(page.evaluate("window.__stRunCount ? window.__stRunCount() : 0"))


def wait_idle(page: Page, after_runs: int | None = None, timeout: float = 30_000) -> None:
    """Wait until the app's script is not running (and, if given, has run ``after_runs``+1
    times); then until no plotly chart has changed for a short quiet spell."""
    floor = -1 if after_runs is None else after_runs
    page.wait_for_function(
        """([sel, floor]) => {
             const app = document.querySelector(sel);
             return app && app.getAttribute('data-test-script-state') === 'notRunning'
                    && (window.__stRunCount ? window.__stRunCount() : 0) > floor;
           }""",
        arg=[SCRIPT_STATE, floor],
        timeout=timeout,
    )
    wait_plots_quiet(page, timeout=timeout)


def wait_plots_quiet(page: Page, quiet_ms: int = 250, timeout: float = 30_000) -> None:
    """Wait until no plotly chart has changed for ``quiet_ms`` milliseconds."""
    page.wait_for_function(
        "(q) => performance.now() - (window.__plotChanged || 0) > q", arg=quiet_ms, timeout=timeout
    )


def wait_timeline(page: Page, timeout: float = 30_000) -> None:
    """Wait until the timeline is drawn with its data."""
    page.wait_for_function(
        f"(() => {{ const gd = {TIMELINE_JS}; return !!(gd && gd._fullData"
        " && gd._fullData.length > 0); })()",
        timeout=timeout,
    )


def plot_point_count(page: Page) -> int:
    """Data points drawn on the timeline (every visible trace's length)."""
    return int(
        page.evaluate(
            f"""() => {{
                 const gd = {TIMELINE_JS};
                 if (!gd || !gd._fullData) return -1;
                 return gd._fullData.filter(t => t.visible === true)
                   .reduce((n, t) => n + (t._length ?? (t.x ? t.x.length : 0)), 0);
               }}"""
        )
    )


def exceptions_on_page(page: Page) -> list[str]:
    """Text of every Streamlit exception box shown on the page."""
    return page.locator('[data-testid="stException"]').all_inner_texts()

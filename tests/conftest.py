"""Shared fixtures: the seed corpus built once per test session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_DATA = ROOT.parent / "shared" / "data"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_shared_data(name: str) -> Path:
    """A corpus from ../shared/data: skipped outside CI when missing, a failure under CI."""
    path = SHARED_DATA / name
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is missing: CI must run beside ../shared/data")
        pytest.skip(f"{path} not available outside CI")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture()
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed folder."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def seed_corpus():
    """The seeds run through the whole pipeline (once per session)."""
    from dashboard.pipeline import run

    return run([SEEDS])


@pytest.fixture(scope="session")
def seed_store(seed_corpus, tmp_path_factory):
    """A store holding the seed corpus under the name 'seeds'."""
    from dashboard.store import Store

    store = Store(tmp_path_factory.mktemp("store") / "storyline.duckdb")
    store.write_corpus(seed_corpus, "seeds")
    return store


def browser_unavailable(why: str) -> None:
    """Browser tests skip without Chromium or Playwright, except under CI, where they fail."""
    if IN_CI:
        pytest.fail(f"{why}: CI must provide it (.ci/run installs chromium)")
    pytest.skip(f"{why}; browser tests need it")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, one per test module."""
    from browser_helpers import chromium_path, launch

    chromium = chromium_path()
    if chromium is None:
        browser_unavailable("Chromium is not installed (/usr/bin/chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("Playwright for Python is not installed")
    with sync_playwright() as playwright:
        browser = launch(playwright, chromium)
        yield browser
        browser.close()

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

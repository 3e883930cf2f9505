"""A full disk: a build that runs out of space says so and leaves the old store whole.

The store lives on a small tmpfs mounted by the test (needs root, as on CI). The seed store
(about 3 MB) fits twice (a rebuild writes the new file beside the old); a bigger corpus does not.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.store import Store

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT / "bench"))

from make_corpus import make_corpus  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SIZE = "7m"


def storyline_build(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("STORYLINE_CRASH_AT", None)
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "build", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 7 MB tmpfs, unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        message = f"cannot mount a {SIZE} tmpfs (needs root): {result.stderr.strip()}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_build_that_runs_out_of_space_fails_clearly_and_keeps_the_old_store(
    small_disk: Path, tmp_path: Path
) -> None:
    db = small_disk / "storyline.duckdb"
    first = storyline_build(ROOT / "seeds", "--db", db, "--corpus", "seeds")
    assert first.returncode == 0, first.stderr
    store = Store(db)
    before = {"corpora": store.corpora(), "seeds": store.counts("seeds")}
    assert before["seeds"]["articles"] == 5
    stored = db.read_bytes()

    make_corpus(1500, tmp_path / "big", seed=5)
    second = storyline_build(tmp_path / "big", "--db", db, "--corpus", "big")
    assert second.returncode == 1, second.stdout + second.stderr
    last = second.stderr.strip().splitlines()[-1]
    assert str(db) in last
    assert "No space left on device" in last
    assert "Traceback" not in second.stderr
    # a build from nothing writes its working files beside the store: gone with the build
    assert not [p.name for p in small_disk.iterdir() if ".spill-" in p.name]

    assert db.read_bytes() == stored
    assert {"corpora": store.corpora(), "seeds": store.counts("seeds")} == before
    assert sorted(p.name for p in small_disk.iterdir()) == [db.name, db.name + ".lock"]
    # The next build that fits completes.
    third = storyline_build(ROOT / "seeds", "--db", db, "--corpus", "seeds")
    assert third.returncode == 0, third.stderr
    assert store.counts("seeds") == before["seeds"]

"""Safe builds: a build killed with SIGKILL at any point leaves the previous store readable
and whole, the next build finishes the job, and two builds never write at once.

Crashes at named points use the test-only hook STORYLINE_CRASH_AT=<point> (see
dashboard.store.CRASH_POINTS): the build kills itself with SIGKILL when it gets there.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.pipeline import run
from dashboard.store import CRASH_ENV, CRASH_POINTS, Store

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT / "bench"))

from make_corpus import make_corpus  # noqa: E402


def command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "dashboard", "build", *map(str, args)]


def environment() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(CRASH_ENV, None)
    return env


def _main_in_child(argv: list[str], crash_at: str | None) -> None:
    if crash_at:
        os.environ[CRASH_ENV] = crash_at
    else:
        os.environ.pop(CRASH_ENV, None)
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - the child exits here
    raise SystemExit(main(["build", *argv]))


def build(*args: str | Path, crash_at: str | None = None) -> int:
    """`storyline build ARGS` in a forked child (the modules are loaded already, so it is
    fast); returns its exit code, -9 when it was killed."""
    child = multiprocessing.get_context("fork").Process(
        target=_main_in_child, args=([str(a) for a in args], crash_at)
    )
    child.start()
    child.join(timeout=300)
    assert child.exitcode is not None, "the build hung"
    return child.exitcode


@pytest.fixture(scope="module")
def batches(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("faults")
    make_corpus(25, root / "a", seed=21)
    make_corpus(25, root / "b", seed=22)
    return {"a": root / "a", "b": root / "b", "root": root}


@pytest.fixture(scope="module")
def expected(batches) -> dict[str, int]:
    """Row counts of a clean build of both batches."""
    store = Store(batches["root"] / "expected.duckdb")
    store.write_corpus(run([batches["a"], batches["b"]]), "c")
    return store.counts("c")


@pytest.fixture(scope="module")
def template(batches) -> Path:
    """A store holding batch A as corpus 'c' and the seeds as 'seeds'."""
    store = Store(batches["root"] / "template.duckdb")
    store.write_corpus(run([batches["a"]]), "c")
    store.write_corpus(run([ROOT / "seeds"]), "seeds")
    return store.path


@pytest.fixture()
def store(template: Path, tmp_path: Path) -> Store:
    shutil.copy(template, tmp_path / "s.duckdb")
    return Store(tmp_path / "s.duckdb")


def snapshot(store: Store) -> dict[str, object]:
    return {
        "corpora": store.corpora(),
        "c": store.counts("c"),
        "seeds": store.counts("seeds"),
        "events": store.events_frame("c")["event_id"].tolist(),
    }


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_build_killed_at_any_stage_leaves_the_old_store_and_the_next_build_finishes(
    point: str, batches, expected, store: Store
) -> None:
    before = snapshot(store)
    args = (batches["a"], batches["b"], "--db", store.path, "--corpus", "c")
    assert build(*args, crash_at=point) == -signal.SIGKILL
    assert snapshot(store) == before
    assert build(*args) == 0
    assert store.counts("c") == expected
    assert store.counts("seeds") == before["seeds"]
    # neither a half-written store nor the killed build's spills (dashboard/stream.py)
    leftovers = [
        p.name
        for p in store.path.parent.iterdir()
        if p.name.endswith(".tmp") or ".spill-" in p.name
    ]
    assert leftovers == []


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_first_build_killed_at_any_stage_leaves_no_spills_and_the_next_one_finishes(
    point: str, batches, expected, store: Store
) -> None:
    """A corpus built from nothing keeps its stages' records on disk beside the store
    (dashboard/stream.py): killed anywhere, it leaves the store as it was, and the next build
    clears what it left and makes the corpus a clean build makes."""
    before = snapshot(store)
    args = (batches["a"], batches["b"], "--db", store.path, "--corpus", "fresh")
    assert build(*args, crash_at=point) == -signal.SIGKILL
    assert snapshot(store) == before and "fresh" not in store.corpora()
    if point in ("temporal", "actors", "events", "cluster"):
        assert [p for p in store.path.parent.iterdir() if ".spill-" in p.name]
    assert build(*args) == 0
    assert store.counts("fresh") == expected
    assert snapshot(store) == before | {"corpora": [*before["corpora"], "fresh"]}
    assert not [p for p in store.path.parent.iterdir() if ".spill-" in p.name]


@pytest.mark.parametrize("delay", [0.7, 1.3, 1.6])
def test_a_build_killed_from_outside_leaves_a_whole_store(
    delay: float, batches, expected, store: Store
) -> None:
    before = snapshot(store)
    process = subprocess.Popen(
        command(batches["a"], batches["b"], "--db", store.path, "--corpus", "c"),
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    after = snapshot(store)
    # Killed before the rename: the old store; after it: the new one. Never anything else.
    assert after == before or (after["c"] == expected and after["seeds"] == before["seeds"])
    assert build(batches["b"], "--db", store.path, "--corpus", "c") == 0
    assert store.counts("c") == expected


def test_a_second_build_fails_clearly_with_no_wait(store: Store, batches) -> None:
    before = snapshot(store)
    with store.lock():
        result = subprocess.run(
            command(batches["b"], "--db", store.path, "--corpus", "c", "--no-wait"),
            env=environment(),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert "another build is writing" in result.stderr
    assert snapshot(store) == before


def test_a_second_build_waits_for_the_first(store: Store, batches, expected) -> None:
    with store.lock():
        process = subprocess.Popen(
            command(batches["b"], "--db", store.path, "--corpus", "c"),
            env=environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        first = process.stderr.readline()  # the build says so before it waits
        assert "waiting for another build" in first
        time.sleep(0.5)
        assert process.poll() is None  # still waiting for the lock
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert store.counts("c") == expected


def test_stale_files_of_a_killed_writer_are_cleared(store: Store) -> None:
    stale = store.path.with_name(f".{store.path.name}.999999.tmp")
    stale.write_bytes(b"half a store")
    store.delete_corpus("seeds")
    assert not stale.exists()
    assert store.corpora() == ["c"]


TRIALS = 20


def _kill_after(delay: float, args: tuple[str | Path, ...]) -> int:
    """Start a forked build and SIGKILL it from outside after ``delay`` seconds (if it is
    still running); returns its exit code."""
    child = multiprocessing.get_context("fork").Process(
        target=_main_in_child, args=([str(a) for a in args], None)
    )
    child.start()
    child.join(timeout=delay)
    if child.exitcode is None:
        os.kill(child.pid, signal.SIGKILL)
        child.join(timeout=60)
    assert child.exitcode is not None, "the build could not be killed"
    return child.exitcode


def test_twenty_builds_killed_at_random_points_never_lose_the_old_store(
    batches, expected, template: Path, tmp_path: Path
) -> None:
    """Seeded random trials: each kills a build either at a random crash point or from
    outside after a random fraction of a clean build's duration; the store is always the
    old one or the finished new one, and the next build completes."""
    rng = random.Random(20260226)
    path = tmp_path / "s.duckdb"
    args = (batches["a"], batches["b"], "--db", path, "--corpus", "c")
    shutil.copy(template, path)
    started = time.perf_counter()
    assert build(*args) == 0
    duration = time.perf_counter() - started
    killed = 0
    for trial in range(TRIALS):
        shutil.copy(template, path)
        store = Store(path)
        before = snapshot(store)
        if rng.random() < 0.5:
            point = rng.choice(CRASH_POINTS)
            code = build(*args, crash_at=point)
            where = f"crash point {point}"
        else:
            delay = rng.uniform(0.05, 1.1) * duration
            code = _kill_after(delay, args)
            where = f"kill after {delay:.2f} s of a {duration:.2f} s build"
        killed += code == -signal.SIGKILL
        after = snapshot(store)
        finished = after["c"] == expected and after["seeds"] == before["seeds"]
        assert after == before or finished, f"trial {trial} ({where}): the store changed"
        assert build(*args) == 0, f"trial {trial} ({where}): the next build failed"
        assert store.counts("c") == expected
        assert store.counts("seeds") == before["seeds"]
        assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert killed >= TRIALS * 3 // 4, f"only {killed} of {TRIALS} builds were really killed"

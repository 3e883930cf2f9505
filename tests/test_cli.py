"""The command line, run as a user would: in a subprocess, on a temporary folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.store import Store

ROOT = Path(__file__).resolve().parent.parent


def storyline(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("STORYLINE_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A folder where `storyline build seeds` has run into the default store."""
    work = tmp_path_factory.mktemp("cli")
    shutil.copytree(ROOT / "seeds", work / "seeds")
    result = storyline("build", "seeds", cwd=work)
    assert result.returncode == 0, result.stderr
    assert (work / "data" / "storyline.duckdb").exists()
    return work


def test_build_reports_stage_counts_and_timings(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    result = storyline("build", "seeds", "--db", tmp_path / "x.duckdb", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for stage in ("ingest", "temporal", "actors", "events", "cluster"):
        assert stage in result.stdout
    assert "articles: 5" in result.stdout


def test_a_build_held_in_memory_stores_what_a_spilled_build_stores(tmp_path: Path) -> None:
    """--in-memory builds a new corpus the way incremental builds run (pipeline.run); by
    default a new corpus is built with its records on disk (dashboard/stream.py)."""
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    for name, extra in (("disk", []), ("memory", ["--in-memory"])):
        result = storyline(
            "build", "seeds", "--db", tmp_path / f"{name}.duckdb", *extra, cwd=tmp_path
        )
        assert result.returncode == 0, result.stderr
    disk, memory = Store(tmp_path / "disk.duckdb"), Store(tmp_path / "memory.duckdb")
    assert disk.counts("seeds") == memory.counts("seeds")
    for frame in ("events_frame", "mentions_frame", "actors_frame", "articles_frame"):
        a, b = getattr(disk, frame)("seeds"), getattr(memory, frame)("seeds")
        assert a.astype(str).equals(b.astype(str)), frame
    assert not [p for p in tmp_path.iterdir() if ".spill-" in p.name]


def test_export_json_has_the_stable_fields_and_dates_from_the_publication_day(
    built: Path,
) -> None:
    result = storyline("export", "--format", "json", cwd=built)
    assert result.returncode == 0, result.stderr
    events = json.loads(result.stdout)
    assert events
    fields = {
        "event_id",
        "date",
        "earliest",
        "latest",
        "granularity",
        "status",
        "actors",
        "summary",
        "source_count",
        "sources",
        "mentions",
    }
    for event in events:
        assert fields <= set(event)
        for mention in event["mentions"]:
            assert {"article_id", "sentence", "start", "end"} <= set(mention)
    dates = {e["date"] for e in events}
    # Relative dates resolve against the publication day, 2025-02-26 (a Wednesday):
    # "on Friday" with "will visit" is 2025-02-28.
    assert "2025-02-26" in dates and "2025-02-28" in dates
    friday = [e for e in events if e["date"] == "2025-02-28"]
    assert any(e["status"] == "scheduled" for e in friday)


def test_export_csv_to_a_file(built: Path) -> None:
    out = built / "events.csv"
    result = storyline("export", "--format", "csv", "-o", out, cwd=built)
    assert result.returncode == 0, result.stderr
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert "event_id" in header and "source_count" in header


def test_bad_files_are_named_and_the_rest_builds(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(ROOT / "seeds", folder)
    (folder / "empty.txt").write_text("")
    (folder / "blob.txt").write_bytes(bytes(range(256)) * 10)
    result = storyline("build", folder, "--db", tmp_path / "s.duckdb", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "empty.txt: empty file" in result.stderr
    assert "blob.txt: binary file" in result.stderr
    assert "articles: 5" in result.stdout


def test_nothing_to_build_exits_non_zero_and_keeps_the_old_store(built: Path) -> None:
    db = built / "data" / "storyline.duckdb"
    before = db.read_bytes()
    (built / "junk").mkdir(exist_ok=True)
    (built / "junk" / "empty.txt").write_text("")
    result = storyline("build", "junk", cwd=built)
    assert result.returncode == 1
    assert "nothing built" in result.stderr and "empty.txt" in result.stderr
    assert db.read_bytes() == before


def test_tag_prints_resolved_values(tmp_path: Path) -> None:
    result = storyline(
        "tag",
        "The minister will travel to Oslo on Friday.",
        "--anchor",
        "2024-05-01",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "2024-05-03" in result.stdout


def test_articles_lists_articles_without_a_date(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Officials met on Friday to discuss the budget.\n")
    db = tmp_path / "s.duckdb"
    assert storyline("build", tmp_path / "a.txt", "--db", db, cwd=tmp_path).returncode == 0
    result = storyline("articles", "--db", db, cwd=tmp_path)
    assert "NO DATE" in result.stdout and "no publication date" in result.stdout


def test_export_without_a_store_is_a_clear_error(tmp_path: Path) -> None:
    result = storyline("export", "--db", tmp_path / "none.duckdb", cwd=tmp_path)
    assert result.returncode == 1
    assert "storyline build" in result.stderr


def test_export_takes_the_dashboards_filters(built: Path) -> None:
    everything = json.loads(storyline("export", "--format", "json", cwd=built).stdout)
    result = storyline(
        "export", "--format", "json", "--actor", "Donald Trump", "--min-sources", "3",
        "--status", "past", "--from", "2025-02-20", cwd=built,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    chosen = json.loads(result.stdout)
    expected = [
        e
        for e in everything
        if "Donald Trump" in e["actors"]
        and e["source_count"] >= 3
        and e["status"] == "past"
        and (e["latest"] is None or e["latest"] >= "2025-02-20")
    ]
    assert chosen and [e["event_id"] for e in chosen] == [e["event_id"] for e in expected]
    assert all(m["sentence"] for e in chosen for m in e["mentions"])


def test_articles_without_a_date_are_listed_with_how_to_supply_one(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tests" / "pages", tmp_path / "pages")
    db = tmp_path / "p.duckdb"
    assert storyline("build", "pages", "--db", db, cwd=tmp_path).returncode == 0
    listed = storyline("articles", "--missing-date", "--db", db, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "NO DATE" in listed.stdout and "Museum reopens its west wing" in listed.stdout
    assert "Coastal Courier" not in listed.stdout  # it has a date
    supplied = storyline(
        "build", "pages", "--db", db, "--date", "pages/no_date.html=2024-09-21", cwd=tmp_path
    )
    assert supplied.returncode == 0, supplied.stderr
    again = storyline("articles", "--missing-date", "--db", db, cwd=tmp_path)
    assert "every article has a publication date" in again.stdout


def test_the_build_summary_groups_warnings_without_cutting_names() -> None:
    """Particulars (paths, quoted text, counts) go; "UTF-8" and "Windows-1252" stay."""
    from dashboard.cli import problem_summary
    from dashboard.ingest import IngestError

    class Flagged:
        def __init__(self, *warnings: str) -> None:
            self.warnings = warnings

    errors = [
        IngestError("a/huge.txt", "file is 6,500,000 bytes, over the 5,000,000-byte limit"),
        IngestError("a/big.txt", "file is 7,000,000 bytes, over the 5,000,000-byte limit"),
    ]
    articles = [
        Flagged("not UTF-8; decoded as Windows-1252"),
        Flagged("not UTF-8; decoded as Windows-1252"),
    ]
    lines = problem_summary(errors, articles)
    assert "       2  file is … bytes, over the …-byte limit" in lines
    assert "       2  not UTF-8" in lines

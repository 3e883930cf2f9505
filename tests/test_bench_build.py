"""The build benchmark, the synthetic corpus it measures, and build progress reports."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from dashboard import pipeline
from dashboard.progress import BuildProgress

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT / "bench"))

import build as bench_build  # noqa: E402
from make_corpus import make_corpus  # noqa: E402

ROW = re.compile(r"^\| (local|local2|dask) \| 50 \| (\d+) \|(.*)\|$")


def read_corpus(folder: Path) -> list[dict[str, str]]:
    """Every article of a generated corpus: its manifest row plus its text."""
    rows = []
    for manifest in sorted(folder.glob("*/manifest.csv")):
        with manifest.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                row["text"] = (manifest.parent / row["file"]).read_text(encoding="utf-8")
                rows.append(row)
    return rows


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gen") / "c"
    make_corpus(400, folder, seed=3)
    return folder


def test_the_corpus_has_duplicates_and_syndicated_copies(generated: Path) -> None:
    rows = read_corpus(generated)
    assert len(rows) == 400
    outlets_by_text: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        outlets_by_text[row["text"]].append(row["outlet"])
    copies = [outlets for outlets in outlets_by_text.values() if len(outlets) > 1]
    duplicates = sum(len(o) - len(set(o)) for o in copies)  # same text, same outlet
    syndicated = sum(len(set(o)) > 1 for o in copies)  # same text, several outlets
    assert 0.01 * 400 <= duplicates <= 0.08 * 400
    assert 0.04 * 400 <= syndicated <= 0.2 * 400
    assert len({r["outlet"] for r in rows}) >= 10
    assert len({r["published"] for r in rows}) >= 30
    lengths = sorted(len(r["text"]) for r in rows)
    assert lengths[-1] > 3 * lengths[0]  # short and long stories
    assert all(re.match(r"[A-Z]+, [A-Z][a-z]+ \d+ \(", r["text"]) for r in rows)  # datelines


def test_the_corpus_is_the_same_for_the_same_seed(generated: Path, tmp_path: Path) -> None:
    make_corpus(400, tmp_path / "again", seed=3)
    make_corpus(400, tmp_path / "other", seed=4)
    assert read_corpus(tmp_path / "again") == read_corpus(generated)
    assert read_corpus(tmp_path / "other") != read_corpus(generated)


def test_the_corpus_cli_writes_n_articles(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_corpus.py"), "25", str(tmp_path / "c")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "wrote 25 articles" in done.stdout
    assert len(read_corpus(tmp_path / "c")) == 25


def test_the_benchmark_table_is_well_formed(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "build.py"), "--sizes", "50"]
        + ["--corpus-dir", str(tmp_path), "--json", str(tmp_path / "r.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert re.match(r"# \d{4}-\d\d-\d\d \d\d:\d\d UTC, \d+ cores, load average [\d.]+", lines[1])
    header = next(line for line in lines if line.startswith("| engine | N |"))
    width = header.count("|")
    rows = {m[1]: m for line in lines if (m := ROW.match(line))}
    assert set(rows) == {"local", "local2", "dask"}
    for row in rows.values():
        assert row[0].count("|") == width
        cells = [float(c) for c in row[3].split("|")]
        ingest, temporal, actors, events, cluster, through, rate, per_core, whole = cells[:9]
        assert through == pytest.approx(ingest + temporal + actors + events, abs=0.03)
        assert rate > 0 and per_core == pytest.approx(rate / int(row[2]), abs=1)
        assert whole >= through + cluster - 0.1
        assert cells[9] >= cells[10] > 20  # peak tree MB >= peak process MB, a real process
    results = {r.engine: r for r in map(lambda d: bench_build.Result(**d), _json(tmp_path))}
    # Every engine built the same articles: the inputs less the duplicates ingestion skips.
    assert len({r.articles for r in results.values()}) == 1
    assert 40 <= results["local"].articles < 50


def _json(folder: Path) -> list[dict]:
    import json

    return json.loads((folder / "r.json").read_text())


def test_growth_compares_each_size_with_ten_times_it() -> None:
    def result(n: int, seconds: float, mb: float) -> bench_build.Result:
        stages = {"ingest": seconds / 2, "temporal": seconds / 2, "cluster": 1.0}
        return bench_build.Result("local", n, 1, seconds + 2, stages, n, mb, mb)

    rows = bench_build.growth_rows([result(100, 1.0, 100), result(1000, 12.0, 150)])
    assert rows == ["| local | 100 -> 1000 | 12.0 | 4.7 | 1.5 |"]
    assert bench_build.growth_rows([result(100, 1.0, 100), result(500, 5.0, 100)]) == []


def test_build_output_is_parsed() -> None:
    report = (
        "built corpus 'bench' into x.duckdb (local engine)\n  articles: 48 new, 0 changed\n"
        "  ingest       12.5 ms\n  cluster    1500.0 ms\n"
        "  articles: 48, timexes: 100, actors: 9\n"
    )
    assert bench_build.parse_output(report) == ({"ingest": 0.0125, "cluster": 1.5}, 48)


# --------------------------------------------------------------------- progress


def test_progress_lines_without_a_terminal() -> None:
    out = io.StringIO()
    progress = BuildProgress(out, tty=False)
    for i in range(101):
        progress("temporal", i / 100)
    progress("done", 1.0)
    progress("done", 1.0)
    lines = out.getvalue().splitlines()
    assert all(re.fullmatch(r"progress: (temporal|done) \d+% \(\d+\.\d s\)", x) for x in lines)
    assert 10 <= len(lines) <= 13  # a line per tenth of the build, not per call
    assert lines[-1].startswith("progress: done 100%") and "\r" not in out.getvalue()


def test_progress_bar_on_a_terminal() -> None:
    out = io.StringIO()
    progress = BuildProgress(out, tty=True)
    progress("ingest", 0.0)
    progress("ingest", 0.01)  # within the redraw interval: not drawn
    progress("temporal", 0.5)
    progress("done", 1.0)
    frames = out.getvalue().split("\r")[1:]
    assert len(frames) == 3
    assert frames[1].startswith("[" + "#" * 15 + "-" * 15 + "]  50% temporal")
    assert frames[2].startswith("[" + "#" * 30 + "] 100% done") and frames[2].endswith("\n")


def test_an_interrupted_bar_is_closed_on_its_own_line() -> None:
    out = io.StringIO()
    progress = BuildProgress(out, tty=True)
    progress("events", 0.7)
    progress.close()
    progress.close()
    assert out.getvalue().endswith(" s\n") and out.getvalue().count("\n") == 1


def test_a_build_reports_progress_chunk_by_chunk(generated: Path, monkeypatch) -> None:
    monkeypatch.setattr(pipeline, "CHUNK_ARTICLES", 50)
    seen: list[tuple[str, float]] = []
    pipeline.run([generated], progress=lambda stage, f: seen.append((stage, f)))
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and seen[-1] == ("done", 1.0)
    stages = [s for s, _ in seen]
    assert stages.count("temporal") >= 8 and stages.count("events") >= 8  # per chunk
    assert [s for i, s in enumerate(stages) if s not in stages[:i]] == [
        *pipeline.STAGES,
        "done",
    ]


def test_a_build_can_stop_after_a_stage(generated: Path) -> None:
    corpus = pipeline.run([generated], until="events")
    assert corpus.mentions and not corpus.events
    assert set(corpus.timings) == {"ingest", "temporal", "actors", "events"}
    with pytest.raises(ValueError, match="not a stage"):
        pipeline.run([generated], until="store")


def test_a_build_that_did_not_finish_is_reported_by_its_stage_starts() -> None:
    stderr = (
        "progress: ingest 0% (0.0 s)\nprogress: temporal 10% (31.0 s)\n"
        "progress: temporal 20% (40.0 s)\nskipped a.txt: empty\nprogress: cluster 80% (881.4 s)\n"
    )
    starts = bench_build.stage_starts(stderr)
    assert starts == {"ingest began at": 0.0, "temporal began at": 31.0, "cluster began at": 881.4}
    failed = bench_build.Result("local", 10, 1, 900.0, starts, peak_tree_mb=70, returncode=-9)
    row = bench_build.table([failed]).splitlines()[2]
    assert "failed after 900 s, peak 70 MB" in row and "cluster began at 881 s" in row

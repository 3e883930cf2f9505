"""Measure `storyline build` at scale: articles per second and peak memory, per engine and N.

    python bench/build.py                       # N = 1,000 and 10,000, every engine
    python bench/build.py --sizes 1000,10000,100000 --engines local,local2,dask

Each N gets a synthetic corpus from bench/make_corpus.py (kept under --corpus-dir and reused).
Each build runs as its own `python -m dashboard build` subprocess into a fresh store, so its
timings are a user's: interpreter start, ingestion, every stage, the store write. Engines:

- ``local``: the local engine on one process (``--workers 1``);
- ``local2``: the local engine on all cores (``--workers <cores>``);
- ``dask``: the Dask engine on a LocalCluster of worker processes (``--engine dask``).

Peak memory is measured two ways: the sum of the proportional set sizes (shared pages
counted once) of the build's whole process tree, sampled every 0.1 s with psutil (what a
machine must hold: a Dask build's workers and the client together), and the largest single
process's high-water mark from ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` (exact, but per
process). Each build is run under a
fresh `bench/build.py --one` process so that the rusage figure belongs to that build alone.

"Through mentions" is ingest + temporal + actors + events, the per-article stages (with
``--until temporal``: ingest + temporal only); "per core" divides its rate by the processes
the engine used. The growth rows give time(10N) / time(N):
10.0 is linear.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))

from make_corpus import make_corpus  # noqa: E402

STAGES = ("ingest", "temporal", "actors", "events", "cluster")
PER_ARTICLE = ("ingest", "temporal", "actors", "events")
ENGINES = ("local", "local2", "dask")
TIMING_LINE = re.compile(r"^\s+(\w+)\s+([\d.]+) ms$", re.MULTILINE)
COUNTS_LINE = re.compile(r"^\s+articles: (\d+), timexes", re.MULTILINE)
PROGRESS_LINE = re.compile(r"^progress: (\w+) \d+% \(([\d.]+) s\)$", re.MULTILINE)
SAMPLE_SECONDS = 0.1


@dataclass(slots=True)
class Result:
    """One build: what ran, how long each stage took, how much memory it held."""

    engine: str
    n: int
    processes: int
    wall: float
    stages: dict[str, float] = field(default_factory=dict)
    articles: int = 0
    peak_tree_mb: float = 0.0
    peak_process_mb: float = 0.0
    returncode: int = 0
    error: str = ""

    @property
    def through_mentions(self) -> float:
        """Seconds spent in the per-article stages (ingest through mention extraction)."""
        return sum(self.stages.get(s, 0.0) for s in PER_ARTICLE)

    @property
    def rate(self) -> float:
        """Input articles per second through mention extraction."""
        return self.n / self.through_mentions if self.through_mentions else 0.0


def cores() -> int:
    """Cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def build_command(
    engine: str, corpus: Path, db: Path, until: str = "cluster"
) -> tuple[list[str], int]:
    """The build command line for ``engine`` and how many processes do its work."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    processes = 1 if engine == "local" else cores()
    if until != "cluster":
        command = [sys.executable, __file__, "--stages", str(corpus), until, "--engine", engine]
        return command, processes
    command = [sys.executable, "-m", "dashboard", "build", str(corpus), "--db", str(db)]
    command += ["--corpus", "bench", "--workers", str(processes)]
    if engine == "dask":
        command += ["--engine", "dask"]
    return command, processes


def parse_output(stdout: str) -> tuple[dict[str, float], int]:
    """Stage timings (seconds) and the article count from `storyline build`'s report."""
    stages = {m[1]: float(m[2]) / 1000 for m in TIMING_LINE.finditer(stdout) if m[1] in STAGES}
    counted = COUNTS_LINE.search(stdout)
    return stages, int(counted[1]) if counted else 0


def stage_starts(stderr: str) -> dict[str, float]:
    """When each stage began (seconds into the build), from the progress lines of a build
    that did not finish: the report with its timings is then never printed."""
    starts: dict[str, float] = {}
    for stage, seconds in PROGRESS_LINE.findall(stderr):
        starts.setdefault(f"{stage} began at", float(seconds))
    return starts


def run_stages(corpus: Path, until: str, engine: str) -> None:
    """Run the pipeline up to ``until`` in this process (no store), reporting like the CLI."""
    if engine == "dask":
        from dashboard.engine_dask import run_dask

        built = run_dask([corpus], workers=cores(), until=until)
    else:
        from dashboard.pipeline import run

        built = run([corpus], workers=1 if engine == "local" else cores(), until=until)
    for stage, seconds in built.timings.items():
        print(f"  {stage:<9} {seconds * 1000:8.1f} ms")
    print("  " + ", ".join(f"{k}: {v}" for k, v in built.counts().items()))


def run_one(engine: str, n: int, corpus: Path, workdir: Path, until: str = "cluster") -> Result:
    """Run one build as a subprocess, sampling its process tree's memory."""
    import psutil

    db = workdir / f"{engine}-{n}.duckdb"
    for stale in workdir.glob(f"{engine}-{n}.duckdb*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    command, processes = build_command(engine, corpus, db, until)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"}
    # The build's output goes to files, not pipes: a pipe nobody reads while the memory is
    # sampled fills up (64 kB) and blocks a long build for good.
    out_path, err_path = workdir / f"{engine}-{n}.out", workdir / f"{engine}-{n}.err"
    started = time.perf_counter()
    with out_path.open("w") as out, err_path.open("w") as err:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=err, text=True)
        peak = 0
        watched = psutil.Process(child.pid)
        while child.poll() is None:
            peak = max(peak, _tree_rss(watched))
            time.sleep(SAMPLE_SECONDS)
    wall = time.perf_counter() - started
    stdout, stderr = out_path.read_text(), err_path.read_text()
    stages, articles = parse_output(stdout)
    if child.returncode != 0:
        stages = stage_starts(stderr)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    process_peak = usage.ru_maxrss * 1024  # kilobytes on Linux
    result = Result(
        engine=engine if until == "cluster" else f"{engine} (to {until})",
        n=n,
        processes=processes,
        wall=wall,
        stages=stages,
        articles=articles,
        # Sampling can miss the tree's peak; it is never below its largest process's.
        peak_tree_mb=max(peak, process_peak) / 2**20,
        peak_process_mb=process_peak / 2**20,
        returncode=child.returncode,
        error="" if child.returncode == 0 else _last_line(stderr, child.returncode),
    )
    shutil.rmtree(db.with_name(db.name + ".parts"), ignore_errors=True)
    return result


def _last_line(stderr: str, code: int) -> str:
    """What a failed build said last, for the table."""
    lines = stderr.strip().splitlines()
    return lines[-1] if lines else f"exit {code}"


def _tree_rss(process: object) -> int:
    """Memory of a process and all its descendants (0 for those already gone).

    Proportional set size where the system reports it: a forked worker's pages shared with
    its parent then count once, as they are held once. Resident size otherwise.
    """
    import psutil

    total = 0
    try:
        members = [process, *process.children(recursive=True)]  # type: ignore[attr-defined]
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += getattr(member.memory_full_info(), "pss", 0) or member.memory_info().rss
        except psutil.Error:
            continue
    return total


def measure(engine: str, n: int, corpus: Path, workdir: Path, until: str = "cluster") -> Result:
    """Run one build under a fresh `bench/build.py --one` process (a clean rusage)."""
    command = [sys.executable, __file__, "--one", engine, str(n), str(corpus), str(workdir)]
    command += ["--until", until]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return Result(engine, n, 0, 0.0, returncode=done.returncode, error=done.stderr[-300:])
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return Result(**data)


def corpus_for(n: int, folder: Path, seed: int) -> Path:
    """The synthetic corpus of ``n`` articles, written once and reused."""
    target = folder / f"corpus-{n}-seed{seed}"
    marker = target / ".complete"
    if not marker.exists():
        shutil.rmtree(target, ignore_errors=True)
        make_corpus(n, target, seed=seed)
        marker.write_text("ok\n")
    return target


def table(results: list[Result]) -> str:
    """The results as a Markdown table, then how time grows per 10x of N."""
    lines = [
        "| engine | N | processes | ingest s | temporal s | actors s | events s | cluster s "
        "| through mentions s | articles/s | per core | whole build s | peak tree MB "
        "| peak process MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: |",
    ]
    for r in results:
        if r.returncode != 0:
            began = ", ".join(f"{k} {v:.0f} s" for k, v in r.stages.items())
            failed = f"failed after {r.wall:.0f} s, peak {r.peak_tree_mb:.0f} MB: {r.error}"
            lines.append(f"| {r.engine} | {r.n} | {failed}; {began} |" + " |" * 11)
            continue
        stage_cells = " | ".join(f"{r.stages.get(s, 0.0):.2f}" for s in STAGES)
        lines.append(
            f"| {r.engine} | {r.n} | {r.processes} | {stage_cells} | {r.through_mentions:.2f} "
            f"| {r.rate:.0f} | {r.rate / max(r.processes, 1):.0f} | {r.wall:.1f} "
            f"| {r.peak_tree_mb:.0f} | {r.peak_process_mb:.0f} |"
        )
    growth = growth_rows(results)
    if growth:
        lines += ["", "| engine | N -> 10N | through mentions x | whole build x | peak tree x |"]
        lines.append("| --- | --- | ---: | ---: | ---: |")
        lines += growth
    return "\n".join(lines)


def growth_rows(results: list[Result]) -> list[str]:
    """time(10N) / time(N) per engine, for each pair of measured sizes 10x apart."""
    ok = {(r.engine, r.n): r for r in results if r.returncode == 0}
    rows = []
    for (engine, n), small in sorted(ok.items()):
        big = ok.get((engine, n * 10))
        if big is None or not small.through_mentions or not small.wall:
            continue
        rows.append(
            f"| {engine} | {n} -> {n * 10} | {big.through_mentions / small.through_mentions:.1f} "
            f"| {big.wall / small.wall:.1f} | {big.peak_tree_mb / small.peak_tree_mb:.1f} |"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated N (articles)")
    parser.add_argument("--engines", default=",".join(ENGINES), help="of: local,local2,dask")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--corpus-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "storyline-bench",
        help="where corpora are written and reused",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    parser.add_argument(
        "--until",
        default="cluster",
        choices=STAGES,
        help="last stage to run; before 'cluster' the library is called without the store",
    )
    parser.add_argument("--one", nargs=4, metavar=("ENGINE", "N", "CORPUS", "WORKDIR"))
    parser.add_argument("--stages", nargs=2, metavar=("CORPUS", "UNTIL"))
    parser.add_argument("--engine", default="local", choices=ENGINES)
    args = parser.parse_args(argv)
    if args.one:
        engine, n, corpus, workdir = args.one
        result = run_one(engine, int(n), Path(corpus), Path(workdir), args.until)
        print(json.dumps(asdict(result)))
        return 0
    if args.stages:
        run_stages(Path(args.stages[0]), args.stages[1], args.engine)
        return 0
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    except ValueError:
        parser.error(f"--sizes {args.sizes!r}: give whole numbers separated by commas")
    engines = [e for e in args.engines.split(",") if e]
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown or not engines or not sizes or min(sizes) < 1:
        parser.error(f"--engines from {', '.join(ENGINES)}; --sizes positive whole numbers")
    args.corpus_dir.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    print(f"# bench/build.py --sizes {args.sizes} --engines {args.engines} --until {args.until}")
    print(
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {cores()} cores, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
        flush=True,
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="storyline-build-") as work:
        for n in sizes:
            corpus = corpus_for(n, args.corpus_dir, args.seed)
            for engine in engines:
                result = measure(engine, n, corpus, Path(work), args.until)
                results.append(result)
                state = "ok" if result.returncode == 0 else f"FAILED {result.error}"
                print(
                    f"# {engine} N={n}: {result.wall:.1f} s, {result.rate:.0f} articles/s "
                    f"through mentions, peak {result.peak_tree_mb:.0f} MB ({state})",
                    flush=True,
                )
    print(table(results))
    load = os.getloadavg()
    print(f"\n# load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1))
    return 0 if all(r.returncode == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Measure an incremental build against a full rebuild: time, and how far the events differ.

    python bench/incremental.py                          # N = 10,000, the newest 1% added
    python bench/incremental.py --sizes 10000,100000 --late 0.01

For each N the synthetic corpus of bench/make_corpus.py is split by publication date: the
newest ``--late`` share of its articles goes to a folder of its own (what arrived since the
last build), the rest stays where it is (links, not copies). Then, each as a user would run
`storyline build` in a subprocess:

1. the older articles are built into a store (not measured: yesterday's build);
2. that store is built again with both folders (the incremental build: every file is read
   and hashed, only the new ones are tagged and extracted, only touched events regrouped);
3. both folders are built into a fresh store (the full rebuild the incremental one replaces).

Agreement compares the two stores' events: of the pairs of mentions the full rebuild puts
in one event, the share the incremental build also puts together (recall), and the other
way round (precision); and the share of the full rebuild's events found with exactly the
same mentions.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))

from build import corpus_for, parse_output  # noqa: E402

from dashboard.store import Store  # noqa: E402

REGROUPED = re.compile(r"(\d+) of (\d+) mentions grouped again")


def split_corpus(corpus: Path, work: Path, late_share: float) -> tuple[Path, Path, int]:
    """Hard-link ``corpus`` into work/base, moving its newest articles to work/late."""
    rows = []
    for manifest in sorted(corpus.rglob("manifest.csv")):
        with manifest.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                rows.append((row["published"], row["file"], manifest.parent, row))
    rows.sort(key=lambda r: (r[0], r[1]))
    n_late = max(1, round(len(rows) * late_share))
    late_names = {(r[2], r[1]) for r in rows[-n_late:]}
    base, late = work / "base", work / "late"
    groups: dict[Path, list[dict[str, str]]] = {}
    for _, name, folder, row in rows:
        is_late = (folder, name) in late_names
        target = late if is_late else base / folder.relative_to(corpus)
        target.mkdir(parents=True, exist_ok=True)
        os.link(folder / name, target / name)
        groups.setdefault(target, []).append(row)
    for target, target_rows in groups.items():
        with (target / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(target_rows[0]))
            writer.writeheader()
            writer.writerows(target_rows)
    return base, late, n_late


def storyline_build(inputs: list[Path], db: Path) -> tuple[float, str]:
    """Run `storyline build` on ``inputs`` into ``db``; its wall time and report."""
    command = [sys.executable, "-m", "dashboard", "build", *map(str, inputs), "--db", str(db)]
    command += ["--corpus", "bench"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"}
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"build failed: {done.stderr[-2000:]}")
    return wall, done.stdout


def agreement(step_db: Path, full_db: Path) -> dict[str, float]:
    """Pair recall and precision of the incremental events against the full rebuild's, and
    the share of the full rebuild's events found with the same mentions. Pairs are counted
    from group sizes (an event of 5,000 mentions has 12.5 million pairs)."""
    sql = "SELECT event_id, mention_id FROM event_mentions WHERE corpus = 'bench'"
    step = Store(step_db).query(sql).rename(columns={"event_id": "step"})
    full = Store(full_db).query(sql).rename(columns={"event_id": "full"})
    joined = full.merge(step, on="mention_id", how="inner")

    def pairs(sizes: pd.Series) -> float:
        return float((sizes * (sizes - 1) / 2).sum())

    both = pairs(joined.groupby(["full", "step"]).size())
    full_pairs, step_pairs = pairs(full.groupby("full").size()), pairs(step.groupby("step").size())
    full_sets = {frozenset(g) for _, g in full.groupby("full")["mention_id"]}
    step_sets = {frozenset(g) for _, g in step.groupby("step")["mention_id"]}
    return {
        "recall": both / full_pairs if full_pairs else 1.0,
        "precision": both / step_pairs if step_pairs else 1.0,
        "same_events": len(full_sets & step_sets) / len(full_sets) if full_sets else 1.0,
    }


def measure(n: int, corpus_dir: Path, late_share: float, seed: int) -> dict[str, object]:
    corpus = corpus_for(n, corpus_dir, seed)
    with tempfile.TemporaryDirectory(prefix="storyline-incr-") as tmp:
        work = Path(tmp)
        base, late, n_late = split_corpus(corpus, work, late_share)
        storyline_build([base], work / "step.duckdb")
        step_wall, step_out = storyline_build([base, late], work / "step.duckdb")
        full_wall, full_out = storyline_build([base, late], work / "full.duckdb")
        agreed = agreement(work / "step.duckdb", work / "full.duckdb")
    regrouped = REGROUPED.search(step_out)
    return {
        "n": n,
        "late": n_late,
        "step_wall": step_wall,
        "full_wall": full_wall,
        "step_stages": parse_output(step_out)[0],
        "full_stages": parse_output(full_out)[0],
        "regrouped": int(regrouped[1]) if regrouped else -1,
        "mentions": int(regrouped[2]) if regrouped else -1,
        **agreed,
    }


def table(results: list[dict[str, object]]) -> str:
    lines = [
        "| N | added | incremental s | its cluster s | full rebuild s | its cluster s "
        "| mentions regrouped | pair recall | pair precision | same events |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['n']:,} | {r['late']:,} | {r['step_wall']:.1f} | "
            f"{r['step_stages'].get('cluster', 0):.1f} | {r['full_wall']:.1f} | "
            f"{r['full_stages'].get('cluster', 0):.1f} | "
            f"{r['regrouped']:,} of {r['mentions']:,} | {r['recall']:.3f} | "
            f"{r['precision']:.3f} | {r['same_events']:.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated N (articles)")
    parser.add_argument("--late", type=float, default=0.01, help="share of articles added")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--corpus-dir", type=Path, default=Path(tempfile.gettempdir()) / "storyline-bench"
    )
    args = parser.parse_args(argv)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# bench/incremental.py --sizes {args.sizes} --late {args.late}")
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load}")
    results = []
    for n in (int(x) for x in args.sizes.split(",")):
        results.append(measure(n, args.corpus_dir, args.late, args.seed))
        print(f"# N={n}: {results[-1]}", flush=True)
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

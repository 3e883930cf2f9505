"""Worst-case inputs for the temporal tagger: time grows linearly with the input size.

.venv/bin/python bench/timex_adversarial.py
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

# The repository root first: bench/dashboard.py must not shadow the dashboard package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dashboard.temporal import tag  # noqa: E402

INPUTS = {
    "digits": lambda n: "7" * n,
    "month names": lambda n: ("March " * (n // 6 + 1))[:n],
    "ambiguous month names": lambda n: ("May June " * (n // 9 + 1))[:n],
    "one repeated word": lambda n: ("said " * (n // 5 + 1))[:n],
    "weekday and years": lambda n: ("on Friday in 2008, " * (n // 19 + 1))[:n],
}


def main() -> None:
    anchor = date(2020, 6, 10)
    tag("warm up on Friday", anchor)  # load the grammar before timing
    print("| input | 250 kB (s) | 1 MB (s) | ratio | timexes in 1 MB |")
    print("|---|---|---|---|---|")
    for name, make in INPUTS.items():
        times = []
        for size in (250_000, 1_000_000):
            text = make(size)
            best = float("inf")
            for _ in range(2):  # best of two: the machine is shared
                started = time.perf_counter()
                found = tag(text, anchor)
                best = min(best, time.perf_counter() - started)
            times.append(best)
        ratio = times[1] / max(times[0], 1e-9)
        print(f"| {name} | {times[0]:.2f} | {times[1]:.2f} | {ratio:.1f} | {len(found):,} |")


if __name__ == "__main__":
    main()

"""Worst-case inputs for the temporal tagger: time grows linearly with the input size.

.venv/bin/python bench/timex_adversarial.py
"""

from __future__ import annotations

import time
from datetime import date

from dashboard.temporal import tag

INPUTS = {
    "digits": lambda n: "7" * n,
    "month names": lambda n: ("March " * (n // 6 + 1))[:n],
    "one repeated word": lambda n: ("said " * (n // 5 + 1))[:n],
    "weekday and years": lambda n: ("on Friday in 2008, " * (n // 19 + 1))[:n],
}


def main() -> None:
    anchor = date(2020, 6, 10)
    print("| input | 250 kB (s) | 1 MB (s) | ratio |")
    print("|---|---|---|---|")
    for name, make in INPUTS.items():
        times = []
        for size in (250_000, 1_000_000):
            text = make(size)
            started = time.perf_counter()
            tag(text, anchor)
            times.append(time.perf_counter() - started)
        print(f"| {name} | {times[0]:.2f} | {times[1]:.2f} | {times[1] / times[0]:.1f} |")


if __name__ == "__main__":
    main()

"""Build progress for the command line: a bar on a terminal, plain lines otherwise.

Written by hand rather than with tqdm: the pipeline reports (stage, fraction of the build)
and one redrawn line is all a terminal needs, so a dependency would buy nothing.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

# Redraw a terminal bar at most this often (seconds).
REDRAW_SECONDS = 0.1
# Without a terminal, print a line each time the build gets this much further.
LINE_STEP = 0.1
BAR_WIDTH = 30


class BuildProgress:
    """A ``progress(stage, fraction)`` callback that draws on ``stream``."""

    def __init__(self, stream: TextIO | None = None, *, tty: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self._stage = ""
        self._last_line = -1.0
        self._last_draw = 0.0
        self._started = time.perf_counter()
        self._open = False

    def __call__(self, stage: str, fraction: float) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        if self.tty:
            self._draw(stage, fraction)
        else:
            self._line(stage, fraction)
        self._stage = stage

    def _draw(self, stage: str, fraction: float) -> None:
        now = time.perf_counter()
        final = stage == "done"
        if not final and stage == self._stage and now - self._last_draw < REDRAW_SECONDS:
            return
        self._last_draw = now
        filled = round(BAR_WIDTH * fraction)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        label = "done" if final else stage
        self.stream.write(f"\r[{bar}] {fraction:4.0%} {label:<10} {now - self._started:6.1f} s")
        self._open = not final
        if final:
            self.stream.write("\n")
        self.stream.flush()

    def _line(self, stage: str, fraction: float) -> None:
        if stage == self._stage and fraction - self._last_line < LINE_STEP and stage != "done":
            return
        if stage == "done" and self._stage == "done":
            return
        self._last_line = fraction
        elapsed = time.perf_counter() - self._started
        print(f"progress: {stage} {fraction:.0%} ({elapsed:.1f} s)", file=self.stream, flush=True)

    def close(self) -> None:
        """End a bar left open by a build that stopped early."""
        if self.tty and self._open:
            self.stream.write("\n")
            self.stream.flush()
            self._open = False

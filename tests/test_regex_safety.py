"""Every regular expression in dashboard/ runs in linear time on adversarial input up to 1 MB.

The patterns are not listed by hand: tests/regex_inventory.py records each one that the code
compiles while building real articles, with the methods called on it, so a pattern added
tomorrow is tested tomorrow. Each is run the way the code runs it (``fullmatch`` and ``match``
are anchored; everything else scans) on inputs built to provoke backtracking. Growth is judged
by the ratio of times between two sizes, never by a wall-clock limit: linear code takes about
4x as long on 4x the input, quadratic code 16x.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INPUT_DIRS = ("seeds", "tests/stories", "tests/pages", "tests/feeds", "tests/jsonl")
# Cheap sizes where super-linear growth already shows: tiny first, so a cubic or exponential
# pattern is caught before a larger input makes it hang.
# Each rung 4x the last: a pattern that is only just under the noise floor on one rung is
# caught on the next, before an input large enough to run for minutes.
SCREEN_LADDER = ((250, 1_000), (1_000, 4_000), (4_000, 16_000))
FULL_SIZES = (250_000, 1_000_000)
MAX_RATIO = 9.0  # for 4x the input: linear ~4, quadratic ~16
NOISE_FLOOR_S = 0.004  # below this, ratios are timer noise
RECHECK_BELOW_S = 0.5  # a super-linear ratio measured on less than this is measured again


def _inputs(pattern: str, size: int) -> dict[str, str]:
    """Adversarial texts of ``size`` characters: runs of one class and the pattern's own words."""
    rng = random.Random(size)
    words = re.findall(r"[A-Za-z]{2,}", pattern) or ["word"]
    vocabulary = ["January", "1", "2025", "Mr.", "said", "on", "Friday", "-", "’s", '"', "U.S."]
    pieces = {
        "letters": "a",
        "digits": "1",
        "spaces": " ",
        "dots": ". ",
        "capitalised": "Ab ",
        "month-names": "January ",
        "newlines": "A\n",
        "quotes": "\"“'",
        "commas-and": ", and The",
        "own-words": " ".join(words) + " ",
        "own-words-capitalised": " ".join(w.capitalize() for w in words) + " ",
    }
    texts = {name: (unit * (size // len(unit) + 1))[:size] for name, unit in pieces.items()}
    texts["mixed"] = "".join(rng.choice(vocabulary + words) + " " for _ in range(size // 4))[:size]
    return texts


def _runner(compiled: re.Pattern[str], methods: list[str]) -> Callable[[str], object]:
    if methods and set(methods) <= {"fullmatch", "match"}:
        anchored = compiled.fullmatch if "fullmatch" in methods else compiled.match
        return lambda text: anchored(text) and anchored(text + "\x00")
    return lambda text: sum(1 for _ in compiled.finditer(text))


def _seconds(run: Callable[[str], object], text: str, repeat: int = 2) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run(text)
        best = min(best, time.perf_counter() - started)
    return best


def _too_slow(run: Callable[[str], object], small: str, large: str) -> tuple[float, float | None]:
    """The time on ``large``, and the growth ratio from ``small`` when it is super-linear
    (else None).

    A ratio over MAX_RATIO is measured again, best of five each, before it counts: a
    moment of load on a shared machine (another process taking the core during the large
    input) must not pass for a quadratic pattern, which stays quadratic when re-measured."""
    t_small, t_large = _seconds(run, small), _seconds(run, large)
    if t_large <= NOISE_FLOOR_S or t_large / max(t_small, 1e-6) <= MAX_RATIO:
        return t_large, None
    if t_large > RECHECK_BELOW_S:  # seconds of matching are no moment of load
        return t_large, t_large / max(t_small, 1e-6)
    t_small, t_large = _seconds(run, small, 5), _seconds(run, large, 5)
    if t_large <= NOISE_FLOOR_S or t_large / max(t_small, 1e-6) <= MAX_RATIO:
        return t_large, None
    return t_large, t_large / max(t_small, 1e-6)


@pytest.fixture(scope="module")
def inventory(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    out = tmp_path_factory.mktemp("regex") / "patterns.json"
    inputs = [str(ROOT / d) for d in INPUT_DIRS if (ROOT / d).exists()]
    subprocess.run(
        [sys.executable, str(ROOT / "tests" / "regex_inventory.py"), str(out), *inputs],
        cwd=ROOT,
        check=True,
        timeout=600,
    )
    return json.loads(out.read_text(encoding="utf-8"))


def test_inventory_covers_every_stage(inventory: list[dict]) -> None:
    modules = {record["where"].split(":")[0] for record in inventory}
    for module in ("ingest.py", "actors.py", "events.py", "temporal/grammar.py"):
        assert any(m.endswith(module) for m in modules), (module, sorted(modules))
    assert len(inventory) >= 50


def _growth_problem(record: dict) -> str | None:
    """Why the pattern is super-linear, or None: screened small, then its worst input at 1 MB."""
    compiled = re.compile(record["pattern"], record["flags"])
    run = _runner(compiled, record["methods"])
    worst_name, worst_time = "", -1.0
    for sizes in SCREEN_LADDER:
        small, large = (_inputs(record["pattern"], n) for n in sizes)
        worst_name, worst_time = "", -1.0
        for name in small:
            t_large, ratio = _too_slow(run, small[name], large[name])
            if ratio:
                return f"{record['where']} on {name}: x{ratio:.0f} for 4x input"
            if t_large > worst_time:
                worst_name, worst_time = name, t_large
    # The input it found hardest, at full size: 250 kB and 1 MB.
    small_text, large_text = (_inputs(record["pattern"], n)[worst_name] for n in FULL_SIZES)
    _, ratio = _too_slow(run, small_text, large_text)
    if ratio:
        return f"{record['where']} on 1 MB of {worst_name}: x{ratio:.0f}"
    return None


@pytest.mark.parametrize(
    ("pattern", "methods"),
    [
        (r"\s+x", ["finditer"]),  # quadratic: every start in a run of spaces rescans it
        (r".*\s.*,", ["fullmatch"]),  # anchored, yet every split of the text is tried
        (r"(?:\s*,?\s*and)*\s+The\b", ["finditer"]),  # cubic: caught on the tiny sizes
    ],
)
def test_the_check_catches_super_linear_patterns(pattern: str, methods: list[str]) -> None:
    record = {"pattern": pattern, "flags": 0, "where": "example", "methods": methods}
    assert _growth_problem(record) is not None


@pytest.mark.parametrize("pattern", [r"\bsaid\b", r"(?<!\s)\s+x", r"[A-Z][a-z]+(?: [A-Z][a-z]+)*"])
def test_the_check_passes_linear_patterns(pattern: str) -> None:
    record = {"pattern": pattern, "flags": 0, "where": "example", "methods": ["finditer"]}
    assert _growth_problem(record) is None


def test_every_pattern_is_linear_on_adversarial_input(inventory: list[dict]) -> None:
    slow = [problem for record in inventory if (problem := _growth_problem(record))]
    assert not slow, "super-linear patterns:\n" + "\n".join(slow)

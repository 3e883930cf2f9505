"""Score events, dates, actors and source counts against the golden files.

    .venv/bin/python bench/events.py            # every tests/golden/*_events.toml
    .venv/bin/python bench/events.py --details  # also one line per expected event
    .venv/bin/python bench/events.py --scale 200  # time actors/events/cluster on 200 copies
    .venv/bin/python bench/events.py --scale 50 --short  # ... on copies of the short stories

Each golden file names its corpus: "seeds" is seeds/, anything else tests/stories/<name>/.
Figures go to docs/benchmarks.md ("Events, actors and clustering").
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.actors import find_actors  # noqa: E402
from dashboard.cluster import cluster_mentions  # noqa: E402
from dashboard.events import extract_mentions  # noqa: E402
from dashboard.ingest import split_sentences  # noqa: E402
from dashboard.models import Event, Mention, Timex  # noqa: E402
from dashboard.pipeline import Corpus, run  # noqa: E402

GOLDEN_DIR = ROOT / "tests" / "golden"


@dataclass(slots=True)
class EventResult:
    """How one expected event fared."""

    name: str
    found: bool
    event: Event | None = None
    evidence: int = 0  # mentions that match the expectation
    kept: int = 0  # of those, how many are in the matched event
    size: int = 0  # mentions in the matched event
    fragments: int = 0  # distinct events those mentions ended up in
    date_ok: bool = False
    status_ok: bool = False
    actors_ok: bool = False
    sources_ok: bool = False
    problems: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Scores:
    """Figures for one golden file."""

    corpus: str
    results: list[EventResult]
    precision: float
    recall: float
    date_accuracy: float
    status_accuracy: float
    actor_accuracy: float
    source_accuracy: float
    fragmentation: float
    seconds: float = 0.0
    n_mentions: int = 0
    n_events: int = 0
    n_multi_source: int = 0


def golden_files() -> list[Path]:
    """Every golden events file."""
    return sorted(GOLDEN_DIR.glob("*_events.toml"))


def load_golden(path: Path) -> dict:
    """Read one golden file."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def corpus_dir(golden: dict) -> Path:
    """Where the articles of a golden file live."""
    name = golden["corpus"]
    return ROOT / "seeds" if name == "seeds" else ROOT / "tests" / "stories" / name


def build(golden: dict) -> tuple[Corpus, float]:
    """Run the whole pipeline on the golden file's articles."""
    started = time.perf_counter()
    corpus = run([corpus_dir(golden)])
    return corpus, time.perf_counter() - started


def _names(corpus: Corpus, actor_ids: tuple[str, ...]) -> set[str]:
    actors = corpus.actors.actors
    return {actors[a].name for a in actor_ids if a in actors}


def _evidence(corpus: Corpus, expected: dict) -> list[Mention]:
    patterns = [re.compile(p, re.IGNORECASE) for p in expected.get("patterns", [])]
    need = set(expected.get("actors", []))
    return [
        m
        for m in corpus.mentions
        if all(p.search(m.sentence) for p in patterns) and need <= _names(corpus, m.actors)
    ]


def score(corpus: Corpus, golden: dict) -> Scores:
    """Match each expected event to the built event holding most of its evidence."""
    event_of = {mid: e for e in corpus.events for mid in e.mention_ids}
    results = []
    for expected in golden["event"]:
        evidence = _evidence(corpus, expected)
        result = EventResult(expected["name"], found=bool(evidence), evidence=len(evidence))
        if not evidence:
            result.problems.append("no mention matches")
            results.append(result)
            continue
        votes = Counter(event_of[m.id].id for m in evidence)
        by_id = {e.id: e for e in corpus.events}
        best = max(votes, key=lambda eid: (votes[eid], by_id[eid].source_count))
        event = by_id[best]
        result.event = event
        result.fragments = len(votes)
        result.kept = votes[best]
        result.size = len(event.mention_ids)
        result.date_ok = event.value == expected["value"]
        result.status_ok = event.status == expected["status"]
        result.actors_ok = set(expected.get("event_actors", [])) <= _names(corpus, event.actors)
        result.sources_ok = event.source_count >= expected["min_sources"] and (
            event.independent_count >= expected.get("min_independent", 0)
        )
        if not result.date_ok:
            result.problems.append(f"date {event.value} != {expected['value']}")
        if not result.status_ok:
            result.problems.append(f"status {event.status} != {expected['status']}")
        if not result.actors_ok:
            result.problems.append(f"actors {sorted(_names(corpus, event.actors))[:6]}")
        if not result.sources_ok:
            result.problems.append(
                f"sources {event.source_count}/{event.independent_count}"
                f" < {expected['min_sources']}/{expected.get('min_independent', 0)}"
            )
        results.append(result)
    found = [r for r in results if r.found and r.event is not None]
    best_ids = Counter(r.event.id for r in found if r.event is not None)
    # Precision: the share of the matched event's mentions that are evidence of it (zero
    # when another expected happening was merged into the same event). A lower bound:
    # the patterns miss some paraphrases that do belong.
    precise = [
        r.kept / r.size if r.event is not None and best_ids[r.event.id] == 1 else 0.0 for r in found
    ]
    for r in found:
        if r.event is not None and best_ids[r.event.id] > 1:
            r.problems.append("merged with another expected event")

    def share(flag: str) -> float:
        return sum(getattr(r, flag) for r in found) / len(results) if results else 0.0

    return Scores(
        corpus=golden["corpus"],
        results=results,
        precision=sum(precise) / len(found) if found else 0.0,
        recall=len(found) / len(results) if results else 0.0,
        date_accuracy=share("date_ok"),
        status_accuracy=share("status_ok"),
        actor_accuracy=share("actors_ok"),
        source_accuracy=share("sources_ok"),
        fragmentation=sum(r.fragments for r in found) / len(found) if found else 0.0,
        n_mentions=len(corpus.mentions),
        n_events=len(corpus.events),
        n_multi_source=sum(1 for e in corpus.events if e.source_count > 1),
    )


@dataclass(slots=True)
class ActorScores:
    """Figures for one golden actors file."""

    corpus: str
    expected: int
    correct: int
    problems: list[str]

    @property
    def accuracy(self) -> float:
        return self.correct / self.expected if self.expected else 0.0


def score_actors(corpus: Corpus, golden: dict) -> ActorScores:
    """Each expected actor: found by one of its forms, right kind and role, aliases merged."""
    actors = list(corpus.actors.actors.values())
    forms = {a.id: {f.casefold() for f in [a.name, *a.aliases]} for a in actors}

    def find(name: str) -> str | None:
        for a in actors:
            if name.casefold() in forms[a.id]:
                return a.id
        return None

    correct, problems = 0, []
    for expected in golden.get("actor", []):
        actor_id = find(expected["name"])
        if actor_id is None:
            problems.append(f"{expected['name']}: not found")
            continue
        actor = corpus.actors.actors[actor_id]
        wrong = []
        if actor.kind != expected["kind"]:
            wrong.append(f"kind {actor.kind}")
        if expected.get("role") and expected["role"] not in (actor.role or ""):
            wrong.append(f"role {actor.role}")
        missing = [f for f in expected.get("aliases", []) if f.casefold() not in forms[actor_id]]
        if missing:
            wrong.append(f"aliases not merged {missing}")
        if wrong:
            problems.append(f"{expected['name']}: {'; '.join(wrong)}")
        else:
            correct += 1
    expected_n = len(golden.get("actor", []))
    for pair in golden.get("distinct", []):
        ids = {find(n) for n in pair["names"]}
        expected_n += 1
        if None in ids or len(ids) < len(pair["names"]):
            problems.append(f"merged or missing: {pair['names']}")
        else:
            correct += 1
    return ActorScores(golden["corpus"], expected_n, correct, problems)


def report(scores: Scores, details: bool) -> str:
    """Printable figures for one golden file."""
    lines = [
        f"{scores.corpus}: {len(scores.results)} expected events, {scores.n_mentions} mentions,"
        f" {scores.n_events} events ({scores.n_multi_source} with 2+ sources),"
        f" build {scores.seconds:.2f} s",
        f"  recall {scores.recall:.2f}  precision {scores.precision:.2f}"
        f"  date {scores.date_accuracy:.2f}  status {scores.status_accuracy:.2f}"
        f"  actors {scores.actor_accuracy:.2f}  sources {scores.source_accuracy:.2f}"
        f"  fragments/event {scores.fragmentation:.2f}",
    ]
    if details:
        for r in scores.results:
            mark = "ok " if r.found and not r.problems else "-- "
            where = (
                f"[{r.event.value} {r.event.status} src={r.event.source_count}"
                f" {r.kept}/{r.evidence} evidence in {r.size}]"
                if r.event
                else ""
            )
            lines.append(f"  {mark}{r.name} {where} {'; '.join(r.problems)}")
    return "\n".join(lines)


def _shift(tx: Timex | None, days: int) -> Timex | None:
    if tx is None or tx.earliest is None:
        return tx
    latest = tx.latest or tx.earliest
    return replace(tx, earliest=tx.earliest + timedelta(days), latest=latest + timedelta(days))


def scale(copies: int, short: bool = False) -> str:
    """Time the actor, mention and clustering stages on many shifted copies of a corpus.

    The seeds are long features (about 5,000 characters each); ``short`` copies the test
    stories of tests/stories/ instead, short wire articles of about 600 characters.
    """
    paths = [p for p in golden_files() if short != (load_golden(p)["corpus"] == "seeds")]
    bases = [build(load_golden(p))[0] for p in paths]
    articles, timexes = [], {}
    for k in range(copies):
        shift = 30 * k  # a month apart: copies are different stories in time
        for base in bases:
            for a in base.articles:
                aid = f"{a.id}-{k}"
                day = a.published_day
                published = day + timedelta(shift) if day else None
                articles.append(replace(a, id=aid, published=published))
                timexes[aid] = [_shift(t, shift) for t in base.timexes[a.id]]
    started = time.perf_counter()
    index = find_actors(articles)
    t_actors = time.perf_counter() - started
    started = time.perf_counter()
    mentions = []
    for a in articles:
        mentions += extract_mentions(
            a, split_sentences(a.text), timexes[a.id], index.refs[a.id], index.actors
        )
    t_events = time.perf_counter() - started
    started = time.perf_counter()
    events = cluster_mentions(mentions, {a.id: a for a in articles}, index.actors)
    t_cluster = time.perf_counter() - started
    total = t_actors + t_events + t_cluster
    return (
        f"scale x{copies} ({'short stories' if short else 'seeds'}): {len(articles)} articles,"
        f" {len(mentions)} mentions, {len(events)} events; actors {t_actors:.2f} s,"
        f" mentions {t_events:.2f} s, cluster {t_cluster:.2f} s;"
        f" {len(articles) / total:.0f} articles/s for the three stages"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="one line per expected event")
    parser.add_argument("--scale", type=int, default=0, help="time the stages on N seed copies")
    parser.add_argument("--short", action="store_true", help="with --scale: copy the test stories")
    args = parser.parse_args(argv)
    if args.scale:
        print(scale(args.scale, args.short))
        return 0
    for path in golden_files():
        golden = load_golden(path)
        corpus, seconds = build(golden)
        scores = score(corpus, golden)
        scores.seconds = seconds
        print(report(scores, args.details))
        actors_path = path.with_name(path.name.replace("_events", "_actors"))
        if actors_path.exists():
            found = score_actors(corpus, load_golden(actors_path))
            print(f"  actor names: {found.correct}/{found.expected} = {found.accuracy:.2f}")
            if args.details:
                print("".join(f"  -- {p}\n" for p in found.problems), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

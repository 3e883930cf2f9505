"""Build a synthetic store for the dashboard benchmark: many events, many articles.

    .venv/bin/python bench/make_store.py                  # 100,000 events, 10,000 articles
    .venv/bin/python bench/make_store.py --events 5000 --articles 500

The corpus is made of the pipeline's own model objects (Article, Actor, Mention, Event) and
written with ``Store.write_corpus``, so the file has exactly the schema the app reads. Its
shape imitates a long-running story: two years of articles from 40 outlets, events dated
around them (most to the day, some to a week or a month, a tenth undated), one to five
mentions per event from different articles, a few hundred actors with a long-tailed
frequency. The store is cached under bench/.cache/ by its parameters.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.actors import ActorIndex  # noqa: E402
from dashboard.models import Actor, ActorRef, Article, Event, Mention, Timex  # noqa: E402
from dashboard.pipeline import Corpus  # noqa: E402
from dashboard.store import SCHEMA_VERSION, Store  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
CORPUS = "synthetic"
START = date(2023, 1, 1)
DAYS = 730
N_OUTLETS = 40
N_ACTORS = 400

FIRST = "Ana Ben Carla Dmitri Elif Femi Grace Hiro Ines Jonas Kofi Lena Mateo Nadia Omar".split()
LAST = "Adams Brandt Costa Diallo Evans Fischer Garcia Haddad Ito Jensen Kim Lopez Moreau".split()
ORGS = "Ministry Council Agency Union Party Court Bank Commission Alliance Assembly".split()
VERBS = "met signed rejected announced proposed visited criticised approved delayed".split()


def store_path(events: int, articles: int, seed: int) -> Path:
    """Where the store for these parameters is cached."""
    return CACHE / f"synthetic-e{events}-a{articles}-s{seed}-v{SCHEMA_VERSION}.duckdb"


def build_corpus(n_events: int, n_articles: int, seed: int = 0) -> Corpus:
    """A synthetic corpus of ``n_events`` events reported by ``n_articles`` articles."""
    rng = np.random.default_rng(seed)
    outlets = [f"Outlet {i:02d}" for i in range(N_OUTLETS)]
    actors = _actors(rng)
    actor_ids = list(actors)
    # Long tail: a few actors are in most events, most are rare.
    weights = 1.0 / np.arange(1, N_ACTORS + 1) ** 1.1
    weights /= weights.sum()

    published = np.sort(rng.integers(0, DAYS, n_articles))
    outlet_of = rng.integers(0, N_OUTLETS, n_articles)
    sentences: list[list[str]] = [[] for _ in range(n_articles)]
    mentions: list[Mention] = []
    events: list[Event] = []
    timexes: dict[str, list[Timex]] = {}

    for e in range(n_events):
        base = int(rng.integers(0, DAYS))
        granularity, earliest, latest, value, phrase = _when(rng, base)
        cast = list(dict.fromkeys(rng.choice(actor_ids, size=int(rng.integers(1, 4)), p=weights)))
        names = [actors[a].name for a in cast]
        summary = f"{names[0]} {VERBS[e % len(VERBS)]} {' and '.join(names[1:]) or 'a plan'}"
        # Mostly reported by articles published on or after the day it happened; about one
        # in eight is announced beforehand and so is still scheduled when reported.
        anchor = int(np.searchsorted(published, base))
        ahead = rng.random() < 0.12
        spread = rng.integers(-40, 0, 5) if ahead else rng.integers(0, 40, 5)
        picks = np.unique(np.clip(anchor + spread[: int(rng.integers(1, 6))], 0, n_articles - 1))
        if earliest is None:
            status = "undated"
        else:
            status = "scheduled" if published[picks].max() < base else "past"
        own: list[Mention] = []
        for a in picks:
            article_id = f"a{a:05d}"
            sentence = f"{summary} {phrase or 'at some point'}, officials said (event {e})."
            offset = sum(len(s) + 1 for s in sentences[a])
            sentences[a].append(sentence)
            day = START + timedelta(days=int(published[a]))
            spans = tuple(
                ActorRef(aid, offset + sentence.index(actors[aid].name), 0, actors[aid].name)
                for aid in cast
            )
            spans = tuple(
                ActorRef(s.actor_id, s.start, s.start + len(s.text), s.text) for s in spans
            )
            timex = None
            if phrase:
                at = offset + sentence.index(phrase)
                timex = Timex(
                    at, at + len(phrase), phrase, "DATE", value, earliest, latest, granularity
                )
                timexes.setdefault(article_id, []).append(timex)
            own.append(
                Mention(
                    id=f"{article_id}:{offset}",
                    article_id=article_id,
                    sentence_start=offset,
                    sentence_end=offset + len(sentence),
                    sentence=sentence,
                    status=status,
                    timex=timex,
                    actors=tuple(cast),
                    actor_spans=spans,
                    quote=None if e % 7 else f"We {VERBS[e % len(VERBS)]} it",
                    speaker=cast[0] if e % 7 == 0 else None,
                    reported_on=day,
                )
            )
        mentions.extend(own)
        sources = tuple(dict.fromkeys(outlets[outlet_of[a]] for a in picks))
        events.append(
            Event(
                id=f"ev{e:06d}",
                value=value,
                earliest=earliest,
                latest=latest,
                granularity=granularity,
                status=status,
                summary=summary,
                actors=tuple(cast),
                sources=sources,
                source_count=len(sources),
                independent_count=len(sources),
                mention_ids=tuple(m.id for m in own),
                date_text=phrase,
            )
        )

    articles = []
    for a in range(n_articles):
        text = "\n".join(sentences[a]) or f"Article {a} reports nothing dated."
        articles.append(
            Article(
                id=f"a{a:05d}",
                source_path=f"synthetic/a{a:05d}.txt",
                text=text,
                content_hash=f"{a:064x}",
                outlet=outlets[outlet_of[a]],
                title=f"Report {a} from {outlets[outlet_of[a]]}",
                url=f"https://example.org/{a}",
                published=START + timedelta(days=int(published[a])),
                date_source="metadata",
            )
        )
    return Corpus(
        articles=articles,
        timexes=timexes,
        actors=ActorIndex(actors, {}),
        mentions=mentions,
        events=events,
    )


def _actors(rng: np.random.Generator) -> dict[str, Actor]:
    found: dict[str, Actor] = {}
    for i in range(N_ACTORS):
        if i % 4 == 3:
            name, kind = f"{ORGS[i % len(ORGS)]} of Region {i}", "organisation"
        else:
            name, kind = (
                f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}",
                ("person"),
            )
        found[f"act{i:03d}"] = Actor(f"act{i:03d}", name, kind, aliases={name: 1})
    return found


def _when(rng: np.random.Generator, base: int):
    """Granularity, earliest, latest, TIMEX3 value and date phrase for one event."""
    roll = rng.random()
    day = START + timedelta(days=base)
    if roll < 0.1:
        return "vague", None, None, "PAST_REF", None
    if roll < 0.8:
        return "day", day, day, day.isoformat(), f"on {day:%B} {day.day}"
    if roll < 0.92:
        monday = day - timedelta(days=day.weekday())
        week = monday.isocalendar()
        return (
            "week",
            monday,
            monday + timedelta(days=6),
            f"{week.year}-W{week.week:02d}",
            f"in the week of {monday:%B} {monday.day}",
        )
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return "month", first, last, f"{first:%Y-%m}", f"in {first:%B %Y}"


def synthetic_store(events: int = 100_000, articles: int = 10_000, seed: int = 0) -> Path:
    """The cached synthetic store for these parameters, built on first use."""
    path = store_path(events, articles, seed)
    if not path.exists():
        started = time.perf_counter()
        corpus = build_corpus(events, articles, seed)
        made = time.perf_counter()
        Store(path).write_corpus(corpus, CORPUS)
        print(
            f"built {path.name}: corpus {made - started:.1f} s, "
            f"store {time.perf_counter() - made:.1f} s",
            file=sys.stderr,
        )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    path = synthetic_store(args.events, args.articles, args.seed)
    print(path)
    print(Store(path).counts(CORPUS))


if __name__ == "__main__":
    main()

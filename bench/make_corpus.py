"""Write a synthetic corpus of N wire-style articles, for measuring the build at scale.

    python bench/make_corpus.py 10000 /tmp/corpus-10k [--seed 0]

Stories about generated people and organisations unfold over months; each article reports a
few of its story's events, dated relative to its own publication day ("on Tuesday", "next
week", "on March 4"), with quotes, background and varied lengths. Some articles are exact
duplicates (same outlet, same text: ingestion skips them) and some are syndicated copies of
another outlet's story. Files go in one folder per month, each with a manifest.csv. The same
N and seed always give the same corpus.
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

FIRST = (
    "Anna Boris Carla Dmitri Elena Farid Grace Hugo Ines Jonas Karin Luis Maria Nadia Omar "
    "Petra Quentin Rosa Samir Tomas Ursula Viktor Wanda Xavier Yara Zoltan Alma Bruno Cecile "
    "Diego Esther Felix Greta Hamid Irene Julian Katya Lena Marco Nina Oskar Paula Rafael "
    "Sofia Theo Vera Walter Yusuf"
).split()
SYLLABLES = (
    "ka lo ren vi tor men sa dor bel ri an ko sul mar fen go ber lin dra vos ne mu ta hol "
    "gri pes ul wen zar ca"
).split()
ROLES = (
    "Foreign Minister",
    "Prime Minister",
    "President",
    "Defence Secretary",
    "Finance Minister",
    "chief executive",
    "central bank governor",
    "opposition leader",
)
ORG_KINDS = ("Ministry of Trade", "Port Authority", "Workers' Union", "Energy Agency", "Bank")
CITIES = (
    "Berlin Paris Madrid Warsaw Oslo Lisbon Vienna Prague Athens Dublin Rome Brussels "
    "Helsinki Geneva Ankara Cairo Nairobi Lagos Tokyo Seoul Ottawa Lima Quito Manila"
).split()
OUTLETS = (
    "Northern Ledger",
    "Daily Courier",
    "Harbour Times",
    "Evening Dispatch",
    "Capital Wire",
    "The Observer Post",
    "Valley Gazette",
    "Metro Herald",
    "Coastal Record",
    "Union Press",
    "Global Bulletin",
    "Weekly Sentinel",
)
# (past tense, base form, object)
ACTIONS = (
    ("signed", "sign", "a trade agreement"),
    ("announced", "announce", "new sanctions"),
    ("rejected", "reject", "the budget proposal"),
    ("approved", "approve", "an emergency aid package"),
    ("opened", "open", "talks on a ceasefire"),
    ("suspended", "suspend", "the pipeline project"),
    ("unveiled", "unveil", "a plan to cut emissions"),
    ("postponed", "postpone", "the summit"),
    ("criticised", "criticise", "the court ruling"),
    ("launched", "launch", "an inquiry into the contracts"),
)
QUOTES = (
    "We will not accept any deal that ignores our workers",
    "This is a difficult moment, but we are ready to talk",
    "Nobody should be surprised by what happened",
    "The numbers speak for themselves",
    "We expect an answer before the end of the month",
)
BACKGROUND = (
    "The dispute has dragged on for months and unsettled markets across the region.",
    "Analysts said the outcome remained uncertain.",
    "Opposition lawmakers have called for a full debate in parliament.",
    "Trading volumes were thin as investors waited for more details.",
    "The government did not respond to a request for comment.",
    "Talks between the two sides broke down once before.",
    "Several smaller parties have yet to take a position.",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January February March April May June July August September October November December"
).split()
START = date(2024, 1, 1)
# Share of articles that are exact duplicates, and syndicated copies under another outlet.
DUPLICATE_SHARE = 0.03
SYNDICATED_SHARE = 0.10


@dataclass(slots=True)
class Person:
    name: str
    role: str
    country: str


@dataclass(slots=True)
class Story:
    people: list[Person]
    org: str
    city: str
    events: list[tuple[date, tuple[str, str, str], int]]  # day, action, person index


def _surname(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _story(rng: random.Random, first_day: date) -> Story:
    city = rng.choice(CITIES)
    people = [
        Person(f"{rng.choice(FIRST)} {_surname(rng)}", rng.choice(ROLES), city)
        for _ in range(rng.randint(3, 6))
    ]
    org = f"{city} {rng.choice(ORG_KINDS)}"
    events = []
    day = first_day
    for _ in range(rng.randint(4, 10)):
        day += timedelta(days=rng.randint(1, 9))
        events.append((day, rng.choice(ACTIONS), rng.randrange(len(people))))
    return Story(people, org, city, events)


def _date_phrase(event_day: date, published: date) -> str:
    """How a wire story dates an event relative to its own publication day."""
    gap = (event_day - published).days
    if gap == 0:
        return "on " + WEEKDAYS[event_day.weekday()]
    if -6 <= gap <= 6:
        return "on " + WEEKDAYS[event_day.weekday()]
    return f"on {MONTHS[event_day.month - 1]} {event_day.day}"


def _sentence(rng: random.Random, story: Story, event: tuple, published: date) -> str:
    day, (past, base, obj), who = event
    person = story.people[who]
    surname = person.name.split()[-1]
    when = _date_phrase(day, published)
    if day <= published:
        forms = (
            f"{person.role.capitalize()} {person.name} {past} {obj} {when}.",
            f"{person.name} {past} {obj} {when}, officials in {story.city} said.",
            f"The {story.org} said {surname} had {past} {obj} {when}.",
        )
    else:
        forms = (
            f"{person.name} will {base} {obj} {when}, the {story.org} said.",
            f"{surname} is expected to {base} {obj} {when}.",
            f"The {person.role} plans to {base} {obj} {when} in {story.city}.",
        )
    return rng.choice(forms)


def _article(rng: random.Random, story: Story, published: date, outlet: str) -> tuple[str, str]:
    """Title and text of one article about ``story`` published on ``published``."""
    known = [e for e in story.events if e[0] <= published + timedelta(days=6)] or story.events
    picked = rng.sample(known, k=min(len(known), rng.randint(1, 4)))
    lead = story.people[picked[0][2]]
    title = f"{lead.name.split()[-1]} and the {story.org}: {picked[0][1][2]}"
    dateline = f"{story.city.upper()}, {MONTHS[published.month - 1]} {published.day} ({outlet}) -"
    lines = []
    first = True
    for event in picked:
        sentence = _sentence(rng, story, event, published)
        lines.append(f"{dateline} {sentence}" if first else sentence)
        first = False
        if rng.random() < 0.5:
            speaker = story.people[event[2]].name.split()[-1]
            lines.append(f"\u201c{rng.choice(QUOTES)},\u201d {speaker} told reporters.")
        lines.extend(rng.sample(BACKGROUND, k=rng.randint(0, 3)))
    return title, "\n\n".join(lines) + "\n"


def make_corpus(n: int, outdir: Path, *, seed: int = 0) -> list[Path]:
    """Write ``n`` article files (and a manifest.csv per month folder) under ``outdir``."""
    rng = random.Random(seed)
    n_stories = max(1, n // 40)
    stories = [_story(rng, START + timedelta(days=rng.randint(0, 330))) for _ in range(n_stories)]
    rows: dict[Path, list[dict[str, str]]] = {}
    written: list[tuple[str, str, str, date]] = []  # text, title, outlet, published
    paths = []
    for i in range(n):
        roll = rng.random()
        if written and roll < DUPLICATE_SHARE:
            text, title, outlet, published = rng.choice(written)
        elif written and roll < DUPLICATE_SHARE + SYNDICATED_SHARE:
            text, title, _, published = rng.choice(written)
            outlet = rng.choice(OUTLETS)
        else:
            story = rng.choice(stories)
            published = rng.choice(story.events)[0] + timedelta(days=rng.randint(0, 2))
            outlet = rng.choice(OUTLETS)
            title, text = _article(rng, story, published, outlet)
            written.append((text, title, outlet, published))
        folder = outdir / f"{published:%Y-%m}"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{i:07d}.txt"
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
        rows.setdefault(folder, []).append(
            {
                "file": name,
                "outlet": outlet,
                "published": published.isoformat(),
                "title": title,
                "url": f"https://news.example/{i:07d}",
            }
        )
    for folder, folder_rows in rows.items():
        with (folder / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(
                handle, fieldnames=["file", "outlet", "published", "title", "url"]
            )
            writer.writeheader()
            writer.writerows(folder_rows)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = make_corpus(args.n, args.outdir, seed=args.seed)
    print(f"wrote {len(paths)} articles under {args.outdir}")


if __name__ == "__main__":
    main()

"""The grammatical gender of the people a corpus names, to tell whom "he" or "she" refers to.

Only what the articles write counts: a courtesy title or a gendered noun just before a name
("Ms. Conlin", "spokeswoman Maria Cardona") and the pronouns that follow a name in its
sentence with no other person between ("Reno said she would decide") or in the next sentence
when the name's sentence names no one else ("Reno met the envoys. She said ..."). There is
no list of
first names: names cross languages and cultures, and for deciding whose quote a line is, a
guess from a name is worse than no answer. The cue words are in ``data/genders.toml``.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from dashboard.models import Actor, ActorRef, Article

GENDERS = ("female", "male")
# A person gets a gender with at least MIN_VOTES votes for it and MAJORITY times as many as
# for the other: "Albright said he would go" (he: someone else) must not outvote her "she"s.
MIN_VOTES = 2
MAJORITY = 2
# Votes of a courtesy title or gendered noun before the name (a pronoun after it: one).
TITLE_WEIGHT = 3
# Characters between a name and a pronoun after it that may still refer back to it.
PRONOUN_REACH = 80
# Characters before a name searched for a title ("Ms.", "spokeswoman").
TITLE_REACH = 16
# Characters searched back for the start of a name's sentence.
SENTENCE_REACH = 400
SENTENCE_BREAK = re.compile(r"[.!?][\"”’')]*\s")


@dataclass(frozen=True, slots=True)
class Cues:
    """Cue words by gender, compiled."""

    honorific_re: re.Pattern[str]  # a courtesy title ending just before a name
    noun_re: re.Pattern[str]  # a gendered noun ending just before a name
    pronoun_re: re.Pattern[str]
    gender_of: dict[str, str]  # casefolded cue word -> gender


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    """The cue words of ``data/genders.toml``."""
    data = tomllib.loads(
        resources.files("dashboard").joinpath("data", "genders.toml").read_text("utf-8")
    )
    gender_of: dict[str, str] = {}
    lists: dict[str, list[str]] = defaultdict(list)
    for gender in GENDERS:
        for field in ("honorifics", "nouns", "pronouns"):
            for word in data[gender][field]:
                gender_of[word.casefold()] = gender
                lists[field].append(re.escape(word))

    def alternation(field: str) -> str:
        return "|".join(sorted(lists[field], key=len, reverse=True))

    return Cues(
        honorific_re=re.compile(rf"\b({alternation('honorifics')})\.?\s+$"),
        noun_re=re.compile(rf"\b({alternation('nouns')})\s+$", re.IGNORECASE),
        pronoun_re=re.compile(rf"\b({alternation('pronouns')})\b", re.IGNORECASE),
        gender_of=gender_of,
    )


def assign_genders(
    articles: Sequence[Article], refs: dict[str, list[ActorRef]], actors: dict[str, Actor]
) -> None:
    """Set ``gender`` on each person whose cues across the corpus agree (others: None)."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for article in articles:
        add_votes(article.text, refs.get(article.id, []), actors, votes)
    set_genders(votes, actors)


def add_votes(
    text: str, refs: Sequence[ActorRef], actors: dict[str, Actor], votes: dict[str, Counter[str]]
) -> None:
    """Add one article's votes (its text and actor references) to ``votes``."""
    people = sorted((r for r in refs if _is_person(actors.get(r.actor_id))), key=lambda r: r.start)
    if people:
        _vote(text, people, votes, load_cues())


def set_genders(votes: dict[str, Counter[str]], actors: dict[str, Actor]) -> None:
    """Set the gender of each actor the corpus's votes agree on."""
    for actor_id, counts in votes.items():
        actors[actor_id].gender = decide(counts)


def decide(counts: Counter[str]) -> str | None:
    """The gender the votes agree on, or None."""
    for gender in GENDERS:
        other = counts[next(g for g in GENDERS if g != gender)]
        if counts[gender] >= MIN_VOTES and counts[gender] >= MAJORITY * other:
            return gender
    return None


def _is_person(actor: Actor | None) -> bool:
    return actor is not None and actor.kind == "person"


def _vote(text: str, people: list[ActorRef], votes: dict[str, Counter[str]], cues: Cues) -> None:
    """Add one article's votes: titles before each name, pronouns after the nearest one."""
    for ref in people:
        before = text[max(0, ref.start - TITLE_REACH) : ref.start]
        title = cues.honorific_re.search(before) or cues.noun_re.search(before)
        if title is not None:
            votes[ref.actor_id][cues.gender_of[title.group(1).casefold()]] += TITLE_WEIGHT
    ends = [r.end for r in people]
    for pronoun in cues.pronoun_re.finditer(text):
        k = bisect_right(ends, pronoun.start()) - 1
        if k < 0:
            continue
        ref = people[k]
        gap = text[ref.end : pronoun.start()]
        gender = cues.gender_of[pronoun.group(1).casefold()]
        breaks = list(SENTENCE_BREAK.finditer(gap))
        if not breaks:
            if len(gap) <= PRONOUN_REACH:
                votes[ref.actor_id][gender] += 1
        elif len(breaks) == 1 and _sole_person(text, people, k):
            # "Reno met the envoys. She said ...": the one person the sentence before names
            votes[ref.actor_id][gender] += 1


def _sole_person(text: str, people: list[ActorRef], k: int) -> bool:
    """people[k] is the only person named in its sentence (up to it)."""
    window = text[max(0, people[k].start - SENTENCE_REACH) : people[k].start]
    breaks = list(SENTENCE_BREAK.finditer(window))
    start = people[k].start - len(window) + (breaks[-1].end() if breaks else 0)
    return all(r.actor_id == people[k].actor_id for r in people[:k] if r.start >= start)

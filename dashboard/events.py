"""Turn an article's sentences, time expressions and actor references into dated mentions.

A mention is one sentence that says something happened or will happen: the time
expression that dates its clause, its actors with the subject first, its status, and the
direct quote and speaker when there is one.  Cues live in ``data/event_cues.toml`` and
``data/speech_verbs.txt``.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import TypeVar

from dashboard.actors import load_lexicon
from dashboard.models import Actor, ActorRef, Article, Mention, Timex
from dashboard.temporal import tag
from dashboard.temporal.grammar import (
    Grammar,
    UnsupportedLanguage,
    compile_guarded,
    load_grammar,
    word_trie,
)
from dashboard.temporal.resolver import figures_period
from dashboard.temporal.tense import clause_tense as read_tense

_Span = TypeVar("_Span", Timex, ActorRef)

# Time expression types that date a statement (durations and sets do not).
DATING_TYPES = ("DATE", "TIME")
# Longest sentence (characters) still read as one statement; longer runs are run-on text
# (a whole article on one line) and are cut into clauses of this size for the mention.
MAX_SENTENCE_CHARS = 1200
# How far (characters) before a date a speech verb makes the date the saying's, not the event's.
REPORTING_WINDOW = 45
# How far (characters) before a date a comparison may start that makes it a baseline
# ("the strongest storm to hit the coast since Hurricane Delia in 2019").
COMPARISON_REACH = 80
# Shortest quote (characters inside the marks) that makes a sentence a quoted statement.
MIN_QUOTE_CHARS = 12
# A quoted stretch of fewer words than this inside a sentence is a scare quote or a label,
# not a statement, unless it runs over a sentence break.
SCARE_QUOTE_WORDS = 3
# A quote filling this share of its sentence, with no speech verb, is a bare quote: its
# speaker is the person the previous sentence was about.
BARE_QUOTE_SHARE = 0.8
# Sentences after a dated statement that an undated simple-past one by the same subject may
# still share its occasion (date) across.
OCCASION_REACH = 5
# Nouns of a definite description ("the official") that fit any role; others ("the
# chairman") refer back only to a person whose role contains them.
GENERIC_ROLE_NOUNS = frozenset({"official", "leader", "head", "boss", "chief", "executive"})
# Pronouns that open a sentence and stand for the previous subject.
PRONOUNS = frozenset({"he", "she", "they", "it"})
PRONOUN_GENDER = {"he": "male", "she": "female"}
# Recent sentence subjects a pronoun may refer back to.
RECENT_PEOPLE = 4
# Characters from a sentence's start within which a name between commas is an apposition
# to its opening description ("The head of the inquiry in Nairobi, Ken Lowe, said").
APPOSITION_REACH = 100

OPEN_QUOTES = '“"‘'
# Typewriter quotes of wire archives (``like this''), read as curly ones of the same width:
# a space and the mark, so that every offset stays where it is.
ARCHIVE_QUOTES = (("``", " “"), ("''", "” "))
QUOTE_MARK_RE = re.compile(f"[{OPEN_QUOTES}]")
CLOSE_FOR = {"“": "”", '"': '"', "‘": "’"}


@dataclass(frozen=True, slots=True)
class Cues:
    """Compiled cue patterns from the package data."""

    scheduled: tuple[re.Pattern[str], ...]
    future: tuple[re.Pattern[str], ...]  # the scheduled cues that are verb forms
    ongoing: tuple[re.Pattern[str], ...]
    caption: tuple[re.Pattern[str], ...]
    background: tuple[re.Pattern[str], ...]
    comparison: tuple[re.Pattern[str], ...]  # a comparison's baseline, never the date
    relative_clause: tuple[re.Pattern[str], ...]  # ", who has run the town since 2018"
    aside: tuple[re.Pattern[str], ...]  # ", which began on Sunday,"
    past: tuple[re.Pattern[str], ...]
    dateline: tuple[re.Pattern[str], ...]
    pluperfect: tuple[re.Pattern[str], ...]
    perfect: tuple[re.Pattern[str], ...]
    simple_past: tuple[re.Pattern[str], ...]
    attributive_before: tuple[re.Pattern[str], ...]
    attributive_after: tuple[re.Pattern[str], ...]
    anaphor: tuple[re.Pattern[str], ...]
    speech_re: re.Pattern[str]
    examples: dict[str, tuple[str, ...]]
    # kind -> one pattern matching where any of the kind's patterns does (one scan, not n)
    any: dict[str, re.Pattern[str]]


def _data_text(name: str) -> str:
    return resources.files("dashboard").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=8)
def data_words(name: str) -> frozenset[str]:
    """The words of a one-word-per-line data file (``#`` lines are comments)."""
    lines = (line.strip() for line in _data_text(name).splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    """Load status, caption and speech cues from the package data."""
    doc = tomllib.loads(_data_text("event_cues.toml"))

    def compile_all(kind: str, flags: int = re.IGNORECASE) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(e["pattern"], flags) for e in doc.get(kind, []))

    # Factored by prefixes: an alternation of ~90 verbs is tried branch by branch at every
    # position of every sentence (a sixth of mention extraction's time).
    speech = word_trie({w.casefold() for w in data_words("speech_verbs.txt")})
    case_sensitive = {"dateline", "simple_past", "attributive_after"}

    def union(entries: list[dict], kind: str) -> re.Pattern[str]:
        flags = 0 if kind in case_sensitive else re.IGNORECASE
        # guarded: a sentence is searched from every position, most of which no cue starts at
        return compile_guarded("|".join(f"(?:{e['pattern']})" for e in entries) or "(?!)", flags)

    unions = {kind: union(entries, kind) for kind, entries in doc.items()}
    unions["future"] = union([e for e in doc["scheduled"] if e.get("tense", True)], "future")
    return Cues(
        scheduled=compile_all("scheduled"),
        future=tuple(
            re.compile(e["pattern"], re.IGNORECASE)
            for e in doc.get("scheduled", [])
            if e.get("tense", True)
        ),
        ongoing=compile_all("ongoing"),
        caption=compile_all("caption"),
        background=compile_all("background"),
        comparison=compile_all("comparison"),
        relative_clause=compile_all("relative_clause"),
        aside=compile_all("aside"),
        past=compile_all("past"),
        dateline=compile_all("dateline", 0),
        pluperfect=compile_all("pluperfect"),
        perfect=compile_all("perfect"),
        # Case-sensitive: "[a-z]+ed" must not take "United" or "Red" for a past verb.
        simple_past=compile_all("simple_past", 0),
        attributive_before=compile_all("attributive_before"),
        attributive_after=compile_all("attributive_after", 0),
        anaphor=compile_all("anaphor"),
        speech_re=compile_guarded(rf"\b(?:{speech})\b", re.IGNORECASE),
        examples={k: tuple(e["example"] for e in doc.get(k, [])) for k in doc},
        any=unions,
    )


# --- quotes -------------------------------------------------------------------------------


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of direct quotes (inside the marks); an unclosed quote ends at its paragraph.
    ``Archive quotes'' count as “curly” ones."""
    for mark, same_width in ARCHIVE_QUOTES:
        text = text.replace(mark, same_width)
    spans: list[tuple[int, int]] = []
    n = len(text)
    i = 0
    while True:
        m = QUOTE_MARK_RE.search(text, i)
        if m is None:
            return spans
        i = m.start()
        if not _opens(text, i):
            i += 1
            continue
        j = _closing(text, i + 1, CLOSE_FOR[text[i]])
        line_end = text.find("\n", i + 1)
        if line_end == -1:
            line_end = n
        j = min(j, line_end)
        if j > i + 1:
            spans.append((i + 1, j))
        i = j + 1


def _closing(text: str, start: int, close: str) -> int:
    """Where the quote opened before `start` closes (len(text) when it never does)."""
    j = text.find(close, start)
    while j != -1 and close == "’" and text[j + 1 : j + 2].isalpha():
        j = text.find(close, j + 1)  # "Ukraine’s": an apostrophe, not the closing mark
    return len(text) if j == -1 else j


def _opens(text: str, i: int) -> bool:
    """A quote mark at i opens a quote (not an apostrophe or a closing mark)."""
    ch = text[i]
    before = text[i - 1] if i else " "
    after = text[i + 1 : i + 2]
    if ch == "‘" or ch == '"':
        return (before.isspace() or before in "([—–-:") and bool(after) and not after.isspace()
    return True


# --- choosing the date of a sentence ------------------------------------------------------


def governing_timex(sentence: str, offset: int, timexes: Sequence[Timex]) -> Timex | None:
    """The time expression that dates the sentence's event, not the saying or background."""
    if not timexes:
        return None
    cues = load_cues()
    best: tuple[float, int] | None = None
    chosen = None
    about_people = relative_clauses(sentence, "relative_clause")
    # the figures of a period are what a future clause publishes, not when ("will publish
    # the data for May on Friday"); in "third-quarter profit rose" the quarter is the event's
    future = bool(cues.any["future"].search(sentence))
    asides = relative_clauses(sentence, "aside")
    for rank, tx in enumerate(timexes):
        local = tx.start - offset
        if cues.any["comparison"].search(sentence[max(0, local - COMPARISON_REACH) : local]):
            continue  # "fell 38% from a year earlier": the baseline, never the event's date
        if any(a <= local < b for a, b in about_people):
            continue  # "the mayor, who has run the town since 2018,": the person's past
        if len(timexes) == 1:
            return tx  # nothing to weigh it against
        before = sentence[max(0, local - REPORTING_WINDOW) : local]
        clause = _clause_around(sentence, local, tx.end - offset)
        score = 0.0
        if tx.resolved:
            score += 2
        if cues.speech_re.search(before) and len(timexes) > 1:
            score -= 1  # "said on Wednesday that ... on Friday": the saying's date
        if cues.any["scheduled"].search(clause):
            score += 1
        if cues.any["background"].search(sentence[max(0, local - 40) : local]):
            score -= 1.5
        if any(a <= local < b for a, b in asides):
            score -= 1.5  # "the talks, which began on Sunday, are to last until Friday"
        if is_attributive(sentence, local, tx.end - offset):
            score -= 1.5  # "the 2025 quota", "next year's budget": a name, not a date
        elif future and figures_period(sentence, local, tx.end - offset, load_grammar("en")):
            score -= 1.5  # "the data for May will be published on Friday": Friday's event
        key = (score, -rank)
        if best is None or key > best:
            best, chosen = key, tx
    return chosen


def relative_clauses(sentence: str, kind: str) -> list[tuple[int, int]]:
    """Spans of the non-restrictive relative clauses of a sentence: about a person
    ("relative_clause") or a thing ("aside")."""
    return [m.span() for m in load_cues().any[kind].finditer(sentence)]


def is_attributive(sentence: str, start: int, end: int) -> bool:
    """The expression at [start, end) modifies a noun: "the 2025 quota", "Friday's vote"."""
    cues = load_cues()
    after = sentence[end : end + 40]
    if not cues.any["attributive_after"].search(after):
        return False
    if re.match(r"[’']s\b", after):
        return True
    before = sentence[max(0, start - 20) : start]
    return bool(cues.any["attributive_before"].search(before))


CLAUSE_BOUNDARY = re.compile(r"[,;:]\s|\bthat\b|\bwhich\b")


def clause_bounds(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause holding [start, end): from the last boundary before to the next after."""
    bounds = [m.end() for m in CLAUSE_BOUNDARY.finditer(sentence, 0, max(0, start))]
    left = bounds[-1] if bounds else 0
    right_m = CLAUSE_BOUNDARY.search(sentence, end)
    right = right_m.start() if right_m else len(sentence)
    return left, right


def _outside_quotes(text: str) -> str:
    """The text with its direct quotes taken out."""
    kept, pos = [], 0
    for a, b in quote_spans(text):
        kept.append(text[pos:a])
        pos = b
    kept.append(text[pos:])
    return " ".join(part.strip() for part in kept if part.strip())


def _clause_around(sentence: str, start: int, end: int) -> str:
    """The text of the clause holding [start, end)."""
    left, right = clause_bounds(sentence, start, end)
    return sentence[left:right]


def forward_reading(article: Article, sentence_start: int, sentence: str, tx: Timex) -> Timex:
    """The timex read forward when its own clause is about the future.

    The tagger reads a weekday's direction from the nearest tense cue, which in "X will
    resume talks on Thursday, the minister said on Monday" is the saying's "said".  When
    the clause holding the expression has a future cue ("will", "is due to", "set to")
    and no past or perfect one, the clause alone is tagged again against the same anchor.
    """
    reported = article.published_day
    if reported is None or tx.latest is None or tx.latest >= reported:
        return tx
    cues = load_cues()
    if cues.any["past"].search(tx.text):
        return tx  # "last Thursday" looks back whatever the clause says
    local = tx.start - sentence_start
    left, _ = clause_bounds(sentence, local, local + len(tx.text))
    clause = sentence[left : local + len(tx.text)]
    if not cues.any["scheduled"].search(clause):
        return tx
    if cues.any["pluperfect"].search(clause) or cues.any["perfect"].search(clause):
        return tx
    for again in tag(clause, article.published, lang=article.language or "en"):
        if (
            again.start == local - left
            and again.earliest is not None
            and again.earliest >= reported
        ):
            return replace(
                tx,
                value=again.value,
                earliest=again.earliest,
                latest=again.latest,
                granularity=again.granularity,
            )
    return tx


def _grammar(article: Article) -> Grammar:
    try:
        return load_grammar(article.language or "en")
    except UnsupportedLanguage:
        return load_grammar("en")


def mention_status(sentence: str, timex: Timex | None, article: Article) -> str:
    """past, scheduled or ongoing from the date against the publication day; undated without."""
    if timex is None or not timex.resolved:
        return "undated"
    reported = article.published_day
    cues = load_cues()
    if reported is not None and timex.earliest is not None and timex.earliest > reported:
        return "scheduled"
    if reported is not None and timex.latest is not None and timex.latest < reported:
        return "past"
    if cues.any["past"].search(timex.text):
        return "past"
    clause = sentence
    local = sentence.find(timex.text) if timex.start >= 0 and sentence else -1
    if local >= 0:
        clause = _clause_around(sentence, local, local + len(timex.text))
    else:
        # The date came from a neighbouring sentence: what this one reports is its own
        # clause ("...," Clinton said), not what a quote in it says will happen.
        clause = _outside_quotes(sentence) or sentence
    if cues.any["pluperfect"].search(clause):
        return "past"  # "had agreed this week": done before the report
    if cues.any["scheduled"].search(clause):
        # The tagger's reading of the expression's own clause, nearest tense cue first: in
        # "officials said Monday they will order..." the day is the saying's, done.
        if local >= 0:
            nearest = read_tense(sentence, local, local + len(timex.text), _grammar(article))
            if nearest == "past":
                return "past"
        return "scheduled"
    if cues.any["ongoing"].search(clause):
        return "ongoing"
    return "past"


def clause_tense(text: str) -> str | None:
    """past, future or None for a statement: "had + participle" and simple past are past."""
    cues = load_cues()
    if cues.any["pluperfect"].search(text):
        return "past"
    if cues.any["future"].search(text):
        return "future"
    if cues.any["perfect"].search(text) or cues.any["simple_past"].search(text):
        return "past"
    return None


def dateline_length(sentence: str) -> int:
    """Characters of a wire dateline ("OSLO, Oct 14 (Reuters) - ") opening the sentence."""
    for pattern in load_cues().dateline:
        m = pattern.match(sentence)
        if m:
            return m.end()
    return 0


# --- sentences that are not statements ------------------------------------------------------


def is_furniture(sentence: str, article: Article, *, whole_line: bool = True) -> bool:
    """Captions, headlines and credit lines: no event in them."""
    stripped = sentence.strip()
    if not stripped:
        return True
    cues = load_cues()
    if cues.any["caption"].search(stripped):
        return True
    if article.title and stripped.casefold().rstrip(".") == article.title.casefold().rstrip("."):
        return True
    # A line with no closing punctuation is a headline, a caption or a byline.
    return whole_line and stripped[-1] not in ".!?”\"’'…:)"


# --- the mention of one sentence -------------------------------------------------------------


def extract_mentions(
    article: Article,
    sentences: list[tuple[int, int]],
    timexes: list[Timex],
    refs: list[ActorRef],
    actors: Mapping[str, Actor],
) -> list[Mention]:
    """One mention per sentence that carries a date, a quote or an actor-led statement.

    A sentence that only continues the previous mention's quote ("... very much," Trump
    said. "We're going to have Europe handle that.") is folded into that mention.
    """
    text = article.text
    quotes = quote_spans(text)
    mentions: list[Mention] = []
    # The people the last sentences were about, the latest last: who "he" or "she" is.
    recent: list[str] = []
    # actor id -> (the dated occasion of its last statement, sentence number)
    occasions: dict[str, tuple[Timex, int]] = {}
    dating_all = [t for t in timexes if t.type in DATING_TYPES and t.granularity != "vague"]
    dating_all.sort(key=lambda t: t.start)
    dating_starts = [t.start for t in dating_all]
    refs = sorted(refs, key=lambda r: r.start)
    ref_starts = [r.start for r in refs]
    for number, (start, end) in enumerate(sentences):
        if end - start > MAX_SENTENCE_CHARS:
            end = _cut(text, start, end)
        sentence = text[start:end]
        whole_line = text[end : end + 1] in ("", "\n") and text[start - 1 : start] in ("", "\n")
        if is_furniture(sentence, article, whole_line=whole_line):
            continue
        body = start + dateline_length(sentence)
        dating = _within(dating_all, dating_starts, body, end)
        sentence_refs = _within(refs, ref_starts, body, end)
        quote = _quote_in(text, quotes, start, end)
        previous = mentions[-1] if mentions else None
        if (
            quote
            and previous is not None
            and previous.quote is not None
            and not dating
            and _continues_quote(text, previous, start, end, quote, quotes)
        ):
            mentions[-1] = _extend(previous, text, end, quote, sentence_refs)
            continue
        speaker = None
        quote_text = None
        if quote:
            quote_text = _quote_text(text, quote)
            speaker = _speaker(text, start, end, quote, sentence_refs, actors, recent)
            if speaker is None and previous is not None and previous.actors:
                # "Olaf Scholz was blunt:" / a bare quote after a sentence about its speaker.
                after_colon = text[:start].rstrip()[-1:] == ":"
                bare = sum(b - a for a, b in quote) >= BARE_QUOTE_SHARE * (end - start)
                same_paragraph = "\n\n" not in text[previous.sentence_end : start]
                # ... but not someone the quote itself speaks of ("Kopp may be in Mexico")
                named = {
                    r.actor_id for r in sentence_refs if any(a <= r.start < b for a, b in quote)
                }
                spoke = _spoke(previous)
                if bare and same_paragraph and previous.speaker not in (None, *named):
                    speaker = previous.speaker  # the quote goes on: ``...,'' X said. ``...''
                elif previous.actors[0] in named:
                    pass
                elif after_colon or (
                    bare and same_paragraph and spoke and _is_person(previous, actors)
                ):
                    speaker = previous.actors[0]
        timex = governing_timex(sentence, start, dating)
        if timex is not None:
            timex = forward_reading(article, start, sentence, timex)
        subject = _subject(text, start, end, sentence_refs, actors, speaker, recent)
        ordered = _ordered_actors(subject, sentence_refs, actors)
        own = " ".join(text[a:b] for a, b in _outside(text, body, end, quote))
        if timex is None and subject in occasions:
            timex = _shared_occasion(own, occasions[subject], number)
        if (
            timex is None
            and not quote
            and not _has_agent(ordered, actors)
            and not (ordered and load_cues().any["scheduled"].search(sentence))
        ):
            continue  # background: no date, no quote, no one acting, nothing planned
        if not ordered and timex is None:
            continue
        status = mention_status(sentence, timex, article)
        mentions.append(
            Mention(
                id=f"{article.id}:{start}",
                article_id=article.id,
                sentence_start=start,
                sentence_end=end,
                sentence=sentence,
                status=status,
                timex=timex,
                actors=tuple(ordered),
                actor_spans=tuple(sentence_refs),
                quote=quote_text,
                speaker=speaker,
                reported_on=article.published_day,
            )
        )
        if subject is not None and _is_agent_id(subject, actors):
            occasion = _occasion(sentence, start, dating, timex, status)
            if occasion is not None:
                occasions[subject] = (occasion, number)
        if subject is not None and actors.get(subject, Actor(subject, subject)).kind == "person":
            if subject in recent:
                recent.remove(subject)
            recent.append(subject)
            del recent[:-RECENT_PEOPLE]
    return mentions


def _within(items: list[_Span], starts: list[int], lo: int, hi: int) -> list[_Span]:
    """The items (sorted by start) lying inside [lo, hi): a bisection, not a scan."""
    out = []
    for k in range(bisect_left(starts, lo), bisect_left(starts, hi)):
        if items[k].end <= hi:
            out.append(items[k])
    return out


def _occasion(
    sentence: str, start: int, dating: list[Timex], timex: Timex | None, status: str
) -> Timex | None:
    """The day the subject spoke or acted: the saying's date, else a past day that governs."""
    cues = load_cues()
    for tx in dating:
        if tx is timex and status != "past":
            continue  # "said the talks would begin on Monday": a plan, not the occasion
        local = tx.start - start
        before = sentence[max(0, local - REPORTING_WINDOW) : local]
        if tx.granularity == "day" and tx.resolved and cues.speech_re.search(before):
            return tx
    if timex is not None and status == "past" and timex.granularity == "day":
        return timex
    return None


def _shared_occasion(own: str, occasion: tuple[Timex, int], number: int) -> Timex | None:
    """An earlier occasion's date for an undated simple-past statement by the same subject.

    News keeps the reference time of a report: "X said on Monday ... He also dismissed
    the plan." The statement must be in the simple past (no perfect, pluperfect or future,
    no "earlier"/"previously") and within OCCASION_REACH sentences of the occasion.
    """
    timex, where = occasion
    if number - where > OCCASION_REACH:
        return None
    cues = load_cues()
    # "X, who was arrested in 2024, denies the charges": the clause about X is not the
    # statement, and its past verb says nothing of when X denies
    for a, b in reversed(relative_clauses(own, "relative_clause")):
        own = own[:a] + own[b:]
    if not cues.any["simple_past"].search(own):
        return None
    blockers = ("pluperfect", "perfect", "future", "past", "ongoing")
    if any(cues.any[kind].search(own) for kind in blockers):
        return None
    return timex


def _continues_quote(
    text: str,
    previous: Mention,
    start: int,
    end: int,
    quote: list[tuple[int, int]],
    quotes: list[tuple[int, int]],
) -> bool:
    """The sentence is the rest of the previous mention's quote, with no speaker of its own."""
    if start - previous.sentence_end > 3:
        return False
    if _has_attribution(text, start, end, quote):
        return False
    # Either one quote runs over the sentence break, or a new quote follows at once.
    return any(a < start < b for a, b in quotes) or quote[0][0] - start <= 1


def _quote_text(text: str, quote: list[tuple[int, int]]) -> str:
    """The quoted words, parts joined, without the trailing comma of an attribution."""
    return " ".join(text[a:b].strip() for a, b in quote).strip().rstrip(",")


def _extend(
    previous: Mention, text: str, end: int, quote: list[tuple[int, int]], refs: list[ActorRef]
) -> Mention:
    """The previous mention grown over the next sentence of its quote."""
    spans = list(previous.actor_spans) + [r for r in refs if r not in previous.actor_spans]
    ordered = list(previous.actors) + [
        r.actor_id for r in refs if r.actor_id not in previous.actors
    ]
    return Mention(
        id=previous.id,
        article_id=previous.article_id,
        sentence_start=previous.sentence_start,
        sentence_end=end,
        sentence=text[previous.sentence_start : end],
        status=previous.status,
        timex=previous.timex,
        actors=tuple(ordered),
        actor_spans=tuple(spans),
        quote=f"{previous.quote} {_quote_text(text, quote)}",
        speaker=previous.speaker,
        reported_on=previous.reported_on,
    )


def _cut(text: str, start: int, end: int) -> int:
    """End of the first clause of a run-on sentence, at a comma or space near the limit."""
    limit = start + MAX_SENTENCE_CHARS
    cut = max(text.rfind(", ", start, limit), text.rfind(" ", start, limit))
    return cut if cut > start else min(end, limit)


def _quote_in(
    text: str, quotes: list[tuple[int, int]], start: int, end: int
) -> list[tuple[int, int]]:
    """The quotes overlapping the sentence, clipped to it, without scare quotes (a word or
    two: "dubbed the ``boy hero'' and ``symbolic child''"); none when nothing else is left."""
    parts = [
        (max(a, start), min(b, end))
        for a, b in quotes
        if a < end
        and start < b
        and (a < start or b > end or len(text[a:b].split()) >= SCARE_QUOTE_WORDS)
    ]
    if sum(b - a for a, b in parts) < MIN_QUOTE_CHARS:
        return []  # a scare-quoted word or two is not a statement
    return parts


def _outside(
    text: str, start: int, end: int, quote: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The stretches of the sentence outside the quote marks."""
    out = []
    cursor = start
    for a, b in quote:
        if a - 1 > cursor:
            out.append((cursor, a - 1))
        cursor = max(cursor, b + 1)
    if cursor < end:
        out.append((cursor, end))
    return out


def _has_attribution(text: str, start: int, end: int, quote: tuple[int, int]) -> bool:
    cues = load_cues()
    return any(cues.speech_re.search(text[a:b]) for a, b in _outside(text, start, end, quote))


# Between a person's name and the speech verb: one description set off by commas ("Spencer
# Eig, an attorney for the family in Miami, said").
# A source named after the comma that closes what it reports ("..., the Treasury
# confirmed on Monday."), and the words after its verb that can still be such a tail.
TRAILING_SOURCE_RE = re.compile(r",\s+(?:(?:the|a|an)\s+)?\Z")
TRAILING_OPENERS = frozenset(
    "on in at to during after before late earlier later last this when while as adding "
    "citing according without through via".split()
)
# Words between a speech verb and a name after it that is its subject ("said Florida
# International's Fernandez"; not "urged citizens to keep protesting for Scholz's return").
SAID_WORDS = 3
APPOSITION_RE = re.compile(r",\s+[^,]{3,120},\s*")
# A possessive right after a name: "said Meissner's assumptions were ..." is not Meissner's.
POSSESSIVE_AFTER_RE = re.compile(r"[’']s?\b")


def _speaker(
    text: str,
    start: int,
    end: int,
    quote: list[tuple[int, int]],
    refs: list[ActorRef],
    actors: Mapping[str, Actor],
    recent: Sequence[str],
) -> str | None:
    """Who said the quote: the actor next to the speech verb outside the quote marks."""
    cues = load_cues()
    last_subject = recent[-1] if recent else None
    # Names in the quote did not say it, nor did a person whose aide, lawyer or spokesman
    # did ("a Gonzalez family lawyer said"); an organisation's official speaks for it.
    outside_refs = [
        r
        for r in refs
        if not any(a <= r.start < b for a, b in quote)
        and not (
            getattr(actors.get(r.actor_id), "kind", None) == "person"
            and cues.any["member_after"].match(text[r.end : r.end + 40])
        )
    ]
    for a, b in _outside(text, start, end, quote):
        for verb in cues.speech_re.finditer(text, a, b):
            # "..., Trump said" / "Trump said: ..." / "..., said Trump"
            before = [r for r in outside_refs if r.end <= verb.start() and r.start >= a]
            after = [r for r in outside_refs if r.start >= verb.end() and r.end <= b]
            gap_before = text[before[-1].end : verb.start()].split() if before else []
            pronoun_says = bool(gap_before) and gap_before[-1].casefold() in PRONOUNS
            # "Trump said", but not "The NATO summit, she said": the pronoun is the speaker
            if (
                before
                and len(gap_before) <= 3
                and not pronoun_says
                and _is_agent(before[-1], actors)
            ):
                return before[-1].actor_id
            agents = [r for r in before if _is_agent(r, actors)]
            if agents and APPOSITION_RE.fullmatch(text, agents[0].end, verb.start()):
                # "Spencer Eig, an attorney for the family in Miami, said": the named
                # person, not a name in the description or in what was said
                return agents[0].actor_id
            if verb.group().casefold().endswith("ing"):
                # "Trump, speaking ..., expressed doubt, asserting: ..." - the participle's
                # subject is the clause's, the first agent named before it.
                agents = [r for r in before if _is_agent(r, actors)]
                if agents:
                    return agents[0].actor_id
            window = text[max(a, verb.start() - 12) : verb.start()].split()
            if window and window[-1].casefold() in PRONOUNS:
                return _antecedent(window[-1], recent, actors)
            lead = text[a : verb.start()].lstrip(" ,")
            if last_subject is not None and any(p.fullmatch(lead.strip()) for p in cues.anaphor):
                return last_subject  # "..., the Russian official said"
            if (
                after
                and len(text[verb.end() : after[0].start].split()) <= 1
                and not POSSESSIVE_AFTER_RE.match(text, after[0].end)
            ):
                return after[0].actor_id  # "..., said Trump", not "said Trump's aides ..."
            if before and _is_agent(before[-1], actors):
                return before[-1].actor_id
    return None


def _antecedent(pronoun: str, recent: Sequence[str], actors: Mapping[str, Actor]) -> str | None:
    """Whom "he", "she" or "they" refers to: the latest of the recent subjects whose gender,
    when the articles tell it, fits the pronoun ("she said" after a sentence about a man
    goes back to the woman before him); None when none fits. A subject of unknown gender
    fits either: preferring those of known gender gave the pronouns to the people most
    written about, whoever was just quoted."""
    wanted = PRONOUN_GENDER.get(pronoun.casefold())
    for actor_id in reversed(recent):
        actor = actors.get(actor_id)
        if wanted is not None and actor is not None and actor.kind != "person":
            continue  # "he said" is no embassy's
        if wanted is None or actor is None or actor.gender in (None, wanted):
            return actor_id
    return None


def _spoke(m: Mention) -> bool:
    """The mention's subject is named before a verb or noun of speaking in its sentence
    ("Olaf Scholz spoke to reporters", "Gonzalez said during a news conference") or just
    after a speech verb ("..., said Florida International's Fernandez"), not further on
    ("The government urged protests for Scholz's return")."""
    if not m.actors:
        return False
    cues = load_cues()
    verb = cues.speech_re.search(m.sentence)
    found = [hit for hit in (cues.any["speaking"].search(m.sentence), verb) if hit]
    named = [r.start - m.sentence_start for r in m.actor_spans if r.actor_id == m.actors[0]]
    if not (found and named):
        return False
    first = min(hit.start() for hit in found)
    return min(named) < first or (
        verb is not None
        and any(
            at >= verb.end() and len(m.sentence[verb.end() : at].split()) <= SAID_WORDS
            for at in named
        )
    )


def _is_person(m: Mention, actors: Mapping[str, Actor]) -> bool:
    actor = actors.get(m.actors[0]) if m.actors else None
    return actor is not None and actor.kind == "person"


def _is_agent(ref: ActorRef, actors: Mapping[str, Actor]) -> bool:
    actor = actors.get(ref.actor_id)
    return actor is None or actor.kind in ("person", "organisation")


def _is_agent_id(actor_id: str, actors: Mapping[str, Actor]) -> bool:
    actor = actors.get(actor_id)
    return actor is None or actor.kind in ("person", "organisation")


def _has_agent(ordered: list[str], actors: Mapping[str, Actor]) -> bool:
    return any(actors.get(a) is None or actors[a].kind != "place" for a in ordered)


def _subject(
    text: str,
    start: int,
    end: int,
    refs: list[ActorRef],
    actors: Mapping[str, Actor],
    speaker: str | None,
    recent: Sequence[str],
) -> str | None:
    """The actor the sentence is about: the speaker, a leading pronoun's referent, the one
    named right before a speech verb, or the first agent that is neither a possessor ("Al
    Jazeera's") nor after a preposition."""
    if speaker is not None:
        return speaker
    last_subject = recent[-1] if recent else None
    first_word = text[start:end].split(maxsplit=1)[:1]
    if first_word and first_word[0].casefold() in PRONOUNS - {"it"}:
        return _antecedent(first_word[0], recent, actors)
    if last_subject is not None and _opens_with_anaphor(
        text, start, end, refs, actors, last_subject
    ):
        return last_subject  # "The Russian official spoke ...": the person just named
    sayer = _sayer(text, start, end, refs, actors)
    if sayer is not None:
        return sayer
    for i, ref in enumerate(refs):
        nxt = refs[i + 1] if i + 1 < len(refs) else None
        if nxt is not None and re.fullmatch(r"[’']s\s+", text[ref.end : nxt.start]):
            continue
        if nxt is not None and _is_title_between(text[ref.end : nxt.start], nxt, actors):
            continue  # "Marlow chairman Richard Oduya": the employer, then the person
        before = [w.casefold() for w in text[max(start, ref.start - 14) : ref.start].split()]
        if before and before[-1] in {"the", "a", "an"}:
            before = before[:-1]  # "the head of the FBI inquiry": still after "of"
        if before and before[-1] in {"in", "from", "to", "at", "of", "with", "on"}:
            continue
        if _is_agent(ref, actors):
            return ref.actor_id
    return refs[0].actor_id if refs else None


def _sayer(
    text: str, start: int, end: int, refs: list[ActorRef], actors: Mapping[str, Actor]
) -> str | None:
    """The agent named right before a speech verb ("Albright insisted that ..."): a statement
    is about who makes it, whoever the sentence names before ("With Milosevic resisting
    the deployment, Albright insisted ..."). Not across a comma: in "Kikwete, speaking
    with Albright, said" the name before "said" is not the one saying."""
    for verb in load_cues().speech_re.finditer(text, start, end):
        before = [r for r in refs if r.end <= verb.start()]
        if not before:
            continue
        gap = text[before[-1].end : verb.start()]
        if len(gap.split()) <= 1 and "," not in gap and _is_agent(before[-1], actors):
            if TRAILING_SOURCE_RE.search(text, start, before[-1].start) and not _says_that(
                text[verb.end() : end]
            ):
                continue  # "X will set out her plans on 11 June, the Treasury confirmed"
            return before[-1].actor_id
    return None


def _says_that(rest: str) -> bool:
    """What follows a speech verb is what was said ("that ...", "the plan would ..."), not
    a tail of when, where or how ("on Monday.", "in a statement to reporters ...")."""
    words = [w.strip(".,;:").casefold() for w in rest.split()]
    words = [w for w in words if w]
    if not words:
        return False
    return "that" in words[:4] or words[0] not in TRAILING_OPENERS


def _is_title_between(gap: str, nxt: ActorRef, actors: Mapping[str, Actor]) -> bool:
    """The gap is a lower-case title ("chairman", "chief executive") before a person."""
    actor = actors.get(nxt.actor_id)
    if actor is None or actor.kind != "person" or not gap.strip() or gap.strip()[0].isupper():
        return False
    m = load_lexicon().role_re.fullmatch(gap.strip())
    return m is not None


def _opens_with_anaphor(
    text: str,
    start: int,
    end: int,
    refs: list[ActorRef],
    actors: Mapping[str, Actor],
    last_subject: str | None = None,
) -> bool:
    """The sentence opens with "the <role>" and names no person in or just after it."""
    sentence = text[start:end]
    for pattern in load_cues().anaphor:
        m = pattern.match(sentence)
        if m is None:
            continue
        if sentence[m.end() : m.end() + 2].lstrip().startswith(","):
            return False  # "The minister, Ingrid Haugland, said": an apposition names her
        noun = m.group().split()[-1].casefold()
        role = (actors.get(last_subject or "") or Actor("", "")).role or ""
        if role and noun not in GENERIC_ROLE_NOUNS and noun not in role.casefold():
            return False  # "The chairman" does not refer back to a chief executive
        reach = start + m.end() + 3
        people = [r for r in refs if actors.get(r.actor_id, Actor("", "")).kind == "person"]
        if any(_is_apposition(text, r, start + APPOSITION_REACH) for r in people):
            return False  # "The head of the inquiry in Nairobi, Ken Lowe, said": he is named
        return not any(r.start < reach for r in people)
    return False


def _is_apposition(text: str, ref: ActorRef, before: int) -> bool:
    """The name stands between commas ("..., Ken Lowe, said") and starts before ``before``."""
    return (
        ref.start < before
        and text[ref.start - 2 : ref.start] == ", "
        and text[ref.end : ref.end + 1] == ","
    )


def _ordered_actors(
    subject: str | None, refs: list[ActorRef], actors: Mapping[str, Actor]
) -> list[str]:
    """Actor ids, the subject first, then in text order without repeats."""
    ordered: list[str] = [subject] if subject else []
    for ref in refs:
        if ref.actor_id not in ordered:
            ordered.append(ref.actor_id)
    return ordered

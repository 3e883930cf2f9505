"""Temporal tagger: find time expressions and resolve them against the publication date.

    >>> from datetime import date
    >>> [t.value for t in tag("She will visit on Friday.", date(2025, 3, 5))]
    ['2025-03-07']

Tag first, resolve second: the finder (patterns_en.toml over lexicon_en.toml) emits
candidates such as weekday=FRI; the resolver anchors each with the tense of its clause.
"""

from __future__ import annotations

import logging
import sys
from datetime import date, datetime

from dashboard.models import Timex, publication_day
from dashboard.temporal.calendar import Resolved
from dashboard.temporal.finder import Candidate, find
from dashboard.temporal.grammar import UnsupportedLanguage, load_grammar
from dashboard.temporal.resolver import Context, lend_range_years, resolve

__all__ = ["tag", "dateline", "UnsupportedLanguage"]

LOGGER = logging.getLogger(__name__)

# How far into a text (characters) a wire dateline may start.
DATELINE_REACH = 1500
# Resolved types that move the reference day "the next day" counts from.
REFERENCE_TYPES = ("DATE", "TIME")
# Kinds that name a quarter the text is about ("the third quarter"); a quarter derived
# from another ("a year earlier") is not one.
QUARTER_KINDS = ("quarter", "quarter_of_year")


def _timex(text: str, c: Candidate, r: Resolved) -> Timex:
    # Interned: "Monday" and "2024-05-06" recur across a corpus's hundreds of thousands of
    # timexes, and each copy costs about 55 bytes.
    return Timex(
        start=c.start,
        end=c.end,
        text=sys.intern(text[c.start : c.end]),
        type=r.type,
        value=sys.intern(r.value),
        earliest=r.earliest,
        latest=r.latest,
        granularity=r.granularity,
        mod=r.mod,
    )


def tag(text: str, anchor: date | datetime | None, *, lang: str = "en") -> list[Timex]:
    """Time expressions of `text` in text order, non-overlapping, resolved against `anchor`.

    `anchor` is the publication date (a tz-aware datetime counts by its own calendar day);
    with None, relative expressions keep X placeholders ("XXXX-WXX-5") and no interval.
    Raises UnsupportedLanguage when there is no grammar for `lang`.
    """
    grammar = load_grammar(lang)
    day = publication_day(anchor)
    ctx = Context(text=text, anchor=day, grammar=grammar, reference=day, reference_any=day)
    found: list[Timex] = []
    for cand in lend_range_years(text, find(text, grammar), grammar):
        resolved = resolve(cand, ctx)
        if resolved is None:
            continue
        found.append(_timex(text, cand, resolved))
        _remember(ctx, cand, resolved)
    return found


def _remember(ctx: Context, cand: Candidate, resolved: Resolved) -> None:
    """Keep the last dates mentioned: later "the next day" and "that year" count from them."""
    if resolved.type not in REFERENCE_TYPES or resolved.earliest is None:
        return
    if cand.kind in QUARTER_KINDS and resolved.granularity in ("quarter", "half"):
        ctx.last_quarter = (resolved, cand.end)
    if resolved.granularity != "vague":
        ctx.reference_any = resolved.earliest
    if resolved.granularity in ("day", "part-of-day", "hour", "minute"):
        ctx.reference = resolved.earliest


def dateline_place(text: str, *, lang: str = "en") -> tuple[int, int] | None:
    """The span of the place that opens a wire-story dateline ("KYIV" in "KYIV, Feb 26
    (Reuters) -"), or None when the text has no dateline."""
    grammar = load_grammar(lang)
    for match in grammar.dateline.finditer(text[:DATELINE_REACH]):
        place = match.group("place").strip()
        if place.isupper() or match.group("agency"):
            start = (
                match.start("place")
                + len(match.group("place"))
                - len(match.group("place").lstrip())
            )
            return start, start + len(place)
    return None


def dateline(text: str, anchor: date | datetime | None = None, *, lang: str = "en") -> Timex | None:
    """The date of a wire-story dateline near the top ("KYIV, Feb 26 (Reuters) -"), or None.

    Without a year in the dateline and without `anchor`, the value stays "XXXX-02-26".
    """
    grammar = load_grammar(lang)
    head = text[:DATELINE_REACH]
    for match in grammar.dateline.finditer(head):
        place = match.group("place").strip()
        if not (place.isupper() or match.group("agency")):
            continue
        day = publication_day(anchor)
        ctx = Context(text=text, anchor=day, grammar=grammar, reference=day)
        start, end = match.span("t")
        fields = {k: v for k, v in match.groupdict().items() if v is not None and k != "t"}
        cand = Candidate(start, end, "dateline", "date", fields)
        resolved = resolve(cand, ctx)
        if resolved is not None:
            return _timex(text, cand, resolved)
    return None

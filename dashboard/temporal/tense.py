"""Read the tense of the clause that governs a time expression.

Hand-written because no library here gives clause tense cheaply: a parser (spaCy) would
cost far more than the whole tagger.  The cue nearest the expression inside its clause
decides: "he said at a news conference on Sunday" is past, "are due to meet in London on
Sunday" is future.  Cues are data (tense_en.toml).
"""

from __future__ import annotations

import re

from dashboard.temporal.grammar import Grammar

PAST = "past"
PRESENT = "present"
FUTURE = "future"

# How far (characters) to look for the sentence around an expression.
WINDOW = 400
# Sentence ends: a stop, question or exclamation mark before a space and a capital or
# quote, or a line break.
SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n")
# Clause breaks inside a sentence: punctuation, quotes, and words that open a new clause
# (the break falls before the word, so "since Monday" keeps its "since").
CLAUSE_BREAK = re.compile(
    r"[;:()“”\"]|\s[—–]\s|--|,\s+(?:and|but|or)\b|"
    r"\b(?=(?:that|which|who|whom|whose|when|while|where|because|but|although|though|"
    r"after|before|if|unless|whether|as\s+(?:he|she|they|it|the)|saying|adding)\b)",
    re.IGNORECASE,
)


def _is_abbreviation(text: str, dot: int, grammar: Grammar) -> bool:
    """True when the period at `dot` ends an abbreviation ("Feb.", "U.S.") not a sentence."""
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].lower()
    return len(word) == 1 or word in grammar.abbreviations


def sentence_bounds(text: str, start: int, end: int, grammar: Grammar) -> tuple[int, int]:
    """The sentence around [start, end) within a bounded window."""
    lo = max(0, start - WINDOW)
    hi = min(len(text), end + WINDOW)
    s, e = lo, hi
    for m in SENTENCE_END.finditer(text, lo, hi):
        if m.group().startswith(".") and _is_abbreviation(text, m.start(), grammar):
            continue
        if m.end() <= start:
            s = m.end()
        elif m.start() >= end:
            e = m.start() + 1
            break
    return s, e


def clause_bounds(text: str, s: int, e: int, start: int, end: int) -> tuple[int, int]:
    """The clause of a sentence [s, e) that holds the expression [start, end)."""
    cs, ce = s, e
    for m in CLAUSE_BREAK.finditer(text, s, e):
        if m.end() <= start:
            cs = m.end() if m.end() > m.start() else m.start()
        elif m.start() >= end:
            ce = m.start()
            break
    return cs, ce


Cue = tuple[int, int, str]


def sentence_cues(text: str, s: int, e: int, grammar: Grammar) -> list[Cue]:
    """(start, end, tense) of every tense cue in the sentence [s, e), one scan."""
    return [(m.start(), m.end(), m.lastgroup or "") for m in grammar.cues.finditer(text, s, e)]


def _nearest_cue(cues: list[Cue], lo: int, hi: int, start: int, end: int) -> str | None:
    """The tense of the cue in [lo, hi) nearest the expression (not one of its own words)."""
    best: tuple[int, str] | None = None
    for c_start, c_end, tense in cues:
        if c_start < lo or c_end > hi or (c_start < end and c_end > start):
            continue
        distance = start - c_end if c_end <= start else c_start - end
        if best is None or distance < best[0]:
            best = (distance, tense)
    return best[1] if best else None


def clause_tense(
    text: str,
    start: int,
    end: int,
    grammar: Grammar,
    cache: dict[tuple[int, int], list[Cue]] | None = None,
) -> str | None:
    """ "past", "present", "future" or None for the clause around text[start:end].

    `cache` keeps each sentence's cues, so several expressions in one sentence scan it once.
    """
    s, e = sentence_bounds(text, start, end, grammar)
    if cache is None:
        cues = sentence_cues(text, s, e, grammar)
    else:
        cues = cache.get((s, e)) or cache.setdefault((s, e), sentence_cues(text, s, e, grammar))
    cs, ce = clause_bounds(text, s, e, start, end)
    found = _nearest_cue(cues, cs, ce, start, end)
    if found is None and (cs, ce) != (s, e):
        found = _nearest_cue(cues, s, e, start, end)
    return found

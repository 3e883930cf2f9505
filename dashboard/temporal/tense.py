"""Read the tense of the clause that governs a time expression.

Hand-written because no library here gives clause tense cheaply: a parser (spaCy) would
cost far more than the whole tagger.  The cue nearest the expression inside its clause
decides: "he said at a news conference on Sunday" is past, "are due to meet in London on
Sunday" is future.  Cues are data (tense_en.toml).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from dashboard.temporal.grammar import Grammar, lower

PAST = "past"
PRESENT = "present"
FUTURE = "future"

# How far (characters) to look for the sentence around an expression.
WINDOW = 400
# Sentence ends: a stop, question or exclamation mark before a space and a capital or
# quote, or a line break.
SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=(?:``|[\"“‘'(\[])?[A-Z0-9])|\n")
# Clause breaks inside a sentence: punctuation, quotes, and words that open a new clause
# (the break falls before the word, so "since Monday" keeps its "since").
CLAUSE_BREAK = re.compile(
    r"[;:()“”\"]|\s[—–]\s|--|,\s+(?:and|but|or)\b|"
    r"\b(?=(?:that|which|who|whom|whose|when|while|where|because|but|although|though|"
    r"after|before|if|unless|whether|as\s+(?:he|she|they|it|the)|saying|adding|"
    r"and\s+(?:was|were|is|are|will|had|has|have|would|could|should|might|must|can|did))\b)",
    re.IGNORECASE,
)
# A quoted fragment inside a clause, opening in lower case ('had made "a fair offer" over
# the weekend'): its quote marks do not break the clause, as a whole quoted sentence's do.
QUOTED_FRAGMENT = re.compile(r"[“\"](?=[a-z])[^“”\"\n]{1,200}[”\"]")


# A date opening its sentence ("On Friday,", "Late on Monday,") followed by a subordinate
# clause: the tense is the main clause's, after that clause's comma.
FRONTED_BEFORE = re.compile(r"\s*(?:(?:[Oo]n|[Ll]ate|[Ee]arly|[Bb]y|[Ii]n)\s+)*")
FRONTED_AFTER = re.compile(r"\s*,\s*")
SUBORDINATE = re.compile(
    r"(?:when|while|as|after|before|because|although|though|since|until|once)\b", re.IGNORECASE
)
# English puts a verb before its time adjuncts: a cue after the expression governs it only
# when it is at least this many times closer than the cue before ("has decided to admit
# them in early March, an official said": the admitting's, not the saying's; measured on
# TBAQ, docs/benchmarks.md).
AFTER_CUE_HANDICAP = 2
# Longest abbreviation checked before a period ("sept", "u.s").
ABBREVIATION_REACH = 12


WORD_BEFORE_DOT = re.compile(r"[A-Za-z.]*\Z")


def _is_abbreviation(text: str, dot: int, grammar: Grammar) -> bool:
    """True when the period at `dot` ends an abbreviation ("Feb.", "U.S.") not a sentence."""
    found = WORD_BEFORE_DOT.search(text, max(0, dot - ABBREVIATION_REACH), dot)
    word = found.group().lower() if found else ""
    return len(word) == 1 or word in grammar.abbreviations


Cue = tuple[int, int, str]


@dataclass(slots=True)
class TenseReader:
    """The tense of the clause around any span of one text.

    Sentence ends are found once per text; each sentence's cues and clause breaks once per
    sentence, so a text dense with dates costs a lookup per date, not a scan.  A sentence
    longer than 2 * WINDOW is read in overlapping chunks of that size.
    """

    text: str
    grammar: Grammar
    _ends: list[int] | None = None  # where sentences start (after an end mark)
    _low: str | None = None  # the text in lower case, for the cues
    _parts: dict[tuple[int, int], tuple[list[Cue], list[tuple[int, int]]]] = field(
        default_factory=dict
    )

    def _sentence_starts(self) -> list[int]:
        if self._ends is None:
            self._ends = [0]
            for m in SENTENCE_END.finditer(self.text):
                if m.group().startswith(".") and _is_abbreviation(
                    self.text, m.start(), self.grammar
                ):
                    continue
                self._ends.append(m.end())
        return self._ends

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """The sentence (or chunk of a long one) around [start, end)."""
        starts = self._sentence_starts()
        i = bisect_right(starts, start) - 1
        s = starts[i]
        e = starts[i + 1] if i + 1 < len(starts) else len(self.text)
        while e < end and i + 2 < len(starts):  # an end mark inside the expression
            i += 1
            e = starts[i + 1]
        if e - s > 2 * WINDOW:
            k = max(0, (start - s) // WINDOW - 1)
            s, e = s + k * WINDOW, min(e, s + (k + 2) * WINDOW + (end - start))
        return s, e

    def _cues_and_breaks(self, s: int, e: int) -> tuple[list[Cue], list[tuple[int, int]]]:
        if (s, e) not in self._parts:
            if self._low is None:
                self._low = lower(self.text)
            g = self.grammar
            cues = [
                (m.start(), m.end(), g.cue_tense[m.lastgroup or ""])
                for m in g.cues.finditer(self._low, s, e)
                if m.lastgroup not in g.cue_lowercase or self.text[m.start()].islower()
            ]
            breaks = [m.span() for m in CLAUSE_BREAK.finditer(self.text, s, e)]
            fragments = {
                mark for m in QUOTED_FRAGMENT.finditer(self.text, s, e) for mark in m.span()
            }
            if fragments:  # a fragment's quote marks are at its first and last character
                breaks = [b for b in breaks if b[0] not in fragments and b[1] not in fragments]
            self._parts[(s, e)] = (cues, breaks)
        return self._parts[(s, e)]

    def tense(self, start: int, end: int) -> str | None:
        """ "past", "present", "future" or None for the clause around text[start:end]."""
        s, e = self.sentence(start, end)
        cues, breaks = self._cues_and_breaks(s, e)
        cs, ce = clause_bounds(breaks, s, e, start, end)
        found = _nearest_cue(cues, cs, ce, start, end, self.text.find(",", end, ce))
        if found is None:
            found = self._main_clause_cue(cues, s, e, start, end, ce)
        if found is None and (cs, ce) != (s, e):
            found = _nearest_cue(cues, s, e, start, end)
        return found

    def _main_clause_cue(
        self, cues: list[Cue], s: int, e: int, start: int, end: int, ce: int
    ) -> str | None:
        """For a date opening its sentence before a subordinate clause ("On Friday, when
        she set aside the planned trip, the ministry lifted ..."), the first cue of the main
        clause after it: the date belongs to the main clause, not to the subordinate one."""
        if not FRONTED_BEFORE.fullmatch(self.text[s:start]):
            return None
        if not FRONTED_AFTER.match(self.text, end, ce) or not SUBORDINATE.match(self.text, ce):
            return None
        comma = self.text.find(", ", ce, e)
        if comma < 0:
            return None
        return next((tense for a, _, tense in cues if a > comma), None)


def clause_bounds(
    breaks: list[tuple[int, int]], s: int, e: int, start: int, end: int
) -> tuple[int, int]:
    """The clause of a sentence [s, e) that holds the expression [start, end)."""
    cs, ce = s, e
    for b_start, b_end in breaks:
        if b_end <= start:
            cs = b_end if b_end > b_start else b_start
        elif b_start >= end:
            ce = b_start
            break
    return cs, ce


def _nearest_cue(
    cues: list[Cue], lo: int, hi: int, start: int, end: int, comma: int = -1
) -> str | None:
    """The tense of the cue in [lo, hi) nearest the expression (not one of its own words),
    a cue after it counting AFTER_CUE_HANDICAP times its distance, and not counting at all
    past a comma (``comma``, -1 for none) when a cue before it in the clause has spoken:
    "talks that are supposed to conclude by May, invited Sinn Fein" is the talks' May."""
    # cues do not overlap, so in start order they are in end order too
    i = bisect_left(cues, (start,))
    before = next((c for c in reversed(cues[max(0, i - 3) : i]) if c[1] <= start), None)
    after = next((c for c in cues[max(0, i - 2) : i + 3] if c[0] >= end), None)
    best: tuple[int, str] | None = None
    if before is not None and before[0] >= lo:
        best = (start - before[1], before[2])
    if after is not None and best is not None and 0 <= comma < after[0]:
        after = None
    if after is not None and after[1] <= hi:
        gap = after[0] - end
        if best is None or gap * AFTER_CUE_HANDICAP < best[0]:
            best = (gap, after[2])
    return best[1] if best else None


def clause_tense(text: str, start: int, end: int, grammar: Grammar) -> str | None:
    """ "past", "present", "future" or None for the clause around text[start:end]."""
    return TenseReader(text, grammar).tense(start, end)

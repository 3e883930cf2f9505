"""Find time-expression candidates in a text: spans and raw fields, nothing resolved yet.

"on Friday" becomes a Candidate for "Friday" with fields {"weekday": "Friday"}; the
resolver later anchors it.  Candidate detection is our own grammar (patterns_en.toml)
rather than dateparser's ``search_dates``, which reads "may", "march" and "sun" in
ordinary prose as dates.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from dashboard.temporal.grammar import Grammar, Rule, lower

# Groups whose word must be capitalised ("Friday", "March"), checked after matching
# because the patterns match case-insensitively ("Last week", "TODAY").
CAPITALISED_GROUPS = ("month", "weekday", "holiday")
# Context groups that let an ambiguous month word stand alone ("in May", "early March").
MONTH_CONTEXT_GROUPS = ("prep", "rel", "mod", "day", "year")
# A capitalised word right after an ambiguous month word with no day or year: a surname.
NAME_AFTER = re.compile(r" [A-Z][a-z]")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A matched span with the named groups of the rule that matched it."""

    start: int
    end: int
    rule: str
    kind: str
    fields: dict[str, str] = field(default_factory=dict)
    order: int = 0

    @property
    def length(self) -> int:
        return self.end - self.start


def _accepts(rule: Rule, match: re.Match[str], grammar: Grammar) -> bool:
    """Checks a regex cannot express: capitals, ambiguous month words, required groups."""
    groups = match.groupdict()
    for name in CAPITALISED_GROUPS:
        word = groups.get(name)
        if word is not None and word[0].isalpha() and not word[0].isupper():
            return False
    month = groups.get("month")
    if month is not None and month.lower() in grammar.ambiguous_months:
        if not any(groups.get(g) for g in MONTH_CONTEXT_GROUPS):
            return False
    if (
        month is not None
        and month.lower() in grammar.first_name_months
        and not (groups.get("day") or groups.get("year") or groups.get("rel"))
        and (groups.get("prep") or "").lower() in grammar.weak_month_context
        and not groups.get("mod")
        and NAME_AFTER.match(match.string, match.end("month"))
    ):
        return False  # "and Jan Kavan of the Czech Republic": a first name
    if rule.requires and not any(groups.get(g) for g in rule.requires):
        return False
    return True


def _candidate(rule: Rule, match: re.Match[str]) -> Candidate:
    if "t" in rule.regex.groupindex and match.group("t") is not None:
        start, end = match.span("t")
    else:
        start, end = match.span()
    fields = {k: v for k, v in match.groupdict().items() if v is not None and k != "t"}
    return Candidate(start, end, rule.name, rule.kind, fields, rule.order)


# How far (characters) a match may reach before or after its anchor word, context included.
# The longest reaches ("throughout the beginning of September", "the third quarter of the
# current fiscal year") stay under 30 with single spaces; runs of many spaces inside one
# expression can push it out.  Tests check that scanning near anchors finds what a
# whole-text scan finds (the seeds, TBAQ in the benchmark, generated texts).
REACH = 60
# How far a window's end may move to fall on a space rather than inside a word.
SNAP = 40
CLOCK_SUFFIXES = ("am", "pm", "a.m", "p.m", "a", "p", ":")
ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")


def _digit_anchor(token: str) -> str:
    """ "2008" #year, "1990s" or "90s" #decade, "15:" or "3pm" #clock, "25th" #ordinal;
    "" otherwise."""
    digits = token.rstrip("abcdefghijklmnopqrstuvwxyz.:")
    suffix = token[len(digits) :].rstrip(".") if not token.endswith(":") else ":"
    if not suffix and len(digits) == 4 and "1600" <= digits <= "2099":
        return "#year"
    if suffix == "s" and digits.endswith("0") and len(digits) in (2, 4):
        return "#decade"
    if suffix in CLOCK_SUFFIXES:
        return "#clock"
    if suffix in ORDINAL_SUFFIXES and len(digits) <= 2:
        return "#ordinal"
    return ""


def anchor_hits(text: str, grammar: Grammar) -> dict[str, list[tuple[int, int]]]:
    """Spans of the anchor words of each anchor class, in text order (one scan)."""
    low = lower(text)
    hits: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m in grammar.anchor_scan.finditer(low):
        s, e = m.span()
        word = m.group()
        if word[0].isdigit():
            classes = grammar.anchor_classes.get(_digit_anchor(word), ())
        elif s and (low[s - 1].isalnum() or low[s - 1] == "_"):
            continue  # inside a word ("holiday")
        else:
            classes = grammar.anchor_classes[word]
        for name in classes:
            hits[name].append((s, e))
    return hits


SPACE = re.compile(r"\s")


def windows(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Merged stretches of text within REACH of the spans.

    A window ends on whitespace (within SNAP characters), since a regex sees the end of
    a window as the end of the text: "Sundays" cut to "Sunday" would match.  Its start
    needs no care: word boundaries and look-behinds see the text before it.
    """
    merged: list[tuple[int, int]] = []
    size = len(text)
    for s, e in spans:
        lo, hi = max(0, s - REACH), e + REACH
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    snapped = []
    for lo, hi in merged:
        space = SPACE.search(text, hi, hi + SNAP) if hi < size else None
        snapped.append((lo, space.start() if space else min(size, hi + SNAP)))
    return snapped


def match_rules(text: str, grammar: Grammar) -> list[Candidate]:
    """Every accepted match of every rule, overlapping, looking only near anchor words."""
    hits = anchor_hits(text, grammar)
    near = {name: windows(spans, text) for name, spans in hits.items()}
    found: list[Candidate] = []
    for rule in grammar.rules:
        for lo, hi in near.get(rule.anchor, ()):
            for match in rule.regex.finditer(text, lo, hi):
                if match.end() > match.start() and _accepts(rule, match, grammar):
                    found.append(_candidate(rule, match))
    return found


def match_rules_everywhere(text: str, grammar: Grammar) -> list[Candidate]:
    """The same as match_rules, scanning the whole text with every rule (slow; for tests)."""
    found: list[Candidate] = []
    for rule in grammar.rules:
        for match in rule.regex.finditer(text):
            if match.end() > match.start() and _accepts(rule, match, grammar):
                found.append(_candidate(rule, match))
    return found


def select(candidates: list[Candidate], size: int) -> list[Candidate]:
    """Non-overlapping candidates, longest first (earlier rule on ties), in text order."""
    # A byte per character marks what is taken: linear in the text, whatever the
    # number of candidates (an adversarial text can have hundreds of thousands).
    taken = bytearray(size)
    chosen: list[Candidate] = []
    for cand in sorted(candidates, key=lambda c: (-c.length, c.order, c.start)):
        if taken.find(1, cand.start, cand.end) == -1:
            taken[cand.start : cand.end] = b"\x01" * cand.length
            chosen.append(cand)
    chosen.sort(key=lambda c: c.start)
    return chosen


def find(text: str, grammar: Grammar) -> list[Candidate]:
    """Candidates of a text, non-overlapping and in text order."""
    return select(match_rules(text, grammar), len(text))

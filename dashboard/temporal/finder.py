"""Find time-expression candidates in a text: spans and raw fields, nothing resolved yet.

"on Friday" becomes a Candidate for "Friday" with fields {"weekday": "Friday"}; the
resolver later anchors it.  Candidate detection is our own grammar (patterns_en.toml)
rather than dateparser's ``search_dates``, which reads "may", "march" and "sun" in
ordinary prose as dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dashboard.temporal.grammar import Grammar, Rule

# Groups whose word must be capitalised ("Friday", "March"), checked after matching
# because the patterns match case-insensitively ("Last week", "TODAY").
CAPITALISED_GROUPS = ("month", "weekday")
# Context groups that let an ambiguous month word stand alone ("in May", "early March").
MONTH_CONTEXT_GROUPS = ("prep", "rel", "mod", "day", "year")


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


def match_rules(text: str, grammar: Grammar) -> list[Candidate]:
    """Every accepted match of every rule, overlapping."""
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

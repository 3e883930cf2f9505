"""grammar.guarded_source: a regex behind a lookahead for its first characters matches as it
did."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.temporal.grammar import compile_guarded, guarded_source, load_grammar

GRAMMAR = load_grammar("en")
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]

TRICKY = [
    "On Monday, MONDAY and monday; Mondays. Mon. 3pm 15:30 on 2024-05-06 and 5/6/2024.",
    "The KELVIN sign \u212a and long \u017f: Ki\u017f\u017fing ſeptember, İstanbul in May.",
    "Last week, the week of March 3, early March 2025, mid-March, the 1990s, '90s, Q3.",
    "He will meet on Friday; they're due to vote, had met, and expected the bank to cut.",
]


def _matches(regex: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], dict, str | None]]:
    return [(m.span(), m.groupdict(), m.lastgroup) for m in regex.finditer(text)]


@pytest.mark.parametrize("rule", GRAMMAR.rules, ids=lambda r: r.name)
def test_every_rule_matches_as_written(rule) -> None:
    assert rule.regex.pattern != rule.source  # every rule has a guard
    written = re.compile(rule.source, rule.regex.flags)
    for text in [*SEED_TEXTS, *TRICKY, *rule.examples]:
        assert _matches(rule.regex, text) == _matches(written, text)


def test_tense_cues_match_as_unguarded() -> None:
    assert GRAMMAR.cues.pattern.startswith("(?=[")
    unguarded = re.compile(GRAMMAR.cues.pattern.split("(?:", 1)[1][:-1], GRAMMAR.cues.flags)
    for text in [*SEED_TEXTS, *TRICKY]:
        low = text.lower()
        assert _matches(GRAMMAR.cues, low) == _matches(unguarded, low)


@pytest.mark.parametrize(
    ("pattern", "flags", "lookahead"),
    [
        (r"\b(?:on\s+)?(?:monday|may)\b", re.IGNORECASE, "[mo]"),
        (r"(?<!x)[0-9]{2}|ab", 0, "[0123456789a]"),
        (r"(?:a|b)?c", 0, "[abc]"),
        (r"x*", 0, None),  # matches the empty string: no guard
        (r"\w+", 0, None),  # a category: any letter
        (r"[^a]b", 0, None),  # a negated class
        (r"(?i:a)b", 0, None),  # case-insensitive inside a case-sensitive regex
        (r".b", 0, None),
        (r"(?a:k)x", re.IGNORECASE, None),  # ASCII-only case folding inside: no guard
        (r"(?-i:K)x", re.IGNORECASE, "[K]"),  # narrower inside: the guard is wider
    ],
)
def test_guard_lookahead(pattern: str, flags: int, lookahead: str | None) -> None:
    out = guarded_source(pattern, flags)
    assert out == (pattern if lookahead is None else f"(?={lookahead})(?:{pattern})")


def test_guard_keeps_case_folding() -> None:
    regex = re.compile(r"\bkiss\b", re.IGNORECASE)
    text = "KISS, kiss, \u212aiss and ki\u017f\u017f"
    assert _matches(compile_guarded(regex.pattern, regex.flags), text) == _matches(regex, text)
    assert len(_matches(regex, text)) == 4


def test_a_pattern_opening_with_global_flags_compiles_unguarded() -> None:
    regex = compile_guarded(r"(?i)kiss\b")
    assert regex.pattern == r"(?i)kiss\b"
    assert regex.match("KISS")

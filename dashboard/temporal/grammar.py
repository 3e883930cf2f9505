"""Load a language's lexicon, patterns and tense cues from the package data files."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

# Word lists of the lexicon that patterns refer to as %NAME%.
WORD_LISTS = {
    "MONTH": "months",
    "WEEKDAY": "weekdays",
    "UNIT": "units",
    "POD": "parts_of_day",
    "DEICTIC": "deictic_days",
    "SEASON": "seasons",
    "ORDINAL": "ordinals",
    "DECADEWORD": "decade_words",
    "SETWORD": "sets",
    "VAGUE": "vague",
}


class UnsupportedLanguage(ValueError):
    """No grammar files for this language."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One candidate pattern: a compiled regex and the resolver kind it feeds."""

    name: str
    kind: str
    regex: re.Pattern[str]
    order: int
    examples: tuple[str, ...]
    # at least one of these groups must match (e.g. a bare season needs "last" or a year)
    requires: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Grammar:
    """Everything the finder, resolver and tense reader need for one language."""

    lang: str
    lexicon: dict[str, Any]
    rules: tuple[Rule, ...]
    dateline: re.Pattern[str]
    future: tuple[re.Pattern[str], ...]
    present: tuple[re.Pattern[str], ...]
    past: tuple[re.Pattern[str], ...]
    tense_examples: dict[str, tuple[str, ...]]
    ambiguous_months: frozenset[str]
    abbreviations: frozenset[str]

    def lookup(self, table: str, word: str) -> Any:
        """The lexicon value of a word (spaces folded, lower case), or None."""
        return self.lexicon[table].get(" ".join(word.lower().replace("-", " ").split()))


def _read(lang: str, kind: str) -> dict[str, Any]:
    name = f"{kind}_{lang}.toml"
    path = resources.files("dashboard.temporal").joinpath(name)
    if not path.is_file():
        raise UnsupportedLanguage(f"no temporal grammar for language {lang!r} ({name})")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _alternation(words: list[str]) -> str:
    """A regex alternation of words, longest first, inner spaces matching any whitespace."""
    parts = sorted({w.lower() for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in parts) + ")"


def _number_alternation(numbers: dict[str, Any]) -> str:
    """Number words, hyphenated tens ("twenty-four") and short digit numbers."""
    tens = [w for w, v in numbers.items() if isinstance(v, int) and 20 <= v < 100 and v % 10 == 0]
    units = [w for w, v in numbers.items() if isinstance(v, int) and 1 <= v <= 9 and len(w) > 2]
    compound = f"(?:{'|'.join(tens)})-(?:{'|'.join(units)})"
    return rf"(?:{compound}|{_alternation(list(numbers))[3:-1]}|[0-9]{{1,3}}(?:\.[0-9])?(?![0-9]))"


def _expand(pattern: str, macros: dict[str, str]) -> str:
    """Replace %NAME% placeholders until none is left."""
    for _ in range(4):
        expanded = re.sub(r"%([A-Z]+)%", lambda m: macros[m.group(1)], pattern)
        if expanded == pattern:
            break
        pattern = expanded
    return pattern


@lru_cache(maxsize=8)
def load_grammar(lang: str = "en") -> Grammar:
    """Compile the grammar of a language (cached)."""
    lexicon = _read(lang, "lexicon")
    patterns = _read(lang, "patterns")
    tense = _read(lang, "tense")
    macros: dict[str, str] = {k: _alternation(list(lexicon[v])) for k, v in WORD_LISTS.items()}
    macros["NUM"] = _number_alternation(lexicon["numbers"])
    macros.update(patterns["macros"])
    rules = []
    for order, spec in enumerate(patterns["rule"]):
        regex = re.compile(_expand(spec["pattern"], macros), re.IGNORECASE)
        rules.append(
            Rule(
                name=spec["name"],
                kind=spec["kind"],
                regex=regex,
                order=order,
                examples=tuple(spec["examples"]),
                requires=tuple(spec.get("requires", ())),
            )
        )

    def cues(kind: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(e["pattern"], re.IGNORECASE) for e in tense.get(kind, []))

    return Grammar(
        lang=lang,
        lexicon=lexicon,
        rules=tuple(rules),
        dateline=re.compile(
            _expand(patterns["dateline"]["pattern"], macros), re.MULTILINE | re.IGNORECASE
        ),
        future=cues("future"),
        present=cues("present"),
        past=cues("past"),
        tense_examples={k: tuple(e["example"] for e in v) for k, v in tense.items()},
        ambiguous_months=frozenset(lexicon["month_words"]["ambiguous"]),
        abbreviations=frozenset(lexicon["sentence"]["abbreviations"]),
    )

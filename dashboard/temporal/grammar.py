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
    "HOLIDAY": "holidays",
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
    # the anchor class: every match contains one of its words (see [anchors] in the patterns)
    anchor: str = ""
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
    # all tense cues in one pattern for the lower-cased text, a named group per cue
    cues: re.Pattern[str]
    # cue group -> its tense; groups that only count on words written in lower case
    cue_tense: dict[str, str]
    cue_lowercase: frozenset[str]
    ambiguous_months: frozenset[str]
    # month words that are first names, and the words before them too weak to say "month"
    first_name_months: frozenset[str]
    weak_month_context: frozenset[str]
    abbreviations: frozenset[str]
    # one scan of the lower-cased text for every anchor word and digit run
    anchor_scan: re.Pattern[str]
    # anchor word (or "#year", "#decade", "#clock", "#ordinal") -> its anchor classes
    anchor_classes: dict[str, frozenset[str]]

    def lookup(self, table: str, word: str) -> Any:
        """The lexicon value of a word (spaces folded, lower case), or None."""
        return self.lexicon[table].get(" ".join(word.lower().replace("-", " ").split()))


ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def lower(text: str) -> str:
    """The text in lower case with the same length (str.lower() lengthens "İ")."""
    low = text.lower()
    return low if len(low) == len(text) else text.translate(ASCII_LOWER)


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


def word_trie(words: set[str]) -> str:
    """A regex matching any of the words, factored by common prefixes.

    Hand-written because the re module tries the branches of an alternation one by one:
    factored as a trie, one scan for ~150 anchor words costs about what a single word does.
    """
    root: dict[str, dict] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


# Anchor classes of digit runs: a year (1600-2099), a decade ("1990s", "90s"), the hour
# of a clock time ("15:", "3pm"), a day of the month ("25th").
DIGIT_ANCHORS = ("#year", "#decade", "#clock", "#ordinal")


def _anchors(
    spec: dict[str, list[str]], lexicon: dict[str, Any]
) -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    """The anchor scan and the classes of each anchor word (and of "#year", "#decade"...)."""
    classes: dict[str, set[str]] = {}
    for name, items in spec.items():
        for item in items:
            if item in DIGIT_ANCHORS:
                classes.setdefault(item, set()).add(name)
            elif item.startswith("%"):
                for entry in lexicon[WORD_LISTS[item.strip("%")]]:
                    # the last word, without a possessive ("new year's" -> "year")
                    word = re.sub(r"['’]s?$", "", entry.lower().split()[-1])
                    classes.setdefault(word, set()).add(name)
            else:
                classes.setdefault(item.lower(), set()).add(name)
    words = {w for w in classes if w not in DIGIT_ANCHORS}
    scan = re.compile(rf"(?:{word_trie(words)})\b|[0-9]+(?:[a-z.]{{1,4}}|:(?=[0-9]))?")
    frozen = {word: frozenset(names) for word, names in classes.items()}
    for item in DIGIT_ANCHORS:
        frozen.setdefault(item, frozenset())
    return scan, frozen


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
                anchor=spec["anchor"],
                requires=tuple(spec.get("requires", ())),
            )
        )

    for entries in tense.values():
        for e in entries:
            if "words" in e:
                words = word_trie({w.lower() for w in e["words"]})
                e["pattern"] = rf"{e.get('prefix', '')}(?:{words})\b"

    def cues(kind: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(rf"\b(?:{e['pattern']})", re.IGNORECASE) for e in tense[kind])

    unknown = {r.anchor for r in rules} - set(patterns["anchors"])
    if unknown:
        raise ValueError(f"patterns_{lang}.toml: rules name unknown anchor classes {unknown}")
    scan, anchor_classes = _anchors(patterns["anchors"], lexicon)
    entries = [
        (f"{kind}{i}", kind, e)
        for kind in ("future", "present", "past")
        for i, e in enumerate(tense[kind])
    ]
    cue_groups = [(g, e["pattern"]) for g, _, e in entries]
    cue_tense = {g: kind for g, kind, _ in entries}
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
        # one word boundary before all the cues: the regex engine checks it once a position
        cues=re.compile(r"\b(?:" + "|".join(f"(?P<{g}>{p})" for g, p in cue_groups) + ")"),
        cue_tense=cue_tense,
        cue_lowercase=frozenset(g for g, kind, e in entries if e.get("lowercase")),
        ambiguous_months=frozenset(lexicon["month_words"]["ambiguous"]),
        first_name_months=frozenset(lexicon["month_words"]["first_names"]),
        weak_month_context=frozenset(lexicon["month_words"]["weak_context"]),
        abbreviations=frozenset(lexicon["sentence"]["abbreviations"]),
        anchor_scan=scan,
        anchor_classes=anchor_classes,
    )

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
    # the pattern as written (expanded); ``regex`` is it behind a lookahead (guarded_source)
    source: str = ""


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
    """A regex alternation of words, longest first, inner spaces matching any whitespace.

    Factored as a trie (word_trie): the rules try their month and weekday words at every
    word start near an anchor, and a flat alternation of case-insensitive words is tried
    one branch at a time. The words matching at a position are prefixes of one another, so
    the trie's greedy branches try them longest first, as the flat alternation did.
    """
    return "(?:" + word_trie({" ".join(w.lower().split()) for w in words}, space=r"\s+") + ")"


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


def word_trie(words: set[str], space: str | None = None) -> str:
    """A regex matching any of the words, factored by common prefixes; ``space``, when
    given, is the regex a space inside a word stands for (else a space matches itself).

    Hand-written because the re module tries the branches of an alternation one by one:
    factored as a trie, one scan for ~150 anchor words costs about what a single word does.
    """
    root: dict[str, dict] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def _escape(ch: str) -> str:
        return space if space is not None and ch == " " else re.escape(ch)

    def emit(node: dict[str, dict]) -> str:
        branches = [_escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


# A character class longer than this is not worth a lookahead ("[^x]", "\\w" are never).
GUARD_MAX_CHARS = 200
# Inline flags that change which characters a letter matches (the lookahead has the
# regex's own flags); "(?-i:...)" only narrows them, and is no matter.
CASE_FLAGS = re.IGNORECASE | re.ASCII | re.UNICODE | re.LOCALE


def guarded_source(pattern: str, flags: int = 0) -> str:
    """The pattern behind a lookahead for the characters its matches can start with; the
    pattern itself when that set is unknown or it can match the empty string.

    Hand-written for speed: the re module tries a pattern at every position it scans, and a
    rule opening with optional word alternations ("(?:on\\s+)?(?:monday|...)") enters them
    at every word boundary, word ends included; one class check turns most positions away
    first. A match starting at a position the class refuses is impossible, so the matches
    (spans, groups) are the same.
    """
    try:
        chars, nullable = _first_chars(re._parser.parse(pattern, flags).data)
    except (AttributeError, TypeError, ValueError, re.error):  # another Python's parser
        return pattern
    if chars is None or nullable or not chars:
        return pattern
    body = "".join(re.escape(c) for c in sorted(chars))
    return f"(?=[{body}])(?:{pattern})"


def compile_guarded(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """re.compile of guarded_source: the same matches, found faster."""
    try:
        return re.compile(guarded_source(pattern, flags), flags)
    except re.error:  # e.g. global flags "(?i)" opening the pattern: not inside a group
        return re.compile(pattern, flags)


_FirstChars = tuple[set[str] | None, bool]


def _first_chars(items: list) -> _FirstChars:
    """(the characters a match of a parsed sequence can start with, None for any; whether
    it can match the empty string)."""
    out: set[str] = set()
    for op, av in items:
        chars, nullable = _first_chars_of(op, av)
        if chars is None:
            return None, False
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _first_chars_of(op: object, av: Any) -> _FirstChars:
    c = re._constants
    if op is c.LITERAL:
        return {chr(av)}, False
    if op is c.IN:
        return _class_chars(av), False
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):  # zero-width: what follows starts the match
        return set(), True
    if op is c.SUBPATTERN:
        _, add_flags, _, sub = av
        if add_flags & CASE_FLAGS:  # "(?i:...)" in a case-sensitive regex: unknown
            return None, False
        return _first_chars(sub.data)
    if op is c.BRANCH:
        out: set[str] = set()
        empty = False
        for alternative in av[1]:
            chars, nullable = _first_chars(alternative.data)
            if chars is None:
                return None, False
            out |= chars
            empty = empty or nullable
        return out, empty
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, _, sub = av
        chars, nullable = _first_chars(sub.data)
        return chars, nullable or low == 0
    if op is c.ATOMIC_GROUP:
        return _first_chars(av.data)
    return None, False  # any character, a category, a back-reference...


def _class_chars(items: list) -> set[str] | None:
    c = re._constants
    out: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            out.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] < GUARD_MAX_CHARS:
            out.update(chr(code) for code in range(av[0], av[1] + 1))
        else:  # a negated class, a category ("\\w"), a wide range
            return None
    return out if len(out) <= GUARD_MAX_CHARS else None


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
        source = _expand(spec["pattern"], macros)
        regex = compile_guarded(source, re.IGNORECASE)
        rules.append(
            Rule(
                name=spec["name"],
                kind=spec["kind"],
                regex=regex,
                order=order,
                examples=tuple(spec["examples"]),
                anchor=spec["anchor"],
                requires=tuple(spec.get("requires", ())),
                source=source,
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
        # one word boundary before all the cues: the regex engine checks it once a position;
        # guarded, the ends of words (a space next) are turned away before any cue is tried
        cues=compile_guarded(r"\b(?:" + "|".join(f"(?P<{g}>{p})" for g, p in cue_groups) + ")"),
        cue_tense=cue_tense,
        cue_lowercase=frozenset(g for g, kind, e in entries if e.get("lowercase")),
        ambiguous_months=frozenset(lexicon["month_words"]["ambiguous"]),
        first_name_months=frozenset(lexicon["month_words"]["first_names"]),
        weak_month_context=frozenset(lexicon["month_words"]["weak_context"]),
        abbreviations=frozenset(lexicon["sentence"]["abbreviations"]),
        anchor_scan=scan,
        anchor_classes=anchor_classes,
    )

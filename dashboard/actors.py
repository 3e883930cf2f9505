"""Recognise the people, organisations and places named in articles and merge their aliases.

No model download: capitalised name sequences, titles and roles from ``data/roles.toml``,
countries from ``data/demonyms.toml``, kind clues from ``data/kinds.toml``.  Names are merged
within and across articles (full name and surname, transliteration variants by rapidfuzz,
acronyms), role references ("the French president") are tied to the person the article or
the corpus names in that role, and ``data/actors.toml`` (or the user's file) pins forms.
"""

from __future__ import annotations

import itertools
import logging
import re
import string
import sys
import tomllib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from dashboard.genders import add_votes, set_genders
from dashboard.models import Actor, ActorRef, Article
from dashboard.spill import Spill, SpilledMapping, SpillFolder, batched
from dashboard.temporal import dateline_place
from dashboard.temporal.grammar import compile_guarded, word_trie

LOGGER = logging.getLogger(__name__)

# Fuzzy similarity (rapidfuzz ratio, 0-100) above which two surnames are one spelling
# ("Ostrovsky"/"Ostrovskiy"), and two first names ("Dmitry"/"Dmitri").
SURNAME_SIMILARITY = 85
FIRSTNAME_SIMILARITY = 75
# A bare surname shared by several people goes to the most mentioned one only when it has
# at least this share of their mentions; otherwise it stays apart (the shared-surname guard).
DOMINANT_SHARE = 0.75
# Characters between a dateline's place and the agency in brackets ("KYIV, Feb 26 (Reuters)").
DATELINE_AGENCY_REACH = 40
# Words of the longest form whose openings are compared with the other forms (a run of
# thousands of capitalised words is no name, and its openings would fill memory).
NAME_WORDS = 8
# Characters before a name searched for a context cue ("shares of", "stake in").
CONTEXT_REACH = 24
# A one-word name joins the one person whose first name it is only when at most this share
# of its uses follow "in", "at", "near"...: "Buffalo" (a third of them) is a city.
FIRST_NAME_PLACE_SHARE = 0.2
# A ministry the roles file does not list: "Fisheries Minister", "culture secretary".
PORTFOLIO_ROLE = r"\b(?:[A-Z][a-z]+|[a-z]{4,})\s+(?:[Mm]inister|[Ss]ecretary)"
# Modifiers that make a role a past one ("former president Joe Biden").
PAST_MODIFIERS = frozenset({"former", "previous", "late", "then", "outgoing"})
# Lines where at least this share of words is capitalised are headlines or shouting: names in
# them are found only by matching names found elsewhere.
HEADLINE_CAPS_SHARE = 0.6
# Slices of the corpus for the per-article candidate step in worker processes: few, since
# each carries the corpus's set of lower-case words with it.
PARALLEL_CHUNKS = 16

# Words, dotted initials ("J.P.") and a free-standing "&" ("Brandt & Ochoa": a connector).
TOKEN_RE = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_]\w*(?:[’'\-]\w+)*|&(?=\s)")
MIDDLE_INITIAL_RE = re.compile(r"[A-Z]\. (?=[A-Z])")
ROMAN_RE = re.compile(r"[IVX]+")
# An acronym's plural names things or a class of people, not one actor: "SUVs", "MPs".
PLURAL_ACRONYM_RE = re.compile(r"[A-Z]{2,}s")
POSSESSIVE_RE = re.compile(r"[’']s$|(?<=s)[’']$")
# A town and a comma just before a name: "Independence, " of "Independence, Mo.".
AFTER_TOWN_RE = re.compile(r"\b[A-Z][\w.'-]*,\s+\Z")
SPEECH_AFTER_RE = re.compile(r"\s+(?:said|says|told|added|stated|noted|announced|wrote)\b")


class OverridesError(ValueError):
    """The aliases file could not be read."""


@dataclass(slots=True)
class ActorIndex:
    """Actors of a corpus and where each article names them."""

    actors: dict[str, Actor] = field(default_factory=dict)
    refs: dict[str, list[ActorRef]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Word lists the recogniser uses, loaded from the package data files."""

    roles: dict[str, str]
    equivalents: dict[str, tuple[str, ...]]
    regnal: frozenset[str]  # roles that go with a first or regnal name ("King")
    modifiers: frozenset[str]
    honorifics: frozenset[str]
    honorific_roles: dict[str, str]  # "Sen" -> "Senator"
    countries: dict[str, str]  # name or alias as written -> canonical name
    demonyms: dict[str, str]  # adjective -> canonical country
    country_kinds: dict[str, str]
    cities: dict[str, str]  # city -> canonical country
    regions: dict[str, str]  # state or province, or its short form -> its name
    # a state's short form that is also a word ("Mo", "Ill") -> its name: after a town only
    town_regions: dict[str, str]
    # Lower-cased country, city and region names -> the name as the lexicon writes it.
    place_case: dict[str, str]
    org_heads: frozenset[str]
    org_openers: frozenset[str]  # first words of organisations' names ("Real Ventosa")
    legal_forms: frozenset[str]  # "inc", "plc": last words saying a company's legal form
    standalone_heads: frozenset[str]  # last words that stand for their name ("Rovers")
    place_heads: frozenset[str]
    place_openers: frozenset[str]  # first words of places' names ("Mt.", "Fort")
    region_adjectives: frozenset[str]  # "European", "Arab": said of people like "French"
    prepositions: frozenset[str]
    acronym_max: int
    stopnames: frozenset[str]
    age_after_re: re.Pattern[str]  # ", 52," after a person's name
    dotted_openers: frozenset[str]  # "St", "Mt": abbreviations opening a name, with a stop
    party_tag_re: re.Pattern[str]  # "D-N.M.", "R-Okla.": a lawmaker's party and state
    never_last: frozenset[str]  # words that do not end a name ("Thursday")
    also_first_names: frozenset[str]  # stop names that open people's names ("Jan Kavan")
    # stop names that open people's names unless they open a question ("Will Haddon said")
    unasked_first_names: frozenset[str]
    not_actor_heads: frozenset[str]  # last words of names that are not actors ("War")
    not_actor_names: frozenset[str]  # whole names that are not actors ("Internet", "DNA")
    dateline_re: re.Pattern[str]  # the place in capitals opening a wire story
    # kind -> (cue right after a name, cue right before it): "X said it" is a company
    context_cues: dict[str, tuple[re.Pattern[str], re.Pattern[str]]]
    # nouns that say what a name is ("carmaker Halvard", "striker Mateo Castellano") -> kind
    descriptors: dict[str, str]
    role_re: re.Pattern[str]
    of_country_re: re.Pattern[str]  # "of France" after a role: "the President of France"
    to_country_re: re.Pattern[str]  # "to Kenya" after a posted role: "Ambassador to Kenya"
    posted_roles: frozenset[str]  # roles held where they are sent ("Ambassador")
    title_modifiers: frozenset[str]  # "deputy", "shadow": part of the role they modify
    name_opening_titles: frozenset[str]  # "general": also opens names ("General Motors")
    role_core_re: re.Pattern[str]  # the role words alone: finds where role_re can match
    institutions_re: re.Pattern[str]

    def country_of(self, word: str) -> str | None:
        """The country a word names, as the country ("U.S.") or its adjective ("American")."""
        return self.countries.get(word) or self.demonyms.get(word)


def _data_text(name: str) -> str:
    return resources.files("dashboard").joinpath("data", name).read_text(encoding="utf-8")


_NAMES = tomllib.loads(_data_text("kinds.toml"))["names"]
# Words joining the capitalised words of one name ("Bank of England", "Dar es Salaam").
CONNECTORS = frozenset(_NAMES["connectors"])
# Words no person's name has: "Freedom for Elian" or "Bank of England" has no first name.
NOT_IN_PERSONAL_NAMES = frozenset(_NAMES["not_personal"])
# "Jr", "III": after the surname.
NAME_SUFFIXES = frozenset(_NAMES["suffixes"])


def _cue_alternation(cues: Iterable[str]) -> str:
    """Cue phrases as one alternation: a space matches any run of spaces, "'s" either
    apostrophe; with no cue, a pattern that never matches."""
    parts = [re.escape(c).replace(r"\ ", r"\s+").replace("'", "[’']") for c in cues]
    return "|".join(sorted(parts, key=len, reverse=True)) or "(?!)"


def _apposition_cue(nouns: Iterable[str], stops: Iterable[str]) -> str:
    """ ", the Swedish supplier" after a name: a comma, an article, up to three words that
    are no preposition or article ("a lawyer at the firm" says nothing of the name), then
    one of the nouns."""
    stop = rf"(?!(?i:{_alternation(stops)})\b)"
    return (
        rf",\s+(?i:the|an?)\s+(?:{stop}[\w’'\-]+\s+){{0,3}}"
        rf"(?i:{_alternation(nouns) or '(?!)'})(?![\w’'])"
    )


# A trie nests a group a letter at worst: with a longer word (a form found in a run of
# thousands of capitalised words), a flat alternation, which nests nothing.
TRIE_MAX_CHARS = 100


def _alternation(words: Iterable[str]) -> str:
    """The words as one regex, factored as a trie (word_trie): a flat alternation of the
    ~500 country names and adjectives was tried branch by branch at every word start. The
    words matching at a position are prefixes of one another and the trie tries them
    longest first, as the flat alternation did. (Under "(?i:", give lower-case words: a
    trie branches on each case of a letter.)"""
    unique = set(words)
    if any(len(w) > TRIE_MAX_CHARS for w in unique):
        return "|".join(re.escape(w) for w in sorted(unique, key=len, reverse=True))
    return word_trie(unique)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Load roles, countries, kind clues and stop names from the package data."""
    roles_doc = tomllib.loads(_data_text("roles.toml"))
    roles = {phrase.casefold(): entry["role"] for phrase, entry in roles_doc["roles"].items()}
    equivalents = {k: tuple(v) for k, v in roles_doc.get("equivalents", {}).items()}
    modifiers = frozenset(w.casefold() for w in roles_doc["modifiers"]["words"])
    honorifics = frozenset(roles_doc["honorifics"]["words"])
    countries: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    cities: dict[str, str] = {}
    country_kinds: dict[str, str] = {}
    for entry in tomllib.loads(_data_text("demonyms.toml"))["country"]:
        name = entry["name"]
        country_kinds[name] = entry.get("kind", "place")
        for alias in [name, *entry.get("aliases", [])]:
            countries[alias] = name
        for adjective in entry.get("demonyms", []):
            demonyms[adjective] = name
        for city in entry.get("cities", []):
            cities[city] = name
    regions: dict[str, str] = {}
    town_regions: dict[str, str] = {}
    for entry in tomllib.loads(_data_text("demonyms.toml")).get("region", []):
        for alias in [entry["name"], *entry.get("aliases", [])]:
            regions[alias] = entry["name"]
        for short in entry.get("after_town", []):
            town_regions[short] = entry["name"]
    kinds = tomllib.loads(_data_text("kinds.toml"))
    stopnames = frozenset(
        line.strip().casefold()
        for line in _data_text("stopnames.txt").splitlines()
        if line.strip() and not line.startswith("#")
    )
    # "the", a country or its adjective (with or without "'s"), a modifier, then the role.
    country_alt = _alternation([*countries, *demonyms])
    # A title word can come before the country too: "Chief U.S. District Judge", "Assistant
    # U.S. Attorney" ("pre" is read as "mod" is).
    pre_alt = _alternation(roles_doc["modifiers"]["before_country"])
    role_re = re.compile(
        r"(?P<det>\b(?i:the)\s+)?"
        rf"(?:(?:(?P<pre>\b(?i:{pre_alt}))\s+)?"
        rf"(?P<country>\b(?:{country_alt}))(?P<poss>[’']s)?\s+)?"
        rf"(?:(?P<mod>(?i:{_alternation(modifiers)}))\s+)?"
        rf"(?P<role>\b(?i:{_alternation(roles)})|{PORTFOLIO_ROLE})\b(?![’'\-]\w)"
    )
    # a country's name after "of", not its adjective: "chairman of the Cuban American
    # National Foundation" is the foundation's chairman, not Cuba's
    of_country_re = re.compile(
        rf"\s+of\s+(?:the\s+)?(?P<country>{_alternation(countries)})\b(?![’'\-]\w)"
    )
    to_country_re = re.compile(
        rf"\s+to\s+(?:the\s+)?(?P<post>{_alternation(countries)})\b(?![’'\-]\w)"
    )
    return Lexicon(
        roles=roles,
        equivalents=equivalents,
        regnal=frozenset(roles_doc["regnal"]["roles"]),
        modifiers=modifiers,
        honorifics=honorifics,
        honorific_roles=roles_doc["honorifics"]["roles"],
        countries=countries,
        demonyms=demonyms,
        country_kinds=country_kinds,
        cities=cities,
        regions=regions,
        town_regions=town_regions,
        place_case={
            **{alias.casefold(): name for alias, name in countries.items()},
            **{city.casefold(): city for city in cities},
            **{alias.casefold(): name for alias, name in regions.items()},
        },
        org_heads=frozenset(kinds["organisation"]["heads"]),
        org_openers=frozenset(kinds["organisation"]["openers"]),
        legal_forms=frozenset(kinds["organisation"]["legal_forms"]),
        standalone_heads=frozenset(kinds["organisation"]["standalone_heads"]),
        place_heads=frozenset(kinds["place"]["heads"]),
        place_openers=frozenset(kinds["place"]["openers"]),
        region_adjectives=frozenset(kinds["place"]["adjectives"]),
        prepositions=frozenset(kinds["place"]["prepositions"]),
        acronym_max=int(kinds["organisation"]["acronym_max"]),
        stopnames=stopnames | (ENGLISH_STOP_WORDS - frozenset(kinds["names"]["openers"])),
        age_after_re=re.compile(kinds["names"]["age_after"]),
        dotted_openers=frozenset(kinds["names"]["dotted_openers"]),
        party_tag_re=re.compile(kinds["names"]["party_tag"]),
        never_last=frozenset(w.casefold() for w in kinds["names"]["never_last"]),
        also_first_names=frozenset(w.casefold() for w in kinds["names"]["also_first_names"]),
        unasked_first_names=frozenset(w.casefold() for w in kinds["names"]["unasked_first_names"]),
        not_actor_heads=frozenset(w.casefold() for w in kinds["not_actors"]["heads"]),
        not_actor_names=frozenset(w.casefold() for w in kinds["not_actors"]["names"]),
        dateline_re=re.compile(kinds["names"]["dateline"]),
        context_cues={
            kind: (
                re.compile(
                    rf"\s*(?i:{_cue_alternation(cues['after'])})\b"
                    rf"|{_apposition_cue(cues['nouns'], kinds['context']['apposition_stops'])}"
                ),
                # (the nouns right before a name: _described_kind, a word look-up);
                # case-insensitive as a whole (only the cues have letters) to be guarded:
                # it is searched in the stretch before every name
                compile_guarded(rf"\b(?:{_cue_alternation(cues['before'])})\s+\Z", re.IGNORECASE),
            )
            for kind, cues in kinds["context"].items()
            if isinstance(cues, dict)
        },
        descriptors={
            noun.casefold(): kind
            for kind, cues in kinds["context"].items()
            if isinstance(cues, dict)
            for noun in cues["nouns"]
        },
        role_re=role_re,
        of_country_re=of_country_re,
        to_country_re=to_country_re,
        posted_roles=frozenset(roles_doc["posted"]["roles"]),
        title_modifiers=frozenset(roles_doc["modifiers"]["in_title"]),
        name_opening_titles=frozenset(w.casefold() for w in roles_doc["name_openers"]["words"]),
        role_core_re=re.compile(
            # factored by prefixes: an alternation of ~100 roles was tried one by one at
            # every position of every article
            rf"\b(?i:(?:{word_trie({r.casefold() for r in roles})}))\b(?![’'\-]\w)"
            rf"|{PORTFOLIO_ROLE}\b(?![’'\-]\w)"
        ),
        institutions_re=re.compile(
            r"(?:\s*(?:,|and)\s+(?:the\s+)?[A-Z][\w.]*)*\s+(?:"
            + _alternation(kinds["institutions"]["words"])
            + r")\b"
        ),
    )


# --- finding candidates in one article -------------------------------------------------


@dataclass(slots=True)
class RoleHit:
    """A role phrase in the text ("Russia's foreign minister")."""

    start: int
    end: int
    role: str
    country: str | None
    determined: bool  # has "the" or a country in front: can stand for a person
    # where a posted role is held ("to Greece"): "the Iraqi ambassador to Greece" is not
    # Iraq's ambassador to the U.N.
    post: str | None = None


@dataclass(slots=True)
class Candidate:
    """A name found at a span of one article, before merging."""

    article_id: str
    start: int
    end: int
    text: str
    kind: str | None = None  # decided from the name itself, when it can be
    role: str | None = None
    country: str | None = None
    locative: bool = False
    agentive: bool = False
    context_kind: str | None = None  # what the words around it say ("X said it": a company)
    possessor: bool = False  # "X's <Name>": X employs or owns the next name
    personal: bool = False  # a courtesy title before it or an age after it: a person
    initial: bool = False  # starts a sentence
    canonical: str | None = None  # set for countries, cities and pinned forms
    expands: int | None = None  # an acronym in brackets: where the name it stands for starts
    post: str | None = None  # where its posted role is held ("Kenya")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Casefold and strip accents, for comparing spellings."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def _shouting(line: str) -> bool:
    """At least 80% of the letters are capitals."""
    letters = [c for c in line if c.isalpha()]
    return sum(c.isupper() for c in letters) >= 0.8 * len(letters)


# What closes a line of prose; a headline has none of it at its end.
HEADLINE_STOPS = ".!?:;”\"'’"
ASCII_LOWER_BYTES = string.ascii_lowercase.encode()


def _cannot_shout(line: str) -> bool:
    """_shouting(line) is false, as the line's many lower-case ASCII letters show: with a
    of them, capitals can be at most len(line) - a, and 80% of the letters needs 4a.

    Hand-written for speed: counted in C over the UTF-8 bytes (where ASCII letters are
    themselves), it spares most lines the tokenising of _headline_spans."""
    data = line.encode("utf-8", "surrogatepass")
    lower = len(data) - len(data.translate(None, ASCII_LOWER_BYTES))
    return 5 * lower > len(line)


def _headline_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Lines in capitals, and title-case lines with no closing stop (headlines)."""
    spans = []
    pos = 0
    for line in text.splitlines(keepends=True):
        if line.rstrip()[-1:] in HEADLINE_STOPS and _cannot_shout(line):
            pos += len(line)
            continue  # a line of prose: closed by a stop, and not in capitals
        words = [w for w in TOKEN_RE.findall(line) if len(w) > 3]
        if len(words) >= 3:
            caps = sum(1 for w in words if w[0].isupper()) / len(words)
            unstopped = line.rstrip()[-1:] not in HEADLINE_STOPS
            # All-caps words all start with a capital, so a low share rules out both.
            if caps >= HEADLINE_CAPS_SHARE and (unstopped or _shouting(line)):
                spans.append((pos, pos + len(line)))
        pos += len(line)
    return tuple(spans)


def _in_spans(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


# A courtesy title's stop right before a position: "Mr. " of "Mr. Basch".
TITLE_STOP_RE = re.compile(r"\b([A-Z][a-z]{1,5})\.\s+\Z")


def _is_sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3) : pos].rstrip(" \t\"“‘'")
    if before[-1:] == "." and _courtesy_title(text, pos):
        return False  # "Mr. Basch and Mr. Pell declined": the stop is the title's
    return not before or before[-1] in ".!?\n:"


def _courtesy_title(text: str, pos: int) -> str | None:
    """The courtesy title that comes with its stop right before ``pos`` ("Mr" of "Mr.
    Basch"), or None."""
    lo = max(0, pos - 10)
    if text.find(".", lo, pos) < 0:
        return None  # (most names: no stop just before, nothing to search for)
    m = TITLE_STOP_RE.search(text, lo, pos)
    return m.group(1) if m is not None and m.group(1) in load_lexicon().honorifics else None


# How far before a role word its "the", country and modifier can start.
ROLE_PREFIX_REACH = 80
WORD_START_RE = re.compile(r"\b\w")


def _role_matches(text: str, lex: Lexicon) -> list[re.Match[str]]:
    """role_re's matches, found by running it only just before each role word.

    role_re opens with optional alternations of every country and modifier, so running it
    over the whole text tries them at every character; the role words alone are one fast
    scan, and role_re then only runs in the short stretch that ends at each of them.
    """
    out: list[re.Match[str]] = []
    taken = 0
    for core in lex.role_core_re.finditer(text):
        if core.start() < taken:
            continue
        lo = max(taken, core.start() - ROLE_PREFIX_REACH)
        found = None
        # The leftmost match ending at the role word starts at a word start before it.
        for start in [w.start() for w in WORD_START_RE.finditer(text, lo, core.start() + 1)]:
            m = lex.role_re.match(text, start, core.end())
            if m is not None and m.end() == core.end():
                found = m
                break
        if found is not None:
            out.append(found)
            taken = found.end()
    return out


def _role_hits(text: str, lex: Lexicon) -> list[RoleHit]:
    hits = []
    for m in _role_matches(text, lex):
        raw_country = m.group("country")
        country = None
        if raw_country:
            country = lex.country_of(raw_country)
        raw_role = m.group("role")
        role = lex.roles.get(raw_role.casefold()) or " ".join(
            w[:1].upper() + w[1:] for w in raw_role.split()
        )
        posted_role = role in lex.posted_roles  # "the former ambassador to Kenya" too
        mod = (m.group("mod") or m.group("pre") or "").casefold()
        if mod in PAST_MODIFIERS:
            role = f"Former {role}"
        elif mod in lex.title_modifiers and not role.casefold().startswith(mod):
            role = f"{mod.capitalize()} {role}"  # "Deputy Prime Minister", "Shadow Chancellor"
        end = m.end()
        after = lex.of_country_re.match(text, end) if country is None else None
        if after is not None:  # "the President of France", "Prime Minister of Israel"
            raw = after.group("country")
            country, end = lex.country_of(raw), after.end()
        posted = lex.to_country_re.match(text, end) if posted_role else None
        post = None
        if posted is not None:  # "U.S. Ambassador to Kenya": where, not whose
            end = posted.end()
            post = lex.countries[posted.group("post")]
        determined = bool(m.group("det")) or bool(m.group("poss")) or country is not None
        start = m.start("det") if m.group("det") else m.start()
        hits.append(RoleHit(start, end, role, country, determined, post))
    return hits


def _sequences(text: str, lex: Lexicon) -> list[list[tuple[int, int, bool]]]:
    """Runs of capitalised tokens: [(start, end, possessive)], possessive ending a run."""
    runs: list[list[tuple[int, int, bool]]] = []
    current: list[tuple[int, int, bool]] = []
    pending: list[tuple[int, int, bool]] = []  # connectors waiting for a capitalised word
    last_end = -1
    for m in TOKEN_RE.finditer(text):
        word = m.group()
        if not current and not word[0].isupper():
            # Outside a run (so nothing is pending either), a word not capitalised does
            # nothing below: passed over at once, as most words are.
            continue
        start, end = m.span()
        stop = end
        gap = text[last_end:start] if current else ""
        joined = current and last_end >= 0 and gap == " "
        if (
            len(gap) == 2
            and gap[0] in "'’"
            and _plural_possessive_in_name(text, last_end, word, lex)
        ):
            joined = True  # "the Farmers' Party": the apostrophe is in the name
            current[-1] = (current[-1][0], last_end + 1, False)
        elif gap == ". " and word[:1].isupper():
            # (not "... Navigation Mixte Cie. Mr. Smith said": a new sentence)
            if text[current[-1][0] : last_end] in lex.dotted_openers and not (
                word in lex.honorifics or word.casefold() in lex.stopnames
            ):
                joined = True  # "St. Albans", "Mt. Kilimanjaro": the stop is in the name
                current[-1] = (current[-1][0], last_end + 1, False)
        if word[0].isupper() or (joined and _particle_name(word)):
            # (Only a capitalised word can end a run as a possessive or be an initial.)
            possessive = False
            pm = POSSESSIVE_RE.search(word)
            if pm and len(word) > 2:
                end = start + pm.start()
                possessive = True
            if current and MIDDLE_INITIAL_RE.match(text, start):
                end = stop = end + 1  # "James C. Kopp": the initial and its stop are in it
            if joined:
                current.extend(pending)
            elif current:
                runs.append(current)
                current = []
            pending = []
            current.append((start, end, possessive))
            if possessive:
                runs.append(current)
                current = []
        elif joined and word in CONNECTORS and not pending:
            pending = [(start, end, False)]
        elif joined and word in CONNECTORS and len(pending) == 1:
            pending.append((start, end, False))  # "Ursula von der Leyen", "Dar es Salaam"
        elif joined and word == "the" and len(pending) == 1:
            pending.append((start, end, False))  # "Council for the Exploration"
        else:
            if current:
                runs.append(current)
            current, pending = [], []
        last_end = stop
    if current:
        runs.append(current)
    return runs


def _two_letters(name: str) -> bool:
    """At least two of the characters are letters (looked for from the start: a name
    has them there)."""
    seen = 0
    for ch in name:
        if ch.isalpha():
            seen += 1
            if seen == 2:
                return True
    return False


def _particle_name(word: str) -> bool:
    """A surname opening with a lower-case particle and a hyphen: "al-Rashidi", "el-Sisi"."""
    particle, _, rest = word.partition("-")
    return particle in CONNECTORS and rest[:1].isupper()


def _plural_possessive_in_name(text: str, last_end: int, word: str, lex: Lexicon) -> bool:
    """ "Farmers'" (its apostrophe at ``last_end``) before an organisation word is part of a
    name ("the Farmers' Party", "the Dockworkers' Union"), not its owner."""
    return (
        text[last_end - 1 : last_end] == "s"
        and word[:1].isupper()
        and word.casefold() in lex.org_heads
    )


def _classify(name: str, lex: Lexicon) -> tuple[str | None, str | None]:
    """(kind, canonical name) decided from the name alone, or (None, None)."""
    if name.isupper() and len(name) > 3 and name.casefold() in lex.place_case:
        name = lex.place_case[name.casefold()]  # "OSLO" or "DAR ES SALAAM" in a dateline
    if name in lex.countries:
        canonical = lex.countries[name]
        return lex.country_kinds.get(canonical, "place"), canonical
    if name in lex.cities:
        return "place", name
    if name in lex.regions:
        return "place", lex.regions[name]  # "Ohio", "N.Y."
    words = name.split()
    # The head word: the last one, or the one before "of"/"for" ("Bank of England").
    cut = next((i for i, w in enumerate(words) if w in CONNECTORS and i > 0), len(words))
    last = words[cut - 1].casefold().rstrip(".")
    if last in lex.org_heads and len(words) > 1 or last in {"kremlin", "pentagon"}:
        return "organisation", None
    if words[0] in lex.org_openers and len(words) > 1 or "&" in words:
        return "organisation", None  # "Real Ventosa", "Brandt & Ochoa"
    letters = name.replace(".", "")
    if letters.isupper() and letters.isalpha() and 2 <= len(letters) <= lex.acronym_max:
        return "organisation", None
    if last in lex.place_heads and len(words) > 1:
        return "place", None
    if words[0] in lex.place_openers and len(words) > 1:
        return "place", None  # "St. Albans", "Mt. Kilimanjaro", "Fort Knox"
    return None, None


def _candidates(
    article: Article,
    lex: Lexicon,
    lowered_words: set[str],
    headline: Sequence[tuple[int, int]],
) -> tuple[list[Candidate], list[RoleHit]]:
    """Name candidates and role phrases of one article, in text order."""
    text = article.text
    hits = _role_hits(text, lex)
    role_at: dict[int, RoleHit] = {}
    for hit in hits:
        for pos in range(hit.start, hit.end):
            role_at[pos] = hit
    out: list[Candidate] = []
    place = dateline_place(text, lang=article.language or "en") or _opening_place(text, lex)
    employers: set[int] = set()  # starts of runs that name a title's employer
    runs = []
    for whole in _sequences(text, lex):
        for run in _split_at_places(text, whole, lex):
            for part, employer in _split_at_title(run, role_at):
                pieces = _split_titled_of(text, part, role_at, lex)
                runs.extend(pieces)
                if len(pieces) == 2:
                    employers.add(pieces[1][0][0])  # "Moravec of National Renewal": her party
                if employer:
                    employers.add(part[0][0])
    for run in runs:
        if _in_spans(run[0][0], headline):
            continue
        tokens = list(run)
        title: RoleHit | None = None
        # Leading tokens inside a role phrase are the title ("US President" Donald Trump).
        while tokens and tokens[0][0] in role_at:
            title = role_at[tokens[0][0]]
            tokens.pop(0)
        opener = -1  # the start of a title word that opens this name: kept
        if _title_opens_name(text, run, tokens, title, lex, lowered_words):
            title, tokens = None, list(run)  # "Justice Department", "General Motors"
            opener = next(a for a, _, _ in run if a in role_at)
        if title is not None and tokens and text[tokens[0][0] - 1 : tokens[0][0]] != " ":
            tokens = []
        if title is not None and tokens and text[tokens[0][0] : tokens[0][1]] in CONNECTORS:
            tokens = []  # "High Representative for Foreign Affairs": all title
        # "Salt Lake City-based First Security": the words up to "-based" say where.
        if len(tokens) > 1 and "-" in text[tokens[0][0] : tokens[-2][1]]:
            cut = max(
                (
                    i
                    for i, (a, b, _) in enumerate(tokens[:-1])
                    if "-" in text[a:b] and text[a:b].rsplit("-", 1)[1].islower()
                ),
                default=-1,
            )
            tokens = tokens[cut + 1 :]
        courtesy = _courtesy_title(text, tokens[0][0]) if tokens else None  # "Mr. " before
        while tokens and not _is_known_place(text, tokens, lex):
            word = text[tokens[0][0] : tokens[0][1]]
            folded = word.casefold().rstrip(".")
            if word.rstrip(".") in lex.honorifics:
                courtesy = word.rstrip(".")  # "Dr Ilse Brandvik": a person
                tokens.pop(0)
            elif word in CONNECTORS:
                tokens.pop(0)
            elif folded in lex.also_first_names and _name_follows(text, tokens, lex):
                break  # "Jan Kavan", "April Ryan": a first name, not the month
            elif (
                folded in lex.unasked_first_names
                and _name_follows(text, tokens, lex)
                and not _opens_question(text, tokens[0][0])
            ):
                break  # "co-leader Will Haddon said", not "Will Kyiv accept?"
            elif (folded in lex.stopnames and not _is_acronym(word)) or _is_contraction(word):
                tokens.pop(0)
            elif "-" in word and word.rsplit("-", 1)[1].islower():
                tokens.pop(0)  # "Atlanta-based BellSouth", "Kremlin-backed Ivan Petrov"
            elif _opening_descriptor(text, run, tokens, lex):
                tokens.pop(0)  # "Carmaker Halvard said": the noun says what Halvard is
            elif (
                _is_sentence_start(text, tokens[0][0])
                and folded in lowered_words
                and tokens[0][0] != opener
            ):
                tokens.pop(0)
            else:
                break
        while tokens and (
            text[tokens[-1][0] : tokens[-1][1]] in CONNECTORS
            or text[tokens[-1][0] : tokens[-1][1]].casefold() in lex.never_last
            or tokens[-1][1] - tokens[-1][0] == 1
        ):
            # "Bill Clinton Thursday condemned": the weekday is not the name; nor is the
            # letter of "Class C shares"
            tokens.pop()
        if not tokens or not _two_letters(text[tokens[0][0] : tokens[-1][1]]):
            continue  # nothing, or one letter: a grade, a share class, an initial
        start, end = tokens[0][0], tokens[-1][1]
        name = " ".join(text[a:b] for a, b, _ in tokens)
        if name in lex.demonyms and lex.institutions_re.match(text, end):
            # "Russian diplomats", "the Ukrainian government": the country acts.
            country = lex.demonyms[name]
            kind = lex.country_kinds.get(country, "place")
            out.append(Candidate(article.id, start, end, name, kind=kind, canonical=country))
            continue
        if _is_adjective(name, lex):
            continue  # "Russian claims", "ethnic Russians", "Ukrainian-controlled"
        if name.casefold() in lex.not_actor_names:
            continue  # "the Internet", "DNA tests": things, not someone who acts
        if lex.party_tag_re.fullmatch(name):
            continue  # "Sen. Carla Mendes, D-N.M.": her party and state
        if PLURAL_ACRONYM_RE.fullmatch(name):
            continue  # "210,000 SUVs", "15 million instructions per second, or MIPs": things
        if len(tokens) > 1 and not lex.not_actor_heads.isdisjoint(_head_words(name)):
            continue  # "Cold War", "Thanksgiving Day", "Clean Air Act": not someone who acts
        if place is not None and _credited_agency(text, start, end, place):
            continue  # "NAIROBI, Kenya (AP) _": the agency filing the story is not in it
        kind, canonical = _classify(name, lex)
        town = AFTER_TOWN_RE.search(text, max(0, start - 40), start)
        if kind is None and name in lex.town_regions and town:
            kind, canonical = "place", lex.town_regions[name]  # "Independence, Mo."
        if place is not None and place[0] <= start and end <= place[1] and name.isupper():
            # The dateline opens with where the story was filed: a place, not an acronym.
            kind, canonical = "place", canonical or name.title()
        if kind is None and run[0][0] in employers:
            kind = "organisation"  # "Kestrel Chief Executive Anna Lindqvist": the employer
        if kind is None and title is None:
            kind = _described_kind(text, start, lex)  # "carmaker Halvard", "striker Tavo Quental"
        if (
            kind is None
            and title is None
            and all(w.casefold() in lowered_words for w in name.split())
        ):
            continue  # common words written with capitals ("Security Policy")
        cand = Candidate(article.id, start, end, name, kind=kind, canonical=canonical)
        if title is not None:
            cand.role, cand.country, cand.post = title.role, title.country, title.post
            if title.role in lex.regnal and " " not in name:
                cand.canonical = f"{title.role} {name}"  # "King Hussein", not a Mr Hussein
        before = text[max(0, start - 12) : start].split()
        possessive = tokens[-1][2]
        # "in Kenya" is a place; "in Reyland's street" says nothing of what Reyland is.
        cand.locative = bool(before) and before[-1].casefold() in lex.prepositions
        cand.locative = cand.locative and not possessive
        cand.agentive = bool(SPEECH_AFTER_RE.match(text, end))
        cand.context_kind = _context_kind(text, start, end, lex)
        cand.possessor = possessive
        cand.personal = bool(courtesy) or bool(lex.age_after_re.match(text, end))
        if cand.role is None and courtesy in lex.honorific_roles:
            cand.role = lex.honorific_roles[courtesy]  # "Sen. Carla Mendes": a senator
        cand.initial = _is_sentence_start(text, start)
        out.append(cand)
    _find_employers(text, out)
    out = _join_and_names(text, out)
    out = _bracketed_acronyms(text, out)
    _attach_appositions(text, out, hits)
    _add_outlet_kind(article, out)
    return out, hits


def _title_opens_name(
    text: str,
    run: list[tuple[int, int, bool]],
    tokens: list[tuple[int, int, bool]],
    title: RoleHit | None,
    lex: Lexicon,
    lowered_words: set[str],
) -> bool:
    """The title's words open the name of an organisation or a place, and are no title:
    the whole run ends with an organisation or place word ("Justice Department", "U.S.
    Justice Department"), or a title that also opens names ("General", "Premier") comes
    before one word the corpus writes in lower case ("General Electric", "Premier League")."""
    if title is None or not tokens:
        return False
    whole = " ".join(text[a:b] for a, b, _ in run)
    if _classify(whole, lex)[0] in ("organisation", "place"):
        return True
    opener = text[run[0][0] : run[0][1]].casefold()
    rest = text[tokens[0][0] : tokens[0][1]].casefold()
    return len(tokens) == 1 and opener in lex.name_opening_titles and rest in lowered_words


# (the look-behind: a match starts a word, so a scan stays linear on a long run of letters)
DESCRIPTOR_BEFORE_RE = re.compile(r"(?<![\w\-])([\w\-]+)\s+\Z")


def _described_kind(text: str, start: int, lex: Lexicon) -> str | None:
    """The kind the noun right before a name says it has ("carmaker Halvard"), or None."""
    m = DESCRIPTOR_BEFORE_RE.search(text, max(0, start - CONTEXT_REACH), start)
    return lex.descriptors.get(m.group(1).casefold()) if m else None


def _opening_descriptor(
    text: str, run: list[tuple[int, int, bool]], tokens: list[tuple[int, int, bool]], lex: Lexicon
) -> bool:
    """The first word is a noun that says what the name after it is, capitalised because it
    opens the sentence ("Carmaker Halvard", "Striker Mateo Castellano"); not a word of the
    name, as in "Carrier Corp" or "Forward Industries" (the run ends with an organisation
    word)."""
    word = text[tokens[0][0] : tokens[0][1]].casefold()
    if len(tokens) < 2 or word not in lex.descriptors:
        return False
    if not _is_sentence_start(text, tokens[0][0]):
        return False
    return _classify(" ".join(text[a:b] for a, b, _ in run), lex)[0] is None


def _context_kind(text: str, start: int, end: int, lex: Lexicon) -> str | None:
    """The kind the words right around a name suggest (kinds.toml [context]), or None."""
    for kind, (after, before) in lex.context_cues.items():
        if after.match(text, end) or before.search(text, max(0, start - CONTEXT_REACH), start):
            return kind
    return None


# A first line with no closing stop, then a blank line: a headline before the story.
HEADLINE_THEN_RE = re.compile(r"[^\n]*[^.!?:\s”\"'’][ \t]*\n\s*\n")
# What follows the place of a dateline with no date: "(Reuters)" or " - ".
DATELINE_DASHES = "-–—_"


def _dateline_mark(text: str, pos: int) -> bool:
    r"""Whether "(Reuters)" or " - " follows ``pos`` (after spaces). A string test, not a
    pattern: "\s*\(" scanned over a long run of spaces takes quadratic time."""
    rest = text[pos : pos + 80]
    after = rest.lstrip()
    if after.startswith("("):
        return True
    return len(after) < len(rest) and after[:1] in DATELINE_DASHES and after[1:2].isspace()


def _opening_place(text: str, lex: Lexicon) -> tuple[int, int] | None:
    """The span of the place in capitals opening a wire story with no date in its dateline
    ("NAIROBI, Kenya (AP) _"), or None."""
    m = lex.dateline_re.match(text)
    if m is not None:
        return m.span("place")
    # after a headline: "Senate passes bill\n\nWASHINGTON (CR) - ..."; a comma is not
    # enough there ("NATO, the alliance, said ...")
    head = HEADLINE_THEN_RE.match(text)
    if head is None:
        return None
    m = lex.dateline_re.match(text[head.end() :])  # (its "^" is the string's start)
    if m is None or not _dateline_mark(text, head.end() + m.end()):
        return None
    return head.end() + m.start("place"), head.end() + m.end("place")


def _credited_agency(text: str, start: int, end: int, place: tuple[int, int]) -> bool:
    """The name is the agency in brackets of the dateline: "KYIV, Feb 26 (Reuters) -"."""
    return (
        0 <= start - place[1] <= DATELINE_AGENCY_REACH
        and text[start - 1 : start] == "("
        and text[end : end + 1] == ")"
    )


def _find_employers(text: str, cands: list[Candidate]) -> None:
    """Keep ``possessor`` only on "X's <Full Name>": X employs or owns the person named next
    (Al Jazeera's Charles Stratford); "X's Cuban relatives" or "X's Miami lawyers" say nothing
    of what X is."""
    for k, c in enumerate(cands):
        if not c.possessor:
            continue
        nxt = cands[k + 1] if k + 1 < len(cands) else None
        gap = text[c.end : nxt.start] if nxt is not None else ""
        c.possessor = (
            nxt is not None
            and POSSESSIVE_RE.fullmatch(gap.rstrip()) is not None
            and nxt.kind is None
            and " " in nxt.text
        )


def _split_after_state(
    text: str, run: list[tuple[int, int, bool]], lex: Lexicon
) -> list[list[tuple[int, int, bool]]]:
    """Cut "Buffalo, N.Y. Slepian provided..." after the state, and "the U.S. The company"
    after the abbreviation: their stop ended the sentence."""
    first = text[run[0][0] : run[0][1]]
    if len(run) > 1 and first.endswith(".") and first in lex.regions:
        return [run[:1], run[1:]]
    # "... in the U.S. The company said": an abbreviation's stop ended the sentence when a
    # stop word follows it (not after a courtesy title or an initial: "Dr. Bill Ross").
    for k in range(len(run) - 1):
        if text[run[k][1] - 1] != ".":
            continue  # most words: no stop to look behind
        word = text[run[k][0] : run[k][1]]
        after = text[run[k + 1][0] : run[k + 1][1]].casefold()
        if (
            word.endswith(".")
            and len(word.rstrip(".")) > 1
            and word.rstrip(".") not in lex.honorifics
            and after in lex.stopnames
            and after not in lex.also_first_names
        ):
            return [run[: k + 1], *_split_after_state(text, run[k + 1 :], lex)]
    return [run]


def _split_at_places(
    text: str, run: list[tuple[int, int, bool]], lex: Lexicon
) -> list[list[tuple[int, int, bool]]]:
    """The run cut after a state that ended a sentence, before "of <place>", around a place
    that follows an acronym or another place, and between a person and "of <organisation>"."""
    if len(run) == 1:
        return [run]  # (none of the cuts below cuts one word)
    parts = [run]
    for split in (_split_after_state, _split_at_of_place, _split_between_places):
        parts = [piece for part in parts for piece in split(text, part, lex)]
    return [piece for part in parts for piece in _split_person_of_org(text, part, lex)]


def _split_between_places(
    text: str, run: list[tuple[int, int, bool]], lex: Lexicon
) -> list[list[tuple[int, int, bool]]]:
    """Cut "the NATO Washington summit" after the acronym and "left Cuba for Miami" around
    "for": an acronym, then a place, or two places, are not one name."""
    if len(run) < 2:
        return [run]
    words = [text[a:b] for a, b, _ in run]
    k = next((i for i, w in enumerate(words) if w.casefold() not in lex.stopnames), len(words))
    if (
        k < len(words) - 1
        and words[k].isupper()
        and len(words[k]) >= 2
        and _is_known_place(text, run[k + 1 :], lex)
        and not _is_known_place(text, run[k:], lex)
    ):
        return [run[: k + 1], run[k + 1 :]]
    if "for" in words[1:-1]:
        f = words.index("for", 1)
        if _is_known_place(text, run[:f], lex) and _is_known_place(text, run[f + 1 :], lex):
            return [run[:f], run[f + 1 :]]
    return [run]


def _split_person_of_org(
    text: str, run: list[tuple[int, int, bool]], lex: Lexicon
) -> list[list[tuple[int, int, bool]]]:
    """Cut "James Zogby of the Arab American Institute", "Jonathan S. Gelles of Wertheim
    Schroder" and "Lisa Schlein for VOA News" into the person and the organisation: two or
    more words with no organisation or place word before "of" or "for", then an
    organisation, which one of its words names as one ("National Council of Churches"), or
    which the middle initial before it says follows a person. "Bank of England", "Duke of
    Edinburgh" (one word before "of") and "Federal Reserve Bank of New York" stay whole."""
    if len(run) < 2:
        return [run]
    words = [text[a:b] for a, b, _ in run]
    k = next((i for i in range(2, len(words) - 1) if words[i] in ("of", "for")), 0)
    if not k:
        return [run]
    heads = lex.org_heads | lex.place_heads
    left = words[:k]
    if any(w.casefold().rstrip(".") in heads or w in CONNECTORS for w in left):
        return [run]
    rest = run[k + 1 :]
    if rest and text[rest[0][0] : rest[0][1]] == "the":
        rest = rest[1:]
    if not rest:
        return [run]
    initial = any(MIDDLE_INITIAL_RE.match(text, a) for a, _, _ in run[1 : k - 1])
    named = any(text[a:b].casefold().rstrip(".") in lex.org_heads for a, b, _ in rest)
    if named or initial:
        return [run[:k], rest]
    return [run]


def _split_at_of_place(
    text: str, run: list[tuple[int, int, bool]], lex: Lexicon
) -> list[list[tuple[int, int, bool]]]:
    """Cut "Bronislaw Geremek of Poland" or "Prime Minister of Israel" into the name and the
    place; "Bank of England", "Gulf of Mexico" or a known place ("Democratic Republic of the
    Congo") stay whole, their word before "of" being an organisation or place word."""
    words = [text[a:b] for a, b, _ in run]
    if "of" not in words[1:-1] or _is_known_place(text, run, lex):
        return [run]
    k = words.index("of", 1)
    rest = run[k + 1 :]
    if rest and text[rest[0][0] : rest[0][1]] == "the":
        rest = rest[1:]
    place = " ".join(text[a:b] for a, b, _ in rest)
    head = words[k - 1].casefold().rstrip(".")
    if not _is_known_place(text, rest, lex) or head in lex.org_heads or head in lex.place_heads:
        return [run]
    return [run[:k], rest] if place else [run]


def _split_at_title(
    run: list[tuple[int, int, bool]], role_at: dict[int, RoleHit]
) -> list[tuple[list[tuple[int, int, bool]], bool]]:
    """Cut a run before a title inside it: "Kestrel Chief Executive Anna Lindqvist" is the
    employer "Kestrel" (flagged True) and the titled name "Chief Executive Anna Lindqvist"."""
    for k in range(1, len(run) - 1):
        hit = role_at.get(run[k][0])
        if hit is not None and hit.start == run[k][0] and run[k - 1][0] not in role_at:
            return [(run[:k], True), (run[k:], False)]
    return [(run, False)]


def _split_titled_of(
    text: str, run: list[tuple[int, int, bool]], role_at: dict[int, RoleHit], lex: Lexicon
) -> list[list[tuple[int, int, bool]]]:
    """Cut "Prime Minister Adela Moravec of National Renewal" into the titled person and
    what follows "of": a title says the run is a person's name, which no "of" continues.
    Two name words at least come before "of" ("Governor Ann Lee of Ohio"), and none is an
    organisation or place word ("President Bank of Norland" stays whole)."""
    if len(run) < 4:
        return [run]  # (a title, two name words, "of" and a name make five at least)
    t = next((i for i, (a, _, _) in enumerate(run) if a not in role_at), len(run))
    words = [text[a:b] for a, b, _ in run]
    k = next((i for i in range(t + 2, len(run) - 1) if words[i] == "of"), 0)
    if not t or not k:
        return [run]
    heads = lex.org_heads | lex.place_heads
    if any(w.casefold().rstrip(".") in heads or w in CONNECTORS for w in words[t:k]):
        return [run]
    rest = run[k + 1 :]
    if text[rest[0][0] : rest[0][1]] == "the":
        rest = rest[1:]
    return [run[:k], rest] if rest else [run]


# The words before an acronym in brackets, from the nearest: capitalised ones give its
# letters, a few lower-case ones may come between ("Organization for Security and
# Co-operation in Europe (OSCE)").
WORD_BEFORE_RE = re.compile(r"([\w’'\-&]+)\s*\Z")
SPELLED_JOINERS = frozenset({"and", "the", "on", "in", "at", "&"}) | CONNECTORS


def _spelled_out(text: str, end: int, acronym: str) -> int | None:
    """Where the name whose capitalised words spell ``acronym`` and that ends at ``end``
    starts, or None."""
    letters = ""
    start = None
    pos = end
    while len(letters) < len(acronym):
        m = WORD_BEFORE_RE.search(text, max(0, pos - 40), pos)
        if m is None:
            return None
        word, pos = m.group(1), m.start(1)
        if word[:1].isupper():
            letters = word[0] + letters
            start = pos
        elif word not in SPELLED_JOINERS:
            return None
        if not acronym.endswith(letters):
            return None
    return start if letters == acronym and len(acronym) >= 2 else None


def _bracketed_acronyms(text: str, cands: list[Candidate]) -> list[Candidate]:
    """An acronym in brackets stands for the name its capitalised words spell right before
    it ("Organization for Security and Co-operation in Europe (OSCE)": one organisation,
    not "Organization for Security" and "Europe"; "Members of the Amalgamated Rail Workers
    (ARW)": the workers' union, without "Members of the"), or else for the organisation named right
    before it, whatever its letters ("the Federal Motor Transport Authority (KBA)"); not
    for a person or a place ("Nairobi (AFP)")."""
    out = list(cands)
    for c in cands:
        if not (
            c.text.isupper()
            and text[c.start - 2 : c.start] == " ("
            and text[c.end : c.end + 1] == ")"
        ):
            continue
        start = _spelled_out(text, c.start - 2, c.text.replace(".", ""))
        if start is None:
            continue
        # the names the spelled-out one covers ("Members of the Amalgamated Rail Workers")
        inside = [d for d in out if start < d.end <= c.start - 2]
        if not inside or any(d.role or d.personal for d in inside):
            continue
        name = Candidate(
            c.article_id, start, c.start - 2, text[start : c.start - 2], "organisation"
        )
        name.initial = _is_sentence_start(text, start)
        out = sorted([d for d in out if d not in inside] + [name], key=lambda d: d.start)
    for prev, c in zip(out, out[1:], strict=False):
        if (
            c.text.isupper()
            and text[prev.end : c.start] == " ("
            and text[c.end : c.end + 1] == ")"
            and " " in prev.text
            and prev.role is None
            and prev.kind in (None, "organisation")
            and not prev.personal
        ):
            c.expands = prev.start
    return out


def _join_and_names(text: str, cands: list[Candidate]) -> list[Candidate]:
    """ "Competition" + "and" + "Markets Authority" is one organisation when the second
    part ends with an organisation word and the first is not a known name of its own: not
    one the article writes alone too ("Talks between Brandt & Ochoa and Tessaly Group")."""
    alone = Counter(c.text for c in cands)
    out: list[Candidate] = []
    for c in cands:
        prev = out[-1] if out else None
        if (
            prev is not None
            and text[prev.end : c.start] == " and "
            and c.kind == "organisation"
            and prev.kind is None
            and alone[prev.text] == 1
            and prev.role is None
            and c.role is None
            and len(c.text.split()) >= 2
        ):
            name = text[prev.start : c.end]
            out[-1] = Candidate(c.article_id, prev.start, c.end, name, kind="organisation")
            out[-1].initial = prev.initial
            continue
        opener = _and_opener(text, c, prev)
        if opener is not None:
            joined = Candidate(c.article_id, opener, c.end, text[opener : c.end], "organisation")
            out.append(joined)
            continue
        out.append(c)
    return out


def _and_opener(text: str, c: Candidate, prev: Candidate | None) -> int | None:
    """Where "Immigration and Naturalization Service" starts when its first part was not
    kept as a name (a word also written in lower case): the capitalised words just before
    " and ", unless they open the sentence ("Analysts and Goldman Sachs Group")."""
    if c.kind != "organisation" or c.role is not None or len(c.text.split()) < 2:
        return None
    end = c.start - len(" and ")
    if end < 0 or text[end : c.start] != " and ":
        return None
    floor = max(0, end - 60, prev.end if prev is not None else 0)
    words = text[floor:end].split(" ")
    taken = 0  # capitalised words right before " and "
    for word in reversed(words[1:] if floor > 0 else words):
        if not (word.isalpha() and word[:1].isupper() and word[1:].islower()):
            break
        taken += 1
    start = end - len(" ".join(words[len(words) - taken :])) if taken else end
    while taken and _is_sentence_start(text, start):
        # "The Immigration and": the sentence's first word is not part of the name
        start += len(words[len(words) - taken]) + 1
        taken -= 1
    return start if taken else None


def _is_known_place(text: str, tokens: list[tuple[int, int, bool]], lex: Lexicon) -> bool:
    """The run is a country or city name as written ("US", "The Hague")."""
    if len(tokens) == 1:  # (most runs: no joining)
        name = text[tokens[0][0] : tokens[0][1]]
    else:
        name = " ".join(text[a:b] for a, b, _ in tokens)
    return name in lex.countries or name in lex.cities or name in lex.regions


def _head_words(name: str) -> set[str]:
    """The last word, or the one before a numeral ("World War II" -> "war"), and the one
    before "of" ("Battle of Armageddon" -> "battle"), casefolded."""
    words = name.split()
    if len(words) > 1 and ROMAN_RE.fullmatch(words[-1]):
        words.pop()
    heads = {words[-1].casefold()}
    if "of" in words[1:]:
        heads.add(words[words.index("of", 1) - 1].casefold())
    return heads


def _name_follows(text: str, tokens: list[tuple[int, int, bool]], lex: Lexicon) -> bool:
    """The run's second word is a capitalised word that is not itself a stop name."""
    if len(tokens) < 2:
        return False
    word = text[tokens[1][0] : tokens[1][1]]
    return word[:1].isupper() and word.casefold().rstrip(".") not in lex.stopnames


# The end of a sentence: a stop that no single capital letter comes before ("U.S."), a
# question or exclamation mark, or the end of the line.
SENTENCE_END_RE = re.compile(r"(?<![A-Z])[.?!](?=[\s\"”’']|$)|\n")


def _opens_question(text: str, pos: int) -> bool:
    """The word at ``pos`` opens a sentence that ends with a question mark."""
    if not _is_sentence_start(text, pos):
        return False  # "Will" inside a sentence is a name: the verb is written in lower case
    end = SENTENCE_END_RE.search(text, pos)
    return end is not None and end.group() == "?"


def _is_acronym(word: str) -> bool:
    """Three capitals or more: an acronym, not the stop word it spells ("WHO", "IT")."""
    return len(word) >= 3 and word.isupper() and word.isalpha()


def _is_contraction(word: str) -> bool:
    if "'" not in word and "’" not in word:
        return False  # (most words: no pattern to match)
    return CONTRACTION_RE.fullmatch(word) is not None


CONTRACTION_RE = re.compile(r"\w+[’'](?:m|re|ll|ve|d|t)", re.IGNORECASE)
# Spaces and hyphens between the words of a name ("Russian-Ukrainian", "Arab American").
NAME_PARTS_RE = re.compile(r"[\s\-]+")


def _is_adjective(name: str, lex: Lexicon) -> bool:
    """A demonym, its plural, or a compound adjective, not an actor."""
    if name in lex.countries:
        return False
    if name in lex.demonyms or (name.endswith("s") and name[:-1] in lex.demonyms):
        return True
    if name in lex.region_adjectives or name.removesuffix("s") in lex.region_adjectives:
        return True  # "European", "Arabs"
    parts = NAME_PARTS_RE.split(name)
    if len(parts) > 1 and all(p in lex.demonyms or p[:-1] in lex.demonyms for p in parts):
        return True  # "Cuban-American", "Cuban Americans"
    head, _, tail = name.partition("-")
    return bool(tail) and tail[:1].islower() and " " not in name


def _attach_appositions(text: str, cands: list[Candidate], hits: list[RoleHit]) -> None:
    """Give roles from "Norway's fisheries minister, Kari Haugland," and "Name, the role"."""
    by_start = {c.start: c for c in cands}
    by_end = {c.end: c for c in cands}
    for hit in hits:
        cand = by_start.get(hit.end + 1)
        if cand is not None and text[hit.end] == " " and cand.role is None:
            if cand.kind is None:  # a lower-case title: "spokesman Dmitry Peskov"
                cand.role, cand.country, cand.post = hit.role, hit.country, hit.post
                continue
        after = re.match(r",\s+", text[hit.end : hit.end + 3])
        if after:
            cand = by_start.get(hit.end + after.end())
            if cand is not None and cand.role is None and cand.kind is None:
                cand.role, cand.country, cand.post = hit.role, hit.country, hit.post
                continue
        before = re.search(r",\s+$", text[max(0, hit.start - 3) : hit.start])
        if before and hit.determined:
            cand = by_end.get(hit.start - len(before.group()))
            if cand is not None and cand.role is None and cand.kind is None:
                cand.role, cand.country, cand.post = hit.role, hit.country, hit.post


def _add_outlet_kind(article: Article, cands: list[Candidate]) -> None:
    """The article's own outlet and any "X's <Name>" employer are organisations."""
    outlet = _strip_the(fold(article.outlet)) if article.outlet else None
    for c in cands:
        if c.kind is None and (c.possessor or (outlet and _strip_the(fold(c.text)) == outlet)):
            c.kind = "organisation"


def _strip_the(name: str) -> str:
    return name[4:] if name.startswith("the ") else name


# --- merging across the corpus ----------------------------------------------------------


@dataclass(slots=True)
class _Group:
    """Forms merged into one actor while building."""

    forms: Counter[str] = field(default_factory=Counter)
    # What the names say (an organisation or place word, a country, a title, an age):
    # decisive when there is any; else what the contexts suggest ("in X", "X said").
    kind_votes: Counter[str] = field(default_factory=Counter)
    context_votes: Counter[str] = field(default_factory=Counter)
    roles: Counter[tuple[str, str | None]] = field(default_factory=Counter)
    pinned: dict | None = None


def _name_parts(name: str) -> tuple[str, str]:
    """The first name and the surname, initials and a generational suffix left out."""
    words = [w for w in name.split() if w.rstrip(".") and not w.endswith(".")] or name.split()
    while len(words) > 1 and words[-1].casefold().rstrip(".,") in NAME_SUFFIXES:
        words.pop()  # "James A. Baker III", "J.P. Hartley Jr": Baker, Hartley
    return fold(words[0]), fold(words[-1])


def _same_person(a: str, b: str) -> bool:
    """Two full names of one person: surnames alike and first names compatible."""
    first_a, last_a = _name_parts(a)
    first_b, last_b = _name_parts(b)
    if fuzz.ratio(last_a, last_b) < SURNAME_SIMILARITY:
        return False
    return fuzz.ratio(first_a, first_b) >= FIRSTNAME_SIMILARITY


# Surnames compared at a time by _alike_surnames (a matrix of this many rows of scores).
SURNAME_ROWS = 1024


def _same_person_pairs(
    block: list[str], parts: dict[str, tuple[str, str]]
) -> Iterator[tuple[str, str]]:
    """The pairs (a, b) of name forms ("n:Ann Lee") that _same_person accepts, a before b
    in ``block``, in the order of a double loop over it; ``parts`` has each form's
    _name_parts.

    Written for speed: the double loop called _same_person for every pair, quadratic in the
    corpus's people (100,000 articles: 2.2 million pairs, 7.6 s). Here each distinct
    surname is compared with the others once, in C (_alike_surnames), and only the forms
    whose surnames are alike have their first names compared; the pairs, and so the
    merges, come in the same order.
    """
    where: dict[str, list[int]] = defaultdict(list)  # surname -> its forms' places in block
    for i, k in enumerate(block):
        where[parts[k][1]].append(i)
    alike = _alike_surnames(list(where))
    for i, a in enumerate(block):
        first, last = parts[a]
        for j in sorted(j for other in alike[last] for j in where[other] if j > i):
            if fuzz.ratio(first, parts[block[j]][0]) >= FIRSTNAME_SIMILARITY:
                yield a, block[j]


def _alike_surnames(names: list[str]) -> dict[str, list[str]]:
    """Each surname -> the surnames _same_person finds alike (itself included)."""
    alike: dict[str, list[str]] = {name: [] for name in names}
    for top in range(0, len(names), SURNAME_ROWS):
        rows = names[top : top + SURNAME_ROWS]
        # Whole scores, a point under the threshold: every pair that can pass, checked
        # again below with the very call _same_person makes.
        scores = process.cdist(
            rows, names, scorer=fuzz.ratio, score_cutoff=SURNAME_SIMILARITY - 1, dtype=np.uint8
        )
        for r, c in zip(*np.nonzero(scores), strict=True):
            if fuzz.ratio(rows[r], names[c]) >= SURNAME_SIMILARITY:
                alike[rows[r]].append(names[c])
    return alike


def _acronym(name: str) -> str:
    words = [w for w in name.split() if w[:1].isupper()]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def _join_acronyms(
    form_counts: Counter[str],
    form_kinds: dict[str, Counter[str]],
    acronyms: dict[str, str],
    uf: _UnionFind,
    expanded: set[str],
) -> None:
    """Join each acronym to the one name it stands for: by its capitalised words without a
    legal form ("IBM" of "International Business Machines Corp"), else with it ("FDIC" of
    "Federal Deposit Insurance Corp") unless the acronym opens a name of its own ("DPC" of
    "DPC Acquisition Partners" is not "Du Pont Co"). An acronym two names share ("GM" of
    "General Motors Corp" and "General Mills Inc") joins neither. ``expanded`` gets the
    acronyms names spell out: none is the short form of a longer name it opens ("GM" of
    "GM Hughes Electronics")."""
    strong: dict[str, set[str]] = defaultdict(set)
    weak: dict[str, set[str]] = defaultdict(set)
    openings: set[str] = set()
    for key in form_counts:
        words = key[2:].split()
        # a person's initials are not an acronym: "AP" is not "Alex Penelas"
        if not key.startswith("n:") or len(words) < 2:
            continue
        if form_kinds[key]["organisation"]:
            openings.add(words[0])
        if _group_kind(form_kinds[key]) == "person":
            continue
        short = _acronym(_without_legal_form(key[2:]))
        if short in acronyms:
            strong[short].add(key)
        full = _acronym(key[2:])
        if full != short and full in acronyms:
            weak[full].add(key)
    for acro, key in acronyms.items():
        keys = strong.get(acro) or (weak.get(acro) if acro not in openings else None)
        if keys:
            expanded.add(key)
        if keys and len({fold(k) for k in keys}) == 1:
            for other in keys:
                uf.union(key, other)


def _without_legal_form(name: str) -> str:
    """The name without a last word for its legal form: an acronym may leave it out ("GM"
    of "General Motors Corp", "IBM" of "International Business Machines Corp")."""
    words = name.split()
    if len(words) >= 3 and fold(words[-1]).rstrip(".") in load_lexicon().legal_forms:
        return " ".join(words[:-1])
    return name


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _slug(name: str) -> str:
    slug = re.sub(r"[^\w]+", "-", fold(name)).strip("-")
    return slug or "actor"


def load_overrides(path: Path | None) -> dict:
    """Read the aliases TOML (the packaged one when path is None)."""
    try:
        if path is None:
            return tomllib.loads(_data_text("actors.toml"))
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise OverridesError(f"{path}: cannot read the aliases file: {exc}") from exc


def _pins(overrides: dict) -> tuple[dict[str, dict], set[str]]:
    pins: dict[str, dict] = {}
    for entry in overrides.get("actor", []):
        if not isinstance(entry, dict) or not entry.get("name"):
            continue
        for form in [entry["name"], *entry.get("aliases", [])]:
            pins[fold(form)] = entry
    ignored = {fold(a) for a in overrides.get("ignore", {}).get("aliases", [])}
    return pins, ignored


def _pinned_candidates(
    article_id: str, text: str, pins: dict[str, dict], taken: list[Candidate]
) -> list[Candidate]:
    """Pinned forms the capitalisation rules missed (lower case, headlines)."""
    out = []
    covered = [(c.start, c.end) for c in taken]
    for form, entry in pins.items():
        for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", fold(text)):
            if any(a < m.end() and m.start() < b for a, b in covered):
                continue
            name = text[m.start() : m.end()]
            out.append(Candidate(article_id, m.start(), m.end(), name, canonical=entry["name"]))
            covered.append(m.span())
    return out


def find_actors(
    articles: Sequence[Article],
    *,
    overrides: Path | None = None,
    mapper: Callable[[Callable, Iterable], Iterable] | None = None,
) -> ActorIndex:
    """Find and merge the actors named in a corpus; refs are in text order per article.

    ``mapper`` (the pipeline's: a pool of processes, Dask tasks) runs the per-article
    candidate step on slices of the corpus; merging is corpus-wide and runs here. Without it
    everything runs in this process.
    """
    index = find_actors_in_passes(
        lambda: iter(articles), SpillFolder.in_memory(), overrides=overrides, mapper=mapper
    )
    return ActorIndex(index.actors, dict(index.refs.items()))


# Articles a pass over the corpus reads at once, and the slices of them a mapper hands out.
ACTOR_BATCH = 2_000
BATCH_CHUNKS = 4

# An article's candidates, role phrases and headline spans.
Found = tuple[str, list[Candidate], list[RoleHit], tuple[tuple[int, int], ...]]


def find_actors_in_passes(
    articles: Callable[[], Iterator[Article]],
    folder: SpillFolder,
    *,
    overrides: Path | None = None,
    mapper: Callable[[Callable, Iterable], Iterable] | None = None,
    lowered_words: set[str] | None = None,
) -> ActorIndex:
    """find_actors over a corpus read in passes: ``articles()`` yields its articles, in the
    same order each time. Each pass reads the articles (or what the one before it kept of
    them, in spills under ``folder``) a batch at a time and keeps only what it counts over
    the corpus: the lower-case words, the names found, their forms' statistics, the role
    ties; merging needs those alone. The articles are read once for their names: the
    later passes read their texts alone, from a spill (reading the articles again would
    read their metadata and time expressions too). ``lowered_words`` is lowered_words_of
    the whole corpus when the caller has it. The returned index's refs are a
    SpilledMapping (article id -> references), in article order."""
    lex = load_lexicon()
    pins, ignored = _pins(load_overrides(overrides))
    apply = mapper or map

    def slices(batch: list[Article]) -> list[list[Article]]:
        return _slices(batch, BATCH_CHUNKS if mapper is not None else 1)

    if lowered_words is None:
        lowered_words = set()
        for batch in batched(articles(), ACTOR_BATCH):
            for words in apply(lowered_words_of, slices(batch)):
                lowered_words |= words
    found: Spill[Found] = folder.spill("candidates")
    texts: Spill[str] = folder.spill("texts")
    names = _Names(lex)

    def work(words: set[str]) -> Iterator[tuple[list[Article], set[str]]]:
        # one stream of slices for every batch: a mapper with workers has the next batch's
        # slices to run while this process takes in a batch's candidates
        for batch in batched(articles(), ACTOR_BATCH):
            for article in batch:
                text_out.append(article.text)
            for chunk in slices(batch):
                yield chunk, words

    with found.writer() as out, texts.writer() as text_out:
        for part in apply(candidates_of, work(lowered_words)):
            for item in part:
                out.append(item)
                names.add(item[1])
    del lowered_words
    inside, surnames = names.evidence(lex)
    kept, headline_names = _kept_pass(
        found, texts, names.known, inside, surnames, pins, ignored, lex, folder
    )
    del found, names, inside, surnames
    final, forms = _headline_pass(kept, texts, headline_names, folder)
    del kept, headline_names
    merged = _merged(forms, pins)
    owned: Spill[Owned] = folder.spill("owned")
    groups: dict[str, _Group] = defaultdict(_Group)
    ties: RoleTies = defaultdict(Counter)  # by group, until the groups are actors
    pinned = {e["name"] for e in pins.values()}
    with owned.writer() as out:
        for article_id, cands, hits in final:
            owners, surnamed = _owners(cands, merged)
            _add_votes(groups, cands, owners, surnamed, pins, pinned)
            out.append((article_id, cands, owners, hits, _role_ties(cands, owners, ties)))
    del final, merged
    actors, root_to_id = _actors_of(groups)
    del groups
    corpus_ties = _tied_to_actors(ties, root_to_id)
    refs = _role_pass(owned, texts, root_to_id, corpus_ties, actors, lex, folder)
    return ActorIndex(actors, refs)  # type: ignore[arg-type]


class _Names:
    """What the names found say over the corpus, for splitting compounds ("US-Ukraine")
    and telling a one-word name from a capitalised word opening a sentence."""

    def __init__(self, lex: Lexicon) -> None:
        # the names written without a hyphen, and the lexicon's places
        self.known = set(lex.countries) | set(lex.cities) | set(lex.regions)
        self.inside: set[str] = set()  # seen other than opening a sentence, or else named
        self.surnames: set[str] = set()
        # hyphenated names, split or not once every name is known: (text, named inside)
        self.hyphenated: dict[tuple[str, bool], None] = {}

    def add(self, cands: list[Candidate]) -> None:
        for c in cands:
            if "-" in c.text:
                self.hyphenated[(c.text, _named_inside(c))] = None
                continue
            self.known.add(c.text)
            if _named_inside(c):
                self.inside.add(fold(c.text))
            if " " in c.text:
                self.surnames.add(fold(c.text.split()[-1]))

    def evidence(self, lex: Lexicon) -> tuple[set[str], set[str]]:
        """``inside`` and ``surnames`` over the candidates as _split_compounds leaves them."""
        for text, inside in self.hyphenated:
            parts = _compound_parts(text, self.known, lex)
            if parts:  # its parts are names in their own right, never opening a sentence
                self.inside.update(fold(part) for part in parts)
                continue
            if inside:
                self.inside.add(fold(text))
            if " " in text:
                self.surnames.add(fold(text.split()[-1]))
        return self.inside, self.surnames


def _slices(items: list, n: int) -> list[list]:
    """``items`` in at most ``n`` contiguous slices of near-equal length."""
    size = max(1, -(-len(items) // max(1, n)))
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def lowered_words_of(articles: Sequence[Article]) -> set[str]:
    """The words these articles write in lower case somewhere, casefolded: a capitalised
    word that is among them is a common word at a sentence start, not a name."""
    return {w.casefold() for a in articles for w in TOKEN_RE.findall(a.text) if w[0].islower()}


def candidates_of(
    item: tuple[Sequence[Article], set[str]],
) -> list[tuple[str, list[Candidate], list[RoleHit], tuple[tuple[int, int], ...]]]:
    """Name candidates, role phrases and headline spans of each article of a slice, given
    the corpus's lower-case words (a unit of work for a worker process)."""
    articles, lowered_words = item
    lex = load_lexicon()
    out = []
    for article in articles:
        headline = _headline_spans(article.text)
        cands, hits = _candidates(article, lex, lowered_words, headline)
        out.append((article.id, cands, hits, headline))
    return out


def _split_compounds(
    article_id: str, cands: list[Candidate], known: set[str], lex: Lexicon
) -> list[Candidate]:
    """Split "US-Ukraine" or "Smith-Jones talks" into two names when both are known names
    (``known``: the corpus's names without a hyphen, and the lexicon's places)."""
    out = []
    for c in cands:
        parts = _compound_parts(c.text, known, lex) if "-" in c.text else None
        if not parts:
            out.append(c)
            continue
        pos = c.start
        for part in parts:
            kind, canonical = _classify(part, lex)
            out.append(Candidate(article_id, pos, pos + len(part), part, kind, canonical=canonical))
            pos += len(part) + 1
    return out


def _compound_parts(text: str, known: set[str], lex: Lexicon) -> list[str] | None:
    """The names a hyphenated name is made of, or None when it is one name ("Cuban-American"
    is not two actors)."""
    parts = text.split("-")
    if any(p in lex.demonyms for p in parts):
        return None
    if len(parts) > 1 and " " not in text and all(p in known for p in parts):
        return parts
    return None


def _named_inside(c: Candidate) -> bool:
    """Seen other than opening a sentence, or something else says it is a name."""
    return bool(not c.initial or c.kind or c.role or c.agentive or c.possessor or c.context_kind)


def _kept_pass(
    found: Spill[Found],
    texts: Spill[str],
    known: set[str],
    inside: set[str],
    surnames: set[str],
    pins: dict[str, dict],
    ignored: set[str],
    lex: Lexicon,
    folder: SpillFolder,
) -> tuple[Spill[Found], dict[str, tuple[str | None, str | None]]]:
    """Compounds split; one-word names seen only opening sentences, that nothing else says
    are names, and the ignored forms dropped; pinned forms named and found where
    capitalisation missed them. With the names to look for in headlines: each form (its
    kind and canonical name, as the last candidate of that form has them), then each
    person's surname alone."""
    kept: Spill[Found] = folder.spill("kept")
    forms: dict[str, tuple[str | None, str | None]] = {}
    surname_forms: dict[str, tuple[str | None, str | None]] = {}
    # the texts are read only to look for pinned forms
    each_text = iter(texts) if pins else itertools.repeat(None)
    with kept.writer() as out:
        for (article_id, cands, hits, headline), text in zip(found, each_text, strict=False):
            cands = _split_compounds(article_id, cands, known, lex)
            cands = [
                c
                for c in cands
                if (" " in c.text or fold(c.text) in inside or fold(c.text) in surnames)
                and fold(c.text) not in ignored
            ]
            for c in cands:
                entry = pins.get(fold(c.text))
                if entry is not None:
                    c.canonical = entry["name"]
            cands += _pinned_candidates(article_id, text, pins, cands) if text is not None else []
            cands.sort(key=lambda c: c.start)
            for c in cands:
                forms[fold(c.text)] = (c.kind, c.canonical)
            for c in cands:
                words = c.text.split()
                if len(words) >= 2 and c.kind in (None, "person"):
                    surname_forms.setdefault(fold(words[-1]), (c.kind, c.canonical))
            out.append((article_id, cands, hits, headline))
    for form, model in surname_forms.items():
        forms.setdefault(form, model)  # the surname alone
    return kept, forms


def _headline_pass(
    kept: Spill[Found],
    texts: Spill[str],
    known: dict[str, tuple[str | None, str | None]],
    folder: SpillFolder,
) -> tuple[Spill[tuple[str, list[Candidate], list[RoleHit]]], _Forms]:
    """The names found elsewhere in the corpus looked for in headline and all-caps lines;
    with the statistics of every form, for merging."""
    final: Spill[tuple[str, list[Candidate], list[RoleHit]]] = folder.spill("final")
    usable = [f for f in known if len(f) >= 3]
    pattern = re.compile(rf"(?<!\w)(?:{_alternation(usable)})(?!\w)") if usable else None
    forms = _Forms()
    with final.writer() as out:
        for (article_id, cands, hits, headline), text in zip(kept, texts, strict=True):
            if pattern is not None and headline:
                cands = _headline_names(article_id, text, cands, headline, pattern, known)
            forms.add(cands)
            out.append((article_id, cands, hits))
    return final, forms


def _headline_names(
    article_id: str,
    text: str,
    cands: list[Candidate],
    spans: tuple[tuple[int, int], ...],
    pattern: re.Pattern[str],
    known: dict[str, tuple[str | None, str | None]],
) -> list[Candidate]:
    """The article's candidates with the known names its headline lines write."""
    folded = fold(text)
    if len(folded) != len(text):
        return cands  # folding changed offsets (rare ligatures): skip rather than misplace
    extra = []
    for a, b in spans:
        for m in pattern.finditer(folded, a, b):
            kind, canonical = known[m.group()]
            name = text[m.start() : m.end()]
            extra.append(
                Candidate(article_id, m.start(), m.end(), name, kind=kind, canonical=canonical)
            )
    return sorted(cands + extra, key=lambda c: c.start) if extra else cands


class _Forms:
    """Statistics of every candidate form of a corpus, gathered an article at a time: how
    often each is written, where it is written after "in"/"at", the kinds it is given, and
    the acronyms written in brackets after a name."""

    def __init__(self) -> None:
        self.uf = _UnionFind()
        self.kinds: dict[str, Counter[str]] = defaultdict(Counter)
        self.counts: Counter[str] = Counter()
        self.places: Counter[str] = Counter()  # uses after "in", "at", "near"...
        self.bracketed: list[tuple[str, str]] = []  # (the name's form, its acronym's)

    def add(self, cands: list[Candidate]) -> None:
        for c in cands:
            key = _form_key(c)
            self.counts[key] += 1
            self.places[key] += c.locative
            if c.kind:
                self.kinds[key][c.kind] += 1
            elif c.role or c.personal:
                self.kinds[key]["person"] += 1
            self.uf.find(key)
        key_at = {c.start: _form_key(c) for c in cands}
        for c in cands:
            if c.expands is not None and c.expands in key_at:
                self.bracketed.append((key_at[c.expands], _form_key(c)))


@dataclass(slots=True)
class _Merged:
    """The forms merged into groups, and what an article's bare surnames are read by."""

    uf: _UnionFind
    kinds: dict[str, Counter[str]]
    surname_groups: dict[str, set[str]]
    full_roots: set[str]
    weights: Counter[str]  # uses of each group
    options: dict[str, set[str]] = field(default_factory=dict)  # surname -> its groups


def _merged(forms: _Forms, pins: dict[str, dict]) -> _Merged:
    """Group candidate forms into actors (over the forms alone, not the articles)."""
    uf, form_counts, form_kinds = forms.uf, forms.counts, forms.kinds
    # Organisations and places: one key per casefolded name; acronyms join their expansion.
    acronyms = {k[2:]: k for k in form_counts if k.startswith("n:") and k[2:].isupper()}
    expanded: set[str] = set()  # acronyms joined to their expansion ("GM")
    for name, acronym in forms.bracketed:  # "KBA" written in brackets after its name
        uf.union(name, acronym)
        expanded.add(acronym)
    _join_acronyms(form_counts, form_kinds, acronyms, uf, expanded)
    casefolded: dict[str, str] = {}
    # Canonical forms first: "Lima" (from the dateline "LIMA") takes in the plain "Lima".
    for key in sorted(form_counts, key=lambda k: not k.startswith("c:")):
        if key.startswith(("n:", "c:")):
            f = fold(key[2:])
            if f in casefolded:
                uf.union(casefolded[f], key)
            else:
                casefolded[f] = key
    _merge_country_qualified(form_counts, casefolded, uf)
    # People: full names with alike surnames and compatible first names.
    full = [
        k
        for k in form_counts
        if k.startswith("n:")
        and 2 <= len(k[2:].split()) <= 4
        and not _bare_surname(k[2:])
        and not NOT_IN_PERSONAL_NAMES.intersection(k[2:].split())
        and _group_kind(form_kinds[k]) in (None, "person")
    ]
    parts = {k: _name_parts(k[2:]) for k in full}
    blocks: dict[str, list[str]] = defaultdict(list)
    for k in full:
        blocks[parts[k][1][:1]].append(k)
    for block in blocks.values():
        for a, b in _same_person_pairs(block, parts):
            uf.union(a, b)
    # Bare surnames: to the one person with that surname, or the dominant one.
    surname_groups: dict[str, set[str]] = defaultdict(set)
    for k in full:
        surname_groups[_name_parts(k[2:])[1]].add(uf.find(k))
    _merge_short_org_names(form_counts, form_kinds, surname_groups, uf, expanded)
    _merge_first_names(form_counts, form_kinds, forms.places, full, surname_groups, uf)
    # No merges happen below: each group's weight and each surname's options are fixed.
    weights: Counter[str] = Counter()
    for key, n in form_counts.items():
        weights[uf.find(key)] += n
    return _Merged(uf, form_kinds, surname_groups, {uf.find(k) for k in full}, weights)


def _owners(cands: list[Candidate], m: _Merged) -> tuple[dict[int, str], set[int]]:
    """The group each of an article's candidates names (by where it starts), and where
    the article names a person by the bare surname."""
    owner: dict[int, str] = {}
    surnamed: set[int] = set()  # uses of a bare surname: people are named so
    seen_here: list[str] = []
    titled_here: dict[str, str] = {}  # "hussein" -> King Hussein, once the article says so
    first_named = _first_named(cands, m.surname_groups, m.full_roots, m.uf)
    for c in cands:
        key = _form_key(c)
        if key.startswith("n:") and fold(key[2:]) in titled_here:
            owner[c.start] = titled_here[fold(key[2:])]
            continue
        if key.startswith("n:") and _bare_surname(key[2:]):
            folded = fold(key[2:].split()[-1])
            if folded not in m.options:
                m.options[folded] = _surname_options(folded, m.surname_groups, m.uf)
            target = _surname_owner(m.options[folded], seen_here, m.uf, m.weights, first_named)
            if target is not None and _group_kind(m.kinds[key]) in (None, "person"):
                owner[c.start] = target
                surnamed.add(c.start)
                continue
        root = m.uf.find(key)
        owner[c.start] = root
        seen_here.append(root)
        if c.canonical and c.role and " " not in c.text:
            titled_here[fold(c.text)] = root
    return {start: m.uf.find(root) for start, root in owner.items()}, surnamed


def _add_votes(
    groups: dict[str, _Group],
    cands: list[Candidate],
    owner: dict[int, str],
    surnamed: set[int],
    pins: dict[str, dict],
    pinned: set[str],
) -> None:
    """Add an article's candidates to their groups: forms, kinds, roles, contexts."""
    for c in cands:
        group = groups[owner[c.start]]
        group.forms[c.text] += 1
        if c.kind:
            group.kind_votes[c.kind] += 1
        if c.role:
            group.kind_votes["person"] += 1
            group.roles[(c.role, c.country)] += 1
        if c.locative:
            group.context_votes["place"] += 1
        if c.agentive:
            group.context_votes["person"] += 1
        if c.context_kind:
            group.context_votes[c.context_kind] += 2
        if c.personal:
            group.kind_votes["person"] += 1
        if c.start in surnamed:
            group.context_votes["person"] += 1  # "Kopp" for "James Kopp"
        if c.canonical and c.canonical in pinned:
            group.pinned = next(e for e in pins.values() if e["name"] == c.canonical)


def _merge_country_qualified(
    form_counts: Counter[str], casefolded: dict[str, str], uf: _UnionFind
) -> None:
    """A name opened by a country ("U.S. Immigration and Naturalization Service") is the
    name without it (of two words or more) when the corpus writes that too and qualifies it
    by no other country: with "Russian Foreign Ministry" and "Ukrainian Foreign Ministry"
    both written, a bare "Foreign Ministry" stays apart. Forms qualified by one country in
    two ways are one ("U.S. Embassy", "American Embassy")."""
    lex = load_lexicon()
    qualified: dict[str, set[str]] = defaultdict(set)
    for key in form_counts:
        if not key.startswith("n:"):
            continue
        words = key[2:].split(maxsplit=1)
        if len(words) == 2:
            country = lex.country_of(words[0])
            if country is not None:
                qualified[fold(words[1])].add(country)
                qualified[fold(words[1]) + "\n" + country].add(key)
    for rest, countries in qualified.items():
        if "\n" in rest or len(countries) != 1:
            continue
        keys = sorted(qualified[rest + "\n" + next(iter(countries))])
        for key in keys[1:]:  # "U.S. Embassy" and "American Embassy"
            uf.union(keys[0], key)
        if rest in casefolded and len(rest.split()) >= 2:
            uf.union(casefolded[rest], keys[0])


def _bare_surname(name: str) -> bool:
    """One word ("Reyland"), or a surname opening with a particle ("Bin Rashad", "Van Dyke")."""
    words = name.split()
    return len(words) == 1 or (len(words) == 2 and words[0].casefold() in CONNECTORS)


def _merge_first_names(
    form_counts: Counter[str],
    form_kinds: dict[str, Counter[str]],
    form_places: Counter[str],
    full: list[str],
    surname_groups: dict[str, set[str]],
    uf: _UnionFind,
) -> None:
    """A name that is nobody else's surname joins the one person whose first names it is
    ("Kiri" for "Kiri Matanga", "Juan Miguel" for "Juan Miguel Gonzalez"): news writes
    children and some public figures that way. Shared by two people (unless one has nearly
    all the mentions), another person's surname, or often used as a place ("in Buffalo"),
    it stays apart."""
    by_opening: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for key in full:
        words = tuple(fold(key[2:]).split())
        for j in range(1, len(words)):
            by_opening[words[:j]][uf.find(key)] += form_counts[key]
    for key in form_counts:
        if not key.startswith("n:") or _group_kind(form_kinds[key]) not in (None, "person"):
            continue
        words = tuple(fold(key[2:]).split())
        surname_owners = surname_groups.get(_name_parts(key[2:])[1], set())
        if surname_owners - {uf.find(key)} or words not in by_opening:
            continue
        if form_places[key] > FIRST_NAME_PLACE_SHARE * form_counts[key]:
            continue
        roots = by_opening[words]
        (top, n), total = roots.most_common(1)[0], sum(roots.values())
        if n >= DOMINANT_SHARE * total:
            uf.union(top, key)


def _merge_short_org_names(
    form_counts: Counter[str],
    form_kinds: dict[str, Counter[str]],
    surname_groups: dict[str, set[str]],
    uf: _UnionFind,
    expanded: set[str],
) -> None:
    """A name is the short form of the one organisation whose longer name it opens
    ("Kestrel" for "Kestrel Foods", "Vantor Marine" for "Vantor Marine Industries Oy"),
    ends with a word that stands alone ("Rovers" for "Ashford Rovers"), or follows a
    generic opening word ("Paribas" for "Financiere de Paribas"), unless it is also a
    person's surname or the corpus reads it as a person or a place, or an acronym already
    joined to what it stands for ("GM" of "General Motors Corp" does not open "GM Hughes
    Electronics"). Names that differ only in their legal form are one ("Philip Morris Co",
    "Philip Morris Cos")."""
    lex = load_lexicon()
    _merge_legal_forms(form_counts, form_kinds, uf, lex)
    openers = {fold(w) for w in lex.org_openers}
    orgs_by_opening: dict[tuple[str, ...], set[str]] = defaultdict(set)
    # "Norland" of "Reserve Bank of Norland" is where the bank is: a place, and so not the
    # short name of the "Norland Chamber of Commerce"
    of_places: set[str] = set()
    for key in form_counts:
        words = tuple(fold(key[2:]).split())
        if key.startswith("n:") and len(words) >= 2 and form_kinds[key]["organisation"]:
            for j in range(1, min(len(words), NAME_WORDS)):
                orgs_by_opening[words[:j]].add(uf.find(key))
            if len(words) >= 3 and words[-2] == "of":
                of_places.add(words[-1])
            if words[-1] in lex.standalone_heads:
                orgs_by_opening[words[-1:]].add(uf.find(key))  # "Rovers": "Ashford Rovers"
            rest = words
            while rest and (rest[0] in openers or rest[0] in CONNECTORS):
                rest = rest[1:]  # "Cie. Financiere de Paribas" -> "Paribas"
            if rest and rest != words:
                orgs_by_opening[rest].add(uf.find(key))
    for key in form_counts:
        if not key.startswith("n:"):
            continue
        words = tuple(fold(key[2:]).split())
        roots = {uf.find(r) for r in orgs_by_opening.get(words, set())}
        kind = _group_kind(form_kinds[key])
        if len(words) == 1 and (words[0] in surname_groups or words[0] in of_places):
            continue
        if key in expanded:
            continue
        if len(roots) == 1 and kind in (None, "organisation"):
            uf.union(next(iter(roots)), key)


def _merge_legal_forms(
    form_counts: Counter[str], form_kinds: dict[str, Counter[str]], uf: _UnionFind, lex: Lexicon
) -> None:
    """Join organisations whose names differ only in a last word for their legal form:
    "Philip Morris Co" and "Philip Morris Cos", "Acme Holdings Ltd" and "Acme Holdings Plc"."""
    by_base: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for key in form_counts:
        words = tuple(fold(key[2:]).split())
        if (
            key.startswith("n:")
            and len(words) >= 3
            and form_kinds[key]["organisation"]
            and words[-1].rstrip(".") in lex.legal_forms
        ):
            by_base[words[:-1]].append(key)
    for keys in by_base.values():
        for key in keys[1:]:
            uf.union(keys[0], key)


def _form_key(c: Candidate) -> str:
    """Merge key of a candidate: pinned and canonical names first, else its name."""
    if c.canonical:
        return f"c:{c.canonical}"
    return f"n:{c.text}"


def _group_kind(votes: Counter[str]) -> str | None:
    return votes.most_common(1)[0][0] if votes else None


def _surname_options(folded: str, surname_groups: dict[str, set[str]], uf: _UnionFind) -> set[str]:
    """The groups of the people a bare surname could name: that surname, else alike ones."""
    options = set(surname_groups.get(folded, set()))
    if not options:
        for other, roots in surname_groups.items():
            if other[:1] == folded[:1] and fuzz.ratio(other, folded) >= SURNAME_SIMILARITY:
                options |= roots
    return {uf.find(r) for r in options}


def _first_named(
    cands: list[Candidate],
    surname_groups: dict[str, set[str]],
    full_roots: set[str],
    uf: _UnionFind,
) -> set[str]:
    """The people an article calls by a first name alone ("Elian" for Elian Gonzalez): a
    one-word name that is nobody's surname, merged into a person with a full name."""
    out = set()
    for c in cands:
        key = _form_key(c)
        if key.startswith("n:") and " " not in key[2:] and fold(key[2:]) not in surname_groups:
            root = uf.find(key)
            if root in full_roots:
                out.add(root)
    return out


def _surname_owner(
    options: set[str],
    seen_here: list[str],
    uf: _UnionFind,
    weights: Counter[str],
    first_named: set[str] = frozenset(),  # type: ignore[assignment]
) -> str | None:
    """The person a bare surname names, or None when it is not clear.

    The person the article named last, but not one it calls by a first name when it names
    another person of that surname: a story that calls a boy "Elian" calls his father
    "Gonzalez"."""
    if not options:
        return None
    if len(options) == 1:
        return next(iter(options))
    named = [uf.find(r) for r in seen_here if uf.find(r) in options]
    for root in reversed(named):  # the one this article named last
        if root not in first_named:
            return root
    if named:
        return named[-1]
    shares = Counter({r: weights[r] for r in options})
    top, n = shares.most_common(1)[0]
    return top if n >= DOMINANT_SHARE * sum(shares.values()) else None


def _canonical_name(group: _Group) -> str:
    """The most used full form (longest on ties); pinned names win. A surname alone or the
    opening of a longer form ("Juan Pablo" of "Juan Pablo Ortega") is not a full form."""
    if group.pinned:
        return str(group.pinned["name"])
    openings = {
        tuple(words[:j])
        for f in group.forms
        if len(words := f.split()) <= NAME_WORDS
        for j in range(1, len(words))
    }
    multi = [
        (n, len(f), f)
        for f, n in group.forms.items()
        if not _bare_surname(f) and tuple(f.split()) not in openings
    ]
    pool = multi or [(n, len(f), f) for f, n in group.forms.items()]
    return max(pool)[2]


def _actors_of(groups: dict[str, _Group]) -> tuple[dict[str, Actor], dict[str, str]]:
    """The actors (most written first) and the actor id of each group."""
    actors: dict[str, Actor] = {}
    root_to_id: dict[str, str] = {}
    for root, group in sorted(groups.items(), key=lambda kv: -sum(kv[1].forms.values())):
        name = root[2:] if root.startswith("c:") else _canonical_name(group)
        actor_id = base = _slug(name)
        n = 2
        while actor_id in actors:
            actor_id, n = f"{base}-{n}", n + 1
        kind = (
            _group_kind(group.kind_votes)
            or _group_kind(group.context_votes)
            or ("person" if len(name.split()) >= 2 else "organisation")
        )
        if group.pinned and group.pinned.get("kind"):
            kind = str(group.pinned["kind"])
        role = None
        if group.pinned and group.pinned.get("role"):
            role = str(group.pinned["role"])
        elif group.roles:
            # on a tie, the role held now: "former ambassador" and "president" once each
            (r, country), _ = max(
                group.roles.items(), key=lambda kv: (kv[1], not kv[0][0].startswith("Former"))
            )
            role = f"{r} ({country})" if country else r
        actors[actor_id] = Actor(actor_id, name, kind, role, dict(group.forms))
        root_to_id[root] = actor_id
    return actors, root_to_id


RoleTies = dict[tuple[str, str | None], Counter[str]]
# An article's candidates, the group each names (by where it starts), its role phrases, and
# the roles its titled names tie to their groups.
Owned = tuple[str, list[Candidate], dict[int, str], list[RoleHit], RoleTies]


def _role_ties(cands: list[Candidate], owner: dict[int, str], corpus: RoleTies) -> RoleTies:
    """The roles an article's titled names tie to their groups ("the president" to the
    group of "President X"), also added to ``corpus``."""
    local: RoleTies = defaultdict(Counter)
    for c in cands:
        if c.role:
            root = owner[c.start]
            role = _tie_role(c.role, c.post)
            for key in ((role, c.country), (role, None)):
                corpus[key][root] += 1
                local[key][root] += 1
    return local


def _tied_to_actors(ties: RoleTies, root_to_id: dict[str, str]) -> RoleTies:
    """Role ties by group, as ties by actor id (counts in the same order)."""
    out: RoleTies = defaultdict(Counter)
    for key, counts in ties.items():
        for root, n in counts.items():
            out[key][root_to_id[root]] += n
    return out


def _role_pass(
    owned: Spill[Owned],
    texts: Spill[str],
    root_to_id: dict[str, str],
    corpus_ties: RoleTies,
    actors: dict[str, Actor],
    lex: Lexicon,
    folder: SpillFolder,
) -> SpilledMapping[str, list[ActorRef]]:
    """Each article's references: its names, then the bare role references ("the Ukrainian
    president") tied to the person holding the role, by the article's ties of roles to
    people, else the corpus's. The people's genders are decided on the way."""
    found: Spill[tuple[str, list[ActorRef]]] = folder.spill("refs")
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    with found.writer() as out:
        for (article_id, cands, owner, hits, local), text in zip(owned, texts, strict=True):
            refs = [
                ActorRef(root_to_id[owner[c.start]], c.start, c.end, sys.intern(c.text))
                for c in cands
            ]
            refs.sort(key=lambda r: r.start)
            named = ({c.start for c in cands if c.role}, {c.end for c in cands if c.role})
            ties = _tied_to_actors(local, root_to_id)
            refs = _with_role_refs(text, refs, named, hits, ties, corpus_ties, actors, lex)
            add_votes(text, refs, actors, votes)
            out.append((article_id, refs))
    set_genders(votes, actors)
    return SpilledMapping(found)


def _with_role_refs(
    text: str,
    refs: list[ActorRef],
    named: tuple[set[int], set[int]],
    hits: list[RoleHit],
    local: RoleTies,
    corpus: RoleTies,
    actors: dict[str, Actor],
    lex: Lexicon,
) -> list[ActorRef]:
    """The article's references with its bare role references added (each counted as an
    alias of its holder)."""
    taken = [(r.start, r.end) for r in refs]
    starts, ends = named
    added = []
    for hit in hits:
        if not hit.determined or any(a < hit.end and hit.start < b for a, b in taken):
            continue
        # A title or an apposition is not a reference of its own.
        gap = re.match(r",?\s+", text[hit.end : hit.end + 3])
        if gap and hit.end + gap.end() in starts:
            continue
        back = re.search(r",\s+$", text[max(0, hit.start - 3) : hit.start])
        if back and hit.start - len(back.group()) in ends:
            continue
        actor_id = _role_holder(hit, local, corpus, lex)
        if actor_id is None:
            continue
        said = text[hit.start : hit.end]
        added.append(ActorRef(actor_id, hit.start, hit.end, sys.intern(said)))
        actor = actors[actor_id]
        actor.aliases[said] = actor.aliases.get(said, 0) + 1
    return sorted(refs + added, key=lambda r: r.start) if added else refs


def _tie_role(role: str, post: str | None) -> str:
    """The role a reference is tied by, with its post: "Ambassador to Kenya"."""
    return f"{role} to {post}" if post else role


def _role_holder(
    hit: RoleHit,
    local: dict[tuple[str, str | None], Counter[str]],
    corpus: dict[tuple[str, str | None], Counter[str]],
    lex: Lexicon,
) -> str | None:
    """The one actor the article, else the corpus, ties to this role (and country)."""
    roles = [_tie_role(hit.role, hit.post)]
    if hit.post is None:
        roles += lex.equivalents.get(hit.role, ())
    for ties in (local, corpus):
        for role in roles:
            counter = ties.get((role, hit.country))
            if counter:
                top, n = counter.most_common(1)[0]
                if n >= DOMINANT_SHARE * sum(counter.values()):
                    return top
    return None

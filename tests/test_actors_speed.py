"""Hand-written fast paths of actors.py give what the plain code they replace gives."""

from __future__ import annotations

import itertools
import random

from dashboard.actors import SURNAME_ROWS, _name_parts, _same_person, _same_person_pairs

FIRST = ["Ann", "Anne", "Anna", "Jon", "John", "Johan", "J.", "Maria", "Mario", "Li", "Lee"]
LAST = ["Smith", "Smyth", "Smithe", "Schmidt", "Lee", "Leigh", "Li", "Kowalski", "Kowalsky"]


def _plain_pairs(block: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for a, b in itertools.combinations(block, 2) if _same_person(a[2:], b[2:])]


def test_same_person_pairs_are_the_double_loops() -> None:
    rng = random.Random(7)
    names = {f"n:{f} {m}{s}" for f in FIRST for s in LAST for m in ("", "A. ")}
    names |= {f"n:{f} {s} Jr" for f, s in itertools.product(FIRST[:3], LAST[:3])}
    block = sorted(names)
    rng.shuffle(block)
    parts = {k: _name_parts(k[2:]) for k in block}
    pairs = list(_same_person_pairs(block, parts))
    assert pairs == _plain_pairs(block)
    assert len(pairs) > 20


def test_same_person_pairs_over_many_surnames() -> None:
    rng = random.Random(11)
    letters = "aeioulnrstmk"
    surnames = {"S" + "".join(rng.choices(letters, k=rng.randint(3, 8))) for _ in range(1500)}
    block = [f"n:{rng.choice(FIRST)} {s}" for s in sorted(surnames)]
    assert len(surnames) > SURNAME_ROWS  # more than one matrix of scores
    parts = {k: _name_parts(k[2:]) for k in block}
    assert list(_same_person_pairs(block, parts)) == _plain_pairs(block)

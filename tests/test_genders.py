"""Genders from what the articles write: titles, gendered nouns, subject pronouns."""

from __future__ import annotations

from collections import Counter

from dashboard.actors import find_actors
from dashboard.genders import decide
from dashboard.models import Article, content_hash


def actors_of(*texts: str) -> dict[str, str | None]:
    articles = [
        Article(f"a{k}", f"a{k}.txt", t, content_hash(t), "Wire") for k, t in enumerate(texts)
    ]
    index = find_actors(articles)
    return {a.name: a.gender for a in index.actors.values() if a.kind == "person"}


def test_titles_nouns_and_pronouns_give_a_gender():
    genders = actors_of(
        "Ms. Rana Idris met Mr. Tomas Lind on Monday. Idris said she was hopeful.",
        "Spokeswoman Nadia Korver said she would resign. Lind said he would stay.",
        "Karl Wenders arrived late.",
    )
    assert genders["Rana Idris"] == "female"
    assert genders["Tomas Lind"] == "male"
    assert genders["Nadia Korver"] == "female"  # the noun (3) and "she" (1)
    assert genders["Karl Wenders"] is None  # nothing said: no guess from the name


def test_possessives_and_objects_are_not_votes():
    """ "her natural habitat" is the country's; "told him" can be anyone's."""
    genders = actors_of(
        "Janos Varga said Hungary was returning to her natural habitat.",
        "Janos Varga said Hungary had found her place. Officials told him so.",
    )
    assert genders["Janos Varga"] is None


def test_a_gender_needs_votes_that_agree():
    assert decide(Counter(female=2)) == "female"
    assert decide(Counter(female=1)) is None  # one "she" could be someone else's
    assert decide(Counter(female=3, male=2)) is None  # "Idris said he would go": noise
    assert decide(Counter(male=4, female=2)) == "male"


def test_a_pronoun_opening_the_next_sentence_counts_for_the_one_person_before_it():
    genders = actors_of(
        "Rana Idris met the envoys on Monday. She said talks would go on.",
        "Rana Idris left Geneva early. She was tired.",
        "Karl Wenders met Rana Idris. He said little. He left.",
    )
    assert genders["Rana Idris"] == "female"  # two votes, the third text names two people
    assert genders["Karl Wenders"] is None  # "He" follows a sentence naming two people

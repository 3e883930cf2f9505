"""Mentions: the governing date, status, quotes and speakers, and what is not a mention."""

from __future__ import annotations

import re
import tomllib
from datetime import date, timedelta
from importlib import resources

import pytest

from dashboard.actors import find_actors
from dashboard.events import (
    clause_tense,
    extract_mentions,
    governing_timex,
    is_attributive,
    load_cues,
    mention_status,
    quote_spans,
)
from dashboard.ingest import split_sentences
from dashboard.models import Article, Timex, content_hash
from dashboard.temporal import tag

PUBLISHED = date(2024, 5, 8)  # a Wednesday
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def article(text: str, aid: str = "a1") -> Article:
    return Article(
        id=aid,
        source_path=f"{aid}.txt",
        text=text,
        content_hash=content_hash(text),
        outlet="Wire",
        published=PUBLISHED,
    )


def weekday_timexes(text: str) -> list[Timex]:
    """Hand-built timexes: a weekday after "will"/"would" in its clause is next, else last."""
    out = []
    for m in re.finditer(r"\b(?:on )?(" + "|".join(WEEKDAYS) + r")\b", text):
        clause = text[max(0, m.start() - 60) : m.start()]
        clause = re.split(r"[.“”]", clause)[-1]
        delta = WEEKDAYS.index(m.group(1)) - PUBLISHED.weekday()
        if re.search(r"\b(will|would|due to)\b", clause):
            delta = delta % 7 or 7
        elif delta > 0:
            delta -= 7
        day = PUBLISHED + timedelta(days=delta)
        out.append(Timex(m.start(), m.end(), m.group(), "DATE", day.isoformat(), day, day, "day"))
    return out


def mentions_of(text: str, timexes: list[Timex] | None = None, aid: str = "a1"):
    art = article(text, aid)
    index = find_actors([art])
    tx = weekday_timexes(text) if timexes is None else timexes
    return extract_mentions(art, split_sentences(text), tx, index.refs[aid], index.actors), index


def test_the_date_of_the_reported_event_wins_over_the_date_of_saying():
    text = "Olaf Scholz said on Monday that Emmanuel Macron would arrive on Friday."
    (m,), _ = mentions_of(text)
    assert m.timex is not None and m.timex.text == "on Friday"
    assert m.status == "scheduled"
    assert m.timex.value == "2024-05-10"


def test_a_background_date_does_not_govern():
    sentence = "Talks resume on Thursday after weeks of silence since Monday."
    tx = weekday_timexes(sentence)
    assert governing_timex(sentence, 0, tx).text == "on Thursday"


@pytest.mark.parametrize(
    "text,expected",
    [
        # the only date describes the speaker, not the statement
        ("“We will rebuild,” said the mayor, Ada Quell, who has run the town since 2018.", None),
        ("“It was terrible,” said Ada Quell, a fisherman who has lived here since 1971.", None),
        (
            "The minister, Ada Quell, who lived in Oslo from 1968, when the army invaded, "
            "until 1989, said she was pleased.",
            None,
        ),
        # "whose" and "which" clauses only count less than the main clause's own date
        ("The talks, which began on Sunday, are expected to last until Friday.", "Friday"),
        ("The plan, which takes effect in 2027, was approved.", "2027"),
        # no name before the comma: no apposition
        ("In 45 states, the number of doctors who perform the surgery fell in 2023.", "2023"),
        # the main clause's own date still governs
        ("Ada Quell, who was elected in 2018, resigned on Friday.", "Friday"),
        # a restrictive clause ("the mayor who ...") is the statement's own
        ("The mayor who resigned on Friday was replaced.", "Friday"),
    ],
)
def test_a_date_in_a_relative_clause_about_a_person_does_not_date_the_statement(text, expected):
    found = governing_timex(text, 0, tag(text, PUBLISHED))
    assert (found.text if found else None) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The data for May will be published on Friday.", "Friday"),
        ("Results for the first quarter will be out next week.", "next week"),
        ("The jobs report for May is due on Friday.", "Friday"),
        # a period that is the clause's own time still governs
        ("The agency will publish the data in May, officials said on Friday.", "May"),
    ],
)
def test_the_period_some_figures_cover_does_not_date_their_release(text, expected):
    found = governing_timex(text, 0, tag(text, PUBLISHED))
    assert (found.text if found else None) == expected


@pytest.mark.parametrize(
    "sentence,baseline",
    [
        ("Its profit fell 38% from a year earlier, the carmaker said on Tuesday.", "a year"),
        (
            "Sales were $4 billion in July, down from $5 billion in the same period last year.",
            "the",
        ),
        # a record's baseline: "the highest since ..."
        ("Turnout on Sunday was the highest since 1998.", "1998"),
        (
            "It was the strongest storm to hit the coast on Monday since Hurricane Ines in 2019.",
            "2019",
        ),
        ("The bank raised rates on Tuesday, the first increase since 2022.", "2022"),
        (
            "The vote on Sunday, the first since the constitution was changed in 2022, "
            "passed peacefully.",
            "2022",
        ),
    ],
)
def test_the_baseline_of_a_comparison_does_not_date_the_event(sentence, baseline):
    """A real tagger's expressions: the comparison's past period is not when it happened."""
    from dashboard.temporal import tag

    timexes = tag(sentence, date(2025, 10, 29))
    assert any(t.text.startswith(baseline) for t in timexes)
    chosen = governing_timex(sentence, 0, timexes)
    assert chosen is None or not chosen.text.startswith(baseline), chosen


@pytest.mark.parametrize(
    "sentence,baseline",
    [
        (
            "Sales were $4 billion, down from $5 billion in the same period last year.",
            "the same period last year",
        ),
        ("Turnout was the highest since 1998.", "1998"),
        ("Unemployment fell to its lowest level since March 2008.", "March 2008"),
    ],
)
def test_a_statement_dated_only_by_its_baseline_is_undated(sentence, baseline):
    from dashboard.temporal import tag

    timexes = tag(sentence, date(2025, 10, 29))
    assert [t.text for t in timexes] == [baseline]
    assert governing_timex(sentence, 0, timexes) is None


def test_a_date_since_which_a_state_lasts_still_dates_it():
    sentence = "The two men have been detained since Monday."
    timexes = tag(sentence, PUBLISHED)
    assert governing_timex(sentence, 0, timexes).text == "Monday"


@pytest.mark.parametrize(
    "text,status,value",
    [
        ("Olaf Scholz met farmers on Monday.", "past", "2024-05-06"),
        ("Olaf Scholz will meet farmers on Friday.", "scheduled", "2024-05-10"),
        ("Olaf Scholz is meeting farmers on Wednesday.", "ongoing", "2024-05-08"),
        ("Olaf Scholz said the talks were useful.", "undated", None),
    ],
)
def test_status_from_date_and_tense(text, status, value):
    (m,), _ = mentions_of(text)
    assert m.status == status
    assert m.date_value == value
    assert m.reported_on == PUBLISHED


@pytest.mark.parametrize(
    "text,value",
    [
        ("Olaf Scholz said Wednesday he will order the troops home.", "2024-05-08"),
        (
            "Olaf Scholz will stay in Rome even after a court Wednesday refused to hear him.",
            "2024-05-08",
        ),
        ("Olaf Scholz could not be reached for comment on Tuesday.", "2024-05-07"),
    ],
)
def test_a_day_of_the_report_is_past_when_its_own_clause_is(text, value):
    """Dated to the day of the report, a statement takes the tense nearest its date in its
    own clause, not a "will" elsewhere in the sentence (the tagger's dates here)."""
    (m,), _ = mentions_of(text, tag(text, PUBLISHED))
    assert (m.status, m.date_value) == ("past", value)


def test_quote_before_attribution_names_its_speaker():
    text = "“NATO is strong,” Olaf Scholz said."
    (m,), index = mentions_of(text)
    assert m.quote == "NATO is strong"
    assert index.actors[m.speaker].name == "Olaf Scholz"
    assert m.actors[0] == m.speaker


def test_quote_split_around_its_attribution():
    text = "“We want a deal,” Olaf Scholz said, “but not at any price.”"
    (m,), index = mentions_of(text)
    assert index.actors[m.speaker].name == "Olaf Scholz"
    assert "We want a deal" in m.quote


@pytest.mark.parametrize(
    "text,quote",
    [
        ("Children sang for Olaf Scholz, dubbed the “iron chancellor” and “old fox” here.", None),
        ("Olaf Scholz called the plan “a grave mistake” on Monday.", "a grave mistake"),
    ],
)
def test_a_scare_quote_of_a_word_or_two_is_not_a_statement(text, quote):
    (m,), _ = mentions_of(text)
    assert m.quote == quote


def test_pronoun_speaker_is_the_previous_subject():
    text = "Olaf Scholz met farmers on Monday. “They deserve better,” he said."
    first, second = mentions_of(text)[0]
    assert second.speaker == first.actors[0]


def test_she_said_goes_back_past_a_man_to_the_woman_quoted_before():
    """The articles say who is a woman and who a man ("Ms.", "Mr."), so "she said" after a
    sentence about a man goes back to the woman named before him."""
    text = (
        "Ms. Anna Berg said on Monday that the talks would resume. "
        "Mr. Olaf Scholz met farmers in the afternoon. "
        "“The talks were useful,” she said."
    )
    mentions, index = mentions_of(text)
    assert index.actors[mentions[-1].speaker].name == "Anna Berg"


def test_a_pronoun_before_the_speech_verb_is_the_speaker_not_the_name_before_it():
    text = (
        "Anna Berg opened the meeting on Monday. "
        "The NATO summit, she said, would bring “a plan for the whole alliance.”"
    )
    mentions, index = mentions_of(text)
    assert index.actors[mentions[-1].speaker].name == "Anna Berg"


def test_a_description_then_the_name_between_commas_is_that_person():
    """ "The head of the inquiry in Paris, Anna Berg, said ..." is about Anna Berg, not the
    person of the sentence before ("The head" alone would refer back to him)."""
    text = (
        "Olaf Scholz met farmers on Monday. "
        "The head of the farm agency in Paris, Anna Berg, said the talks were useful. "
        "“We will meet again,” she said."
    )
    mentions, index = mentions_of(text)
    assert index.actors[mentions[1].actors[0]].name == "Anna Berg"
    assert index.actors[mentions[-1].speaker].name == "Anna Berg"


def test_a_statement_is_about_who_makes_it_and_she_said_follows():
    """ "As X resisted ..., Anna Berg insisted that ..." is Anna Berg's statement, so the
    quote after it, "she said", is hers; across a comma ("Berg, speaking with X, said") the
    name before the verb is not the one saying."""
    text = (
        "As Olaf Scholz resisted the plan, Anna Berg insisted that the alliance was ready. "
        "“We must be clear,” she said."
    )
    mentions, index = mentions_of(text)
    assert index.actors[mentions[0].actors[0]].name == "Anna Berg"
    assert index.actors[mentions[-1].speaker].name == "Anna Berg"
    text = "Anna Berg, speaking with Olaf Scholz, said the talks were useful."
    (m,), index = mentions_of(text)
    assert index.actors[m.actors[0]].name == "Anna Berg"


def test_quote_continuing_into_the_next_sentence_is_one_mention():
    text = "“We will not pay,” Olaf Scholz said on Tuesday. “Europe must do that.”"
    mentions, _ = mentions_of(text)
    assert len(mentions) == 1
    assert mentions[0].quote == "We will not pay Europe must do that."
    assert mentions[0].sentence_end == len(text)


def test_quote_after_colon_takes_the_speaker_of_the_previous_sentence():
    text = "Olaf Scholz was blunt on Tuesday:\n“Nobody asked us about this plan at all.”"
    mentions, _ = mentions_of(text)
    assert mentions[-1].speaker == mentions[0].actors[0]


def test_unclosed_quote_ends_at_its_paragraph():
    text = "“This has no end, Olaf Scholz said.\nNext paragraph about Emmanuel Macron on Monday."
    spans = quote_spans(text)
    assert spans == [(1, text.index("\n"))]
    mentions, _ = mentions_of(text)
    assert len(mentions) == 2


def test_apostrophes_are_not_quotes():
    assert quote_spans("Scholz’s plan and the farmers’ protest went on.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Crowds gather outside parliament. Photograph: Jane Doe/Reuters",
        "Olaf Scholz speaks in the Bundestag",  # a caption with no closing stop
        "The weather was mild and the streets were quiet.",  # no actor, no date, no quote
    ],
)
def test_captions_and_background_are_not_mentions(text):
    mentions, _ = mentions_of(text)
    assert mentions == []


def test_mentions_have_stable_ids_and_offsets():
    text = "Olaf Scholz met farmers on Monday. Emmanuel Macron will visit on Friday."
    mentions, _ = mentions_of(text)
    assert [m.id for m in mentions] == [f"a1:{m.sentence_start}" for m in mentions]
    for m in mentions:
        assert text[m.sentence_start : m.sentence_end] == m.sentence
        for ref in m.actor_spans:
            assert text[ref.start : ref.end] == ref.text


def test_subject_comes_first_not_the_employer_or_place():
    text = "Reporting from Kyiv on Monday, Al Jazeera's Charles Stratford noted the mood."
    (m,), index = mentions_of(text)
    assert index.actors[m.actors[0]].name == "Charles Stratford"


def test_wire_dateline_is_not_the_subject():
    text = "OSLO, Oct 14 (Nordic Wire) - Olaf Scholz will visit Oslo on Friday."
    (m,), index = mentions_of(text)
    assert index.actors[m.actors[0]].name == "Olaf Scholz"
    assert "nordic-wire" not in m.actors


@pytest.mark.parametrize(
    "kind",
    [
        "scheduled",
        "past",
        "ongoing",
        "caption",
        "background",
        "comparison",
        "relative_clause",
        "aside",
        "dateline",
        "pluperfect",
        "perfect",
        "simple_past",
        "attributive_before",
        "attributive_after",
        "anaphor",
    ],
)
def test_every_cue_example_matches_its_pattern(kind):
    doc = tomllib.loads(resources.files("dashboard").joinpath("data/event_cues.toml").read_text())
    cues = load_cues()
    patterns = getattr(cues, kind)
    for entry, pattern in zip(doc[kind], patterns, strict=True):
        assert pattern.search(entry["example"]), entry


def test_speech_verbs_file_example():
    assert load_cues().speech_re.search("“We will win,” the minister said.")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no capitals, no dates, nothing.",
        "Переговоры о квотах на треску начнутся в четверг в Тромсё.",
        "“Unclosed quote Olaf Scholz said on Monday",
        "OLAF SCHOLZ SAID ON MONDAY THAT THE BUDGET WAS DEAD.",
    ],
)
def test_bad_input_gives_sensible_output(text):
    mentions, _ = mentions_of(text)
    for m in mentions:
        assert m.status in ("past", "scheduled", "ongoing", "undated")
        assert text[m.sentence_start : m.sentence_end] == m.sentence


def test_an_article_that_is_one_long_line():
    text = "Olaf Scholz said on Monday that talks went on, and " * 8000
    mentions, _ = mentions_of(text, timexes=[])
    assert mentions
    assert all(len(m.sentence) <= 1200 for m in mentions)


def test_bare_quote_takes_the_person_of_the_previous_sentence():
    text = "Olaf Scholz spoke to reporters on Monday. “We will never sign a treaty like this.”"
    first, second = mentions_of(text)[0]
    assert second.speaker == first.actors[0]
    assert second.quote == "We will never sign a treaty like this."


def test_bare_quote_in_a_new_paragraph_has_no_speaker():
    text = "Olaf Scholz spoke to reporters on Monday.\n\n“Nothing will change here at all.”"
    mentions, _ = mentions_of(text)
    assert all(m.speaker is None for m in mentions[1:])


def tagged(text: str, published: date = PUBLISHED):
    """Mentions with the real tagger's timexes, the article published on `published`."""
    art = Article("a1", "a1.txt", text, content_hash(text), "Wire", published=published)
    index = find_actors([art])
    timexes = tag(text, published)
    mentions = extract_mentions(art, split_sentences(text), timexes, index.refs["a1"], index.actors)
    return mentions, index


@pytest.mark.parametrize(
    "clause,tense",
    [
        ("Former president Joe Biden had supported the bid.", "past"),
        ("The bank had already been warned twice.", "past"),
        ("The ministers are due to meet in Rome.", "future"),
        ("The ministers will meet in Rome.", "future"),
        ("The minister has repeatedly warned against a deal.", "past"),
        ("He brushed aside the idea.", "past"),
        ("The United Nations is a large body.", None),  # "United" is not a past verb
    ],
)
def test_clause_tense(clause, tense):
    assert clause_tense(clause) == tense


def test_pluperfect_is_past_never_scheduled():
    text = "Olaf Scholz had agreed this week to support the plan."
    (m,), _ = tagged(text)
    assert m.status == "past"


@pytest.mark.parametrize(
    "sentence,phrase,attributive",
    [
        ("The commission is due to announce the 2025 quota next week.", "2025", True),
        ("The commission is due to announce the 2025 quota next week.", "next week", False),
        ("They will set next year's quota on Friday.", "next year", True),
        ("The treaty was signed in 2019 in Paris.", "2019", False),
    ],
)
def test_attributive_time_expressions(sentence, phrase, attributive):
    start = sentence.index(phrase)
    assert is_attributive(sentence, start, start + len(phrase)) is attributive


def test_a_date_naming_a_thing_does_not_govern():
    text = "The commission is due to announce the 2025 quota next week."
    (m,), _ = tagged(text, date(2024, 10, 14))
    assert m.timex is not None and m.timex.text == "next week"
    assert (m.status, m.timex.value) == ("scheduled", "2024-W43")


def test_a_future_clause_reads_its_weekday_forward_despite_a_later_said():
    text = "Norway and Russia will resume talks in Oslo on Thursday, Olaf Scholz said on Monday."
    (m,), _ = tagged(text, date(2024, 10, 14))
    assert m.timex is not None and m.timex.text == "Thursday"
    assert (m.status, m.timex.value) == ("scheduled", "2024-10-17")


def test_a_vague_reference_does_not_date_a_statement():
    text = "Olaf Scholz said the money would come back in the future."
    (m,), _ = tagged(text)
    assert m.timex is None and m.status == "undated"


def test_an_undated_simple_past_statement_shares_its_subjects_occasion():
    text = (
        "Olaf Scholz said on Monday that farmers deserved help. "
        "He also dismissed calls for a new tax. "
        "He has long opposed a wealth tax. "
        "He will visit Paris soon."
    )
    mentions, _ = tagged(text)
    said, dismissed, opposed, visit = mentions
    assert said.timex is not None and said.timex.value == "2024-05-06"
    assert dismissed.timex is said.timex and dismissed.status == "past"
    assert opposed.timex is None and opposed.status == "undated"  # perfect: no occasion
    assert visit.timex is None  # future: no occasion


def test_a_past_verb_in_a_clause_about_the_subject_does_not_share_its_occasion():
    text = (
        "Corin Ashby appeared in court on Monday. "
        "Ashby, who was arrested in August 2023, denies the charges."
    )
    mentions, _ = tagged(text)
    assert mentions[-1].timex is None and mentions[-1].status == "undated"


def test_an_occasion_is_not_shared_with_another_subject_or_too_far():
    filler = " ".join(f"Emmanuel Macron spoke about topic {k}." for k in range(8))
    text = f"Olaf Scholz said on Monday that farmers deserved help. {filler} Scholz left."
    mentions, index = tagged(text)
    assert all(m.timex is None for m in mentions[1:])


def test_a_definite_description_refers_to_the_person_just_named():
    text = (
        "“We want a fair share,” Olaf Scholz said. "
        "The German official spoke to reporters in Berlin on Tuesday."
    )
    mentions, index = tagged(text)
    assert index.actors[mentions[-1].actors[0]].name == "Olaf Scholz"


def test_a_description_with_its_name_in_apposition_is_that_person():
    text = (
        "Olaf Scholz spoke on Monday. "
        "The French president, Emmanuel Macron, said on Tuesday that talks would go on."
    )
    mentions, index = tagged(text)
    assert index.actors[mentions[-1].actors[0]].name == "Emmanuel Macron"


def test_a_description_after_a_quote_is_its_speaker():
    text = "Olaf Scholz met farmers on Monday. “We will not give up,” the German official said."
    mentions, index = tagged(text)
    assert index.actors[mentions[-1].speaker].name == "Olaf Scholz"


def test_the_employer_before_a_title_is_not_the_subject():
    text = "Marlow chairman Richard Oduya said the board would meet on Thursday."
    (m,), index = tagged(text)
    assert index.actors[m.actors[0]].name == "Richard Oduya"


def test_a_specific_description_does_not_refer_to_a_person_in_another_role():
    text = (
        "Kestrel Chief Executive Anna Lindqvist said on Monday the bid was fair. "
        "The judge said the hearing would resume on Friday."
    )
    mentions, index = tagged(text)
    assert all(index.actors[a].name != "Anna Lindqvist" for a in mentions[-1].actors)


def test_a_speech_participle_attributes_the_quote_to_the_clause_subject():
    text = (
        "Olaf Scholz, speaking in Berlin, doubted that Greece would pay, "
        "adding, “We will not wait for ever.”"
    )
    mentions, index = mentions_of(text)
    quoted = [m for m in mentions if m.quote]
    assert quoted and index.actors[quoted[0].speaker].name == "Olaf Scholz"


def test_a_quote_does_not_make_its_reporting_scheduled():
    """The date comes from the sentence before ("in his radio address on Wednesday"): the
    sentence reports a saying, past, whatever the quote says will happen; a date inside
    the quote is the quote's own."""
    (day,) = tag("The president spoke on Wednesday.", PUBLISHED)
    reported = '"We will pursue them until justice is done," the president said.'
    assert mention_status(reported, day, article(reported)) == "past"
    (inside,) = tag('"We will meet again on Wednesday," the president said.', PUBLISHED)
    quoted = '"We will meet again on Wednesday," the president said.'
    assert mention_status(quoted, inside, article(quoted)) == "scheduled"


def test_typewriter_quotes_of_wire_archives_are_quotes():
    text = "``NATO is strong and will stay strong,'' Olaf Scholz said."
    (m,), index = mentions_of(text)
    assert m.quote == "NATO is strong and will stay strong"
    assert index.actors[m.speaker].name == "Olaf Scholz"


@pytest.mark.parametrize(
    "text,speaker",
    [
        # the person a description is set off after, not a name in what was said
        (
            "Olaf Scholz, the chancellor of the coalition in Berlin, said Macron's plans were "
            "``bold and costly.''",
            "Olaf Scholz",
        ),
        # "said X's ...": a possessive is no sayer
        ("Farmers were angry, said Emmanuel Macron's aides, ``and they will stay angry.''", None),
        # a bare quote after a sentence about someone is not theirs when it names them
        (
            "Olaf Scholz left Berlin on Monday. ``Scholz may be in Paris. He may even have "
            "gone on to Madrid.''",
            None,
        ),
    ],
)
def test_who_said_a_quote_is_not_someone_the_sentence_only_names(text, speaker):
    mentions, index = mentions_of(text, [])
    quoted = [m for m in mentions if m.quote]
    assert quoted
    got = index.actors[quoted[-1].speaker].name if quoted[-1].speaker else None
    assert got == speaker


@pytest.mark.parametrize(
    "text,speaker",
    [
        # a bare quote after a sentence that only names someone is not theirs
        (
            "The government urged citizens to keep protesting for Olaf Scholz's return. "
            "“We cannot stop now! The struggle goes on.”",
            None,
        ),
        # after a sentence of someone speaking, it goes on being theirs
        (
            "“What right does he have?” Olaf Scholz said at a news conference in Berlin. "
            "“I am the chancellor and nobody else speaks for me.”",
            "Olaf Scholz",
        ),
        ("“Nothing will change,” Olaf Scholz complained.", "Olaf Scholz"),
        # someone's aide is not that person
        ("“We will appeal,” an Olaf Scholz aide said.", None),
    ],
)
def test_bare_and_continued_quotes_go_to_whoever_spoke(text, speaker):
    mentions, index = mentions_of(text, [])
    quoted = [m for m in mentions if m.quote]
    got = index.actors[quoted[-1].speaker].name if quoted and quoted[-1].speaker else None
    assert got == speaker
    assert quoted or speaker is None


@pytest.mark.parametrize(
    "text,subject",
    [
        # a source named after the comma that closes what it reports is not the subject
        (
            "Olaf Scholz will set out his plans on Friday, the Treasury confirmed on Monday.",
            "Olaf Scholz",
        ),
        (
            "Olaf Scholz will visit Paris on Friday, Emmanuel Macron said in a statement "
            "to reporters gathered at the palace.",
            "Olaf Scholz",
        ),
        # who insists that ... is
        (
            "As Olaf Scholz resisted, Emmanuel Macron insisted that talks go on Friday.",
            "Emmanuel Macron",
        ),
        (
            "With talks stalled, Emmanuel Macron said the plan would fail on Friday.",
            "Emmanuel Macron",
        ),
    ],
)
def test_the_subject_of_a_reported_statement(text, subject):
    (m,), index = mentions_of(text, tag(text, PUBLISHED))
    assert index.actors[m.actors[0]].name == subject


@pytest.mark.parametrize(
    "text",
    [
        "Olaf Scholz's expected to meet Emmanuel Macron later this afternoon.",
        "Olaf Scholz and Emmanuel Macron're set to vote this evening.",
    ],
)
def test_a_contracted_be_going_to_schedules_the_day_of_the_report(text):
    (m,), _ = mentions_of(text, tag(text, PUBLISHED))
    assert (m.status, m.timex.earliest) == ("scheduled", PUBLISHED)

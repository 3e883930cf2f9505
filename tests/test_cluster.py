"""Clustering: one event per happening across outlets, apart when the happenings differ."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.cluster import cluster_mentions, syndication_groups
from dashboard.models import Actor, ActorRef, Article, Mention, Timex, content_hash

PUBLISHED = date(2024, 5, 8)
ACTORS = {
    "olaf-scholz": Actor("olaf-scholz", "Olaf Scholz"),
    "nato": Actor("nato", "NATO", "organisation"),
    "paris": Actor("paris", "Paris", "place"),
}


def art(aid: str, outlet: str | None, text: str = "") -> Article:
    body = text or f"Article {aid} about several things."
    return Article(aid, f"{aid}.txt", body, content_hash(body), outlet, published=PUBLISHED)


def day(offset: int, text: str = "on Friday") -> Timex:
    d = PUBLISHED + timedelta(days=offset)
    return Timex(0, len(text), text, "DATE", d.isoformat(), d, d, "day")


def mention(aid: str, start: int, sentence: str, actors=(), timex=None) -> Mention:
    return Mention(
        id=f"{aid}:{start}",
        article_id=aid,
        sentence_start=start,
        sentence_end=start + len(sentence),
        sentence=sentence,
        status="scheduled" if timex and timex.earliest > PUBLISHED else "past",
        timex=timex,
        actors=tuple(actors),
        actor_spans=tuple(ActorRef(a, start, start + 1, "x") for a in actors),
        reported_on=PUBLISHED,
    )


def event_of(events, mention_id):
    return next(e for e in events if mention_id in e.mention_ids)


def test_same_happening_in_three_outlets_is_one_event():
    articles = {a.id: a for a in [art("a", "Wire"), art("b", "Daily"), art("c", None)]}
    mentions = [
        mention(
            "a",
            0,
            "Olaf Scholz will visit Paris on Friday to sign the pact.",
            ["olaf-scholz", "paris"],
            day(2),
        ),
        mention(
            "b",
            0,
            "Scholz is to visit Paris on Friday to sign a defence pact.",
            ["olaf-scholz", "paris"],
            day(2),
        ),
        mention("c", 0, "The chancellor visits Paris to sign the pact.", ["olaf-scholz", "paris"]),
    ]
    (event,) = cluster_mentions(mentions, articles, ACTORS)
    assert event.source_count == 3
    assert event.value == (PUBLISHED + timedelta(days=2)).isoformat()
    assert event.status == "scheduled"
    assert event.actors[0] == "olaf-scholz"
    assert set(event.sources) == {"Wire", "Daily", "article:c"}


def test_same_actor_same_day_different_remarks_stay_apart():
    articles = {a.id: a for a in [art("a", "Wire"), art("b", "Daily")]}
    today = day(0, "on Wednesday")
    mentions = [
        mention(
            "a", 0, "Olaf Scholz said Germany would not send more tanks.", ["olaf-scholz"], today
        ),
        mention("b", 0, "Scholz ruled out sending more tanks.", ["olaf-scholz"], today),
        mention(
            "a",
            100,
            "Olaf Scholz said NATO membership was off the table.",
            ["olaf-scholz", "nato"],
            today,
        ),
        mention(
            "b",
            100,
            "Scholz dismissed NATO membership for the country.",
            ["olaf-scholz", "nato"],
            today,
        ),
    ]
    events = cluster_mentions(mentions, articles, ACTORS)
    assert event_of(events, "a:0") is event_of(events, "b:0")
    assert event_of(events, "a:100") is event_of(events, "b:100")
    assert event_of(events, "a:0") is not event_of(events, "a:100")


def test_incompatible_dates_never_merge():
    articles = {a.id: a for a in [art("a", "Wire"), art("b", "Daily")]}
    sentence = "Olaf Scholz met NATO leaders in Paris."
    mentions = [
        mention("a", 0, sentence, ["olaf-scholz", "nato"], day(-2)),
        mention("b", 0, sentence, ["olaf-scholz", "nato"], day(-9)),
    ]
    assert len(cluster_mentions(mentions, articles, ACTORS)) == 2


def test_undated_statement_does_not_join_an_old_event():
    articles = {a.id: a for a in [art("a", "Wire"), art("b", "Daily")]}
    old = Timex(0, 4, "2008", "DATE", "2008", date(2008, 1, 1), date(2008, 12, 31), "year")
    mentions = [
        mention("a", 0, "NATO backed the idea of membership in 2008.", ["nato"], old),
        mention("b", 0, "NATO membership remains an idea.", ["nato"]),
    ]
    assert len(cluster_mentions(mentions, articles, ACTORS)) == 2


def test_syndicated_copies_are_folded_in_the_independent_count():
    wire = "Olaf Scholz will visit Paris on Friday to sign the defence pact, aides said. " * 3
    articles = {
        a.id: a
        for a in [
            art("a", "Wire", wire),
            art("b", "Daily", wire + " Extra line."),
            art("c", "Post"),
        ]
    }
    sentence = "Olaf Scholz will visit Paris on Friday to sign the defence pact."
    mentions = [mention(x, 0, sentence, ["olaf-scholz", "paris"], day(2)) for x in "abc"]
    (event,) = cluster_mentions(mentions, articles, ACTORS)
    assert event.source_count == 3
    assert event.independent_count == 2
    groups = syndication_groups(list(articles.values()))
    assert groups["a"] == groups["b"] != groups["c"]


def test_empty_input():
    assert cluster_mentions([], {}, ACTORS) == []


WORDS = st.sampled_from(
    ["visit", "sign", "pact", "tanks", "budget", "talks", "strike", "vote", "summit", "deal"]
)


# Mentions as (article, words, actors, day offset or None): four articles, one with no outlet.
MENTION_ROWS = st.lists(
    st.tuples(
        st.sampled_from("abcd"),
        st.lists(WORDS, min_size=1, max_size=6),
        st.sets(st.sampled_from(sorted(ACTORS)), max_size=3),
        st.one_of(st.none(), st.integers(-10, 10)),
    ),
    max_size=25,
)
ROW_ARTICLES = {x: art(x, None if x == "d" else x.upper()) for x in "abcd"}


def mentions_of(rows) -> list[Mention]:
    return [
        mention(
            aid, i * 100, " ".join(words) + ".", sorted(actors), None if off is None else day(off)
        )
        for i, (aid, words, actors, off) in enumerate(rows)
    ]


@settings(max_examples=30, deadline=None)
@given(MENTION_ROWS)
def test_every_mention_lands_in_exactly_one_event_with_a_stable_id(rows):
    articles = ROW_ARTICLES
    mentions = mentions_of(rows)
    events = cluster_mentions(mentions, articles, ACTORS)
    ids = [mid for e in events for mid in e.mention_ids]
    assert sorted(ids) == sorted(m.id for m in mentions)
    again = cluster_mentions(list(reversed(mentions)), articles, ACTORS)
    assert sorted(e.id for e in events) == sorted(e.id for e in again)
    for e in events:
        assert e.source_count == len(e.sources) >= e.independent_count >= 1


def test_a_fifty_thousand_word_article_runs_through_all_stages():
    from dashboard.actors import find_actors
    from dashboard.events import extract_mentions
    from dashboard.ingest import split_sentences

    sentences = [
        "Olaf Scholz met farmers in Berlin on Monday.",
        "Emmanuel Macron said the talks would go on.",
        "“We will not give up,” Scholz said.",
        "The weather stayed mild all week.",
    ]
    text = " ".join(sentences[i % 4] + f" Item {i}." for i in range(5600))
    assert len(text.split()) >= 50_000
    big = art("big", "Wire", text)
    index = find_actors([big])
    mentions = extract_mentions(big, split_sentences(text), [], index.refs["big"], index.actors)
    events = cluster_mentions(mentions, {"big": big}, index.actors)
    assert len(mentions) >= 3000
    assert sum(len(e.mention_ids) for e in events) == len(mentions)


def test_pluperfect_background_never_joins_a_dated_happening():
    articles = {a.id: a for a in [art("a", "Wire"), art("b", "Daily")]}
    today = day(0, "on Wednesday")
    mentions = [
        mention("a", 0, "Olaf Scholz ruled out NATO membership for the country.", ["nato"], today),
        mention("b", 0, "Olaf Scholz had supported NATO membership for the country.", ["nato"]),
    ]
    events = cluster_mentions(mentions, articles, ACTORS)
    assert event_of(events, "a:0") is not event_of(events, "b:0")


def test_same_subject_same_day_same_actors_link_despite_different_wording():
    articles = {a.id: a for a in [art("a", "Wire"), art("b", "Daily")]}
    today = day(0, "on Wednesday")
    actors = ["olaf-scholz", "nato"]
    mentions = [
        mention("a", 0, "“NATO, you can forget about it,” Olaf Scholz said.", actors, today),
        mention("b", 0, "Scholz brushed aside the idea of joining NATO.", actors, today),
        mention("b", 100, "Scholz will visit Paris next month.", ["olaf-scholz", "paris"], day(30)),
    ]
    events = cluster_mentions(mentions, articles, ACTORS)
    assert event_of(events, "a:0") is event_of(events, "b:0")
    assert event_of(events, "b:100") is not event_of(events, "a:0")


def test_syndicated_copies_found_without_comparing_unrelated_articles():
    lead = (
        "The port authority said on Monday that it would close the northern terminal for "
        "repairs after storm damage, and that ferries would use the southern quay until "
        "the work is finished in the spring."
    )
    other = (
        "Fishermen in the northern harbour protested on Tuesday against new quotas, "
        "blocking the entrance with their boats for several hours before police arrived."
    )
    arts = [
        art("w1", "Wire A", lead + " Officials gave no cost estimate."),
        art("w2", "Paper B", lead + " No cost estimate was given."),
        art("w3", "Paper C", other),
        *(art(f"x{k}", "Paper D", f"{other} Report number {k} of {k + 1}.") for k in range(3)),
    ]
    groups = syndication_groups(arts)
    assert groups["w1"] == groups["w2"] != groups["w3"]
    assert len({groups["w3"], groups["x0"], groups["x1"], groups["x2"]}) == 1


def test_syndicated_copies_found_alike_with_the_pairs_waiting_on_disk(tmp_path):
    """A spilled build parks the syndication step's candidate pairs in its folder while the
    word vectors are made: same groups as in memory, and the file is gone afterwards."""
    from dashboard.cluster import syndication_groups_of

    lead = (
        "The regional council voted on Thursday to raise bus fares by ten percent from "
        "March, citing fuel costs, while promising free travel for pupils under twelve."
    )
    other = (
        "A fire at a recycling plant on the edge of town sent black smoke over the "
        "motorway on Wednesday and closed two lanes for most of the afternoon."
    )
    arts = [
        art("c1", "Wire A", lead + " The vote was close."),
        art("c2", "Paper B", lead + " The vote was narrow."),
        art("c3", "Paper C", other),
        art("c4", "Paper D", other + " Nobody was hurt."),
        art("c5", "Paper E", "An unrelated note about the weather this weekend in the hills."),
    ]
    in_memory = syndication_groups_of(lambda: iter(arts))
    parked = syndication_groups_of(lambda: iter(arts), tmp_path)
    assert parked == in_memory
    assert parked["c1"] == parked["c2"] != parked["c3"] == parked["c4"] != parked["c5"]
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.lists(st.integers(0, 7), max_size=5), max_size=4),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(["float64", "int32"]),
)
def test_rows_stacked_in_place_equal_scipys_vstack(parts_rows, dtype):
    """_RowStack (the syndication step's matrices, built a part at a time) gives what
    stacking the parts with scipy gives, values, columns and empty rows alike."""
    import numpy as np
    from scipy import sparse

    from dashboard.cluster import _RowStack

    parts = []
    for rows in parts_rows:
        dense = np.zeros((len(rows), 8), dtype=dtype)
        for r, columns in enumerate(rows):
            for c in columns:
                dense[r, c] += c + 0.5 if dtype == "float64" else c + 1
        parts.append(sparse.csr_matrix(dense))
    expected = sparse.vstack(parts, format="csr")
    sized = _RowStack.sized(expected.shape[0], expected.nnz, np.dtype(dtype).type)
    for stack in (_RowStack(), sized):
        for part in parts:
            stack.append(part)
        got = stack.matrix(8)
        assert got.shape == expected.shape
        assert got.dtype == expected.dtype
        assert (got != expected).nnz == 0
        assert np.array_equal(got.toarray(), expected.toarray())


def test_a_sized_row_stack_refuses_more_or_fewer_values_than_its_size():
    import numpy as np
    import pytest
    from scipy import sparse

    from dashboard.cluster import _RowStack

    part = sparse.csr_matrix(np.array([[1, 0, 2], [0, 3, 0]], dtype=np.int32))
    short = _RowStack.sized(2, 4, np.int32)
    short.append(part)
    with pytest.raises(ValueError, match="fewer"):
        short.matrix(3)
    full = _RowStack.sized(2, 3, np.int32)
    full.append(part)
    assert (full.matrix(3) != part).nnz == 0
    with pytest.raises(ValueError, match="more"):
        full.append(part)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["fare", "vote", "bus", "fire", "smoke", "lane"]), max_size=12),
        min_size=2,
        max_size=8,
    ),
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), min_size=1, max_size=20),
)
def test_cosines_of_counts_weighted_per_slice_equal_weighting_all_rows_first(texts, pairs):
    """The syndication step keeps word counts and weights each slice's rows when it
    compares them: the cosines are the very numbers (not merely close ones) that weighting
    every row first gives, so no pair near the threshold falls on the other side."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from dashboard.cluster import _rowwise_dots, _Weights

    texts = [" ".join(words) for words in texts]
    pairs = [(a % len(texts), b % len(texts)) for a, b in pairs]
    weights = _Weights(TfidfVectorizer().build_analyzer())
    for text in texts:
        weights.count(text)
    weights.fit()
    i = np.array([a for a, _ in pairs])
    j = np.array([b for _, b in pairs])
    whole = weights.transform(texts)
    counts = weights.counts(texts)
    assert counts.dtype == np.int32
    expected = np.concatenate([d for _, d in _rowwise_dots(whole, i, j)])
    got = np.concatenate([d for _, d in _rowwise_dots(counts, i, j, weights.weighted)])
    assert got.tobytes() == expected.tobytes()
    assert (counts != weights.counts(texts)).nnz == 0  # weighting left the counts alone


def _features_for(spans: list[tuple[int | None, int, int]]):
    """Features of mentions given (earliest day or None, span days, report day) only."""
    import numpy as np
    from scipy import sparse

    from dashboard.cluster import _Features

    n = len(spans)
    earliest = np.array([-1 if e is None else e for e, _, _ in spans], dtype=np.int64)
    latest = np.array([-1 if e is None else e + s for e, s, _ in spans], dtype=np.int64)
    return _Features(
        text=sparse.csr_matrix((n, 1)),
        bare=sparse.csr_matrix((n, 1)),
        entities=sparse.csr_matrix((n, 1)),
        earliest=earliest,
        reported=np.array([r for _, _, r in spans], dtype=np.int64),
        latest=latest,
        article=np.arange(n),
        anchors=sparse.csr_matrix((n, 1)),
        subject_code=np.full(n, -1),
        background=np.zeros(n, dtype=bool),
        loose=earliest < 0,
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(1000, 1400)),
            st.sampled_from([0, 0, 0, 1, 6, 7, 9, 14, 20, 31, 40, 365]),
            st.one_of(st.just(-1), st.integers(990, 1410)),
        ),
        min_size=1,
        max_size=700,
    )
)
def test_date_blocking_meets_every_compatible_pair(spans):
    """Blocks by reach class skip pairs only when their dates cannot be compatible."""
    import numpy as np

    from dashboard.cluster import _blocks, _dates_compatible

    f = _features_for(spans)
    n = len(spans)
    i, j = np.triu_indices(n, k=1)
    ok = _dates_compatible(f, i, j)
    wanted = set(zip(i[ok].tolist(), j[ok].tolist(), strict=True))
    met = set()
    for rows, cols in _blocks(f):
        for r in rows.tolist():
            met.update((min(r, c), max(r, c)) for c in cols.tolist() if c != r)
    assert wanted <= met


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.integers(0, 2), st.integers(0, 300)),
        st.integers(0, 4),
        min_size=90,
        max_size=400,
    ),
    st.randoms(use_true_random=False),
)
def test_top_neighbours_keeps_each_rows_best_pairs_ties_to_the_lower_column(scored, rnd):
    """The per-row selection equals sorting each row by (score desc, column) and cutting,
    whatever order the columns of a row come in (scores from five values: many ties)."""
    import numpy as np

    from dashboard.cluster import MAX_NEIGHBOURS, _top_neighbours

    pairs = list(scored.items())
    rnd.shuffle(pairs)
    pairs.sort(key=lambda p: p[0][0])  # a run per row, its columns in any order
    i = np.array([r for (r, _), _ in pairs], dtype=np.int64)
    j = np.array([c for (_, c), _ in pairs], dtype=np.int64)
    cos = np.array([s / 4 for _, s in pairs])
    got = set(zip(*(a.tolist() for a in _top_neighbours(i, j, cos)[:2]), strict=True))
    expected = set()
    for row in {r for (r, _), _ in pairs}:
        mine = sorted((-s, c) for (r, c), s in scored.items() if r == row)
        expected.update((row, c) for _, c in mine[:MAX_NEIGHBOURS])
    assert got == expected


def test_undated_statements_meet_only_mentions_sharing_an_actor_or_their_article():
    """The same words said by two people, undated, days apart: two events; an undated
    remark by the person a dated report names joins that report's event."""
    articles = {x: art(x, x.upper()) for x in "abc"}
    quote = "\u201cWe will not accept any deal that ignores our workers,\u201d she told reporters."
    mentions = [
        mention("a", 0, quote, ["olaf-scholz"]),
        mention("b", 0, quote, ["nato"]),
        mention(
            "c", 0, "Olaf Scholz rejected the workers deal on Friday.", ["olaf-scholz"], day(0)
        ),
        mention(
            "c",
            200,
            "\u201cWe will not accept any deal that ignores our workers,\u201d Scholz said.",
            ["olaf-scholz"],
        ),
    ]
    events = cluster_mentions(mentions, articles, ACTORS)
    assert event_of(events, "a:0") is not event_of(events, "b:0")
    assert event_of(events, "a:0") is event_of(events, "c:200")


def spanned(aid: str, sentence: str, names: dict[str, str], timex=None) -> Mention:
    """A mention whose actor spans are where the names are in the sentence."""
    m = mention(aid, 0, sentence, list(names.values()), timex)
    spans = tuple(
        ActorRef(actor, sentence.index(name), sentence.index(name) + len(name), name)
        for name, actor in names.items()
    )
    return replace(m, actor_spans=spans)


def test_two_shared_actors_without_shared_wording_do_not_make_an_undated_line_one_event():
    """A union leader's remarks of different days name the same two actors (the leader and
    his union), each time with his title: an undated remark in another outlet joins a dated
    report only when their words, names aside, are alike. Another outlet's report of the
    same remark joins."""
    actors = {**ACTORS, "union": Actor("union", "Rail Union", "organisation")}
    names = {"Rail Union": "union", "Olaf Scholz": "olaf-scholz"}
    articles = {x: art(x, x.upper()) for x in "abc"}
    mentions = [
        spanned(
            "a",
            "\u201cNobody wanted this strike, but the company left us no choice,\u201d "
            "Rail Union president Olaf Scholz told reporters on Friday.",
            names,
            day(0),
        ),
        spanned(
            "b",
            "\u201cThis agreement is good for our members and our passengers,\u201d "
            "Rail Union president Olaf Scholz told reporters.",
            names,
        ),
        spanned(
            "c",
            "\u201cNobody wanted this strike, the company left us no choice,\u201d "
            "said Olaf Scholz of the Rail Union.",
            names,
        ),
    ]
    events = cluster_mentions(mentions, articles, actors)
    strike = event_of(events, "a:0")
    assert event_of(events, "b:0") is not strike
    assert event_of(events, "c:0") is strike
    assert strike.source_count == 2


def test_one_shared_actor_does_not_make_an_undated_line_another_outlets_event():
    """The story's main actor is in most of its sentences: an undated line from another
    outlet that shares only that name and few words stays apart (the count of outlets
    would otherwise say two reported what one did); sharing two actors and the wording,
    it joins."""
    articles = {x: art(x, x.upper()) for x in "abc"}
    mentions = [
        mention(
            "a",
            0,
            "Olaf Scholz signed the port agreement with the harbour authority on Friday.",
            ["olaf-scholz"],
            day(0),
        ),
        mention("b", 0, "Scholz has long enjoyed sailing with his family.", ["olaf-scholz"]),
        mention(
            "c",
            0,
            "Scholz signed the harbour agreement in Paris, officials said.",
            ["olaf-scholz", "paris"],
        ),
        mention(
            "a",
            300,
            "The agreement was signed by Olaf Scholz in Paris at the harbour authority.",
            ["olaf-scholz", "paris"],
        ),
    ]
    events = cluster_mentions(mentions, articles, ACTORS)
    signed = event_of(events, "a:0")
    assert event_of(events, "b:0") is not signed
    assert event_of(events, "c:0") is signed
    assert signed.source_count == 2


def _reference_groups(n: int, pairs: list[tuple[int, int, float]], windows) -> list[list[int]]:
    """Greedy average linkage from its definition: visit pairs best first; merge two groups
    when their dates overlap and the mean over all their cross pairs (unscored: 0) is at
    least the threshold; every total summed afresh from the pair list."""
    from dashboard.cluster import MERGE_THRESHOLD

    score = {(a, b): s for a, b, s in pairs}
    group = {k: {k} for k in range(n)}
    window = {k: windows[k] for k in range(n)}
    for a, b, _ in pairs:
        ga, gb = group[a], group[b]
        if ga is gb:
            continue
        wa, wb = window[min(ga)], window[min(gb)]
        if wa and wb and (wa[0] > wb[1] or wb[0] > wa[1]):
            continue
        total = sum(score.get((min(x, y), max(x, y)), 0.0) for x in ga for y in gb)
        if total / (len(ga) * len(gb)) < MERGE_THRESHOLD:
            continue
        merged = ga | gb
        both = (max(wa[0], wb[0]), min(wa[1], wb[1])) if wa and wb else wa or wb
        for k in merged:
            group[k] = merged
        window[min(merged)] = both
    return sorted({id(g): sorted(g) for g in group.values()}.values())


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 16).flatmap(
        lambda n: st.tuples(
            st.just(n),
            # A score in sixteenths (sums are exact) for every pair, 0 for no pair.
            st.lists(
                st.sampled_from([0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 8, 10]),
                min_size=n * (n - 1) // 2,
                max_size=n * (n - 1) // 2,
            ),
            st.lists(
                st.one_of(st.none(), st.tuples(st.integers(0, 9), st.integers(0, 3))),
                min_size=n,
                max_size=n,
            ),
        )
    )
)
def test_grouping_equals_average_linkage_from_its_definition(case):
    """The grouping's bookkeeping (summed scores kept per group, single mentions read from
    the pair arrays) gives the groups that summing every cross pair afresh gives."""
    import numpy as np

    from dashboard.cluster import MERGE_THRESHOLD
    from dashboard.linkage import group
    from dashboard.pairs import ScoredPairs

    n, matrix, spans = case
    upper = [(a, b) for a in range(n) for b in range(a + 1, n)]
    scored = {pair: s for pair, s in zip(upper, matrix, strict=True) if s}
    ranked = sorted(
        ((a, b, s / 16) for (a, b), s in scored.items()), key=lambda p: (-p[2], p[0], p[1])
    )
    windows = [None if w is None else (w[0], w[0] + w[1]) for w in spans]
    f = _features_for([(None, 0, -1) if w is None else (w[0], w[1] - w[0], -1) for w in windows])
    pairs = ScoredPairs.ranked(
        n,
        np.array([a for a, _, _ in ranked], dtype=np.int32),
        np.array([b for _, b, _ in ranked], dtype=np.int32),
        np.array([s for _, _, s in ranked]),
    )
    got = sorted(sorted(g) for g in group(n, pairs, f.earliest, f.latest, MERGE_THRESHOLD))
    assert got == _reference_groups(n, ranked, windows)


@settings(max_examples=40, deadline=None)
@given(MENTION_ROWS, st.integers(0, 25))
def test_regrouping_keeps_untouched_events_and_places_every_mention(rows, split):
    """After adding mentions to stored events: every mention is in exactly one event, and
    every mention not grouped again is in a stored event, field for field; with nothing
    new, the stored events come back as they were."""
    from dashboard.cluster import recluster

    articles = ROW_ARTICLES
    mentions = mentions_of(rows)
    old, new = mentions[:split], mentions[split:]
    stored = cluster_mentions(old, articles, ACTORS)
    events, regrouped = recluster(mentions, articles, ACTORS, stored, {m.id for m in old})
    placed = [mid for e in events for mid in e.mention_ids]
    assert sorted(placed) == sorted(m.id for m in mentions)
    assert len(new) <= regrouped <= len(mentions)
    # Mentions not grouped again are in stored events (a regrouped one may come out the
    # same as it was, too).
    kept = [e for e in events if e in stored]
    assert sum(len(e.mention_ids) for e in kept) >= len(mentions) - regrouped
    full = cluster_mentions(mentions, articles, ACTORS)
    again, none = recluster(mentions, articles, ACTORS, full, {m.id for m in mentions})
    assert (again, none) == (full, 0)


def test_candidate_pairs_of_some_mentions_are_the_full_runs_pairs_touching_them():
    import numpy as np

    from dashboard.cluster import _article_index, _features, _in_order, candidate_pairs

    words = ["summit", "talks", "budget", "vote", "strike", "deal", "pact", "visit"]
    mentions = _in_order(
        [
            mention(
                "abcd"[k % 4],
                k * 100,
                f"{words[k % 8]} {words[(k * 3) % 8]} {words[(k * 5) % 8]} agreed.",
                ["nato"] if k % 3 else ["olaf-scholz"],
                day(k % 5 - 2) if k % 4 else None,
            )
            for k in range(60)
        ]
    )
    f = _features(mentions, _article_index(mentions))
    full_i, full_j, full_score = candidate_pairs(f).arrays()
    only = np.zeros(len(mentions), dtype=bool)
    only[::7] = True
    some_i, some_j, some_score = candidate_pairs(f, only=only).arrays()
    assert len(some_i) and len(some_i) < len(full_i)
    assert (only[some_i] | only[some_j]).all()
    full_pairs = {
        (a, b): score
        for a, b, score in zip(full_i.tolist(), full_j.tolist(), full_score.tolist(), strict=True)
    }
    for a, b, score in zip(some_i.tolist(), some_j.tolist(), some_score.tolist(), strict=True):
        # The same pair (a cosine summed in another order may differ in its last bits).
        assert full_pairs[(a, b)] == pytest.approx(score, abs=1e-12)


def test_block_products_in_column_slices_keep_the_pairs_of_one_product(monkeypatch):
    """A block's product taken a few columns at a time (what bounds its memory) keeps the
    same pairs with the same scores, in the same order, as one product of every column."""
    import numpy as np

    import dashboard.cluster as cluster

    words = ["summit", "talks", "budget", "vote", "strike", "deal", "pact", "visit"]
    mentions = cluster._in_order(
        [
            mention(
                "abcdef"[k % 6],
                k * 100,
                f"{words[k % 8]} {words[(k * 3) % 8]} {words[(k * 7) % 8]} agreed.",
                ["nato", "paris"] if k % 3 else ["olaf-scholz", "nato"],
                day(k % 5 - 2) if k % 4 else None,
            )
            for k in range(90)
        ]
    )
    f = cluster._features(mentions, cluster._article_index(mentions))
    whole = cluster.candidate_pairs(f).arrays()
    monkeypatch.setattr(cluster, "PRODUCT_CELLS", 40)
    monkeypatch.setattr(cluster, "MAX_NEIGHBOURS", 3)
    sliced = cluster.candidate_pairs(f).arrays()
    monkeypatch.setattr(cluster, "PRODUCT_CELLS", 10**9)
    capped = cluster.candidate_pairs(f).arrays()
    assert len(whole[0]) > len(capped[0]) > 0  # the cap per row applies across slices
    for got, want in zip(sliced, capped, strict=True):
        assert np.array_equal(got, want)


def _events_from(groups: list[list[str]]) -> list:
    """Events holding these mention ids, named by their mentions as clustering names them."""
    import hashlib

    from dashboard.models import Event

    out = []
    for group in groups:
        ids = tuple(sorted(group))
        digest = hashlib.sha1("\n".join(ids).encode()).hexdigest()[:12]
        out.append(Event(f"ev-{digest}", None, None, None, "vague", "past", "", mention_ids=ids))
    return out


def test_carried_ids_follow_an_event_as_it_grows_splits_and_merges():
    from dashboard.cluster import carry_ids

    grows, splits, merged_a, merged_b, lost = _events_from(
        [["a1", "a2"], ["b1", "b2", "b3"], ["c1", "c2", "c3"], ["d1"], ["e1", "e2", "e3", "e4"]]
    )
    after = _events_from(
        [
            ["a1", "a2", "new1"],  # a new report joined
            ["b1", "b2"],  # the bigger part of a split keeps the id
            ["b3"],
            ["c1", "c2", "c3", "d1"],  # two merged: the id of the one it holds most of
            ["e1", "e2", "new2"],  # half of a stored event is not enough
            ["e3", "e4"],
        ]
    )
    got = carry_ids(after, [grows, splits, merged_a, merged_b, lost])
    assert [e.mention_ids for e in got] == [e.mention_ids for e in after]
    assert [e.id for e in got] == [
        grows.id,
        splits.id,
        after[2].id,
        merged_a.id,
        after[4].id,
        after[5].id,
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 5), min_size=1, max_size=30),
    st.lists(st.integers(0, 5), min_size=30, max_size=30),
)
def test_carried_ids_are_unique_and_each_continues_most_of_its_stored_event(old, new):
    """Mentions m0..mN in stored events (``old``: an event number per mention) and in new
    ones (``new``): no two events share an id, and an event carrying a stored id holds more
    than half of that stored event's mentions."""
    from dashboard.cluster import carry_ids

    mentions = [f"m{k}" for k in range(len(old))]

    def grouped(labels):
        groups: dict[int, list[str]] = {}
        for mid, label in zip(mentions, labels, strict=False):
            groups.setdefault(label, []).append(mid)
        return _events_from(list(groups.values()))

    before, after = grouped(old), grouped(new[: len(old)])
    got = carry_ids(after, before)
    assert len({e.id for e in got}) == len(got)
    stored = {e.id: set(e.mention_ids) for e in before}
    for event in got:
        if event.id in stored:
            assert 2 * len(stored[event.id] & set(event.mention_ids)) > len(stored[event.id])


def test_retired_ids_point_to_where_their_mentions_went():
    from dashboard.cluster import retired_ids

    merged, absorbed, stays = _events_from([["a1", "a2", "a3"], ["b1"], ["c1", "c2"]])
    now = _events_from([["a1", "a2", "a3", "b1"], ["c1", "c2"]])
    now[0] = replace(now[0], id=merged.id)  # carried on: the merged event keeps its id
    earlier = {
        "ev-older": absorbed.id,  # pointed to an event that is now retired too
        "ev-kept": stays.id,  # pointed to an event that is still there
        "ev-gone": "ev-nothing",  # pointed to an event whose mentions are all gone
        merged.id: stays.id,  # an id that is current again is no alias
    }
    got = retired_ids(now, [merged, absorbed, stays], earlier)
    assert got == {absorbed.id: merged.id, "ev-older": merged.id, "ev-kept": stays.id}


def test_an_events_summary_gives_the_events_date_when_it_has_one():
    """An undated aside more central to its group than the dated statement does not
    summarise the event shown on that date."""
    from dashboard.cluster import _event_date, _summary

    aside = mention("a", 0, "In recent weeks, tensions have surfaced over the deal.", ["nato"])
    dated = mention("a", 80, "The deal depends on talks in Paris on Friday.", ["nato"], day(2))
    other = mention("b", 0, "Tensions over the deal have surfaced in recent weeks.", ["nato"])
    ms = [aside, dated, other]
    best, _ = _event_date(ms)
    assert best is dated
    assert _summary(ms, [2.0, 0.5, 2.0], best, "scheduled") == dated.sentence
    assert _summary([aside, other], [2.0, 1.0], None, "undated") == aside.sentence


def test_a_past_events_summary_reports_it_without_the_wire_dateline():
    """Talks announced for Wednesday and then reported as held: once Wednesday is past,
    the summary is the report of the talks, not their announcement, and a wire dateline
    does not open it."""
    from dashboard.cluster import _summary

    wednesday = day(-2, "on Wednesday")
    announced = mention(
        "a",
        0,
        "OSLO, May 5 (Reuters) - The two sides will resume talks on Wednesday, both said.",
        ["nato"],
        wednesday,
    )
    announced = replace(announced, status="scheduled")
    held = mention(
        "b", 0, "Talks resumed on Wednesday but broke off late in the evening.", [], wednesday
    )
    assert _summary([announced, held], [3.0, 0.5], announced, "past") == held.sentence
    assert _summary([announced], [3.0], announced, "scheduled") == (
        "The two sides will resume talks on Wednesday, both said."
    )


def test_sharing_only_a_decade_does_not_make_two_outlets_one_event():
    """A decade or a century is no evidence that two statements report one happening, even
    when few mentions share it (its IDF is high): different people, a word in common."""
    from datetime import date

    decade = Timex(0, 15, "the past decade", "DATE", "198", date(1980, 1, 1), date(1989, 12, 31))
    decade = replace(decade, granularity="decade")
    articles = {a.id: a for a in [art("a", "Wire"), art("b", "Daily")]}
    planning = "A decade ago, military planning in the region was built around a ground assault."
    threats = "Threats against the clinic had become routine in the region over the past decade."
    mentions = [
        mention("a", 0, planning, ["nato"], decade),
        mention("b", 0, threats, ["paris"], decade),
    ]
    events = cluster_mentions(mentions, articles, ACTORS)
    assert len(events) == 2, [e.sources for e in events]


def test_a_week_places_a_statement_no_better_than_no_date():
    """ "next week" is no evidence that a statement and another outlet's report of a day in
    that week are one happening: like an undated line, it needs the claim's wording or
    more actors in common. One name and one shared word made a minister's "would decide on
    funding next week" the same event as her Monday speech about an inquiry."""
    week = Timex(0, 9, "next week", "DATE", "2024-W20", date(2024, 5, 13), date(2024, 5, 19))
    week = replace(week, granularity="week")
    articles = {x: art(x, x.upper()) for x in "abc"}
    speech = "Olaf Scholz told ministers on Monday that an inquiry would examine the embankment."
    funding = "Scholz said ministers would decide on emergency funding next week."
    mentions = [
        mention("a", 0, speech, ["olaf-scholz"], day(5, "on Monday")),
        mention("b", 0, funding, ["olaf-scholz"], week),
        mention("c", 0, funding.replace("Scholz", "He"), ["olaf-scholz"], week),
    ]
    events = cluster_mentions(mentions, articles, ACTORS)
    assert event_of(events, "a:0") is not event_of(events, "b:0")
    assert event_of(events, "b:0") is event_of(events, "c:0")
    assert event_of(events, "b:0").source_count == 2


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 30), st.floats(0, 0.1), st.floats(0, 1), st.integers(0, 10_000))
def test_rare_columns_are_the_columns_of_the_rare_4grams(rows, density, share, seed):
    """Keeping a batch's rare 4-grams by a column lookup gives hashed[:, rare] (which makes
    index arrays as long as the 4 million hashed columns on every call)."""
    import numpy as np
    from scipy import sparse

    from dashboard.cluster import _rare_columns

    rng = np.random.default_rng(seed)
    hashed = sparse.random(rows, 500, density=density, format="csr", random_state=seed)
    hashed.data[:] = 1.0
    rare = rng.random(500) < share
    column = np.full(500, -1, dtype=np.int32)
    column[rare] = np.arange(int(rare.sum()))
    got = _rare_columns(hashed, column, int(rare.sum()))
    assert got.shape == (rows, int(rare.sum()))
    assert (got.toarray() == hashed[:, np.flatnonzero(rare)].toarray()).all()

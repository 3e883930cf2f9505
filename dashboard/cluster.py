"""Group the mentions of one real-world happening across articles into events.

Two mentions are one happening when their date intervals are compatible, their wording
is alike (TF-IDF cosine over the sentence with names and dates taken out, scikit-learn)
and their actors overlap.  Candidate pairs come from sparse similarity products over date
blocks (no Python loop over all pairs); an undated statement is compared only with the
mentions that share an actor or its article.  Groups are formed by greedy average linkage,
so a chain of loosely alike sentences does not pull two happenings together.
"""

from __future__ import annotations

import hashlib
import re
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as STOP_WORDS
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

from dashboard import linkage
from dashboard.events import data_words, dateline_length, load_cues
from dashboard.models import GRANULARITIES, Actor, Article, Event, Mention
from dashboard.pairs import PairSink, ScoredPairs, Shelf
from dashboard.spill import MemoryFolder, Spill, SpillFolder, batched

T = TypeVar("T")

# Average linkage score two groups need to merge. Chosen with the wording floor and the
# entity weight by sweeping them (bench/cluster_compare.py and docs/benchmarks.md) on the
# three golden stories (tests/golden/): the setting with the best pairwise F1 whose event
# precision and source-count accuracy stayed at their best; 0.05 and 0.07 floors tie there,
# and the stricter one was kept.
MERGE_THRESHOLD = 0.20
# Letters kept of each word: a prefix is the cheapest stemmer ("ruled"/"rules",
# "Kowalski"/"Kowalsky" agree on "rule", "kowa"). bench/cluster_compare.py measured 4-letter
# prefixes as good as character 3-5-grams on the golden stories and about 20 times faster,
# because the product of character n-gram vectors is nearly dense.
PREFIX_LETTERS = 4
WORD_RE = re.compile(r"[^\W\d_]{2,}")
# Weight of the cosine of actor and date tokens (IDF-weighted) added to the wording cosine.
ENTITY_WEIGHT = 0.5
# An undated statement is read as recent: it joins only events dated within this many days
# of its article's publication (a background line never joins a 2008 event), and only
# undated statements reported within this many days of each other.
UNDATED_REACH = 14
# An undated statement has only its words and its actors to place it, and a story's main
# actor is in most of its sentences: between an undated mention and another article's
# mention the actor term counts only when they share at least this many actors. One shared
# name made "Elian has developed great affection for the Miami relatives" and "Elian's Miami
# relatives have filed affidavits..." one event of two outlets (bench/sources_unseen.py).
UNDATED_SHARED_ACTORS = 2
# Nor are shared actors enough, even named in both sentences: an undated mention and
# another article's mention are one happening only when their wording with the actors'
# names and the words of attribution ("said", "told reporters") taken out has at least this
# cosine, unless they share UNDATED_STRONG_ACTORS actors.
# A union leader's quotes of Monday and Friday ("Nobody wanted this," the union's president
# Jane Doe said / "This is a good deal," the union's president Jane Doe said) were one
# event of two outlets (a test story, tests/stories/rail_strike). Measured on AQUAINT
# (bench/sources_unseen.py): wrong links kept 11 -> 3 of 30, right links kept 45 -> 44 of
# 51; the same floor on the whole wording: 11 -> 6 and 44.
UNDATED_MIN_WORDING = 0.15
UNDATED_STRONG_ACTORS = 3
# Dates too broad to tell two statements are about one happening, however few mentions
# share them (their IDF is high): "A decade ago, the military planning of Poland..." and
# "threats had become routine over the past decade" were one event of two outlets, and a
# minister's meeting "next week" and a union's ratification vote "next week" one event.
# (A month stays: tried too, it lost a right AQUAINT link and gained nothing.)
# A mention dated by one of these is also placed like an undated one (UNDATED_SHARED_ACTORS,
# UNDATED_MIN_WORDING): "She said ministers would decide on emergency funding next week"
# and another outlet's "the minister told parliament on Monday that the inquiry would..."
# were one event for one shared name and one shared word (a test story of a flood).
# AQUAINT: right links kept 43/51 unchanged, wrong kept 3 -> 4 of 30 (a misdated line moved
# from one wrong event to another).
UNTELLING_GRANULARITIES = frozenset({"decade", "century", "week"})
# Bonus when both mentions have the same subject.
SUBJECT_BONUS = 0.05
# Pairs whose wording cosine is below this are never linked, whatever their actors.
MIN_TEXT_SIMILARITY = 0.05
# Pairs whose wording differs ("NATO, you can forget about it" / "dismissed NATO
# membership") still link when both are dated to the same day and their actor-and-date
# tokens have at least this cosine: the same people named for the same day (the
# security-guarantee and NATO remarks of one day differ in their other actors).
ENTITY_ONLY_SIMILARITY = 0.9
# Two mentions in one article must score this much more to be one event.
SAME_ARTICLE_PENALTY = 0.10
# Articles whose texts have at least this cosine are syndicated copies of one report.
SYNDICATION_SIMILARITY = 0.80
# Copies are looked for only among articles sharing this many word 4-grams that at most
# SHINGLE_MAX_DOCS articles contain (a wire story rarely runs in more outlets than that;
# a phrase in more articles is a formula, not a copied passage).
SHINGLES_SHARED = 3
SHINGLE_MAX_DOCS = 200
# Articles per slice of the shared-4-gram product (2,048 held about 40 MB more at 100,000
# articles).
SHINGLE_ROWS = 512
# Mentions dated by an interval longer than this (days) skip the date blocking.
BROAD_DAYS = 31
# Longest reach (days after its first) of each class of the date blocking: a day, a week,
# two weeks, a month (an undated mention reaches 2 x UNDATED_REACH days).
SPAN_CLASSES = (0, 7, 14, BROAD_DAYS)
# Pairs kept per mention, best first (a thousand copies of one sentence stay linear).
MAX_NEIGHBOURS = 40
# Rows per block of the sparse similarity product: bounds memory on large corpora, and
# smaller blocks meet fewer columns (each block's date window is narrower).
BLOCK_ROWS = 256
# Cells (rows x columns) of one slice of a block's product: bounds its memory when a block
# meets every mention (about 12 bytes per stored value, and the copies filtering makes).
# 4 million cells made a build's peak about 60 MB higher at 100,000 articles than 1
# million, and 1 million about 50 MB higher than 250,000 (then the peak of finding the
# candidate pairs), each in no less time.
PRODUCT_CELLS = 250_000
# An incremental build groups every mention again when more than this share of them is
# touched: that is most of the work of a full pass anyway, and a full pass is exact.
FULL_RECLUSTER_SHARE = 0.5
# Entity-only pairs (_entity_only_pairs) handed on at once.
ENTITY_PAIRS_AT_ONCE = 1 << 17
# Stored values per side of a slice of row-pair dot products: about 80 bytes each with the
# copies of the rows and their elementwise product (500,000 held 44 MB at once).
DOT_BUDGET = 200_000


NON_WORD = re.compile(r"\W+")


@dataclass(slots=True)
class _Features:
    """Per-mention arrays the pair scorer reads."""

    text: sparse.csr_matrix  # wording, rows L2-normalised
    bare: sparse.csr_matrix  # wording without names or attribution (float32)
    entities: sparse.csr_matrix  # actor and date tokens, rows L2-normalised
    earliest: np.ndarray  # day ordinal, or -1 when undated
    reported: np.ndarray  # publication day ordinal, or -1 when unknown
    latest: np.ndarray
    article: np.ndarray  # article index
    anchors: sparse.csr_matrix  # 1 for each actor of the mention and for its article
    subject_code: np.ndarray  # a number per distinct subject, -1 for none
    background: np.ndarray  # undated pluperfect ("had supported"): before the story's present
    loose: np.ndarray  # undated, or dated too broadly to tell (UNTELLING_GRANULARITIES)


def _content_text(m: Mention, *, bare: bool = False) -> str:
    """The sentence with the dateline and the date phrase blanked: what happened, to whom
    (``bare``: the actors' names blanked too, what happened)."""
    chars = list(m.sentence)
    spans = [(r.start, r.end) for r in m.actor_spans] if bare else []
    if m.timex is not None:
        spans.append((m.timex.start, m.timex.end))
    for start, end in spans:
        a, b = start - m.sentence_start, end - m.sentence_start
        for k in range(max(0, a), min(len(chars), b)):
            chars[k] = " "
    text = "".join(chars)[dateline_length(m.sentence) :]
    return re.sub(r"[’']s\b", " ", text)


def _entity_text(m: Mention) -> str:
    """Actor ids and the date value as tokens: their IDF says how telling a shared one is."""
    tokens = ["actor_" + NON_WORD.sub("_", a) for a in m.actors]
    if (
        m.timex is not None
        and m.timex.earliest is not None
        and m.timex.granularity not in UNTELLING_GRANULARITIES
    ):
        # A time of day counts as its day: "Saturday morning" and "on Saturday" share it.
        day, _, _ = m.timex.value.partition("T")
        tokens.append("date_" + NON_WORD.sub("_", day))
    return " ".join(tokens)


class _Weights:
    """TF-IDF over a stream of texts: the same numbers as scikit-learn's
    TfidfVectorizer(sublinear_tf=True) fitted on all the texts at once (smoothed IDF,
    1 + log of the count, rows L2-normalised), without holding the texts.

    Two ways to use it: ``add`` each batch of texts, then ``matrix`` (one pass; the counts
    are held, as compact arrays); or ``count`` each text, ``fit``, then ``transform`` the
    texts wanted (two passes; only document frequencies are held between them)."""

    def __init__(self, analyzer: Callable[[str], list[str]], dtype: type = np.float64) -> None:
        self.analyzer = analyzer
        self.dtype = dtype
        self._df: Counter[str] = Counter()
        self._n = 0
        self.vocabulary: dict[str, int] = {}
        self.idf = np.zeros(0, dtype=dtype)
        self._terms: dict[str, int] = {}  # term -> its column in the order first met
        # Every text added so far, held until ``matrix`` as 4-byte columns and counts in
        # the weights' dtype (exact: whole numbers), in arrays that grow in place: per-batch
        # parts copied into arrays of the full size held both, and their pieces stayed
        # with the process once let go. ``matrix`` weights the counts where they are: in
        # 4-byte integers they were copied to floats there, and the integers' array was
        # left as a hole the process kept (the rows of 100,000 articles' mentions are
        # millions of entries).
        self._indptr = array("q", [0])
        self._indices = array("i")
        self._counts = array(np.dtype(dtype).char)

    def add(self, texts: list[str]) -> None:
        """One pass: count each text's terms (the columns grow as terms are met)."""
        indptr, indices, data = self._indptr, self._indices, self._counts
        for text in texts:
            for term, n in Counter(self.analyzer(text)).items():
                indices.append(self._terms.setdefault(term, len(self._terms)))
                data.append(n)
            indptr.append(len(indices))
        self._n += len(texts)

    def matrix(self) -> sparse.csr_matrix:
        """The rows of every text added, in order, with the corpus's IDF."""
        if not self._terms:  # every text empty after stop words
            return sparse.csr_matrix((self._n, 1), dtype=self.dtype)
        terms = list(self._terms)
        order = sorted(range(len(terms)), key=terms.__getitem__)
        column = np.empty(len(terms), dtype=np.int32)
        column[order] = np.arange(len(terms), dtype=np.int32)
        self.vocabulary = {terms[k]: c for c, k in enumerate(order)}
        indptr = np.frombuffer(self._indptr, dtype=np.int64)
        indices = np.frombuffer(self._indices, dtype=np.int32)  # renumbered in place
        step = 1 << 20
        for start in range(0, len(indices), step):
            indices[start : start + step] = column[indices[start : start + step]]
        data = np.frombuffer(self._counts, dtype=self.dtype)  # weighted in place below
        self._indptr, self._indices = array("q", [0]), array("i")
        self._counts = array(self._counts.typecode)
        self._terms = {}
        counts = sparse.csr_matrix((data, indices, indptr), shape=(self._n, len(terms)))
        del data, indices, indptr
        counts.sort_indices()  # as CountVectorizer leaves them: the sums below add in this order
        df = np.bincount(counts.indices, minlength=len(terms)).astype(self.dtype)
        self.idf = self._idf(df)
        return self._weighted(counts)

    def _idf(self, df: np.ndarray) -> np.ndarray:
        df += 1.0
        idf = np.full_like(df, fill_value=self._n + 1, dtype=self.dtype)
        idf /= df
        np.log(idf, out=idf)
        idf += 1.0
        return idf

    def _weighted(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        data = counts.data
        np.log(data, data)
        data += 1.0
        # A slice at a time: the IDF of every stored value at once was a second copy of
        # the data (20 MB for the wording of 100,000 articles' mentions).
        step = 1 << 20
        for start in range(0, len(data), step):
            data[start : start + step] *= self.idf[counts.indices[start : start + step]]
        return normalize(counts, copy=False)

    def count(self, text: str) -> int:
        """Pass one: count the text's terms once each; how many distinct terms it has (its
        row's stored values in ``counts``, every term being in the vocabulary)."""
        terms = set(self.analyzer(text))
        self._df.update(terms)
        self._n += 1
        return len(terms)

    def fit(self) -> None:
        """The vocabulary (sorted, as scikit-learn orders it) and the IDF of each term."""
        terms = sorted(self._df)
        self.vocabulary = {t: k for k, t in enumerate(terms)}
        self.idf = self._idf(np.array([self._df[t] for t in terms], dtype=self.dtype))
        self._df = Counter()

    def counts(self, texts: list[str]) -> sparse.csr_matrix:
        """Pass two: the term counts of ``texts`` (int32), which ``weighted`` makes rows."""
        if not self.vocabulary:  # every text empty after stop words
            return sparse.csr_matrix((len(texts), 1), dtype=np.int32)
        counts = CountVectorizer(
            analyzer=self.analyzer, vocabulary=self.vocabulary, dtype=np.int32
        ).transform(texts)
        return sparse.csr_matrix(counts)

    def weighted(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """The rows of the texts whose ``counts`` these are (their counts untouched)."""
        return self._weighted(sparse.csr_matrix(counts, dtype=self.dtype, copy=True))

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        """Pass two: the rows of ``texts``."""
        return self.weighted(self.counts(texts))


def _entity_tokens(text: str) -> list[str]:
    return text.split()


def word_prefixes(text: str, skip: Set[str] = STOP_WORDS) -> list[str]:
    """The text's words, stop words out, cut to PREFIX_LETTERS letters (the TF-IDF analyzer)."""
    return [w[:PREFIX_LETTERS] for w in WORD_RE.findall(text.lower()) if w not in skip]


def claim_prefixes(text: str) -> list[str]:
    """word_prefixes without the words that attribute a statement ("said", "told
    reporters"): what two outlets' sentences must share to report one claim."""
    return word_prefixes(text, _unclaimed_words())


@cache
def _unclaimed_words() -> frozenset[str]:
    """Stop words and the words of attribution (data/speech_verbs.txt and
    data/attribution_words.txt)."""
    return STOP_WORDS | data_words("speech_verbs.txt") | data_words("attribution_words.txt")


def wording_weights() -> _Weights:
    """TF-IDF of the mentions' wording (bench/cluster_compare.py swaps it)."""
    return _Weights(word_prefixes)


# Mentions whose feature rows are made at once: bounds the texts held while making them.
FEATURE_BATCH = 4096


def _features(mentions: Sequence[Mention], article_index: Mapping[str, int]) -> _Features:
    return _features_of(iter(mentions), len(mentions), article_index)


def _features_of(
    mentions: Iterator[Mention], n: int, article_index: Mapping[str, int] | None = None
) -> _Features:
    """The features of the ``n`` mentions read once from ``mentions``, a batch at a time.
    Without ``article_index`` the mentions come in article id order and the articles are
    numbered as they come (what _article_index gives)."""
    weights = (
        wording_weights(),
        _Weights(claim_prefixes, np.float32),
        _Weights(_entity_tokens),
    )
    # 4-byte numbers: day ordinals and counts of mentions, articles and subjects fit them
    earliest = np.full(n, -1, dtype=np.int32)
    latest = np.full(n, -1, dtype=np.int32)
    reported = np.full(n, -1, dtype=np.int32)
    article = np.zeros(n, dtype=np.int32)
    subject_code = np.full(n, -1, dtype=np.int32)
    background = np.zeros(n, dtype=bool)
    loose = np.zeros(n, dtype=bool)
    codes: dict[str, int] = {}
    actor_index: dict[str, int] = {}
    numbered: dict[str, int] = {}
    # the anchors: each mention's article, then each of its actors (after the articles)
    actor_rows, actor_cols = array("i"), array("i")
    batch: list[Mention] = []
    k = -1
    for k, m in enumerate(mentions):
        tx = m.timex
        if tx is not None and tx.earliest is not None:
            earliest[k] = tx.earliest.toordinal()
            latest[k] = (tx.latest or tx.earliest).toordinal()
        if m.reported_on:
            reported[k] = m.reported_on.toordinal()
        if article_index is not None:
            article[k] = article_index[m.article_id]
        else:
            # interned: the key kept is then the id string the build already holds
            article[k] = numbered.setdefault(sys.intern(m.article_id), len(numbered))
        if m.actors:
            subject_code[k] = codes.setdefault(m.actors[0], len(codes))
        background[k] = _is_background(m)
        loose[k] = _is_loose(m)
        for a in m.actors:
            actor_rows.append(k)
            actor_cols.append(actor_index.setdefault(a, len(actor_index)))
        batch.append(m)
        if len(batch) >= FEATURE_BATCH:
            _add_texts(weights, batch)
            batch = []
    if k + 1 != n:
        raise ValueError(f"expected {n} mentions, the stream gave {k + 1}")
    _add_texts(weights, batch)
    text, bare, entities = (w.matrix() for w in weights)
    n_articles = len(article_index) if article_index is not None else len(numbered)
    actor_rows_np = np.frombuffer(actor_rows, dtype=np.int32)
    anchors = sparse.csr_matrix(
        (
            # counts of shared actors: exact in 4 bytes
            np.ones(n + len(actor_rows_np), dtype=np.float32),
            (
                np.r_[np.arange(n, dtype=np.int32), actor_rows_np],
                np.r_[article, np.int32(n_articles) + np.frombuffer(actor_cols, dtype=np.int32)],
            ),
        ),
        shape=(n, n_articles + len(actor_index)),
    )
    del actor_rows, actor_cols, actor_rows_np
    return _Features(
        text=text,
        bare=bare,
        entities=entities,
        earliest=earliest,
        latest=latest,
        reported=reported,
        article=article,
        subject_code=subject_code,
        background=background,
        loose=loose,
        anchors=anchors,
    )


def _texts(m: Mention) -> tuple[str, str, str]:
    """What each of the three weightings reads of a mention."""
    return _content_text(m), _content_text(m, bare=True), _entity_text(m)


def _add_texts(weights: tuple[_Weights, ...], batch: list[Mention]) -> None:
    if not batch:
        return
    texts = [_texts(m) for m in batch]
    for k, w in enumerate(weights):
        w.add([t[k] for t in texts])


def _is_background(m: Mention) -> bool:
    """An undated statement in the pluperfect: a fact from before the story's present."""
    return m.timex is None and bool(load_cues().any["pluperfect"].search(m.sentence))


def _is_loose(m: Mention) -> bool:
    """Undated, or dated by a span too broad to tell one happening from another ("next
    week"): such a mention has only its words and actors to place it."""
    tx = m.timex
    return tx is None or tx.earliest is None or tx.granularity in UNTELLING_GRANULARITIES


def _dates_compatible(f: _Features, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Intervals overlap; an undated mention only meets dates near its publication day."""
    ei, ej = f.earliest[i], f.earliest[j]
    li, lj = f.latest[i], f.latest[j]
    ri, rj = f.reported[i], f.reported[j]
    dated_i, dated_j = ei >= 0, ej >= 0
    both = dated_i & dated_j & (ei <= lj) & (ej <= li)
    neither = ~dated_i & ~dated_j & ((ri < 0) | (rj < 0) | (np.abs(ri - rj) <= UNDATED_REACH))
    # An undated mention meets a dated one whose interval comes within UNDATED_REACH days
    # of its report (or any, when its report day is unknown).
    near_i = (
        ~dated_i & dated_j & ((ri < 0) | ((ej <= ri + UNDATED_REACH) & (lj >= ri - UNDATED_REACH)))
    )
    near_j = (
        ~dated_j & dated_i & ((rj < 0) | ((ei <= rj + UNDATED_REACH) & (li >= rj - UNDATED_REACH)))
    )
    # "Biden had supported membership" is background: it never joins a dated happening.
    background = (f.background[i] & dated_j) | (f.background[j] & dated_i)
    return (both | neither | near_i | near_j) & ~background


def _blocks(f: _Features) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(rows, columns) index blocks whose pairs can be date-compatible: the blocking step.

    Each mention reaches over its date interval, or UNDATED_REACH days either side of its
    publication day when undated; two mentions can be compatible only when their reaches
    overlap.  Mentions are put in classes by the length of their reach (SPAN_CLASSES) and
    ordered by where it starts; a block of rows of one class meets, in each class, only the
    columns whose reach starts at most that class's longest reach before the block's first
    one and no later than its last reach ends.  So day-precise mentions meet the few days
    around theirs, not a month of them.  Mentions reaching further (years, decades) or with
    no date at all are few and meet everything.
    """
    n = f.text.shape[0]
    dated = f.earliest >= 0
    lo = np.where(dated, f.earliest, f.reported - UNDATED_REACH)
    hi = np.where(dated, f.latest, f.reported + UNDATED_REACH)
    broad = (~dated & (f.reported < 0)) | (hi - lo > BROAD_DAYS)
    wide = np.flatnonzero(broad)
    classes = []  # (members ordered by reach start, their starts, longest reach)
    shorter = -1
    for longest in SPAN_CLASSES:
        members = np.flatnonzero(~broad & (hi - lo > shorter) & (hi - lo <= longest))
        members = members[np.argsort(lo[members], kind="stable")]
        classes.append((members, lo[members], longest))
        shorter = longest
    # Made one at a time: the column lists of every block at once held about 90 MB at
    # 100,000 articles.
    for members, starts, _ in classes:
        for first in range(0, len(members), BLOCK_ROWS):
            rows = members[first : first + BLOCK_ROWS]
            start, end = starts[first], hi[rows].max()
            cols = [
                others[
                    np.searchsorted(other_starts, start - reach, side="left") : np.searchsorted(
                        other_starts, end, side="right"
                    )
                ]
                for others, other_starts, reach in classes
            ]
            yield rows, np.concatenate([*cols, wide])
    for first in range(0, len(wide), BLOCK_ROWS):
        yield wide[first : first + BLOCK_ROWS], np.arange(n)


def _top_neighbours(
    i: np.ndarray, j: np.ndarray, cos: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """At most MAX_NEIGHBOURS best pairs per row (ties to the lower column): bounds the work
    on runs of near-copies.  ``i`` comes in runs of one row (a block's product is by row),
    so only the rows with more pairs than that are sorted, each on its own: one sort of
    every pair of a dense block cost minutes on 100,000 articles."""
    if not len(i):
        return i, j, cos
    starts = np.r_[0, np.flatnonzero(np.diff(i)) + 1]
    ends = np.r_[starts[1:], len(i)]
    heavy = np.flatnonzero(ends - starts > MAX_NEIGHBOURS)
    if not len(heavy):
        return i, j, cos
    keep = np.ones(len(i), dtype=bool)
    for start, end in zip(starts[heavy].tolist(), ends[heavy].tolist(), strict=True):
        row = cos[start:end]
        kth = -np.partition(-row, MAX_NEIGHBOURS - 1)[MAX_NEIGHBOURS - 1]
        chosen = row > kth
        tied = np.flatnonzero(row == kth)
        need = MAX_NEIGHBOURS - int(chosen.sum())
        chosen[tied[np.argsort(j[start:end][tied], kind="stable")[:need]]] = True
        keep[start:end] = chosen
    return i[keep], j[keep], cos[keep]


def candidate_pairs(
    f: _Features, only: np.ndarray | None = None, folder: Path | None = None
) -> ScoredPairs:
    """Scored pairs worth linking, from blocked sparse products of the wording, kept in
    ``folder`` (in memory without one).

    With ``only`` (a mask over mentions), just the pairs found from those mentions' rows.
    """
    n = f.text.shape[0]
    found = PairSink(n, folder)
    undated = f.earliest < 0
    for rows, cols in _blocks(f):
        if only is not None:
            rows = rows[only[rows]]
            if not len(rows):
                continue
        for i, j, cos in _block_pairs(f, rows, cols, undated):
            found.add(i, j, cos)
    for entity_i, entity_j in _entity_only_pairs(f):
        if only is not None:
            keep = only[entity_i] | only[entity_j]
            entity_i, entity_j = entity_i[keep], entity_j[keep]
        found.add(entity_i, entity_j, _rowwise_dot(f.text, entity_i, entity_j))
    return found.scored(
        lambda i, j, cos: _pair_scores(f, i, j, cos, _rowwise_dot(f.entities, i, j))
    )


def _block_pairs(
    f: _Features, rows: np.ndarray, cols: np.ndarray, undated: np.ndarray
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The kept pairs (i, j, wording cosine) of a block: dated rows against dated columns
    by a sparse product of the wording; undated rows against the columns that share an
    actor or the article with them (an undated statement has nothing else to place it by,
    and meeting every statement of a month around its report is what made large corpora
    quadratic)."""
    dated_rows, undated_rows = rows[~undated[rows]], rows[undated[rows]]
    dated_cols = cols[~undated[cols]]
    if len(dated_rows) and len(dated_cols):

        def wording(part: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            block = (f.text[dated_rows] @ f.text[part].T).tocoo()
            return dated_rows[block.row], part[block.col], block.data

        yield _sliced(f, len(dated_rows), dated_cols, wording)
    if len(undated_rows):

        def anchored(part: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            shared = (f.anchors[undated_rows] @ f.anchors[part].T).tocoo()
            i, j = undated_rows[shared.row], part[shared.col]
            return i, j, _rowwise_dot(f.text, i, j)

        yield _sliced(f, len(undated_rows), cols, anchored)


def _sliced(
    f: _Features,
    n_rows: int,
    cols: np.ndarray,
    product: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The kept pairs of ``product`` over ``cols``, a slice of PRODUCT_CELLS / n_rows
    columns at a time: a block of mentions meeting every column (broad or undated ones)
    held hundreds of MB at 100,000 articles. The best pairs of each row over all columns
    are the best among each slice's best, so the result is the same as one product's."""
    step = max(1, PRODUCT_CELLS // max(1, n_rows))
    if len(cols) <= step:
        return _kept(f, *product(cols))
    parts = [_kept(f, *product(cols[k : k + step])) for k in range(0, len(cols), step)]
    i, j, cos = (np.concatenate(column) for column in zip(*parts, strict=True))
    order = np.argsort(i, kind="stable")  # each row's pairs in one run
    return _kept(f, i[order], j[order], cos[order])


def _kept(
    f: _Features, i: np.ndarray, j: np.ndarray, cos: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of distinct mentions alike enough, date-compatible, best per row."""
    keep = (j != i) & (cos >= MIN_TEXT_SIMILARITY)
    i, j, cos = i[keep], j[keep], cos[keep]
    keep = _dates_compatible(f, i, j)
    return _top_neighbours(i[keep], j[keep], cos[keep])


def _pair_scores(
    f: _Features, i: np.ndarray, j: np.ndarray, cosine: np.ndarray, entities: np.ndarray
) -> np.ndarray:
    """Wording, plus shared actors and date (IDF-weighted), plus a same-subject bonus, minus
    a same-article penalty."""
    # In place, a slice of pairs at a time: the same sums as the whole-array expression,
    # without its five temporaries of every pair (about 100 MB each at 100,000 articles).
    score, unplaced = _undated_entities(f, i, j, entities)
    score *= ENTITY_WEIGHT
    score += cosine
    step = 1 << 20
    for start in range(0, len(score), step):
        part = slice(start, start + step)
        si, sj = f.subject_code[i[part]], f.subject_code[j[part]]
        score[part][(si >= 0) & (si == sj)] += SUBJECT_BONUS
        score[part][f.article[i[part]] == f.article[j[part]]] -= SAME_ARTICLE_PENALTY
    score[unplaced] = 0.0
    return score


def _undated_entities(
    f: _Features, i: np.ndarray, j: np.ndarray, entities: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The actor-and-date cosines (changed in place), with 0 for pairs of a loose (undated
    or broadly dated) mention and another article's mention sharing fewer than
    UNDATED_SHARED_ACTORS actors; and the indices of the pairs of that kind too little
    alike to be linked at all (UNDATED_MIN_WORDING, UNDATED_STRONG_ACTORS)."""
    weak = np.flatnonzero((f.loose[i] | f.loose[j]) & (f.article[i] != f.article[j]))
    if not len(weak):
        return entities, weak
    # A row of ``anchors`` marks the mention's article and actors: across articles, the
    # dot product of two rows counts the actors they share.
    shared = _rowwise_dot(f.anchors, i[weak], j[weak])
    entities[weak[shared < UNDATED_SHARED_ACTORS]] = 0.0
    alike = _rowwise_dot(f.bare, i[weak], j[weak])
    unplaced = (alike < UNDATED_MIN_WORDING) & (shared < UNDATED_STRONG_ACTORS)
    return entities, weak[unplaced]


def _rowwise_dot(matrix: sparse.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Dot products of the row pairs (i[k], j[k]), in slices of about DOT_BUDGET stored
    values per side: the rows of every pair copied at once held GBs on 100,000 articles, and
    a fixed number of pairs per slice is too many when rows are long (whole articles)."""
    out = np.zeros(len(i))
    for part, dots in _rowwise_dots(matrix, i, j):
        out[part] = dots
    return out


def _rowwise_dots(
    matrix: sparse.csr_matrix,
    i: np.ndarray,
    j: np.ndarray,
    rows_of: Callable[[sparse.csr_matrix], sparse.csr_matrix] | None = None,
) -> Iterator[tuple[slice, np.ndarray]]:
    """_rowwise_dot a slice of pairs at a time: (the slice, its dot products). With
    ``rows_of``, the rows compared are ``rows_of`` the rows of ``matrix``, made for each
    slice's rows when it is compared (their numbers the same as made for all at once)."""
    per_row = max(1.0, matrix.nnz / max(1, matrix.shape[0]))
    step = max(1024, int(DOT_BUDGET / per_row))
    for start in range(0, len(i), step):
        part = slice(start, start + step)
        left, right = i[part], j[part]
        rows = matrix
        if rows_of is not None:
            wanted, at = np.unique(np.r_[left, right], return_inverse=True)
            rows = rows_of(matrix[wanted])
            left, right = at[: len(left)], at[len(left) :]
        yield part, np.asarray(rows[left].multiply(rows[right]).sum(axis=1)).ravel()


def _entity_only_pairs(f: _Features) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Pairs with one subject, dated to one same day, whose actor-and-date tokens are near
    identical: compared only within each (day, subject) block, so never quadratic overall.
    Given ENTITY_PAIRS_AT_ONCE pairs or so at a time: at 100,000 articles they are millions,
    and all of them with their copies in PairSink.add held about 45 MB."""
    blocks: dict[tuple[int, int], list[int]] = {}
    day = (f.subject_code >= 0) & (f.earliest >= 0) & (f.earliest == f.latest)
    for k in np.flatnonzero(day).tolist():
        blocks.setdefault((int(f.earliest[k]), int(f.subject_code[k])), []).append(k)
    pairs_i: list[np.ndarray] = []
    pairs_j: list[np.ndarray] = []
    held = 0
    for members in blocks.values():
        if len(members) < 2:
            continue
        idx = np.array(members[:BLOCK_ROWS])
        sims = (f.entities[idx] @ f.entities[idx].T).toarray()
        a, b = np.nonzero(np.triu(sims >= ENTITY_ONLY_SIMILARITY, k=1))
        pairs_i.append(idx[a])
        pairs_j.append(idx[b])
        held += len(a)
        if held >= ENTITY_PAIRS_AT_ONCE:
            yield np.concatenate(pairs_i), np.concatenate(pairs_j)
            pairs_i, pairs_j, held = [], [], 0
    if pairs_i:
        yield np.concatenate(pairs_i), np.concatenate(pairs_j)


def syndication_groups(articles: Sequence[Article]) -> dict[str, int]:
    """Article id -> group number; articles in one group are copies of one wire report.

    Copies share runs of words, so candidate pairs are the articles sharing word 4-grams
    that few articles use (a sparse product over hashed 4-grams, no pair of unrelated
    articles is ever compared); a candidate pair is a copy when the TF-IDF cosine of the
    two texts is at least SYNDICATION_SIMILARITY.  Comparing every pair of articles
    instead grows with the square of the corpus (most pairs share common words).
    """
    return syndication_groups_of(lambda: iter(articles))


# Articles read at once when hashing 4-grams or weighting words.
SYNDICATION_BATCH = 1024
# Candidate pairs of articles compared at once (read back from the spill folder).
SYNDICATION_PAIRS_AT_ONCE = 1 << 17
# A candidate pair: the rows of its two articles among the word counts.
_SYNDICATION_PAIR = np.dtype([("i", "<i4"), ("j", "<i4")])
SHINGLE_FEATURES = 2**22


def _shingles() -> HashingVectorizer:
    return HashingVectorizer(
        ngram_range=(4, 4),
        n_features=SHINGLE_FEATURES,
        alternate_sign=False,
        norm=None,
        binary=True,
        dtype=np.float32,  # 0/1 and counts of shared 4-grams: exact in 4 bytes
    )


@cache
def _article_words() -> Callable[[str], list[str]]:
    """The words TF-IDF compares article texts by (scikit-learn's default analyzer)."""
    return TfidfVectorizer().build_analyzer()


def syndication_groups_of(
    stream: Callable[[], Iterator[Article]], folder: Path | None = None
) -> dict[str, int]:
    """syndication_groups over the articles ``stream()`` yields (read up to three times,
    a batch at a time): the texts are never all held, only each article's rare 4-grams and
    the word counts of the articles in a candidate pair. With ``folder``, the candidate
    pairs (millions at 100,000 articles) wait there while the counts are made and are
    read back a chunk at a time."""
    ids: list[str] = []
    words = _Weights(_article_words())
    # texts per 4-gram (int32, 16 MB, whatever the corpus)
    per_shingle = np.zeros(SHINGLE_FEATURES, dtype=np.int32)
    distinct = array("i")  # each text's distinct words: its row's stored values
    for batch in batched(stream(), SYNDICATION_BATCH):
        for article in batch:
            ids.append(sys.intern(article.id))  # one string per id however often read
            distinct.append(words.count(article.text))
        hashed = _shingles().transform([a.text for a in batch])
        found, counts = np.unique(hashed.indices, return_counts=True)
        per_shingle[found] += counts.astype(np.int32)
    words.fit()
    rare = (per_shingle >= 2) & (per_shingle <= SHINGLE_MAX_DOCS)
    n_rare = int(rare.sum())
    if len(ids) < 2 or not words.vocabulary or not n_rare:
        return {aid: k for k, aid in enumerate(ids)}
    # each 4-gram's column among the rare ones, -1 for the others (reuses the counts' array)
    column = per_shingle
    column[:] = -1
    column[rare] = np.arange(n_rare, dtype=np.int32)
    del rare
    shared = _RowStack()
    for batch in batched(stream(), SYNDICATION_BATCH):
        shared.append(_rare_columns(_shingles().transform([a.text for a in batch]), column, n_rare))
    del column, per_shingle
    i, j = _shared_shingle_pairs(shared.matrix(n_rare))
    del shared
    if not len(i):
        return {aid: k for k, aid in enumerate(ids)}
    # The word counts of the articles in a candidate pair only, in article order; the
    # pairs renumbered as rows of those counts now, while they are not yet held.
    needed = np.unique(np.r_[i, j])
    pairs = Shelf(_SYNDICATION_PAIR, None if folder is None else folder / "syndication-pairs.bin")
    renumbered = np.empty(len(i), dtype=_SYNDICATION_PAIR)
    renumbered["i"] = np.searchsorted(needed, i)
    renumbered["j"] = np.searchsorted(needed, j)
    del i, j
    pairs.append(renumbered)
    del renumbered
    # Their word counts (4 bytes a value), each slice of pairs' rows weighted when it is
    # compared: the float64 vectors of all of them were 60 MB at 100,000 articles, and in
    # float32 the cosines near the threshold would not be the exact ones.
    size = int(np.frombuffer(distinct, dtype=np.int32)[needed].sum(dtype=np.int64))
    del distinct
    counts = _RowStack.sized(len(needed), size, np.int32)
    position = 0
    for batch in batched(stream(), SYNDICATION_BATCH):
        lo = np.searchsorted(needed, position)
        hi = np.searchsorted(needed, position + len(batch))
        if hi > lo:
            counts.append(words.counts([batch[k - position].text for k in needed[lo:hi]]))
        position += len(batch)
    matrix = counts.matrix(len(words.vocabulary))
    del counts
    # The pairs read back a chunk at a time (from the folder when given: millions of
    # pairs at 100,000 articles), only the copies among them kept.
    copy_i, copy_j = [needed[:0]], [needed[:0]]
    for chunk in pairs.chunks(SYNDICATION_PAIRS_AT_ONCE):
        i, j = chunk["i"], chunk["j"]
        for part, dots in _rowwise_dots(matrix, i, j, words.weighted):
            copies = dots >= SYNDICATION_SIMILARITY
            copy_i.append(needed[i[part][copies]])
            copy_j.append(needed[j[part][copies]])
    pairs.discard()
    del matrix
    parent = list(range(len(ids)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(np.concatenate(copy_i).tolist(), np.concatenate(copy_j).tolist(), strict=True):
        parent[find(b)] = find(a)
    return {aid: find(k) for k, aid in enumerate(ids)}


class _RowStack:
    """The rows of CSR matrices appended one after another, in typed arrays that grow in
    place: a list of parts stacked at the end (scipy's vstack, or a copy into arrays of the
    full size) holds every part beside the result, about 60 MB more for 100,000 articles'
    word vectors. Written by hand because scipy builds sparse matrices whole, not a part at
    a time.

    ``sized`` makes one whose final size is known: arrays of that size filled in place.
    Arrays that grow are copied and moved as they grow (in pieces the process keeps), which
    held nearly twice their final size at 100,000 articles."""

    def __init__(self) -> None:
        self._indptr: array | np.ndarray = array("q", [0])
        self._indices: array | np.ndarray = array("i")
        self._data: array | np.ndarray | None = None  # the first part's dtype
        self._rows = self._values = 0  # filled so far, when sized

    @classmethod
    def sized(cls, rows: int, values: int, dtype: type) -> _RowStack:
        """A stack for exactly ``rows`` rows holding ``values`` stored values in all."""
        stack = cls()
        stack._indptr = np.zeros(rows + 1, dtype=np.int64)
        stack._indices = np.empty(values, dtype=np.int32)
        stack._data = np.empty(values, dtype=dtype)
        return stack

    def append(self, part: sparse.csr_matrix) -> None:
        """Add the rows of ``part`` (its columns numbered as in every other part)."""
        part = sparse.csr_matrix(part)
        if isinstance(self._indptr, np.ndarray):
            rows, values = self._rows, self._values
            if rows + part.shape[0] >= len(self._indptr) or values + part.nnz > len(self._indices):
                raise ValueError("more rows or values than the stack was sized for")
            self._indptr[rows + 1 : rows + 1 + part.shape[0]] = part.indptr[1:] + values
            self._indices[values : values + part.nnz] = part.indices
            self._data[values : values + part.nnz] = part.data  # type: ignore[index]
            self._rows, self._values = rows + part.shape[0], values + part.nnz
            return
        if self._data is None:
            self._data = array(np.dtype(part.dtype).char)
        filled = len(self._indices)
        self._indptr.extend((part.indptr[1:].astype(np.int64) + filled).tolist())
        self._indices.frombytes(np.ascontiguousarray(part.indices, dtype=np.int32).tobytes())
        self._data.frombytes(  # type: ignore[union-attr]
            np.ascontiguousarray(part.data, dtype=np.dtype(self._data.typecode)).tobytes()  # type: ignore[union-attr]
        )

    def matrix(self, n_columns: int) -> sparse.csr_matrix:
        """The rows appended so far, as one CSR matrix sharing these arrays' memory."""
        if isinstance(self._indptr, np.ndarray):
            if self._rows + 1 != len(self._indptr) or self._values != len(self._indices):
                raise ValueError("fewer rows or values than the stack was sized for")
            data, indices, indptr = self._data, self._indices, self._indptr
        else:
            typecode = self._data.typecode if self._data is not None else "d"  # type: ignore[union-attr]
            data = np.frombuffer(self._data or array(typecode), dtype=np.dtype(typecode))
            indices = np.frombuffer(self._indices, dtype=np.int32)
            indptr = np.frombuffer(self._indptr, dtype=np.int64)
        return sparse.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, n_columns))


def _rare_columns(hashed: sparse.csr_matrix, column: np.ndarray, n_rare: int) -> sparse.csr_matrix:
    """The rows of ``hashed`` with only the rare 4-grams, as columns 0..n_rare-1 (what
    ``hashed[:, rare]`` gives, without the 4-million-entry index arrays it makes)."""
    hashed = sparse.csr_matrix(hashed)
    n_rows = hashed.shape[0]
    where = column[hashed.indices]
    keep = where >= 0
    rows = np.repeat(np.arange(n_rows), np.diff(hashed.indptr))
    indptr = np.r_[0, np.cumsum(np.bincount(rows[keep], minlength=n_rows))]
    return sparse.csr_matrix(
        (hashed.data[keep], where[keep], indptr), shape=(hashed.shape[0], n_rare)
    )


def _shared_shingle_pairs(shared: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) of rows of ``shared`` (texts x their 4-grams that 2 to
    SHINGLE_MAX_DOCS texts contain) sharing at least SHINGLES_SHARED of them (int32: about
    two million pairs at 100,000 articles)."""
    found_i, found_j = [np.zeros(0, dtype=np.int32)], [np.zeros(0, dtype=np.int32)]
    # A slice of rows at a time: the whole product holds every pair sharing any rare 4-gram.
    for start in range(0, shared.shape[0], SHINGLE_ROWS):
        product = (shared[start : start + SHINGLE_ROWS] @ shared.T).tocoo()
        rows = product.row.astype(np.int32) + np.int32(start)
        keep = (product.data >= SHINGLES_SHARED) & (product.col > rows)
        found_i.append(rows[keep])
        found_j.append(product.col[keep].astype(np.int32))
        del product, rows, keep
    return np.concatenate(found_i), np.concatenate(found_j)


def _event_date(ms: list[Mention]) -> tuple[Mention | None, int]:
    """The mention whose date is the most specific value that the others support."""
    dated = [m for m in ms if m.timex is not None and m.timex.earliest is not None]
    if not dated:
        return None, 0
    rank = {g: i for i, g in enumerate(GRANULARITIES)}
    counts = Counter(m.timex.value for m in dated if m.timex)

    def support(m: Mention) -> int:
        tx = m.timex
        assert tx is not None and tx.earliest is not None
        latest = tx.latest or tx.earliest
        n = 0
        for other in dated:
            o = other.timex
            assert o is not None and o.earliest is not None
            if o.earliest <= tx.earliest and latest <= (o.latest or o.earliest):
                n += 1  # the other's interval contains this one
        return n

    top = max(counts.values())
    candidates = [m for m in dated if m.timex and counts[m.timex.value] * 2 >= top]
    best = min(
        candidates,
        key=lambda m: (
            rank.get(m.timex.granularity, len(rank)) if m.timex else 99,
            -support(m),
            -counts[m.timex.value if m.timex else ""],
        ),
    )
    return best, support(best)


def _event_status(ms: list[Mention], dated: Mention | None) -> str:
    if dated is None or dated.timex is None:
        return "undated"
    reported = max((m.reported_on for m in ms if m.reported_on), default=None)
    tx = dated.timex
    if reported is not None and tx.earliest is not None and tx.earliest > reported:
        return "scheduled"
    if reported is not None and tx.latest is not None and tx.latest < reported:
        return "past"
    votes = Counter(m.status for m in ms if m.status != "undated")
    return votes.most_common(1)[0][0] if votes else "past"


def _centrality(n: int, groups: list[list[int]], pairs: ScoredPairs) -> np.ndarray:
    """Each mention's summed score to the other mentions of its group (summed in pair
    order, a chunk of pairs at a time)."""
    label = np.empty(n, dtype=np.int64)
    for k, members in enumerate(groups):
        label[members] = k
    as_i, as_j = np.zeros(n), np.zeros(n)
    for chunk in pairs.chunks():
        same = label[chunk["i"]] == label[chunk["j"]]
        weights = chunk["score"][same]
        np.add.at(as_i, chunk["i"][same], weights)
        np.add.at(as_j, chunk["j"][same], weights)
    return as_i + as_j


def _summary(ms: list[Mention], central: list[float], dated: Mention | None, status: str) -> str:
    """The most central sentence, preferring statements that name an actor and a date and
    tell the event as it stands (``status``: talks that have happened are summarised by a
    report of them, not by their announcement), without a wire dateline.

    When the event has a date, the sentence is one that gives that date: the summary is
    shown beside the event's date and status, and an undated aside of the group ("In
    recent weeks, tensions have surfaced") read as what happens "later this week"."""
    value = dated.timex.value if dated is not None and dated.timex is not None else None
    candidates = [k for k, m in enumerate(ms) if value is not None and m.date_value == value]
    candidates = [k for k in candidates if ms[k].status == status] or candidates

    def rank(k: int) -> float:
        m = ms[k]
        bonus = 0.3 * bool(m.timex) + 0.2 * bool(m.actors) - 0.3 * bool(m.quote)
        length = len(m.sentence)
        return central[k] + bonus - (0.3 if length > 300 else 0.0) - (0.2 if length < 40 else 0.0)

    sentence = ms[max(candidates or range(len(ms)), key=rank)].sentence
    return " ".join(sentence[dateline_length(sentence) :].split())


def cluster_mentions(
    mentions: Sequence[Mention],
    articles: Mapping[str, Article],
    actors: Mapping[str, Actor],
) -> list[Event]:
    """Merge mentions of the same happening across articles into events (each mention once)."""
    if not mentions:
        return []
    mentions = _in_order(mentions)
    features = _features(mentions, _article_index(mentions))
    return _sorted_events(_events_of(features, mentions, articles))


def recluster(
    mentions: Sequence[Mention],
    articles: Mapping[str, Article],
    actors: Mapping[str, Actor],
    previous: Sequence[Event],
    unchanged: Set[str],
) -> tuple[list[Event], int]:
    """The events after an incremental build, and how many mentions were grouped again.

    Only the events that the build touches are computed again; the other stored events
    (``previous``) are kept as they are.  ``unchanged`` holds the ids of the mentions that
    are as stored (the same mention of the same, unchanged article); the rest are changed.
    Touched are: every changed mention; every stored event that lost a mention or holds a
    changed one; every stored event holding a mention that one of those forms a candidate
    pair with (what it could join).  The touched mentions are grouped again among
    themselves, with the wording weights of the whole corpus.  When they are more than
    FULL_RECLUSTER_SHARE of all mentions, every mention is grouped again, as in
    cluster_mentions (as much work, and exact).
    """
    if not mentions:
        return [], 0
    mentions = _in_order(mentions)
    n = len(mentions)
    index = {m.id: k for k, m in enumerate(mentions)}
    changed = np.array([m.id not in unchanged for m in mentions], dtype=bool)
    owner = np.full(n, -1, dtype=np.int64)  # the stored event of each unchanged mention
    dirty = np.zeros(len(previous) + 1, dtype=bool)  # the last entry stands for "none"
    for e, event in enumerate(previous):
        for mention_id in event.mention_ids:
            k = index.get(mention_id)
            if k is None or changed[k]:
                dirty[e] = True
            else:
                owner[k] = e
    changed |= owner < 0  # an unchanged mention in no stored event is placed again
    # What is placed again: changed mentions and the rest of the events they left; each of
    # them could also join another stored event, which is then touched too.
    moving = changed | dirty[owner]
    features = _features(mentions, _article_index(mentions))
    if moving.any():
        with candidate_pairs(features, only=moving) as near:
            for chunk in near.chunks():
                dirty[owner[chunk["i"]]] = True
                dirty[owner[chunk["j"]]] = True
        dirty[-1] = False
    touched = moving | dirty[owner]
    if touched.sum() > FULL_RECLUSTER_SHARE * n:
        return _sorted_events(_events_of(features, mentions, articles)), n
    kept = [event for e, event in enumerate(previous) if not dirty[e]]
    idx = np.flatnonzero(touched)
    regrouped = _events_of(_subset(features, idx), [mentions[k] for k in idx], articles)
    return _sorted_events([*kept, *regrouped]), len(idx)


def carry_ids(events: Sequence[Event], previous: Sequence[Event]) -> list[Event]:
    """The events, each taking the id of the stored event it continues, so that a link to
    an event keeps working when a later build adds a report to it or regroups it.

    An event continues the stored event it shares most mentions with, when those are more
    than half of the stored event's mentions; a stored id goes to one event only (the one
    sharing most with it; ties to the earlier event). Other events keep their own ids (a
    digest of their mentions), made unique should one equal an id carried over.
    """
    owner = {mid: e.id for e in previous for mid in e.mention_ids}
    size = {e.id: len(e.mention_ids) for e in previous}
    claims: dict[str, tuple[int, int]] = {}  # stored id -> (mentions shared, -event index)
    for k, event in enumerate(events):
        shared = Counter(owner[mid] for mid in event.mention_ids if mid in owner)
        if not shared:
            continue
        old, n = max(shared.items(), key=lambda item: (item[1], item[0]))
        if 2 * n > size[old] and (n, -k) > claims.get(old, (0, 0)):
            claims[old] = (n, -k)
    carried = {-k: old for old, (_, k) in claims.items()}
    taken = set(carried.values())
    out = []
    for k, event in enumerate(events):
        if k in carried:
            out.append(replace(event, id=carried[k]))
        elif event.id in taken:
            digest = hashlib.sha1(("again\n" + "\n".join(event.mention_ids)).encode())
            out.append(replace(event, id="ev-" + digest.hexdigest()[:12]))
        else:
            out.append(event)
    return out


def retired_ids(
    events: Sequence[Event], previous: Sequence[Event], aliases: Mapping[str, str]
) -> dict[str, str]:
    """Stored event ids that no event carries on (merged into another, split, or left with
    too few of their mentions), each pointing to the event now holding most of their
    mentions, so that an old link opens where its event went. ``aliases`` are such ids from
    earlier builds: they follow their targets, or go when nothing is left to point to."""
    where = {mid: e.id for e in events for mid in e.mention_ids}
    current = set(where.values()) | {e.id for e in events}
    out: dict[str, str] = {}
    for old in previous:
        if old.id in current:
            continue
        held = Counter(where[mid] for mid in old.mention_ids if mid in where)
        if held:
            out[old.id] = max(held.items(), key=lambda item: (item[1], item[0]))[0]
    for old_id, target in aliases.items():
        if old_id not in current and old_id not in out:
            moved = target if target in current else out.get(target)
            if moved is not None:
                out[old_id] = moved
    return out


def _in_order(mentions: Sequence[Mention]) -> list[Mention]:
    """Greedy merging depends on the order it meets pairs in: a fixed order makes the same
    mentions always give the same events, whatever order the caller passes them in."""
    return sorted(mentions, key=lambda m: (m.article_id, m.sentence_start, m.id))


def _article_index(mentions: Sequence[Mention]) -> dict[str, int]:
    return {aid: i for i, aid in enumerate(sorted({m.article_id for m in mentions}))}


def _events_of(
    features: _Features, mentions: Sequence[Mention], articles: Mapping[str, Article]
) -> list[Event]:
    """Group the mentions (whose features these are) and make each group an event."""
    groups, central = _grouped(features)
    article_ids = sorted({m.article_id for m in mentions})
    syndicated = syndication_groups([articles[a] for a in article_ids if a in articles])
    return [
        _event([mentions[k] for k in g], central[g].tolist(), articles, syndicated) for g in groups
    ]


def _grouped(features: _Features, folder: Path | None = None) -> tuple[list[list[int]], np.ndarray]:
    """The groups of mentions (indices, each sorted) and each mention's centrality; the
    pairs are kept in ``folder`` while they are needed (in memory without one).

    Once the pairs are found only they and the dates are read: the features are let go
    then, so a caller that passes them without keeping them (cluster_spilled) frees their
    matrices (about 60 MB at 100,000 articles) before the linkage."""
    n = features.text.shape[0]
    earliest, latest = features.earliest, features.latest
    with candidate_pairs(features, folder=folder) as pairs:
        del features
        linked = linkage.group(n, pairs, earliest, latest, MERGE_THRESHOLD)
        groups = [sorted(g) for g in linked if g]
        central = _centrality(n, groups, pairs)
    return groups, central


class Sourced(Protocol):
    """What an event needs of an article: the source it counts for and the outlet's name."""

    @property
    def source_key(self) -> str: ...

    @property
    def outlet(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Source:
    """An article's source, without its text: what a spilled build keeps per article."""

    source_key: str
    outlet: str | None


# Mentions per bucket when a spilled build sorts them into events: one bucket is read at a
# time, and a group's mentions all go to the same bucket.
BUCKET_MENTIONS = 20_000


def mention_order(m: Mention) -> tuple[str, int, str]:
    """The order clustering reads mentions in (see _in_order)."""
    return (m.article_id, m.sentence_start, m.id)


def cluster_spilled(
    mentions: Spill[Mention],
    sources: Mapping[str, Sourced],
    articles: Callable[[], Iterator[Article]],
    folder: SpillFolder,
) -> Spill[Event]:
    """cluster_mentions for a corpus kept on disk: the same events, without holding the
    mentions or the articles' texts.

    ``mentions`` was written in runs each in mention_order; ``sources`` gives each article's
    source; ``articles()`` yields the articles (for syndicated copies). Memory holds the
    features and the pairs of the mentions (numbers, not objects) and one bucket of
    mentions at a time when making the events.
    """
    events: Spill[Event] = folder.spill("events")
    n = len(mentions)
    if not n:
        return events

    def ordered() -> Iterator[Mention]:
        return mentions.sorted_by(mention_order)

    on_disk = None if isinstance(folder, MemoryFolder) else folder.path
    groups, central = _grouped(_features_of(ordered(), n), on_disk)
    label = np.empty(n, dtype=np.int64)
    for g, members in enumerate(groups):
        label[members] = g
    del groups
    n_buckets = max(1, -(-n // BUCKET_MENTIONS))
    buckets: list[Spill[tuple[int, int, Mention]]] = [
        folder.spill(f"bucket-{b}") for b in range(n_buckets)
    ]
    writers = [b.writer() for b in buckets]
    reported: set[str] = set()  # the articles with mentions
    for k, m in enumerate(ordered()):
        writers[label[k] % n_buckets].append((int(label[k]), k, m))
        reported.add(sys.intern(m.article_id))
    for w in writers:
        w.close()
    del label
    syndicated = syndication_groups_of(lambda: (a for a in articles() if a.id in reported), on_disk)
    with events.writer() as out:
        for bucket in buckets:
            members: dict[int, list[tuple[int, Mention]]] = {}
            for g, k, m in bucket:
                members.setdefault(g, []).append((k, m))
            for g in sorted(members):
                ms = members[g]  # in mention order: written in it
                out.append(
                    _event([m for _, m in ms], [central[k] for k, _ in ms], sources, syndicated)
                )
    return events


def _sorted_events(events: list[Event]) -> list[Event]:
    return sorted(events, key=lambda e: (e.earliest is None, e.earliest or 0, e.id))


def _subset(f: _Features, idx: np.ndarray) -> _Features:
    """The features of the mentions at ``idx``, in that order (weights stay the corpus's)."""
    return _Features(
        text=f.text[idx],
        bare=f.bare[idx],
        entities=f.entities[idx],
        earliest=f.earliest[idx],
        reported=f.reported[idx],
        latest=f.latest[idx],
        article=f.article[idx],
        anchors=f.anchors[idx],
        subject_code=f.subject_code[idx],
        background=f.background[idx],
        loose=f.loose[idx],
    )


def _event(
    ms: list[Mention],
    central: list[float],
    articles: Mapping[str, Sourced],
    syndicated: dict[str, int],
) -> Event:
    mention_ids = tuple(sorted(m.id for m in ms))
    event_id = "ev-" + hashlib.sha1("\n".join(mention_ids).encode()).hexdigest()[:12]
    dated, _ = _event_date(ms)
    tx = dated.timex if dated is not None else None
    actor_counts: Counter[str] = Counter()
    for m in ms:
        for k, a in enumerate(m.actors):
            actor_counts[a] += 2 if k == 0 else 1
    sources: dict[str, str] = {}
    for m in ms:
        article = articles.get(m.article_id)
        key = article.source_key if article is not None else f"article:{m.article_id}"
        name = article.outlet if article is not None and article.outlet else key
        sources.setdefault(key, name)
    independent = _fold_syndicated(ms, articles, syndicated)
    status = _event_status(ms, dated)
    return Event(
        id=event_id,
        value=tx.value if tx else None,
        earliest=tx.earliest if tx else None,
        latest=(tx.latest or tx.earliest) if tx else None,
        granularity=tx.granularity if tx else "vague",
        status=status,
        summary=_summary(ms, central, dated, status),
        actors=tuple(a for a, _ in actor_counts.most_common()),
        sources=tuple(sources.values()),
        source_count=len(sources),
        independent_count=independent,
        mention_ids=mention_ids,
        date_text=tx.text if tx else None,
    )


def _fold_syndicated(
    ms: list[Mention], articles: Mapping[str, Sourced], syndicated: dict[str, int]
) -> int:
    """Distinct sources once outlets that ran copies of one wire report count once."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    by_group: dict[int, str] = {}
    for m in ms:
        article = articles.get(m.article_id)
        key = article.source_key if article is not None else f"article:{m.article_id}"
        find(key)
        group = syndicated.get(m.article_id)
        if group is None:
            continue
        if group in by_group:
            ra, rb = find(by_group[group]), find(key)
            if ra != rb:
                parent[rb] = ra
        else:
            by_group[group] = key
    return len({find(k) for k in parent})

"""Compare wording similarities for clustering mentions into events.

    .venv/bin/python bench/cluster_compare.py
    .venv/bin/python bench/cluster_compare.py --embed-python /tmp/embvenv/bin/python

Three ways to vectorise what a mention says, each plugged into the same clusterer
(dashboard/cluster.py: date blocking, actor and date tokens, average linkage):

- word:  TF-IDF over word 1-2-grams (English stop words out), cosine;
- char:  TF-IDF over character 3-5-grams inside word boundaries, cosine;
- prefixes: TF-IDF over words cut to their first letters, stop words out (what the build
  uses);
- wordllama: WordLlama static embeddings (256 dimensions, weights shipped inside the PyPI
  wheel, so it runs offline), cosine. It lives in its own venv and is never a project
  dependency: ``python3 -m venv /tmp/embvenv && /tmp/embvenv/bin/pip install wordllama``,
  then pass ``--embed-python /tmp/embvenv/bin/python``. Without it that row is skipped.

Scored against the golden files (tests/golden/*_events.toml): a mention that is evidence of
exactly one expected event is labelled with it; pairwise precision, recall and F1 count the
pairs of labelled mentions put in one event. Each method's merge threshold and wording
floor are swept; the table gives the best setting over all stories and, to show how much of
that is fitted to these few stories, the mean F1 on each story when the setting is chosen
on the other stories only (leave one story out). Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import cluster  # noqa: E402
from dashboard.pipeline import Corpus  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_events", ROOT / "bench" / "events.py")
assert _spec is not None and _spec.loader is not None
events_bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_events"] = events_bench
_spec.loader.exec_module(events_bench)

THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8)
FLOORS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6)

# Runs in the embedding venv: reads a JSON list of texts on stdin, writes vectors to argv[1].
# WordLlama 0.4 looks for its bundled tokenizer under "tokenizer/" while the wheel ships it
# under "tokenizers/": copy it into a cache folder so nothing is downloaded.
EMBED_SCRIPT = r"""
import json, shutil, sys, time
from pathlib import Path
import numpy as np
import wordllama
from wordllama import WordLlama
pkg = Path(wordllama.__file__).parent
cache = Path(sys.argv[2])
for sub in ("tokenizers", "tokenizer"):
    (cache / sub).mkdir(parents=True, exist_ok=True)
    shutil.copy(pkg / "tokenizers" / "l2_supercat_tokenizer_config.json", cache / sub)
t0 = time.perf_counter()
wl = WordLlama.load(cache_dir=cache, disable_download=True)
t1 = time.perf_counter()
texts = json.load(sys.stdin)
vectors = wl.embed(texts, norm=True)
t2 = time.perf_counter()
np.save(sys.argv[1], np.asarray(vectors, dtype=np.float32))
print(json.dumps({"load": t1 - t0, "embed": t2 - t1, "n": len(texts)}))
"""


@dataclass(slots=True)
class Story:
    """One golden file, its built corpus and the labelled mentions."""

    name: str
    golden: dict
    corpus: Corpus
    labels: dict[str, int]  # mention id -> expected event index


@dataclass(slots=True)
class Counts:
    """Pair counts of one clustering against the labels."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_stories() -> list[Story]:
    """Build every golden story once and label its mentions."""
    stories = []
    for path in events_bench.golden_files():
        golden = events_bench.load_golden(path)
        corpus, _ = events_bench.build(golden)
        seen: dict[str, set[int]] = {}
        for k, expected in enumerate(golden["event"]):
            for m in events_bench._evidence(corpus, expected):
                seen.setdefault(m.id, set()).add(k)
        labels = {mid: next(iter(ks)) for mid, ks in seen.items() if len(ks) == 1}
        stories.append(Story(golden["corpus"], golden, corpus, labels))
    return stories


def pair_counts(story: Story, events: list) -> Counts:
    """Pairs of labelled mentions: together in an event and in the gold (tp), and so on."""
    predicted = {mid: e.id for e in events for mid in e.mention_ids}
    ids = sorted(story.labels)
    counts = Counts()
    for a, b in itertools.combinations(ids, 2):
        same_gold = story.labels[a] == story.labels[b]
        same_pred = predicted[a] == predicted[b]
        counts.tp += same_gold and same_pred
        counts.fp += same_pred and not same_gold
        counts.fn += same_gold and not same_pred
    return counts


def tfidf(**options: object) -> Callable[[list[str]], sparse.csr_matrix]:
    """A wording function: row-normalised TF-IDF with these options."""

    def vectorize(texts: list[str]) -> sparse.csr_matrix:
        return normalize(TfidfVectorizer(sublinear_tf=True, **options).fit_transform(texts))

    return vectorize


def lookup(vectors: dict[str, np.ndarray]) -> Callable[[list[str]], sparse.csr_matrix]:
    """A wording function reading precomputed embeddings (negative cosines clipped to 0)."""

    def vectorize(texts: list[str]) -> sparse.csr_matrix:
        return sparse.csr_matrix(np.vstack([vectors[t] for t in texts]))

    return vectorize


class Whole:
    """A wording function over all the texts at once, read by clustering as its wording
    weights (which add the texts a batch at a time, then ask for the matrix)."""

    def __init__(self, wording: Callable[[list[str]], sparse.csr_matrix]) -> None:
        self.wording = wording
        self.texts: list[str] = []

    def add(self, texts: list[str]) -> None:
        self.texts.extend(texts)

    def matrix(self) -> sparse.csr_matrix:
        return sparse.csr_matrix(self.wording(self.texts))


@contextmanager
def settings(wording: Callable, threshold: float, floor: float) -> Iterator[None]:
    """Patch the clusterer's wording function and thresholds for one run."""
    saved = (cluster.wording_weights, cluster.MERGE_THRESHOLD, cluster.MIN_TEXT_SIMILARITY)
    cluster.wording_weights = lambda: Whole(wording)
    cluster.MERGE_THRESHOLD, cluster.MIN_TEXT_SIMILARITY = threshold, floor
    try:
        yield
    finally:
        cluster.wording_weights, cluster.MERGE_THRESHOLD, cluster.MIN_TEXT_SIMILARITY = saved


def run(
    story: Story, wording: Callable, threshold: float, floor: float
) -> tuple[Counts, float, float]:
    """Cluster one story with one setting: pair counts, source-count accuracy and event
    precision (bench/events.py: the share of each matched event that is its evidence, which
    also sees unlabelled mentions pulled into an event)."""
    c = story.corpus
    with settings(wording, threshold, floor):
        events = cluster.cluster_mentions(
            c.mentions, {a.id: a for a in c.articles}, c.actors.actors
        )
    scored = events_bench.score(replace(c, events=events), story.golden)
    return pair_counts(story, events), scored.source_accuracy, scored.precision


def content_texts(stories: list[Story]) -> list[str]:
    """Every text the clusterer vectorises, as it builds them."""
    return sorted({cluster._content_text(m) for s in stories for m in s.corpus.mentions})


def embed(python: str, texts: list[str]) -> tuple[dict[str, np.ndarray], dict]:
    """WordLlama vectors of the texts, computed in the embedding venv (offline)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "vectors.npy"
        env = {**os.environ, "HF_HUB_OFFLINE": "1"}
        done = subprocess.run(
            [python, "-c", EMBED_SCRIPT, str(out), str(Path(tmp) / "cache")],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        vectors = np.load(out)
    timing = json.loads(done.stdout.strip().splitlines()[-1])
    vectors = np.clip(vectors, 0, None)  # negative cosines say nothing here
    return {t: normalize(v.reshape(1, -1))[0] for t, v in zip(texts, vectors, strict=True)}, timing


def sweep(stories: list[Story], wording: Callable) -> dict[tuple[float, float], list]:
    """(threshold, floor) -> per story (Counts, source accuracy)."""
    return {
        (t, f): [run(s, wording, t, f) for s in stories]
        for t, f in itertools.product(THRESHOLDS, FLOORS)
    }


def summarise(name: str, stories: list[Story], grid: dict, default: tuple | None) -> str:
    """One table row: the best setting, its figures, leave-one-story-out F1."""

    def total(key: tuple, which: list[int]) -> Counts:
        return sum((grid[key][k][0] for k in which), Counts())

    def objective(key: tuple, which: list[int]) -> tuple[float, float]:
        f1 = total(key, which).f1
        precision = float(np.mean([grid[key][k][2] for k in which]))
        both = 2 * f1 * precision / (f1 + precision) if f1 + precision else 0.0
        return both, -key[0]

    everyone = list(range(len(stories)))
    best = max(grid, key=lambda key: objective(key, everyone))
    held_out = []
    for k in everyone:
        others = [j for j in everyone if j != k]
        chosen = max(grid, key=lambda key: objective(key, others))
        held_out.append(grid[chosen][k][0].f1)
    rows = [("best", best)] + ([("default", default)] if default is not None else [])
    out = []
    for label, key in rows:
        b = total(key, everyone)
        per_story = " / ".join(f"{grid[key][k][0].f1:.2f}" for k in everyone)
        sources = np.mean([grid[key][k][1] for k in everyone])
        precision = np.mean([grid[key][k][2] for k in everyone])
        loo = f"{np.mean(held_out):.2f}" if label == "best" else ""
        out.append(
            f"| {name} ({label}) | {key[0]:.2f} / {key[1]:.2f} | {b.precision:.2f} "
            f"| {b.recall:.2f} | {b.f1:.2f} | {per_story} | {loo} | {precision:.2f} "
            f"| {sources:.2f} |"
        )
    return "\n".join(out)


def timing(wording: Callable, texts: list[str], copies: int = 20) -> float:
    """Seconds to vectorise `copies` copies of the texts (about a scale corpus)."""
    many = [f"{t} {k}" for k in range(copies) for t in texts]
    started = time.perf_counter()
    wording(many)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embed-python", help="python of a venv with wordllama installed")
    args = parser.parse_args(argv)
    stories = load_stories()
    names = " / ".join(s.name for s in stories)
    labelled = sum(len(s.labels) for s in stories)
    print(f"stories: {names}; {labelled} labelled mentions")
    texts = content_texts(stories)
    methods: list[tuple[str, Callable, tuple | None]] = [
        (
            "TF-IDF words 1-2",
            tfidf(analyzer="word", ngram_range=(1, 2), stop_words="english"),
            None,
        ),
        ("TF-IDF char_wb 3-5", tfidf(analyzer="char_wb", ngram_range=(3, 5)), None),
        (
            f"TF-IDF {cluster.PREFIX_LETTERS}-letter word prefixes (used)",
            tfidf(analyzer=cluster.word_prefixes),
            (cluster.MERGE_THRESHOLD, cluster.MIN_TEXT_SIMILARITY),
        ),
    ]
    notes = []
    if args.embed_python:
        vectors, spent = embed(args.embed_python, texts)
        methods.append(("WordLlama 256-d (offline)", lookup(vectors), None))
        load, n, took = spent["load"], spent["n"], spent["embed"]
        notes.append(f"WordLlama: load {load:.2f} s, embed {n} texts {took:.3f} s")
        many = [f"{t} {k}" for k in range(20) for t in texts]
        _, spent_many = embed(args.embed_python, many)
        notes.append(f"WordLlama: embed {spent_many['n']} texts {spent_many['embed']:.3f} s")
    else:
        notes.append("WordLlama skipped: pass --embed-python (see the module docstring)")
    print(
        "| wording | threshold / floor | pair P | pair R | pair F1 | F1 per story "
        "| leave-one-out F1 | event precision | source acc. |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, wording, default in methods:
        grid = sweep(stories, wording)
        if default is not None and default not in grid:
            default_runs = [run(s, wording, *default) for s in stories]
            grid_default = dict(grid)
            grid_default[default] = default_runs
            print(summarise(name, stories, grid_default, default))
        else:
            print(summarise(name, stories, grid, default))
    for name, wording, _ in methods[:3]:
        notes.append(f"{name}: vectorise {20 * len(texts)} texts {timing(wording, texts):.3f} s")
    print("\n".join(notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

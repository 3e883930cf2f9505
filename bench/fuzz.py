"""Property-based fuzzing of the temporal tagger, text ingestion and the whole pipeline.

The strategies and properties live here; tests/test_fuzz.py runs them with a few hundred
examples, and `python bench/fuzz.py --minutes 15` runs a long campaign. A failing example is
written to tests/fuzz_regressions/ (as JSON) so tests/test_fuzz.py replays it for ever.

    .venv/bin/python bench/fuzz.py --minutes 15 [--target tag|bytes|pipeline|all]

Coverage-guided fuzzing with atheris (not a project dependency: it lives in a scratch venv of
the same Python, with the project venv's packages on the path):

    python3 -m venv /tmp/atheris-venv && /tmp/atheris-venv/bin/pip install atheris
    PYTHONPATH=.:.venv/lib/python3.11/site-packages \\
        /tmp/atheris-venv/bin/python bench/fuzz.py --atheris tag --minutes 5
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
import tempfile
import time
import traceback
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # before bench/, whose dashboard.py would shadow the package

from dashboard.ingest import load_articles  # noqa: E402
from dashboard.pipeline import NothingToBuild, run  # noqa: E402
from dashboard.temporal import tag  # noqa: E402

REGRESSIONS = ROOT / "tests" / "fuzz_regressions"

# Words that make the tagger and the actor finder work: time words, numbers, names, verbs.
VOCABULARY = (
    "on Monday",
    "last Tuesday",
    "next Friday",
    "this week",
    "next week",
    "last month",
    "next year",
    "yesterday",
    "today",
    "tomorrow",
    "tonight",
    "this morning",
    "in March",
    "March 3",
    "3 March",
    "on 12 October 2023",
    "the 1990s",
    "early 2024",
    "late May",
    "Q3",
    "the third quarter",
    "two years ago",
    "in two weeks",
    "for three days",
    "every Sunday",
    "since 2019",
    "by the end of the year",
    "New Year's Day",
    "Christmas",
    "noon",
    "at 9 a.m.",
    "10:30 pm",
    "2024-05-06",
    "05/06/2024",
    "the weekend",
    "mid-June",
    "President",
    "Prime Minister",
    "Minister",
    "Reuters",
    "said",
    "told",
    "announced",
    "will meet",
    "met",
    "signed",
    "the agreement",
    "The government",
    "officials",
    "Mr.",
    "Ms.",
    "Dr.",
    "U.S.",
    "U.N.",
    "EU",
    "Acme Corp",
    "Jane Doe",
    "John Smith",
    "Paris",
    "WASHINGTON (AP) —",
    "“",
    "”",
    '"',
    "'s",
    "(",
    ")",
    "—",
    "-",
    ",",
    ".",
    ";",
    ":",
    "?",
    "!",
    "\n",
    "\n\n",
    "...",
    "%",
    "$",
    "#",
    "&",
    "<b>",
    "</p>",
    "[",
    "]",
    "*",
    "_",
)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August")
UNICODE = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=4)

token = st.one_of(
    st.sampled_from(VOCABULARY),
    st.sampled_from(MONTHS),
    st.integers(min_value=-5, max_value=10_000).map(str),
    st.integers(min_value=0, max_value=99).map(lambda n: f"{n:02d}"),
    UNICODE,
)
separator = st.sampled_from((" ", " ", " ", "", "\n", ", ", ". ", "\t", "\u00a0"))


@st.composite
def news_text(draw, max_tokens: int = 60) -> str:
    """Text mixing news vocabulary, digits, punctuation and arbitrary unicode."""
    tokens = draw(st.lists(token, max_size=max_tokens))
    out = []
    for word in tokens:
        out.append(word)
        out.append(draw(separator))
    return "".join(out)


anchors = st.one_of(
    st.none(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
)


def check_tag(text: str, anchor: date | None) -> None:
    """tag() never raises; spans are valid, ordered, non-overlapping; intervals ordered."""
    timexes = tag(text, anchor)
    last_end = 0
    for timex in timexes:
        assert 0 <= timex.start < timex.end <= len(text), timex
        assert text[timex.start : timex.end] == timex.text, timex
        assert timex.start >= last_end, f"overlapping or unordered: {timex}"
        last_end = timex.end
        if timex.earliest is not None and timex.latest is not None:
            assert timex.earliest <= timex.latest, timex


SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".rss", ".atom", ".xml")
FIELDS = (
    "text",
    "body",
    "content",
    "title",
    "headline",
    "published",
    "date",
    "outlet",
    "source",
    "url",
    "link",
    "authors",
    "author",
    "language",
    "id",
)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | news_text(12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner),
    max_leaves=12,
)


@st.composite
def structured_file(draw) -> tuple[bytes, str]:
    """Bytes shaped like a web page, a JSON or JSON Lines file or a feed, with generated
    fields and text (sometimes truncated)."""
    kind = draw(st.sampled_from(("html", "json", "jsonl", "rss")))
    text, title = draw(news_text(40)), draw(news_text(6))
    day = draw(st.one_of(st.dates().map(str), news_text(3)))
    if kind == "html":
        body = (
            f"<html><head><title>{title}</title><meta property='article:published_time' "
            f"content='{day}'><meta property='og:site_name' content='{title}'></head>"
            f"<body><article><h1>{title}</h1><p>{text}</p><p>{draw(news_text(30))}</p>"
            "</article></body></html>"
        )
        suffix = ".html"
    elif kind == "json":
        record = draw(st.dictionaries(st.sampled_from(FIELDS), json_value, max_size=8))
        record.setdefault("text", text)
        body = json.dumps(draw(st.one_of(st.just(record), st.lists(json_value, max_size=3))))
        suffix = ".json"
    elif kind == "jsonl":
        records = draw(st.lists(st.dictionaries(st.sampled_from(FIELDS), json_value), max_size=4))
        body = "\n".join(json.dumps(r) for r in records) + draw(st.sampled_from(("", "\n{")))
        suffix = ".jsonl"
    else:
        body = (
            "<?xml version='1.0'?><rss version='2.0'><channel><title>Feed</title><item>"
            f"<title>{title}</title><pubDate>{day}</pubDate><description>{text}</description>"
            "</item></channel></rss>"
        )
        suffix = ".rss"
    data = body.encode("utf-8", "surrogatepass")
    cut = draw(st.integers(min_value=0, max_value=len(data)))
    return (data if draw(st.booleans()) else data[:cut]), suffix


# Found by this fuzzer and fixed in ingest (33df15d): a JSON Lines file with no records, a
# JSON "[]" or an empty feed gave neither an article nor an error. Set True to let that pass
# again if a regression of it must not stop a campaign.
SILENT_EMPTY_OK = False
STRUCTURED = (".json", ".jsonl", ".ndjson", ".rss", ".atom", ".xml")


def check_bytes(
    data: bytes, suffix: str, folder: Path, *, silent_empty_ok: bool | None = None
) -> None:
    """Any bytes in a file give an article or a clear IngestError naming it, never a crash."""
    path = folder / f"article{suffix}"
    path.write_bytes(data)
    result = load_articles([path])
    if not result.articles and not result.errors:
        allowed = SILENT_EMPTY_OK if silent_empty_ok is None else silent_empty_ok
        assert allowed and suffix in STRUCTURED, f"{suffix} file gave no article and no error"
    for error in result.errors:
        assert error.path.startswith(str(path)) and error.message, error
    for article in result.articles:
        assert isinstance(article.text, str)


SUBJECTS = ("The President", "Jane Doe", "Officials", "Acme Corp", "The ministry", "He")
VERBS = ("said", "will meet", "met", "signed the agreement", "announced talks", "visited Paris")
TIMES = ("on Monday", "next week", "last month", "on 12 October 2023", "in March", "tomorrow")


@st.composite
def sentence(draw) -> str:
    """A news-like sentence, sometimes with generated junk inside."""
    words = [draw(st.sampled_from(SUBJECTS)), draw(st.sampled_from(VERBS))]
    words.append(draw(st.one_of(st.sampled_from(TIMES), news_text(max_tokens=6))))
    return " ".join(words) + draw(st.sampled_from((".", ".", "?", "", ' "')))


@st.composite
def article_batch(draw) -> list[dict[str, str]]:
    """A few articles with manifest rows (outlet, published, title)."""
    count = draw(st.integers(min_value=1, max_value=4))
    articles = []
    for i in range(count):
        parts = st.one_of(sentence(), sentence(), news_text(max_tokens=25))
        sentences = draw(st.lists(parts, min_size=1, max_size=6))
        published = draw(st.one_of(st.just(""), st.dates(date(1990, 1, 1), date(2060, 1, 1))))
        articles.append(
            {
                "file": f"a{i}.txt",
                "text": " ".join(sentences),
                "outlet": draw(st.sampled_from(("", "Wire", "Daily Post", "Le Monde"))),
                "published": str(published),
                "title": draw(st.sampled_from(("", "Talks resume", "Breaking: <script>"))),
            }
        )
    return articles


def check_pipeline(batch: list[dict[str, str]], folder: Path) -> None:
    """The whole pipeline: every mention in exactly one event, offsets inside its article."""
    with (folder / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "outlet", "published", "title", "authors", "url"])
        for item in batch:
            writer.writerow(
                [item["file"], item["outlet"], item["published"], item["title"], "", ""]
            )
            (folder / item["file"]).write_text(item["text"], encoding="utf-8")
    try:
        corpus = run([folder])
    except NothingToBuild:
        return
    texts = {a.id: a.text for a in corpus.articles}
    owners: dict[str, int] = {}
    for event in corpus.events:
        for mention_id in event.mention_ids:
            owners[mention_id] = owners.get(mention_id, 0) + 1
    for mention in corpus.mentions:
        assert owners.get(mention.id) == 1, (
            f"mention {mention.id} in {owners.get(mention.id)} events"
        )
        text = texts[mention.article_id]
        assert 0 <= mention.sentence_start <= mention.sentence_end <= len(text), mention
        if mention.timex is not None:
            assert 0 <= mention.timex.start < mention.timex.end <= len(text), mention.timex
            assert text[mention.timex.start : mention.timex.end] == mention.timex.text
        for ref in mention.actor_spans:
            assert 0 <= ref.start < ref.end <= len(text), ref
            assert text[ref.start : ref.end] == ref.text, ref
    assert set(owners) == {m.id for m in corpus.mentions}, "an event names an unknown mention"


def save_regression(target: str, example: object, error: BaseException) -> Path:
    """Keep a failing example as a JSON case for tests/test_fuzz.py."""
    REGRESSIONS.mkdir(exist_ok=True)
    body = json.dumps({"target": target, "example": example}, ensure_ascii=False, default=str)
    path = REGRESSIONS / f"{target}-{abs(hash(body)) % 10**10:010d}.json"
    path.write_text(body + "\n", encoding="utf-8")
    with Path("/tmp/fuzz_findings.md").open("a", encoding="utf-8") as log:
        trace = "".join(traceback.format_exception(error))
        log.write(f"\n## {target}: {path.name}\n\n```\n{body[:2000]}\n\n{trace}```\n")
    return path


def replay(case: dict) -> None:
    """Run one saved regression case."""
    example = case["example"]
    with tempfile.TemporaryDirectory() as tmp:
        if case["target"] == "tag":
            anchor = date.fromisoformat(example["anchor"]) if example["anchor"] else None
            check_tag(example["text"], anchor)
        elif case["target"] == "bytes":
            check_bytes(
                bytes.fromhex(example["hex"]),
                example["suffix"],
                Path(tmp),
                silent_empty_ok=example.get("silent_empty_ok"),
            )
        elif case["target"] == "pipeline":
            check_pipeline(example["batch"], Path(tmp))
        else:
            raise ValueError(f"unknown target {case['target']!r}")


def campaign(target: str, seconds: float) -> tuple[int, int]:
    """Run one target until ``seconds`` pass; returns (examples, failures kept)."""
    counter = {"examples": 0, "failures": 0}
    deadline = time.monotonic() + seconds
    fast = settings(
        max_examples=500,  # one call; the loop below calls again until the time is up
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )

    def record(name: str, example: object, fn) -> None:
        if time.monotonic() > deadline:
            return  # the rest of this call's examples are skipped
        counter["examples"] += 1
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - every failure is kept, then the run goes on
            counter["failures"] += 1
            print(f"{name}: failure kept as {save_regression(name, example, exc).name}")

    @fast
    @given(news_text(max_tokens=120), anchors)
    def fuzz_tag(text: str, anchor: date | None) -> None:
        example = {"text": text, "anchor": anchor.isoformat() if anchor else None}
        record("tag", example, lambda: check_tag(text, anchor))

    @fast
    @given(
        st.one_of(st.tuples(st.binary(max_size=4096), st.sampled_from(SUFFIXES)), structured_file())
    )
    def fuzz_bytes(case: tuple[bytes, str]) -> None:
        data, suffix = case
        with tempfile.TemporaryDirectory() as tmp:
            example = {"hex": data.hex(), "suffix": suffix}
            record("bytes", example, lambda: check_bytes(data, suffix, Path(tmp)))

    @fast
    @given(article_batch())
    def fuzz_pipeline(batch: list[dict[str, str]]) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            record("pipeline", {"batch": batch}, lambda: check_pipeline(batch, Path(tmp)))

    fn = {"tag": fuzz_tag, "bytes": fuzz_bytes, "pipeline": fuzz_pipeline}[target]
    while time.monotonic() < deadline:
        fn()
    return counter["examples"], counter["failures"]


def _instrument_dashboard(atheris) -> None:
    """Coverage for Storyline's own functions only (instrument_all takes minutes here)."""
    import inspect

    for name, module in list(sys.modules.items()):
        if not name.startswith("dashboard"):
            continue
        for value in vars(module).values():
            members = [value]
            if inspect.isclass(value):
                members = [v for v in vars(value).values() if inspect.isfunction(v)]
            for fn in members:
                if inspect.isfunction(fn) and fn.__module__ == name:
                    atheris.instrument_func(fn)


def atheris_campaign(target: str, seconds: float) -> None:
    """Coverage-guided fuzzing of ``tag`` or text ingestion with atheris (libFuzzer)."""
    import atheris

    folder = Path(tempfile.mkdtemp(prefix="storyline-atheris-"))
    counter = {"examples": 0}

    def one_input(data: bytes) -> None:
        counter["examples"] += 1
        if target == "tag":
            fdp = atheris.FuzzedDataProvider(data)
            day = date.fromordinal(date(1900, 1, 1).toordinal() + fdp.ConsumeIntInRange(0, 73000))
            anchor = None if fdp.ConsumeBool() else day
            text = fdp.ConsumeUnicodeNoSurrogates(4096)
            example: object = {"text": text, "anchor": anchor.isoformat() if anchor else None}
            work = lambda: check_tag(text, anchor)  # noqa: E731
        else:
            example = {"hex": data.hex(), "suffix": ".txt"}
            work = lambda: check_bytes(data, ".txt", folder)  # noqa: E731
        try:
            work()
        except Exception as exc:
            print(f"{target}: failure kept as {save_regression(target, example, exc).name}")
            raise

    started = time.monotonic()
    _instrument_dashboard(atheris)
    atheris.Setup([sys.argv[0], f"-max_total_time={int(seconds)}", "-rss_limit_mb=4096"], one_input)
    try:
        atheris.Fuzz()
    finally:
        took = time.monotonic() - started
        print(f"| atheris {target} | {counter['examples']:,} | {took:.0f} | |", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=15.0, help="total, split over targets")
    parser.add_argument("--target", choices=("tag", "bytes", "pipeline", "all"), default="all")
    parser.add_argument("--atheris", choices=("tag", "bytes"), help="coverage-guided instead")
    args = parser.parse_args(argv)
    if args.atheris:
        logging.disable(logging.WARNING)
        atheris_campaign(args.atheris, args.minutes * 60)
        return 0
    logging.disable(logging.WARNING)  # skipped files are expected; failures are reported
    targets = ["tag", "bytes", "pipeline"] if args.target == "all" else [args.target]
    share = args.minutes * 60 / len(targets)
    print("| target | examples | seconds | failures kept |\n|---|---:|---:|---:|")
    for target in targets:
        started = time.monotonic()
        examples, failures = campaign(target, share)
        took = time.monotonic() - started
        print(f"| {target} | {examples:,} | {took:.0f} | {failures} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

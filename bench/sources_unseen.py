"""Cross-source counts on news they were not tuned on: the AQUAINT articles of TBAQ.

    .venv/bin/python bench/sources_unseen.py [--list]

Reads ../shared/data/tbaq/AQUAINT (or $TBAQ_DIR/AQUAINT): 73 stories of 1998-2000 from the
Associated Press, the New York Times and Xinhua about four stories they all covered. Runs the
build's stages after ingestion on them and scores the links between outlets against the hand
labels in bench/aquaint_sources.toml.

An event's source count rests on its weakest outlet: the outlet whose best link (pair
score) to a mention of another outlet in the event is lowest. The labels are those weakest
links of every event with two or more outlets, as the build of commit 1639fd1 made them, each
read and marked as the same happening or claim (true) or not (false). For each labelled pair
the command reports whether the build now puts both mentions in one event: "right kept" are
true links still together (of 52), "wrong kept" false links still together (of 29). The
labels were written from that build's events, so they measure what a change keeps and drops
of those links, not links it newly makes; ``--list`` prints the weakest links of the events
now made, for reading. Pairs are named by document id and sentence offset: no text of the
corpus is copied here.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.append(str(Path(__file__).resolve().parent))

from actors_unseen import articles  # noqa: E402

from dashboard import pipeline  # noqa: E402
from dashboard.ingest import IngestResult  # noqa: E402
from dashboard.models import Event, Mention  # noqa: E402

LABELS = Path(__file__).with_name("aquaint_sources.toml")


def mention_key(m: Mention) -> str:
    return f"{m.article_id}:{m.sentence_start}"


def score(events: Sequence[Event], mentions: Sequence[Mention], labels: dict) -> dict[str, int]:
    """How many labelled links, true and false, the events keep together."""
    event_of: dict[str, str] = {}
    by_id = {m.id: m for m in mentions}
    for e in events:
        for mid in e.mention_ids:
            event_of.setdefault(mention_key(by_id[mid]), e.id)
    out = {"right": 0, "right_kept": 0, "wrong": 0, "wrong_kept": 0}
    for link in labels["link"]:
        a, b = event_of.get(link["a"]), event_of.get(link["b"])
        together = a is not None and a == b
        kind = "right" if link["same"] else "wrong"
        out[kind] += 1
        out[f"{kind}_kept"] += together
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print every multi-source event")
    args = parser.parse_args(argv)
    corpus = pipeline.run_articles(IngestResult(articles=articles()))
    labels = tomllib.loads(LABELS.read_text(encoding="utf-8"))
    s = score(corpus.events, corpus.mentions, labels)
    kept = s["right_kept"] + s["wrong_kept"]
    multi = [e for e in corpus.events if e.source_count > 1]
    print(
        f"{len(corpus.events)} events, {len(multi)} with 2+ outlets "
        f"({sum(e.value is None for e in multi)} of them undated)"
    )
    print(
        f"labelled links: right kept {s['right_kept']}/{s['right']}, "
        f"wrong kept {s['wrong_kept']}/{s['wrong']}, "
        f"precision of kept links {s['right_kept'] / max(1, kept):.2f}"
    )
    if args.list:
        by_id = {m.id: m for m in corpus.mentions}
        outlet = {a.id: a.outlet for a in corpus.articles}
        for e in multi:
            print(f"== {e.value} {e.status} outlets={e.source_count}")
            for mid in e.mention_ids:
                m = by_id[mid]
                print(f"   [{outlet[m.article_id]}] {mention_key(m)} {m.sentence[:120]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

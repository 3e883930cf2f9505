"""Actor recognition on news it was not tuned on: the AQUAINT articles of TempEval-3's TBAQ.

    .venv/bin/python bench/actors_unseen.py [--top 40] [--folder TimeBank]

Reads ../shared/data/tbaq/AQUAINT (or $TBAQ_DIR/AQUAINT): 73 wire and newspaper stories of
1998-2000 (Associated Press, New York Times, Xinhua) about the embassy bombings in Kenya and
Tanzania, NATO's enlargement, the Slepian murder and the Elian Gonzalez case. Runs
find_actors over them and scores the result against the hand labels in
bench/aquaint_actors.toml: an actor is right when every form the labels list for it lands on
one actor and that actor has the labelled kind; a non-actor is right when no actor has that
form. Prints the most mentioned actors too, for reading. ``--folder TimeBank`` reads the other
183 TBAQ documents instead (no labels: the list is for reading).
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.append(str(Path(__file__).resolve().parent))

from timex_tbaq import read_corpus, tbaq_dir  # noqa: E402

from dashboard.actors import find_actors  # noqa: E402
from dashboard.models import Article, content_hash  # noqa: E402

LABELS = Path(__file__).with_name("aquaint_actors.toml")
OUTLETS = {"APW": "Associated Press", "NYT": "New York Times", "XIE": "Xinhua"}


def articles(folder: str = "AQUAINT") -> list[Article]:
    """The documents as articles: outlet from the document id, date from its DCT."""
    out = []
    for doc in read_corpus(tbaq_dir() / folder):
        text = doc.text.strip()
        out.append(
            Article(
                id=doc.id,
                source_path=f"{doc.id}.tml",
                text=text,
                content_hash=content_hash(text),
                outlet=OUTLETS.get(doc.id[:3]),
                published=date.fromisoformat(doc.dct),
            )
        )
    return out


def score(index, labels: dict) -> tuple[list[str], int, int]:
    """(lines of wrong labels, right, total) over the labelled actors and non-actors."""
    by_form: dict[str, str] = {}
    for actor in index.actors.values():
        for form in actor.aliases:
            by_form[form] = actor.id
    wrong, right, total = [], 0, 0
    for entry in labels["actor"]:
        total += 1
        ids = {by_form.get(f) for f in entry["forms"]}
        kinds = {index.actors[i].kind for i in ids if i}
        if len(ids) == 1 and None not in ids and kinds == {entry["kind"]}:
            right += 1
            continue
        found = ", ".join(
            f"{f} -> {index.actors[by_form[f]].name} ({index.actors[by_form[f]].kind})"
            if f in by_form
            else f"{f} -> none"
            for f in entry["forms"]
        )
        wrong.append(f"  {entry['forms'][0]} ({entry['kind']}): {found}")
    for form in labels["not_actors"]["forms"]:
        total += 1
        if form in by_form:
            wrong.append(f"  not an actor: {form} -> {index.actors[by_form[form]].name}")
        else:
            right += 1
    return wrong, right, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=40, help="most mentioned actors to print")
    parser.add_argument("--folder", default="AQUAINT", help="TBAQ folder: AQUAINT or TimeBank")
    args = parser.parse_args()
    docs = articles(args.folder)
    index = find_actors(docs)
    uses = Counter(r.actor_id for refs in index.refs.values() for r in refs)
    print(f"{len(docs)} articles, {len(index.actors)} actors")
    if args.folder == "AQUAINT":
        labels = tomllib.loads(LABELS.read_text(encoding="utf-8"))
        wrong, right, total = score(index, labels)
        print(
            f"labels right: {right}/{total} ({len(labels['actor'])} actors, "
            f"{len(labels['not_actors']['forms'])} non-actors)"
        )
        print("wrong:" if wrong else "wrong: none")
        print("\n".join(wrong))
    print(f"\nmost mentioned ({args.top}):")
    for actor_id, n in uses.most_common(args.top):
        a = index.actors[actor_id]
        print(f"  {n:4d}  {a.name} [{a.kind}{', ' + a.role if a.role else ''}]")


if __name__ == "__main__":
    main()

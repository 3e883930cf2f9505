"""`storyline build`, `storyline tag`, `storyline export`: thin wrappers over the library."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from dashboard import settings

EXPORT_FORMATS = ("csv", "json", "ics", "timelinejs", "html")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    return int(args.func(args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storyline",
        description="Turn news articles into a dated, source-attributed event timeline.",
    )
    sub = parser.add_subparsers(dest="command")

    build = sub.add_parser("build", help="ingest articles, run the pipeline, write the store")
    build.add_argument("paths", nargs="*", type=Path, help="files and folders (default: seeds/)")
    build.add_argument("--db", type=Path, default=None, help="store file")
    build.add_argument("--corpus", default=None, help="corpus name in the store")
    build.add_argument("--aliases", type=Path, default=None, help="actor aliases TOML file")
    build.set_defaults(func=cmd_build)

    tag = sub.add_parser("tag", help="print the time expressions found in TEXT")
    tag.add_argument("text")
    tag.add_argument("--anchor", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    tag.set_defaults(func=cmd_tag)

    export = sub.add_parser("export", help="write the event table")
    export.add_argument("--format", choices=EXPORT_FORMATS, default="json")
    export.add_argument("--db", type=Path, default=None, help="store file")
    export.add_argument("--corpus", default=None, help="corpus name in the store")
    export.add_argument("-o", "--output", type=Path, default=None, help="file (default stdout)")
    export.set_defaults(func=cmd_export)

    articles = sub.add_parser("articles", help="list the articles in the store and problems")
    articles.add_argument("--db", type=Path, default=None, help="store file")
    articles.add_argument("--corpus", default=None, help="corpus name in the store")
    articles.set_defaults(func=cmd_articles)
    return parser


def _fail(message: str) -> int:
    print(f"storyline: {message}", file=sys.stderr)
    return 1


def cmd_build(args: argparse.Namespace) -> int:
    """Build a corpus into the store and report per-stage counts and timings."""
    from dashboard.pipeline import NothingToBuild, run
    from dashboard.store import Store, StoreError

    paths = args.paths or [settings.SEEDS_DIR]
    db = args.db or settings.default_db()
    name = args.corpus or settings.DEFAULT_CORPUS
    try:
        corpus = run(paths, aliases=args.aliases)
    except NothingToBuild as exc:
        for error in exc.errors:
            print(f"skipped {error}", file=sys.stderr)
        return _fail(f"nothing built: {exc}")
    for error in corpus.errors:
        print(f"skipped {error}", file=sys.stderr)
    for article in corpus.articles:
        for warning in article.warnings:
            print(f"warning {article.source_path}: {warning}", file=sys.stderr)
    try:
        Store(db).write_corpus(corpus, name)
    except StoreError as exc:
        return _fail(str(exc))
    counts = corpus.counts()
    print(f"built corpus {name!r} into {db}")
    for stage in ("ingest", "temporal", "actors", "events", "cluster"):
        print(f"  {stage:<9} {corpus.timings.get(stage, 0.0) * 1000:8.1f} ms")
    print("  " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    """Print each time expression with its resolved value and interval."""
    from dashboard.temporal import tag

    for t in tag(args.text, args.anchor):
        interval = f"{t.earliest} .. {t.latest}" if t.earliest else "unresolved"
        mod = f" mod={t.mod}" if t.mod else ""
        print(
            f"{t.start:>5}-{t.end:<5} {t.text!r:32} {t.type:<8} {t.value:<14} "
            f"{t.granularity:<8} {interval}{mod}"
        )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the event table in one of the export formats."""
    from dashboard import exports
    from dashboard.store import Store, StoreError

    store = Store(args.db or settings.default_db())
    try:
        name = args.corpus or _default_corpus(store)
        events = store.events_frame(name)
        mentions = store.mentions_frame(name)
        if args.format == "csv":
            payload: str | bytes = exports.to_csv(events, mentions)
        elif args.format == "json":
            payload = exports.to_json(events, mentions)
        elif args.format == "ics":
            payload = exports.to_ics(events, _latest_publication(store, name))
        elif args.format == "timelinejs":
            payload = exports.to_timelinejs(events, mentions)
        else:
            payload = exports.to_html_report(events, mentions, store.articles_frame(name))
    except StoreError as exc:
        return _fail(str(exc))
    if args.output:
        data = payload.encode("utf-8") if isinstance(payload, str) else payload
        args.output.write_bytes(data)
    elif isinstance(payload, bytes):
        sys.stdout.buffer.write(payload)
    else:
        sys.stdout.write(payload if payload.endswith("\n") else payload + "\n")
    return 0


def cmd_articles(args: argparse.Namespace) -> int:
    """List the stored articles, flagging those without a publication date."""
    import pandas as pd

    from dashboard.store import Store, StoreError

    store = Store(args.db or settings.default_db())
    try:
        frame = store.articles_frame(args.corpus or _default_corpus(store))
    except StoreError as exc:
        return _fail(str(exc))
    for row in frame.itertuples():
        day = (
            "NO DATE" if pd.isna(row.published) else pd.Timestamp(row.published).date().isoformat()
        )
        flags = "; ".join(row.warnings) if len(row.warnings) else ""
        print(
            f"{row.article_id}  {day:<10}  {row.outlet or '-':<20}  {row.title or '-'}"
            + (f"  [{flags}]" if flags else "")
        )
    return 0


def _default_corpus(store: object) -> str:
    from dashboard.store import Store, StoreError

    assert isinstance(store, Store)
    names = store.corpora()
    if not names:
        raise StoreError(f"{store.path}: the store holds no corpus; run `storyline build`")
    return settings.DEFAULT_CORPUS if settings.DEFAULT_CORPUS in names else names[-1]


def _latest_publication(store: object, name: str) -> date:
    from dashboard.store import Store

    assert isinstance(store, Store)
    published = store.articles_frame(name)["published"].dropna()
    return published.max().date() if not published.empty else date.today()


if __name__ == "__main__":
    raise SystemExit(main())

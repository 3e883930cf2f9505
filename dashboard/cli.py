"""`storyline build`, `storyline tag`, `storyline export`: thin wrappers over the library."""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from dashboard import settings
from dashboard.models import STATUSES

if TYPE_CHECKING:
    from dashboard.pipeline import Corpus
    from dashboard.progress import BuildProgress
    from dashboard.store import Store, StoredCorpus, StoreError

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
    build.add_argument(
        "inputs",
        nargs="*",
        help="files, folders, http(s) URLs and .urls files of links (default: seeds/)",
    )
    build.add_argument("--db", type=Path, default=None, help="store file")
    build.add_argument(
        "--cache", type=Path, default=None, help="fetched pages (default: cache/pages by the store)"
    )
    build.add_argument(
        "--fetch-links",
        action="store_true",
        help="read feed entries from the pages they link to (full text), not their summaries",
    )
    build.add_argument("--corpus", default=None, help="corpus name in the store")
    build.add_argument("--aliases", type=Path, default=None, help="actor aliases TOML file")
    build.add_argument(
        "--date",
        action="append",
        type=_date_option,
        default=[],
        metavar="FILE=YYYY-MM-DD",
        help="publication date of an article that lacks one (repeatable)",
    )
    build.add_argument(
        "--engine", choices=("local", "dask"), default="local", help="where the stages run"
    )
    build.add_argument(
        "--scheduler", default=None, metavar="ADDRESS", help="Dask scheduler (tcp://host:8786)"
    )
    build.add_argument(
        "--workers", type=int, default=None, metavar="N", help="processes (default: 1 local)"
    )
    build.add_argument(
        "--prune", action="store_true", help="drop stored articles missing from the inputs"
    )
    build.add_argument(
        "--no-wait", action="store_true", help="fail at once if another build holds the store"
    )
    build.add_argument(
        "--recluster",
        action="store_true",
        help="group every mention into events again (by default only the events new or "
        "changed articles touch are)",
    )
    build.add_argument(
        "--in-memory",
        action="store_true",
        help="build a new corpus holding it in memory: faster on large corpora when RAM "
        "allows (about 15 kB per article); by default each stage's records go to disk",
    )
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
    # The dashboard's filters: the same events as the app shows for the same link.
    export.add_argument("--actor", action="append", default=[], help="events with this actor")
    export.add_argument("--outlet", action="append", default=[], help="events this outlet reports")
    export.add_argument(
        "--status", action="append", default=[], choices=STATUSES, help="past, scheduled, ..."
    )
    export.add_argument("--from", dest="start", type=date.fromisoformat, help="YYYY-MM-DD")
    export.add_argument("--to", dest="end", type=date.fromisoformat, help="YYYY-MM-DD")
    export.add_argument("--min-sources", type=int, default=1, help="at least this many outlets")
    export.add_argument("--search", default="", help="words in the summary or actor names")
    export.set_defaults(func=cmd_export)

    articles = sub.add_parser("articles", help="list the articles in the store and problems")
    articles.add_argument("--db", type=Path, default=None, help="store file")
    articles.add_argument("--corpus", default=None, help="corpus name in the store")
    articles.add_argument(
        "--missing-date", action="store_true", help="only articles without a publication date"
    )
    articles.set_defaults(func=cmd_articles)
    return parser


def _fail(message: str) -> int:
    print(f"storyline: {message}", file=sys.stderr)
    return 1


def _date_option(value: str) -> tuple[str, date]:
    """Parse FILE=YYYY-MM-DD."""
    name, sep, day = value.rpartition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"{value!r}: expected FILE=YYYY-MM-DD")
    try:
        return name, date.fromisoformat(day)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r}: {day!r} is not a YYYY-MM-DD date") from exc


def _working_files_error(store: Store, exc: OSError) -> StoreError:
    """The disk beside the store is full, or read-only."""
    from dashboard.store import StoreError

    return StoreError(
        f"{store.path}: could not write the build's working files beside it: {exc.strerror or exc}"
    )


def cmd_build(args: argparse.Namespace) -> int:
    """Build a corpus into the store (incrementally) and report what changed, counts, timings."""
    from dashboard.pipeline import NothingToBuild, run
    from dashboard.progress import BuildProgress
    from dashboard.store import Store, StoreBusy, StoreError
    from dashboard.stream import run_spilled

    # The build report names every file skipped or partly read, once: ingestion's own
    # warning as it reads each one would name it a second time.
    logging.getLogger("dashboard.ingest").setLevel(logging.ERROR)
    store = Store(args.db or settings.default_db())
    cache = args.cache or store.path.parent / "cache" / "pages"
    inputs, fetch_errors = resolve_inputs(
        args.inputs or [str(settings.SEEDS_DIR)], cache, fetch_links=args.fetch_links
    )
    if not inputs:
        _report_problems(fetch_errors, [])
        return _fail("nothing built: no input could be read or fetched")
    name = args.corpus or settings.DEFAULT_CORPUS
    dates = dict(args.date)
    if args.workers is not None and args.workers < 1:
        return _fail("--workers must be at least 1")
    progress = BuildProgress()
    spills = None
    try:
        if not args.no_wait and store.busy():
            print(f"waiting for another build of {store.path} to finish", file=sys.stderr)
        with store.lock(wait=not args.no_wait):
            previous = store.stored_corpus(name)
            if previous is not None and args.recluster:
                # Stored events of no known clustering code: every mention is grouped again
                # (the stored events still hand their ids on, so links hold).
                previous.cluster_key = ""
            if args.engine == "dask":
                from dashboard.engine_dask import DaskMissing, run_dask

                try:
                    if previous is None and not args.in_memory:
                        # As in the local engine: what the workers send back goes to disk.
                        spills = store.spill_folder()
                    corpus = run_dask(
                        inputs,
                        aliases=args.aliases,
                        progress=progress,
                        previous=previous,
                        prune=args.prune,
                        scheduler=args.scheduler,
                        workers=args.workers,
                        dates=dates,
                        workdir=store.path.with_name(f"{store.path.name}.parts"),
                        corpus_name=name,
                        folder=spills,
                    )
                except DaskMissing as exc:
                    return _fail(str(exc))
                except OSError as exc:
                    if spills is None:
                        raise
                    raise _working_files_error(store, exc) from exc
            else:
                if args.scheduler:
                    return _fail("--scheduler needs --engine dask")
                if previous is None and not args.in_memory:
                    # A build from nothing keeps each stage's records on disk beside the
                    # store, not in memory (dashboard/stream.py).
                    try:
                        spills = store.spill_folder()
                        corpus = run_spilled(
                            inputs,
                            spills,
                            aliases=args.aliases,
                            progress=progress,
                            workers=args.workers or 1,
                            dates=dates,
                        )
                    except OSError as exc:  # the disk beside the store is full, or read-only
                        raise _working_files_error(store, exc) from exc
                else:
                    corpus = run(
                        inputs,
                        aliases=args.aliases,
                        progress=progress,
                        previous=previous,
                        prune=args.prune,
                        workers=args.workers or 1,
                        dates=dates,
                    )
            store.write_corpus(corpus, name)
            return _report_build(args, name, store, progress, corpus, previous, fetch_errors)
    except NothingToBuild as exc:
        progress.close()
        _report_problems([*fetch_errors, *exc.errors], [])
        return _fail(f"nothing built: {exc}")
    except StoreBusy as exc:
        return _fail(f"{exc}; try again when it has finished")
    except StoreError as exc:
        progress.close()
        return _fail(str(exc))
    finally:
        if spills is not None:
            spills.close()


def _report_build(
    args: argparse.Namespace,
    name: str,
    store: Store,
    progress: BuildProgress,
    corpus: Corpus,
    previous: StoredCorpus | None,
    fetch_errors: Sequence[object],
) -> int:
    """What the build did: skipped inputs, flagged articles, changes, timings, counts."""
    progress.close()
    _report_problems([*fetch_errors, *corpus.errors], corpus.articles)
    counts = corpus.counts()
    delta = corpus.delta
    print(f"built corpus {name!r} into {store.path} ({args.engine} engine)")
    print(f"  articles: {delta.summary()}")
    if previous is not None:
        print(
            f"  reused: timexes of {delta.timexes_reused}, mentions of {delta.mentions_reused} "
            f"articles; events: {delta.events_new} new, {delta.events_kept} unchanged, "
            f"{delta.events_changed} changed, {delta.events_gone} gone; "
            f"{delta.mentions_reclustered} of "
            f"{len(corpus.mentions)} mentions grouped again"
        )
    for stage in ("ingest", "temporal", "actors", "events", "cluster"):
        print(f"  {stage:<9} {corpus.timings.get(stage, 0.0) * 1000:8.1f} ms")
    print("  " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
    return 0


def resolve_inputs(
    inputs: Sequence[str], cache: Path, *, fetch_links: bool = False
) -> tuple[list[str], list[object]]:
    """Inputs with http(s) URLs and ``.urls`` files replaced by their fetched pages, and,
    with ``fetch_links``, feed files by the pages their entries link to.

    Pages are cached under ``cache`` (a manifest there records each page's URL, and for a
    feed entry its outlet, date and title); a URL that cannot be fetched is reported by
    name with the reason and the others go on."""
    from dashboard.fetch import FetchError, fetch, url_list
    from dashboard.formats import FEED_SUFFIXES
    from dashboard.ingest import IngestError

    paths: list[str] = []
    errors: list[object] = []
    urls: dict[str, dict[str, str]] = {}
    for given in inputs:
        if given.startswith(("http://", "https://")):
            urls.setdefault(given, {})
        elif given.endswith(".urls") and Path(given).is_file():
            for url in url_list(Path(given)):
                urls.setdefault(url, {})
        elif fetch_links and Path(given).suffix.lower() in FEED_SUFFIXES and Path(given).is_file():
            links = _feed_links(Path(given))
            if not links:
                errors.append(IngestError(given, "no entry with a link in this feed", "feed"))
            urls.update(links)
        else:
            paths.append(given)
    fetched = []
    for url, meta in urls.items():
        try:
            page = fetch(url, cache)
        except FetchError as exc:
            errors.append(IngestError(url, str(exc), exc.reason))
            continue
        fetched.append(page)
        if meta:
            _add_page_meta(page.path.with_suffix(".json"), meta)
    if fetched:
        _write_page_manifest(cache)
        paths.extend(str(page.path) for page in fetched)
    return paths, errors


def _feed_links(path: Path) -> dict[str, dict[str, str]]:
    """Entry link -> what the feed says of it (outlet, published, title)."""
    import feedparser

    from dashboard.formats import feed_entry_meta

    parsed = feedparser.parse(path.read_bytes())
    outlet = str(parsed.feed.get("title") or "")
    return {
        str(entry["link"]): feed_entry_meta(entry, outlet)
        for entry in parsed.entries
        if entry.get("link")
    }


def _add_page_meta(meta_path: Path, meta: dict[str, str]) -> None:
    import json

    info = json.loads(meta_path.read_text(encoding="utf-8"))
    info["feed"] = {k: v for k, v in meta.items() if k in ("outlet", "published", "title")}
    meta_path.write_text(json.dumps(info), encoding="utf-8")


def _write_page_manifest(cache: Path) -> None:
    """manifest.csv beside the cached pages: each page's URL (and a feed's metadata)."""
    import csv
    import json

    rows = []
    for meta in sorted(cache.glob("*.json")):
        info = json.loads(meta.read_text(encoding="utf-8"))
        rows.append(
            {
                "file": meta.with_suffix(".html").name,
                "url": info.get("final_url", ""),
                **info.get("feed", {}),
            }
        )
    with (cache / settings.MANIFEST_NAME).open("w", newline="", encoding="utf-8") as out:
        fields = ["file", "url", "outlet", "published", "title"]
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def _report_problems(errors: Sequence[object], articles: Sequence[object]) -> None:
    """Each skipped input once by name, each flagged article, then counts by reason."""
    seen: set[str] = set()
    for error in errors:
        line = str(error)
        if line not in seen:
            seen.add(line)
            print(f"skipped {line}", file=sys.stderr)
    for article in articles:
        for warning in getattr(article, "warnings", ()):
            print(f"warning {getattr(article, 'source_path', '?')}: {warning}", file=sys.stderr)
    for line in problem_summary(errors, articles):
        print(line, file=sys.stderr)


def problem_summary(errors: Sequence[object], articles: Sequence[object] = ()) -> list[str]:
    """Count skipped inputs by reason and flagged articles by warning, most common first."""
    lines = []
    skipped = Counter(_reason(e) for e in {str(e): e for e in errors}.values())
    if skipped:
        lines.append(f"summary: {sum(skipped.values())} input(s) skipped or partly read")
        lines.extend(f"  {n:>6}  {reason}" for reason, n in skipped.most_common())
    flagged = Counter(_message_kind(w) for a in articles for w in getattr(a, "warnings", ()))
    if flagged:
        lines.append(f"summary: {sum(flagged.values())} warning(s) on built articles")
        lines.extend(f"  {n:>6}  {reason}" for reason, n in flagged.most_common())
    return lines


def _reason(error: object) -> str:
    """The reason category of an ingest error: its ``reason`` field, else its message's kind."""
    reason = getattr(error, "reason", None)
    return str(reason) if reason else _message_kind(str(getattr(error, "message", error)))


def _message_kind(message: str) -> str:
    """A message without its particulars: "duplicate of a/b.txt; skipped" -> "duplicate of …"."""
    head = message.split(";", 1)[0]
    # (a number standing alone: "UTF-8" and "Windows-1252" are names, not particulars)
    head = re.sub(r"'[^']*'|\"[^\"]*\"|\S*[/\\]\S*|(?<![\w-])\d[\d,.]*", "…", head)
    return " ".join(head.split()) or "other"


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
    from dashboard.filters import Filters, apply_filters
    from dashboard.queries import event_mentions
    from dashboard.store import Store, StoreError

    store = Store(args.db or settings.default_db())
    try:
        name = args.corpus or _default_corpus(store)
        events = apply_filters(
            store.events_frame(name),
            Filters(
                corpus=name,
                actors=args.actor,
                start=args.start,
                end=args.end,
                outlets=args.outlet,
                statuses=args.status,
                min_sources=args.min_sources,
                text=args.search.strip(),
            ),
        )
        mentions = event_mentions(store, name, events["event_id"].tolist())
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
    if args.missing_date:
        frame = frame[frame["published"].isna()]
        if frame.empty:
            print("every article has a publication date")
            return 0

    def shown(value: object) -> str:
        return "-" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)

    for row in frame.itertuples():
        day = (
            "NO DATE" if pd.isna(row.published) else pd.Timestamp(row.published).date().isoformat()
        )
        flags = "; ".join(row.warnings) if len(row.warnings) else ""
        print(
            f"{row.article_id}  {day:<10}  {shown(row.outlet):<20}  {shown(row.title)}"
            + (f"  [{flags}]" if flags else "")
            + (f"\n    supply one: --date {row.source_path}=YYYY-MM-DD" if day == "NO DATE" else "")
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

"""Read and write the pipeline's tables in an embedded DuckDB file.

A store holds any number of named corpora (the seeds, each uploaded set). Writing a corpus
never edits the live file: the new store is written beside it and renamed over it, so a
build that fails or is killed at any point leaves the previous store readable and whole.
A lock file serialises writers; readers open the file read-only and never block them.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

if TYPE_CHECKING:
    from dashboard.pipeline import Corpus

LOGGER = logging.getLogger(__name__)

SCHEMA_VERSION = "1"

# Table name -> column definitions. Every table carries the corpus it belongs to.
TABLES: dict[str, str] = {
    "corpora": "corpus VARCHAR, built_at TIMESTAMPTZ, n_articles INTEGER, n_events INTEGER",
    "articles": (
        "corpus VARCHAR, article_id VARCHAR, source_path VARCHAR, outlet VARCHAR, "
        "title VARCHAR, authors VARCHAR[], url VARCHAR, published DATE, "
        "published_at VARCHAR, language VARCHAR, date_source VARCHAR, warnings VARCHAR[], "
        "content_hash VARCHAR, text VARCHAR"
    ),
    "timexes": (
        'corpus VARCHAR, article_id VARCHAR, start INTEGER, "end" INTEGER, text VARCHAR, '
        "type VARCHAR, value VARCHAR, earliest DATE, latest DATE, granularity VARCHAR, "
        "mod VARCHAR"
    ),
    "actors": "corpus VARCHAR, actor_id VARCHAR, name VARCHAR, kind VARCHAR, role VARCHAR",
    "aliases": "corpus VARCHAR, actor_id VARCHAR, alias VARCHAR, count INTEGER",
    "mentions": (
        "corpus VARCHAR, mention_id VARCHAR, article_id VARCHAR, sentence_start INTEGER, "
        "sentence_end INTEGER, sentence VARCHAR, status VARCHAR, timex_start INTEGER, "
        "timex_end INTEGER, timex_text VARCHAR, value VARCHAR, earliest DATE, latest DATE, "
        "granularity VARCHAR, quote VARCHAR, speaker_id VARCHAR, reported_on DATE"
    ),
    "mention_actors": (
        "corpus VARCHAR, mention_id VARCHAR, actor_id VARCHAR, position INTEGER, "
        'start INTEGER, "end" INTEGER, text VARCHAR'
    ),
    "events": (
        "corpus VARCHAR, event_id VARCHAR, value VARCHAR, earliest DATE, latest DATE, "
        "granularity VARCHAR, status VARCHAR, summary VARCHAR, date_text VARCHAR, "
        "actor_ids VARCHAR[], sources VARCHAR[], source_count INTEGER, "
        "independent_count INTEGER"
    ),
    "event_mentions": "corpus VARCHAR, event_id VARCHAR, mention_id VARCHAR, position INTEGER",
    "meta": "key VARCHAR, value VARCHAR",
}


class StoreError(Exception):
    """The store could not be read or written."""


class StoreBusy(StoreError):
    """Another build is writing this store."""


class Store:
    """A DuckDB file of corpora: write one atomically, read any as DataFrames."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    # ------------------------------------------------------------------ writing

    @contextmanager
    def _writer_lock(self, wait: bool) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with lock_path.open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError as exc:
                raise StoreBusy(f"{self.path}: another build is writing this store") from exc
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def write_corpus(self, corpus: Corpus, name: str = "seeds", *, wait: bool = True) -> None:
        """Replace (or add) the corpus ``name``; other corpora are carried over unchanged."""
        self._rewrite(name, corpus, wait=wait)

    def delete_corpus(self, name: str) -> None:
        """Remove one corpus, keeping the others."""
        self._rewrite(name, None, wait=True)

    def _rewrite(self, name: str, corpus: Corpus | None, *, wait: bool) -> None:
        """Write a new store beside the live one without ``name`` (plus ``corpus`` as
        ``name`` when given), then rename it over the live file."""
        with self._writer_lock(wait):
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            _remove(tmp)
            try:
                con = duckdb.connect(str(tmp))
                try:
                    _create_schema(con)
                    if self.path.exists():
                        _copy_other_corpora(con, self.path, name)
                    if corpus is not None:
                        _insert_corpus(con, corpus, name)
                    con.execute("CHECKPOINT")
                finally:
                    con.close()
                _fsync(tmp)
                os.replace(tmp, self.path)
                _fsync_dir(self.path.parent)
            except (duckdb.Error, OSError) as exc:
                raise StoreError(f"{self.path}: could not write the store: {exc}") from exc
            finally:
                _remove(tmp)

    # ------------------------------------------------------------------ reading

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection to the store."""
        if not self.path.exists():
            raise StoreError(f"{self.path}: no store here yet; run `storyline build` first")
        try:
            con = duckdb.connect(str(self.path), read_only=True)
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: not a readable Storyline store: {exc}") from exc
        try:
            yield con
        finally:
            con.close()

    def query(self, sql: str, params: list[object] | None = None) -> pd.DataFrame:
        """Run a read-only query and return a DataFrame."""
        with self.connect() as con:
            return con.execute(sql, params or []).df()

    def corpora(self) -> list[str]:
        """Names of the corpora in the store, in build order."""
        if not self.path.exists():
            return []
        frame = self.query("SELECT corpus FROM corpora ORDER BY built_at, corpus")
        return frame["corpus"].tolist()

    def counts(self, corpus: str) -> dict[str, int]:
        """Row counts per table for one corpus."""
        with self.connect() as con:
            return {
                table: con.execute(
                    f"SELECT count(*) FROM {table} WHERE corpus = ?", [corpus]
                ).fetchone()[0]  # type: ignore[index]
                for table in TABLES
                if table not in ("meta",)
            }

    def articles_frame(self, corpus: str) -> pd.DataFrame:
        """One row per article."""
        return self.query(
            """
            SELECT article_id, source_path, outlet, title, authors, url, published,
                   published_at, language, date_source, warnings,
                   length(text) AS n_chars
            FROM articles WHERE corpus = ? ORDER BY published, outlet, article_id
            """,
            [corpus],
        )

    def article_text(self, corpus: str, article_id: str) -> str | None:
        """The cleaned text of one article."""
        frame = self.query(
            "SELECT text FROM articles WHERE corpus = ? AND article_id = ?", [corpus, article_id]
        )
        return None if frame.empty else str(frame["text"].iloc[0])

    def events_frame(self, corpus: str) -> pd.DataFrame:
        """One row per event, with actor names and source labels."""
        return self.query(
            """
            WITH names AS (SELECT actor_id, name FROM actors WHERE corpus = $1),
            labels AS (
                SELECT 'article:' || article_id AS key,
                       coalesce(title, article_id) AS label
                FROM articles WHERE corpus = $1
            ),
            ev AS (SELECT * FROM events WHERE corpus = $1)
            SELECT ev.event_id, ev.value, ev.earliest, ev.latest, ev.granularity, ev.status,
                   ev.summary, ev.date_text,
                   coalesce((SELECT list(n.name ORDER BY i)
                             FROM unnest(ev.actor_ids) WITH ORDINALITY AS u(aid, i)
                             JOIN names n ON n.actor_id = u.aid), []) AS actors,
                   ev.actor_ids,
                   coalesce((SELECT list(coalesce(l.label, s) ORDER BY i)
                             FROM unnest(ev.sources) WITH ORDINALITY AS u(s, i)
                             LEFT JOIN labels l ON l.key = u.s), []) AS sources,
                   ev.source_count, ev.independent_count,
                   (SELECT count(*) FROM event_mentions em
                    WHERE em.corpus = $1 AND em.event_id = ev.event_id) AS mention_count
            FROM ev
            ORDER BY ev.earliest NULLS LAST, ev.source_count DESC, ev.event_id
            """,
            [corpus],
        )

    def mentions_frame(self, corpus: str) -> pd.DataFrame:
        """One row per mention, with its event, article and actors."""
        return self.query(
            """
            WITH ma AS (
                SELECT m.mention_id,
                       list(a.name ORDER BY m.position) FILTER (WHERE m.position >= 0)
                           AS actors,
                       list({'actor_id': m.actor_id, 'name': a.name,
                             'start': m.start, 'end': m."end"} ORDER BY m.start)
                           FILTER (WHERE m.start IS NOT NULL) AS actor_spans
                FROM mention_actors m JOIN actors a
                  ON a.corpus = m.corpus AND a.actor_id = m.actor_id
                WHERE m.corpus = $1
                GROUP BY m.mention_id
            )
            SELECT m.mention_id, em.event_id, m.article_id, ar.outlet, ar.title, ar.url,
                   ar.published, m.sentence, m.sentence_start, m.sentence_end, m.status,
                   m.timex_text, m.timex_start, m.timex_end, m.value, m.earliest, m.latest,
                   m.quote, sp.name AS speaker,
                   coalesce(ma.actors, []) AS actors,
                   coalesce(ma.actor_spans, []) AS actor_spans
            FROM mentions m
            LEFT JOIN event_mentions em
              ON em.corpus = m.corpus AND em.mention_id = m.mention_id
            LEFT JOIN articles ar ON ar.corpus = m.corpus AND ar.article_id = m.article_id
            LEFT JOIN actors sp ON sp.corpus = m.corpus AND sp.actor_id = m.speaker_id
            LEFT JOIN ma ON ma.mention_id = m.mention_id
            WHERE m.corpus = $1
            ORDER BY m.article_id, m.sentence_start
            """,
            [corpus],
        )

    def actors_frame(self, corpus: str) -> pd.DataFrame:
        """One row per actor, with aliases and how often they appear."""
        return self.query(
            """
            SELECT a.actor_id, a.name, a.kind, a.role,
                   coalesce((SELECT list(al.alias ORDER BY al.count DESC, al.alias)
                             FROM aliases al
                             WHERE al.corpus = $1 AND al.actor_id = a.actor_id), [])
                       AS aliases,
                   (SELECT count(DISTINCT mention_id) FROM mention_actors ma
                    WHERE ma.corpus = $1 AND ma.actor_id = a.actor_id) AS mention_count,
                   (SELECT count(*) FROM events e
                    WHERE e.corpus = $1 AND list_contains(e.actor_ids, a.actor_id))
                       AS event_count
            FROM actors a WHERE a.corpus = $1
            ORDER BY mention_count DESC, a.name
            """,
            [corpus],
        )

    def aliases_frame(self, corpus: str) -> pd.DataFrame:
        """One row per (actor, alias) with its count."""
        return self.query(
            """
            SELECT al.actor_id, a.name, al.alias, al.count
            FROM aliases al JOIN actors a ON a.corpus = al.corpus AND a.actor_id = al.actor_id
            WHERE al.corpus = ? ORDER BY a.name, al.count DESC, al.alias
            """,
            [corpus],
        )

    def timexes_frame(self, corpus: str) -> pd.DataFrame:
        """Every time expression found, per article."""
        return self.query(
            'SELECT article_id, start, "end", text, type, value, earliest, latest, '
            "granularity, mod FROM timexes WHERE corpus = ? ORDER BY article_id, start",
            [corpus],
        )


# ---------------------------------------------------------------------- helpers


def _create_schema(con: duckdb.DuckDBPyConnection) -> None:
    for table, columns in TABLES.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
    con.execute("DELETE FROM meta")
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])


def _copy_other_corpora(con: duckdb.DuckDBPyConnection, old: Path, name: str) -> None:
    """Carry every corpus but ``name`` over from the old store."""
    quoted = str(old).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS old (READ_ONLY)")
    try:
        version = con.execute("SELECT value FROM old.meta WHERE key = 'schema_version'").fetchone()
        if version is None or version[0] != SCHEMA_VERSION:
            raise StoreError(
                f"{old}: written by another version of Storyline (schema "
                f"{version[0] if version else '?'}, this is {SCHEMA_VERSION}); "
                "build into a new --db file"
            )
        for table in TABLES:
            if table == "meta":
                continue
            con.execute(f"INSERT INTO {table} SELECT * FROM old.{table} WHERE corpus <> ?", [name])
    except duckdb.CatalogException as exc:
        raise StoreError(f"{old}: not a Storyline store ({exc})") from exc
    finally:
        con.execute("DETACH old")


def _insert_corpus(con: duckdb.DuckDBPyConnection, corpus: Corpus, name: str) -> None:
    """Insert one corpus's rows, table by table, through DataFrames."""
    frames = corpus_frames(corpus, name)
    for table, frame in frames.items():
        if frame.empty:
            continue
        con.register("incoming", frame)
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming")
        con.unregister("incoming")


def corpus_frames(corpus: Corpus, name: str) -> dict[str, pd.DataFrame]:
    """The rows of every table for one corpus, as DataFrames."""
    articles = pd.DataFrame(
        [
            {
                "corpus": name,
                "article_id": a.id,
                "source_path": a.source_path,
                "outlet": a.outlet,
                "title": a.title,
                "authors": list(a.authors),
                "url": a.url,
                "published": a.published_day,
                "published_at": a.published.isoformat() if a.published else None,
                "language": a.language,
                "date_source": a.date_source,
                "warnings": list(a.warnings),
                "content_hash": a.content_hash,
                "text": a.text,
            }
            for a in corpus.articles
        ]
    )
    timexes = pd.DataFrame(
        [
            {
                "corpus": name,
                "article_id": article_id,
                "start": t.start,
                "end": t.end,
                "text": t.text,
                "type": t.type,
                "value": t.value,
                "earliest": t.earliest,
                "latest": t.latest,
                "granularity": t.granularity,
                "mod": t.mod,
            }
            for article_id, found in corpus.timexes.items()
            for t in found
        ]
    )
    actors = pd.DataFrame(
        [
            {"corpus": name, "actor_id": a.id, "name": a.name, "kind": a.kind, "role": a.role}
            for a in corpus.actors.actors.values()
        ]
    )
    aliases = pd.DataFrame(
        [
            {"corpus": name, "actor_id": a.id, "alias": alias, "count": count}
            for a in corpus.actors.actors.values()
            for alias, count in a.aliases.items()
        ]
    )
    mentions = pd.DataFrame(
        [
            {
                "corpus": name,
                "mention_id": m.id,
                "article_id": m.article_id,
                "sentence_start": m.sentence_start,
                "sentence_end": m.sentence_end,
                "sentence": m.sentence,
                "status": m.status,
                "timex_start": m.timex.start if m.timex else None,
                "timex_end": m.timex.end if m.timex else None,
                "timex_text": m.timex.text if m.timex else None,
                "value": m.timex.value if m.timex else None,
                "earliest": m.timex.earliest if m.timex else None,
                "latest": m.timex.latest if m.timex else None,
                "granularity": m.timex.granularity if m.timex else None,
                "quote": m.quote,
                "speaker_id": m.speaker,
                "reported_on": m.reported_on,
            }
            for m in corpus.mentions
        ]
    )
    mention_actors = _mention_actor_rows(corpus, name)
    events = pd.DataFrame(
        [
            {
                "corpus": name,
                "event_id": e.id,
                "value": e.value,
                "earliest": e.earliest,
                "latest": e.latest,
                "granularity": e.granularity,
                "status": e.status,
                "summary": e.summary,
                "date_text": e.date_text,
                "actor_ids": list(e.actors),
                "sources": list(e.sources),
                "source_count": e.source_count,
                "independent_count": e.independent_count,
            }
            for e in corpus.events
        ]
    )
    event_mentions = pd.DataFrame(
        [
            {"corpus": name, "event_id": e.id, "mention_id": mid, "position": i}
            for e in corpus.events
            for i, mid in enumerate(e.mention_ids)
        ]
    )
    built = pd.DataFrame(
        [
            {
                "corpus": name,
                "built_at": datetime.now(UTC),
                "n_articles": len(corpus.articles),
                "n_events": len(corpus.events),
            }
        ]
    )
    return {
        "corpora": built,
        "articles": articles,
        "timexes": timexes,
        "actors": actors,
        "aliases": aliases,
        "mentions": mentions,
        "mention_actors": mention_actors,
        "events": events,
        "event_mentions": event_mentions,
    }


def _mention_actor_rows(corpus: Corpus, name: str) -> pd.DataFrame:
    """The actors of each mention in order (position >= 0), then every other span (-1)."""
    rows = []
    for m in corpus.mentions:
        first: dict[str, object] = {}
        for ref in m.actor_spans:
            first.setdefault(ref.actor_id, ref)
        for position, actor_id in enumerate(m.actors):
            ref = first.get(actor_id)
            rows.append(_actor_row(name, m.id, actor_id, position, ref))
        listed = {id(r) for r in first.values()}
        rows.extend(
            _actor_row(name, m.id, ref.actor_id, -1, ref)
            for ref in m.actor_spans
            if id(ref) not in listed or ref.actor_id not in m.actors
        )
    return pd.DataFrame(rows)


def _actor_row(name: str, mention_id: str, actor_id: str, position: int, ref: object) -> dict:
    return {
        "corpus": name,
        "mention_id": mention_id,
        "actor_id": actor_id,
        "position": position,
        "start": getattr(ref, "start", None),
        "end": getattr(ref, "end", None),
        "text": getattr(ref, "text", None),
    }


def _remove(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        try:
            candidate.unlink()
        except FileNotFoundError:
            pass


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

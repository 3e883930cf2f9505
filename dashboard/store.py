"""Read and write the pipeline's tables in an embedded DuckDB file.

A store holds any number of named corpora (the seeds, each uploaded set). Writing a corpus
never edits the live file: the new store is written beside it and renamed over it, so a
build that fails or is killed at any point leaves the previous store readable and whole.
A lock file serialises writers; readers open the file read-only and never block them.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import signal
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from dashboard.models import ActorRef, Article, Event, Mention, Timex
from dashboard.spill import SpillFolder

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
    # Per article, digests of everything its timexes and its mentions were computed from: an
    # incremental build reuses the stored rows of an article whose digest has not changed.
    "build_keys": "corpus VARCHAR, article_id VARCHAR, timex_key VARCHAR, mention_key VARCHAR",
    # Per corpus, a digest of the clustering code its events came from (pipeline.cluster_key).
    "cluster_keys": "corpus VARCHAR, cluster_key VARCHAR",
    # Ids of events of earlier builds that no event carries on, and the event now holding
    # most of their mentions: an old link to one opens that event.
    "event_aliases": "corpus VARCHAR, old_id VARCHAR, event_id VARCHAR",
    # Source fields Storyline has no column for, as one JSON object per article.
    "article_extra": "corpus VARCHAR, article_id VARCHAR, extra JSON",
    "meta": "key VARCHAR, value VARCHAR",
}

# Rows per DataFrame handed to DuckDB when a corpus is written: the frames of a whole table
# (dicts of Python objects) were the build's largest allocation after clustering.
INSERT_ROWS = 20_000
# Fewer rows of tables holding whole texts: 20,000 articles' rows with the strings pandas
# copies out of them held about 200 MB while they were written (100,000 articles).
INSERT_ROWS_OF = {"articles": 2_000}
# DuckDB's memory while a store is written (its default is 80% of RAM): it kept the
# blocks it had written, most of them the articles' texts, about 200 MB at 100,000
# articles; with a small limit it drops or spills them, and writes as fast (bench/build.py).
WRITE_MEMORY = "32MB"
# Tables added after schema 1 without changing it: a store without them reads as empty ones.
OPTIONAL_TABLES = frozenset({"build_keys", "article_extra", "cluster_keys", "event_aliases"})

# Test-only fault injection: a build whose environment names one of the crash points below
# kills itself with SIGKILL when it gets there (see tests/test_build_faults.py).
CRASH_ENV = "STORYLINE_CRASH_AT"
CRASH_POINTS = (
    "ingest",
    "temporal",
    "actors",
    "events",
    "cluster",
    "store-open",
    "store-insert",
    "store-rename",
)


def crash_point(name: str) -> None:
    """Die at once, as under kill -9, when the environment asks for a crash here."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass(slots=True)
class StoredCorpus:
    """What an earlier build of a corpus left in the store, for an incremental build."""

    articles: dict[str, Article] = field(default_factory=dict)
    timexes: dict[str, list[Timex]] = field(default_factory=dict)
    mentions: dict[str, list[Mention]] = field(default_factory=dict)
    timex_keys: dict[str, str] = field(default_factory=dict)
    mention_keys: dict[str, str] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    cluster_key: str = ""
    aliases: dict[str, str] = field(default_factory=dict)

    @property
    def event_ids(self) -> set[str]:
        """The ids of the stored events."""
        return {e.id for e in self.events}


class StoreError(Exception):
    """The store could not be read or written."""


class StoreBusy(StoreError):
    """Another build is writing this store."""


class Store:
    """A DuckDB file of corpora: write one atomically, read any as DataFrames."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._held = False

    # ------------------------------------------------------------------ writing

    @contextmanager
    def lock(self, *, wait: bool = True) -> Iterator[None]:
        """Hold the writer lock for a whole build (read the old corpus, then write the new).

        Writes made through this Store while it holds the lock do not lock again.
        """
        with self._writer_lock(wait):
            yield

    @contextmanager
    def _writer_lock(self, wait: bool) -> Iterator[None]:
        if self._held:
            yield
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with lock_path.open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError as exc:
                raise StoreBusy(f"{self.path}: another build is writing this store") from exc
            self._held = True
            try:
                yield
            finally:
                self._held = False
                fcntl.flock(handle, fcntl.LOCK_UN)

    def busy(self) -> bool:
        """Whether another process holds the writer lock right now."""
        try:
            with self._writer_lock(wait=False):
                return False
        except StoreBusy:
            return True

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
            self._remove_stale_files()
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            try:
                con = duckdb.connect(str(tmp), config={"memory_limit": WRITE_MEMORY})
                try:
                    _create_schema(con)
                    crash_point("store-open")
                    if self.path.exists():
                        _copy_other_corpora(con, self.path, name)
                    if corpus is not None:
                        _insert_corpus(con, corpus, name)
                    con.execute("CHECKPOINT")
                finally:
                    con.close()
                _fsync(tmp)
                crash_point("store-rename")
                os.replace(tmp, self.path)
                _fsync_dir(self.path.parent)
            except (duckdb.Error, OSError) as exc:
                raise StoreError(f"{self.path}: could not write the store: {exc}") from exc
            finally:
                _remove(tmp)

    def spill_folder(self) -> SpillFolder:
        """A folder beside the store for a build's spills (dashboard/stream.py), after
        removing those a killed build left. Call it holding the store's lock."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        prefix = f".{self.path.name}.spill-"
        for stale in self.path.parent.glob(prefix + "*"):
            shutil.rmtree(stale, ignore_errors=True)
        return SpillFolder(self.path.parent, prefix=prefix)

    def _remove_stale_files(self) -> None:
        """Delete files a killed writer left beside the store (only called under the lock)."""
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp*"):
            _remove(stale)

    # ------------------------------------------------------------------ reading

    def stored_corpus(self, name: str) -> StoredCorpus | None:
        """The articles, timexes, mentions and build keys of ``name``, or None if absent."""
        if name not in self.corpora():
            return None
        with self.connect() as con:
            return _read_stored(con, name)

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

    def reader(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection to the store file as it is now, for a caller that keeps it
        across queries (threads sharing it take a ``cursor()`` each and ``USE store``).

        The file is attached to an in-memory database rather than opened by path: DuckDB
        hands every later ``duckdb.connect(path)`` of this process the database already
        open at that path, which would keep serving the file a write has since replaced.
        Writers never wait for it: they write a new file and rename it over this one."""
        if not self.path.exists():
            raise StoreError(f"{self.path}: no store here yet; run `storyline build` first")
        con = duckdb.connect()
        try:
            quoted = str(self.path).replace("'", "''")
            con.execute(f"ATTACH '{quoted}' AS store (READ_ONLY)")
        except duckdb.Error as exc:
            con.close()
            raise StoreError(f"{self.path}: not a readable Storyline store: {exc}") from exc
        return con

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
                if table not in ("meta", *OPTIONAL_TABLES)
            }

    def event_aliases(self, corpus: str) -> dict[str, str]:
        """Ids of events of earlier builds -> the event now holding most of their mentions."""
        with self.connect() as con:
            return _event_aliases(con, corpus)

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

    def article_extra(self, corpus: str, article_id: str) -> dict[str, object]:
        """The source fields of one article that Storyline has no column for."""
        if "article_extra" not in set(self.query("SHOW TABLES")["name"]):
            return {}
        frame = self.query(
            "SELECT extra FROM article_extra WHERE corpus = ? AND article_id = ?",
            [corpus, article_id],
        )
        return {} if frame.empty else json.loads(frame["extra"].iloc[0])

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
                       coalesce(title, regexp_extract(source_path, '[^/]+$'), article_id) AS label
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


def _read_stored(con: duckdb.DuckDBPyConnection, name: str) -> StoredCorpus:
    """Rebuild the model objects of one corpus from its rows, exactly as they were written."""
    stored = StoredCorpus()
    for row in con.execute(
        "SELECT article_id, source_path, text, content_hash, outlet, title, authors, url, "
        "published_at, language, date_source, warnings FROM articles WHERE corpus = ? "
        "ORDER BY article_id",
        [name],
    ).fetchall():
        stored.articles[row[0]] = Article(
            id=row[0],
            source_path=row[1],
            text=row[2],
            content_hash=row[3],
            outlet=row[4],
            title=row[5],
            authors=tuple(row[6] or ()),
            url=row[7],
            published=_published(row[8]),
            language=row[9],
            date_source=row[10] or "",
            warnings=tuple(row[11] or ()),
        )
        stored.timexes[row[0]] = []
    if _has_table(con, "article_extra"):
        for article_id, extra in con.execute(
            "SELECT article_id, extra FROM article_extra WHERE corpus = ?", [name]
        ).fetchall():
            if article_id in stored.articles:
                stored.articles[article_id].extra = json.loads(extra)
    for row in con.execute(
        'SELECT article_id, start, "end", text, type, value, earliest, latest, granularity, '
        "mod FROM timexes WHERE corpus = ? ORDER BY article_id, start",
        [name],
    ).fetchall():
        stored.timexes.setdefault(row[0], []).append(Timex(*row[1:]))
    spans: dict[str, list[tuple[int, str, ActorRef | None]]] = {}
    for mention_id, actor_id, position, start, end, text in con.execute(
        'SELECT mention_id, actor_id, position, start, "end", text FROM mention_actors '
        "WHERE corpus = ?",
        [name],
    ).fetchall():
        ref = ActorRef(actor_id, start, end, text) if start is not None else None
        spans.setdefault(mention_id, []).append((position, actor_id, ref))
    for row in con.execute(
        "SELECT mention_id, article_id, sentence_start, sentence_end, sentence, status, "
        "timex_start, timex_end, quote, speaker_id, reported_on, timex_text, value, earliest, "
        "latest, granularity FROM mentions WHERE corpus = ? ORDER BY article_id, sentence_start",
        [name],
    ).fetchall():
        mention_id, article_id, start, end, sentence, status, t_start, t_end = row[:8]
        timex = None
        if t_start is not None:
            # The mention's timex is the article's one at that span, possibly re-resolved for
            # its clause (so its value and interval come from the mention row).
            base = next(
                (
                    t
                    for t in stored.timexes.get(article_id, [])
                    if t.start == t_start and t.end == t_end
                ),
                Timex(t_start, t_end, row[11], "DATE", row[12]),
            )
            timex = replace(
                base, value=row[12], earliest=row[13], latest=row[14], granularity=row[15]
            )
        rows = spans.get(mention_id, [])
        actors = tuple(r[1] for r in sorted((r for r in rows if r[0] >= 0), key=lambda r: r[0]))
        refs = sorted((r[2] for r in rows if r[2] is not None), key=lambda ref: ref.start)
        stored.mentions.setdefault(article_id, []).append(
            Mention(
                id=mention_id,
                article_id=article_id,
                sentence_start=start,
                sentence_end=end,
                sentence=sentence,
                status=status,
                timex=timex,
                actors=actors,
                actor_spans=tuple(refs),
                quote=row[8],
                speaker=row[9],
                reported_on=row[10],
            )
        )
    if _has_table(con, "build_keys"):
        for article_id, timex_key, mention_key in con.execute(
            "SELECT article_id, timex_key, mention_key FROM build_keys WHERE corpus = ?", [name]
        ).fetchall():
            if timex_key:
                stored.timex_keys[article_id] = timex_key
            if mention_key:
                stored.mention_keys[article_id] = mention_key
    members: dict[str, list[str]] = {}
    for event_id, mention_id in con.execute(
        "SELECT event_id, mention_id FROM event_mentions WHERE corpus = ? "
        "ORDER BY event_id, position",
        [name],
    ).fetchall():
        members.setdefault(event_id, []).append(mention_id)
    for row in con.execute(
        "SELECT event_id, value, earliest, latest, granularity, status, summary, date_text, "
        "actor_ids, sources, source_count, independent_count FROM events WHERE corpus = ?",
        [name],
    ).fetchall():
        stored.events.append(
            Event(
                id=row[0],
                value=row[1],
                earliest=row[2],
                latest=row[3],
                granularity=row[4],
                status=row[5],
                summary=row[6],
                date_text=row[7],
                actors=tuple(row[8] or ()),
                sources=tuple(row[9] or ()),
                source_count=row[10],
                independent_count=row[11],
                mention_ids=tuple(members.get(row[0], ())),
            )
        )
    if _has_table(con, "cluster_keys"):
        found = con.execute(
            "SELECT cluster_key FROM cluster_keys WHERE corpus = ?", [name]
        ).fetchone()
        stored.cluster_key = found[0] if found and found[0] else ""
    stored.aliases = _event_aliases(con, name)
    return stored


def _event_aliases(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, str]:
    if not _has_table(con, "event_aliases"):
        return {}
    rows = con.execute(
        "SELECT old_id, event_id FROM event_aliases WHERE corpus = ?", [name]
    ).fetchall()
    return dict(rows)


def _has_table(con: duckdb.DuckDBPyConnection, table: str, database: str | None = None) -> bool:
    """Whether ``table`` exists in ``database`` (default: the connection's own file)."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() "
        "WHERE table_name = ? AND database_name = coalesce(?, current_database())",
        [table, database],
    ).fetchone()
    return bool(found and found[0])


def _published(value: str | None) -> date | datetime | None:
    """The stored ISO publication date back as the date or datetime it was."""
    if not value:
        return None
    return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)


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
            if table == "meta" or (table in OPTIONAL_TABLES and not _has_table(con, table, "old")):
                continue
            con.execute(f"INSERT INTO {table} SELECT * FROM old.{table} WHERE corpus <> ?", [name])
    except duckdb.CatalogException as exc:
        raise StoreError(f"{old}: not a Storyline store ({exc})") from exc
    finally:
        con.execute("DETACH old")


def _columns(table: str) -> list[str]:
    """Column names of one table, in order."""
    return [c.strip().split()[0].strip('"') for c in TABLES[table].split(",")]


def _insert_corpus(con: duckdb.DuckDBPyConnection, corpus: Corpus, name: str) -> None:
    """Insert one corpus's rows, table by table, INSERT_ROWS rows at a time."""
    tables = list(ROW_BUILDERS)
    parquet = getattr(corpus, "mentions_parquet", None)
    if parquet is not None:
        # A distributed build wrote its mention rows as Parquet: DuckDB reads them directly.
        tables.remove("mentions")
        pattern = str(Path(parquet) / "**" / "*.parquet").replace("'", "''")
        columns = ", ".join(f'"{c}"' for c in _columns("mentions") if c != "corpus")
        con.execute(
            f"INSERT INTO mentions (corpus, {columns}) SELECT ?, {columns} "
            f"FROM read_parquet('{pattern}', hive_partitioning = true)",
            [name],
        )
    for i, table in enumerate(tables):
        if i == len(tables) // 2:
            crash_point("store-insert")
        rows = ROW_BUILDERS[table](corpus, name)
        while batch := list(islice(rows, INSERT_ROWS_OF.get(table, INSERT_ROWS))):
            frame = pd.DataFrame(batch)
            del batch
            con.register("incoming", frame)
            columns = ", ".join(f'"{c}"' for c in frame.columns)
            con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming")
            con.unregister("incoming")
            del frame


def _corpora_rows(corpus: Corpus, name: str) -> Iterator[dict]:
    yield {
        "corpus": name,
        "built_at": datetime.now(UTC),
        "n_articles": len(corpus.articles),
        "n_events": len(corpus.events),
    }


def _article_rows(corpus: Corpus, name: str) -> Iterator[dict]:
    for a in corpus.articles:
        yield {
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


def _timex_rows(corpus: Corpus, name: str) -> Iterator[dict]:
    for article_id, found in corpus.timexes.items():
        for t in found:
            yield {
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


def _actor_rows(corpus: Corpus, name: str) -> Iterator[dict]:
    for a in corpus.actors.actors.values():
        yield {"corpus": name, "actor_id": a.id, "name": a.name, "kind": a.kind, "role": a.role}


def _alias_rows(corpus: Corpus, name: str) -> Iterator[dict]:
    for a in corpus.actors.actors.values():
        for alias, count in a.aliases.items():
            yield {"corpus": name, "actor_id": a.id, "alias": alias, "count": count}


def _event_rows(corpus: Corpus, name: str) -> Iterator[dict]:
    for e in corpus.events:
        yield {
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


def _event_mention_rows(corpus: Corpus, name: str) -> Iterator[dict]:
    for e in corpus.events:
        for i, mid in enumerate(e.mention_ids):
            yield {"corpus": name, "event_id": e.id, "mention_id": mid, "position": i}


def _build_key_rows(corpus: Corpus, name: str) -> Iterator[dict]:
    for article_id, timex, mention in corpus.build_keys():
        yield {"corpus": name, "article_id": article_id, "timex_key": timex, "mention_key": mention}


def _cluster_key_rows(corpus: Corpus, name: str) -> Iterator[dict]:
    key = getattr(corpus, "cluster_key", "")
    if key:
        yield {"corpus": name, "cluster_key": key}


def _event_alias_rows(corpus: Corpus, name: str) -> Iterator[dict]:
    for old, new in getattr(corpus, "event_aliases", {}).items():
        yield {"corpus": name, "old_id": old, "event_id": new}


def _article_extra_rows(corpus: Corpus, name: str) -> Iterator[dict]:
    for a in corpus.articles:
        if a.extra:
            yield {"corpus": name, "article_id": a.id, "extra": json.dumps(a.extra, default=str)}


def mention_columns(mentions: Iterable[Mention], name: str) -> dict[str, list]:
    """The mentions table's columns for ``mentions`` of corpus ``name``, as lists (a row's
    dict is let go as soon as its values are in them)."""
    columns: dict[str, list] = {column: [] for column in _columns("mentions")}
    for row in _mention_rows(mentions, name):
        for column, value in row.items():
            columns[column].append(value)
    return columns


def _mention_rows(mentions: Iterable[Mention], name: str) -> Iterator[dict]:
    for m in mentions:
        yield {
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


def _mention_actor_rows(corpus: Corpus, name: str) -> Iterator[dict]:
    """The actors of each mention in order (position >= 0), then every other span (-1)."""
    for m in corpus.mentions:
        first: dict[str, object] = {}
        for ref in m.actor_spans:
            first.setdefault(ref.actor_id, ref)
        for position, actor_id in enumerate(m.actors):
            yield _actor_row(name, m.id, actor_id, position, first.get(actor_id))
        listed = {id(r) for r in first.values()}
        for ref in m.actor_spans:
            if id(ref) not in listed or ref.actor_id not in m.actors:
                yield _actor_row(name, m.id, ref.actor_id, -1, ref)


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


# Table -> the function yielding its rows for one corpus, in insertion order. The store
# inserts INSERT_ROWS rows at a time, so a large corpus is never held as one table's
# DataFrame (the mentions' frame alone was about 360 MB at 100,000 articles).
ROW_BUILDERS: dict[str, Callable[[Corpus, str], Iterator[dict]]] = {
    "corpora": _corpora_rows,
    "articles": _article_rows,
    "timexes": _timex_rows,
    "actors": _actor_rows,
    "aliases": _alias_rows,
    "mentions": lambda corpus, name: _mention_rows(corpus.mentions, name),
    "mention_actors": _mention_actor_rows,
    "events": _event_rows,
    "event_mentions": _event_mention_rows,
    "build_keys": _build_key_rows,
    "article_extra": _article_extra_rows,
    "cluster_keys": _cluster_key_rows,
    "event_aliases": _event_alias_rows,
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

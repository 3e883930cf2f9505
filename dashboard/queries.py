"""Read-only queries the dashboard runs on demand, so it never loads every mention at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import pandas as pd

from dashboard.store import Store

_MENTIONS = """
WITH picked AS (
    SELECT mention_id, event_id FROM event_mentions
    WHERE corpus = $1 AND event_id IN (SELECT unnest($2::VARCHAR[]))
),
ma AS (
    SELECT m.mention_id,
           list(a.name ORDER BY m.position) FILTER (WHERE m.position >= 0) AS actors,
           list({'actor_id': m.actor_id, 'name': a.name, 'start': m.start, 'end': m."end"}
                ORDER BY m.start) FILTER (WHERE m.start IS NOT NULL) AS actor_spans
    FROM mention_actors m
    JOIN actors a ON a.corpus = m.corpus AND a.actor_id = m.actor_id
    WHERE m.corpus = $1 AND m.mention_id IN (SELECT mention_id FROM picked)
    GROUP BY m.mention_id
)
SELECT m.mention_id, p.event_id, m.article_id, ar.outlet, ar.title, ar.url, ar.published,
       m.sentence, m.sentence_start, m.sentence_end, m.status, m.timex_text, m.timex_start,
       m.timex_end, m.value, m.earliest, m.latest, m.quote, sp.name AS speaker,
       coalesce(ma.actors, []) AS actors, coalesce(ma.actor_spans, []) AS actor_spans
FROM picked p
JOIN mentions m ON m.corpus = $1 AND m.mention_id = p.mention_id
LEFT JOIN articles ar ON ar.corpus = m.corpus AND ar.article_id = m.article_id
LEFT JOIN actors sp ON sp.corpus = m.corpus AND sp.actor_id = m.speaker_id
LEFT JOIN ma ON ma.mention_id = m.mention_id
ORDER BY ar.outlet NULLS LAST, m.article_id, m.sentence_start
"""


def event_mentions(
    store: Store,
    corpus: str,
    event_ids: Sequence[str],
    *,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """The mentions of some events (the columns of Store.mentions_frame), by outlet; on
    ``con`` (a cursor of ``store.reader()``) when given, else on a new connection."""
    if con is None:
        return store.query(_MENTIONS, [corpus, list(event_ids)])
    con.execute("USE store")
    return con.execute(_MENTIONS, [corpus, list(event_ids)]).df()


def actor_quotes(store: Store, corpus: str, name: str, limit: int = 50) -> pd.DataFrame:
    """Direct quotes spoken by one actor, newest article first, one row per distinct quote."""
    return store.query(
        """
        SELECT any_value(m.quote) AS quote, min(ar.outlet) AS outlet,
               max(ar.published) AS published, any_value(em.event_id) AS event_id
        FROM mentions m
        JOIN actors sp ON sp.corpus = m.corpus AND sp.actor_id = m.speaker_id
        LEFT JOIN articles ar ON ar.corpus = m.corpus AND ar.article_id = m.article_id
        LEFT JOIN event_mentions em ON em.corpus = m.corpus AND em.mention_id = m.mention_id
        WHERE m.corpus = ? AND sp.name = ? AND m.quote IS NOT NULL
        GROUP BY m.quote ORDER BY published DESC NULLS LAST, quote LIMIT ?
        """,
        [corpus, name, limit],
    )


def actor_profile(store: Store, corpus: str, name: str) -> pd.DataFrame:
    """One actor's kind, role and aliases as found in the text, with counts."""
    return store.query(
        """
        SELECT a.actor_id, a.name, a.kind, a.role, al.alias, al.count
        FROM actors a
        LEFT JOIN aliases al ON al.corpus = a.corpus AND al.actor_id = a.actor_id
        WHERE a.corpus = ? AND a.name = ?
        ORDER BY al.count DESC, al.alias
        """,
        [corpus, name],
    )


def actor_article_span(store: Store, corpus: str, name: str) -> tuple[date | None, date | None]:
    """The first and last publication days of the articles that name one actor."""
    row = store.query(
        """
        SELECT min(ar.published) AS first, max(ar.published) AS last
        FROM actors a
        JOIN mention_actors ma ON ma.corpus = a.corpus AND ma.actor_id = a.actor_id
        JOIN mentions m ON m.corpus = ma.corpus AND m.mention_id = ma.mention_id
        JOIN articles ar ON ar.corpus = m.corpus AND ar.article_id = m.article_id
        WHERE a.corpus = ? AND a.name = ?
        """,
        [corpus, name],
    ).iloc[0]
    first, last = (None if pd.isna(v) else pd.Timestamp(v).date() for v in row)
    return first, last


def co_actors(events: pd.DataFrame, name: str, top: int = 10) -> pd.Series:
    """The actors appearing in the most events together with ``name``."""
    if events.empty:
        return pd.Series(dtype="int64")
    own = events[events["actors"].apply(lambda names: name in names)]
    others = own["actors"].explode().dropna()
    return others[others != name].value_counts().head(top)

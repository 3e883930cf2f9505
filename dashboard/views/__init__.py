"""The dashboard's pages: one module per view, each a ``render(ctx)`` over a ViewContext."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.filters import Filters
from dashboard.store import Store


@dataclass(slots=True)
class ViewContext:
    """What every view reads: the store, the corpus, its events (all and filtered)."""

    store: Store
    corpus: str
    events: pd.DataFrame
    shown: pd.DataFrame
    articles: pd.DataFrame
    now: date | None  # the latest article's publication day
    filters: Filters
    since: date | None = None  # the first article's publication day


def date_label(value: object) -> str:
    """A TIMEX3 value as a reader takes it: "undated" for none, "1990s" for the decade
    "199", "1900s" for the century "19"; any other value as it is ("2024-05-08", "2024-W19")."""
    if not isinstance(value, str) or not value:
        return "undated"
    if value.isdigit() and len(value) in (2, 3):
        return f"{value.ljust(4, '0')}s"
    return value


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """Text from articles made inert for st.markdown: every markdown and HTML character
    backslash-escaped, so links, images and tags show as the characters they are."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", str(text))

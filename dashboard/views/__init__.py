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


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """Text from articles made inert for st.markdown: every markdown and HTML character
    backslash-escaped, so links, images and tags show as the characters they are."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", str(text))

"""Storyline: news articles in, a dated, source-attributed event timeline out.

The public API: ``load_articles`` reads articles, ``build`` runs the whole pipeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["build", "load_articles"]

if TYPE_CHECKING:
    from dashboard.ingest import load_articles
    from dashboard.pipeline import run as build


def __getattr__(name: str) -> object:
    # Imported lazily so `import dashboard` stays cheap for the app and the CLI.
    if name == "load_articles":
        from dashboard.ingest import load_articles

        return load_articles
    if name == "build":
        from dashboard.pipeline import run

        return run
    raise AttributeError(name)

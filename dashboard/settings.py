"""Typed defaults shared by the library, the CLI and the app."""

from __future__ import annotations

import os
from pathlib import Path

# The repository root when running from a checkout (seeds/ sits beside dashboard/).
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The built-in demo corpus.
SEEDS_DIR = PROJECT_ROOT / "seeds"

# Where `storyline build` writes and the app reads, unless told otherwise.
DEFAULT_DB = Path(os.environ.get("STORYLINE_DB", "data/storyline.duckdb"))

# The corpus name used for the seeds and for `storyline build` without --corpus.
DEFAULT_CORPUS = "seeds"

# Language assumed when an article does not say.
DEFAULT_LANGUAGE = "en"

# Text files ingestion reads as articles.
TEXT_SUFFIXES = (".txt", ".md")

# Articles larger than this are refused with a message (bytes).
MAX_ARTICLE_BYTES = 5_000_000

# The manifest file read beside article files.
MANIFEST_NAME = "manifest.csv"


def default_db() -> Path:
    """The store path, honouring STORYLINE_DB at call time (the app and tests set it)."""
    return Path(os.environ.get("STORYLINE_DB", str(DEFAULT_DB)))

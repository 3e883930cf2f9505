"""Upload view: the reader's own articles through the same pipeline, into a new corpus."""

from __future__ import annotations

import re
import secrets
from datetime import date

import streamlit as st

from dashboard import settings
from dashboard.ingest import load_uploads
from dashboard.pipeline import NothingToBuild, run_uploads
from dashboard.store import Store, StoreError
from dashboard.views import plain

ACCEPTED = ["txt", "md", "html", "htm", "json", "jsonl"]
MAX_FILES = 50
CORPUS_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.-]{0,59}")


UPLOAD_PREFIX = "upload-"


def corpus_name(typed: str, files: list[tuple[str, bytes]]) -> str:
    """An unguessable corpus name for an upload, ending with the typed name when it is plain.

    Uploaded corpora are unlisted: only the session that made one, or someone given a link
    holding its name, can open it (the random part is the key)."""
    del files  # the name never depends on the content: two uploads never share a corpus
    typed = typed.strip()
    suffix = f"-{typed}" if CORPUS_NAME.fullmatch(typed) else ""
    return f"{UPLOAD_PREFIX}{secrets.token_hex(8)}{suffix}"


def visible_corpora(all_corpora: list[str], mine: list[str], linked: str | None) -> list[str]:
    """The corpora a session may pick: the built ones, its own uploads, and one it has a
    link to; other sessions' uploads stay hidden."""
    shown = [c for c in all_corpora if not c.startswith(UPLOAD_PREFIX)]
    for name in [*mine, linked]:
        if name and name in all_corpora and name not in shown:
            shown.append(name)
    return shown


def detected(name: str, data: bytes) -> dict:
    """What ingestion finds in one uploaded file, to prefill its fields (first article)."""
    if len(data) > settings.MAX_ARTICLE_BYTES:
        return {"problem": f"over the {settings.MAX_ARTICLE_BYTES:,}-byte limit"}
    result = load_uploads([(name, data)], {})
    if not result.articles:
        problem = "; ".join(e.message for e in result.errors) or "no article found"
        return {"problem": problem}
    article = result.articles[0]
    found: dict = {"ok": True, "outlet": article.outlet or "", "url": article.url or ""}
    if article.published_day is not None:
        found["published"] = article.published_day
    return found


def build_upload(
    store: Store,
    files: list[tuple[str, bytes]],
    overrides: dict[str, dict[str, str]],
    name: str,
    progress=None,
) -> tuple[str | None, list[str]]:
    """Run the pipeline on uploaded files and add them to the store as corpus ``name``.

    Returns the corpus name (None when nothing could be read) and one message per file
    that failed, naming it and why."""
    problems: list[str] = []
    kept: list[tuple[str, bytes]] = []
    for file_name, data in files[:MAX_FILES]:
        if len(data) > settings.MAX_ARTICLE_BYTES:
            problems.append(f"{file_name}: over the {settings.MAX_ARTICLE_BYTES:,}-byte limit")
        else:
            kept.append((file_name, data))
    if len(files) > MAX_FILES:
        problems.append(
            f"Only the first {MAX_FILES} files are read; {len(files) - MAX_FILES} left out."
        )
    try:
        corpus = run_uploads(kept, overrides, progress=progress)
    except NothingToBuild as exc:
        problems.extend(str(e) for e in getattr(exc, "errors", ()))
        return None, problems or [str(exc)]
    problems.extend(str(e) for e in corpus.errors)
    try:
        store.write_corpus(corpus, name)
    except StoreError as exc:
        return None, [*problems, str(exc)]
    return name, problems


def render(store: Store) -> str | None:
    """The upload form; returns the corpus to switch to after a successful build."""
    st.caption(
        f"Text, HTML or JSON files, up to {settings.MAX_ARTICLE_BYTES // 1_000_000} MB each and "
        f"{MAX_FILES} files at a time. They go through the same pipeline as the seeds and "
        "become a corpus of their own; the other corpora are not changed."
    )
    uploaded = st.file_uploader("Articles", type=ACCEPTED, accept_multiple_files=True)
    if not uploaded:
        return None
    files = [(f.name, f.getvalue()) for f in uploaded]
    overrides: dict[str, dict[str, str]] = {}
    for i, (name, data) in enumerate(files):
        found = detected(name, data)
        title = f"{plain(name)} · {'ready' if found.get('ok') else 'cannot be read'}"
        with st.expander(title, expanded=not found.get("published")):
            if found.get("problem"):
                st.warning(plain(found["problem"]))
            outlet = st.text_input("Outlet", value=found.get("outlet", ""), key=f"up-outlet-{i}")
            published = st.date_input(
                "Publication date", value=found.get("published"), key=f"up-date-{i}"
            )
            if not found.get("published"):
                st.caption("No date found in the file: relative dates need one.")
            url = st.text_input("URL", value=found.get("url", ""), key=f"up-url-{i}")
        fields = {"outlet": outlet.strip(), "url": url.strip()}
        if isinstance(published, date):
            fields["published"] = published.isoformat()
        overrides[name] = {k: v for k, v in fields.items() if v}
    typed = st.text_input("Corpus name", placeholder="e.g. my-story")
    if not st.button("Build these articles", type="primary"):
        return None
    bar = st.progress(0.0, text="reading files")

    def progress(stage: str, fraction: float) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=stage)

    name, problems = build_upload(store, files, overrides, corpus_name(typed, files), progress)
    bar.progress(1.0, text="done")
    for problem in problems:
        st.warning(plain(problem))
    if name:
        st.success(f"Built corpus {name!r}.")
    return name

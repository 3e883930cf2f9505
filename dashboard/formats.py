"""Article records from saved web pages, JSON, JSON Lines and RSS/Atom feeds.

Each reader turns one file's bytes into records: the raw article text, the metadata
Storyline has columns for (outlet, title, authors, url, published, language) and the
source fields it has none for (kept in ``Article.extra``). Ingestion builds articles from
them exactly as from text files. The parsing is the libraries' (trafilatura for a page's
main text and metadata, htmldate for its publication date, feedparser for feeds); only
the mapping of field names is ours.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlparse

# File suffixes each reader takes.
HTML_SUFFIXES = (".html", ".htm")
JSON_SUFFIXES = (".json",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
FEED_SUFFIXES = (".rss", ".atom", ".xml")
SUFFIXES = HTML_SUFFIXES + JSON_SUFFIXES + JSONL_SUFFIXES + FEED_SUFFIXES

# JSON field names, first match wins; documented in the README ("Input formats").
FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "full_text", "maintext"),
    "title": ("title", "headline"),
    "outlet": ("outlet", "source", "site_name", "sitename", "publisher", "site"),
    "published": ("published", "date", "pubDate", "datePublished", "published_at", "time"),
    "url": ("url", "link", "canonical_url"),
    "authors": ("authors", "author", "byline"),
    "language": ("language", "lang"),
}


class FormatError(ValueError):
    """A file (or one record in it) that cannot be read as an article, and why."""


@dataclass(slots=True)
class Record:
    """One article as a format reader found it."""

    text: str
    label: str  # where it came from: the file, or the file and record number
    meta: dict[str, str] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)
    problem: str | None = None  # set when this record could not be read


def kind_of(name: str, data: bytes) -> str | None:
    """html, json, jsonl or feed, from the suffix and, when it is ambiguous, the content."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    head = data[:2048].lstrip().lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    if head.startswith((b"<?xml", b"<rss", b"<feed")):
        return "feed"
    return None


def read(name: str, data: bytes, kind: str) -> list[Record]:
    """The records of one file of the given kind (raises FormatError for the whole file)."""
    if kind == "html":
        return [read_html(name, data)]
    if kind == "json":
        return list(read_json(name, data))
    if kind == "jsonl":
        return list(read_jsonl(name, data))
    if kind == "feed":
        return list(read_feed(name, data))
    raise FormatError(f"unsupported format {kind!r}")


# ---------------------------------------------------------------------------- HTML


def read_html(name: str, data: bytes) -> Record:
    """A saved web page: main text by trafilatura, date by htmldate, metadata from the page."""
    import htmldate
    import trafilatura

    doc = trafilatura.bare_extraction(
        data,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        with_metadata=True,
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or len(text.split()) < 25:
        raise FormatError("no article text found in the page (navigation or an empty page)")
    meta: dict[str, str] = {}
    url = getattr(doc, "url", None) or ""
    # The page's own date metadata first (original publication, not the last update);
    # htmldate's search of the text itself is left to the dateline and the user.
    published = htmldate.find_date(data, original_date=True, extensive_search=False, url=url)
    outlet = getattr(doc, "sitename", None) or _host(url)
    for key, value in (
        ("title", getattr(doc, "title", None)),
        ("authors", getattr(doc, "author", None)),
        ("url", url if urlparse(url).scheme in ("http", "https") else ""),
        ("published", published),
        ("outlet", outlet),
        ("language", getattr(doc, "language", None)),
    ):
        if value:
            meta[key] = str(value)
    extra = {
        k: v
        for k, v in (
            ("description", getattr(doc, "description", None)),
            ("categories", getattr(doc, "categories", None)),
            ("tags", getattr(doc, "tags", None)),
        )
        if v
    }
    return Record(text=text, label=name, meta=meta, extra=extra)


def _host(url: str) -> str | None:
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.") or None


# ---------------------------------------------------------------------------- JSON


def read_json(name: str, data: bytes) -> Iterator[Record]:
    """A JSON array of articles, an object holding one under "articles", or one article."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"not valid JSON: {exc}") from exc
    if isinstance(doc, dict) and isinstance(doc.get("articles"), list):
        items = doc["articles"]
    elif isinstance(doc, list):
        items = doc
    elif isinstance(doc, dict):
        items = [doc]
    else:
        raise FormatError("JSON holds neither an article nor a list of articles")
    for i, item in enumerate(items):
        yield _from_mapping(item, f"{name}[{i}]")


def read_jsonl(name: str, data: bytes) -> Iterator[Record]:
    """One article object per line; a bad line is reported and the others read."""
    try:
        lines = data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        label = f"{name}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Record("", label, problem=f"not valid JSON: {exc.msg}")
            continue
        yield _from_mapping(item, label)


def _from_mapping(item: object, label: str) -> Record:
    if not isinstance(item, dict):
        return Record("", label, problem="not a JSON object")
    used: set[str] = set()
    meta: dict[str, str] = {}
    text = ""
    for key, names in FIELDS.items():
        for candidate in names:
            if candidate in item and item[candidate] not in (None, "", []):
                used.add(candidate)
                value = item[candidate]
                if key == "text":
                    text = str(value)
                elif key == "authors":
                    meta[key] = (
                        "; ".join(map(str, value)) if isinstance(value, list) else str(value)
                    )
                elif key == "outlet" and isinstance(value, dict):
                    meta[key] = str(value.get("name") or "")
                else:
                    meta[key] = str(value)
                break
    extra = {k: v for k, v in item.items() if k not in used}
    if not text.strip():
        names = ", ".join(FIELDS["text"])
        return Record("", label, meta, extra, problem=f"no article text (looked for {names})")
    return Record(text, label, {k: v for k, v in meta.items() if v}, extra)


# ---------------------------------------------------------------------------- feeds


def read_feed(name: str, data: bytes) -> Iterator[Record]:
    """RSS or Atom entries as articles; a malformed feed still gives its readable entries."""
    import feedparser

    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise FormatError(f"not a readable feed: {parsed.get('bozo_exception')}")
    if parsed.bozo:
        reason = str(parsed.get("bozo_exception") or "malformed")[:200]
        yield Record("", name, problem=f"malformed feed ({reason}); its readable entries kept")
    outlet = str(parsed.feed.get("title") or "") or None
    for i, entry in enumerate(parsed.entries):
        label = f"{name}#{i}"
        content = entry.get("content") or []
        body = (content[0].get("value") if content else None) or entry.get("summary") or ""
        text = _html_text(body)
        if not text.strip():
            yield Record("", label, problem="feed entry has no text")
            continue
        meta = feed_entry_meta(entry, outlet or "")
        extra = {"feed_id": entry.get("id")} if entry.get("id") else {}
        if entry.get("tags"):
            extra["tags"] = [t.get("term") for t in entry["tags"] if t.get("term")]
        yield Record(text, label, meta, extra)


def feed_entry_meta(entry: dict, outlet: str) -> dict[str, str]:
    """Title, link, outlet, authors and time of one feed entry."""
    meta = {
        "title": str(entry.get("title") or ""),
        "url": str(entry.get("link") or ""),
        "outlet": outlet or _host(str(entry.get("link") or "")) or "",
        "authors": str(entry.get("author") or ""),
    }
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if stamp:
        meta["published"] = datetime(*stamp[:6], tzinfo=UTC).isoformat()
    return {k: v for k, v in meta.items() if v}


def _html_text(fragment: str) -> str:
    """The text of an HTML fragment (a feed's summary or content), paragraphs kept apart."""
    if "<" not in fragment:
        return fragment
    import lxml.html

    try:
        root = lxml.html.fromstring(f"<div>{fragment}</div>")
    except (ValueError, lxml.etree.ParserError):
        return ""
    for block in root.iter("p", "br", "div", "li", "h1", "h2", "h3"):
        block.tail = "\n" + (block.tail or "")
    return "\n".join(line.strip() for line in root.text_content().splitlines() if line.strip())

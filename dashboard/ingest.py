"""Read articles and their metadata, strip boilerplate, split sentences.

Plain-text articles (``.txt``, ``.md``) take their metadata from a ``manifest.csv`` beside
them (columns: file, outlet, published, title, authors, url, and optionally language) or
from a front-matter block at the top of the file::

    ---
    outlet: Example News
    published: 2025-03-01
    title: Ministers meet in Geneva
    ---

A file that cannot be read is reported by name and skipped; the rest of the batch goes on.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import logging
import os
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path

from dashboard import formats, settings
from dashboard.models import Article, content_hash

LOGGER = logging.getLogger(__name__)

# Files in an article folder that are documentation, not articles.
SKIPPED_NAMES = re.compile(r"(readme|license|licence|changelog|contributing)(\..*)?", re.I)

# Reading ahead (see _read_ahead): threads, files per thread's task, largest file read ahead.
READ_AHEAD_THREADS = 4
READ_AHEAD_BATCH = 32
READ_AHEAD_MAX_BYTES = 1_000_000


class IngestFailure(Exception):
    """An article file could not be turned into an article (``reason``: a summary category,
    as IngestError.reason; empty to count it by its message)."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(slots=True, frozen=True)
class IngestError:
    """A file that was skipped or partly read, and why."""

    path: str
    message: str
    # A short machine-readable cause for summaries ("empty", "binary", "too large", ...).
    reason: str = ""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(slots=True)
class IngestResult:
    """Articles read from a batch of paths, and the problems met on the way."""

    articles: list[Article] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)


# --------------------------------------------------------------------------- data files


def _data_lines(name: str) -> list[str]:
    text = resources.files("dashboard.data").joinpath(name).read_text(encoding="utf-8")
    return [line.rstrip("\n") for line in text.splitlines()]


def _boilerplate_sources() -> list[str]:
    """The line patterns of ``data/boilerplate.txt``, as written."""
    lines = [ln.strip() for ln in _data_lines("boilerplate.txt")]
    return [ln for ln in lines if ln and not ln.startswith("#")]


@lru_cache(maxsize=1)
def boilerplate_patterns() -> tuple[re.Pattern[str], ...]:
    """Compiled line patterns from ``data/boilerplate.txt`` (ingestion uses them as one,
    boilerplate_line)."""
    return tuple(re.compile(source, re.IGNORECASE) for source in _boilerplate_sources())


@lru_cache(maxsize=1)
def boilerplate_examples() -> tuple[str, ...]:
    """The example lines written under each boilerplate pattern."""
    prefix = "## example:"
    lines = [ln.strip() for ln in _data_lines("boilerplate.txt")]
    return tuple(ln[len(prefix) :].strip() for ln in lines if ln.startswith(prefix))


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    """Tokens that end with a period without ending a sentence."""
    lines = [ln.strip() for ln in _data_lines("abbreviations.txt")]
    return frozenset(ln for ln in lines if ln and not ln.startswith("#"))


# --------------------------------------------------------------------------- sentences

# A sentence ends at . ! or ? (optionally followed by closing quotes or brackets) when
# white space and an opening capital, digit or quote (also the ``typewriter'' quote of wire
# archives) follow. Hand-written because we need
# character offsets and speed on long articles; pysbd is slow and unmaintained, and NLTK's
# punkt needs a model download.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+(?:``|[\"'“‘(\[])?[A-Z0-9])")
_TOKEN_BEFORE = re.compile(r"(\S+)$")


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at ``dot`` closes an abbreviation or an initial."""
    if text[dot] != ".":
        return False
    match = _TOKEN_BEFORE.search(text, max(0, dot - 20), dot)
    if not match:
        return False
    token = match.group(1).lstrip("(\"'“‘")
    if token in abbreviations():
        return True
    # Initials and dotted acronyms: "J.", "U.S", "D.C".
    return bool(re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", token))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) as offsets into ``text``; lines always break sentences."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start, line_text = line.start(), line.group()
        cursor = 0
        for boundary in _BOUNDARY.finditer(line_text):
            if _is_abbreviation(line_text, boundary.start()):
                continue
            spans.append((start + cursor, start + boundary.end()))
            cursor = boundary.end()
        spans.append((start + cursor, start + len(line_text)))
    # Trim white space and drop empty spans.
    trimmed = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


# --------------------------------------------------------------------------- text cleaning

# A line without final punctuation is a label, byline or caption unless it is this long:
# then it is prose whose last full stop was lost (scraped or truncated text).
PROSE_MIN_WORDS = 30
_TERMINAL = re.compile(r"[.!?:;…\"'”’)]\s*$")


@lru_cache(maxsize=1)
def boilerplate_line() -> re.Pattern[str]:
    """The boilerplate patterns as one alternation: a line matches it whole when it matches
    one of them whole. One call a line instead of one a pattern (a fifth of ingestion).
    (Compiled from the sources: a pattern compiled alone and never used would be scanned
    with by tests/test_regex_safety.py, as its inventory sees no method called on it.)"""
    return re.compile("|".join(f"(?:{s})" for s in _boilerplate_sources()), re.IGNORECASE)


def is_boilerplate(line: str) -> bool:
    """Whether a whole line is boilerplate (subscription prompt, navigation, credit)."""
    return boilerplate_line().fullmatch(line.strip()) is not None


def clean_text(raw: str) -> tuple[str, str | None]:
    """Drop boilerplate, captions and labels; return the clean text and a headline if any.

    The first prose-like line with no final punctuation is taken as the headline. Later
    lines without final punctuation are labels, bylines or photo captions, not prose.
    """
    kept: list[str] = []
    headline: str | None = None
    for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.strip()
        if not stripped:
            if kept and kept[-1] != "":
                kept.append("")
            continue
        if is_boilerplate(stripped):
            continue
        words = len(re.findall(r"[^\W\d_][\w'’-]*", stripped))
        if not _TERMINAL.search(stripped) and words <= PROSE_MIN_WORDS:
            if headline is None and not any(kept) and 4 <= words <= 30:
                headline = stripped
                kept.extend([stripped, ""])
            # Otherwise a label, byline or caption: not prose.
            continue
        kept.append(stripped)
    while kept and kept[-1] == "":
        kept.pop()
    return "\n".join(kept), headline


# --------------------------------------------------------------------------- metadata


def parse_published(value: str) -> date | datetime:
    """Parse a publication date; date-only strings give a date, times give a tz-aware datetime."""
    value = value.strip()
    if not value:
        raise ValueError("empty date")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        import dateparser  # imported lazily: it takes a while to load

        parsed = dateparser.parse(
            value, languages=["en"], settings={"RETURN_AS_TIMEZONE_AWARE": False}
        )
        if parsed is None:
            raise ValueError(f"unparseable date {value!r}") from None
        if not re.search(r"\d{1,2}:\d{2}", value):
            return parsed.date()
    if parsed.tzinfo is None:
        if parsed.time() == datetime.min.time():
            return parsed.date()
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _split_authors(value: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in re.split(r"[;|]", value or "") if a.strip())


def read_manifest(path: Path) -> tuple[dict[str, dict[str, str]], list[IngestError]]:
    """Rows of a manifest keyed by file name, and problems with the manifest itself."""
    rows: dict[str, dict[str, str]] = {}
    errors: list[IngestError] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "file" not in reader.fieldnames:
                return {}, [IngestError(str(path), "manifest has no 'file' column; ignored")]
            for row in reader:
                name = (row.get("file") or "").strip()
                if name:
                    rows[name] = {k: (v or "").strip() for k, v in row.items() if k}
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        errors.append(IngestError(str(path), f"manifest could not be read: {exc}"))
    return rows, errors


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)


def split_front_matter(raw: str) -> tuple[dict[str, str], str]:
    """Flat ``key: value`` front matter and the text after it.

    Hand-parsed: the block is flat key/value pairs, and a YAML dependency would add
    nothing but a way to execute tags from untrusted files.
    """
    match = _FRONT_MATTER.match(raw)
    if not match:
        return {}, raw
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, raw[match.end() :]


# --------------------------------------------------------------------------- reading files

# Control characters that do not occur in text (tab, line breaks and form feed do).
CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b)


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode article bytes: UTF-8, else Windows-1252 with a note. Refuse binary data."""
    if not data.strip():
        raise IngestFailure("empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # a UTF-16 byte-order mark
        try:
            return data.decode("utf-16"), "UTF-16 text"
        except UnicodeDecodeError as exc:
            raise IngestFailure(f"UTF-16 text that does not decode: {exc.reason}") from exc
    sample = data[:4096]
    # counted in C (what deleting them takes away) rather than a byte at a time in Python
    control = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    if b"\x00" in sample or control > len(sample) * 0.05:
        raise IngestFailure("binary file, not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "not UTF-8; decoded as Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not UTF-8; decoded as Latin-1"


def article_id(text_hash: str, outlet: str | None) -> str:
    """Stable id from the content and the outlet (a syndicated copy keeps its own id)."""
    key = f"{text_hash}|{(outlet or '').strip().casefold()}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def build_article(
    raw: str, source_path: str, meta: dict[str, str], notes: Iterable[str] = ()
) -> Article:
    """Turn raw text and metadata into an Article (the date falls back to a dateline)."""
    front, body = split_front_matter(raw)
    meta = {**front, **{k: v for k, v in meta.items() if v}}
    text, headline = clean_text(body)
    if not text.strip():
        raise IngestFailure("no article text left after removing boilerplate")
    warnings = list(notes)
    published: date | datetime | None = None
    date_source = ""
    if meta.get("published"):
        try:
            published = parse_published(meta["published"])
            date_source = "metadata"
        except ValueError:
            warnings.append(f"unparseable publication date {meta['published']!r}")
    if published is None:
        published = _dateline_date(text)
        if published is not None:
            date_source = "dateline"
        else:
            warnings.append("no publication date: relative dates left unresolved")
    digest = content_hash(text)
    outlet = meta.get("outlet") or None
    return Article(
        id=article_id(digest, outlet),
        source_path=source_path,
        text=text,
        content_hash=digest,
        outlet=outlet,
        title=meta.get("title") or headline,
        authors=_split_authors(meta.get("authors", "")),
        url=meta.get("url") or None,
        published=published,
        language=meta.get("language") or settings.DEFAULT_LANGUAGE,
        date_source=date_source,
        warnings=tuple(warnings),
    )


def _dateline_date(text: str) -> date | None:
    """The date of a wire-story dateline, when the temporal tagger resolves one."""
    try:
        from dashboard.temporal import dateline
    except ImportError:  # the tagger is optional for ingestion
        return None
    found = dateline(text)
    if found is None or found.earliest is None or found.earliest != found.latest:
        return None
    return found.earliest


def read_text_file(path: Path, meta: dict[str, str]) -> Article:
    """Read one text article; raises IngestFailure with a reason."""
    return _text_article(path, _file_bytes(path), meta)


def _text_article(path: Path, data: bytes | IngestFailure, meta: dict[str, str]) -> Article:
    if isinstance(data, IngestFailure):
        raise data
    raw, note = decode(data)
    return build_article(raw, str(path), meta, [note] if note else [])


def _size_limit(path: Path) -> int:
    """The largest file read at this path: a structured file may hold many articles."""
    structured = path.suffix.lower() in formats.SUFFIXES
    return settings.MAX_ARTICLE_BYTES * (20 if structured else 1)


def _file_bytes(path: Path | str, ahead: int | None = None) -> bytes | IngestFailure | None:
    """A file's bytes, or why they are not read (too large, unreadable); never raises.
    With ``ahead``, None for a file over that many bytes (to be read in its turn)."""
    path = Path(path)
    limit = _size_limit(path)
    try:
        size = path.stat().st_size
        if ahead is not None and size > ahead:
            return None
        if size > limit:
            return IngestFailure(
                f"file is {size:,} bytes, over the {limit:,}-byte limit", "too large"
            )
        return path.read_bytes()
    except OSError as exc:
        return IngestFailure(f"cannot read: {exc.strerror or exc}", "unreadable")


def _read_ahead(
    files: Sequence[Path | str],
) -> Iterator[tuple[Path | str, bytes | IngestFailure]]:
    """Each file with its bytes, in order, read by a few threads ahead of the caller.

    Written by hand because no library streams an ordered read-ahead: on a cold disk or a
    network file system, reading many small files one after another waits on every read
    (10,000 articles: 11.4 s, of which 3.3 s CPU). Threads overlap those waits (the GIL is
    released while a file is read); each reads a batch of READ_AHEAD_BATCH files, so that
    handing work over costs little when the files are in memory already. At most
    READ_AHEAD_BATCH * READ_AHEAD_THREADS * 2 files are held, and a file over
    READ_AHEAD_MAX_BYTES is read when its turn comes rather than ahead.
    """
    if len(files) <= READ_AHEAD_BATCH:
        yield from ((f, _file_bytes(f)) for f in files)
        return
    queued = (files[i : i + READ_AHEAD_BATCH] for i in range(0, len(files), READ_AHEAD_BATCH))
    with ThreadPoolExecutor(READ_AHEAD_THREADS, thread_name_prefix="storyline-read") as pool:
        pending: deque[tuple[Sequence[Path | str], Future]] = deque(
            (batch, pool.submit(_small_files_bytes, batch))
            for batch in itertools.islice(queued, READ_AHEAD_THREADS * 2)
        )
        while pending:
            batch, future = pending.popleft()
            read = future.result()
            following = next(queued, None)
            if following is not None:
                pending.append((following, pool.submit(_small_files_bytes, following)))
            for path, data in zip(batch, read, strict=True):
                yield path, _file_bytes(path) if data is None else data


def _small_files_bytes(paths: Sequence[Path | str]) -> list[bytes | IngestFailure | None]:
    """Each file's bytes, or None for one too large to read ahead (read in turn)."""
    return [_file_bytes(path, READ_AHEAD_MAX_BYTES) for path in paths]


READABLE_SUFFIXES = tuple(settings.TEXT_SUFFIXES) + formats.SUFFIXES


def expand_paths(paths: Sequence[Path | str]) -> tuple[list[str], list[IngestError]]:
    """Article files under the given files and folders, in a stable order (Path's), as
    strings: 100,000 Path objects, with the parts sorting caches in them, held 42 MB
    through the whole read, and their freeing left the memory in pieces."""
    files: list[str] = []
    errors: list[IngestError] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in _walk(str(path), errors):
                name = os.path.basename(child)
                if (
                    os.path.splitext(name)[1].lower() not in READABLE_SUFFIXES
                    or SKIPPED_NAMES.fullmatch(name)
                    or name.startswith(".")  # hidden folders are not entered (_walk)
                ):
                    continue
                if os.path.isfile(child):
                    files.append(child)
                else:  # never opened: a FIFO would block, a dangling link has nothing
                    errors.append(IngestError(child, _not_regular(Path(child)), "not a file"))
        elif path.is_file():
            if path.suffix.lower() in READABLE_SUFFIXES:
                files.append(str(path))
            else:
                errors.append(IngestError(str(path), f"unsupported file type {path.suffix!r}"))
        else:
            errors.append(IngestError(str(path), "no such file or folder"))
    return files, errors


def _walk(root: str, errors: list[IngestError]) -> list[str]:
    """Every entry under ``root`` (files and folders), in the order ``sorted(rglob("*"))``
    gives them (by path components), except that a folder that cannot be listed is
    reported, where rglob passes over it in silence. Hidden folders are not entered."""
    found: list[str] = []

    def unreadable(exc: OSError) -> None:
        where = exc.filename or root
        reason = f"folder cannot be read: {exc.strerror or exc}; its files were not read"
        errors.append(IngestError(str(where), reason, "unreadable"))
        LOGGER.warning("%s: %s", where, reason)

    for folder, dirs, names in os.walk(root, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(os.path.join(folder, name) for name in (*dirs, *names))
    found.sort(key=_components)
    return found


def _components(path: str) -> list[str]:
    return path.split(os.sep)


def _not_regular(path: Path) -> str:
    """Why a path with an article's name is not read."""
    if path.is_symlink() and not path.exists():
        return "a link to nothing (dangling symbolic link)"
    if path.is_dir():
        return "a folder, not a file"
    return "not a regular file (a pipe, socket or device); not read"


def load_articles(paths: Sequence[Path | str]) -> IngestResult:
    """Read every article under ``paths``; problems are collected, never raised."""
    result = IngestResult()
    files, result.errors = expand_paths(paths)
    result.articles = list(read_articles(files, result))
    return result


def read_articles(files: Sequence[Path | str], result: IngestResult) -> Iterator[Article]:
    """The articles of ``files`` (from expand_paths) as they are read, each copy of one
    read once; problems go to ``result.errors``, never raised. For builds that hand each
    article on as it comes instead of holding them all."""
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    seen: dict[bytes, str] = {}
    for given, data in _read_ahead(files):
        path = Path(given)
        label = given if isinstance(given, str) else str(path)
        folder = path.parent
        if folder not in manifests:
            manifest_path = folder / settings.MANIFEST_NAME
            manifests[folder] = {}
            if manifest_path.is_file():
                manifests[folder], problems = read_manifest(manifest_path)
                result.errors.extend(problems)
        meta = manifests[folder].get(path.name, {})
        if path.suffix.lower() in formats.SUFFIXES:
            for label, article in _read_structured(path, data, meta, result):
                if _first_copy(article, label, seen, result):
                    yield article
            continue
        try:
            article = _text_article(path, data, meta)
        except IngestFailure as exc:
            result.errors.append(IngestError(str(path), str(exc), exc.reason))
            LOGGER.warning("%s: %s", path, exc)
            continue
        for warning in article.warnings:
            if warning.startswith("unparseable publication date"):
                result.errors.append(IngestError(str(path), f"manifest: {warning}"))
        if _first_copy(article, label, seen, result):
            yield article


def _first_copy(article: Article, label: str, seen: dict[bytes, str], result: IngestResult) -> bool:
    """Whether the article is the first read of its content from its source (a later copy
    is reported as a duplicate). ``seen`` is keyed by a 16-byte digest of the two: the
    tuple of both strings was about 300 bytes an article, held through the read."""
    key = hashlib.blake2b(
        f"{article.content_hash}\0{article.source_key}".encode(), digest_size=16
    ).digest()
    if key in seen:
        result.errors.append(IngestError(label, f"duplicate of {seen[key]}; skipped", "duplicate"))
        return False
    seen[key] = label
    return True


def _read_structured(
    path: Path, data: bytes | IngestFailure, meta: dict[str, str], result: IngestResult
) -> list[tuple[str, Article]]:
    """Articles of an HTML page, JSON or JSON Lines file or feed (problems go to result)."""
    if isinstance(data, IngestFailure):
        result.errors.append(IngestError(str(path), str(data), data.reason))
        LOGGER.warning("%s: %s", path, data)
        return []
    return records_to_articles(str(path), data, meta, result)


def records_to_articles(
    name: str, data: bytes, meta: dict[str, str], result: IngestResult
) -> list[tuple[str, Article]]:
    """Articles from a structured file's bytes; each unreadable record is reported by name."""
    if not data.strip():
        result.errors.append(IngestError(name, "empty file", "empty"))
        return []
    kind = formats.kind_of(name, data)
    if kind is None:
        result.errors.append(IngestError(name, "unsupported file type", "unsupported"))
        return []
    try:
        records = formats.read(name, data, kind)
    except formats.FormatError as exc:
        result.errors.append(IngestError(name, str(exc), kind))
        return []
    if not records:
        result.errors.append(IngestError(name, f"no article in this {kind} file", "no article"))
        return []
    out = []
    for record in records:
        if record.problem:
            result.errors.append(IngestError(record.label, record.problem, kind))
            continue
        try:
            # The manifest row (or the user's fields) wins over what the file says.
            article = build_article(record.text, record.label, {**record.meta, **meta})
        except IngestFailure as exc:
            result.errors.append(IngestError(record.label, str(exc), kind))
            continue
        out.append((record.label, replace(article, extra=record.extra)))
    return out


def load_uploads(
    files: Sequence[tuple[str, bytes]], overrides: dict[str, dict[str, str]]
) -> IngestResult:
    """Read uploaded files given as (name, bytes); ``overrides`` holds metadata per name."""
    result = IngestResult()
    seen: dict[tuple[str, str], str] = {}
    for name, data in files:
        # The name is only a label: it never becomes a path on this machine.
        label = Path(name).name or "upload"
        if len(data) > settings.MAX_ARTICLE_BYTES:
            result.errors.append(
                IngestError(label, f"over the {settings.MAX_ARTICLE_BYTES:,}-byte limit")
            )
            continue
        if formats.kind_of(label, data) is not None:
            for record_label, article in records_to_articles(
                label, data, overrides.get(name, {}), result
            ):
                if _first_copy(article, record_label, seen, result):
                    result.articles.append(article)
            continue
        try:
            raw, note = decode(data)
            article = build_article(raw, label, overrides.get(name, {}), [note] if note else [])
        except IngestFailure as exc:
            result.errors.append(IngestError(label, str(exc)))
            continue
        key = (article.content_hash, article.source_key)
        if key in seen:
            result.errors.append(IngestError(label, f"duplicate of {seen[key]}; skipped"))
            continue
        seen[key] = label
        result.articles.append(article)
    return result

"""Ingestion: metadata, boilerplate, sentences and bad input."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from dashboard.ingest import (
    CONTROL_BYTES,
    boilerplate_examples,
    boilerplate_patterns,
    clean_text,
    decode,
    is_boilerplate,
    load_articles,
    parse_published,
    split_front_matter,
    split_sentences,
)

ARTICLE = (
    "Ministers agree water-sharing plan\n\n"
    "The agriculture ministers of three countries agreed on Tuesday to share the river's "
    "water during droughts, officials said.\n"
    "Talks will resume in Cairo next month.\n"
)


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def manifest(folder: Path, rows: list[str]) -> None:
    write(folder, "manifest.csv", "file,outlet,published,title,authors,url\n" + "\n".join(rows))


def test_seed_folder_reads_every_article_with_its_manifest(seeds_dir: Path) -> None:
    result = load_articles([seeds_dir])
    assert result.errors == []
    assert len(result.articles) == 5
    assert all(a.published == date(2025, 2, 26) for a in result.articles)
    assert all(a.date_source == "metadata" for a in result.articles)
    outlets = sorted(a.outlet for a in result.articles if a.outlet)
    assert outlets == ["Al Jazeera", "The Guardian"]
    assert len({a.id for a in result.articles}) == 5
    # The README in the seed folder is documentation, not an article.
    assert not any(a.source_path.endswith("README.md") for a in result.articles)


def test_boilerplate_and_captions_are_not_in_the_article_text(seeds_dir: Path) -> None:
    articles = load_articles([seeds_dir]).articles
    for article in articles:
        for line in article.text.splitlines():
            assert not is_boilerplate(line), (article.source_path, line)
    for article in articles:
        assert "Sign up" not in article.text
        assert "Photograph:" not in article.text


@pytest.mark.parametrize("example", boilerplate_examples())
def test_every_boilerplate_example_matches_its_pattern(example: str) -> None:
    assert is_boilerplate(example)


def test_the_boilerplate_alternation_matches_as_its_patterns(seeds_dir: Path) -> None:
    lines = [*boilerplate_examples(), "By Ana Lopez and Tom Reed in Paris", "Sign up!"]
    for path in sorted(seeds_dir.glob("*.txt")):
        lines += path.read_text(encoding="utf-8").splitlines()
    for line in lines:
        one_by_one = any(p.fullmatch(line.strip()) for p in boilerplate_patterns())
        assert is_boilerplate(line) == one_by_one, line


def test_control_bytes_are_those_text_never_has() -> None:
    assert CONTROL_BYTES == bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13))
    with pytest.raises(Exception, match="binary"):
        decode(b"text" + b"\x01" * 10)
    assert decode(b"a\tb\nc\x0bd\x0ce\rf")[0] == "a\tb\nc\x0bd\x0ce\rf"


@pytest.mark.parametrize(
    "line",
    [
        "The minister said the membership of the alliance was not on the table.",
        "One official said the app had been downloaded 100,000 times.",
        "Subscribers to the service rose by 4% in the third quarter, the company said.",
    ],
)
def test_news_sentences_are_not_boilerplate(line: str) -> None:
    assert not is_boilerplate(line)


def test_headline_is_the_first_line_without_final_punctuation() -> None:
    text, headline = clean_text(ARTICLE)
    assert headline == "Ministers agree water-sharing plan"
    assert text.startswith("Ministers agree")


def test_captions_and_labels_are_dropped() -> None:
    raw = (
        "Leaders meet for border talks in the capital\n\nWorld\n\n"
        "The two leaders met on Monday.\n\nJane Doe\n"
        "Jane Doe speaks to reporters outside parliament\n\nThe talks ended late.\n"
    )
    text, headline = clean_text(raw)
    assert headline == "Leaders meet for border talks in the capital"
    assert "World" not in text.splitlines()
    assert "speaks to reporters" not in text
    assert "The talks ended late." in text


@pytest.mark.parametrize(
    "text,expected",
    [
        ("He left. She stayed.", ["He left.", "She stayed."]),
        (
            "The U.S. President met Mr. Smith on Feb. 3 in Washington. Talks went well.",
            ["The U.S. President met Mr. Smith on Feb. 3 in Washington.", "Talks went well."],
        ),
        (
            "“We will go,” he said. “It is time.” She agreed!",
            ["“We will go,” he said.", "“It is time.”", "She agreed!"],
        ),
        ("First line without stop\nSecond line.", ["First line without stop", "Second line."]),
        ("J. R. Smith arrived at 3 p.m. on Friday.", ["J. R. Smith arrived at 3 p.m. on Friday."]),
        (  # the typewriter quotes of wire archives open a sentence too
            "Ana Ruiz, 33, was born in 1984. ``He should stay,'' she said.",
            ["Ana Ruiz, 33, was born in 1984.", "``He should stay,'' she said."],
        ),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == expected


def test_front_matter_gives_metadata(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.md",
        "---\noutlet: Harbour Post\npublished: 2024-03-05\ntitle: Port reopens\n"
        "url: https://example.org/a\n---\nThe port reopened on Monday after repairs.\n",
    )
    [article] = load_articles([tmp_path]).articles
    assert article.outlet == "Harbour Post"
    assert article.published == date(2024, 3, 5)
    assert article.title == "Port reopens"
    assert article.url == "https://example.org/a"
    assert article.text.startswith("The port reopened")
    meta, body = split_front_matter("no front matter\n")
    assert meta == {} and body == "no front matter\n"


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2025-02-26", date(2025, 2, 26)),
        ("26 February 2025", date(2025, 2, 26)),
        ("Feb 26, 2025", date(2025, 2, 26)),
        ("2025-02-26T14:30:00+01:00", datetime.fromisoformat("2025-02-26T14:30:00+01:00")),
    ],
)
def test_parse_published(value: str, expected: date | datetime) -> None:
    assert parse_published(value) == expected


def test_timestamp_without_zone_becomes_utc() -> None:
    parsed = parse_published("2025-02-26 14:30")
    assert isinstance(parsed, datetime) and parsed.tzinfo is not None


def test_bad_files_are_reported_by_name_and_the_rest_still_load(tmp_path: Path) -> None:
    write(tmp_path, "good.txt", ARTICLE)
    write(tmp_path, "empty.txt", "")
    write(tmp_path, "binary.txt", bytes(range(256)) * 20)
    write(
        tmp_path,
        "windows.txt",
        "Le caf\xe9 a rouvert lundi, a d\xe9clar\xe9 le maire.\n".encode("cp1252"),
    )
    write(tmp_path, "baddate.txt", "The council voted on Monday to close the bridge.\n")
    manifest(
        tmp_path,
        [
            "good.txt,River News,2024-06-12,,,",
            "windows.txt,Gazette,2024-06-12,,,",
            "baddate.txt,Gazette,not a date,,,",
        ],
    )
    result = load_articles([tmp_path])
    by_name = {Path(a.source_path).name: a for a in result.articles}
    errors = {Path(e.path).name: e.message for e in result.errors}
    assert set(by_name) == {"good.txt", "windows.txt", "baddate.txt"}
    assert errors["empty.txt"] == "empty file"
    assert "binary" in errors["binary.txt"]
    assert "not a date" in errors["baddate.txt"]
    assert "café" in by_name["windows.txt"].text
    assert any("Windows-1252" in w for w in by_name["windows.txt"].warnings)
    assert by_name["baddate.txt"].published is None
    assert any("no publication date" in w for w in by_name["baddate.txt"].warnings)
    assert by_name["good.txt"].published == date(2024, 6, 12)


def test_missing_manifest_still_ingests_with_no_date(tmp_path: Path) -> None:
    write(tmp_path, "story.txt", ARTICLE)
    result = load_articles([tmp_path])
    [article] = result.articles
    assert article.published is None and article.outlet is None
    assert any("no publication date" in w for w in article.warnings)


def test_missing_path_and_unsupported_type_are_errors(tmp_path: Path) -> None:
    write(tmp_path, "photo.jpg", b"\xff\xd8\xff")
    result = load_articles([tmp_path / "nope", tmp_path / "photo.jpg"])
    messages = sorted(e.message for e in result.errors)
    assert messages == ["no such file or folder", "unsupported file type '.jpg'"]


def test_identical_article_is_stored_once_but_a_second_outlet_is_kept(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        write(tmp_path, name, ARTICLE)
    manifest(
        tmp_path,
        ["a.txt,Wire,2024-06-12,,,", "b.txt,Wire,2024-06-12,,,", "c.txt,Daily,2024-06-12,,,"],
    )
    result = load_articles([tmp_path])
    assert sorted(a.outlet for a in result.articles) == ["Daily", "Wire"]
    assert [Path(e.path).name for e in result.errors] == ["b.txt"]
    assert "duplicate" in result.errors[0].message


def test_oversized_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import settings

    monkeypatch.setattr(settings, "MAX_ARTICLE_BYTES", 100)
    write(tmp_path, "big.txt", "word " * 100)
    result = load_articles([tmp_path])
    assert result.articles == []
    assert "limit" in result.errors[0].message


def test_a_long_line_without_a_final_full_stop_is_prose_not_a_label() -> None:
    from dashboard.ingest import clean_text

    long_line = " ".join(["The council said on Monday that the bridge would reopen"] * 5)
    text, _ = clean_text(f"Bridge to reopen\n\n{long_line}\n\nPhoto: Jane Doe")
    assert long_line in text and "Photo" not in text


def test_reading_ahead_keeps_the_order_and_reports_like_reading_in_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many files are read by threads ahead of the loop: the articles and errors are what
    reading them one by one gives, in the same order, and a file too large to read ahead
    is read in its turn."""
    from dashboard import ingest, settings

    monkeypatch.setattr(settings, "MAX_ARTICLE_BYTES", 3_000)
    monkeypatch.setattr(ingest, "READ_AHEAD_MAX_BYTES", 1_000)
    rows = []
    for i in range(150):
        body = f"Story {i}\n\nThe council of town {i} voted on Monday to close bridge {i}.\n"
        if i % 40 == 7:
            body += "More words about the bridge and the vote. " * 40  # read in turn
        if i % 50 == 3:
            body = "word " * 1_000  # over the size limit
        write(tmp_path, f"{i:03}.txt", "" if i % 60 == 5 else body)
        rows.append(f"{i:03}.txt,Outlet {i % 7},2024-06-12,,,")
    manifest(tmp_path, rows)
    files, _ = ingest.expand_paths([tmp_path])
    assert len(files) > ingest.READ_AHEAD_BATCH * 2  # the threaded path, not the short one
    ahead = load_articles([tmp_path])
    one_by_one = [(path, ingest._file_bytes(path)) for path in files]
    monkeypatch.setattr(ingest, "_read_ahead", lambda paths: iter(one_by_one))
    in_turn = load_articles([tmp_path])
    assert [a.source_path for a in ahead.articles] == [a.source_path for a in in_turn.articles]
    assert ahead.articles == in_turn.articles and len(ahead.articles) == 150 - 3 - 3
    assert [(e.path, e.message) for e in ahead.errors] == [
        (e.path, e.message) for e in in_turn.errors
    ]
    reasons = {Path(e.path).name: e.message for e in ahead.errors}
    assert reasons["005.txt"] == "empty file" and "3,000-byte limit" in reasons["003.txt"]
    assert any("bridge and the vote" in a.text for a in ahead.articles)


def test_folders_are_read_in_path_order_without_hidden_or_unreadable_files(tmp_path):
    """expand_paths lists a folder's article files as strings in the order of their path
    components (pathlib's order: "a/z" before "a-b/a", unlike plain string order), skips
    hidden files and folders and files of other types, and names what it cannot read."""
    names = [
        "a/z.txt",
        "a-b/a.txt",
        "a.b/c.json",
        "ab.txt",
        "a/b/c/deep.html",
        "A/upper.txt",
        ".hidden/secret.txt",
        "a/.draft.txt",
        "a/notes.docx",
    ]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("Text.", encoding="utf-8")
    (tmp_path / "a" / "gone.txt").symlink_to(tmp_path / "missing.txt")
    from dashboard import ingest

    files, errors = ingest.expand_paths([tmp_path])
    expected = sorted(
        p
        for p in tmp_path.rglob("*")
        if p.is_file()
        and p.suffix in (".txt", ".json", ".html")
        and not any(part.startswith(".") for part in p.relative_to(tmp_path).parts)
    )
    assert files == [str(p) for p in expected]
    assert [Path(f).relative_to(tmp_path).as_posix() for f in files] == [
        "A/upper.txt",
        "a/b/c/deep.html",
        "a/z.txt",
        "a-b/a.txt",
        "a.b/c.json",
        "ab.txt",
    ]
    assert files != sorted(files)  # plain string order would differ
    assert [(Path(e.path).name, e.reason) for e in errors] == [("gone.txt", "not a file")]

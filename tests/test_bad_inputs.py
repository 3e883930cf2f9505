"""A big folder of articles with every kind of bad file in it: each bad file is reported
once by name with its reason, the rest builds, and the summary counts skips by reason."""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from dashboard.ingest import load_articles

ROOT = Path(__file__).resolve().parent.parent
# Good articles beside the bad files: 1,200 in CI (time); the 10,000-file folder is
# the same test run with STORYLINE_BAD_FOLDER_FILES=10000 (figures in docs/benchmarks.md).
GOOD = int(os.environ.get("STORYLINE_BAD_FOLDER_FILES", "1200"))


def article(k: int) -> str:
    day = 1 + k % 28
    return (
        f"Council member Anna Berg{k % 50} said on Monday that the bridge project number {k} "
        f"would start in March. The vote is due on Friday, officials said on {day} "
        "February.\n\nResidents have waited years for the crossing.\n"
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bad")
    rows = ["file,outlet,published"]
    for k in range(GOOD):
        name = f"a{k:05d}.txt"
        (root / name).write_text(article(k), encoding="utf-8")
        rows.append(f"{name},Outlet {k % 7},2024-02-{1 + k % 28:02d}")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.txt").write_bytes(b"  \n\n ")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (root / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    with (root / "huge.txt").open("wb") as huge:  # sparse: 200 MB on paper, nothing on disk
        huge.truncate(200 * 1024 * 1024)
    os.mkfifo(root / "pipe.txt")  # reading it would block for ever
    (root / "gone.txt").symlink_to(root / "nowhere.txt")
    (root / "folder.txt").mkdir()
    (root / "utf16.txt").write_bytes(article(1).encode("utf-16"))
    (root / "cp1252.txt").write_bytes("Café owner Zoë Brandt said on Monday …".encode("cp1252"))
    (root / "nav.html").write_text(
        "<html><body><nav><a href='/'>Home</a><a href='/news'>News</a></nav></body></html>"
    )
    (root / "broken.rss").write_text("<rss><channel><title>X</title><item><title>T")
    (root / "bad.jsonl").write_text('{"text": "fine line one about a vote on Friday."}\n{oops\n')
    # Unreadable by their permissions (for a build without root's file capabilities).
    (root / "secret.txt").write_text(article(7), encoding="utf-8")
    (root / "secret.html").write_text(f"<html><body><p>{article(8)}</p></body></html>")
    (root / "locked").mkdir()
    (root / "locked" / "inside.txt").write_text(article(9), encoding="utf-8")
    for name in ("secret.txt", "secret.html", "locked"):
        (root / name).chmod(0)
    return root


def test_every_bad_file_is_reported_once_with_its_reason_and_the_rest_loads(folder) -> None:
    result = load_articles([folder])
    by_file = Counter(Path(e.path).name.split(":")[0].split("#")[0] for e in result.errors)
    reasons = {Path(e.path).name.split(":")[0].split("#")[0]: e.message for e in result.errors}
    expected = {
        "empty.txt": "empty",
        "blank.txt": "empty",
        "binary.txt": "binary",
        "photo.html": "no article text",
        "huge.txt": "over the",
        "pipe.txt": "not a regular file",
        "gone.txt": "dangling",
        "folder.txt": "a folder",
        "nav.html": "no article text",
        "bad.jsonl": "not valid JSON",
    }
    for name, reason in expected.items():
        assert by_file[name] == 1, (name, by_file[name])
        assert reason in reasons[name], (name, reasons[name])
    names = {Path(a.source_path).name.split(":")[0] for a in result.articles}
    assert len([n for n in names if n.startswith("a")]) == GOOD
    assert {"utf16.txt", "cp1252.txt", "bad.jsonl"} <= names
    utf16 = next(a for a in result.articles if a.source_path.endswith("utf16.txt"))
    assert "Anna Berg1" in utf16.text


def storyline_build(folder: Path, db: Path, **options) -> subprocess.CompletedProcess[str]:
    """`storyline build FOLDER --db DB` in a subprocess, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "build", str(folder), "--db", str(db)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=600,
        **options,
    )


# Linux capability numbers (linux/capability.h) and prctl's "drop from the bounding set".
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, PR_CAPBSET_DROP = 1, 2, 24


def _without_file_capabilities() -> None:
    """Run in the child before exec: as root, give up the capabilities that let root read
    any file, so that file permissions apply to the build as to any user (tests run as root
    here). A process that is not root has nothing to give up."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def test_the_build_goes_on_and_counts_skips_by_reason(folder: Path, tmp_path: Path) -> None:
    """A real build, where file permissions apply (tests run as root, who could read the
    unreadable files): every bad file named once with its reason, counted in the summary."""
    result = storyline_build(folder, tmp_path / "s.db", preexec_fn=_without_file_capabilities)
    assert result.returncode == 0, result.stderr
    assert "summary:" in result.stderr
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    for name in ("empty.txt", "pipe.txt", "huge.txt", "nav.html", "gone.txt"):
        assert sum(name in line for line in skipped) == 1, name
        # and nowhere else in what the build prints (once, in the report)
        named = [line for line in result.stderr.splitlines() if os.sep + name in line]
        assert named == [line for line in skipped if os.sep + name in line], named
    for name in ("secret.txt", "secret.html", "locked"):
        lines = [line for line in skipped if line.split(":")[0].endswith(os.sep + name)]
        assert len(lines) == 1 and "Permission denied" in lines[0], (name, lines)
    assert "folder cannot be read" in next(line for line in skipped if "locked" in line)
    assert re.search(r"^\s+3\s+unreadable$", result.stderr, re.MULTILINE), result.stderr
    assert f"articles: {GOOD + 3}," in result.stdout  # the good ones, utf16, cp1252, bad.jsonl

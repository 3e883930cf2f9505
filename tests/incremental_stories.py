"""Hand-written articles for incremental-build tests: three happenings months apart, each
reported by several outlets, and a late report of the first (tests/test_incremental.py,
tests/test_dask_engine.py)."""

from __future__ import annotations

from pathlib import Path

# Three happenings months apart, each reported by several outlets; a late fourth report of
# the first arrives in a second batch.
STORIES = {
    "x1.txt": (
        "Harbour Times",
        "2025-03-10",
        "The port authority will close the northern harbour on 14 March, its director Karl "
        "Jensen said on Monday. Fishing boats must move to the southern quay.",
    ),
    "x2.txt": (
        "Coast Daily",
        "2025-03-11",
        "Port authority director Karl Jensen said the northern harbour would close on 14 "
        "March. Boat owners were told to use the southern quay.",
    ),
    "y1.txt": (
        "City Post",
        "2025-06-19",
        "Mayor Lena Ortiz opened the new central library on 18 June. The building cost 40 "
        "million euros.",
    ),
    "y2.txt": (
        "Evening Star",
        "2025-06-20",
        "The new central library was opened by Mayor Lena Ortiz on 18 June, after four years "
        "of work.",
    ),
    "y3.txt": (
        "Radio North",
        "2025-06-21",
        "Mayor Lena Ortiz opened the central library on 18 June and thanked the builders.",
    ),
    "z1.txt": (
        "City Post",
        "2025-01-15",
        "The transport minister Ana Silva announced on 14 January that tram fares will rise.",
    ),
    "z2.txt": (
        "Radio North",
        "2025-01-16",
        "Tram fares will rise, transport minister Ana Silva announced on 14 January.",
    ),
}
LATE = {
    "x3.txt": (
        "Bay Courier",
        "2025-03-12",
        "Karl Jensen, director of the port authority, said the northern harbour will close on "
        "14 March. Fishing boats are moving to the southern quay.",
    ),
}


def write_articles(folder: Path, items: dict[str, tuple[str, str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["file,outlet,published"]
    for name, (outlet, day, text) in items.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
        rows.append(f"{name},{outlet},{day}")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder

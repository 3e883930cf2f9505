"""Read TimeBank/AQUAINT TimeML: the TEXT element's plain text, its gold TIMEX3s and the DCT.

Standard library only, so the HeidelTime runner (another venv) can import it too.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TBAQ = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "tbaq"


@dataclass(frozen=True, slots=True)
class GoldTimex:
    """A gold TIMEX3 in a document's TEXT, with offsets into that text."""

    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(frozen=True, slots=True)
class Document:
    """One TimeML document: its id, creation date (YYYY-MM-DD), TEXT and gold timexes."""

    id: str
    dct: str
    text: str
    gold: tuple[GoldTimex, ...]


def tbaq_dir() -> Path:
    """The TBAQ folder: $TBAQ_DIR or ../shared/data/tbaq next to the repository."""
    return Path(os.environ.get("TBAQ_DIR", DEFAULT_TBAQ))


def _walk(node: ET.Element, parts: list[str], gold: list[GoldTimex], offset: int) -> int:
    """Append node's text to parts, recording TIMEX3 spans; returns the new offset."""
    start = offset
    if node.text:
        parts.append(node.text)
        offset += len(node.text)
    for child in node:
        offset = _walk(child, parts, gold, offset)
        if child.tail:
            parts.append(child.tail)
            offset += len(child.tail)
    if node.tag == "TIMEX3":
        text = "".join(parts)[start:offset]
        gold.append(GoldTimex(start, offset, text, node.get("type", ""), node.get("value", "")))
    return offset


def read_document(path: Path) -> Document:
    """Parse one .tml file; raises ValueError naming the file when it is not TimeML."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ValueError(f"{path}: not well-formed XML ({exc})") from exc
    body = root.find("TEXT")
    if body is None:
        raise ValueError(f"{path}: no TEXT element")
    dct = next(
        (
            t.get("value", "")
            for t in root.iter("TIMEX3")
            if t.get("functionInDocument") == "CREATION_TIME"
        ),
        "",
    )
    parts: list[str] = []
    gold: list[GoldTimex] = []
    _walk(body, parts, gold, 0)
    text = "".join(parts)
    # the TEXT element's own TIMEX3 walk appends in closing order; keep text order
    gold.sort(key=lambda g: g.start)
    return Document(path.stem, dct[:10], text, tuple(gold))


def read_corpus(folder: Path | None = None) -> list[Document]:
    """Every .tml document under the TBAQ folder, sorted by id."""
    folder = folder or tbaq_dir()
    return [read_document(p) for p in sorted(folder.rglob("*.tml"), key=lambda p: p.name)]

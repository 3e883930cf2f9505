"""Record every regular expression that code in ``dashboard/`` compiles, and how it is used.

Run as a script in a fresh interpreter (``python tests/regex_inventory.py OUT.json``): it hooks
``re._compile`` before ``dashboard`` is imported, runs the whole pipeline on the articles given
on the command line (which exercises patterns that are compiled lazily), and writes one record
per pattern: its source, flags, where it was compiled and the methods called on it.
The standard library has no registry of compiled patterns, hence the hook.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = str(Path(__file__).resolve().parent.parent / "dashboard")
METHODS = frozenset({"search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"})

_where: dict[tuple[str, int], str] = {}
_used: dict[tuple[str, int], set[str]] = defaultdict(set)
_original = re._compile  # type: ignore[attr-defined]


class _Recorded:
    """A compiled pattern that notes which matching methods are called on it."""

    def __init__(self, compiled: re.Pattern[str], key: tuple[str, int]) -> None:
        self._compiled = compiled
        self._key = key

    def __getattr__(self, name: str) -> object:
        if name in METHODS:
            _used[self._key].add(name)
        return getattr(self._compiled, name)


def _caller_in_package() -> str | None:
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(re.__path__[0]):
        frame = frame.f_back
    if frame is None or not frame.f_code.co_filename.startswith(PACKAGE):
        return None
    return f"{Path(frame.f_code.co_filename).relative_to(Path(PACKAGE).parent)}:{frame.f_lineno}"


def _recording_compile(pattern: object, flags: int) -> object:
    if isinstance(pattern, _Recorded):
        return pattern
    compiled = _original(pattern, flags)
    if not isinstance(pattern, str):
        return compiled
    where = _caller_in_package()
    if where is None:
        return compiled
    key = (pattern, int(compiled.flags))
    _where.setdefault(key, where)
    return _Recorded(compiled, key)


def main(argv: list[str]) -> int:
    """Record the patterns used while building ``argv[1:]`` into the JSON file ``argv[0]``."""
    re._compile = _recording_compile  # type: ignore[attr-defined]
    import dashboard
    from dashboard.pipeline import run

    # Module-level patterns of every module, also those the pipeline does not import; the
    # Streamlit pages run a script when imported, so they are left to the pipeline's calls.
    for module in pkgutil.walk_packages(dashboard.__path__, "dashboard."):
        if not module.name.rsplit(".", 1)[-1].startswith(("app", "ui_", "views", "__main__")):
            importlib.import_module(module.name)

    inputs = [p for p in argv[1:] if Path(p).exists()]
    try:
        run(inputs)
    except Exception as exc:  # noqa: BLE001 - the inventory is still useful after a failure
        print(f"pipeline failed while recording: {exc!r}", file=sys.stderr)
    records = [
        {"pattern": p, "flags": f, "where": _where[(p, f)], "methods": sorted(_used[(p, f)])}
        for (p, f) in _where
    ]
    Path(argv[0]).write_text(json.dumps(records, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

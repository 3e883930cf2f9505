"""The CI dependency audit (bench/audit.py) decides from pip-audit's report and exit code:
vulnerable fails, clean passes, an unreachable service is said out loud and does not fail."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).resolve().parent.parent / "bench"))

from audit import decide  # noqa: E402

CLEAN = {"dependencies": [{"name": "pandas", "version": "2.2.3", "vulns": []}]}
VULNERABLE = {
    "dependencies": [
        {"name": "pandas", "version": "2.2.3", "vulns": []},
        {
            "name": "jinja2",
            "version": "3.1.2",
            "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"], "aliases": []}],
        },
    ]
}
ALL_SKIPPED = {
    "dependencies": [
        {"name": n, "skip_reason": f"Dependency not found on PyPI and could not be audited: {n}"}
        for n in ("pandas", "duckdb", "streamlit")
    ]
}
SOME_SKIPPED = {
    "dependencies": [
        {"name": "pandas", "version": "2.2.3", "vulns": []},
        {"name": "storyline", "skip_reason": "Dependency not found on PyPI"},
    ]
}
CONNECTION = (
    "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org', port=443): "
    "Max retries exceeded with url: /pypi/pandas/2.2.3/json"
)


@pytest.mark.parametrize(
    ("returncode", "report", "stderr", "code", "says"),
    [
        (0, CLEAN, "", 0, "no known vulnerabilities in 1 audited packages"),
        (1, VULNERABLE, "Found 1 known vulnerability", 1, "VULNERABLE jinja2 3.1.2"),
        (0, ALL_SKIPPED, "No known vulnerabilities found", 0, "AUDIT NOT DONE"),
        (0, SOME_SKIPPED, "", 0, "not audited (1): storyline"),
        (1, None, CONNECTION, 0, "AUDIT NOT DONE: the vulnerability service could not be reached"),
        (1, None, "Traceback ...\nKeyError: 'info'", 2, "pip-audit failed (exit 1)"),
        (3, CLEAN, "some other failure", 2, "pip-audit exited 3"),
    ],
    ids=[
        "clean",
        "vulnerable",
        "unreachable-all-skipped",
        "partly-skipped",
        "unreachable-error",
        "broken",
        "odd-exit",
    ],
)
def test_audit_verdicts(returncode, report, stderr, code, says) -> None:
    verdict = decide(returncode, json.dumps(report) if report is not None else "", stderr)
    assert verdict.code == code, verdict.lines
    assert any(says in line for line in verdict.lines), verdict.lines


def test_vulnerable_report_names_the_fix() -> None:
    verdict = decide(1, json.dumps(VULNERABLE), "")
    assert "VULNERABLE jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fix: 3.1.3)" in verdict.lines

"""Dependency audit for CI: run pip-audit on the project venv and decide what CI does.

Known-vulnerable versions fail (exit 1). When the vulnerability service cannot be reached,
pip-audit either errors out or skips every package ("not found on PyPI") and still says "No
known vulnerabilities found"; this script says plainly that nothing was audited and exits 0,
so an unreachable service alone never fails CI but never passes silently either.

    .venv/bin/python bench/audit.py          # what `make audit` runs
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

COMMAND = ("-m", "pip_audit", "--format", "json", "--progress-spinner", "off", "--local")
# Words in pip-audit's error output that mean the service was not reached.
UNREACHABLE_SIGNS = (
    "connectionerror",
    "connection error",
    "max retries exceeded",
    "name or service not known",
    "temporary failure in name resolution",
    "timed out",
    "network is unreachable",
    "connection refused",
    "failed to establish a new connection",
    "ssl",
)


@dataclass(slots=True)
class Verdict:
    """What CI does (exit code) and what it prints."""

    code: int
    lines: list[str] = field(default_factory=list)


def decide(returncode: int, stdout: str, stderr: str) -> Verdict:
    """Read pip-audit's JSON report and exit code: vulnerable, clean, or not audited."""
    try:
        report = json.loads(stdout) if stdout.strip() else None
    except json.JSONDecodeError:
        report = None
    if report is None:
        if any(sign in stderr.lower() for sign in UNREACHABLE_SIGNS):
            return Verdict(
                0,
                [
                    "AUDIT NOT DONE: the vulnerability service could not be reached; "
                    "no package was checked for known vulnerabilities.",
                    *_tail(stderr),
                ],
            )
        return Verdict(
            2, [f"pip-audit failed (exit {returncode}) without a report:", *_tail(stderr)]
        )
    deps = report.get("dependencies", []) if isinstance(report, dict) else report
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if d.get("skip_reason")]
    audited = len(deps) - len(skipped)
    lines = []
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            lines.append(
                f"VULNERABLE {dep['name']} {dep.get('version', '?')}: {vuln['id']} (fix: {fixes})"
            )
    if deps and audited == 0:
        lines.insert(
            0,
            f"AUDIT NOT DONE: the vulnerability service answered for none of {len(deps)} "
            "packages (it is unreachable from here); nothing was checked.",
        )
        return Verdict(0, lines)
    if skipped:
        names = ", ".join(sorted(d["name"] for d in skipped))
        lines.append(f"not audited ({len(skipped)}): {names}")
    if vulnerable:
        lines.append(f"{len(vulnerable)} of {audited} audited packages have known vulnerabilities")
        return Verdict(1, lines)
    if returncode != 0:
        return Verdict(2, [*lines, f"pip-audit exited {returncode}:", *_tail(stderr)])
    lines.append(f"no known vulnerabilities in {audited} audited packages")
    return Verdict(0, lines)


def _tail(text: str, lines: int = 5) -> list[str]:
    return ["  " + line for line in text.strip().splitlines()[-lines:]]


def main() -> int:
    result = subprocess.run(
        [sys.executable, *COMMAND],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=600,
    )
    verdict = decide(result.returncode, result.stdout, result.stderr)
    print("\n".join(verdict.lines))
    return verdict.code


if __name__ == "__main__":
    raise SystemExit(main())

"""What a hosted deployment reads: requirements.txt, .streamlit/config.toml, `make run`."""

from __future__ import annotations

import re
import subprocess
import tomllib
from fnmatch import fnmatch
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
RUNTIME = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]

# Streamlit Community Cloud installs the first of these it finds, looking in the entry
# file's folder and then the repository root; pyproject.toml is read as a Poetry project.
CLOUD_ORDER = ("uv.lock", "Pipfile", "environment.yml", "requirements.txt", "pyproject.toml")
ENTRY = ROOT / "dashboard" / "app.py"

# Streamlit's own background colours for its light and dark base themes.
BACKGROUNDS = {"light": "#ffffff", "dark": "#171614"}

# Lines of requirements.txt that install this project (with its dependencies).
PROJECT_LINE = re.compile(r"^(-e\s+)?\.(\[[\w,\s-]*\])?$")


def requirement_lines(path: Path) -> list[str]:
    """Non-blank, non-comment lines of a requirements file."""
    lines = (line.split(" #")[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def covered_by(lines: list[str]) -> set[str]:
    """Canonical names of the packages a requirements file installs, the project's included."""
    names: set[str] = set()
    for line in lines:
        if PROJECT_LINE.match(line):
            names |= {canonicalize_name(r.name) for r in RUNTIME}
            names.add(canonicalize_name(PYPROJECT["project"]["name"]))
        elif not line.startswith("-"):
            names.add(canonicalize_name(Requirement(line).name))
    return names


@pytest.mark.parametrize(
    "lines, complete",
    [
        (["-e ."], True),
        (["."], True),
        (["streamlit>=1.55", "pandas"], False),
        ([str(r) for r in RUNTIME], True),
    ],
)
def test_coverage_check_tells_complete_from_partial_files(lines, complete) -> None:
    assert ({canonicalize_name(r.name) for r in RUNTIME} <= covered_by(lines)) is complete


def test_requirements_txt_installs_every_runtime_dependency() -> None:
    lines = requirement_lines(ROOT / "requirements.txt")
    missing = {canonicalize_name(r.name) for r in RUNTIME} - covered_by(lines)
    assert not missing, f"requirements.txt does not install {sorted(missing)}"


def test_requirements_txt_installs_the_project_editable() -> None:
    # settings.SEEDS_DIR sits beside the package: a copy in site-packages would not find it.
    assert "-e ." in requirement_lines(ROOT / "requirements.txt")


def test_no_dependency_file_shadows_requirements_txt_on_community_cloud() -> None:
    beside_entry = [name for name in CLOUD_ORDER if (ENTRY.parent / name).exists()]
    assert not beside_entry, f"{ENTRY.parent} has {beside_entry}: Community Cloud reads it first"
    at_root = [name for name in CLOUD_ORDER if (ROOT / name).exists()]
    assert at_root[:1] == ["requirements.txt"], f"Community Cloud would install from {at_root[0]}"


@pytest.mark.parametrize("requirement", RUNTIME, ids=str)
def test_each_runtime_dependency_is_installed_at_an_allowed_version(requirement) -> None:
    version = metadata.version(requirement.name)
    assert requirement.specifier.contains(version, prereleases=True), (requirement, version)


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        rgb = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    low, high = sorted((luminance(foreground), luminance(background)))
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    "fg, bg, ratio", [("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0)]
)
def test_contrast_matches_the_wcag_extremes(fg, bg, ratio) -> None:
    assert contrast(fg, bg) == pytest.approx(ratio)


@pytest.mark.parametrize("scheme", sorted(BACKGROUNDS))
def test_each_theme_keeps_its_colours_visible(scheme: str) -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert "base" not in config["theme"], "a fixed base would override the viewer's setting"
    theme = config["theme"][scheme]
    background = theme.get("backgroundColor", BACKGROUNDS[scheme])
    # WCAG 1.4.11 asks 3:1 for interface components; chart marks get a looser 2:1.
    assert contrast(theme["primaryColor"], background) >= 3.0
    colours = theme["chartCategoricalColors"]
    assert len(set(colours)) == len(colours) >= 6
    low = {c: round(contrast(c, background), 2) for c in colours if contrast(c, background) < 2}
    assert not low, f"{scheme} chart colours too close to the background: {low}"


def test_make_run_listens_on_host_and_port() -> None:
    out = subprocess.run(
        ["make", "-n", "run", "HOST=0.0.0.0", "PORT=9123", "DB=/nonexistent/s.duckdb"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--server.address 0.0.0.0 --server.port 9123" in out


@pytest.mark.parametrize("scheme", sorted(BACKGROUNDS))
def test_chart_colours_set_on_figures_read_on_either_theme(scheme: str) -> None:
    """Figures carry their own colours (status and outlet colours): each must read on both
    themes' backgrounds, since a figure does not know which one the viewer has."""
    import pandas as pd

    from dashboard import charts

    colours = [*charts.palette().values(), *charts.categorical_colours()]
    low = {c: round(contrast(c, BACKGROUNDS[scheme]), 2) for c in colours}
    assert not {c: r for c, r in low.items() if r < 2}, f"too faint on {scheme}: {low}"
    articles = pd.DataFrame(
        {"outlet": ["Daily Post", None, "Wire"], "published": ["2024-03-01"] * 3}
    )
    fig = charts.articles_figure(articles)
    assert list(fig.layout.colorway) == charts.categorical_colours()


def test_a_non_editable_install_carries_every_file_the_package_reads() -> None:
    """Every file under dashboard/ that is not Python source (lexicons, patterns, the
    timeline component's page and scripts) matches a package-data pattern of
    pyproject.toml, so `pip install .` (not only -e) ships it."""
    package = ROOT / "dashboard"
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["dashboard"]
    data = [
        p.relative_to(package).as_posix()
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    assert any(name.startswith("static/timeline/") for name in data)
    missing = [name for name in data if not any(fnmatch(name, pat) for pat in patterns)]
    assert missing == []

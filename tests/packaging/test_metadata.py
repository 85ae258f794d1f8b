"""Package metadata: one version source, the tested Python floor, bounds, no dev extra."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import respnb
from respnb._version import __version__

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_one_version_source_and_js_package_in_sync() -> None:
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "src/respnb/_version.py"
    assert respnb.__version__ == __version__
    js = json.loads((ROOT / "js" / "package.json").read_text(encoding="utf-8"))
    assert js["version"] == __version__, "bump js/package.json together with _version.py"


def test_python_floor_matches_ci_and_tools() -> None:
    assert PYPROJECT["project"]["requires-python"] == ">=3.11"
    assert PYPROJECT["tool"]["ruff"]["target-version"] == "py311"
    assert PYPROJECT["tool"]["mypy"]["python_version"] == "3.11"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Python >= 3.11" in readme


def test_bounds_and_no_published_dev_extra() -> None:
    deps = PYPROJECT["project"]["dependencies"]
    assert "httpx>=0.27,<1" in deps and "pydantic>=2.7,<3" in deps
    assert "pandas>=2.2.2" in deps  # older pandas does not load with numpy 2
    extras = PYPROJECT["project"].get("optional-dependencies", {})
    assert "test" not in extras and "dev" not in extras
    dev = " ".join(PYPROJECT["dependency-groups"]["dev"])
    for tool in ("pytest", "mypy", "ruff", "playwright", "jupyterlab", "import-linter", "marimo"):
        assert tool in dev


def test_license_urls_classifiers() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert {"Homepage", "Source", "Issues"} <= set(project["urls"])
    assert "Programming Language :: Python :: 3.11" in project["classifiers"]
    assert not any("3.10" in c for c in project["classifiers"])


def test_sdist_and_wheel_carry_the_bundle() -> None:
    build = PYPROJECT["tool"]["hatch"]["build"]["targets"]
    assert "src/respnb/static/*" in build["wheel"]["artifacts"]
    assert "src/respnb/static/*" in build["sdist"]["artifacts"]

"""`make lint` is set up as the README says: ruff (lint and format check) and mypy with the pydantic plugin."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_ruff_and_mypy_are_configured_in_pyproject_and_installed_with_the_test_extra() -> None:
    ruff, mypy = PYPROJECT["tool"]["ruff"], PYPROJECT["tool"]["mypy"]
    assert ruff["line-length"] == 120
    assert {"E", "F", "W", "I", "B", "UP"} <= set(ruff["lint"]["select"])
    assert "pydantic.mypy" in mypy["plugins"]
    test_extra = " ".join(PYPROJECT["project"]["optional-dependencies"]["test"])
    assert "ruff" in test_extra and "mypy" in test_extra


def test_make_lint_runs_both_checks_and_ci_lints_before_testing() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert lint is not None, "the Makefile has no lint target"
    assert "ruff check" in lint[1] and "ruff format --check" in lint[1] and "mypy" in lint[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    steps = [line for line in ci.splitlines() if line.startswith("make")]
    assert steps == ["make lint", "make test"]

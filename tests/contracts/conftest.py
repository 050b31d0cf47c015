"""The version ranges pyproject.toml pins, for the contract tests to check the installed versions against."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version.split("+")[0])[:3])


def _pins() -> dict[str, tuple[str, str]]:
    """``{package: (lower, upper)}`` from ``"name>=lower,<upper"`` runtime dependencies."""
    found = {}
    for requirement in tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"]:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+),<([0-9.]+)", requirement.replace(" ", ""))
        if match:
            found[match[1].lower()] = (match[2], match[3])
    return found


@pytest.fixture
def assert_within_pins() -> Callable[[str, str], None]:
    """Check that ``package`` at ``version`` is inside the ``>=lower,<upper`` range pyproject.toml pins."""

    def check(package: str, version: str) -> None:
        pins = _pins()
        assert package in pins, f"pyproject.toml does not pin {package} as '{package}>=LOWER,<UPPER'; pin it"
        lower, upper = pins[package]
        assert _release(lower) <= _release(version) < _release(upper), (
            f"{package} {version} is installed, outside the tested range >={lower},<{upper} in pyproject.toml"
        )

    return check

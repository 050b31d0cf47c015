"""Imports run down the layers: the command line and the delivery queue sit on top of the rest.

``framework.testing`` (the suite destination authors run), ``framework.instance`` and everything
below them must not import ``framework.cli`` or ``framework.delivery``: a catalog page or an account
key needed there belongs below both. Checked on the source, so a lazy import inside a function counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

FRAMEWORK = Path(__file__).resolve().parents[1] / "framework"
UPPER_LAYERS = ("framework.cli", "framework.delivery")
# intake hands requests to the delivery queue; the console shows and re-drives it.
ABOVE_THE_CHECKED_LAYERS = {"cli", "delivery", "intake", "console"}


def _checked_modules() -> list[Path]:
    return sorted(
        path for path in FRAMEWORK.rglob("*.py") if path.relative_to(FRAMEWORK).parts[0] not in ABOVE_THE_CHECKED_LAYERS
    )


def _imported_names(path: Path) -> list[tuple[int, str]]:
    names: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append((node.lineno, node.module))
    return names


def _upward_imports(path: Path) -> list[str]:
    return [
        f"{path.relative_to(FRAMEWORK.parent)}:{line} imports {name}"
        for line, name in _imported_names(path)
        if any(name == layer or name.startswith(layer + ".") for layer in UPPER_LAYERS)
    ]


def test_the_checked_layers_include_testing_and_instance() -> None:
    packages = {path.relative_to(FRAMEWORK).parts[0] for path in _checked_modules()}
    assert {"testing", "instance", "http", "definition", "catalog"} <= packages


@pytest.mark.parametrize("path", _checked_modules(), ids=lambda path: str(path.relative_to(FRAMEWORK)))
def test_no_module_below_the_command_line_and_delivery_imports_them(path: Path) -> None:
    assert _upward_imports(path) == []

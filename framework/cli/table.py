"""Plain-text tables for terminal output: aligned columns, a header rule, nothing else.

Kept tiny on purpose (no colour, no wrapping) so output pastes cleanly into issues and CI logs.

>>> print(render_table(["action", "delivered"], [["prospects", 3]]))
action     delivered
---------  ---------
prospects          3
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

__all__ = ["render_table", "display_width"]


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters count two, combining marks zero."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, indent: str = "") -> str:
    """Render rows under headers; numbers are right-aligned, everything else left-aligned."""
    cells = [[_cell(value) for value in row] for row in rows]
    numeric = [all(_is_number(row[i]) for row in rows) and bool(rows) for i in range(len(headers))]
    widths = [
        max([display_width(header)] + [display_width(row[i]) for row in cells]) for i, header in enumerate(headers)
    ]
    lines = [_line(headers, widths, numeric), _line(["-" * w for w in widths], widths, numeric)]
    lines += [_line(row, widths, numeric) for row in cells]
    return "\n".join(indent + line.rstrip() for line in lines)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _line(values: Sequence[str], widths: list[int], numeric: list[bool]) -> str:
    parts = []
    for value, width, right in zip(values, widths, numeric, strict=False):
        pad = " " * (width - display_width(value))
        parts.append(pad + value if right else value + pad)
    return "  ".join(parts)

"""Why a destination failed to import, in one line that points at the author's own file.

A broken definition fails deep inside pydantic or importlib, whose files mean nothing to the person
who wrote the destination; pydantic's report also spans several lines. The registry (installed
plugins) and the CLI (``--path`` folders) both describe such failures with ``describe_import_error``.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

__all__ = ["describe_import_error", "one_line"]


def describe_import_error(error: BaseException, package: Path | None = None) -> str:
    """One line naming the author's own file and line, and what is wrong there.

    The frame that matters is the last one inside ``package`` (the destination's folder, when known):
    a definition error is raised deep in pydantic, whose file means nothing to the author. Pydantic's
    multi-line report becomes one ``Model.field: message (got value)`` per problem.
    """
    frames = traceback.extract_tb(error.__traceback__)
    inside = [frame for frame in frames if package is not None and _is_under(frame.filename, package)]
    candidates = inside or frames
    frame = candidates[-1] if candidates else None
    where = f"{frame.filename}:{frame.lineno}: " if frame is not None else ""
    return f"{where}{type(error).__name__}: {_error_text(error)}"


def _error_text(error: BaseException) -> str:
    details = getattr(error, "errors", None)
    if not callable(details) or not hasattr(error, "title"):
        return one_line(str(error))
    try:
        problems = [_pydantic_problem(str(error.title), item) for item in details()]
    except Exception:  # an unexpected shape: the plain text, flattened, is still better than nothing
        return one_line(str(error))
    return "; ".join(problems)


def _pydantic_problem(model: str, item: dict[str, Any]) -> str:
    where = ".".join([model, *(str(part) for part in item.get("loc", ()))])
    message = str(item.get("msg", "")).removeprefix("Value error, ")
    value = item.get("input")
    shown = f" (got {value!r})" if isinstance(value, (str, int, float, bool)) and len(repr(value)) <= 60 else ""
    return f"{where}: {message}{shown}"


def _is_under(filename: str, package: Path) -> bool:
    try:
        return Path(filename).resolve().is_relative_to(package.resolve())
    except (OSError, ValueError):
        return False


def one_line(text: str) -> str:
    """Multi-line exception text (pydantic's) as one line, without its links to pydantic's docs."""
    lines = [line.strip() for line in text.splitlines() if "errors.pydantic.dev" not in line]
    return " ".join(line for line in lines if line)

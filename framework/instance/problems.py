"""Collecting every configuration problem before failing, so one load shows the whole list.

A problem is recorded with the part of the config it belongs to (``settings``, ``auth``, the index of a
subscription…) so that a file loader can prefix it with the file and line where that part starts.
``InstanceConfigError`` carries the rendered messages in ``.errors``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["InstanceConfigError", "LineFinder", "Problem", "Problems", "subscription_label"]

LineFinder = Callable[[str, "int | None", "tuple[str, ...]"], "int | None"]
"""(section, subscription index, key path such as ``("mapping", "email")``) → the line it is on, if known."""


class InstanceConfigError(ValueError):
    """The instance config cannot be loaded; ``.errors`` lists every problem, each located."""

    def __init__(self, errors: list[str], source: str | None = None) -> None:
        self.errors = list(errors)
        self.source = source
        where = f" in {source}" if source else ""
        count = f"{len(errors)} problem{'s' if len(errors) != 1 else ''}"
        bullets = "\n".join(f"  - {error}" for error in errors)
        super().__init__(f"The destination instance config has {count}{where}:\n{bullets}")


def subscription_label(index: int, name: str | None) -> str:
    """``subscriptions[3] ("Upsert prospects")``: how every message names a subscription."""
    return f'subscriptions[{index}] ("{name}")' if name else f"subscriptions[{index}]"


@dataclass(frozen=True)
class Problem:
    """One problem: which part of the config (``section``, subscription ``index``, the ``key`` path inside
    it such as ``("mapping", "email")``) and the message."""

    section: str
    index: int | None
    message: str
    key: tuple[str, ...] = ()


@dataclass
class Problems:
    """An ordered collection of problems, raised together as one :class:`InstanceConfigError`."""

    items: list[Problem] = field(default_factory=list)

    def add(self, section: str, message: str, index: int | None = None, key: tuple[str, ...] = ()) -> None:
        """Record a problem in ``section`` (and subscription ``index``, at ``key`` inside it when known)."""
        self.items.append(Problem(section, index, message, key))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, source: str | None = None, line_for: LineFinder | None = None) -> None:
        """Raise :class:`InstanceConfigError` when any problem was recorded, prefixed by file and line."""
        if not self.items:
            return
        raise InstanceConfigError([self._render(p, source, line_for) for p in self.items], source)

    @staticmethod
    def _render(problem: Problem, source: str | None, line_for: LineFinder | None) -> str:
        if source is None:
            return problem.message
        line = line_for(problem.section, problem.index, problem.key) if line_for else None
        return f"{source}:{line}: {problem.message}" if line else f"{source}: {problem.message}"

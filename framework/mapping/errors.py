"""The errors the mapping kit raises on purpose, and nothing else.

Hierarchy::

    MappingError(ValueError)          base: anything wrong with a mapping or while resolving one
    ├── MappingValidationError        the mapping's structure is invalid (found once, at compile time);
    │                                 .errors lists every problem, each starting with its location
    └── MappingResolutionError        resolving failed for one event (event not an object, a directive
                                      whose options only fail at run time, a Liquid template error)
"""

from __future__ import annotations

__all__ = ["MappingError", "MappingValidationError", "MappingResolutionError"]


class MappingError(ValueError):
    """Base class of every error the mapping kit raises deliberately."""


class MappingValidationError(MappingError):
    """A mapping is structurally invalid; ``errors`` holds one located message per problem.

    Messages are Segment's, e.g. ``/hash/@template should be a string or a mapping directive but it is
    an object.``, so a mapping rejected by Segment is rejected here with the same words.
    """

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        summary = "; ".join(self.errors) if len(self.errors) <= 3 else f"{len(self.errors)} errors"
        super().__init__(f"invalid mapping: {summary}")


class MappingResolutionError(MappingError):
    """Resolving a valid mapping against one event failed; the message is Segment's where it has one."""

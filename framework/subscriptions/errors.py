"""FQLSyntaxError: the one error a trigger raises, pointing at the column that is wrong."""

from __future__ import annotations

__all__ = ["FQLSyntaxError"]


class FQLSyntaxError(ValueError):
    """A trigger that cannot be parsed (or that Segment would silently misread).

    `.position` is the 0-based offset into the text, `.column` the 1-based column a person counts,
    `.text` the trigger. The message names the column and what was expected there, for example
    ``FQL syntax error at column 13: expected a value after '=', got end of trigger``.
    """

    def __init__(self, reason: str, position: int, text: str) -> None:
        self.reason = reason
        self.position = position
        self.column = position + 1
        self.text = text
        super().__init__(f"FQL syntax error at column {self.column}: {reason}")

"""Test harness for destination authors (filled in by the testing part)."""

__all__: list[str] = []

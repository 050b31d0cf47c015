"""Segment's ``removeEmptyValues``: drop empty values a mapping produced before validating them.

A mapping often resolves to ``None`` or ``""`` when the event lacks a value. Segment removes such
values where the field's schema would reject them (``None`` unless the field allows null, ``""``
unless it is a string), and at the top level of a single event removes every ``""``, so a required
field mapped to an empty string reads as missing rather than as an odd type error. In batches the
top-level ``""`` is kept (Segment passes ``isRoot = false`` there).
"""

from __future__ import annotations

from typing import Any, Final

from framework.definition.schema_nodes import Node, ObjectNode

__all__ = ["REMOVED", "strip_empty_object", "strip_empty"]


class _Removed:
    def __repr__(self) -> str:
        return "REMOVED"


REMOVED: Final = _Removed()


def strip_empty_object(obj: ObjectNode, value: dict[str, Any], *, root: bool) -> dict[str, Any]:
    """A copy of ``value`` without its empty values (``root``: also every top-level ``""``)."""
    cleaned: dict[str, Any] = {}
    properties = obj.properties
    for key, item in value.items():
        if type(item) is not str or not item:  # a non-empty string is kept whatever its field (the usual case)
            node = properties.get(key)
            if node is not None:
                item = strip_empty(node, item)
            if item is REMOVED or (root and item == ""):
                continue
        cleaned[key] = item
    return cleaned


def strip_empty(node: Node, value: Any) -> Any:
    """``value`` without empty members, or REMOVED when ``value`` itself is empty for ``node``."""
    if type(value) is str and value:  # the usual mapped value, first: nothing to strip
        return value
    if isinstance(value, list) and node.items is not None:
        # Segment filters list items on their cleaned form but keeps the items themselves uncleaned.
        return [item for item in value if strip_empty(node.items, item) is not REMOVED]
    if isinstance(value, dict) and node.obj is not None:
        return strip_empty_object(node.obj, value, root=False)
    if value is None and "null" not in node.types:
        return REMOVED
    if isinstance(value, str) and value == "" and "string" not in node.types:
        return REMOVED
    return value

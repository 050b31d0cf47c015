"""The root-level directive: ``__segment_internal_directive`` wraps the whole mapping in one directive.

Segment lets a mapping's top level carry ``{"__segment_internal_directive": {"@transform": {"apply":
…}}}``: every other top-level key becomes that directive's ``mapping`` option, so a pre-processing step
(``apply``) runs before the customer's fields. :func:`root_mapping` performs that rewrite (without
mutating the caller's mapping, unlike Segment) and also reproduces what Segment does to a top level
that is not an object (it spreads it: a string becomes ``{"0": "n", "1": "e", …}``, a number ``{}``).
"""

from __future__ import annotations

from typing import Any, Final, cast

from framework.mapping.errors import MappingValidationError

__all__ = ["ROOT_DIRECTIVE_KEY", "root_mapping"]

ROOT_DIRECTIVE_KEY: Final = "__segment_internal_directive"


def _spread(value: Any) -> dict[str, Any]:
    """JS ``{...value}``: own enumerable keys of objects, arrays and strings; nothing for scalars."""
    if type(value) is dict:
        return dict(value)
    if type(value) is list:
        return {str(index): item for index, item in enumerate(value)}
    if type(value) is str:
        units = value.encode("utf-16-le", "surrogatepass")
        chars = [units[i : i + 2].decode("utf-16-le", "surrogatepass") for i in range(0, len(units), 2)]
        return {str(index): char for index, char in enumerate(chars)}
    return {}


def _keys(value: Any) -> list[str]:
    """JS ``Object.keys`` of the holder; ``null`` has none in JS either, it throws (we report it)."""
    if value is None:
        raise MappingValidationError([f"/{ROOT_DIRECTIVE_KEY} should be an object but it is a null."])
    return list(_spread(value))


def root_mapping(mapping: Any) -> Any:
    """The mapping Segment actually validates and resolves, after the root-directive rewrite."""
    if mapping is None:
        raise MappingValidationError(["/ should be an object but it is a null."])
    if type(mapping) is not dict or ROOT_DIRECTIVE_KEY not in mapping:
        return _spread(mapping)
    holder = mapping[ROOT_DIRECTIVE_KEY]
    keys = _keys(holder)
    if len(keys) > 1:
        raise MappingValidationError(["The root mapping must only have a single directive object"])
    directive = _spread(holder).get(keys[0]) if keys else None
    if type(directive) not in (dict, list):
        raise MappingValidationError(["The root directive must be an object"])
    if type(directive) is list:
        return holder
    customer = {key: value for key, value in mapping.items() if key != ROOT_DIRECTIVE_KEY}
    injected = {**cast("dict[str, Any]", directive), "mapping": customer}
    return [injected] if type(holder) is list else {keys[0]: injected}

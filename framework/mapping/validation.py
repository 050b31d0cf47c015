"""Structural validation of a mapping, with Segment's messages, reporting every problem at once.

The walk mirrors Segment's ``validate.js`` rule for rule, because users compare our messages with the
ones Segment shows: a plain object checks all its keys and collects their errors; a directive checks
its own options (some stop at the first problem, as Segment's do); arrays are not looked into (their
elements fail, if at all, when resolved). Each message starts with its location:
``/hash/@template should be a string or a mapping directive but it is an object.``

Segment's ``validate`` lets through some directives that then fail on every event at run time (``@if``
with neither ``exists`` nor ``blank``, ``@case`` without an ``operator`` or with ``"UPPER"``, ``@flatten``
without a separator…). Those are caught here too, at load, after Segment's own rule for the directive
passed, in the same format (docs/mapping.md, "Divergences"); an unknown directive name gets the
closest known one (``@tempalte (did you mean @template?)``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from framework.jsvalues import UNDEFINED, is_truthy, js_keys, real_type_of, utf16_length
from framework.mapping.errors import MappingValidationError
from framework.mapping.root import root_mapping

__all__ = ["validate_mapping", "mapping_errors", "DIRECTIVE_NAMES", "EXTENSION_DIRECTIVE_NAMES"]

Stack = tuple[str, ...]
Rule = Callable[[Any, Stack], None]

#: Segment's thirteen directives.
DIRECTIVE_NAMES: tuple[str, ...] = (
    "@if", "@case", "@replace", "@arrayPath", "@path", "@template", "@literal",
    "@flatten", "@json", "@merge", "@transform", "@excludeWhenNull", "@liquid",
)  # fmt: skip
#: This project's additions (documented in docs/mapping.md).
EXTENSION_DIRECTIVE_NAMES: tuple[str, ...] = ("@first",)


class _Invalid(Exception):
    """One or more validation messages, raised to unwind like Segment's ValidationError/AggregateError."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(messages)
        self.messages = messages


def _fail(message: str, stack: Stack) -> _Invalid:
    """A located message in Segment's format: ``/a/b message.``."""
    return _Invalid([f"/{'/'.join(stack)} {message}."])


def _article(type_name: str) -> str:
    """``an`` before a vowel, as Segment's ``indefiniteArticle``."""
    return "an" if type_name[:1] in "aeiou" else "a"


def _type_or_directive(value: Any) -> str:
    """Real type, except an object with any ``@`` key counts as a directive."""
    kind = real_type_of(value)
    if kind == "object" and type(value) is dict and any(str(key).startswith("@") for key in value):
        return "directive"
    return kind


def _described(value: Any) -> str:
    """``an object``, ``a string``…: the tail of most type messages."""
    kind = _type_or_directive(value)
    return f"{_article(kind)} {kind}"


def _collect(checks: Iterable[Callable[[], None]]) -> None:
    """Run every check, then raise all their messages together (Segment's AggregateError)."""
    messages: list[str] = []
    for check in checks:
        try:
            check()
        except _Invalid as invalid:
            messages.extend(invalid.messages)
    if messages:
        raise _Invalid(messages)


def _validate(node: Any, stack: Stack) -> None:
    """Validate any mapping node by what it is."""
    kind = _type_or_directive(node)
    if kind == "directive":
        _validate_directive(node, stack)
    elif kind == "object":
        _validate_object(node, stack)


def _validate_directive(node: Any, stack: Stack) -> None:
    """One ``@`` key (plus optional ``_metadata``), a known name, then that directive's own rule."""
    if _type_or_directive(node) != "directive":
        raise _fail(f"should be a directive object but it is {_described(node)}", stack)
    keys = [str(key) for key in node]
    directive_keys = [key for key in keys if key.startswith("@")]
    if len(directive_keys) > 1:
        raise _fail(f"should only have one @-prefixed key but it has {len(directive_keys)} keys", stack)
    if any(not key.startswith("@") and key != "_metadata" for key in keys):
        raise _fail(f"should only have one @-prefixed key but it has {len(keys)} keys", stack)
    name = directive_keys[0]
    rule = _RULES.get(name)
    if rule is None:
        raise _fail(f"has an invalid directive: {name}{_did_you_mean(name)}", stack)
    rule(node[name], (*stack, name))
    load_time_rule = _LOAD_TIME_RULES.get(name)
    if load_time_rule is not None:
        load_time_rule(node[name], (*stack, name))


def _did_you_mean(name: str) -> str:
    """`` (did you mean @path?)`` when a known directive is close to ``name`` (case or a typo), else ``""``."""
    import difflib  # only for a mapping with an unknown directive

    known = {known.lower(): known for known in (*DIRECTIVE_NAMES, *EXTENSION_DIRECTIVE_NAMES)}
    close = difflib.get_close_matches(name.lower(), list(known), n=1, cutoff=0.75)
    return f" (did you mean {known[close[0]]}?)" if close else ""


def _validate_object(node: Any, stack: Stack) -> None:
    """A plain object: every key validated, all errors collected."""
    if _type_or_directive(node) != "object":
        raise _fail(f"should be an object but it is {_described(node)}", stack)
    if type(node) is not dict:  # a Python object that JSON cannot hold (bytes, a set…): no keys to walk
        raise _fail(f"should be a JSON value but it is a Python {type(node).__name__}", stack)
    directive_key = next((key for key in node if str(key).startswith("@")), None)
    if directive_key is not None:
        raise _fail(f"shouldn't have directive (@-prefixed) keys but it has {json.dumps(directive_key)}", stack)
    # Segment walks ``Object.entries``: integer-like keys first, so its messages come in that order.
    _collect([partial(_validate, node[key], (*stack, str(key))) for key in js_keys(node)])


def _directive_or_raw(value: Any, stack: Stack) -> None:
    """Any JSON value, or a directive (validated)."""
    if _type_or_directive(value) == "directive":
        _validate_directive(value, stack)


def _directive_or_string(value: Any, stack: Stack) -> None:
    """A string or a directive."""
    kind = _type_or_directive(value)
    if kind == "directive":
        _validate_directive(value, stack)
    elif kind != "string":
        raise _fail(f"should be a string or a mapping directive but it is {_article(kind)} {kind}", stack)


def _directive_or_object(value: Any, stack: Stack) -> None:
    """A plain object (validated) or a directive; Segment's message says ``a object``."""
    kind = _type_or_directive(value)
    if kind not in ("directive", "object"):
        raise _fail(f"should be a object or a mapping directive but it is {_article(kind)} {kind}", stack)
    _validate(value, stack)


def _string(value: Any, stack: Stack) -> None:
    """A plain string (a directive is not accepted)."""
    if _type_or_directive(value) != "string":
        raise _fail(f"should be a string but it is {_described(value)}", stack)


def _boolean(value: Any, stack: Stack) -> None:
    """A plain boolean."""
    if _type_or_directive(value) != "boolean":
        raise _fail(f"should be a boolean but it is {_described(value)}", stack)


def _array(value: Any, stack: Stack) -> None:
    """An array (its elements are not validated)."""
    kind = real_type_of(value)
    if kind != "array":
        raise _fail(f"should be an array but it is {_article(kind)} {kind}", stack)


def _one_of(*allowed: str) -> Rule:
    """A string equal, ignoring case, to one of ``allowed``."""

    def check(value: Any, stack: Stack) -> None:
        _string(value, stack)
        if value.lower() not in allowed:
            raise _fail(
                f"should be one of {', '.join(allowed)} but it is {json.dumps(value, ensure_ascii=False)}", stack
            )

    return check


def _string_length(minimum: int, maximum: int) -> Rule:
    """A string whose JS length is within bounds (checked after :func:`_string`)."""

    def check(value: Any, stack: Stack) -> None:
        _string(value, stack)
        if utf16_length(value) < minimum:
            raise _fail(f"should be a string of length {minimum} or greater", stack)
        if utf16_length(value) > maximum:
            raise _fail(f"should be a string of length {maximum} or less", stack)

    return check


def _fields(required: dict[str, Rule], optional: dict[str, Rule], order: tuple[str, ...]) -> Rule:
    """An options object: walked like any object first, then each named field checked, in ``order``."""

    def check(value: Any, stack: Stack) -> None:
        _validate_object(value, stack)
        _collect([partial(_check_field, value, field, required, optional, stack) for field in order])

    return check


def _check_field(
    value: dict[str, Any], field: str, required: dict[str, Rule], optional: dict[str, Rule], stack: Stack
) -> None:
    """Check one named option: required ones must be present; present ones must pass their rule."""
    if field in required:
        if field not in value:
            raise _fail(f"should have field {json.dumps(field)} but it doesn't", stack)
        required[field](value[field], (*stack, field))
    elif field in value:
        optional[field](value[field], (*stack, field))


def _array_path(value: Any, stack: Stack) -> None:
    """``[path, itemShape?]``: the path a string or directive, the shape any mapping."""
    _array(value, stack)
    if not value:
        raise _fail("should be a string or a mapping directive but it is an undefined", stack)
    _directive_or_string(value[0], stack)
    if len(value) > 1:
        _validate(value[1], stack)


def _merge(value: Any, stack: Stack) -> None:
    """``objects`` elements are checked with an empty location, as Segment does."""
    _fields({"objects": _array}, {"direction": _one_of("left", "right")}, ("direction", "objects"))(value, stack)
    for element in value["objects"]:
        _directive_or_object(element, ())


def _first(value: Any, stack: Stack) -> None:
    """Extension ``@first``: a non-empty array of paths (strings) or directives."""
    _array(value, stack)
    if not value:
        raise _fail("should have at least one candidate but it is empty", stack)
    _collect([partial(_directive_or_string, item, (*stack, str(i))) for i, item in enumerate(value)])


# -- load-time rules: what Segment checks only at run time, on every event, so it fails every event ----

_FALSY_SHOWN = 'a mapping directive or a value other than false, 0, "" and null'


def _falsy_option(value: dict[str, Any], key: str, stack: Stack) -> _Invalid:
    """``key`` is absent (should have field) or present but falsy (Segment reads it as absent)."""
    if key not in value:
        return _fail(f"should have field {json.dumps(key)} but it doesn't", stack)
    shown = json.dumps(value[key], ensure_ascii=False)
    return _fail(f"should be {_FALSY_SHOWN} but it is {shown}", (*stack, key))


def _if_condition(value: dict[str, Any], stack: Stack) -> None:
    """``@if`` needs a truthy ``exists`` or ``blank``: Segment fails every event otherwise."""
    if is_truthy(value.get("exists", UNDEFINED)) or is_truthy(value.get("blank", UNDEFINED)):
        return
    if "exists" not in value and "blank" not in value:
        raise _fail('should have field "exists" or "blank" but it doesn\'t', stack)
    raise _falsy_option(value, "exists" if "exists" in value else "blank", stack)


def _case_operator(value: dict[str, Any], stack: Stack) -> None:
    """``@case`` needs ``operator`` exactly ``lower`` or ``upper`` (Segment compares case-sensitively)."""
    if "operator" not in value:
        raise _fail('should have field "operator" but it doesn\'t', stack)
    operator = value["operator"]
    if operator not in ("lower", "upper"):
        shown = json.dumps(operator, ensure_ascii=False)
        raise _fail(f"should be one of lower, upper but it is {shown}", (*stack, "operator"))


def _json_value(value: dict[str, Any], stack: Stack) -> None:
    """``@json`` reads a falsy raw ``value`` as a missing one and fails every event."""
    if not is_truthy(value.get("value", UNDEFINED)):
        raise _falsy_option(value, "value", stack)


def _flatten_separator(value: dict[str, Any], stack: Stack) -> None:
    """``@flatten`` needs a non-empty separator."""
    if "separator" not in value:
        raise _fail('should have field "separator" but it doesn\'t', stack)
    _string_length(1, 10**9)(value["separator"], (*stack, "separator"))


def _merge_direction(value: dict[str, Any], stack: Stack) -> None:
    """``@merge`` needs a ``direction`` (optional in Segment's validate, required by every run)."""
    if "direction" not in value:
        raise _fail('should have field "direction" but it doesn\'t', stack)


def _replace_second_pass(value: dict[str, Any], stack: Stack) -> None:
    """The second pass has the first one's length limits, checked by Segment only when it runs."""
    pattern = value.get("pattern2")
    if not (isinstance(pattern, str) and pattern):
        return
    checks = [
        partial(_string_length(0, 10), value[key], (*stack, key))
        for key in ("pattern2", "replacement2")
        if isinstance(value.get(key), str)
    ]
    _collect(checks)


def _liquid_length(value: Any, stack: Stack) -> None:
    """Liquid templates are limited to 1000 characters; a longer one fails every event."""
    if utf16_length(value) > 1000:
        raise _fail("should be a string of length 1000 or less", stack)


_LOAD_TIME_RULES: dict[str, Rule] = {
    "@if": _if_condition,
    "@case": _case_operator,
    "@json": _json_value,
    "@flatten": _flatten_separator,
    "@merge": _merge_direction,
    "@replace": _replace_second_pass,
    "@liquid": _liquid_length,
}


_RULES: dict[str, Rule] = {
    "@if": _fields(
        {},
        {"exists": _directive_or_raw, "then": _directive_or_raw, "else": _directive_or_raw},
        ("exists", "then", "else"),
    ),
    "@case": _fields({}, {"operator": _string, "value": _directive_or_string}, ("operator", "value")),
    "@replace": _fields(
        {"pattern": _string_length(1, 10), "value": _directive_or_string},
        {"replacement": _string_length(0, 10), "ignorecase": _boolean, "global": _boolean},
        ("pattern", "replacement", "value", "ignorecase", "global"),
    ),
    "@arrayPath": _array_path,
    "@path": _directive_or_string,
    "@json": _fields({"value": _directive_or_raw, "mode": _one_of("encode", "decode")}, {}, ("value", "mode")),
    "@flatten": _fields({"value": _directive_or_raw}, {"separator": _string}, ("separator", "value")),
    "@merge": _merge,
    "@template": _directive_or_string,
    "@literal": _directive_or_raw,
    "@transform": _fields({"apply": _directive_or_object, "mapping": _directive_or_object}, {}, ("apply", "mapping")),
    "@excludeWhenNull": _directive_or_raw,
    "@liquid": _string,
    "@first": _first,
}


def mapping_errors(mapping: Any) -> list[str]:
    """Every structural error of a mapping (already root-rewritten), in Segment's order; ``[]`` if valid."""
    try:
        _validate(mapping, ())
    except _Invalid as invalid:
        return invalid.messages
    except RecursionError:
        return ["/ is nested too deeply to validate."]
    return []


def validate_mapping(mapping: Any) -> None:
    """Raise :class:`MappingValidationError` listing every structural error of ``mapping``.

    >>> validate_mapping({"hash": {"@template": {"a": 1}}})
    Traceback (most recent call last):
    ...
    framework.mapping.errors.MappingValidationError: invalid mapping: /hash/@template should be a string or a mapping directive but it is an object.
    """
    errors = mapping_errors(root_mapping(mapping))
    if errors:
        raise MappingValidationError(errors)

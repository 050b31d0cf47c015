"""The compiled payload validator: Segment's stripping, coercion, unknown-key removal and messages.

``compile_payload_validator(fields, label)`` does all the thinking once; calling the result on a
payload walks the compiled tree (``schema_nodes``) in the order ajv checks keywords, so that when a
payload has several problems the joined message lists them in Segment's order: conditionally
required fields, then required fields, then each declared field in definition order (type, enum,
bounds, format).

>>> from framework.definition.fields import InputField
>>> validate = compile_payload_validator({"n": InputField(label="Num", type="number")}, "Example")
>>> validate({"n": "5", "unknown": 1})
{'n': 5}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from framework.definition import messages
from framework.definition.coercion import NOT_COERCIBLE, coerce, js_equal, unwrapped
from framework.definition.conditions import FieldCondition
from framework.definition.empty_values import strip_empty_object
from framework.definition.fields import InputField
from framework.definition.schema_nodes import Node, ObjectNode, RequiredWhen, compile_fields, pointer_segment
from framework.errors import PayloadValidationError
from framework.jsvalues import utf16_length

__all__ = ["PayloadValidator", "compile_payload_validator", "compile_settings_validator"]

_Errors = list[str]
_ABSENT = object()  # a key the payload lacks (None is a value)


class PayloadValidator:
    """Validates and cleans payloads for one set of fields; build it with ``compile_payload_validator``."""

    def __init__(self, root: ObjectNode, label: str, *, strip_empty_values: bool = True) -> None:
        self._root = root
        self.label = label
        self._strip = strip_empty_values
        self._arrays = tuple(key for key, node in root.properties.items() if node.types == ("array",))

    def __repr__(self) -> str:
        return f"PayloadValidator({self.label!r}, fields={list(self._root.properties)})"

    def __call__(self, payload: Any, *, batch: bool = False) -> dict[str, Any]:
        """The cleaned, coerced payload, or PayloadValidationError with Segment's human message.

        ``batch=True`` keeps top-level empty strings, as Segment does for batched events.
        """
        if not isinstance(payload, dict):
            _raise([messages.compose(None, "", messages.type_text(["object"], payload))])
        errors: _Errors = []
        cleaned = self.clean(payload, batch=batch)
        result = _check_object(self._root, cleaned, None, "", errors)
        if errors:
            _raise(errors)
        return result

    def clean(self, payload: dict[str, Any], *, batch: bool = False) -> dict[str, Any]:
        """Empty values stripped and ``multiple`` fields made lists; nothing validated yet."""
        cleaned = strip_empty_object(self._root, payload, root=not batch) if self._strip else dict(payload)
        for key in self._arrays:
            value = cleaned.get(key)
            if value is not None and not isinstance(value, list):
                cleaned[key] = [value]
        return cleaned

    def errors(self, payload: Any, *, batch: bool = False) -> list[str]:
        """Every problem with ``payload`` (empty when it is valid), without raising."""
        try:
            self(payload, batch=batch)
        except PayloadValidationError as error:
            return list(error.errors)
        return []


def compile_payload_validator(fields: Mapping[str, InputField], label: str) -> PayloadValidator:
    """Compile an action's fields once into a validator (``label`` names it in reprs and logs)."""
    return PayloadValidator(compile_fields(fields), label)


def compile_settings_validator(fields: Mapping[str, InputField], label: str) -> PayloadValidator:
    """Settings are validated like payloads but without empty-value stripping (as in Segment)."""
    return PayloadValidator(compile_fields(fields), label, strip_empty_values=False)


def _raise(errors: _Errors) -> NoReturn:
    raise PayloadValidationError(" ".join(errors), errors=errors)


def _check_object(
    obj: ObjectNode, value: dict[str, Any], title: str | None, pointer: str, errors: _Errors
) -> dict[str, Any]:
    for condition in obj.conditions:
        _check_condition(condition, value, errors)
    for key in obj.required:
        if key not in value:
            errors.append(messages.compose(title, pointer, messages.required_text(key)))
    if pointer:
        segments = obj.pointer_segments
        checked = {
            key: _check(node, value[key], f"{pointer}/{segments[key]}", errors)
            for key, node in obj.properties.items()
            if key in value
        }  # messages in definition order
    else:  # a payload's own fields: their pointers are built once, and a plain string is valid as it is
        fast = _checked_root(obj, value)
        if fast is not None:
            return fast
        pointers = obj.root_pointers
        checked = {
            key: item if node.takes_any_string and type(item) is str else _check(node, item, pointers[key], errors)
            for key, node in obj.properties.items()
            if (item := value.get(key, _ABSENT)) is not _ABSENT
        }
    return {
        key: checked[key] if key in checked else item  # payload order kept
        for key, item in value.items()
        if key in checked or obj.keep_unknown
    }


def _checked_root(obj: ObjectNode, value: dict[str, Any]) -> dict[str, Any] | None:
    """A payload's checked fields in one pass over the payload, or None when a field has a problem.

    The result is ``_check_object``'s (payload order, unknown keys dropped unless kept, the same
    ``_check`` of each field); only the messages depend on the definition's order, so a payload with
    a problem is checked again the ordered way to word them.
    """
    properties, pointers, keep_unknown = obj.properties, obj.root_pointers, obj.keep_unknown
    problems: _Errors = []
    checked: dict[str, Any] = {}
    for key, item in value.items():
        node = properties.get(key)
        if node is None:
            if keep_unknown:
                checked[key] = item
        elif node.takes_any_string and type(item) is str:
            checked[key] = item
        else:
            checked[key] = _check(node, item, pointers[key], problems)
            if problems:
                return None
    return checked


def _check(node: Node, value: Any, pointer: str, errors: _Errors) -> Any:
    if not node.accepts(value):
        coerced = coerce(value, node.types, node.coerce_to) if node.coerce_to else NOT_COERCIBLE
        if coerced is NOT_COERCIBLE:
            # ajv unwraps a one-item list only when it coerces, and goes on checking the item.
            value = unwrapped(value) if node.coerce_to else value
            errors.append(messages.compose(node.title, pointer, messages.type_text(node.types, value)))
        else:
            value = coerced
    if node.enum is not None and not any(js_equal(value, allowed) for allowed in node.enum):
        errors.append(messages.compose(node.title, pointer, messages.enum_text(node.enum)))
    if node.checks_numbers and isinstance(value, (int, float)) and not isinstance(value, bool):
        _check_number(node, value, pointer, errors)
    elif node.checks_strings and isinstance(value, str):
        _check_string(node, value, pointer, errors)
    elif isinstance(value, list) and node.items is not None:
        value = [_check(node.items, item, f"{pointer}/{index}", errors) for index, item in enumerate(value)]
    elif isinstance(value, dict) and node.obj is not None:
        value = _check_object(node.obj, value, node.title, pointer, errors)
    return value


def _check_number(node: Node, value: float, pointer: str, errors: _Errors) -> None:
    if node.maximum is not None and value > node.maximum:
        errors.append(messages.compose(node.title, pointer, messages.bound_text(node.maximum, at_least=False)))
    if node.minimum is not None and value < node.minimum:
        errors.append(messages.compose(node.title, pointer, messages.bound_text(node.minimum, at_least=True)))


def _check_string(node: Node, value: str, pointer: str, errors: _Errors) -> None:
    length = len(value)  # code points, as ajv counts; the message quotes JavaScript's UTF-16 length
    if node.max_length is not None and length > node.max_length:
        text = messages.length_text(node.max_length, utf16_length(value), at_least=False)
        errors.append(messages.compose(node.title, pointer, text))
    if node.min_length is not None and length < node.min_length:
        text = messages.length_text(node.min_length, utf16_length(value), at_least=True)
        errors.append(messages.compose(node.title, pointer, text))
    if node.format_ok is not None and node.format_name is not None and not node.format_ok(value):
        errors.append(messages.compose(node.title, pointer, messages.format_text(node.format_name)))


# ---- conditionally required fields -----------------------------------------------------------------


def _check_condition(rule: RequiredWhen, payload: dict[str, Any], errors: _Errors) -> None:
    single = len(rule.conditions) == 1
    verdicts = (_condition_holds(c, payload, single) for c in rule.conditions)
    applies = any(verdicts) if rule.match_any else all(verdicts)
    if not applies:
        return
    found = _then_errors(rule.key, payload)
    if found:
        errors.extend(found)
        errors.append(messages.compose(None, "", 'must match "then" schema'))


def _condition_holds(condition: FieldCondition, payload: dict[str, Any], single: bool) -> bool:
    """Evaluate one condition as the JSON Schema Segment generates for it would (before coercion).

    Without a value, a lone condition means "missing or null"; inside a list of conditions Segment
    only tests whether the key is there (a null counts as present).
    """
    parent, _, child = condition.field_key.partition(".")
    if not condition.value_given:
        present = payload.get(parent) is not None if single else parent in payload
        return not present if condition.operator == "is" else present
    if parent not in payload:
        return False
    target = payload[parent]
    if child:
        if not isinstance(target, dict):
            return True  # JSON Schema's properties/required only constrain objects
        if child not in target:
            return False
        target = target[child]
    return js_equal(target, condition.value) == (condition.operator == "is")


def _then_errors(key: str, payload: dict[str, Any]) -> list[str]:
    parent, _, child = key.partition(".")
    if parent not in payload:
        return [messages.compose(None, "", messages.required_text(parent))]
    value = payload[parent]
    if child and isinstance(value, dict) and child not in value:
        return [messages.compose(None, f"/{pointer_segment(parent)}", messages.required_text(child))]
    return []

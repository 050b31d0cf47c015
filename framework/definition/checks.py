"""Load-time checks on fields that need their key and place (action, destination) to explain.

``InputField`` checks itself; these checks need the field's key, its siblings (conditions name other
fields) or its place, so they run when an action or a destination is built. Each message says
where (``action 'Upsert Prospect' field 'email'``), what is wrong and what would be right.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from framework.definition.conditions import ConditionalRequired, DependsOn, FieldCondition
from framework.definition.fields import InputField
from framework.mapping.validation import DIRECTIVE_NAMES, EXTENSION_DIRECTIVE_NAMES

__all__ = ["IDENTIFIER", "is_identifier", "fields_problems", "default_mapping_problem", "DIRECTIVES"]

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# The mapping kit's directives (Segment's and ours): a default that is an object with an ``@`` key must
# use one of these. Taken from the kit itself, so the two lists cannot drift apart.
DIRECTIVES = frozenset(DIRECTIVE_NAMES + EXTENSION_DIRECTIVE_NAMES)

_SCALAR_DEFAULT_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str, int, float, bool),
    "text": (str, int, float, bool),
    "password": (str, int, float, bool),
    "datetime": (str, int, float),
    "number": (int, float, str),
    "integer": (int, str),
    "boolean": (bool, str, int),
}


def is_identifier(key: str) -> bool:
    """Whether ``key`` can name an action or a field (letters, digits, underscores; no leading digit)."""
    return bool(IDENTIFIER.match(key))


def fields_problems(fields: Mapping[str, InputField], where: str) -> list[str]:
    """Every problem in a set of top-level fields, each message starting with ``where``."""
    problems: list[str] = []
    for key, field in fields.items():
        place = f"{where} field {key!r}"
        if not is_identifier(key):
            problems.append(
                f"{place}: the key is not an identifier (letters, digits and underscores, not starting with a digit)."
            )
        problems.extend(f"{place}: {p}" for p in _field_problems(key, field, fields))
    return problems


def _field_problems(key: str, field: InputField, siblings: Mapping[str, InputField]) -> list[str]:
    problems: list[str] = []
    if field.default is not None:
        problem = default_mapping_problem(field.default, field)
        if problem:
            problems.append(problem)
    if isinstance(field.required, ConditionalRequired):
        problems.extend(_condition_problems(field.required, siblings))
    if field.depends_on is not None:
        problems.extend(_depends_on_problems(field.depends_on, siblings))
    for prop_key, prop in (field.properties or {}).items():
        if not prop_key or "." in prop_key:
            problems.append(f"property {prop_key!r}: a property key must be non-empty and contain no '.'.")
        if isinstance(prop.required, ConditionalRequired):
            problems.extend(f"property {prop_key!r}: {p}" for p in _condition_problems(prop.required, siblings))
    if key == "enable_batching" and (field.type != "boolean" or field.multiple):
        problems.append("'enable_batching' must be a single boolean field.")
    if key == "batch_keys":
        problems.extend(_batch_keys_problems(field, siblings))
    return problems


def _batch_keys_problems(field: InputField, siblings: Mapping[str, InputField]) -> list[str]:
    """Segment's CLI rules: a multiple string field listing at most 3 other existing field keys."""
    if field.type != "string" or not field.multiple:
        return ["'batch_keys' must be a multiple string field."]
    keys = field.default if isinstance(field.default, list) else []
    problems = []
    if len(keys) > 3:
        problems.append(f"'batch_keys' lists {len(keys)} keys; at most 3 are allowed.")
    unknown = [k for k in keys if k not in siblings or k == "batch_keys"]
    if unknown:
        problems.append(f"'batch_keys' lists {unknown!r}, which are not other fields of this action.")
    return problems


def _condition_problems(required: ConditionalRequired, siblings: Mapping[str, InputField]) -> list[str]:
    problems = []
    for condition in required.conditions:
        head, _, tail = condition.field_key.partition(".")
        target = siblings.get(head)
        if target is None:
            problems.append(
                f"required depends on field {condition.field_key!r}, which the action "
                f"does not declare (declared: {', '.join(siblings)})."
            )
        elif tail and "." in tail:
            problems.append(
                f"required depends on {condition.field_key!r}; only one level of 'parent.child' is supported."
            )
        elif tail and not condition.value_given:
            problems.append(
                f"required depends on {condition.field_key!r} without a value; Segment "
                "never evaluates such a condition, so give the value to compare with."
            )
    return problems


def _depends_on_problems(depends_on: DependsOn, siblings: Mapping[str, InputField]) -> list[str]:
    """A UI condition on a field that does not exist would silently never show the field."""
    return [
        f"depends_on names field {c.field_key!r}, which the action does not declare."
        for c in depends_on.conditions
        if isinstance(c, FieldCondition) and c.field_key.partition(".")[0] not in siblings
    ]


def default_mapping_problem(default: Any, field: InputField) -> str | None:
    """Why ``default`` does not look like a mapping for ``field``, or None when it does."""
    if isinstance(default, dict):
        return _directive_problem(default, field)
    if isinstance(default, list):
        if not field.multiple:
            return "the default is a list but the field is not multiple."
        return None
    allowed = _SCALAR_DEFAULT_TYPES.get(field.type)
    if allowed is None or not isinstance(default, allowed):
        return (
            f"the default {default!r} is not a mapping for a {field.type} field; use a directive "
            "such as {'@path': '$.traits.email'} or a literal of the field's type."
        )
    return None


def _directive_problem(default: dict[str, Any], field: InputField) -> str | None:
    directive_keys = [k for k in default if isinstance(k, str) and k.startswith("@")]
    if not directive_keys:
        if field.type == "object":
            return None
        return (
            f"the default {default!r} is an object but the field is a {field.type}; use one "
            "directive such as {'@path': '$.traits.email'}."
        )
    if len(default) != 1:
        return f"the default {default!r} mixes a directive with other keys; a directive object has exactly one key."
    directive = directive_keys[0]
    if directive not in DIRECTIVES:
        return f"the default uses unknown directive {directive!r} (known: {', '.join(sorted(DIRECTIVES))})."
    value = default[directive]
    if directive == "@path" and not (isinstance(value, str) and value.startswith("$")):
        return f"the default's @path {value!r} is not a path such as '$.traits.email'."
    if directive == "@template" and not isinstance(value, str):
        return f"the default's @template {value!r} is not a string."
    return None

"""Properties of the compiled validator over arbitrary JSON payloads (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from framework.definition import InputField, compile_payload_validator
from framework.errors import PayloadValidationError

SCALAR_TYPES = ["string", "text", "number", "integer", "boolean", "datetime", "password"]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(["", "5", "true", "false", "1.5", "2024-01-02", "a@b.co"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["x", "y", "z"]), children, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def field_sets(draw: st.DrawFn) -> dict[str, InputField]:
    fields: dict[str, InputField] = {}
    for index in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from([*SCALAR_TYPES, "object", "object-with-properties"]))
        options: dict[str, Any] = {
            "multiple": draw(st.booleans()),
            "allow_null": draw(st.booleans()),
            "required": draw(st.booleans()),
        }
        if kind == "object-with-properties":
            options["properties"] = {
                "x": InputField(label="X", type="number"),
                "y": InputField(label="Y", type="string", required=draw(st.booleans())),
            }
            kind = "object"
        fields[f"f{index}"] = InputField(label=f"F{index}", type=kind, **options)
    return fields


@given(
    field_sets(),
    st.dictionaries(st.sampled_from(["f0", "f1", "f2", "f3", "other"]), json_values, max_size=5),
    st.booleans(),
)
def test_validation_is_total_and_idempotent(
    fields: dict[str, InputField], payload: dict[str, Any], batch: bool
) -> None:
    validate = compile_payload_validator(fields, "Property")
    try:
        cleaned = validate(payload, batch=batch)
    except PayloadValidationError as error:
        assert error.errors and error.message == " ".join(error.errors)
        assert all(message.endswith(".") and message[0].isupper() for message in error.errors)
        return
    assert set(cleaned) <= set(fields)
    # A cleaned payload passes again unchanged. (Only with batch=True: coercion can produce a top-level
    # "" — ["None"] → "" for a string — that the single-event path would then strip, as Segment's does.)
    assert validate(cleaned, batch=True) == cleaned

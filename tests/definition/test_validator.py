"""The compiled payload validator: Segment's coercion table, empty-value stripping and human messages."""

from __future__ import annotations

from typing import Any

import pytest

from framework.definition import InputField, compile_payload_validator
from framework.errors import PayloadValidationError


def _validator(**fields: InputField):  # noqa: ANN202 - test shorthand
    return compile_payload_validator(fields, "Test Action")


def _field(type_: str, **kw: Any) -> InputField:
    return InputField(label=kw.pop("label", "F"), type=type_, **kw)


def _message(validator: Any, payload: dict[str, Any], **kw: Any) -> str:
    with pytest.raises(PayloadValidationError) as caught:
        validator(payload, **kw)
    return caught.value.message


# (field type and options, input, coerced result) — Segment's probed coercion table (§3.8) and more.
COERCIONS = [
    ("string", {}, 5, "5"),
    ("string", {}, True, "true"),
    ("string", {}, False, "false"),
    ("string", {}, ["one"], "one"),
    ("string", {}, 1.5, "1.5"),
    ("string", {}, 2.0, "2"),
    ("string", {}, 0.00001, "0.00001"),  # String(0.00001) in JavaScript, not Python's 1e-05
    ("text", {}, 7, "7"),
    ("password", {}, 123, "123"),
    ("number", {}, "5", 5),
    ("number", {}, "1.5", 1.5),
    ("number", {}, " 5 ", 5),
    ("number", {}, "0x10", 16),
    ("number", {}, "1e3", 1000),
    ("number", {}, True, 1),
    ("number", {}, ["7"], 7),
    ("integer", {}, "7", 7),
    ("integer", {}, 7.0, 7.0),
    ("integer", {}, False, 0),
    ("boolean", {}, "true", True),
    ("boolean", {}, "false", False),
    ("boolean", {}, 1, True),
    ("boolean", {}, 0, False),
    ("boolean", {}, [True], True),
    ("string", {"multiple": True}, "one", ["one"]),
    ("string", {"multiple": True}, [1, 2], ["1", "2"]),
    ("number", {"multiple": True}, ["1", 2], [1, 2]),
    ("object", {"multiple": True}, {"k": "a"}, [{"k": "a"}]),
    ("object", {}, {"any": {"thing": 1}}, {"any": {"thing": 1}}),
    ("datetime", {}, "2024-01-02T03:04:05.000Z", "2024-01-02T03:04:05.000Z"),
    ("datetime", {}, "2024-01-02", "2024-01-02"),
    ("datetime", {}, "01/02/2024", "01/02/2024"),
    ("datetime", {}, "January 2, 2024", "January 2, 2024"),
    ("datetime", {}, "2024-13-45", "2024-13-45"),
    ("datetime", {}, "1700000000", "1700000000"),
    ("datetime", {}, "Tue, 05 Mar 2024 10:00:00 GMT", "Tue, 05 Mar 2024 10:00:00 GMT"),
    ("datetime", {}, 0, 0),
    ("datetime", {}, -1, -1),
    ("datetime", {}, 1.5, 1.5),
    ("string", {"allow_null": True}, None, None),
    ("number", {"allow_null": True}, None, None),
    ("string", {"choices": ["a", "b"]}, "a", "a"),
    ("number", {"choices": [{"label": "One", "value": 1}]}, "1", 1),
]


@pytest.mark.parametrize(
    ("type_", "options", "given", "expected"), COERCIONS, ids=[f"{t}-{v!r}" for t, _, v, _ in COERCIONS]
)
def test_coercion(type_: str, options: dict[str, Any], given: Any, expected: Any) -> None:
    result = _validator(f=_field(type_, **options))({"f": given})
    assert result == {"f": expected}
    assert type(result["f"]) is type(expected)


# (field, input, Segment's human message) — §3.9 probed examples verbatim, plus the table's rules.
MESSAGES = [
    (_field("number", label="Num", maximum=10), 11, "Num must be equal to or less than 10."),
    (_field("number", label="Num", minimum=3), 2, "Num must be equal to or greater than 3."),
    (
        _field("string", label="Email", format="email"),
        "nope",
        "Email must be a valid email address string but it was not.",
    ),
    (_field("datetime", label="When"), "abc", "When must be a valid date-like string but it was not."),
    (_field("datetime", label="When"), True, "When must be a valid date-like string but it was not."),
    (_field("string", label="Choice", choices=["a", "b"]), "c", 'Choice must be one of: "a" or "b".'),
    (_field("string", label="Choice", choices=["a", "b", "c"]), "d", 'Choice must be one of: "a", "b", or "c".'),
    (_field("string", label="StrLen", minimum=2), "x", "StrLen must be 2 characters or more but it was 1 character."),
    (
        _field("string", label="StrLen", maximum=3),
        "abcde",
        "StrLen must be 3 characters or fewer but it was 5 characters.",
    ),
    (_field("integer", label="Int"), 1.5, "Int must be an integer but it was a number."),
    (_field("integer", label="Int"), "1.5", "Int must be an integer but it was a string."),
    (_field("number", label="Num"), "x", "Num must be a number but it was a string."),
    (_field("number", label="Num"), {}, "Num must be a number but it was an object."),
    (_field("boolean", label="Flag"), "yes", "Flag must be a boolean but it was a string."),
    (_field("string", label="Str"), {"a": 1}, "Str must be a string but it was an object."),
    (_field("string", label="Str"), ["a", "b"], "Str must be a string but it was an array."),
    (_field("string", label="Str", allow_null=True), {"a": 1}, "Str must be a string or null but it was an object."),
    (_field("object", label="Obj"), "text", "Obj must be an object but it was a string."),
    (
        _field("string", label="M", multiple=True),
        [{"a": 1}],
        "The value at /f/0 must be a string but it was an object.",
    ),
    (_field("string", label="U", format="uri"), "not a uri", "U must be a valid URI string but it was not."),
    (
        _field("string", label="D", format="date-time"),
        "2024-01-02",
        "D must be a valid date and time string but it was not.",
    ),
    (_field("string", label="D", format="date"), "2024-02-30", "D must be a valid date string but it was not."),
    (
        _field("string", label="Ip", format="ipv4"),
        "300.1.1.1",
        "Ip must be a valid IPv4 address string but it was not.",
    ),
    (_field("string", label="Id", format="uuid"), "x", "Id must be a valid uuid string but it was not."),
]


@pytest.mark.parametrize(("field", "given", "message"), MESSAGES, ids=[m for _, _, m in MESSAGES])
def test_messages(field: InputField, given: Any, message: str) -> None:
    assert _message(_validator(f=field), {"f": given}) == message


def test_required_messages_name_the_parent() -> None:
    validate = _validator(
        req=_field("string", required=True),
        o=_field("object", label="ObjProps", properties={"x": _field("string", required=True)}),
    )
    assert _message(validate, {"o": {}}) == (
        "The root value is missing the required field 'req'. ObjProps is missing the required field 'x'."
    )


def test_multiple_errors_join_in_segment_order() -> None:
    validate = _validator(
        num=_field("number", label="Num"),
        req=_field("string", label="Req", required=True),
        choice=_field("string", label="Choice", choices=["a", "b"]),
    )
    with pytest.raises(PayloadValidationError) as caught:
        validate({"choice": "z", "num": "x"})
    assert caught.value.message == (
        "The root value is missing the required field 'req'. "
        "Num must be a number but it was a string. "
        'Choice must be one of: "a" or "b".'
    )
    assert caught.value.errors == [
        "The root value is missing the required field 'req'.",
        "Num must be a number but it was a string.",
        'Choice must be one of: "a" or "b".',
    ]
    assert caught.value.status == 400 and caught.value.code == "PAYLOAD_VALIDATION_FAILED"


def test_email_address_example() -> None:
    validate = _validator(
        email=_field("string", label="Email Address", required=True),
        person=_field(
            "object", label="Email Address Holder", properties={"email": _field("string", label="Email", required=True)}
        ),
    )
    assert _message(validate, {"email": "a@b.c", "person": {}}) == (
        "Email Address Holder is missing the required field 'email'."
    )


def test_items_of_multiple_objects_are_named_by_pointer() -> None:
    validate = _validator(
        arr=_field("object", label="Arr", multiple=True, properties={"x": _field("string", required=True)})
    )
    assert _message(validate, {"arr": [{"x": "1"}, {}]}) == "The value at /arr/1 is missing the required field 'x'."


def test_root_must_be_an_object() -> None:
    with pytest.raises(PayloadValidationError, match=r"^The root value must be an object but it was an array\.$"):
        _validator(f=_field("string"))([1])


def test_unknown_keys_are_dropped_at_every_declared_level() -> None:
    validate = _validator(
        o=_field("object", properties={"x": _field("string")}),
        free=_field("object"),
        open=_field("object", properties={"x": _field("string")}, additional_properties=True),
    )
    payload = {"o": {"x": "1", "extra": 2}, "free": {"any": 1}, "open": {"x": "1", "extra": 2}, "top": 1}
    assert validate(payload) == {"o": {"x": "1"}, "free": {"any": 1}, "open": {"x": "1", "extra": 2}}


def test_payload_is_not_mutated() -> None:
    payload = {"n": "5", "junk": 1}
    assert _validator(n=_field("number"))(payload) == {"n": 5}
    assert payload == {"n": "5", "junk": 1}


# ---- empty-value stripping (§3.10) ---------------------------------------------------------------


def test_top_level_empty_string_is_removed_so_required_reads_missing() -> None:
    validate = _validator(req=_field("string", required=True))
    assert _message(validate, {"req": ""}) == "The root value is missing the required field 'req'."


def test_batch_keeps_top_level_empty_strings() -> None:
    assert _validator(req=_field("string", required=True))({"req": ""}, batch=True) == {"req": ""}


@pytest.mark.parametrize(
    ("field", "given", "expected"),
    [
        (_field("string"), None, {}),
        (_field("string", allow_null=True), None, {"f": None}),
        (_field("string", allow_null=True), "", {}),
        (_field("number"), "", {}),
        (_field("string", multiple=True), ["a", None, "", 3], {"f": ["a", "", "3"]}),
        (
            _field("object", properties={"x": _field("string"), "y": _field("number")}),
            {"x": "", "y": ""},
            {"f": {"x": ""}},
        ),
        (_field("object", properties={"x": _field("string")}), {"x": None}, {"f": {}}),
        (_field("object"), {"x": None, "y": ""}, {"f": {"x": None, "y": ""}}),
        (_field("object"), {}, {"f": {}}),
    ],
)
def test_empty_values(field: InputField, given: Any, expected: dict[str, Any]) -> None:
    assert _validator(f=field)({"f": given}) == expected


# ---- conditionally required (§3.7) -------------------------------------------------------------------


def _conditional(**condition: Any) -> dict[str, Any]:
    return {"conditions": [condition]}


@pytest.mark.parametrize(
    ("condition", "payload", "fires"),
    [
        (_conditional(fieldKey="mode", operator="is", value="create"), {"mode": "create"}, True),
        (_conditional(fieldKey="mode", operator="is", value="create"), {"mode": "update"}, False),
        (_conditional(fieldKey="mode", operator="is", value="create"), {}, False),
        (_conditional(fieldKey="mode", operator="is_not", value="create"), {"mode": "update"}, True),
        (_conditional(fieldKey="mode", operator="is_not", value="create"), {}, False),
        (_conditional(fieldKey="mode", operator="is"), {}, True),
        (_conditional(fieldKey="mode", operator="is"), {"mode": "x"}, False),
        (_conditional(fieldKey="mode", operator="is_not"), {"mode": "x"}, True),
        (_conditional(fieldKey="mode", operator="is_not"), {}, False),
        (_conditional(fieldKey="ids.kind", operator="is", value="p"), {"ids": {"kind": "p"}}, True),
        (_conditional(fieldKey="ids.kind", operator="is", value="p"), {"ids": {"kind": "q"}}, False),
    ],
)
def test_conditionally_required(condition: dict[str, Any], payload: dict[str, Any], fires: bool) -> None:
    validate = _validator(
        mode=_field("string"),
        ids=_field("object", properties={"kind": _field("string")}, additional_properties=True),
        creationName=_field("string", required=condition),
    )
    if fires:
        assert _message(validate, payload) == (
            "The root value is missing the required field 'creationName'. The root value must match \"then\" schema."
        )
    else:
        validate(payload)
    validate({**payload, "creationName": "given"})


def test_conditions_any_and_all() -> None:
    conditions = [{"fieldKey": "a", "operator": "is", "value": "x"}, {"fieldKey": "b", "operator": "is", "value": "y"}]
    any_of = _validator(
        a=_field("string"), b=_field("string"), c=_field("string", required={"match": "any", "conditions": conditions})
    )
    all_of = _validator(
        a=_field("string"), b=_field("string"), c=_field("string", required={"match": "all", "conditions": conditions})
    )
    assert any_of.errors({"a": "x"}) and not all_of.errors({"a": "x"})
    assert all_of.errors({"a": "x", "b": "y"})


def test_conditionally_required_sub_property_is_hoisted() -> None:
    validate = _validator(
        mode=_field("string"),
        o=_field(
            "object",
            label="O",
            properties={"x": _field("string", required=_conditional(fieldKey="mode", operator="is", value="on"))},
        ),
    )
    assert _message(validate, {"mode": "on", "o": {}}) == (
        "The value at /o is missing the required field 'x'. The root value must match \"then\" schema."
    )
    assert _message(validate, {"mode": "on"}) == (
        "The root value is missing the required field 'o'. The root value must match \"then\" schema."
    )
    assert validate({"mode": "off", "o": {}}) == {"mode": "off", "o": {}}


def test_conditions_compare_values_before_coercion() -> None:
    validate = _validator(
        flag=_field("boolean"), c=_field("string", required=_conditional(fieldKey="flag", operator="is", value=True))
    )
    assert validate({"flag": "true"}) == {"flag": True}  # Segment compares the mapped value, "true" != true
    assert validate.errors({"flag": True})


def test_length_message_counts_a_lone_surrogate_as_one_code_unit() -> None:
    # JSON may carry "\ud800" alone; JavaScript's length counts it once, and it must not crash the count.
    message = _message(_validator(f=_field("string", label="S", maximum=3)), {"f": "\ud800" * 5})
    assert message == "S must be 3 characters or fewer but it was 5 characters."


def test_a_valid_payload_keeps_its_own_order_and_drops_unknown_keys() -> None:
    validate = _validator(a=_field("string"), n=_field("number"), b=_field("boolean"))
    assert list(validate({"b": "true", "zz": 1, "n": "5", "a": "x"}).items()) == [("b", True), ("n", 5), ("a", "x")]


def test_several_problems_are_worded_in_the_fields_order_whatever_the_payloads_order() -> None:
    validate = _validator(first=_field("number", label="First"), second=_field("boolean", label="Second"))
    assert _message(validate, {"second": "maybe", "first": "ten"}) == _message(
        validate, {"first": "ten", "second": "maybe"}
    )
    message = _message(validate, {"second": "maybe", "first": "ten"})
    assert message.index("First") < message.index("Second")

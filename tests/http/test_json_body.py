"""JSON request bodies are written as JavaScript's JSON.stringify writes them."""

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from framework.http.json_body import dumps_json, dumps_json_bytes, loads_json


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"b": 1, "10": 2, "2": 3}, '{"2":3,"10":2,"b":1}'),
        ({"x": {"01": 1, "1": 2}}, '{"x":{"1":2,"01":1}}'),
        ([{"9": 0, "a": 1}], '[{"9":0,"a":1}]'),
        ({"a": 5.0, "b": 0.5, "c": "é"}, '{"a":5,"b":0.5,"c":"é"}'),
        ({"email": "a@x.com", "first": "A"}, '{"email":"a@x.com","first":"A"}'),
    ],
    ids=["integer keys first", "nested, leading zero is a name", "inside arrays", "numbers", "usual object"],
)
def test_bodies_are_written_as_json_stringify_writes_them(value: Any, text: str) -> None:
    assert dumps_json(value) == text
    assert json.loads(dumps_json(value)) == json.loads(text)


def _nested(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


_EDGE_VALUES: list[Any] = [
    {"b": 1, "10": 2, "2": {"01": 1.0, "x": [0.5, -0.0, 2.0**53, 9.5e15]}},
    {"small": 9.99e-5, "tiny": 1e-7, "big": 1e16, "huge": 1.5e300},
    {"nan": float("nan")},
    {"inf": [float("inf"), float("-inf")]},
    {1: "integer key", "a": None},
    {"wide": 2**64, "negative": -(2**63) - 1},
    ("a", ["tuple", ("nested",)], True, False, None),
    {"text": 'a\x00\x1f\x7f\b\f\n\r\t"\\/\u2028é😀'},
    {"depth": _nested(30)},
]


@pytest.mark.parametrize("value", _EDGE_VALUES)
def test_request_bodies_are_the_reference_text_whichever_encoder_writes_them(value: Any) -> None:
    assert dumps_json_bytes(value) == dumps_json(value).encode("utf-8")


def test_deeper_than_orjson_goes_to_the_reference_encoder() -> None:
    value = _nested(300)  # orjson stops at 255 levels
    assert dumps_json_bytes(value) == dumps_json(value).encode("utf-8")


def test_a_lone_surrogate_fails_as_the_reference_does() -> None:
    with pytest.raises(UnicodeEncodeError):
        dumps_json_bytes({"a": "\ud800"})


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4),
        max_leaves=20,
    )
)
def test_any_json_value_is_written_as_the_reference_writes_it(value: Any) -> None:
    try:
        reference = dumps_json(value).encode("utf-8")
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            dumps_json_bytes(value)
        return
    assert dumps_json_bytes(value) == reference


@pytest.mark.parametrize(
    "body",
    [
        b'{"id":1,"a":[1.5,-0,-0.0,1E2,"\\u00e9"]}',
        b'{"wide":18446744073709551616,"negative":-9223372036854775809}',
        b'{"precise":0.12345678901234567890}',
        b'{"nan":NaN,"inf":Infinity}',
        b'{"big":1e400}',
        b'["\\ud800"]',
        b'\xef\xbb\xbf{"bom":1}',
        '{"utf16":1}'.encode("utf-16"),
        b'  {"padded": true} ',
        b'{"a":1,"a":2}',
    ],
)
def test_response_bodies_are_read_as_the_standard_decoder_reads_them(body: bytes) -> None:
    assert repr(loads_json(body)) == repr(json.loads(body))


@pytest.mark.parametrize("body", [b'{"a":', b"{\xff}", b'{"a":"\x01"}'])
def test_a_response_body_the_standard_decoder_refuses_is_refused(body: bytes) -> None:
    with pytest.raises(ValueError):
        json.loads(body)
    with pytest.raises(ValueError):
        loads_json(body)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4),
        max_leaves=20,
    )
)
def test_any_json_text_is_read_as_the_standard_decoder_reads_it(value: Any) -> None:
    body = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    assert repr(loads_json(body)) == repr(json.loads(body.decode("utf-8", "surrogatepass")))

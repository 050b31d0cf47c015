"""JSON request bodies are written as JavaScript's JSON.stringify writes them."""

import json
from typing import Any

import pytest

from framework.http.json_body import dumps_json


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

"""Form encoding matches JavaScript's URLSearchParams byte for byte (probed in Node 22)."""

from __future__ import annotations

from typing import Any

import pytest

from framework.http import encode_form


@pytest.mark.parametrize(
    ("data", "encoded"),
    [
        (
            {"k ey": "a b~*-._!'()é&=+/:;,?#[]@$", "t": True, "f": False, "n": 1.5, "i": 7},
            "k+ey=a+b%7E*-._%21%27%28%29%C3%A9%26%3D%2B%2F%3A%3B%2C%3F%23%5B%5D%40%24&t=true&f=false&n=1.5&i=7",
        ),
        ([("a", "1"), ("a", "2")], "a=1&a=2"),
        ({"x": 2.0, "skip": None}, "x=2"),
        ({}, ""),
    ],
)
def test_encode_form(data: Any, encoded: str) -> None:
    assert encode_form(data) == encoded

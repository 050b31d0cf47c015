"""Option merging: headers case-insensitive with None deleting, params merged, hooks accumulated."""

from __future__ import annotations

import pytest

from framework.http import merge_headers, merge_options, parse_retry_after


@pytest.mark.parametrize(
    ("base", "extra", "merged"),
    [
        ({"A": "1"}, {"a": "2"}, {"a": "2"}),
        ({"Authorization": "x"}, {"authorization": None}, {}),
        ({}, {"n": 5, "b": False}, {"n": "5", "b": "false"}),
        (None, None, {}),
    ],
)
def test_merge_headers(base: dict | None, extra: dict | None, merged: dict) -> None:
    assert merge_headers(base, extra) == merged


def test_merge_options_layers() -> None:
    def hook_a(options: dict) -> None:
        return None

    def hook_b(options: dict) -> None:
        return None

    base = {"headers": {"X": "1"}, "params": {"a": 1}, "before_request": [hook_a], "timeout": 10, "secrets": ["s1"]}
    merged = merge_options(
        base, {"headers": {"y": "2"}, "params": {"b": 2}, "before_request": hook_b, "timeout": 3, "secrets": ["s2"]}
    )
    assert merged == {
        "headers": {"X": "1", "y": "2"},
        "params": {"a": 1, "b": 2},
        "before_request": [hook_a, hook_b],
        "timeout": 3,
        "secrets": ["s1", "s2"],
    }
    assert base["headers"] == {"X": "1"}  # not mutated


def test_merge_options_rejects_non_dicts_and_unknown_names() -> None:
    with pytest.raises(TypeError, match="must be a dict"):
        merge_options({}, ["headers"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="unknown request option\\(s\\) header"):
        merge_options({}, {"header": {}})


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        ("1.5", 1.5),
        ("0", 0.0),
        ("-1", None),
        ("nan", None),
        ("", None),
        (None, None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 10.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
        ("garbage", None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=1445412470.0) == seconds

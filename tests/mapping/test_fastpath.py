"""The generated resolver for default-shape objects: built only from quoted names, falls back when unsure."""

from __future__ import annotations

from typing import Any

from framework.mapping import compile_mapping
from framework.mapping.fastpath import _source, build_fast_object


def p(path: str) -> dict[str, str]:
    return {"@path": path}


def default(path: str) -> dict[str, Any]:
    return {"@if": {"exists": p(path), "then": p(path), "else": p("$.properties.fallback")}}


def test_source_quotes_every_name() -> None:
    source = _source([("k'ey\"", ("tra\nits", "x")), ("c", None)])
    assert repr("k'ey\"") in source and repr("tra\nits") in source
    compile(source, "<test>", "exec")


def test_default_mappings_get_the_generated_resolver() -> None:
    compiled = compile_mapping({"a": default("$.traits.a"), "b": default("$.traits.address.b"), "flag": True})
    assert compiled._resolve_clean.__name__ == "build"
    assert compiled({"traits": {"a": 1, "address": {"b": "x"}}}) == {"a": 1, "b": "x", "flag": True}


def test_unusual_events_take_the_general_path() -> None:
    compiled = compile_mapping({"a": default("$.traits.a"), "b": default("$.traits.address.b")})
    assert compiled({"traits": {"a": None}, "properties": {"fallback": "f"}}) == {"a": "f", "b": "f"}
    assert compiled({"traits": {"a": {"nested": [1]}, "address": "flat"}}) == {"a": {"nested": [1]}}
    assert compiled({"traits": "str"}) == {}


def test_objects_with_other_members_are_not_generated() -> None:
    compiled = compile_mapping({"a": default("$.traits.a"), "t": {"@template": "{{x}}"}})
    assert compiled._resolve_clean.__name__ != "build"


def test_generated_function_sees_no_builtins_beyond_type_and_dict() -> None:
    build = build_fast_object([("a", ("x", "y"))], {}, lambda payload: {"slow": True})
    assert build.__globals__["__builtins__"] == {"type": type, "dict": dict}
    assert build({"x": {"y": 1}}) == {"a": 1}
    assert build({"x": 1}) == {"slow": True}

"""Property tests: no JSON mapping and no JSON event makes the kit raise anything but its documented errors.

Mappings are drawn both as arbitrary JSON and as directive-shaped trees (real directive names with
plausible and implausible options), so the compilers' option checks and the resolvers' type handling
are exercised on shapes no hand-written table lists.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from framework.mapping import MappingError, MappingValidationError, compile_mapping, transform, validate_mapping

KEYS = st.sampled_from(["a", "b", "x", "0", "1", "traits", "email", "sp ace", "length", "", "@x", "_metadata"])
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**60), 2**60), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12), st.sampled_from(["$.a", "$.", "a.b", "{{a}}", "{{ a | upcase }}", "$.a[0]", "$..a", "$.a[*]"]),
)  # fmt: skip
JSON = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4), max_leaves=20
)

DIRECTIVES = [
    "@path", "@template", "@literal", "@if", "@case", "@replace", "@arrayPath", "@json", "@flatten", "@merge",
    "@transform", "@excludeWhenNull", "@liquid", "@first", "@oops",
]  # fmt: skip
OPTION_KEYS = st.sampled_from([
    "exists", "blank", "then", "else", "operator", "value", "pattern", "replacement", "pattern2", "replacement2",
    "ignorecase", "global", "mode", "separator", "omitArrays", "direction", "objects", "apply", "mapping",
])  # fmt: skip
OPTION_VALUES = st.sampled_from(
    ["lower", "upper", "encode", "decode", "left", "right", "a", ".", "", "-", True, False, 0, None]
)


def _directive(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    options = st.dictionaries(OPTION_KEYS, inner | OPTION_VALUES, max_size=5)
    argument = st.one_of(inner, options, st.lists(inner, max_size=3))
    return st.builds(lambda name, value: {name: value}, st.sampled_from(DIRECTIVES), argument)


MAPPINGS = st.recursive(
    SCALARS,
    lambda inner: _directive(inner) | st.dictionaries(KEYS, inner, max_size=3) | st.lists(inner, max_size=3),
    max_leaves=15,
)
EVENTS = st.dictionaries(KEYS, JSON, max_size=6)


def _resolve_quietly(mapping: Any, event: Any) -> Any:
    """Compile and resolve; only the kit's own errors may escape."""
    try:
        return compile_mapping(mapping)(event)
    except MappingError:
        return None


@given(mapping=JSON, event=JSON)
def test_any_json_mapping_and_event_raise_only_mapping_errors(mapping: Any, event: Any) -> None:
    _resolve_quietly(mapping, event)


@settings(max_examples=400)
@given(mapping=MAPPINGS, event=EVENTS)
def test_directive_shaped_mappings_raise_only_mapping_errors(mapping: Any, event: Any) -> None:
    result = _resolve_quietly({"field": mapping}, event)
    if result is not None:
        json.dumps(result)  # the payload is JSON: no sentinel leaks out


@given(mapping=MAPPINGS)
def test_validation_reports_errors_as_located_messages(mapping: Any) -> None:
    try:
        validate_mapping({"field": mapping})
    except MappingValidationError as error:
        assert error.errors
        assert all(message.startswith("/") and message.endswith(".") for message in error.errors)


@given(event=EVENTS)
def test_compiled_and_one_shot_agree(event: Any) -> None:
    mapping = {
        "a": {"@if": {"exists": {"@path": "$.a"}, "then": {"@path": "$.a"}, "else": {"@path": "$.b"}}},
        "t": {"@template": "{{x}}"},
    }
    assert compile_mapping(mapping)(event) == transform(mapping, event)


LIQUID_PIECES = st.sampled_from([
    "{{", "}}", "{%", "%}", "{{-", "-}}", " ", "a", "traits.name", "|", ":", ",", "'x'", '"y"', "1", "-2.5", "(", ")",
    "..", "[", "]", "0", "if", "elsif", "else", "endif", "unless", "endunless", "assign", "=", "capture", "endcapture",
    "comment", "endcomment", "raw", "endraw", "upcase", "plus", "date", "default", "and", "or", "not", "contains",
    "==", "<", ">=", "nil", "empty", "blank", "true", "for", "case", "liquid", "echo", "\n", "{#", "#}", "}}}",
])  # fmt: skip


@settings(max_examples=400)
@given(pieces=st.lists(LIQUID_PIECES, max_size=25), event=EVENTS)
def test_any_liquid_text_raises_only_mapping_errors(pieces: list[str], event: Any) -> None:
    template = "".join(pieces)
    result = _resolve_quietly({"v": {"@liquid": template}}, {**event, "traits": {"name": "Ada", "n": 3}})
    assert result is None or isinstance(result.get("v"), str)


DEFAULT_SHAPE_PATHS = st.lists(
    st.lists(
        st.sampled_from(["traits", "properties", "address", "city", "email", "0", "length"]), min_size=1, max_size=3
    ).map(".".join),
    min_size=1,
    max_size=6,
)
SHAPE_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=2)
        | st.dictionaries(st.sampled_from(["traits", "address", "city", "email", "0"]), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=400)
@given(
    paths=DEFAULT_SHAPE_PATHS,
    constant=SCALARS,
    event=st.dictionaries(st.sampled_from(["traits", "properties", "email"]), SHAPE_VALUES, max_size=3),
)
def test_generated_default_shape_resolver_matches_the_general_one(
    paths: list[str], constant: Any, event: dict[str, Any]
) -> None:
    """The generated fast path (framework.mapping.fastpath) gives what the per-field resolvers give."""
    mapping: dict[str, Any] = {
        f"f{index}": {
            "@if": {
                "exists": {"@path": f"$.{path}"},
                "then": {"@path": f"$.{path}"},
                "else": {"@path": "$.properties.email"},
            }
        }
        for index, path in enumerate(paths)
    }
    mapping["k"] = constant
    compiled = compile_mapping(mapping)
    planned = compiled.root.resolve_clean(event)  # the plan, not the generated code
    # `_metadata` on `then` hides the shape from every shortcut: the plain @if resolver runs.
    plain = {
        key: {"@if": {**value["@if"], "then": {**value["@if"]["then"], "_metadata": {}}}} if key != "k" else value
        for key, value in mapping.items()
    }
    general = compile_mapping(plain)(event)
    assert compiled(event) == planned == general
    assert list(compiled(event)) == list(planned) == list(general)

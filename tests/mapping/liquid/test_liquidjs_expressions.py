"""liquidjs's expression reading, case by case (each found by differential fuzzing against Segment's engine).

Every expected value here is what Segment's engine (liquidjs 10) printed for the same template; the
same cases are recorded in ``tests/mapping/conformance/cases.jsonl`` (ids ``fuzz-liquid-*``).
"""

from __future__ import annotations

from typing import Any

import pytest

from framework.mapping import MappingError, compile_mapping

EVENT: dict[str, Any] = {
    "é": 5, "null": {"a": 1}, "x": {"é": "E", "-1": "m", "l": [1, 2, 3]}, "1a": "one-a", "a?b": 3,
    "1": {"5": {"x": "15x"}}, "s": "abc", "sp": "S", "arr": [[1, 2]], "t": {"length": {"a": 1}},
    "u": {"length": 0}, "v": {"length": "xy"}, "n": 5, "w": "Hello World", "nums": [1, 2, 3, 4], "tiny": 1e-7,
    "big": 1e21, "e": "",
}  # fmt: skip


def render(template: str) -> Any:
    return compile_mapping({"v": {"@liquid": template}})(EVENT)["v"]


@pytest.mark.parametrize(
    ("template", "printed"),
    [
        ("{{ é }}|{{ x.é }}", "5|E"),  # every character from U+0080 up is a word character
        ("{{ 1a }}|{{ a?b }}", "one-a|3"),  # words may start with a digit and hold '?'
        ("{{ 01 | plus: 1 }}|{{ +5 }}|{{ 1. }}", "2|5|1"),  # number literals are read by Number()
        ("{{ x.l.1 }}{{ x.l[-1] }}|{{ x.l.-1 }}|{{ x.-1 }}", "23||m"),  # after a dot, a name ("-1")
        ("{{ 1.5.x }}", "15x"),
        ("{{ null.a }}|{{ true.x | json }}|{{ true.[0] }}", "||true"),  # properties of literals
        ("{{ null | json }}{{ empty | json }}{{ blank | json }}{{ '' | json }}", '{}{}{}""'),
        ("{{ 1.5['x'] | json }}", ""),  # undefined: JSON.stringify gives nothing
        ("{{ t | size }}{{ u | size }}{{ v | size }}{{ 5 | size }}", "[object Object]0xy0"),
        ("{{ s == 'abc' }}|{{ s contains 'b' | upcase }}|{{ n > 3 and s }}|{{ not s }}", "true|TRUE|true|false"),
        ("{{ s , b | upcase }}|{{ s | upcase, 1 }}|{{ s ) | upcase }}", "abc|ABC|abc"),  # , or ) ends it
        ("{{ sp ace.x[0] | upcase }}|{{ arr.[0][1] | times: 2 }}", "S|0"),  # stray values are dropped
    ],
)
def test_segment_prints(template: str, printed: str) -> None:
    assert render(template) == printed


@pytest.mark.parametrize(
    ("template", "printed"),
    [
        # Filter arguments are compared and sliced as JavaScript does (a text that is not a number is NaN).
        (
            "{{ w | truncatewords: 'x' }}|{{ w | truncatewords: missing }}|{{ w | truncatewords: 1.5 }}|{{ w | truncatewords: nil }}",
            "|Hello World|Hello...|Hello...",
        ),
        ("{{ w | truncate: 'x' }}|{{ w | truncate: 5.5 }}|{{ '' | truncate: 'x' }}", "...|Hel...|"),
        (
            "{{ nums | slice: 'y' | join: ',' }}|{{ w | slice: 'y' }}|{{ w | slice: 1.5, 2 }}|{{ nums | slice: 1.5, 2 | join: ',' }}"
            "|{{ w | slice: 1, 2.2 }}|{{ nums | slice: missing, 2 | join: ',' }}|{{ w | slice: missing, 2 }}",
            "|H|ll|2,3|ell||He",
        ),
        (
            "{{ tiny | round: 1 }}|{{ big | round: 2.5 }}|{{ 1.005 | round: 2 }}|{{ 123.456 | round: 1.5 }}",
            "0|1e+21|1.01|123.456",
        ),
        ("{{ tiny | divided_by: nums | modulo: big }}|{{ -7 | modulo: 3 }}", "NaN|2"),
        ("{{ 'ab' | replace: '', '-' }}", "a-b"),
        ("{% if empty contains e %}T{% endif %}{% if 'undefined x' contains missing %}T{% endif %}", "TT"),
        ("{{ empty | first | json }}{{ e | last | json }}{{ e | first | push: 'x' | json }}", '""""["","x"]'),
    ],
)
def test_filters_follow_javascript_arithmetic(template: str, printed: str) -> None:
    assert render(template) == printed


@pytest.mark.parametrize(
    "template", ["{{ a : b }}", "{{ a ] }}", "{{ a = b }}", "{{ a .. b }}", "{{ b..n | plus: 1 }}"]
)
def test_what_cannot_precede_a_filter_fails_as_in_segment(template: str) -> None:
    with pytest.raises(MappingError):
        render(template)


def test_text_filters_keep_whole_characters() -> None:
    # Documented divergence (docs/mapping.md, conformance case fuzz-liquid-surrogate): liquidjs cuts the
    # emoji into lone UTF-16 surrogates, which no UTF-8 request body can carry.
    rendered = compile_mapping({"v": {"@liquid": "{{ u | last }}|{{ u | first }}|{{ u | replace: '', '-' }}"}})(
        {"u": "😀ab😀"}
    )
    assert rendered == {"v": "😀|😀|😀-a-b-😀"}
    rendered["v"].encode("utf-8")


def test_blank_equals_nil_but_not_the_other_way_round() -> None:
    # liquidjs: BlankDrop.equals(nil) is true; nil == blank compares nil with the drop and is false.
    template = "{% if blank == nil %}a{% endif %}{% if nil == blank %}b{% endif %}{% if empty == nil %}c{% endif %}"
    assert render(template) == "a"

"""``@liquid`` end to end on Jinja2's sandbox: Liquid syntax, liquidjs's filters, Segment's deny-list and limits."""

from __future__ import annotations

from typing import Any

import pytest

from framework.mapping import MappingResolutionError, compile_mapping
from framework.mapping.liquid import DISABLED_FILTERS, DISABLED_TAGS, FILTERS, parse_liquid, runtime

EVENT = {
    "traits": {
        "name": "Ada",
        "age": 36,
        "tags": ["a", "b", None, 3],
        "blank": "",
        "no": False,
        "when": "2024-01-15T10:20:30Z",
    }
}


def render(template: str, event: Any = None) -> str:
    return parse_liquid(template).render(EVENT if event is None else event)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ traits.name | upcase }}", "ADA"), ("{{ traits.name | append: '!' | prepend: 'Dr. ' }}", "Dr. Ada!"),
        ("{{ traits.missing | default: 'none' }}", "none"), ("{{ traits.no | default: 'x' }}", "x"),
        ("{{ traits.age | plus: 1 }}/{{ traits.age | divided_by: 5 }}/{{ 7 | divided_by: 0 }}", "37/7.2/Infinity"),
        ("{{ 'abc' | plus: 1 }}", "1"), ("{{ 1.1 | plus: 2.2 }}", "3.3000000000000003"), ("{{ 2.5 | round }}", "3"),
        ("{{ 2.567 | round: 2 }}", "2.57"), ("{{ traits.tags }}", "ab3"), ("{{ traits }}", "[object Object]"),
        ("{{ traits.tags | join: ', ' }}", "a, b, , 3"), ("{{ traits.tags.size }}/{{ traits.tags.first }}/{{ traits.tags.last }}", "4/a/3"),
        ("{{ 'Hello World' | truncate: 8 }}", "Hello..."), ("{{ 'a,b,,' | split: ',' | size }}", "2"),
        ("{{ 'abc' | slice: -2 }}", "b"), ("{{ traits.when | date: '%Y-%m-%d %H:%M' }}", "2024-01-15 10:20"),
        ("{{ 1700000000 | date: '%Y-%m-%d' }}", "2023-11-14"), ("{{ 'a b' | url_encode }}", "a+b"),
        ("{{ '<p>' | escape }}", "&lt;p&gt;"), ("{{ traits | json }}"[:0] + "{{ traits.tags | json }}", '["a","b",null,3]'),
        ("{% if traits.blank %}t{% else %}f{% endif %}", "t"), ("{% if traits.age > 30 and traits.name == 'Ada' %}y{% endif %}", "y"),
        ("{% if traits.no or traits.missing %}y{% else %}n{% endif %}", "n"), ("{% unless traits.no %}u{% endunless %}", "u"),
        ("{% if traits.tags contains 'a' %}c{% endif %}", "c"), ("{% if traits.blank == empty %}e{% endif %}", "e"),
        ("{% assign x = traits.name | downcase %}{{ x }}", "ada"), ("{% capture c %}{{ traits.age }}!{% endcapture %}{{ c }}{{ c }}", "36!36!"),
        ("{% raw %}{{ x }}{% endraw %}", "{{ x }}"), ("{% comment %}{% for %}{% endcomment %}ok", "ok"),
        ("{%- if true -%}  trim  {%- endif -%}", "trim"), ("{% increment c %}{% increment c %}", "01"),
        ("{{ traits.name | nosuchfilter }}", "Ada"), ("{% liquid assign y = 2\necho y %}", "2"), ("{{ (1..3) }}", "123"),
    ],
)  # fmt: skip
def test_templates_render_like_liquidjs(template: str, expected: str) -> None:
    assert render(template) == expected


@pytest.mark.parametrize("name", DISABLED_FILTERS)
def test_disabled_filters_fail_the_render(name: str) -> None:
    with pytest.raises(MappingResolutionError, match=f'filter "{name}" is disabled'):
        render(f"{{{{ traits.tags | {name} }}}}")


@pytest.mark.parametrize("tag", DISABLED_TAGS)
def test_disabled_tags_fail_when_resolved(tag: str) -> None:
    compiled = compile_mapping({"v": {"@liquid": f"{{% {tag} x %}}"}})
    with pytest.raises(MappingResolutionError, match=f'tag "{tag}" is disabled'):
        compiled(EVENT)


def test_many_liquidjs_filters_are_available() -> None:
    expected = {"upcase", "downcase", "append", "prepend", "default", "date", "plus", "minus", "times", "divided_by",
                "size", "strip", "split", "join", "first", "last", "replace", "truncate", "capitalize", "round", "url_encode"}  # fmt: skip
    assert expected <= set(FILTERS)
    assert not set(DISABLED_FILTERS) & set(FILTERS)


def test_event_data_is_never_rendered_as_a_template() -> None:
    event = {"a": "{{ secret }}{% assign x = 1 %}", "secret": "leak"}
    assert render("{{ a }}", event) == "{{ secret }}{% assign x = 1 %}"


def test_jinja_syntax_in_a_template_is_liquid_text() -> None:
    assert render("{# not a comment #}{{ traits.name }}") == "{# not a comment #}Ada"


def test_python_attributes_are_not_reachable() -> None:
    assert render("{{ traits.items }}|{{ traits.__class__ }}|{{ traits.name.upper }}") == "||"


def test_syntax_errors_fail_when_resolved() -> None:
    compiled = compile_mapping({"v": {"@liquid": "{{ $.traits.name }}"}})
    with pytest.raises(MappingResolutionError):
        compiled(EVENT)


def test_output_size_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "SIZE_LIMIT", 1000)
    doubling = "{% assign s = 'xxxxxxxxxx' %}" + "{% assign s = s | append: s %}" * 8 + "{{ s }}"
    with pytest.raises(MappingResolutionError, match="exceeds"):
        render(doubling)


def test_render_time_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "RENDER_TIME_LIMIT", -1.0)
    with pytest.raises(MappingResolutionError, match="longer than"):
        render("{{ traits.name }}")


def test_variables_read_are_reported() -> None:
    assert parse_liquid("{{ traits.name }}{% if traits.age > 1 %}{% endif %}").variables == (
        "traits.name",
        "traits.age",
    )

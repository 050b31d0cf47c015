"""Liquid → Jinja translation: structure maps onto Jinja, text and literals never become Jinja source."""

from __future__ import annotations

import pytest

from framework.mapping.liquid.lexer import LiquidSyntaxError, tokenize
from framework.mapping.liquid.translator import translate


def test_text_and_string_literals_live_in_the_constants_table() -> None:
    translation = translate("{# x #}{{ '{{ y }}' | append: \"%}\" }}")
    assert "{# x #}" in translation.constants and "{{ y }}" in translation.constants and "%}" in translation.constants
    assert "{# x #}" not in translation.source and "{{ y }}" not in translation.source


@pytest.mark.parametrize(
    ("liquid", "jinja_fragment"),
    [
        ("{% if a %}x{% elsif b %}y{% else %}z{% endif %}", "{% elif _t("),
        ("{% unless a %}x{% endunless %}", "{% if not ("),
        ("{% capture c %}x{% endcapture %}", "{% set _cap1 %}"),
        ("{{ a | upcase | append: 'b' }}", "|upcase()"),
        ("{{ a | nosuchfilter }}", "_o(_s, _v(_s, _k[0]))"),
        ("{% if a == 1 and b or c %}{% endif %}", " and (_t("),
    ],
)
def test_structure_becomes_jinja(liquid: str, jinja_fragment: str) -> None:
    assert jinja_fragment in translate(liquid).source


@pytest.mark.parametrize(
    ("liquid", "message"),
    [
        ("{% for x in y %}{% endfor %}", 'tag "for" is disabled'),
        ("{% nosuchtag %}", 'tag "nosuchtag" not found'),
        ("{% if a %}", "not closed"),
        ("{% endif %}", "unexpected"),
        ("{{ a", "not closed"),
        ("{{ $.a }}", "invalid value expression"),
        ("{{ a | upcase junk }}", "invalid value expression"),
    ],
)
def test_syntax_errors(liquid: str, message: str) -> None:
    with pytest.raises(LiquidSyntaxError, match=message):
        translate(liquid)


def test_whitespace_control_trims_neighbouring_text() -> None:
    tokens = tokenize("a  {{- x -}}  b")
    assert [token.body for token in tokens] == ["a", "x", "b"]


def test_raw_blocks_are_text() -> None:
    assert [(token.kind, token.body) for token in tokenize("{% raw %}{{ x }}{% endraw %}")] == [("text", "{{ x }}")]


def test_variables_are_listed_once_in_order() -> None:
    assert translate("{{ a.b }}{{ c[0] }}{{ a.b }}").variables == ["a.b", "c.0"]

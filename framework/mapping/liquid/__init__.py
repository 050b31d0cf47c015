"""Liquid templates for ``@liquid``, rendered by Jinja2's sandbox after translation from Liquid syntax.

Modules: :mod:`.lexer` (tokens), :mod:`.translator` (Liquid → Jinja source), :mod:`.values` (Liquid's
truthiness, output, lookups, comparisons), :mod:`.filters` and :mod:`.dates` (the filters),
:mod:`.runtime` (helpers and limits used while rendering), :mod:`.environment` (the sandbox).
"""

from framework.mapping.liquid.environment import LiquidTemplate, parse_liquid
from framework.mapping.liquid.filters import DISABLED_FILTERS, FILTERS
from framework.mapping.liquid.lexer import LiquidSyntaxError
from framework.mapping.liquid.translator import DISABLED_TAGS

__all__ = ["LiquidTemplate", "parse_liquid", "LiquidSyntaxError", "FILTERS", "DISABLED_FILTERS", "DISABLED_TAGS"]

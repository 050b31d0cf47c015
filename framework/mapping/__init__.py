"""The mapping kit: Segment's mapping language (directives, paths, templates), compiled once per mapping.

>>> from framework.mapping import transform
>>> transform({"name": {"@template": "{{first}} {{last}}"}}, {"first": "Ada", "last": "Lovelace"})
{'name': 'Ada Lovelace'}

See docs/mapping.md for every directive, the path syntax, the extensions and the divergences from
Segment.

Where things are:

* :mod:`.compiler` — ``compile_mapping``, ``CompiledMapping``, ``transform``;
* :mod:`.validation` — Segment's structural rules and messages; :mod:`.root` — the root directive;
* :mod:`.nodes` — the compiled node types; :mod:`.directives` — one module per directive;
* :mod:`.object_plan` and :mod:`.fastpath` — the fast paths for destinations' default mappings;
* :mod:`.paths` — Segment's path syntax and the jsonpath extension;
* :mod:`framework.jsvalues` (shared with FQL) — JavaScript's undefined, truthiness, ``String()`` and ``JSON.stringify``;
* :mod:`.liquid` — Liquid templates on Jinja2's sandbox; :mod:`.explain` — field traces;
* :mod:`.errors` — ``MappingError`` and its two subclasses.
"""

from framework.mapping.compiler import ABSENT, CompiledMapping, compile_mapping, transform
from framework.mapping.errors import MappingError, MappingResolutionError, MappingValidationError
from framework.mapping.explain import FieldTrace
from framework.mapping.validation import validate_mapping

__all__ = [
    "ABSENT",
    "CompiledMapping",
    "FieldTrace",
    "MappingError",
    "MappingResolutionError",
    "MappingValidationError",
    "compile_mapping",
    "transform",
    "validate_mapping",
]

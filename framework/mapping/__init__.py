"""The mapping kit: Segment's mapping language (directives, paths, templates), compiled once per mapping.

>>> from framework.mapping import transform
>>> transform({"name": {"@template": "{{first}} {{last}}"}}, {"first": "Ada", "last": "Lovelace"})
{'name': 'Ada Lovelace'}

See docs/mapping.md for every directive, the path syntax, the extensions and the divergences from
Segment.
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

"""The public surface of ``framework.mapping`` is exactly its ``__all__``, and it is complete."""

from __future__ import annotations

import framework.mapping as mapping

SEAM = {"compile_mapping", "CompiledMapping", "transform", "validate_mapping", "MappingError",
        "MappingValidationError", "MappingResolutionError", "FieldTrace"}  # fmt: skip


def test_all_names_the_architecture_seam() -> None:
    assert SEAM <= set(mapping.__all__)


def test_every_exported_name_exists_and_public_names_are_exported() -> None:
    for name in mapping.__all__:
        assert hasattr(mapping, name), name
    public = {
        name
        for name in vars(mapping)
        if not name.startswith("_") and not isinstance(getattr(mapping, name), type(mapping))
    }
    assert public == set(mapping.__all__)


def test_error_hierarchy() -> None:
    assert issubclass(mapping.MappingError, ValueError)
    assert issubclass(mapping.MappingValidationError, mapping.MappingError)
    assert issubclass(mapping.MappingResolutionError, mapping.MappingError)

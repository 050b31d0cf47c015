"""The public surface of framework.subscriptions: names in __all__ exist and nothing public is missed."""

from __future__ import annotations

import framework.subscriptions as subscriptions


def test_all_names_exist() -> None:
    for name in subscriptions.__all__:
        assert getattr(subscriptions, name) is not None


def test_architecture_seam_names_are_exported() -> None:
    assert {"parse_fql", "compile_trigger", "matches", "FQLSyntaxError", "Trigger"} <= set(subscriptions.__all__)
    assert issubclass(subscriptions.FQLSyntaxError, ValueError)


def test_every_public_attribute_is_in_all() -> None:
    public = {name for name in vars(subscriptions) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(subscriptions, name)).__name__ == "module"}
    assert public - modules == set(subscriptions.__all__)

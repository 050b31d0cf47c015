"""Every Pardot module's ``__all__`` names what it defines, so the public surface is the declared one."""

from __future__ import annotations

import importlib

import pytest

MODULES = [
    "destinations.pardot", "destinations.pardot.client", "destinations.pardot.classifier",
    "destinations.pardot.upsert_prospect", "destinations.pardot.emulator", "destinations.pardot.emulator.faults",
    "destinations.pardot.emulator.limits", "destinations.pardot.emulator.oauth",
    "destinations.pardot.emulator.responses", "destinations.pardot.emulator.store",
    "destinations.pardot.emulator.wsgi",
]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__all__, f"{name} declares no public names"
    missing = [attr for attr in module.__all__ if not hasattr(module, attr)]
    assert missing == []
    assert module.__doc__ and module.__doc__.strip(), f"{name} has no docstring saying what it is for"


def test_emulator_entry_points_are_stable() -> None:
    emulator = importlib.import_module("destinations.pardot.emulator")
    assert {"PardotEmulator", "main", "serve"} <= set(emulator.__all__)

"""Fixtures shared by the Pardot tests: a running emulator on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from destinations.pardot.emulator import PardotEmulator


@pytest.fixture
def emulator() -> Iterator[PardotEmulator]:
    """A Pardot emulator serving on a free loopback port, with the custom field ``Tier__c`` defined."""
    with PardotEmulator(custom_fields=["Tier__c"]) as running:
        yield running

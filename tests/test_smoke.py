"""The package imports and exposes its version."""

import framework


def test_package_has_a_version() -> None:
    assert framework.__version__.count(".") == 2

"""The runtime's public modules export exactly what they define for users, and every name exists."""

import importlib
from types import ModuleType

import pytest

SUBMODULES = {
    "framework.instance": {"config", "instance", "problems", "sources", "compiler"},
    "framework.runtime": {
        "client",
        "credentials",
        "event_shape",
        "payload",
        "pipeline",
        "results",
        "subscription",
        "async_batch",
        "batch",
        "multistatus",
    },
    "framework.testing": {"events", "integration", "transport", "sample", "plugin", "batch_results"},
}


def public_names(module: ModuleType) -> set[str]:
    ignored = SUBMODULES.get(module.__name__, set())
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith(("_", "@"))
        and name not in ignored
        and not isinstance(value, ModuleType)
        and name not in ("annotations",)
    }


@pytest.mark.parametrize("name", ["framework.instance", "framework.runtime", "framework.testing", "framework.registry"])
def test_all_is_complete_and_exists(name: str) -> None:
    module = importlib.import_module(name)
    assert set(module.__all__) <= set(vars(module))
    if name != "framework.registry":  # a module also holds private helpers' imports
        assert public_names(module) == set(module.__all__)


def test_the_design_documents_public_names_exist() -> None:
    from framework.instance import DestinationInstance
    from framework.registry import get_destination, list_destinations
    from framework.testing import create_test_event, create_test_integration

    assert callable(DestinationInstance.from_file) and callable(DestinationInstance.from_settings)
    assert callable(DestinationInstance.send) and callable(DestinationInstance.explain)
    assert all(callable(f) for f in (get_destination, list_destinations, create_test_event, create_test_integration))

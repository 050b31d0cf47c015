"""Every public module of the destination kit keeps ``__all__`` complete and importable."""

from __future__ import annotations

import importlib
import inspect

import pytest

MODULES = [
    "framework.definition",
    "framework.definition.fields",
    "framework.definition.conditions",
    "framework.definition.actions",
    "framework.definition.destination",
    "framework.definition.audience_config",
    "framework.definition.auth_schemes",
    "framework.definition.presets",
    "framework.definition.inputs",
    "framework.definition.json_schema",
    "framework.definition.validator",
    "framework.definition.messages",
    "framework.definition.formats",
    "framework.definition.coercion",
    "framework.definition.empty_values",
    "framework.definition.schema_nodes",
    "framework.definition.checks",
    "framework.definition.static_checks",
    "framework.definition.js_date",
    "framework.errors",
    "framework.http",
    "framework.http.client",
    "framework.http.options",
    "framework.http.redaction",
    "framework.http.exchanges",
    "framework.http.retry_after",
    "framework.http.forms",
    "framework.http.json_body",
    "framework.auth",
    "framework.auth.tokens",
    "framework.auth.store",
    "framework.auth.refresher",
    "framework.runtime.token_refresh",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist_and_public_classes_are_listed(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__, f"{name} has no module docstring"
    for exported in module.__all__:
        assert hasattr(module, exported), f"{name}.__all__ lists missing {exported}"
    defined_here = [
        n
        for n, obj in vars(module).items()
        if not n.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and getattr(obj, "__module__", None) == name
    ]
    missing = sorted(set(defined_here) - set(module.__all__))
    assert not missing, f"{name} defines public {missing} but does not export them"

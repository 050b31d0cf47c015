"""Request options and how layers of them merge (defaults → extend_request → per call).

Merging follows Segment's request client: headers merge case-insensitively and a header set to
``None`` deletes it (so a call can drop an ``Authorization`` that ``extend_request`` added); ``params``
merge key by key; hook lists and ``secrets`` accumulate (earlier layers' hooks run first); every other
option is replaced by the later layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["OPTION_NAMES", "DEFAULT_TIMEOUT", "merge_options", "merge_headers", "header_value"]

DEFAULT_TIMEOUT = 10.0

OPTION_NAMES = frozenset(
    {
        "method",
        "headers",
        "json",
        "data",
        "params",
        "timeout",
        "throw_http_errors",
        "username",
        "password",
        "before_request",
        "after_response",
        "origin_override",
        "secrets",
    }
)
_LIST_OPTIONS = ("before_request", "after_response", "secrets")


def header_value(value: Any) -> str:
    """Header values are strings; booleans read as JavaScript writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def merge_headers(base: Mapping[str, Any] | None, extra: Mapping[str, Any] | None) -> dict[str, Any]:
    """``base`` updated by ``extra``, names compared case-insensitively; ``None`` deletes a header."""
    merged: dict[str, Any] = dict(base or {})
    if not extra:
        return merged
    names = {name.lower(): name for name in merged}  # every request merges headers: one pass, not one per name
    for name, value in extra.items():
        lowered = name.lower()
        if lowered in names:
            if len(names) == len(merged):
                del merged[names[lowered]]
            else:  # base itself held one name in two cases: remove them all
                for existing in [k for k in merged if k.lower() == lowered]:
                    del merged[existing]
        if value is not None:
            merged[name] = header_value(value)
            names[lowered] = name
        else:
            names.pop(lowered, None)
    return merged


def merge_options(base: Mapping[str, Any], extra: Mapping[str, Any] | None) -> dict[str, Any]:
    """One layer of options over another (see the module docstring for the rules)."""
    _check_names(extra or {})
    merged = dict(base)
    for name, value in (extra or {}).items():
        if name == "headers":
            merged["headers"] = merge_headers(merged.get("headers"), value)
        elif name == "params" and isinstance(value, Mapping) and isinstance(merged.get("params"), Mapping):
            merged["params"] = {**merged["params"], **value}
        elif name in _LIST_OPTIONS:
            merged[name] = [*merged.get(name, []), *_as_list(value)]
        else:
            merged[name] = value
    return merged


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _check_names(options: Mapping[str, Any]) -> None:
    if not isinstance(options, Mapping):
        raise TypeError(f"request options must be a dict, not {type(options).__name__}")
    if OPTION_NAMES.issuperset(options):  # the usual case, without building a set per request
        return
    unknown = sorted(set(options) - OPTION_NAMES)
    if unknown:
        raise TypeError(f"unknown request option(s) {', '.join(unknown)}; known: {', '.join(sorted(OPTION_NAMES))}")

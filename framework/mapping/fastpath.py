"""A generated resolver for the shape of Segment's default mappings, the hot path of most events.

Destination defaults are runs of ``{"@if": {"exists": P, "then": P, "else": Q}}`` fields reading
``$.traits.*`` (Pardot's ``prospects`` has eleven, then ``secondaryDeletedSearch: true``). Resolving
them through one closure per field costs a Python call and a loop step each; this module writes, once
per mapping, one straight-line function for the whole run:

* read each distinct prefix object once (``traits``, ``traits.address``);
* read every field with a plain ``dict.get``;
* if every prefix is an object and every value is a present scalar (the usual event), return the
  payload as one dict display, constants included;
* otherwise hand the event to the general resolver (``slow``), which handles absent and null values,
  fallbacks, strings and arrays on the way, and copying of objects.

Only field names and path segments enter the generated source, always through ``repr()`` of a
string; constants and helpers are passed in the function's namespace. The generated function is
checked against the general resolver by the conformance and property tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["FastMember", "build_fast_object"]

#: One output member in mapping order: ``(key, path segments)`` for a default-shape field, or
#: ``(key, None)`` for a constant (its value is in the ``constants`` mapping).
FastMember = tuple[str, "tuple[str, ...] | None"]
# Values that can be returned as they are (no fallback, no copy).
_SCALARS = frozenset((str, int, float, bool))


def _prefix_names(members: list[FastMember]) -> dict[tuple[str, ...], str]:
    """A local name (``b0``, ``b1``…) for every distinct prefix object, parents first."""
    names: dict[tuple[str, ...], str] = {}
    for _, segments in members:
        for size in range(1, len(segments or ())):
            names.setdefault(segments[:size], f"b{len(names)}")  # type: ignore[index]
    return names


def _source(members: list[FastMember]) -> str:
    """The generated function's source (see the module docstring for its shape)."""
    prefixes = {(): "payload", **_prefix_names(members)}
    lines = ["def build(payload):", "    if type(payload) is not dict:", "        return slow_object(payload)"]
    for prefix, name in list(prefixes.items())[1:]:
        lines.append(f"    {name} = {prefixes[prefix[:-1]]}.get({prefix[-1]!r})")
        lines.append(f"    if type({name}) is not dict:")
        lines.append("        return slow_object(payload)")
    entries, checks = [], []
    for index, (key, segments) in enumerate(members):
        if segments is None:
            entries.append(f"{key!r}: CONSTANTS[{key!r}]")
            continue
        lines.append(f"    v{index} = {prefixes[segments[:-1]]}.get({segments[-1]!r})")
        checks.append(f"type(v{index}) in SCALARS")
        entries.append(f"{key!r}: v{index}")
    lines.append(f"    if {' and '.join(checks)}:")
    lines.append(f"        return {{{', '.join(entries)}}}")
    lines.append("    return slow_object(payload)")
    return "\n".join(lines) + "\n"


def build_fast_object(
    members: list[FastMember], constants: dict[str, Any], slow: Callable[[Any], dict[str, Any]]
) -> Callable[[Any], dict[str, Any]]:
    """A function ``build(payload) -> dict`` equivalent to ``slow(payload)``, faster on usual events.

    ``members`` must hold at least one path member; ``slow`` is the general resolver of the object.
    """
    namespace: dict[str, Any] = {
        "SCALARS": _SCALARS,
        "CONSTANTS": dict(constants),
        "slow_object": slow,
        "__builtins__": {"type": type, "dict": dict},
    }
    code = compile(_source(members), "<framework.mapping.fastpath>", "exec")
    exec(code, namespace)  # noqa: S102 - source built only from repr() of strings, see module docstring
    return namespace["build"]

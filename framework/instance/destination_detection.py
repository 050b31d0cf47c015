"""Which destination a Segment settings JSON is for, when the command line does not say.

A Segment settings export names no destination, so ``--destination SLUG`` says which; without it the
destination is the one registered destination whose required settings are all present in the file.
Several matching is a problem that names the candidates and asks for ``--destination``; none matching
names the closest destination (the most settings named alike) and the required settings it lacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from framework.instance.problems import Problems

__all__ = ["detect_destination"]


def detect_destination(settings: Any, problems: Problems) -> str:
    """The slug of the only destination whose required settings ``settings`` has ("" with a problem if none)."""
    from framework.registry import list_destinations

    keys = set(settings) if isinstance(settings, Mapping) else set()
    matching = [
        definition.slug
        for definition in list_destinations()
        if _required_settings(definition) <= keys and _required_settings(definition)
    ]
    if len(matching) == 1:
        return matching[0]
    if matching:
        problems.add(
            "destination",
            f"these settings fit several destinations ({', '.join(sorted(matching))}); "
            "say which with --destination SLUG.",
        )
    else:
        problems.add("destination", _no_match_message(keys, list_destinations()))
    return ""


def _no_match_message(keys: set[str], definitions: list[Any]) -> str:
    """Why no destination matched: the closest one and the required settings it lacks, when there is one."""
    closest = _closest_destination(keys, definitions)
    if closest is None:
        return (
            "a Segment settings JSON does not name its destination and no installed destination has "
            f"settings named like these keys ({', '.join(sorted(keys)) or 'none'}); pass --destination SLUG "
            "(see `actions list`)."
        )
    fields = closest.authentication.fields
    missing = sorted(_required_settings(closest) - keys)
    described = ", ".join(f'{name} ("{fields[name].label or name}")' for name in missing)
    settings_word = "setting" if len(missing) == 1 else "settings"
    return (
        f"a Segment settings JSON does not name its destination, and none has all its required settings; "
        f"these keys are closest to {closest.slug}, which also requires the {settings_word} {described}. "
        f"Add {'it' if len(missing) == 1 else 'them'} at the top level of the settings JSON, or pass "
        "--destination SLUG (see `actions list`)."
    )


def _closest_destination(keys: set[str], definitions: list[Any]) -> Any:
    """The destination with the most settings named in ``keys`` (None when none shares a name, or a tie)."""
    scored = sorted(
        (
            (len(keys & set(definition.authentication.fields)), definition.slug, definition)
            for definition in definitions
            if definition.authentication and definition.slug
        ),
        key=lambda entry: entry[0],
        reverse=True,
    )
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][2]


def _required_settings(definition: Any) -> set[str]:
    fields = definition.authentication.fields if definition.authentication else {}
    return {name for name, field in fields.items() if field.required}

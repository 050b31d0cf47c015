"""Which destination a Segment settings JSON is for, when the command line does not say.

A Segment settings export names no destination, so ``--destination SLUG`` says which; without it the
destination is the one registered destination whose required settings are all present in the file.
None or several matching is a problem that names the candidates and asks for ``--destination``.
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
        problems.add(
            "destination",
            "a Segment settings JSON does not name its destination and no installed "
            "destination's required settings match these keys; pass --destination SLUG "
            "(see `actions list`).",
        )
    return ""


def _required_settings(definition: Any) -> set[str]:
    fields = definition.authentication.fields if definition.authentication else {}
    return {name for name, field in fields.items() if field.required}

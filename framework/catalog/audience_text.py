"""How a destination's audience part and user deletion read, for ``describe`` and the catalog page.

One place, so the terminal and the page say the same of a destination's ``audience_config`` (its
mode, whether it creates audiences) and ``on_delete``. Each text is ``None`` for a destination
without that part, so neither output grows a line for it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["audience_calls_text", "audience_facts", "audience_mode_text", "deletion_text", "has_audiences"]


def audience_facts(definition: Any) -> list[tuple[str, str]]:
    """The (label, text) lines both outputs print after the authentication, only those that apply.

    Klaviyo's: ``("Audience mode", "synced (...)")``, ``("Audiences", "created and checked by the
    destination (...)")``, ``("User deletion", "handled (on_delete)")``; Slack's: none.
    """
    facts = [
        ("Audience mode", audience_mode_text(definition)),
        ("Audiences", audience_calls_text(definition)),
        ("User deletion", deletion_text(definition)),
    ]
    return [(label, text) for label, text in facts if text is not None]


def has_audiences(definition: Any) -> bool:
    """True when the destination declares an audience config or audience settings."""
    declares_config = getattr(definition, "audience_config", None) is not None
    return declares_config or bool(getattr(definition, "audience_fields", None))


def audience_mode_text(definition: Any) -> str | None:
    """How Segment feeds an audience: ``realtime (...)``, ``synced (...)``, ``synced, full audience sync (...)``."""
    config = getattr(definition, "audience_config", None)
    if config is None:
        return None
    if config.mode.type == "realtime":
        return "realtime (each audience entered or exited event as it happens)"
    if config.mode.full_audience_sync:
        return "synced, full audience sync (each run sends the whole audience)"
    return "synced (each run sends the changes, not a full audience sync)"


def audience_calls_text(definition: Any) -> str | None:
    """Whether the destination makes and checks each audience's list itself (both functions, as Segment calls them)."""
    config = getattr(definition, "audience_config", None)
    if config is None:
        return None
    if config.creates_audiences:
        return "created and checked by the destination (create_audience, get_audience)"
    return "not created by the destination (no create_audience, get_audience)"


def deletion_text(definition: Any) -> str | None:
    """``handled (on_delete)`` when the destination deletes a user's data on request, else ``None``."""
    return "handled (on_delete)" if getattr(definition, "on_delete", None) is not None else None

"""Settings shown with every secret masked, and the list of secret values a page must never contain."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from framework.http.redaction import REDACTED, is_secret_key

__all__ = ["masked_auth", "masked_settings", "secret_values", "scrub"]

_SHOWN_AUTH = ("client_id", "refresh_token_url")  # identify the client; not credentials


def _auth_of(instance: Any) -> Any:
    # The configured OAuth tokens; DestinationInstance keeps them only in its compiled form.
    return getattr(getattr(instance, "_compiled", None), "auth", None)


def masked_auth(instance: Any) -> dict[str, Any]:
    """The instance's OAuth fields: the client id and token URL as set, every token and secret masked."""
    auth = _auth_of(instance)
    if auth is None:
        return {}
    fields = ("access_token", "refresh_token", "client_id", "client_secret", "refresh_token_url")
    return {
        name: (value if name in _SHOWN_AUTH else REDACTED)
        for name in fields
        if (value := getattr(auth, name, None)) not in (None, "")
    }


def _is_secret_setting(name: str, declared: Any) -> bool:
    kind = declared.get("type") if isinstance(declared, dict) else getattr(declared, "type", None)
    return kind == "password" or is_secret_key(name)


def masked_settings(settings: dict[str, Any], declared: dict[str, Any]) -> dict[str, Any]:
    """``settings`` with each password-typed or secret-named value replaced by ``[REDACTED]``."""
    return {
        name: (REDACTED if _is_secret_setting(name, declared.get(name)) and value not in ("", None) else value)
        for name, value in settings.items()
    }


def secret_values(instances: Iterable[Any], extra: Iterable[str] = ()) -> list[str]:
    """Every secret setting's value (and ``extra``, the console token): scrubbed from each page."""
    from framework.runtime.client import secrets_of

    found = [str(v) for v in extra if v]
    for instance in instances:
        found.extend(secrets_of(instance.definition, instance.settings, _auth_of(instance)))
        declared = instance.definition.settings_fields
        for name, value in instance.settings.items():
            if value not in ("", None) and _is_secret_setting(name, declared.get(name)):
                found.append(str(value))
    return sorted({v for v in found if len(v) >= 4}, key=len, reverse=True)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value replaced: the last guard before a page leaves the console."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text

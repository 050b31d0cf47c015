"""Load-time checks of an instance's settings and OAuth tokens, as Segment's settings step does them.

Settings are validated against the destination's authentication fields (coerced, unknown keys
dropped); a missing required setting is reported with its label, a one-sentence hint from its
description and where to add it. Tokens are checked by key and type only: their values are secrets
and never appear in a message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from framework.auth import OAuthTokens
from framework.errors import PayloadValidationError
from framework.instance.problems import Problems

if TYPE_CHECKING:
    from framework.definition import DestinationDefinition

__all__ = ["check_settings", "check_auth", "unknown_setting_warnings", "TOKEN_KEYS"]

TOKEN_KEYS = ("access_token", "refresh_token", "client_id", "client_secret", "refresh_token_url")


def check_settings(
    definition: DestinationDefinition, settings: Mapping[str, Any], problems: Problems
) -> dict[str, Any]:
    """Segment's settings step: validate against the auth fields (coercing, dropping unknown keys)."""
    fields = definition.authentication.fields if definition.authentication else None
    if fields is None:
        return dict(settings)  # no authentication at all: Segment passes settings through untouched
    missing = [key for key, field in fields.items() if field.required is True and _absent(settings.get(key))]
    for key in missing:
        field = fields[key]
        about = f" ({_first_sentence(field.description)})" if field.description else ""
        problems.add(
            "settings",
            f'settings.{key}: the required setting "{field.label}" is missing{about}. '
            f"{_where_to_add(key, settings, fields)}",
        )
    try:
        return dict(definition.validate_settings(dict(settings)))
    except (PayloadValidationError, ValueError) as error:
        for message in _messages(error):
            if not any(f"'{key}'" in message for key in missing):  # already said better above
                problems.add("settings", f"settings: {message}")
        return {}


def unknown_setting_warnings(definition: DestinationDefinition, settings: Mapping[str, Any]) -> list[str]:
    """Keys the destination does not declare: dropped, as Segment drops them, but said out loud.

    Usually a typo of an optional setting, or ``endpoint`` written into Segment's settings JSON, where
    it is not read: the requests would then go to the real API.
    """
    fields = definition.authentication.fields if definition.authentication else None
    if fields is None:
        return []
    known = ", ".join(fields) or "none"
    warnings = []
    for key in (name for name in settings if name not in fields and name not in _SET_ASIDE):
        hint = (
            " To send to an emulator, give endpoint in the TOML form or DestinationInstance(..., endpoint=...)."
            if key == "endpoint"
            else ""
        )
        warnings.append(
            f"settings.{key}: {definition.name} has no such setting, so it is ignored (its "
            f"settings are: {known}).{hint}"
        )
    return warnings


_SET_ASIDE = frozenset({"subscription", "subscriptions", "oauth", "dynamicAuthSettings"})


def _where_to_add(key: str, settings: Mapping[str, Any], fields: Mapping[str, Any]) -> str:
    """Where the setting goes, or the misspelled key that was probably meant to be it."""
    import difflib  # only when a required setting is missing

    undeclared = [name for name in settings if isinstance(name, str) and name not in fields]
    close = difflib.get_close_matches(key, undeclared, n=1, cutoff=0.75)
    close = close or [name for name in undeclared if name.lower() == key.lower()]
    if close:
        return f"The config has {close[0]!r}, which is not a setting: did you mean {key!r}?"
    return f"Add {key} under [settings] (TOML) or at the top level of the settings JSON."


def _first_sentence(markdown: str) -> str:
    """A setting's description as one plain sentence: enough to find the value, short enough to read."""
    plain = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", markdown).replace("**", "").replace("`", "")
    return plain.split(". ")[0].strip().rstrip(".")


def _absent(value: Any) -> bool:
    return value is None or value == ""


def _messages(error: Exception) -> list[str]:
    errors = getattr(error, "errors", None)
    if isinstance(errors, list) and errors:
        return [str(e) for e in errors]
    return [str(error)]


def check_auth(
    definition: DestinationDefinition, auth: Mapping[str, Any] | None, problems: Problems
) -> OAuthTokens | None:
    """OAuth tokens from ``[auth]`` / ``oauth``; an OAuth destination without them cannot send anything."""
    if auth is None:
        if definition.authentication is not None and definition.authentication.is_oauth:
            problems.add(
                "auth",
                f"auth: {definition.name} signs in with OAuth 2 but the config has no "
                "tokens. Add [auth] with access_token, refresh_token, client_id and "
                'client_secret (TOML) or an "oauth" object (settings JSON).',
            )
        return None
    unknown = sorted(set(auth) - set(TOKEN_KEYS))
    wrong = sorted(key for key in TOKEN_KEYS if key in auth and not isinstance(auth[key], str))
    if unknown:
        problems.add("auth", f"auth: unknown key(s) {', '.join(unknown)}; the keys are {', '.join(TOKEN_KEYS)}.")
    for key in wrong:  # name the key, never echo the value: it is a secret
        problems.add("auth", f"auth.{key} should be a string.")
    if unknown or wrong:
        return None
    return OAuthTokens(**{key: auth[key] for key in TOKEN_KEYS if key in auth})

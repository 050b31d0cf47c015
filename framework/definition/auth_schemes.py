"""``Authentication``: how a destination authenticates and which settings hold its credentials.

Schemes are Segment's: ``custom`` (the destination reads settings in ``extend_request``), ``basic``
(by convention ``extend_request`` returns ``username``/``password``), ``oauth2`` and ``oauth-managed``
(the runtime refreshes tokens on a 401 through ``refresh_access_token``) and ``none``. ``fields`` are
the destination's settings (Segment's GlobalSettings: string, password, number or boolean).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from framework.definition.fields import InputField

__all__ = ["Authentication", "AuthScheme", "SETTING_TYPES", "RESERVED_OAUTH_SETTING_NAMES", "authentication_problems"]

AuthScheme = Literal["custom", "basic", "oauth2", "oauth-managed", "none"]
SETTING_TYPES = ("string", "password", "number", "boolean")
OAUTH_SCHEMES = ("oauth2", "oauth-managed")

# Segment's CLI refuses these setting names on OAuth destinations (they collide with token storage).
RESERVED_OAUTH_SETTING_NAMES = frozenset(
    {
        "oauth",
        "oauth2",
        "accesstoken",
        "access-token",
        "acccess_token",
        "refresh-token",
        "refresh_token",
        "token_type",
        "apikey",
        "apisecret",
        "clientsecret",
        "password",
        "secretkey",
        "secret",
        "securitytoken",
    }
)


class Authentication(BaseModel):
    """The authentication scheme, its settings fields and its optional hooks."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, hide_input_in_errors=True)

    scheme: AuthScheme
    fields: dict[str, InputField] = Field(default_factory=dict)
    test_authentication: Callable[..., Any] | None = None
    refresh_access_token: Callable[..., Any] | None = None

    @property
    def is_oauth(self) -> bool:
        """Whether a 401 triggers refresh-then-retry (Segment: only oauth2 and oauth-managed)."""
        return self.scheme in OAUTH_SCHEMES

    @model_validator(mode="after")
    def _check(self) -> Authentication:
        problems = authentication_problems(self)
        if problems:
            raise ValueError(" ".join(problems))
        return self


def authentication_problems(auth: Authentication) -> list[str]:
    """Why this authentication cannot work as declared (empty when it can)."""
    problems = []
    if auth.refresh_access_token is not None and not auth.is_oauth:
        problems.append(f"refresh_access_token is only valid with the oauth2 scheme, not {auth.scheme!r}.")
    for key, field in auth.fields.items():
        if field.type not in SETTING_TYPES:
            problems.append(f"setting {key!r} has type {field.type!r}; settings are one of {', '.join(SETTING_TYPES)}.")
        if auth.is_oauth and key.lower() in RESERVED_OAUTH_SETTING_NAMES:
            problems.append(f"setting {key!r} uses a name reserved for OAuth tokens; rename it.")
    return problems

"""Salesforce (Actions), slug ``actions-salesforce``: create, update, upsert and delete Salesforce records.

* **Settings**: ``instanceUrl`` (the account's API host, set by the OAuth login), ``isSandbox``, and
  the optional ``username`` / ``auth_password`` / ``security_token`` of the password login (:mod:`.login`).
* **Authentication**: Salesforce OAuth 2.0, the login Pardot shares (``framework.definition.oauth_login``):
  ``Authorization: Bearer <token>`` on every call, refreshed at ``login.salesforce.com`` or, for
  sandboxes, ``test.salesforce.com``.
* **Actions** (:mod:`.actions`): ``lead``, ``contact``, ``account``, ``opportunity``, ``cases``,
  ``customObject`` (``operation`` field) and their V2 forms ``lead2`` ... ``customObject2`` (sync
  modes add/update/upsert/delete). One REST call per event (:mod:`.records`, :mod:`.rest`), or one
  Bulk API 2.0 job per batch with ``enable_batching`` (:mod:`.bulk`).
* **Errors**: :mod:`.classifier`.

Requests are the ones Segment's Salesforce sends (tests/destinations/salesforce/conformance). For local
runs, :mod:`.emulator` stands in for Salesforce (records by object, SOQL lookups, bulk jobs, tokens).
"""

from __future__ import annotations

from typing import Any

from framework.definition import Authentication, DestinationDefinition, InputField

from .actions import ACTIONS
from .login import bearer_header, refresh_access_token

__all__ = ["definition", "destination", "SETTINGS"]

_PASSWORD_FLOW = ("With username and password set, Salesforce is logged in to with them (the security token, if any, "
                  "after the password: the username-password flow) instead of OAuth; shown only to accounts opted in.")  # fmt: skip
SETTINGS: dict[str, InputField] = {
    "instanceUrl": InputField(label="Instance URL", type="string", required=True,
                              description="Your account's Salesforce URL, set by the OAuth login (hidden)."),
    "isSandbox": InputField(label="Sandbox Instance", type="boolean", default=False, description=(
        "Log in to a sandbox. A sandbox username is the production one followed by the sandbox's name "
        "(user@acme.com.test for sandbox test); after switching, disconnect and reconnect with it.")),
    "username": InputField(label="Username", type="string",
                           description=f"The Salesforce username to log in with. {_PASSWORD_FLOW}"),
    "auth_password": InputField(label="Password", type="password",
                                description=f"That user's Salesforce password. {_PASSWORD_FLOW}"),
    "security_token": InputField(label="Security Token", type="password",
                                 description=f"That user's security token, appended to the password. {_PASSWORD_FLOW}"),
}  # fmt: skip

definition = DestinationDefinition(
    name="Salesforce (Actions)",
    slug="actions-salesforce",
    description="Create, update, upsert and delete leads, contacts, accounts, opportunities, cases and any object.",
    mode="cloud",
    authentication=Authentication(scheme="oauth2", fields=SETTINGS, refresh_access_token=refresh_access_token),
    extend_request=bearer_header,
    actions=ACTIONS,
    emulator=lambda settings, auth, subscriptions, **options: _start_emulator(auth, **options),
)


def _start_emulator(auth: dict[str, Any], **options: Any) -> Any:
    """``actions replay --emulator``: the local Salesforce accepting the instance's tokens."""
    from .emulator import start_emulator

    return start_emulator(auth, **options)


destination = definition  # the name the registry looks for first

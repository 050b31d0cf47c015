"""The Salesforce login (not a destination): where Pardot and Salesforce both get their OAuth tokens.

``login.salesforce.com``, or ``test.salesforce.com`` when the instance's ``isSandbox`` setting is on,
and the standard refresh-token grant at ``/services/oauth2/token``. Declared once here so neither
destination carries its own copy; ``framework.definition.oauth_login.OAuthLogin`` is the kit's part.
"""

from __future__ import annotations

from framework.definition.endpoints import Endpoints
from framework.definition.oauth_login import OAuthLogin

__all__ = ["SALESFORCE_LOGIN"]

SALESFORCE_LOGIN = OAuthLogin(
    origins=Endpoints(setting="isSandbox", default="https://login.salesforce.com",
                      by_value={"true": "https://test.salesforce.com"}),
    token_path="/services/oauth2/token",
)  # fmt: skip

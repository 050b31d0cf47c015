"""One destination-level call, tried again once after a token refresh when the token was refused.

Segment runs ``createAudience``, ``getAudience`` and ``onDelete`` in ``retry(run, {retries: 2})``:
a failure whose status is 401, for a destination with an OAuth scheme, refreshes the tokens and runs
the call once more; any other failure, and a second 401, is raised. Events have their own, per
subscription, in the pipeline; this is the same rule for the calls an operator makes one at a time.
A refusal is read as the pipeline reads it (``resolution_for`` says ``REFRESH_THEN_RETRY``: a 401 a
classifier did not pin as terminal). Segment also refreshes after the second 401 before raising it;
that refresh cannot change the outcome, so it is not made here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from framework.errors import Resolution, resolution_for

if TYPE_CHECKING:
    from framework.auth import OAuthTokens
    from framework.runtime.credentials import Credentials

__all__ = ["call_with_refresh"]

T = TypeVar("T")


def call_with_refresh(credentials: Credentials, call: Callable[[OAuthTokens | None], T]) -> T:
    """``call(tokens)`` with the current tokens; after a refused token, refreshed tokens once more.

    A refusal that cannot be refreshed (no OAuth scheme, no refresh function, no tokens) is raised as
    it is, as Segment's ``handleError`` does.
    """
    tokens = credentials.current()
    try:
        return call(tokens)
    except Exception as error:
        if resolution_for(error) is not Resolution.REFRESH_THEN_RETRY or not credentials.can_refresh or tokens is None:
            raise
    return call(credentials.refresh(tokens))

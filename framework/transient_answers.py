"""The answers every HTTP destination retries, read the same way: one branch for all classifiers.

A destination's classifier (its table of answers → errors) starts with the answers whose meaning
does not depend on the API: 429 means slow down, 408 and 5xx except 501 mean try again. Segment's
classifiers each repeat that branch; here a classifier asks :func:`transient_error` first and keeps
only what its API says in its own words (an auth failure, a quota code, a refused record).

>>> transient_error(refused_answer, "Slack")        # doctest: +SKIP
RetryableError('Slack answered 429 Too Many Requests; slowing down and retrying.')
"""

from __future__ import annotations

from framework.errors import HTTPError, Resolution, RetryableError

__all__ = ["is_retried_status", "transient_error"]


def is_retried_status(status: int) -> bool:
    """True for a timeout answer or a server error other than 501 (Not Implemented never heals)."""
    return status == 408 or (500 <= status <= 599 and status != 501)


def transient_error(error: HTTPError, service: str, detail: str = "") -> RetryableError | None:
    """The retry a 429, 408 or 5xx answer calls for, or None when the destination must decide.

    ``service`` names who answered (a product, or a webhook's host); ``detail`` is what the answer
    said that is safe to repeat (never a body that may echo user data): the caller decides.
    """
    status = error.response.status_code
    said = f" ({detail})" if detail else ""
    if status == 429:
        return RetryableError(
            f"{service} answered 429 Too Many Requests{said}; slowing down and retrying.",
            429,
            retry_after=error.retry_after,
            resolution=Resolution.RATE_LIMITED,
        )
    if is_retried_status(status):
        return RetryableError(f"{service} answered {status}{said}; retrying.", status, retry_after=error.retry_after)
    return None

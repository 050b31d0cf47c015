"""framework/transient_answers.py: the retry branch every classifier asks first, row by row."""

from __future__ import annotations

import pytest

from framework.errors import HTTPError, Resolution, RetryableError, resolution_for
from framework.testing import refused_answer
from framework.transient_answers import transient_error


def refused(status: int) -> HTTPError:
    return refused_answer(status, "{}")


@pytest.mark.parametrize(
    ("status", "expected"),
    [(429, Resolution.RATE_LIMITED), (408, Resolution.RETRY), (500, Resolution.RETRY), (502, Resolution.RETRY),
     (503, Resolution.RETRY), (599, Resolution.RETRY)],
)  # fmt: skip
def test_transient_answers_become_retries(status: int, expected: Resolution) -> None:
    error = transient_error(refused(status), "Example")
    assert isinstance(error, RetryableError) and error.status == status
    assert resolution_for(error) == expected
    assert f"Example answered {status}" in str(error)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 501])
def test_other_answers_are_left_to_the_destination(status: int) -> None:
    assert transient_error(refused(status), "Example") is None


def test_detail_is_named_and_retry_after_kept() -> None:
    error = transient_error(refused_answer(429, retry_after=7.0), "Slack", "rate_limited")
    assert error is not None and error.retry_after == 7.0
    assert "Slack answered 429 Too Many Requests (rate_limited)" in str(error)

"""``refused_answer``: the ``HTTPError`` a non-2xx answer becomes, for testing a classifier row by row.

A classifier (``destinations/<folder>/classifier.py``) maps refused answers to errors; its table test
feeds it answers without any HTTP::

    error = error_for_http_error(refused_answer(429, '{"detail": "slow down"}', retry_after=3))
    assert resolution_for(error) is Resolution.RATE_LIMITED
"""

from __future__ import annotations

from collections.abc import Mapping

import requests

from framework.errors import HTTPError

__all__ = ["refused_answer"]


def refused_answer(
    status: int,
    body: str = "",
    *,
    url: str = "https://api.example.com/v1",
    retry_after: float | None = None,
    headers: Mapping[str, str] | None = None,
) -> HTTPError:
    """The error for a POST to ``url`` answered ``status`` with ``body`` (and ``headers``)."""
    response = requests.Response()
    response.status_code, response.url, response._content = status, url, body.encode()
    response.headers.update(headers or {})
    return HTTPError(response, requests.Request("POST", url).prepare(), retry_after=retry_after)

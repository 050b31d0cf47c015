"""A generic recording endpoint: a loopback HTTP server that answers 200 and keeps every request.

It stands in for any receiver that only takes requests (a webhook, a Slack incoming webhook), so
``actions replay --emulator`` and the delivery tests have something to deliver to. It is not a
destination (no ``definition``), only machinery destinations share:

* every request is stored (method, path, headers, body text, arrival order), see :meth:`requests`;
* ``latency`` seconds are waited before each answer;
* ``faults`` (``"500:0.1,429:0.05,reset:0.02"``, the shared ``destinations.emulation`` fault mix) make a seeded share of requests fail: with that
  status (a 429 carries ``Retry-After: 1``), or ``reset``, the connection dropped unanswered. A failed
  request is stored with its outcome, so tests can tell delivered from refused.

    endpoint = start_recording_endpoint("Requests received", faults="500:0.2", seed=7)
    ...  # send to endpoint.base_url
    endpoint.delivered()   # the requests answered 2xx, in arrival order
    endpoint.stop()
"""

from __future__ import annotations

from .server import RecordedRequest, RecordingEndpoint, Responder, main, serve_main, start_recording_endpoint

__all__ = ["RecordedRequest", "RecordingEndpoint", "Responder", "main", "serve_main", "start_recording_endpoint"]

"""Intake: Segment's HTTP tracking API in front of the delivery queue (``actions serve``).

Any Segment library (analytics-python, analytics.js, a webhook source) pointed at this server with
an instance's write key gets its events committed to the queue before it hears 200; the delivery
workers (in the same process by default) take them from there.

* ``request_rules``: Segment's limits and request shapes, and the 400 that names the rule broken;
* ``event_normalisation``: messageId, receivedAt, and the timestamp corrected for clock skew;
* ``write_keys``: HTTP Basic (or ``writeKey`` in the body) → the instances of that key;
* ``acceptance``: events → jobs per matching subscription, committed by ``group_commit``;
* ``app``: the ASGI routes; ``metrics``: Prometheus counters; ``server``: uvicorn, with companions;
* ``delivery_companion``: the delivery engine's worker on a thread beside the server (``actions serve``).
"""

from framework.intake.acceptance import TrackingIntake
from framework.intake.app import TRACKING_ROUTES, create_app
from framework.intake.event_normalisation import iso_utc, normalise_events
from framework.intake.group_commit import GroupCommit
from framework.intake.metrics import IntakeMetrics
from framework.intake.request_rules import (
    EVENT_TYPES,
    MAX_BATCH_BYTES,
    MAX_EVENT_BYTES,
    RequestRejected,
    TrackingRequest,
    read_tracking_request,
)
from framework.intake.server import Companion, IntakeServer
from framework.intake.write_keys import WriteKeys, write_key_from_header

__all__ = [
    "create_app",
    "IntakeServer",
    "Companion",
    "IntakeMetrics",
    "WriteKeys",
    "write_key_from_header",
    "TrackingIntake",
    "GroupCommit",
    "TrackingRequest",
    "RequestRejected",
    "read_tracking_request",
    "normalise_events",
    "iso_utc",
    "TRACKING_ROUTES",
    "EVENT_TYPES",
    "MAX_EVENT_BYTES",
    "MAX_BATCH_BYTES",
]

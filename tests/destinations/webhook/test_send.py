"""``send`` and its batch through the whole instance: bodies, methods, headers and the signature."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from framework.instance import DestinationInstance
from framework.testing import MockRouter

URL = "https://hooks.example.com/in"


def instance(mapping: dict[str, Any], secret: str | None, router: MockRouter) -> DestinationInstance:
    settings: dict[str, Any] = {"subscriptions": [{"subscribe": 'type = "track"', "partnerAction": "send",
                                                   "mapping": {"url": URL, "method": "PUT", **mapping}}]}  # fmt: skip
    if secret is not None:
        settings["sharedSecret"] = secret
    return DestinationInstance.from_settings(settings, "actions-webhook", session=router.session())


def expected_signature(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha1).hexdigest()


def test_one_event_goes_as_its_data_signed_over_the_exact_body() -> None:
    router = MockRouter().add("PUT", URL, status=200)
    mapping = {"data": {"who": {"@path": "$.userId"}, "n": 1.0}, "headers": {"X-Team": "core"}}
    with instance(mapping, "sëcret", router) as webhook:
        [result] = webhook.send({"type": "track", "event": "E", "userId": "李"})
    [request] = router.requests
    assert result.status.value == "delivered"
    assert request.body == '{"who":"李","n":1}'.encode()
    assert request.headers["X-Signature"] == expected_signature("sëcret", '{"who":"李","n":1}')
    assert request.headers["X-Team"] == "core"


def test_without_a_secret_there_is_no_signature() -> None:
    router = MockRouter().add("PUT", URL, status=200)
    with instance({"data": {"a": 1}}, "", router) as webhook:
        webhook.send({"type": "track", "event": "E"})
    assert "X-Signature" not in router.requests[0].headers


def test_a_batch_is_one_array_body_signed_like_segment_over_the_first_events_data() -> None:
    router = MockRouter().add("PUT", URL, status=200)
    events = [{"type": "track", "event": "E", "userId": f"u{i}"} for i in range(3)]
    with instance({"data": {"u": {"@path": "$.userId"}}, "enable_batching": True}, "k", router) as webhook:
        run = webhook.send_batch(0, events)
    [request] = router.requests
    assert json.loads(request.body or b"") == [{"u": "u0"}, {"u": "u1"}, {"u": "u2"}]
    assert request.headers["X-Signature"] == expected_signature("k", '{"u":"u0"}')
    assert [r.status.value for r in run.results if r is not None] == ["delivered"] * 3

"""Request parity with Segment's Pardot destination, case by case (cases recorded by ``record.py``).

Each stored case is replayed through ``DestinationInstance.from_settings`` with the same settings JSON,
and its HTTP is answered in-process with the same replies, in the same order, as Segment got. The test
asserts the same requests (method, URL, ``Authorization`` and ``Pardot-Business-Unit-Id`` headers,
JSON body with its key order; for token refreshes the form fields in order) and the same outcome
(delivered, filtered, invalid or failed). Bodies are also compared byte for byte: the JSON text is
the one ``JSON.stringify`` writes.

Where this project deliberately differs from Segment, the expectation is adjusted here, in the open:

* a token refresh request carries neither ``Authorization`` nor ``Pardot-Business-Unit-Id``
  (Segment sends ``Authorization: Bearer undefined`` and the business unit to Salesforce);
* after a second 401 with a freshly refreshed token the runtime stops (terminal) instead of refreshing
  once more before giving up, so Segment's last, useless token request is not expected;
* a subscription naming an action the destination does not have is refused when the instance loads
  (Segment silently does nothing with it);
* ``isSandbox: "false"`` (text) is production for token refreshes too: Segment coerces it to ``false``
  for API calls but refreshes on the sandbox login host, because its ``refreshAccessToken`` reads the
  raw, truthy text (destinations/pardot/faq.md, "How do I send to a sandbox?").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests

from framework.instance import DestinationInstance
from framework.testing import MockTransport, Reply
from framework.testing.recordings import read_cases

CASES_FILE = Path(__file__).with_name("cases.jsonl")
TOKEN_HOSTS = ("https://login.salesforce.com/", "https://test.salesforce.com/")
API_HEADERS = ("authorization", "pardot-business-unit-id", "content-type")
DEFAULT_REPLY: dict[str, Any] = {"status": 201, "body": {"id": 1}}


def load_cases() -> list[dict[str, Any]]:
    return read_cases(CASES_FILE)


CASES = load_cases()


def ordered(text: str | None) -> Any:
    """JSON text as nested (key, value) lists, so that key order takes part in the comparison."""
    return json.loads(text or "null", object_pairs_hook=lambda pairs: [[k, v] for k, v in pairs])


def replying(replies: list[dict[str, Any]]) -> MockTransport:
    """A transport answering every request with the next stored reply (then Segment's default)."""
    queue = list(replies)

    def answer(request: requests.PreparedRequest) -> Reply:
        reply = queue.pop(0) if queue else DEFAULT_REPLY
        headers = reply.get("headers") or {"content-type": "application/json"}
        body = reply["body"] if isinstance(reply["body"], str) else json.dumps(reply["body"])
        return Reply(status=reply["status"], body=body, headers=headers)

    return MockTransport(answer)


def comparable(method: str, url: str, headers: dict[str, Any], body: str | None) -> dict[str, Any]:
    """What parity covers for one request, in one shape for Segment's requests and ours."""
    lowered = {name.lower(): (value[0] if isinstance(value, list) else value) for name, value in headers.items()}
    if url.startswith(TOKEN_HOSTS):
        return {
            "method": method,
            "url": url,
            "form": parse_qsl(body or "", keep_blank_values=True),
            "form content type": lowered.get("content-type", "").startswith("application/x-www-form-urlencoded"),
            "bytes": body,
        }
    return {
        "method": method,
        "url": url,
        "headers": {h: lowered.get(h) for h in API_HEADERS},
        "body": ordered(body),
        "bytes": body,
    }


def segment_expected(case: dict[str, Any], segment: dict[str, Any]) -> list[dict[str, Any]]:
    """Segment's requests, less the final refresh it makes after giving up (see the module docstring)."""
    sandbox_text_false = case["settings"].get("isSandbox") == "false"
    sent = [comparable(r["method"], _production_login(r["url"]) if sandbox_text_false else r["url"],
                       r["headers"], r["body"])
            for r in segment["requests"]]  # fmt: skip
    error = segment.get("error") or {}
    refreshes = sum(1 for r in sent if r["url"].startswith(TOKEN_HOSTS))
    if error.get("status") == 401 and refreshes == 2 and sent and sent[-1]["url"].startswith(TOKEN_HOSTS):
        sent.pop()
    return sent


def _production_login(url: str) -> str:
    """Where we refresh when Segment's refresh went to the sandbox host only because ``"false"`` is truthy."""
    return url.replace("https://test.salesforce.com/", "https://login.salesforce.com/", 1)


def segment_outcome(segment: dict[str, Any]) -> list[str]:
    """Segment's result as the statuses our runtime reports, one per subscription that produced one."""
    if "error" in segment:
        return ["invalid" if segment["error"]["name"] == "AggregateAjvError" else "failed"]
    mapped = {"Action Executed": "delivered", "not subscribed": "filtered"}
    return [mapped[r["output"]] for r in segment["results"] if r.get("output") in mapped]


def our_outcome(results: list[Any]) -> list[str]:
    statuses = [r.status.value for r in results]
    return [s for s in statuses if s != "filtered"] or statuses[:1]


def compact_outcome(outcome: list[str]) -> list[str]:
    """Segment stops at the first failing subscription; compare the first non-filtered outcome."""
    interesting = [s for s in outcome if s != "filtered"]
    return interesting[:1] if interesting else outcome[:1]


@pytest.mark.parametrize("line", CASES, ids=[line["case"]["id"] for line in CASES])
def test_same_requests_as_segment(line: dict[str, Any]) -> None:
    case, segment = line["case"], line["segment"]
    settings = {**case["settings"], "subscriptions": case["subscriptions"], "oauth": case["oauth"]}
    if any(s["partnerAction"] != "prospects" for s in case["subscriptions"]):
        with pytest.raises(ValueError, match="nothing"):
            DestinationInstance.from_settings(settings)
        return
    transport = replying(case["replies"])
    with DestinationInstance.from_settings(settings, session=transport.session()) as instance:
        results = instance.send(case["event"])
    ours = [comparable(r.method, r.url, dict(r.headers), r.text) for r in transport.requests]
    assert ours == segment_expected(case, segment)
    assert compact_outcome(our_outcome(results)) == compact_outcome(segment_outcome(segment)), [
        (r.status.value, r.reason) for r in results
    ]


def test_the_recording_covers_what_parity_must_cover() -> None:
    ids = " ".join(line["case"]["id"] for line in CASES)
    assert len(CASES) >= 600
    for scenario in ("defaults+custom", "explicit", "no secondaryDeletedSearch", "401_then_refresh",
                     "concurrent_refresh_(252)", "concurrent_refresh_(250)", "refresh_revoked", "xml_403",
                     "segment_missing_email", "two_subscriptions", "track_not_subscribed", "sandbox_refresh",
                     "custom_fields_from_an_event_object", "segment_duplicate_field"):  # fmt: skip
        assert scenario in ids, scenario
    sandbox = [line for line in CASES if line["case"]["settings"].get("isSandbox") is True]
    assert sandbox and all(
        "demo" in r["url"] or "test.salesforce" in r["url"] for line in sandbox for r in line["segment"]["requests"]
    )

"""Request parity with Segment's Klaviyo for createAudience, getAudience and onDelete (``record_audiences.py``).

Each recorded case is replayed through the runtime's ``create_audience``, ``get_audience`` and
``delete_user`` with the same replies in the same order. Asserted: the same requests (method, URL,
every header but the transport's, and Klaviyo's ``Accept``; the body byte for byte) and the same
outcome: the external id (or the deletion's status), or an error of the same kind with the same
status and, where the destination wrote the message itself, the same message. Differences kept on
purpose are in ``DIVERGENCES`` and docs/divergences.md (Klaviyo).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from destinations.klaviyo import definition
from framework.errors import PayloadValidationError, status_of
from framework.runtime.audience_calls import create_audience, get_audience
from framework.runtime.credentials import Credentials
from framework.runtime.deletion import delete_user
from framework.testing.peer_destinations import comparable, replying
from framework.testing.recordings import read_cases

CASES = read_cases(Path(__file__).with_name("audience_cases.jsonl"))
INVALID = ("AggregateAjvError", "PayloadValidationError", "ValidationError")
# Case id → our outcome where it differs from Segment's on purpose (docs/divergences.md, Klaviyo).
DIVERGENCES: dict[str, dict[str, Any]] = {
    # Segment reads r.data.id of an answer without data: a TypeError. Here: an IntegrationError saying so.
    "019-create-no-data-id": {
        "error": "failed",
        "status": 502,
        "message": "Klaviyo's answer to creating the list has no data.id (status 201).",
    },
    # Segment reads errors[0].detail of an answer without errors: a TypeError. Here: APIError with the reason phrase.
    "026-get-500-no-detail": {"error": "failed", "status": 500, "message": "Internal Server Error"},
}


def run_ours(case: dict[str, Any]) -> tuple[list[dict[str, Any]], Any]:
    """Our requests for the case and what the call answered (or the error it raised)."""
    transport = replying(case.get("replies") or [])
    session = transport.session()
    settings = dict(case["settings"])
    parts: dict[str, Any] = {"settings": settings, "credentials": Credentials(definition, settings, None, session=session),
             "session": session}  # fmt: skip
    try:
        if case["call"] == "createAudience":
            answer: Any = create_audience(definition, case["audienceName"], audience_settings=case.get("audienceSettings"),
                                          personas=case.get("personas"), **parts).to_dict()  # fmt: skip
        elif case["call"] == "getAudience":
            answer = get_audience(
                definition, case["externalId"], audience_settings=case.get("audienceSettings"), **parts
            ).to_dict()
        else:
            event = case["event"]
            response = delete_user(
                definition, user_id=event.get("userId"), anonymous_id=event.get("anonymousId"), **parts
            )
            answer = {"status": response.status_code}
    except Exception as error:  # compared with Segment's error below
        answer = error
    return [
        with_accept(comparable(r.method, r.url, dict(r.headers), r.body), r.headers) for r in transport.requests
    ], answer


def with_accept(request: dict[str, Any], headers: Any) -> dict[str, Any]:
    """The comparable request plus ``Accept``, which Klaviyo's calls set themselves (the generic comparison leaves it out)."""
    accept = {key.lower(): value for key, value in dict(headers).items()}.get("accept")
    return {**request, "headers": {**request["headers"], "accept": accept[0] if isinstance(accept, list) else accept}}


def our_outcome(answer: Any, segment_error: dict[str, Any] | None) -> dict[str, Any]:
    """The answer, or the error as Segment's is compared: kind, status, and the message unless Segment's is a reason phrase."""
    if not isinstance(answer, Exception):
        return {"result": answer}
    outcome: dict[str, Any] = {"error": "invalid" if isinstance(answer, PayloadValidationError) else "failed"}
    if segment_error is None or segment_error.get("status") is not None:
        outcome["status"] = status_of(answer)
    if segment_error is None or segment_error["name"] != "HTTPError":  # its message is only the reason phrase
        outcome["message"] = getattr(answer, "message", str(answer))
    return outcome


def segment_outcome(segment: dict[str, Any]) -> dict[str, Any]:
    """Segment's answer in the same shape."""
    error = segment.get("error")
    if error is None:
        return {"result": segment["result"]}
    outcome: dict[str, Any] = {"error": "invalid" if error["name"] in INVALID else "failed"}
    if error.get("status") is not None:
        outcome["status"] = error["status"]
    if error["name"] != "HTTPError":
        outcome["message"] = error["message"]
    return outcome


@pytest.mark.parametrize("line", CASES, ids=[line["case"]["id"] for line in CASES])
def test_same_requests_and_answer_as_segment(line: dict[str, Any]) -> None:
    ours, answer = run_ours(line["case"])
    segment = line["segment"]
    theirs = [with_accept(comparable(r["method"], r["url"], r["headers"], r["body"]), r["headers"])
              for r in segment["requests"]]  # fmt: skip
    assert ours == theirs
    expected = DIVERGENCES.get(line["case"]["id"])
    if expected is not None:
        assert segment_outcome(segment) != expected  # still a divergence: drop the entry once it is not
        assert our_outcome(answer, None) == expected
    else:
        assert our_outcome(answer, segment.get("error")) == segment_outcome(segment)


def test_the_recording_covers_every_call_and_answer() -> None:
    ids = " ".join(line["case"]["id"] for line in CASES)
    for scenario in ("create-name-", "create-list-id", "create-number-list-id", "create-object-list-id", "create-400",
                     "create-401", "create-429", "create-500", "create-empty-name", "create-no-api-key", "get-XyZ123",
                     "get-a b", "get-list-id-setting", "get-not-owned", "get-404", "get-429", "delete-user-id",
                     "delete-anonymous-only", "delete-401", "delete-no-settings"):  # fmt: skip
        assert scenario in ids, scenario

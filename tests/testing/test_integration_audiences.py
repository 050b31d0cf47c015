"""The harness's audience and deletion calls: Segment's ``createAudience``, ``getAudience`` and ``onDelete`` semantics.

The sample destination's OAuth scheme and ``extend_request`` (Bearer token, ``X-Account``) with
audience functions and ``on_delete`` added, answered in-process by the harness's MockRouter.
"""

from __future__ import annotations

from typing import Any

import pytest

from framework.definition import (
    AudienceConfig,
    AudienceMode,
    AudienceResult,
    CreateAudienceInput,
    DestinationDefinition,
    GetAudienceInput,
    InputField,
)
from framework.definition.audience_config import AudienceRequestInput
from framework.errors import HTTPError, IntegrationError, PayloadValidationError
from framework.runtime.deletion import NO_ON_DELETE
from framework.testing import InvalidSettingsError, create_test_integration
from framework.testing.sample import SAMPLE_API, SAMPLE_TOKEN_URL, build_sample_destination

LISTS = f"{SAMPLE_API}/lists"
SETTINGS = {"accountId": "acc-1"}
AUTH = {"accessToken": "AT-1", "refreshToken": "RT-1", "clientId": "CID", "clientSecret": "CS"}
extended: list[AudienceRequestInput] = []  # what extend_request got, call by call


def _create(request: Any, data: CreateAudienceInput) -> AudienceResult:
    body = {"name": data.audience_name, "settings": data.audience_settings, "personas": data.personas}
    return AudienceResult(external_id=request.post(LISTS, json=body).json()["id"])


def _get(request: Any, data: GetAudienceInput) -> AudienceResult:
    return AudienceResult(external_id=request.get(f"{LISTS}/{data.external_id}").json()["id"])


def _delete(request: Any, data: Any) -> Any:
    return request.post(f"{SAMPLE_API}/deletions", json=data.payload).json() or None


def audience_destination(scheme: str = "oauth2", **config: Any) -> DestinationDefinition:
    sample = build_sample_destination()
    assert sample.authentication is not None and sample.extend_request is not None
    refresh = sample.authentication.refresh_access_token if scheme == "oauth2" else None
    authentication = sample.authentication.model_copy(update={"scheme": scheme, "refresh_access_token": refresh})
    extend = sample.extend_request

    def extend_request(data: Any) -> dict[str, Any]:
        extended.append(data)
        return dict(extend(data))

    functions = {"create_audience": _create, "get_audience": _get, **config}
    return DestinationDefinition(
        name="Sample Audiences",
        slug="actions-sample-audiences",
        authentication=authentication,
        extend_request=extend_request,
        on_delete=_delete,
        audience_fields={
            "tag": InputField(label="Tag", type="string", required=True),
            "size": InputField(label="Size", type="number"),
        },  # fmt: skip
        audience_config=AudienceConfig(mode=AudienceMode(type="synced", full_audience_sync=False), **functions),
    )


@pytest.fixture(autouse=True)
def _forget_extended() -> None:
    extended.clear()


def test_create_audience_sends_the_name_checked_settings_and_personas() -> None:
    tester = create_test_integration(audience_destination())
    tester.transport.add("POST", LISTS, json={"id": "L1"})
    result = tester.test_create_audience(
        "VIP users", settings=SETTINGS, audience_settings={"tag": "vip", "size": "5", "other": 1},
        personas={"computation_key": "vip"}, auth=AUTH,
    )  # fmt: skip
    assert result == AudienceResult(external_id="L1")
    [sent] = tester.requests
    assert sent.json() == {
        "name": "VIP users",
        "settings": {"tag": "vip", "size": 5},
        "personas": {"computation_key": "vip"},
    }
    assert sent.headers["Authorization"] == "Bearer AT-1" and sent.headers["X-Account"] == "acc-1"
    [data] = extended  # extend_request: settings, the audience's settings, no payload
    assert (data.payload, data.settings, data.audience_settings) == (None, SETTINGS, {"tag": "vip", "size": 5})


def test_create_audience_checks_the_audience_settings_only_when_there_are_some() -> None:
    tester = create_test_integration(audience_destination())
    tester.transport.add("POST", LISTS, json={"id": "L1"})
    with pytest.raises(PayloadValidationError, match="missing the required field 'tag'"):
        tester.test_create_audience("VIP", settings=SETTINGS, audience_settings={"size": 2}, auth=AUTH)
    assert tester.requests == []
    assert tester.test_create_audience("VIP", settings=SETTINGS, audience_settings={}, auth=AUTH).external_id == "L1"
    assert tester.requests[0].json()["settings"] is None


def test_get_audience_checks_the_external_id_and_passes_audience_settings_as_given() -> None:
    tester = create_test_integration(audience_destination())
    tester.transport.add("GET", f"{LISTS}/L9", json={"id": "L9"})
    result = tester.test_get_audience("L9", settings=SETTINGS, audience_settings={"size": "not checked"}, auth=AUTH)
    assert result.to_dict() == {"externalId": "L9"}
    assert extended[0].audience_settings == {"size": "not checked"}  # Segment's getAudience does not validate them


def test_settings_are_checked_as_for_test_action() -> None:
    tester = create_test_integration(audience_destination())
    with pytest.raises(InvalidSettingsError, match="accountId"):
        tester.test_create_audience("VIP", settings={}, auth=AUTH)


@pytest.mark.parametrize("config", [None, AudienceConfig(mode=AudienceMode(type="realtime"))])
def test_a_definition_without_the_functions_is_segment_s_unexpected_call(config: AudienceConfig | None) -> None:
    definition = audience_destination().model_copy(update={"audience_config": config})
    tester = create_test_integration(definition)
    with pytest.raises(IntegrationError, match="^Unexpected call to createAudience$"):
        tester.test_create_audience("VIP", settings=SETTINGS)
    with pytest.raises(IntegrationError, match="^Unexpected call to getAudience$") as refused:
        tester.test_get_audience("L1", settings=SETTINGS)
    assert (refused.value.code, refused.value.status) == ("NotImplemented", 501)


def test_a_function_that_answers_something_else_is_named() -> None:
    tester = create_test_integration(audience_destination(create_audience=lambda request, data: {"externalId": "L1"}))
    with pytest.raises(TypeError, match=r"create_audience returned \{'externalId': 'L1'\}, not an AudienceResult"):
        tester.test_create_audience("VIP", settings=SETTINGS)


def test_a_refused_oauth_token_is_refreshed_once_and_the_call_made_again() -> None:
    tester = create_test_integration(audience_destination())
    tester.transport.add("POST", LISTS, status=401, times=1)
    tester.transport.add("POST", SAMPLE_TOKEN_URL, json={"access_token": "AT-2"})
    tester.transport.add("POST", LISTS, json={"id": "L2"})
    assert tester.test_create_audience("VIP", settings=SETTINGS, auth=AUTH).external_id == "L2"
    sent = [(r.url, r.headers.get("Authorization")) for r in tester.requests]
    assert sent == [(LISTS, "Bearer AT-1"), (SAMPLE_TOKEN_URL, None), (LISTS, "Bearer AT-2")]


def test_a_second_refusal_is_raised_and_without_oauth_there_is_no_refresh() -> None:
    tester = create_test_integration(audience_destination())
    tester.transport.add("POST", SAMPLE_TOKEN_URL, json={"access_token": "AT-2"})
    tester.transport.add("GET", f"{LISTS}/L1", status=401)
    with pytest.raises(HTTPError) as refused:
        tester.test_get_audience("L1", settings=SETTINGS, auth=AUTH)
    assert refused.value.status == 401 and len(tester.requests) == 3  # get, refresh, get
    custom = create_test_integration(audience_destination(scheme="custom"))
    custom.transport.add("GET", f"{LISTS}/L1", status=401)
    with pytest.raises(HTTPError):
        custom.test_get_audience("L1", settings=SETTINGS, auth=AUTH)
    assert len(custom.requests) == 1


def test_on_delete_gets_the_user_ids_and_answers_segment_s_output_for_nothing() -> None:
    tester = create_test_integration(audience_destination())
    tester.transport.add("POST", f"{SAMPLE_API}/deletions", json={"deleted": 1}, times=1)
    tester.transport.add("POST", f"{SAMPLE_API}/deletions", json={})
    assert tester.test_on_delete({"userId": "u1", "anonymousId": "a1"}, settings=SETTINGS, auth=AUTH) == {"deleted": 1}
    assert tester.requests[0].json() == {"userId": "u1", "anonymousId": "a1"}
    assert extended[0].payload == {"userId": "u1", "anonymousId": "a1"}
    assert tester.test_on_delete({"anonymousId": "a1"}, settings=SETTINGS, auth=AUTH) == NO_ON_DELETE
    assert tester.requests[1].json() == {"anonymousId": "a1"}  # an absent id is left out, as JSON drops undefined


def test_on_delete_checks_the_settings_and_needs_the_function() -> None:
    tester = create_test_integration(audience_destination().model_copy(update={"on_delete": None}))
    with pytest.raises(IntegrationError, match="has no on_delete"):
        tester.test_on_delete({"userId": "u1"}, settings=SETTINGS)

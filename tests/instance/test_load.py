"""Loading an instance: load-time checks with located messages, and how mappings are taken."""

import json
from pathlib import Path
from typing import Any

import pytest

from framework.instance import DestinationInstance, InstanceConfigError
from framework.testing.sample import build_sample_destination

TOKENS = {
    "access_token": "AT-secret-123",
    "refresh_token": "RT-secret-456",
    "client_id": "CID-789",
    "client_secret": "CS-secret-000",
}
IDENTIFY = 'type = "identify"'


def segment_settings(subscriptions: list[dict[str, Any]], **settings: Any) -> dict[str, Any]:
    oauth = {
        "access_token": TOKENS["access_token"],
        "refresh_token": TOKENS["refresh_token"],
        "clientId": TOKENS["client_id"],
        "clientSecret": TOKENS["client_secret"],
    }
    return {"accountId": "acc-1", **settings, "subscriptions": subscriptions, "oauth": oauth}


def sub(
    name: str = "Upsert",
    subscribe: str = IDENTIFY,
    action: str = "upsert_contact",
    mapping: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "subscribe": subscribe,
        "partnerAction": action,
        "mapping": mapping if mapping is not None else {"email": {"@path": "$.traits.email"}},
    }


def load(settings: dict[str, Any]) -> DestinationInstance:
    return DestinationInstance.from_settings(settings, build_sample_destination())


def errors_of(settings: dict[str, Any]) -> list[str]:
    with pytest.raises(InstanceConfigError) as caught:
        load(settings)
    return caught.value.errors


TOML = """
destination = "actions-sample"

[settings]
accountId = "acc-1"

[auth]
access_token = "${SAMPLE_ACCESS_TOKEN}"
refresh_token = "RT-secret-456"
client_id = "CID-789"
client_secret = "CS-secret-000"

[[subscriptions]]
name = "Upsert with defaults"
subscribe = 'type = "identify"'
action = "upsert_contact"
mapping = { plan = { "@path" = "$.traits.tier" } }

[[subscriptions]]
name = "Upsert as written"
subscribe = 'type = "identify"'
action = "upsert_contact"
use_default_mappings = false
mapping = { email = { "@path" = "$.traits.email" } }
"""


def write(tmp_path: Path, text: str, name: str = "instance.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_toml_mappings_take_defaults_for_omitted_fields_unless_switched_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAMPLE_ACCESS_TOKEN", "AT-from-env")
    instance = DestinationInstance.from_file(write(tmp_path, TOML), destination=build_sample_destination())
    merged, as_written = instance.subscriptions
    assert merged.mapping == {
        "email": {"@path": "$.traits.email"},
        "first_name": {"@path": "$.traits.first_name"},
        "plan": {"@path": "$.traits.tier"},
    }
    assert as_written.mapping == {"email": {"@path": "$.traits.email"}}
    tokens = instance.credentials.current()
    assert tokens is not None and tokens.access_token == "AT-from-env"


def test_segment_json_mappings_are_used_exactly_as_given(tmp_path: Path) -> None:
    settings = segment_settings([sub(mapping={"plan": {"@path": "$.traits.tier"}})])
    path = write(tmp_path, json.dumps(settings), "settings.json")
    instance = DestinationInstance.from_file(path, destination=build_sample_destination())
    assert instance.subscriptions[0].mapping == {"plan": {"@path": "$.traits.tier"}}
    assert instance.settings == {"accountId": "acc-1"}


def test_fifty_mappings_load_and_the_51st_is_refused_naming_the_limit() -> None:
    assert len(load(segment_settings([sub(f"s{i}") for i in range(50)])).subscriptions) == 50
    errors = errors_of(segment_settings([sub(f"s{i}") for i in range(51)]))
    assert errors == [
        'subscriptions[50] ("s50"): an instance holds at most 50 mappings; this is the 51st. '
        "Split the subscriptions across two instances."
    ]


def test_an_invalid_trigger_is_located_with_its_column() -> None:
    [error] = errors_of(segment_settings([sub("Bad trigger", subscribe='type = "identify" and')]))
    assert error.startswith(
        'subscriptions[0] ("Bad trigger").subscribe: the trigger \'type = "identify" and\' does not parse:'
    )
    assert "column" in error


def test_an_invalid_mapping_is_located_by_subscription_and_field() -> None:
    errors = errors_of(segment_settings([sub(), sub("Bad mapping", mapping={"email": {"@path": 5}})]))
    assert len(errors) >= 1
    assert all(e.startswith('subscriptions[1] ("Bad mapping").mapping: /email') for e in errors), errors


def test_an_unknown_action_lists_the_valid_ones() -> None:
    [error] = errors_of(segment_settings([sub(action="upsert_contacts")]))
    assert error == (
        'subscriptions[0] ("Upsert").action: Sample has no action "upsert_contacts"; '
        "the actions are: track_event, upsert_contact."
    )


def test_a_missing_setting_says_which_and_what_to_do() -> None:
    settings = segment_settings([sub()])
    del settings["accountId"]
    [error] = errors_of(settings)
    assert error == (
        'settings.accountId: the required setting "Account ID" is missing (Your Sample account, '
        "shown under Settings → Account). Add accountId under [settings] (TOML) or at the top "
        "level of the settings JSON."
    )


@pytest.mark.parametrize("typo", ["accountID", "accountid", "acountId"])
def test_a_misspelled_required_setting_is_named_as_the_likely_one(typo: str) -> None:
    settings = segment_settings([sub()])
    settings[typo] = settings.pop("accountId")
    [error] = errors_of(settings)
    assert error.startswith('settings.accountId: the required setting "Account ID" is missing')
    assert error.endswith(f"The config has {typo!r}, which is not a setting: did you mean 'accountId'?")


def test_settings_the_destination_lacks_are_dropped_with_a_warning_naming_them() -> None:
    instance = load(segment_settings([sub()], endpoint="http://127.0.0.1:8080", acountName="x"))
    [endpoint, typo] = instance.warnings
    assert endpoint.startswith("settings.endpoint: Sample has no such setting, so it is ignored")
    assert "give endpoint in the TOML form" in endpoint and instance.endpoint is None
    assert typo.startswith("settings.acountName: Sample has no such setting") and "accountId" in typo
    assert "endpoint" not in instance.settings and "acountName" not in instance.settings


def test_every_problem_is_reported_at_once() -> None:
    settings = segment_settings(
        [
            sub("a", subscribe="type ="),
            sub("b", action="nope"),
            sub("c", mapping={"email": {"@path": 5}}),
            {"name": "d", "partnerAction": "upsert_contact"},
        ]
    )
    del settings["accountId"]
    errors = errors_of(settings)
    assert [e.split(":")[0].split(".")[0] for e in errors] == [
        "settings",
        'subscriptions[0] ("a")',
        'subscriptions[1] ("b")',
        'subscriptions[2] ("c")',
        'subscriptions[3] ("d")',
    ]
    assert errors[-1] == 'subscriptions[3] ("d").subscribe: is required but missing.'


def test_toml_errors_name_the_file_and_line_of_their_subscription(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAMPLE_ACCESS_TOKEN", "x")
    path = write(tmp_path, TOML.replace('action = "upsert_contact"\nuse_default', 'action = "nope"\nuse_default'))
    with pytest.raises(InstanceConfigError) as caught:
        DestinationInstance.from_file(path, destination=build_sample_destination())
    [error] = caught.value.errors
    assert error.startswith(f'{path}:19: subscriptions[1] ("Upsert as written").action: Sample has no action "nope"')
    assert str(path) in str(caught.value)


def test_unknown_env_names_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAMPLE_ACCESS_TOKEN", raising=False)
    with pytest.raises(InstanceConfigError) as caught:
        DestinationInstance.from_file(write(tmp_path, TOML), destination=build_sample_destination())
    assert caught.value.errors == [
        f"{tmp_path / 'instance.toml'}:7: auth.access_token: environment variable "
        "SAMPLE_ACCESS_TOKEN is not set; export it, or write the value in the file."
    ]


def test_an_oauth_destination_without_tokens_is_refused() -> None:
    settings = segment_settings([sub()])
    del settings["oauth"]
    [error] = errors_of(settings)
    assert error.startswith("auth: Sample signs in with OAuth 2 but the config has no tokens.")


def test_an_unknown_destination_lists_the_known_ones() -> None:
    with pytest.raises(InstanceConfigError) as caught:
        DestinationInstance.from_settings(segment_settings([]), "actions-nowhere")
    assert caught.value.errors[0].startswith('destination: Unknown destination "actions-nowhere". Known destinations:')


def test_secrets_never_appear_in_reprs_or_errors() -> None:
    settings = segment_settings([sub(action="nope")], accountId=None)
    with pytest.raises(InstanceConfigError) as caught:
        load(settings)
    instance = load(segment_settings([sub()]))
    shown = " ".join(
        [
            str(caught.value),
            repr(caught.value),
            repr(instance),
            repr(instance.credentials),
            repr(instance.subscriptions),
        ]
    )
    for secret in TOKENS.values():
        assert secret not in shown


def test_auth_with_unknown_keys_is_reported_without_its_values() -> None:
    with pytest.raises(InstanceConfigError) as caught:
        DestinationInstance(
            build_sample_destination(),
            {"accountId": "a"},
            [],
            auth={"access_token": "AT-secret-123", "token": "CS-secret-000"},
        )
    assert "CS-secret-000" not in str(caught.value) and "AT-secret-123" not in str(caught.value)
    assert "auth:" in caught.value.errors[0] and "token" in caught.value.errors[0]


def test_mapping_keys_the_action_lacks_are_warned_about() -> None:
    instance = load(segment_settings([sub(mapping={"email": {"@path": "$.traits.email"}, "emial": "x"})]))
    assert instance.warnings == (
        'subscriptions[0] ("Upsert").mapping.emial: "Upsert Contact" has no field '
        '"emial"; Segment drops it from the payload. The fields are: email, first_name, plan.',
    )


def test_the_constructor_takes_our_subscription_shape() -> None:
    instance = DestinationInstance(
        build_sample_destination(),
        {"accountId": "a"},
        [{"subscribe": IDENTIFY, "action": "upsert_contact", "enabled": False, "use_default_mappings": True}],
        auth=TOKENS,
        endpoint="http://127.0.0.1:9",
    )
    [only] = instance.subscriptions
    assert only.enabled is False and only.label == "subscriptions[0]" and "email" in only.mapping
    assert repr(instance) == (
        "<DestinationInstance actions-sample: 1 subscriptions (0 enabled), endpoint='http://127.0.0.1:9'>"
    )


def test_an_unknown_destination_in_toml_points_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, '# an instance\ndestination = "actions-nowhere"\n')
    with pytest.raises(InstanceConfigError) as caught:
        DestinationInstance.from_file(path)
    assert caught.value.errors[0].startswith(f'{path}:2: destination: Unknown destination "actions-nowhere".')


def test_warnings_are_logged_at_load_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("DEBUG"):
        instance = load(segment_settings([sub(mapping={"email": {"@path": "$.traits.email"}, "emial": "x"})]))
    assert [r.getMessage() for r in caplog.records if r.name == "framework.instance"] == list(instance.warnings)
    assert all(secret not in caplog.text + repr(instance._compiled) for secret in TOKENS.values())


def test_a_wrongly_typed_key_does_not_hide_the_subscriptions_other_problems() -> None:
    bad = {**sub("Mixed", mapping={"email": {"@path": 5}}), "enabled": "yes", "extra": 1}
    errors = errors_of(segment_settings([{k: v for k, v in bad.items() if k != "subscribe"}]))
    assert errors == [
        'subscriptions[0] ("Mixed").subscribe: is required but missing.',
        'subscriptions[0] ("Mixed").enabled: should be true or false.',
        'subscriptions[0] ("Mixed").mapping: /email/@path should be a string or a mapping directive but it is a number.',
    ]


def test_a_toml_endpoint_is_read_with_env_and_a_keyword_overrides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAMPLE_ACCESS_TOKEN", "x")
    monkeypatch.setenv("EMULATOR_PORT", "8089")
    path = write(tmp_path, 'endpoint = "http://127.0.0.1:${EMULATOR_PORT}"\n' + TOML)
    definition = build_sample_destination()
    assert DestinationInstance.from_file(path, destination=definition).endpoint == "http://127.0.0.1:8089"
    overridden = DestinationInstance.from_file(path, destination=definition, endpoint="http://127.0.0.1:9")
    assert overridden.endpoint == "http://127.0.0.1:9"


def test_the_constructor_takes_oauth_tokens_as_an_object() -> None:
    from framework.auth import OAuthTokens

    tokens = OAuthTokens(access_token="AT-secret-123", refresh_token="RT-secret-456")
    instance = DestinationInstance(build_sample_destination(), {"accountId": "a"}, [], auth=tokens)
    assert instance.credentials.current() == tokens


def test_a_pardot_settings_json_without_its_business_unit_says_so_and_never_an_empty_destination(
    tmp_path: Path,
) -> None:
    settings = json.loads((Path(__file__).resolve().parents[2] / "fixtures/instances/pardot.json").read_text())
    del settings["businessUnitID"]
    path = tmp_path / "pardot.json"
    path.write_text(json.dumps(settings))
    with pytest.raises(InstanceConfigError) as caught:
        DestinationInstance.from_file(path)
    [message] = caught.value.errors
    assert "closest to actions-pardot" in message and "businessUnitID" in message
    assert 'destination ""' not in str(caught.value)

"""Reading Segment's settings JSON and the TOML form into one InstanceConfig, and file errors."""

from pathlib import Path

import pytest

from framework.instance import InstanceConfigError
from framework.instance.problems import Problems
from framework.instance.sources import config_from_segment_settings, config_from_toml, read_config_file

SEGMENT_SETTINGS = {
    "businessUnitID": "0Uv000000000001AAA",
    "isSandbox": False,
    "subscriptions": [
        {
            "name": "Upsert",
            "subscribe": 'type = "identify"',
            "partnerAction": "prospects",
            "mapping": {"email": {"@path": "$.traits.email"}},
            "enabled": True,
            "ID": "abc",
            "ConfigID": "cfg",
        },
    ],
    "oauth": {"access_token": "AT", "refresh_token": "RT", "clientId": "CI", "clientSecret": "CS"},
}


def test_segment_settings_split_into_settings_auth_and_subscriptions() -> None:
    problems = Problems()
    config = config_from_segment_settings(SEGMENT_SETTINGS, "actions-pardot", problems=problems)
    assert not problems
    assert config.destination == "actions-pardot"
    assert config.settings == {"businessUnitID": "0Uv000000000001AAA", "isSandbox": False}
    assert config.auth == {"access_token": "AT", "refresh_token": "RT", "client_id": "CI", "client_secret": "CS"}
    [sub] = config.subscriptions
    assert sub["action"] == "prospects" and sub["use_default_mappings"] is False
    assert sub["metadata"] == {"ID": "abc", "ConfigID": "cfg"}


def test_segment_single_subscription_and_json_string_subscriptions() -> None:
    single = {"subscription": {"subscribe": 'type = "track"', "partnerAction": "a"}}
    assert len(config_from_segment_settings(single, "actions-pardot", problems=Problems()).subscriptions) == 1
    as_string = {"subscriptions": '[{"subscribe": "type = \\"track\\"", "partnerAction": "a"}]'}
    assert (
        config_from_segment_settings(as_string, "actions-pardot", problems=Problems()).subscriptions[0]["action"] == "a"
    )
    problems = Problems()
    config_from_segment_settings({"subscriptions": "[oops"}, "actions-pardot", problems=problems)
    assert "subscriptions is a string that is not valid JSON" in problems.items[0].message


def test_settings_that_are_not_an_object_are_reported() -> None:
    problems = Problems()
    config_from_segment_settings(["not", "an", "object"], problems=problems)  # type: ignore[arg-type]
    assert problems.items[0].message == "settings should be a JSON object but it is an array."


def test_toml_form_expands_env_and_defaults_to_using_default_mappings() -> None:
    data = {
        "destination": "actions-pardot",
        "endpoint": "http://127.0.0.1:${PORT}",
        "settings": {"businessUnitID": "${BU}", "isSandbox": True},
        "auth": {"access_token": "${TOKEN}"},
        "subscriptions": [{"name": "x", "subscribe": 'type = "identify"', "partnerAction": "prospects"}],
    }
    problems = Problems()
    config = config_from_toml(data, problems=problems, environ={"PORT": "8080", "BU": "0Uv1", "TOKEN": "t"})
    assert not problems
    assert config.endpoint == "http://127.0.0.1:8080"
    assert config.settings == {"businessUnitID": "0Uv1", "isSandbox": True}
    assert config.auth == {"access_token": "t"}
    assert config.subscriptions[0]["action"] == "prospects"
    assert config.subscriptions[0]["use_default_mappings"] is True


def test_toml_unknown_env_names_and_keys_are_each_reported() -> None:
    data = {"destination": "actions-pardot", "auth": {"access_token": "${NOPE_TOKEN}"}, "setings": {}}
    problems = Problems()
    config_from_toml(data, problems=problems, environ={})
    messages = [p.message for p in problems.items]
    assert any(m.startswith('unknown key "setings"') for m in messages)
    assert (
        "auth.access_token: environment variable NOPE_TOKEN is not set; export it, or write the value in the file."
        in messages
    )


def test_toml_without_destination_says_what_to_add() -> None:
    problems = Problems()
    config_from_toml({}, problems=problems, environ={})
    assert 'add destination = "SLUG"' in problems.items[0].message


def test_a_segment_settings_json_names_its_destination_by_its_required_settings() -> None:
    problems = Problems()
    config = config_from_segment_settings({"businessUnitID": "0Uv1", "accountID": "1"}, problems=problems)
    assert not problems and config.destination == "actions-pardot"
    unknown = Problems()
    config_from_segment_settings({"apiKey": "k"}, problems=unknown)
    assert "pass --destination SLUG" in unknown.items[0].message


def test_toml_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('destination = "actions-pardot"\n[settings]\nbusinessUnitID = \n')
    with pytest.raises(InstanceConfigError) as caught:
        read_config_file(path)
    [message] = caught.value.errors
    assert message.startswith(f"{path}:3:")
    assert "invalid TOML" in message


def test_json_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "businessUnitID": "x",\n  "b": 1 2\n}\n')
    with pytest.raises(InstanceConfigError) as caught:
        read_config_file(path)
    assert caught.value.errors[0].startswith(f"{path}:3:")
    assert "invalid JSON" in caught.value.errors[0]


def test_missing_file_is_reported_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(InstanceConfigError, match="cannot read the file"):
        read_config_file(tmp_path / "absent.toml")


def test_form_is_sniffed_from_content_without_a_known_suffix(tmp_path: Path) -> None:
    path = tmp_path / "instance.conf"
    path.write_text('{"businessUnitID": "x", "subscriptions": []}')
    assert read_config_file(path).config.settings == {"businessUnitID": "x"}


def test_toml_problems_point_at_the_line_of_their_subscription(tmp_path: Path) -> None:
    path = tmp_path / "i.toml"
    path.write_text(
        'destination = "d"\n\n[settings]\na = 1\n\n[[subscriptions]]\nname = "one"\n\n[[subscriptions]]\nname = "two"\n'
    )
    loaded = read_config_file(path)
    assert loaded.line_for is not None
    assert loaded.line_for("subscriptions", 1, ()) == 9
    assert loaded.line_for("settings", None, ()) == 3
    problems = Problems()
    problems.add("subscriptions", 'subscriptions[1] ("two"): broken', 1)
    with pytest.raises(InstanceConfigError) as caught:
        problems.raise_if_any(loaded.source, loaded.line_for)
    assert caught.value.errors == [f'{path}:9: subscriptions[1] ("two"): broken']


@pytest.mark.parametrize("suffix", [".toml", ".json", ".conf"])
def test_a_file_that_is_not_utf8_names_the_byte_and_says_to_save_as_utf8(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"latin1{suffix}"
    path.write_bytes('destination = "actions-pardot"\n[settings]\nname = "Café"\n'.encode("latin-1"))
    with pytest.raises(InstanceConfigError) as caught:
        read_config_file(path)
    [message] = caught.value.errors
    offset = path.read_bytes().index("é".encode("latin-1"))
    assert message.startswith(f"{path}:3: ")
    assert f"byte offset {offset} (0xe9)" in message
    assert "UTF-8" in message and "save" in message


def test_a_binary_file_is_refused_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "instance.toml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    with pytest.raises(InstanceConfigError, match="not UTF-8 text"):
        read_config_file(path)


def test_a_settings_json_missing_a_required_setting_names_the_closest_destination_and_the_setting() -> None:
    problems = Problems()
    config = config_from_segment_settings({"accountID": "1041922", "isSandbox": False}, problems=problems)
    [problem] = problems.items
    assert config.destination == ""
    assert "closest to actions-pardot" in problem.message
    assert 'requires the setting businessUnitID ("Pardot Business Unit ID")' in problem.message
    assert "accountID" not in problem.message.split("requires", 1)[1]  # only the missing one is named


def test_a_settings_json_like_no_destination_lists_its_keys() -> None:
    problems = Problems()
    config_from_segment_settings({"apiKey": "k"}, problems=problems)
    [problem] = problems.items
    assert "no installed destination has settings named like these keys (apiKey)" in problem.message
    assert "closest" not in problem.message

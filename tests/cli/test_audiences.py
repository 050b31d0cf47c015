"""``actions audiences create|get`` and ``actions delete-user`` over real HTTP on loopback (the Klaviyo emulator).

A destination under ``--path`` whose refusals quote its API key shows the key never reaches the terminal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from destinations.klaviyo.emulator import KlaviyoEmulator, start_klaviyo_emulator
from framework.cli import main

KEY = "pk_cli_secret_value"
LEAKY = """
from framework.definition import (ActionDefinition, AudienceConfig, AudienceMode, Authentication,
                                  DestinationDefinition, InputField)
from framework.errors import APIError


def _refuse(request, data):
    raise APIError("the key " + data.settings["apiKey"] + " may not create lists", 403)


definition = DestinationDefinition(
    name="Leaky Lists", slug="actions-leaky-lists",
    authentication=Authentication(scheme="custom", fields={"apiKey": InputField(label="Key", type="password", required=True)}),
    actions={"sync": ActionDefinition(title="Sync", perform=lambda request, data: None)},
    audience_config=AudienceConfig(mode=AudienceMode(type="realtime"), create_audience=_refuse, get_audience=_refuse),
)
"""


@pytest.fixture
def emulator() -> Iterator[KlaviyoEmulator]:
    started = start_klaviyo_emulator()
    yield started
    started.stop()


def _instance(tmp_path: Path, endpoint: str, destination: str = "actions-klaviyo", key: str = "api_key") -> Path:
    path = tmp_path / "instance.toml"
    path.write_text(
        f'destination = "{destination}"\nendpoint = "{endpoint}"\n[settings]\n{key} = "{KEY}"\n'
        "[[subscriptions]]\nsubscribe = 'type = \"identify\"'\n"
        f'action = "{"upsertProfile" if destination == "actions-klaviyo" else "sync"}"\n'
        '[subscriptions.mapping]\nemail = { "@path" = "$.traits.email" }\n',
        encoding="utf-8",
    )
    return path


def test_create_prints_the_new_list_s_id_and_get_checks_it(
    tmp_path: Path, emulator: KlaviyoEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = str(_instance(tmp_path, emulator.base_url))
    assert main(["audiences", "create", "--instance", instance, "--name", "VIP users"]) == 0
    external_id = capsys.readouterr().out.strip()
    assert emulator.state.lists[external_id]["name"] == "VIP users"
    assert main(["audiences", "get", "--instance", instance, "--id", external_id, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"externalId": external_id}


def test_get_of_a_list_the_account_does_not_have_exits_1_with_klaviyo_s_404(
    tmp_path: Path, emulator: KlaviyoEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = str(_instance(tmp_path, emulator.base_url))
    assert main(["audiences", "get", "--instance", instance, "--id", "LstGone"]) == 1
    assert "failed: A list with id LstGone does not exist. (status 404)" in capsys.readouterr().err


def test_the_audience_s_list_id_setting_is_used_and_bad_settings_say_why(
    tmp_path: Path, emulator: KlaviyoEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = str(_instance(tmp_path, emulator.base_url))
    base = ["audiences", "create", "--instance", instance, "--name", "VIP"]
    assert main([*base, "--settings", '{"listId": "LstChosen"}']) == 0
    assert capsys.readouterr().out.strip() == "LstChosen" and emulator.state.lists == {}
    assert main([*base, "--settings", '{"listId": {"a": 1}}']) == 2
    assert (
        "--settings: List Id must be a string but it was an object. (the audience settings of Klaviyo (Actions): listId)"
        in (capsys.readouterr().err)
    )
    assert main([*base, "--settings", "[1]"]) == 2
    assert "--settings must be a JSON object, not list." in capsys.readouterr().err
    assert main([*base, "--settings", "{"]) == 2
    assert "--settings is not JSON" in capsys.readouterr().err


def test_a_refusal_exits_1_naming_the_instance_and_the_call(
    tmp_path: Path, emulator: KlaviyoEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = str(_instance(tmp_path, emulator.base_url))
    assert main(["audiences", "create", "--instance", instance, "--name", ""]) == 1
    err = capsys.readouterr().err
    assert (
        f"{instance}: creating audience '' at Klaviyo (Actions) failed: Missing audience name value (status 400)" in err
    )


def test_a_destination_without_audiences_is_told_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audiences", "get", "--instance", "fixtures/instances/actions-slack.toml", "--id", "x"]) == 2
    assert "Slack (actions-slack) does not create audiences" in capsys.readouterr().err


def test_secrets_never_reach_the_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = tmp_path / "dests" / "leaky_lists"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(LEAKY, encoding="utf-8")
    instance = str(_instance(tmp_path, "http://127.0.0.1:9", "actions-leaky-lists", "apiKey"))
    argv = ["audiences", "create", "--instance", instance, "--name", "VIP", "--path", str(tmp_path / "dests")]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert KEY not in captured.err + captured.out
    assert "may not create lists (status 403)" in captured.err


def test_delete_user_deletes_the_profile(
    tmp_path: Path, emulator: KlaviyoEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator.state.profiles["01P"] = {"email": "ann@example.com"}
    instance = str(_instance(tmp_path, emulator.base_url))
    assert main(["delete-user", "--instance", instance, "--user-id", "01P"]) == 0
    assert capsys.readouterr().out.strip() == "Klaviyo (Actions) answered 202: deletion requested."
    assert emulator.state.profiles == {}
    assert main(["delete-user", "--instance", instance]) == 2
    assert "delete-user needs --user-id or --anonymous-id" in capsys.readouterr().err
    assert main(["delete-user", "--instance", instance, "--anonymous-id", "a-1"]) == 1  # Klaviyo needs a profile id
    assert "deleting the user at Klaviyo (Actions) failed: Klaviyo answered 400" in capsys.readouterr().err


def test_delete_user_needs_an_on_delete(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["delete-user", "--instance", "fixtures/instances/actions-slack.toml", "--user-id", "u"]) == 2
    assert "Slack (actions-slack) does not delete users" in capsys.readouterr().err

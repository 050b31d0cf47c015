"""Sync modes, dynamic fields and action hooks, end to end on a small list destination defined here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from framework.definition import ActionDefinition, Authentication, Choice, DestinationDefinition, InputField
from framework.definition.dynamic_fields import DynamicChoices
from framework.definition.hooks import ActionHook, HookResult
from framework.definition.sync_modes import SYNC_MODE_KEY, SyncModeChoice, SyncModeDefinition
from framework.errors import PayloadValidationError
from framework.instance import DestinationInstance, SubscriptionStatus
from framework.instance.problems import InstanceConfigError
from framework.runtime.hooks import read_saved_hooks, run_subscription_hooks, with_saved_hooks, write_saved_hooks
from framework.testing import MockRouter, create_test_event, create_test_integration

API = "https://lists.example.com/api"
SECRET = "key-secret-77"


def _sync(request: Any, data: Any) -> Any:
    list_id = data.hook_outputs.get("onMappingSave", {}).get("outputs", {}).get("id", data.payload.get("list_id"))
    return request.post(f"{API}/lists/{list_id}/{data.sync_mode}", json={"email": data.payload["email"]})


def _list_choices(request: Any, data: Any) -> DynamicChoices:
    answer = request.get(f"{API}/lists", params={"page": data.page} if data.page else None).json()
    choices = [Choice(label=item["name"], value=item["id"]) for item in answer["lists"]]
    return DynamicChoices(choices=choices, next_page=answer.get("next"))


def _broken_choices(request: Any, data: Any) -> DynamicChoices:
    raise RuntimeError(f"the API refused key {data.settings['apiKey']}")


def _create_list(request: Any, data: Any) -> HookResult:
    created = request.post(f"{API}/lists", json={"name": data.hook_inputs["name"]}).json()
    return HookResult(saved_data={"id": created["id"], "name": data.hook_inputs["name"]}, success_message="created")


def build_list_destination() -> DestinationDefinition:
    modes = SyncModeDefinition(
        label="How to sync",
        description="Add members or remove them.",
        default="add",
        choices=[SyncModeChoice(label="Add", value="add"), SyncModeChoice(label="Delete", value="delete")],
    )
    fields = {
        "email": InputField(label="Email", type="string", required=True, default={"@path": "$.traits.email"}),
        "list_id": InputField(label="List", type="string", dynamic=True),
        "other": InputField(label="Other", type="string", dynamic=True),
    }
    hook = ActionHook(
        label="Create a list",
        input_fields={"name": InputField(label="Name", type="string", required=True)},
        output_types={"id": InputField(label="Id", type="string", required=True)},
        perform_hook=_create_list,
    )
    action = ActionDefinition(
        title="Sync Member",
        fields=fields,
        perform=_sync,
        sync_mode=modes,
        dynamic_fields={"list_id": _list_choices, "other": _broken_choices},
        hooks={"onMappingSave": hook},
    )
    auth = Authentication(
        scheme="custom", fields={"apiKey": InputField(label="API key", type="password", required=True)}
    )
    return DestinationDefinition(name="Lists", slug="actions-lists-test", authentication=auth, actions={"sync": action})


def _instance(mapping: dict[str, Any], router: MockRouter) -> DestinationInstance:
    subscription = {"subscribe": 'type = "identify"', "action": "sync", "mapping": mapping}
    return DestinationInstance(build_list_destination(), {"apiKey": SECRET}, [subscription], session=router.session())


IDENTIFY = create_test_event({"type": "identify", "traits": {"email": "ada@example.com"}})


@pytest.mark.parametrize(
    ("chosen", "url_end"),
    [
        (None, "/lists/L1/add"),  # no key: the declared default
        ("add", "/lists/L1/add"),
        ("delete", "/lists/L1/delete"),
    ],
)
def test_the_mappings_sync_mode_reaches_perform(chosen: str | None, url_end: str) -> None:
    router = MockRouter()
    router.add("POST", f"{API}/*", json={})
    mapping = {"email": {"@path": "$.traits.email"}, "list_id": "L1"}
    if chosen is not None:
        mapping[SYNC_MODE_KEY] = chosen
    [result] = _instance(mapping, router).send(IDENTIFY)
    assert result.status is SubscriptionStatus.DELIVERED
    assert router.requests[-1].url.endswith(url_end)


@pytest.mark.parametrize("chosen", ["upsert", "mirror", "merge", 3])
def test_a_mode_the_action_does_not_allow_is_refused_before_perform(chosen: Any) -> None:
    router = MockRouter()
    [result] = _instance({SYNC_MODE_KEY: chosen, "list_id": "L1"}, router).send(IDENTIFY)
    assert result.status is SubscriptionStatus.INVALID
    assert f"__segment_internal_sync_mode is {chosen!r}" in result.reason and "add, delete" in result.reason
    assert router.requests == []


def test_a_default_outside_the_choices_fails_at_definition() -> None:
    with pytest.raises(ValueError, match="sync mode default 'upsert' is not one of its choices"):
        SyncModeDefinition(label="m", default="upsert", choices=[SyncModeChoice(label="Add", value="add")])


def test_dynamic_fields_must_name_a_field() -> None:
    with pytest.raises(ValueError, match="dynamic_fields names 'nope'"):
        ActionDefinition(title="T", fields={}, perform=_sync, dynamic_fields={"nope": _list_choices})


def test_harness_tests_a_dynamic_field_with_recorded_replies() -> None:
    tester = create_test_integration(build_list_destination())
    tester.transport.add("GET", f"{API}/lists", json={"lists": [{"name": "VIP", "id": "L1"}], "next": "p2"})
    choices = tester.test_dynamic_field("sync", "list_id", settings={"apiKey": SECRET})
    assert choices.to_dict() == {"choices": [{"label": "VIP", "value": "L1"}], "nextPage": "p2"}
    assert tester.requests[0].url == f"{API}/lists"


def test_a_failing_dynamic_field_gives_its_error_without_the_secret() -> None:
    tester = create_test_integration(build_list_destination())
    choices = tester.test_dynamic_field("sync", "other", settings={"apiKey": SECRET})
    assert choices.choices == [] and choices.error is not None
    assert SECRET not in choices.error and "the API refused key" in choices.error


def test_an_unknown_dynamic_field_names_those_there_are() -> None:
    tester = create_test_integration(build_list_destination())
    with pytest.raises(LookupError, match=r"no dynamic field 'email' \(dynamic fields: list_id, other\)"):
        tester.test_dynamic_field("sync", "email", settings={"apiKey": SECRET})


@pytest.mark.parametrize(
    ("inputs", "error_part"),
    [({"name": "VIP"}, None), ({}, "the inputs of hook 'onMappingSave' are invalid")],
)
def test_harness_runs_a_hook(inputs: dict[str, Any], error_part: str | None) -> None:
    tester = create_test_integration(build_list_destination())
    tester.transport.add("POST", f"{API}/lists", json={"id": "L9"})
    result = tester.test_hook("sync", "onMappingSave", inputs, settings={"apiKey": SECRET})
    if error_part is None:
        assert result.error is None and result.saved_data == {"id": "L9", "name": "VIP"}
    else:
        assert result.error is not None and error_part in result.error and tester.requests == []


def test_saved_hook_outputs_reach_perform_as_hook_outputs(tmp_path: Path) -> None:
    router = MockRouter()
    router.add("POST", f"{API}/lists", json={"id": "L9"})
    router.add("POST", f"{API}/lists/*", json={})
    mapping = {"email": {"@path": "$.traits.email"}, "onMappingSave": {"inputs": {"name": "VIP"}}}
    instance = _instance(mapping, router)
    runs = run_subscription_hooks(
        instance.definition, instance.subscriptions, settings=instance.settings, auth=None, session=router.session()
    )
    instance_file = tmp_path / "lists.toml"
    written = write_saved_hooks(instance_file, runs)
    assert written == tmp_path / "lists.hooks.json"
    saved = read_saved_hooks(instance_file)
    assert saved == {
        "subscriptions[0]": {"onMappingSave": {"inputs": {"name": "VIP"}, "outputs": {"id": "L9", "name": "VIP"}}}
    }
    reloaded = _instance(with_saved_hooks(mapping, saved["subscriptions[0]"]), router)
    [result] = reloaded.send(IDENTIFY)
    assert result.status is SubscriptionStatus.DELIVERED
    assert router.requests[-1].url == f"{API}/lists/L9/add"
    assert router.requests[-1].json() == {"email": "ada@example.com"}


def test_harness_test_action_reads_sync_mode_and_hook_outputs_from_the_mapping() -> None:
    tester = create_test_integration(build_list_destination())
    tester.transport.add("POST", f"{API}/*", json={})
    mapping = {SYNC_MODE_KEY: "delete", "onMappingSave": {"inputs": {"name": "VIP"}, "outputs": {"id": "L5"}}}
    [request] = tester.test_action(
        "sync", event=IDENTIFY, mapping=mapping, settings={"apiKey": SECRET}, use_default_mappings=True
    )
    assert request.url == f"{API}/lists/L5/delete"


def test_harness_test_action_refuses_a_disallowed_mode_with_the_runtimes_message() -> None:
    tester = create_test_integration(build_list_destination())
    with pytest.raises(PayloadValidationError, match="which this action does not allow; choose one of: add, delete"):
        tester.test_action(
            "sync",
            event=IDENTIFY,
            mapping={SYNC_MODE_KEY: "upsert"},
            settings={"apiKey": SECRET},
            use_default_mappings=True,
        )


def test_the_sync_mode_reaches_perform_batch() -> None:
    seen: list[Any] = []

    def perform_batch(request: Any, data: Any) -> None:
        seen.append((data.sync_mode, len(data.payload)))

    definition = build_list_destination()
    action = definition.actions["sync"].model_copy(update={"perform_batch": perform_batch})
    definition = definition.model_copy(update={"actions": {"sync": action}})
    tester = create_test_integration(definition)
    tester.test_batch_action(
        "sync",
        events=[IDENTIFY, IDENTIFY],
        mapping={SYNC_MODE_KEY: "delete"},
        settings={"apiKey": SECRET},
        use_default_mappings=True,
    )
    assert seen == [("delete", 2)]


def test_validate_warns_of_a_dynamic_field_without_a_function() -> None:
    from framework.definition import check_definition

    definition = build_list_destination()
    action = definition.actions["sync"].model_copy(update={"dynamic_fields": {"list_id": _list_choices}})
    findings = check_definition(definition.model_copy(update={"actions": {"sync": action}}))
    assert [f.where for f in findings if "is dynamic but" in f.message] == ['action "sync" field "other"']


def test_perform_and_perform_batch_get_the_audience_membership() -> None:
    seen: list[Any] = []
    definition = build_list_destination()
    action = definition.actions["sync"].model_copy(
        update={
            "perform": lambda request, data: seen.append(data.audience_membership),
            "perform_batch": lambda request, data: seen.append(data.audience_membership),
        }
    )
    tester = create_test_integration(definition.model_copy(update={"actions": {"sync": action}}))
    personas = {"personas": {"computation_class": "audience", "computation_key": "vips"}}
    left = {"type": "identify", "traits": {"email": "a@x.com", "vips": False}, "context": personas}
    row = {"type": "track", "event": "new", "properties": {"email": "b@x.com"}}
    settings = {"apiKey": SECRET}
    mapping = {
        "email": {
            "@if": {
                "exists": {"@path": "$.traits.email"},
                "then": {"@path": "$.traits.email"},
                "else": {"@path": "$.properties.email"},
            }
        }
    }
    tester.test_action("sync", event=left, mapping=mapping, settings=settings)
    tester.test_batch_action("sync", events=[left, row], mapping={**mapping, SYNC_MODE_KEY: "add"}, settings=settings)
    assert seen == [False, [False, True]]


def test_a_saved_hook_in_the_mapping_is_not_warned_about_as_an_unknown_field() -> None:
    saved = {"onMappingSave": {"inputs": {"name": "VIPs"}, "outputs": {"id": "L9"}}}
    instance = _instance({"email": {"@path": "$.traits.email"}, **saved}, MockRouter())
    assert not [warning for warning in instance.warnings if "onMappingSave" in warning]


def _instance_file(tmp_path: Path) -> Path:
    path = tmp_path / "lists.toml"
    path.write_text(
        f'destination = "actions-lists-test"\n[settings]\napiKey = "{SECRET}"\n'
        '[[subscriptions]]\nname = "members"\nsubscribe = \'type = "identify"\'\naction = "sync"\n'
        '[subscriptions.mapping]\nemail = { "@path" = "$.traits.email" }\nlist_id = "L1"\n',
        encoding="utf-8",
    )
    return path


def test_hook_outputs_saved_beside_the_instance_reach_perform_when_it_loads(tmp_path: Path) -> None:
    path = _instance_file(tmp_path)
    saved = {"members": {"onMappingSave": {"inputs": {"name": "VIPs"}, "outputs": {"id": "L9"}}}}
    (tmp_path / "lists.hooks.json").write_text(json.dumps(saved), encoding="utf-8")
    router = MockRouter()
    router.add("POST", f"{API}/*", json={})
    with DestinationInstance.from_file(path, destination=build_list_destination(), session=router.session()) as inst:
        [result] = inst.send(IDENTIFY)
    assert result.status is SubscriptionStatus.DELIVERED
    assert router.requests[-1].url.endswith("/lists/L9/add")  # the hook's list, not the mapping's L1


def test_saved_hooks_of_a_subscription_the_instance_no_longer_has_are_refused(tmp_path: Path) -> None:
    path = _instance_file(tmp_path)
    (tmp_path / "lists.hooks.json").write_text(json.dumps({"gone": {"onMappingSave": {}}}), encoding="utf-8")
    with pytest.raises(InstanceConfigError, match="hook outputs for gone, which .* no longer has"):
        DestinationInstance.from_file(path, destination=build_list_destination())

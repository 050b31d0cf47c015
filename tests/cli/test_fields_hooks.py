"""``actions fields`` and ``actions hooks run`` on a small list destination, over real HTTP on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from framework.cli import main

PACKAGE = """
from framework.definition import ActionDefinition, Authentication, Choice, DestinationDefinition, InputField
from framework.definition.dynamic_fields import DynamicChoices
from framework.definition.hooks import ActionHook, HookResult

API = "https://lists.example.com"


def _choices(request, data):
    answer = request.get(API + "/lists").json()
    return DynamicChoices(choices=[Choice(label=i["name"], value=i["id"]) for i in answer["lists"]],
                          next_page=answer.get("next"), error=answer.get("error"))


def _create(request, data):
    return HookResult(saved_data=request.post(API + "/lists", json={"name": data.hook_inputs["name"]}).json())


definition = DestinationDefinition(
    name="Lists CLI", slug="actions-lists-cli",
    authentication=Authentication(scheme="custom", fields={"apiKey": InputField(label="Key", type="password", required=True)}),
    actions={"sync": ActionDefinition(
        title="Sync", fields={"list_id": InputField(label="List", type="string", dynamic=True)},
        perform=lambda request, data: None, dynamic_fields={"list_id": _choices},
        hooks={"onMappingSave": ActionHook(label="Create", input_fields={"name": InputField(label="Name", type="string", required=True)},
                                           perform_hook=_create)})},
)
"""


class _Lists(BaseHTTPRequestHandler):
    replies: dict[str, Any] = {}

    def do_GET(self) -> None:
        self._answer(self.replies["GET"])

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length))
        self._answer({"id": "L-" + body["name"]})

    def _answer(self, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Lists)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _setup(tmp_path: Path, endpoint: str, inputs: str = 'name = "VIP"') -> Path:
    package = tmp_path / "dests" / "lists_cli"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(PACKAGE, encoding="utf-8")
    instance = tmp_path / "lists.toml"
    instance.write_text(
        f'destination = "actions-lists-cli"\nendpoint = "{endpoint}"\n[settings]\napiKey = "k-1"\n'
        '[[subscriptions]]\nsubscribe = \'type = "identify"\'\naction = "sync"\n'
        f'[subscriptions.mapping]\nlist_id = "L1"\n[subscriptions.mapping.onMappingSave.inputs]\n{inputs}\n',
        encoding="utf-8",
    )
    return instance


@pytest.mark.parametrize(
    ("reply", "code", "shown"),
    [
        ({"lists": [{"name": "VIP", "id": "L1"}], "next": "p2"}, 0, ["L1", "VIP", "more: --page p2"]),
        ({"lists": []}, 0, ["no choices"]),
        ({"lists": [], "error": "the key cannot read lists"}, 1, ["error: the key cannot read lists"]),
    ],
)
def test_actions_fields_prints_the_choices(
    tmp_path: Path, api: str, reply: Any, code: int, shown: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    _Lists.replies = {"GET": reply}
    instance = _setup(tmp_path, api)
    argv = [
        "fields",
        "actions-lists-cli",
        "sync",
        "list_id",
        "--instance",
        str(instance),
        "--path",
        str(tmp_path / "dests"),
    ]
    assert main(argv) == code
    out = capsys.readouterr().out
    assert all(part in out for part in shown), out


def test_actions_fields_json_and_an_unknown_field(tmp_path: Path, api: str, capsys: pytest.CaptureFixture[str]) -> None:
    _Lists.replies = {"GET": {"lists": [{"name": "VIP", "id": "L1"}]}}
    instance = _setup(tmp_path, api)
    base = ["fields", "actions-lists-cli", "sync", "--instance", str(instance), "--path", str(tmp_path / "dests")]
    assert main([*base[:3], "list_id", *base[3:], "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"choices": [{"label": "VIP", "value": "L1"}]}
    assert main([*base[:3], "nope", *base[3:]]) == 2
    assert "no dynamic field 'nope' (dynamic fields: list_id)" in capsys.readouterr().err


@pytest.mark.parametrize(("inputs", "code", "saved"), [('name = "VIP"', 0, {"id": "L-VIP"}), ("other = 1", 1, None)])
def test_actions_hooks_run_writes_the_outputs_beside_the_instance(
    tmp_path: Path, api: str, inputs: str, code: int, saved: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = _setup(tmp_path, api, inputs)
    assert main(["hooks", "run", "--instance", str(instance), "--path", str(tmp_path / "dests")]) == code
    out = capsys.readouterr().out
    written = json.loads((tmp_path / "lists.hooks.json").read_text(encoding="utf-8"))
    if saved is None:
        assert "failed: the inputs of hook 'onMappingSave' are invalid" in out and written == {}
    else:
        assert written["subscriptions[0]"]["onMappingSave"]["outputs"] == saved
        assert "subscriptions[0] onMappingSave: saved ['id']" in out

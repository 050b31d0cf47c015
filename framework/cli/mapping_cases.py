"""Declarative mapping test cases (``fixtures/mappings/*.json``): an event in, an expected payload or request out.

Mapping editors write cases as data, without Python; ``actions test`` runs them with a readable diff
per failure, and the same cases run under pytest (tests/cli/test_mapping_cases.py). A file holds one
case object or a list of them::

    {"name": "nested address maps to Pardot's flat fields",
     "event": {...} | "event_file": "../events/identify.ndjson", "event_line": 1,
     "mapping": {...},                                    # a mapping-kit mapping, and/or
     "action": "actions-pardot:prospects",                # validate like the runtime, optionally
     "use_default_mappings": true,                        # with the action's defaults under "mapping"
     "expect": {"payload": {...}} | {"error": "text in the message"}}

    {"name": "...", "event": {...}, "instance": "../instances/pardot.toml",
     "expect": {"requests": [{"method": "POST", "url": "...", "json": {...}}],
                "statuses": {"Upsert prospects on identify": "delivered"}}}

Paths in a case are relative to the case file. Instance cases answer every request in-process with
a 200 (nothing leaves the machine) and compare the requests as sent.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from framework.cli.command_error import CommandError
from framework.cli.destination_lookup import find_destination
from framework.cli.instance_loading import load_instance
from framework.cli.json_files import read_json_file
from framework.events import BadLine, read_events

__all__ = ["MappingCase", "CaseOutcome", "load_cases", "run_case", "json_diff"]

_CASE_KEYS = {"name", "description", "event", "event_file", "event_line", "mapping", "action",
              "use_default_mappings", "instance", "expect"}
_EXPECT_KEYS = {"payload", "error", "requests", "statuses"}


@dataclass(frozen=True)
class MappingCase:
    """One case as written, with where it came from (``file#index``) for messages."""

    name: str
    source: str
    base: Path
    data: dict[str, Any]

    @property
    def id(self) -> str:
        """A stable id for pytest and the summary: the file stem and the case name."""
        return f"{Path(self.source.split('#')[0]).stem}: {self.name}"


@dataclass
class CaseOutcome:
    """Passed, or failed with the message (and a diff) to show."""

    case: MappingCase
    passed: bool
    message: str = ""
    diff: list[str] = field(default_factory=list)


def load_cases(paths: Iterable[str | Path]) -> list[MappingCase]:
    """Every case in the given files and directories (``*.json``, sorted), checked for shape."""
    cases: list[MappingCase] = []
    for path in _case_files(paths):
        document = read_json_file(path, "a mapping test case (an object or a list of objects)")
        items = document if isinstance(document, list) else [document]
        for index, item in enumerate(items):
            source = f"{path}#{index}" if isinstance(document, list) else str(path)
            cases.append(_checked_case(item, source, path.parent))
    return cases


def _case_files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(path.rglob("*.json")))
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{path}: no such case file or directory (cases live in fixtures/mappings/*.json)")
    return files


def _checked_case(item: Any, source: str, base: Path) -> MappingCase:
    if not isinstance(item, dict):
        raise CommandError(f"{source}: a case must be a JSON object with name, event, mapping/instance and expect")
    unknown = sorted(set(item) - _CASE_KEYS)
    if unknown:
        raise CommandError(f"{source}: unknown key(s) {_with_guesses(unknown, _CASE_KEYS)}; "
                           f"a case has {', '.join(sorted(_CASE_KEYS))}")
    expect = item.get("expect")
    unknown = sorted(set(expect) - _EXPECT_KEYS) if isinstance(expect, dict) else []
    if unknown:
        raise CommandError(f"{source}: unknown key(s) in \"expect\": {_with_guesses(unknown, _EXPECT_KEYS)}; "
                           f"expect has one or more of {', '.join(sorted(_EXPECT_KEYS))}")
    if not isinstance(expect, dict) or not expect:
        raise CommandError(f"{source}: \"expect\" must be an object with one or more of {', '.join(sorted(_EXPECT_KEYS))}")
    if "event" not in item and "event_file" not in item:
        raise CommandError(f"{source}: the case needs an \"event\" (or \"event_file\" and \"event_line\")")
    if not any(key in item for key in ("mapping", "action", "instance")):
        raise CommandError(f"{source}: the case needs a \"mapping\", an \"action\" or an \"instance\" to run")
    return MappingCase(str(item.get("name") or source), source, base, item)


def _with_guesses(unknown: list[str], known: set[str]) -> str:
    """``paylaod (did you mean payload?)``: a typo in a key is the usual reason it is unknown."""
    def shown(key: str) -> str:
        guess = difflib.get_close_matches(key, sorted(known), n=1)
        return f"{key!r} (did you mean {guess[0]!r}?)" if guess else repr(key)

    return ", ".join(shown(key) for key in unknown)


def run_case(case: MappingCase) -> CaseOutcome:
    """Run one case; a user error in the case itself (bad mapping, missing file) is a failure, located."""
    try:
        event = _event(case)
        if "instance" in case.data:
            return _run_instance_case(case, event)
        return _run_mapping_case(case, event)
    except CommandError as error:
        return CaseOutcome(case, False, error.message)


def _event(case: MappingCase) -> dict[str, Any]:
    if "event" in case.data:
        event = case.data["event"]
        if not isinstance(event, dict):
            raise CommandError(f"{case.source}: \"event\" must be a JSON object (a Segment event)")
        return event
    path = case.base / str(case.data["event_file"])
    if not path.is_file():
        raise CommandError(f"{case.source}: event_file {path} does not exist (paths are relative to the case file)")
    wanted = case.data.get("event_line")
    for item in read_events([path]):
        if wanted is None or item.line == wanted:
            if isinstance(item, BadLine):
                raise CommandError(f"{case.source}: event_file line is not an event: {item}")
            return item.event
    raise CommandError(f"{case.source}: {path} has no event at line {wanted}")


def _run_mapping_case(case: MappingCase, event: dict[str, Any]) -> CaseOutcome:
    from framework.errors import PayloadValidationError
    from framework.mapping import MappingError, transform

    mapping = _mapping(case)
    expect = case.data["expect"]
    try:
        payload = transform(mapping, event)
        if "action" in case.data:
            payload = _action(case).validate_payload(payload)
    except (MappingError, PayloadValidationError) as error:
        return _expected_error(case, expect, _error_text(error))
    if "error" in expect:
        return CaseOutcome(case, False, f"expected an error containing {expect['error']!r}, got a payload",
                           json_diff(None, payload))
    return _compare(case, "payload", expect.get("payload"), payload)


def _mapping(case: MappingCase) -> dict[str, Any]:
    mapping = case.data.get("mapping", {})
    if not isinstance(mapping, dict):
        raise CommandError(f"{case.source}: \"mapping\" must be a JSON object (a mapping-kit mapping)")
    if case.data.get("use_default_mappings"):
        return {**_action(case).default_mapping(), **mapping}
    return mapping


def _action(case: MappingCase) -> Any:
    reference = str(case.data.get("action", ""))
    slug, _, key = reference.partition(":")
    if not key:
        raise CommandError(f"{case.source}: \"action\" must read SLUG:ACTION, e.g. actions-pardot:prospects")
    definition = find_destination(slug, [])
    if key not in definition.actions:
        raise CommandError(f"{case.source}: {slug} has no action {key!r} (actions: {', '.join(definition.actions)})")
    return definition.actions[key]


def _run_instance_case(case: MappingCase, event: dict[str, Any]) -> CaseOutcome:
    from framework.testing import MockTransport, Reply

    transport = MockTransport(lambda request: Reply(200, json={"id": 1}))
    config = case.base / str(case.data["instance"])
    if not config.is_file():
        raise CommandError(f"{case.source}: instance {config} does not exist (paths are relative to the case file)")
    instance = load_instance(str(config), session=transport.session())
    results = instance.send(event)
    expect = case.data["expect"]
    if "statuses" in expect:
        actual = {result.subscription: result.status.value for result in results}
        missing = [name for name in expect["statuses"] if name not in actual]
        if missing:
            return CaseOutcome(case, False, f"the instance has no subscription named {', '.join(map(repr, missing))}; "
                               f"its subscriptions are {', '.join(map(repr, actual))}")
        outcome = _compare(case, "statuses", expect["statuses"], {k: actual.get(k) for k in expect["statuses"]})
        if not outcome.passed:
            outcome.message += "; reasons: " + "; ".join(f"{r.subscription}: {r.reason}" for r in results if r.reason)
            return outcome
    if "requests" in expect:
        sent = [_request_view(request) for request in transport.requests]
        wanted = [_only_keys(want, got) for want, got in zip(expect["requests"], sent)] if len(sent) == len(expect["requests"]) else sent
        return _compare(case, "requests", expect["requests"], wanted)
    return CaseOutcome(case, True)


def _request_view(request: Any) -> dict[str, Any]:
    view: dict[str, Any] = {"method": request.method, "url": request.url, "headers": dict(request.headers)}
    try:
        view["json"] = request.json()
    except ValueError:
        view["body"] = request.text
    return view


def _only_keys(wanted: Any, got: dict[str, Any]) -> dict[str, Any]:
    """Compare only what the case names (headers: only the named ones), so cases stay short."""
    if not isinstance(wanted, dict):
        return got
    view = {key: got.get(key) for key in wanted}
    if isinstance(wanted.get("headers"), dict):
        headers = {name.lower(): value for name, value in got.get("headers", {}).items()}
        view["headers"] = {name: headers.get(name.lower()) for name in wanted["headers"]}
    return view


def _expected_error(case: MappingCase, expect: dict[str, Any], message: str) -> CaseOutcome:
    wanted = expect.get("error")
    if wanted is not None and str(wanted) in message:
        return CaseOutcome(case, True)
    if wanted is None:
        return CaseOutcome(case, False, f"unexpected error: {message}")
    return CaseOutcome(case, False, f"expected an error containing {wanted!r}, got: {message}")


def _error_text(error: Exception) -> str:
    errors = getattr(error, "errors", None)
    return "; ".join(str(e) for e in errors) if errors else str(error)


def _compare(case: MappingCase, what: str, expected: Any, actual: Any) -> CaseOutcome:
    if expected == actual:
        return CaseOutcome(case, True)
    return CaseOutcome(case, False, f"{what} differs (- expected, + actual)", json_diff(expected, actual))


def json_diff(expected: Any, actual: Any) -> list[str]:
    """A unified diff of two JSON values, pretty-printed with sorted keys so only real changes show."""
    def lines(value: Any) -> list[str]:
        return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str).splitlines()

    return list(difflib.unified_diff(lines(expected), lines(actual), "expected", "actual", lineterm="", n=2))

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

This is a library feature, not a CLI one: :func:`load_cases` reads every case file it can and
returns the ones it could not (file and why) next to the cases, so one broken file never hides the
others; :func:`run_case` takes a ``find_destination`` (slug → definition) so a caller can look in
folders of packages not installed yet (``actions test --path``); the default is the registry.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framework.events import BadLine, nesting_problem, read_events

if TYPE_CHECKING:
    from framework.definition import DestinationDefinition

__all__ = [
    "MappingCase",
    "CaseOutcome",
    "LoadedCases",
    "CaseError",
    "load_cases",
    "run_case",
    "json_diff",
    "DestinationFinder",
]

DestinationFinder = Callable[[str], "DestinationDefinition"]
"""Slug → definition; raises (any exception, its text is shown) when there is no such destination."""


class CaseError(ValueError):
    """A problem with a case as written (its file, its shape, a file it names): the message is located."""


_CASE_KEYS = {
    "name",
    "description",
    "event",
    "event_file",
    "event_line",
    "mapping",
    "action",
    "use_default_mappings",
    "instance",
    "expect",
}
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


@dataclass(frozen=True)
class LoadedCases:
    """The cases read, the located problems of the case files (or cases) that could not be read, and
    how many case files there were (zero means nothing to test: an error, not a pass)."""

    cases: list[MappingCase]
    problems: list[str]
    files: int


def load_cases(paths: Iterable[str | Path]) -> LoadedCases:
    """Every case in the given files and directories (``*.json``, sorted), checked for shape.

    A path that does not exist raises :class:`CaseError` (nothing was asked that can be run); a case
    file that cannot be read, or a case of the wrong shape, becomes a problem and the rest are read.
    """
    cases: list[MappingCase] = []
    problems: list[str] = []
    files = _case_files(paths)
    for path in files:
        try:
            document = _read_case_file(path)
        except CaseError as error:
            problems.append(str(error))
            continue
        items = document if isinstance(document, list) else [document]
        for index, item in enumerate(items):
            source = f"{path}#{index}" if isinstance(document, list) else str(path)
            try:
                cases.append(_checked_case(item, source, path.parent))
            except CaseError as error:
                problems.append(str(error))
    return LoadedCases(cases, problems, len(files))


def _case_files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(path.rglob("*.json")))
        elif path.is_file():
            files.append(path)
        else:
            raise CaseError(f"{path}: no such case file or directory (cases live in fixtures/mappings/*.json)")
    return files


_WHAT = "expected a mapping test case: an object or a list of objects"


def _read_case_file(path: Path) -> Any:
    """The parsed file, or a CaseError naming the file, the position and what to do."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CaseError(f"{path}: cannot read the file: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise CaseError(f"{path}:{line}: not UTF-8 text (byte offset {error.start}); save the file as UTF-8") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CaseError(f"{path}:{error.lineno}:{error.colno}: not valid JSON: {error.msg} ({_WHAT})") from None
    except RecursionError:
        raise CaseError(f"{path}: nested too deeply to read ({_WHAT})") from None


def _checked_case(item: Any, source: str, base: Path) -> MappingCase:
    if not isinstance(item, dict):
        raise CaseError(f"{source}: a case must be a JSON object with name, event, mapping/instance and expect")
    unknown = sorted(set(item) - _CASE_KEYS)
    if unknown:
        raise CaseError(
            f"{source}: unknown key(s) {_with_guesses(unknown, _CASE_KEYS)}; a case has {', '.join(sorted(_CASE_KEYS))}"
        )
    expect = item.get("expect")
    unknown = sorted(set(expect) - _EXPECT_KEYS) if isinstance(expect, dict) else []
    if unknown:
        raise CaseError(
            f'{source}: unknown key(s) in "expect": {_with_guesses(unknown, _EXPECT_KEYS)}; '
            f"expect has one or more of {', '.join(sorted(_EXPECT_KEYS))}"
        )
    if not isinstance(expect, dict) or not expect:
        raise CaseError(f'{source}: "expect" must be an object with one or more of {", ".join(sorted(_EXPECT_KEYS))}')
    if "event" not in item and "event_file" not in item:
        raise CaseError(f'{source}: the case needs an "event" (or "event_file" and "event_line")')
    if not any(key in item for key in ("mapping", "action", "instance")):
        raise CaseError(f'{source}: the case needs a "mapping", an "action" or an "instance" to run')
    return MappingCase(str(item.get("name") or source), source, base, item)


def _with_guesses(unknown: list[str], known: set[str]) -> str:
    """``paylaod (did you mean payload?)``: a typo in a key is the usual reason it is unknown."""

    def shown(key: str) -> str:
        guess = difflib.get_close_matches(key, sorted(known), n=1)
        return f"{key!r} (did you mean {guess[0]!r}?)" if guess else repr(key)

    return ", ".join(shown(key) for key in unknown)


def run_case(case: MappingCase, find_destination: DestinationFinder | None = None) -> CaseOutcome:
    """Run one case; a user error in the case itself (bad mapping, missing file) is a failure, located.

    ``find_destination`` finds the case's ``action`` or ``instance`` destination by slug (default: the
    registry, built-in and installed destinations).
    """
    finder = find_destination or _registered
    try:
        event = _event(case)
        if "instance" in case.data:
            return _run_instance_case(case, event, finder)
        return _run_mapping_case(case, event, finder)
    except CaseError as error:
        return CaseOutcome(case, False, str(error))


def _registered(slug: str) -> DestinationDefinition:
    from framework.registry import get_destination

    return get_destination(slug)


def _destination(case: MappingCase, slug: str, finder: DestinationFinder) -> DestinationDefinition:
    try:
        return finder(slug)
    except Exception as error:  # the finder's own message says which destinations exist
        raise CaseError(f"{case.source}: {getattr(error, 'message', None) or error}") from None


def _event(case: MappingCase) -> dict[str, Any]:
    if "event" in case.data:
        event = case.data["event"]
        if not isinstance(event, dict):
            raise CaseError(f'{case.source}: "event" must be a JSON object (a Segment event)')
        deep = nesting_problem(event)
        if deep is not None:
            raise CaseError(f'{case.source}: "event" is {deep}')
        return event
    path = case.base / str(case.data["event_file"])
    if not path.is_file():
        raise CaseError(f"{case.source}: event_file {path} does not exist (paths are relative to the case file)")
    wanted = case.data.get("event_line")
    for item in read_events([path]):
        if wanted is None or item.line == wanted:
            if isinstance(item, BadLine):
                raise CaseError(f"{case.source}: event_file line is not an event: {item}")
            return item.event
    raise CaseError(f"{case.source}: {path} has no event at line {wanted}")


def _run_mapping_case(case: MappingCase, event: dict[str, Any], finder: DestinationFinder) -> CaseOutcome:
    from framework.errors import PayloadValidationError
    from framework.mapping import MappingError, transform

    mapping = _mapping(case, finder)
    expect = case.data["expect"]
    try:
        payload = transform(mapping, event)
        if "action" in case.data:
            payload = _action(case, finder).validate_payload(payload)
    except (MappingError, PayloadValidationError) as error:
        return _expected_error(case, expect, _error_text(error))
    if "error" in expect:
        return CaseOutcome(
            case, False, f"expected an error containing {expect['error']!r}, got a payload", json_diff(None, payload)
        )
    return _compare(case, "payload", expect.get("payload"), payload)


def _mapping(case: MappingCase, finder: DestinationFinder) -> dict[str, Any]:
    mapping = case.data.get("mapping", {})
    if not isinstance(mapping, dict):
        raise CaseError(f'{case.source}: "mapping" must be a JSON object (a mapping-kit mapping)')
    if case.data.get("use_default_mappings"):
        return {**_action(case, finder).default_mapping(), **mapping}
    return mapping


def _action(case: MappingCase, finder: DestinationFinder) -> Any:
    reference = str(case.data.get("action", ""))
    slug, _, key = reference.partition(":")
    if not key:
        raise CaseError(f'{case.source}: "action" must read SLUG:ACTION, e.g. actions-pardot:prospects')
    definition = _destination(case, slug, finder)
    if key not in definition.actions:
        raise CaseError(f"{case.source}: {slug} has no action {key!r} (actions: {', '.join(definition.actions)})")
    return definition.actions[key]


def _run_instance_case(case: MappingCase, event: dict[str, Any], finder: DestinationFinder) -> CaseOutcome:
    from framework.testing.transport import MockTransport, Reply

    transport = MockTransport(lambda request: Reply(200, json={"id": 1}))
    config = case.base / str(case.data["instance"])
    if not config.is_file():
        raise CaseError(f"{case.source}: instance {config} does not exist (paths are relative to the case file)")
    results = _instance(case, config, finder, transport.session()).send(event)
    expect = case.data["expect"]
    if "statuses" in expect:
        actual = {result.subscription: result.status.value for result in results}
        missing = [name for name in expect["statuses"] if name not in actual]
        if missing:
            return CaseOutcome(
                case,
                False,
                f"the instance has no subscription named {', '.join(map(repr, missing))}; "
                f"its subscriptions are {', '.join(map(repr, actual))}",
            )
        outcome = _compare(case, "statuses", expect["statuses"], {k: actual.get(k) for k in expect["statuses"]})
        if not outcome.passed:
            outcome.message += "; reasons: " + "; ".join(f"{r.subscription}: {r.reason}" for r in results if r.reason)
            return outcome
    if "requests" in expect:
        sent = [_request_view(request) for request in transport.requests]
        wanted = (
            [_only_keys(want, got) for want, got in zip(expect["requests"], sent, strict=True)]
            if len(sent) == len(expect["requests"])
            else sent
        )
        return _compare(case, "requests", expect["requests"], wanted)
    return CaseOutcome(case, True)


def _instance(case: MappingCase, config: Path, finder: DestinationFinder, session: Any) -> Any:
    """The case's instance, its destination found by ``finder``; config problems are the case's failure."""
    from framework.instance import DestinationInstance, InstanceConfigError, read_config_file

    try:
        slug = read_config_file(config).config.destination
        definition = _destination(case, slug, finder)
        return DestinationInstance.from_file(config, destination=definition, session=session)
    except InstanceConfigError as error:
        raise CaseError(f"{case.source}: instance {config}: " + "; ".join(error.errors)) from None


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

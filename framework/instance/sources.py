"""Reading an instance config from Segment's settings JSON or the TOML form into one ``InstanceConfig``.

Segment's settings JSON (``{businessUnitID, …, subscriptions: [{subscribe, partnerAction, mapping}],
oauth: {…}}``) is taken as Segment stores it: mappings are used as given. The TOML form is the
friendlier one for people: ``destination``, ``endpoint``, ``[settings]``, ``[auth]`` and
``[[subscriptions]]``; its string values in settings, auth and endpoint may be ``"${ENV_VAR}"``, and its
mappings take the action's defaults for the fields they omit unless ``use_default_mappings = false``.

Problems are collected, never raised one at a time; a file's syntax error is raised at once with its
line, since nothing after it can be read.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from framework.instance.config import DeliveryOptions, InstanceConfig
from framework.instance.destination_detection import detect_destination
from framework.instance.problems import InstanceConfigError, LineFinder, Problems
from framework.jsvalues import json_type_phrase

__all__ = ["LoadedConfig", "config_from_segment_settings", "config_from_toml", "read_config_file"]

_SEGMENT_SUBSCRIPTION_KEYS = {
    "name": "name",
    "subscribe": "subscribe",
    "partnerAction": "action",
    "mapping": "mapping",
    "enabled": "enabled",
}
_SEGMENT_METADATA_KEYS = ("ID", "ConfigID", "ActionID", "ProjectID")
_SEGMENT_OAUTH_KEYS = {
    "access_token": "access_token",
    "refresh_token": "refresh_token",
    "clientId": "client_id",
    "clientSecret": "client_secret",
    "refresh_token_url": "refresh_token_url",
}
_TOML_TOP_KEYS = ("id", "destination", "endpoint", "write_key", "settings", "auth", "delivery", "subscriptions")
_TOML_SUBSCRIPTION_KEYS = ("name", "subscribe", "action", "mapping", "enabled", "use_default_mappings")
_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class LoadedConfig:
    """A config read from a file, with what is needed to point each later problem at a line."""

    config: InstanceConfig
    problems: Problems
    source: str | None = None
    line_for: LineFinder | None = None


def config_from_segment_settings(
    settings: Mapping[str, Any], destination: str | None = None, *, problems: Problems
) -> InstanceConfig:
    """Segment's settings JSON as an InstanceConfig: subscriptions and ``oauth`` split off, rest settings.

    The JSON names no destination: without ``destination`` it is detected from the settings' keys.
    """
    if not isinstance(settings, Mapping):
        problems.add("settings", f"settings should be a JSON object but it is {json_type_phrase(settings)}.")
        return InstanceConfig(destination=destination or "")
    destination = destination or detect_destination(settings, problems)
    rest = {k: v for k, v in settings.items() if k not in ("subscriptions", "subscription", "oauth")}
    return InstanceConfig(
        destination=destination,
        settings=rest,
        auth=_segment_oauth(settings.get("oauth"), problems),
        subscriptions=[_segment_subscription(raw) for raw in _segment_subscriptions(settings, problems)],
    )


def _segment_subscriptions(settings: Mapping[str, Any], problems: Problems) -> list[Any]:
    """Segment reads ``subscription`` (one) before ``subscriptions`` (a list)."""
    if isinstance(settings.get("subscription"), Mapping):
        return [settings["subscription"]]
    raw = settings.get("subscriptions", [])
    if isinstance(raw, str):
        # Segment's exports sometimes hold the list as a JSON string; Segment would silently run
        # nothing, we read it (docs/divergences.md).
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as error:
            problems.add("subscriptions", f"subscriptions is a string that is not valid JSON: {error}.")
            return []
    if not isinstance(raw, list):
        problems.add("subscriptions", f"subscriptions should be a list but it is {json_type_phrase(raw)}.")
        return []
    return raw


def _segment_subscription(raw: Any) -> Any:
    if not isinstance(raw, Mapping):
        return raw  # reported by the compiler with its index
    converted: dict[str, Any] = {
        ours: raw[theirs]
        for theirs, ours in _SEGMENT_SUBSCRIPTION_KEYS.items()
        if theirs in raw and raw[theirs] is not None
    }
    metadata = {key: raw[key] for key in _SEGMENT_METADATA_KEYS if key in raw}
    if metadata:
        converted["metadata"] = metadata
    converted["use_default_mappings"] = False
    return converted


def _segment_oauth(raw: Any, problems: Problems) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        problems.add("auth", f"oauth should be an object but it is {json_type_phrase(raw)}.")
        return None
    return {ours: raw[theirs] for theirs, ours in _SEGMENT_OAUTH_KEYS.items() if raw.get(theirs) is not None}


def config_from_toml(
    data: Mapping[str, Any], *, problems: Problems, environ: Mapping[str, str] | None = None
) -> InstanceConfig:
    """The TOML form as an InstanceConfig, with ``${ENV_VAR}`` references replaced from ``environ``."""
    env = os.environ if environ is None else environ
    for key in data:
        if key not in _TOML_TOP_KEYS:
            problems.add("file", f'unknown key "{key}"; the TOML form has {", ".join(_TOML_TOP_KEYS)}.')
    destination = data.get("destination")
    if not isinstance(destination, str) or not destination:
        problems.add(
            "destination",
            'destination is missing; add destination = "SLUG" (a slug from `actions list`) at the top of the file.',
        )
        destination = ""
    return InstanceConfig(
        destination=destination,
        id=_instance_id(data.get("id"), problems),
        delivery=_delivery(data.get("delivery", {}), problems),
        settings=_table(data, "settings", problems, env),
        auth=_table(data, "auth", problems, env) if "auth" in data else None,
        subscriptions=[_toml_subscription(raw) for raw in _toml_subscriptions(data, problems)],
        endpoint=_expand(data.get("endpoint"), "endpoint", "file", problems, env),
        write_key=_write_key(data.get("write_key"), problems, env),
    )


def _write_key(raw: Any, problems: Problems, env: Mapping[str, str]) -> str | None:
    """``write_key = "${SEGMENT_WRITE_KEY}"``: the key Segment libraries send to ``actions serve``."""
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw:
        problems.add("file", f'write_key should be a non-empty string (write_key = "${{SEGMENT_WRITE_KEY}}") but it '
                             f"is {json_type_phrase(raw) if raw != '' else 'empty'}.")
        return None
    return _expand(raw, "write_key", "file", problems, env) or None


def _instance_id(raw: Any, problems: Problems) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}", raw):
        problems.add(
            "id",
            f"id should be a short name of letters, digits, '.', '_', ':' or '-' (it names the "
            f"instance in a shared queue) but it is {raw!r}.",
        )
        return None
    return raw


def _delivery(raw: Any, problems: Problems) -> DeliveryOptions:
    if not isinstance(raw, Mapping):
        problems.add("delivery", f"delivery should be a table ([delivery]) but it is {json_type_phrase(raw)}.")
        return DeliveryOptions()
    try:
        return DeliveryOptions.model_validate(dict(raw))
    except ValidationError as error:
        for item in error.errors():
            where = ".".join(str(part) for part in item["loc"]) or "delivery"
            problems.add("delivery", f"delivery.{where}: {item['msg'].removeprefix('Value error, ')}.")
        return DeliveryOptions()


def _table(data: Mapping[str, Any], key: str, problems: Problems, env: Mapping[str, str]) -> dict[str, Any]:
    table = data.get(key, {})
    if not isinstance(table, Mapping):
        problems.add(key, f"{key} should be a table ([{key}]) but it is {json_type_phrase(table)}.")
        return {}
    return {name: _expand(value, f"{key}.{name}", key, problems, env) for name, value in table.items()}


def _toml_subscriptions(data: Mapping[str, Any], problems: Problems) -> list[Any]:
    raw = data.get("subscriptions", [])
    if not isinstance(raw, list):
        problems.add("subscriptions", "subscriptions should be an array of tables ([[subscriptions]]).")
        return []
    return raw


def _toml_subscription(raw: Any) -> Any:
    if not isinstance(raw, Mapping):
        return raw
    converted = dict(raw)
    if "partnerAction" in converted and "action" not in converted:
        converted["action"] = converted.pop("partnerAction")
    converted.setdefault("use_default_mappings", True)
    return converted


def _expand(value: Any, where: str, section: str, problems: Problems, env: Mapping[str, str]) -> Any:
    """Replace ``${NAME}`` in a string from the environment; report names that are not set."""
    if not isinstance(value, str):
        return value

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in env:
            problems.add(
                section, f"{where}: environment variable {name} is not set; export it, or write the value in the file."
            )
            return ""
        return env[name]

    return _ENV_REFERENCE.sub(replace, value)


def read_config_file(path: str | os.PathLike[str], destination: str | None = None) -> LoadedConfig:
    """Read a Segment settings JSON or TOML instance file; syntax errors raise with file and line."""
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise InstanceConfigError([f"{source}: cannot read the file: {error.strerror or error}."], source) from error
    text = _decode_utf8(raw, source)
    problems = Problems()
    if _is_json(source, text):
        data = _parse_json(text, source)
        config = config_from_segment_settings(data, destination, problems=problems)
        return LoadedConfig(config, problems, source)
    config = config_from_toml(_parse_toml(text, source), problems=problems)
    if destination is not None:
        config = config.model_copy(update={"destination": destination})
    return LoadedConfig(config, problems, source, _toml_line_finder(text))


def _decode_utf8(raw: bytes, source: str) -> str:
    """The file as text; bytes that are not UTF-8 (Latin-1 TOML, a binary file) are refused where they are.

    Editors on Windows still save as Latin-1 or UTF-16 by default: the message names the line and byte
    offset of the first bad byte, and says to save the file as UTF-8.
    """
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")  # a BOM is not part of the config
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        byte = raw[error.start : error.start + 1].hex()
        message = (
            f"{source}:{line}: the file is not UTF-8 text: byte offset {error.start} (0x{byte}) is "
            "not valid UTF-8; save the file with the UTF-8 encoding (most editors offer it in "
            '"Save as" or "Reopen with encoding") and run the command again.'
        )
        raise InstanceConfigError([message], source) from None


def _is_json(source: str, text: str) -> bool:
    suffix = Path(source).suffix.lower()
    if suffix in (".json", ".toml"):
        return suffix == ".json"
    return text.lstrip().startswith("{")


def _parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        message = f"{source}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}."
        raise InstanceConfigError([message], source) from None


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        where = f"{source}:{found.group(1)}:{found.group(2)}" if found else source
        raise InstanceConfigError([f"{where}: invalid TOML: {reason}."], source) from None


_TOML_KEY = re.compile(r"""\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*(\.|=)""")
_TOML_HEADER = re.compile(r"\[\s*subscriptions\s*\.\s*mapping\s*(?:\.\s*(.+?)\s*)?\]$")


def _toml_key(raw: str) -> str:
    return raw[1:-1] if raw[:1] in "\"'" else raw


@dataclass
class _TomlLines:
    """Where things are in a TOML instance file: tables, subscription headers and mapping keys."""

    tables: dict[str, int]
    subscriptions: list[int]
    mappings: dict[int, int]  # subscription index → line of its mapping (table header or key)
    mapping_keys: dict[tuple[int, str], int]  # (subscription index, mapping key) → line

    def line_for(self, section: str, index: int | None, key: tuple[str, ...] = ()) -> int | None:
        if section != "subscriptions" or index is None or index >= len(self.subscriptions):
            return self.tables.get(section)
        if key[:1] == ("mapping",):
            found = self.mapping_keys.get((index, key[1])) if len(key) > 1 else None
            return found or self.mappings.get(index) or self.subscriptions[index]
        return self.subscriptions[index]


def _toml_line_finder(text: str) -> LineFinder:
    """Line numbers of ``[settings]``, ``[auth]``, each ``[[subscriptions]]`` and its mapping's keys.

    A line scan, not a TOML parse (tomllib keeps no positions): a mapping key is found in
    ``[subscriptions.mapping]``, ``[subscriptions.mapping.KEY]``, ``mapping = { … }`` (inline tables
    are one line) and ``mapping.KEY = …``. What is not found falls back to the subscription's header.
    """
    lines = _TomlLines({}, [], {}, {})
    table = "top"  # what the keys below the last header belong to: top, subscription, mapping, other
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            table = _toml_header(lines, stripped, number)
        elif table in ("subscription", "mapping"):
            _toml_key_line(lines, stripped, number, table)
        elif table == "top" and re.match(r"destination\s*=", stripped):
            lines.tables.setdefault("destination", number)
    return lines.line_for


def _toml_header(lines: _TomlLines, header: str, number: int) -> str:
    """Record a table header; return what the keys under it belong to."""
    index = len(lines.subscriptions) - 1
    if re.match(r"\[\[\s*subscriptions\s*\]\]", header):
        lines.subscriptions.append(number)
        return "subscription"
    if found := re.match(r"\[\s*(settings|auth|delivery)\s*\]", header):
        lines.tables.setdefault(found.group(1), number)
    elif (mapping := _TOML_HEADER.match(header)) and index >= 0:
        lines.mappings.setdefault(index, number)
        if not mapping.group(1):
            return "mapping"
        first = _TOML_KEY.match(mapping.group(1) + "=")
        if first:
            lines.mapping_keys.setdefault((index, _toml_key(first.group(1))), number)
    return "other"


def _toml_key_line(lines: _TomlLines, stripped: str, number: int, table: str) -> None:
    """Record a mapping key (under a mapping table, or ``mapping.KEY =`` / ``mapping = {`` in a subscription)."""
    index = len(lines.subscriptions) - 1
    found = _TOML_KEY.match(stripped)
    if found is None:
        return
    key = _toml_key(found.group(1))
    if table == "mapping":
        lines.mapping_keys.setdefault((index, key), number)
    elif key == "mapping":
        lines.mappings.setdefault(index, number)
        rest = _TOML_KEY.match(stripped[found.end() :]) if found.group(2) == "." else None
        if rest is not None:
            lines.mapping_keys.setdefault((index, _toml_key(rest.group(1))), number)

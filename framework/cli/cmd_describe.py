"""``actions describe SLUG [--json | --markdown]``: what a destination offers and how to configure it.

Plain text for a person at a terminal; ``--json`` for tools (the settings' and each action's JSON
Schema, defaults and presets); ``--markdown`` for the catalog page (docs/destinations/). A destination
with audiences also shows their mode, whether it creates them and the settings each audience has;
one with ``on_delete`` says it handles user deletion (``actions audiences``, ``actions delete-user``).
"""

from __future__ import annotations

import argparse
import json
import textwrap
from typing import Any

from framework.catalog.audience_text import audience_facts, has_audiences
from framework.catalog.field_text import default_text, is_required, type_text
from framework.cli.command_error import EXIT_OK
from framework.cli.destination_lookup import add_path_option, find_destination

__all__ = ["register", "run", "describe_json"]

_WRAP = 96


def register(subparsers: Any) -> None:
    """Add ``describe`` to the ``actions`` parser."""
    parser = subparsers.add_parser(
        "describe", help="show a destination's settings, actions and fields", description=__doc__
    )
    parser.add_argument("slug", metavar="SLUG", help="destination slug (actions-pardot) or folder (pardot)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="JSON Schemas, defaults and presets")
    output.add_argument("--markdown", action="store_true", help="the destination's catalog page")
    add_path_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the description in the chosen form."""
    definition = find_destination(args.slug, args.path)
    if args.json:
        print(json.dumps(describe_json(definition), indent=2, ensure_ascii=False))
    elif args.markdown:
        from framework.catalog.page import render_catalog_page  # loads framework.instance: not at start-up

        print(render_catalog_page(definition), end="")
    else:
        print(_describe_text(definition))
    return EXIT_OK


def describe_json(definition: Any) -> dict[str, Any]:
    """The destination as data: settings and per-action JSON Schemas (``fields_to_json_schema``)."""
    from framework.definition import fields_to_json_schema

    authentication = getattr(definition, "authentication", None)
    return {
        "name": definition.name,
        "slug": definition.slug,
        "description": definition.description,
        "mode": definition.mode,
        "authentication": authentication.scheme if authentication is not None else "none",
        "concurrency_limit": definition.concurrency_limit,
        "settings": fields_to_json_schema(authentication.fields if authentication is not None else {}),
        "audiences": _audiences_json(definition),
        "deletes_users": definition.on_delete is not None,
        "actions": {
            key: {
                "title": action.title,
                "description": action.description,
                "default_subscription": action.default_subscription,
                "default_mapping": action.default_mapping(),
                "schema": fields_to_json_schema(action.fields),
            }
            for key, action in definition.actions.items()
        },
        "presets": [
            {
                "name": p.name,
                "partner_action": p.partner_action,
                "subscribe": p.subscribe,
                "type": p.type,
                "mapping": p.mapping,
            }
            for p in definition.presets
        ],
        "faq": definition.faq,
    }


def _audiences_json(definition: Any) -> dict[str, Any] | None:
    """The audience mode, whether it creates audiences, and the audience settings' JSON Schema; ``None`` without."""
    from framework.definition import fields_to_json_schema

    if not has_audiences(definition):
        return None
    config = definition.audience_config
    return {
        "mode": config.mode.type if config is not None else None,
        "full_audience_sync": config.mode.full_audience_sync if config is not None else None,
        "creates_audiences": config is not None and config.creates_audiences,
        "settings": fields_to_json_schema(definition.audience_fields),
    }


def _describe_text(definition: Any) -> str:
    authentication = getattr(definition, "authentication", None)
    lines = [f"{definition.name} ({definition.slug})"]
    if definition.description:
        lines += _wrapped(definition.description, "  ")
    lines += ["", f"Authentication: {authentication.scheme if authentication is not None else 'none'}"]
    if getattr(definition, "concurrency_limit", None):
        lines.append(f"Concurrency limit: {definition.concurrency_limit} requests at once")
    lines += [f"{label}: {text}" for label, text in audience_facts(definition)]
    lines += ["", "Settings:"] + _fields_text(authentication.fields if authentication is not None else {})
    if has_audiences(definition):
        lines += ["", "Audience settings:"] + _fields_text(definition.audience_fields)
    for key, action in definition.actions.items():
        lines += ["", f"Action {key}: {action.title}"]
        lines += _wrapped(action.description, "  ")
        lines.append(f"  Default trigger: {action.default_subscription or '(none)'}")
        lines += ["  Fields:"] + _fields_text(action.fields, indent="    ")
    if definition.presets:
        lines += ["", "Presets:"]
        lines += [f"  {p.name}: {p.partner_action} when {p.subscribe or p.type}" for p in definition.presets]
    return "\n".join(lines)


def _fields_text(fields: Any, indent: str = "  ") -> list[str]:
    if not fields:
        return [f"{indent}(none)"]
    lines: list[str] = []
    for key, field in fields.items():
        flags = ", required" if is_required(field) else ""
        lines.append(f"{indent}{key}: {type_text(field)}{flags}  [{field.label}]")
        if field.default is not None:
            lines.append(f"{indent}    default: {default_text(field.default)}")
        lines += _wrapped(field.description, indent + "    ")
    return lines


def _wrapped(text: str, indent: str) -> list[str]:
    if not text:
        return []
    joined = " ".join(text.split())
    return textwrap.wrap(joined, width=_WRAP, initial_indent=indent, subsequent_indent=indent)

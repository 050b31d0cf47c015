"""``actions validate``: Segment's static checks, errors vs warnings, non-zero exit on errors."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from framework.cli import main
from framework.definition.static_checks import check_definition


def _field(**overrides: Any) -> SimpleNamespace:
    values = {"label": "F", "description": "A field.", "type": "string", "default": None}
    return SimpleNamespace(**{**values, **overrides})


def _action(**overrides: Any) -> SimpleNamespace:
    values: dict[str, Any] = {
        "title": "Send",
        "description": "Sends.",
        "default_subscription": 'type = "track"',
        "fields": {"name": _field(default={"@path": "$.event"})},
    }
    return SimpleNamespace(**{**values, **overrides})


def _destination(**overrides: Any) -> SimpleNamespace:
    values: dict[str, Any] = {
        "name": "Fake",
        "slug": "actions-fake",
        "actions": {"send": _action()},
        "presets": [],
        "authentication": None,
    }
    return SimpleNamespace(**{**values, **overrides})


def _messages(definition: Any) -> list[str]:
    return [str(finding) for finding in check_definition(definition)]


def test_a_clean_definition_has_no_findings() -> None:
    assert _messages(_destination()) == []


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        (_destination(actions={}), 'error: destination "Fake": does not define any actions'),
        (_destination(actions={"send": _action(description="")}), 'error: action "send": has no description'),
        (
            _destination(actions={"send": _action(default_subscription='type = = "x"')}),
            """error: action "send": has an invalid default_subscription 'type = = "x"': FQL syntax error at column""",
        ),
        (
            _destination(actions={"send": _action(fields={"name": _field(default={"@path": 3})})}),
            'error: action "send" field "name": default is not a valid mapping: /name/@path',
        ),
        (
            _destination(
                presets=[
                    SimpleNamespace(
                        name="P", partner_action="nope", subscribe='type = "track"', mapping={}, type="automatic"
                    )
                ]
            ),
            "error: preset \"P\": names action 'nope', which this destination does not define (actions: send)",
        ),
        (
            _destination(
                presets=[
                    SimpleNamespace(
                        name="P",
                        partner_action="send",
                        subscribe='type = "track"',
                        mapping={"nope": {"@path": "$.x"}},
                        type="automatic",
                    )
                ]
            ),
            "error: preset \"P\": maps field 'nope', which action 'send' does not have (fields: name)",
        ),
        (
            _destination(
                presets=[
                    SimpleNamespace(name="P", partner_action="send", subscribe="type =", mapping={}, type="automatic")
                ]
            ),
            'error: preset "P": has an invalid subscribe trigger: FQL syntax error',
        ),
        (
            _destination(authentication=SimpleNamespace(scheme="custom", fields={"apiKey": _field(type="string")})),
            "error: setting \"apiKey\": looks like a secret but is typed 'string'; type it 'password'",
        ),
        (
            _destination(actions={"send": _action(fields={"name": _field(description="")})}),
            'warning: action "send" field "name": has no description',
        ),
        (
            _destination(
                authentication=SimpleNamespace(
                    scheme="custom", fields={"sandbox": _field(type="boolean", default="no")}
                )
            ),
            "warning: setting \"sandbox\": is typed 'boolean' but its default 'no' is a str",
        ),
    ],
)
def test_each_segment_check(definition: Any, expected: str) -> None:
    assert any(message.startswith(expected) for message in _messages(definition)), _messages(definition)


def test_errors_come_before_warnings() -> None:
    definition = _destination(actions={"send": _action(description="", fields={"name": _field(description="")})})
    assert [finding.level for finding in check_definition(definition)] == ["error", "warning"]


def test_validate_all_installed_destinations_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "actions-pardot (Pardot (Actions)): ok" in out


def test_validate_one_slug(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "pardot"]) == 0
    assert "1 destination valid." in capsys.readouterr().out


def test_a_destination_that_fails_to_import_fails_validation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken_dest"
    broken.mkdir()
    (broken / "__init__.py").write_text(
        "from framework.definition import DestinationDefinition\n"
        "definition = DestinationDefinition(name='X', slug='x', actions={}, bogus=1)\n"
    )
    assert main(["validate", "--path", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    where = f"{broken}: cannot import: {broken / '__init__.py'}:2"
    assert f"error: cannot load destination: {where}: ValidationError" in out
    assert "One or more validation errors were found (1)." in out


def test_an_import_error_names_the_authors_file_and_line_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "typo_dest"
    package.mkdir()
    (package / "__init__.py").write_text("from typo_dest.action import field\n")
    (package / "action.py").write_text(
        "from framework.definition import InputField\n\nfield = InputField(label='Tier', type='strin')\n"
    )
    assert main(["validate", "--path", str(tmp_path)]) == 1
    line = next(line for line in capsys.readouterr().out.splitlines() if "cannot load" in line)
    assert f"{package / 'action.py'}:3: ValidationError: InputField.type: Input should be 'string'" in line
    assert "(got 'strin')" in line and "pydantic" not in line


def test_a_mistyped_slug_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "actions-pardto"]) == 2
    assert 'unknown destination "actions-pardto". Did you mean "actions-pardot"?' in capsys.readouterr().err

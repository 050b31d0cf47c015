"""``actions describe``: text, JSON Schemas, and the Markdown catalog page kept in sync with the definition."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framework.cli import main

CATALOG_PAGE = Path(__file__).resolve().parents[2] / "docs" / "destinations" / "actions-pardot.md"
KLAVIYO_PAGE = CATALOG_PAGE.with_name("actions-klaviyo.md")


def test_text_lists_settings_actions_fields_defaults_and_descriptions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "actions-pardot"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Pardot (Actions) (actions-pardot)")
    assert "Authentication: oauth2" in out and "Concurrency limit: 5" in out
    assert "  businessUnitID: string, required  [Pardot Business Unit ID]" in out
    assert "Action prospects: Upsert Prospect" in out and 'Default trigger: type = "identify"' in out
    assert "    email: string, required  [Email Address]" in out
    assert "        default: " in out
    assert "secondaryDeletedSearch: boolean, required" in out


def test_json_emits_json_schemas(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "pardot", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["slug"] == "actions-pardot"
    assert set(document["settings"]["required"]) == {"businessUnitID", "accountID"}
    prospects = document["actions"]["prospects"]
    assert prospects["default_subscription"] == 'type = "identify"'
    assert "email" in prospects["schema"]["required"]
    assert prospects["schema"]["properties"]["customFields"]["type"] == "object"
    assert prospects["default_mapping"]["secondaryDeletedSearch"] is True
    assert document["presets"][0]["partner_action"] == "prospects"
    assert "__c" in document["faq"]


def test_markdown_page_in_docs_is_in_sync_with_the_definition(capsys: pytest.CaptureFixture[str]) -> None:
    """If this fails, regenerate: actions describe actions-pardot --markdown > docs/destinations/actions-pardot.md"""
    assert main(["describe", "actions-pardot", "--markdown"]) == 0
    assert capsys.readouterr().out == CATALOG_PAGE.read_text(encoding="utf-8")


def test_markdown_page_has_the_catalog_sections(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "actions-pardot", "--markdown"]) == 0
    page = capsys.readouterr().out
    assert "| Setting | Type | Description |" in page
    assert "| Field | Type | Description |" in page
    assert 'The default Trigger is: `type = "identify"`' in page
    assert "at most 50" in page
    assert "## FAQ" in page and "### " in page.split("## FAQ")[1]
    assert "__c" in page and "sandbox" in page.lower()


def test_text_shows_the_audience_mode_settings_and_user_deletion(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "actions-klaviyo"]) == 0
    out = capsys.readouterr().out
    assert "Audience mode: synced (each run sends the changes, not a full audience sync)\n" in out
    assert "Audiences: created and checked by the destination (create_audience, get_audience)\n" in out
    assert "User deletion: handled (on_delete)\n" in out
    audience_settings = out.split("\nAudience settings:\n")[1].split("\n\n")[0]
    assert audience_settings.startswith("  listId: string  [List Id]\n      The default List ID to subscribe users to.")


def test_a_destination_without_audiences_says_nothing_of_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "actions-pardot"]) == 0
    out = capsys.readouterr().out
    assert "Audience" not in out and "User deletion" not in out
    assert main(["describe", "actions-pardot", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["audiences"] is None and document["deletes_users"] is False


def test_json_has_the_audience_mode_and_settings_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "klaviyo", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    audiences = document["audiences"]
    assert audiences["mode"] == "synced" and audiences["full_audience_sync"] is False
    assert audiences["creates_audiences"] is True
    assert audiences["settings"]["properties"]["listId"]["type"] == "string"
    assert audiences["settings"]["required"] == []
    assert document["deletes_users"] is True


def test_markdown_page_shows_audiences_and_their_settings_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "actions-klaviyo", "--markdown"]) == 0
    page = capsys.readouterr().out
    assert "- Audience mode: synced (each run sends the changes, not a full audience sync)\n" in page
    assert "- Audiences: created and checked by the destination (create_audience, get_audience)\n" in page
    assert "- User deletion: handled (on_delete)\n" in page
    section = page.split("## Audience Settings\n")[1].split("\n## ")[0]
    assert "| Setting | Type | Description |" in section
    assert "| List Id (`listId`) | string | The default List ID to subscribe users to." in section
    sections = [line for line in page.splitlines() if line.startswith("## ")]
    assert sections[:3] == ["## Destination Settings", "## Audience Settings", "## Available Presets"]
    assert page == KLAVIYO_PAGE.read_text(encoding="utf-8")

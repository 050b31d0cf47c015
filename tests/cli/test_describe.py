"""``actions describe``: text, JSON Schemas, and the Markdown catalog page kept in sync with the definition."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framework.cli import main

CATALOG_PAGE = Path(__file__).resolve().parents[2] / "docs" / "destinations" / "actions-pardot.md"


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

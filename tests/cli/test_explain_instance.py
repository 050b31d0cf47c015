"""``actions explain`` names the instance it explains (the id its jobs carry in a shared queue) and takes
``--destination`` for a Segment settings JSON, like the commands that deliver."""

from __future__ import annotations

from pathlib import Path

import pytest

from framework.cli import main


def test_explain_prints_the_configured_id_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "pinned.toml"
    config.write_text('id = "crm-eu"\n' + Path("fixtures/instances/pardot.toml").read_text(encoding="utf-8"))
    argv = ["explain", "--instance", str(config), "--event", "fixtures/events/identify.ndjson", "--line", "1"]
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("Instance crm-eu (actions-pardot): the id its jobs carry in the queue\n")


def test_explain_takes_destination_and_shows_the_derived_id(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["explain", "--instance", "fixtures/instances/pardot.json", "--destination", "actions-pardot",
            "--event", "fixtures/events/identify.ndjson", "--line", "1"]
    assert main(argv) == 0
    first, *rest = capsys.readouterr().out.splitlines()
    assert first.startswith("Instance actions-pardot-") and first.endswith("(actions-pardot): the id its jobs carry "
                                                                            "in the queue")
    assert any("[0] Upsert prospects on identify → prospects: matches" in line for line in rest)
    assert main([*argv[:3], "--destination", "actions-nope", *argv[5:]]) == 2
    assert "actions-nope" in capsys.readouterr().err

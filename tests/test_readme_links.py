"""Every relative link in the README points at a file the repository has."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_links_resolve_and_name_no_missing_design_document() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = [
        target.split("#")[0]
        for target in re.findall(r"\]\(([^)]+)\)", readme)
        if not target.startswith(("http://", "https://", "#", "mailto:"))
    ]
    assert [target for target in targets if not (ROOT / target).exists()] == []
    assert "DESIGN.md" not in readme  # the design document lives outside the repository; docs/architecture.md is ours

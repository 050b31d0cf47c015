"""Recorded Segment cases: JSON-lines files whose first line says what recorded them.

The conformance recorders (``tests/*/conformance/record.py``, run by ``make record``) send generated
cases to Segment's own engine (the peer, ``/work/shared/peer/setup.sh``) and store its answers, so the
suite can compare without node. A recording is only reproducible, and a difference only explainable,
when the file says which engine answered and how the cases were generated; so each file starts with::

    {"recording": {"generator": "tests/mapping/conformance/record.py", "seed": 7,
                   "engines": {"@segment/actions-core": "3.170.0", "node": "v20.11.0", ...}}}

``write_recording`` writes that header then the lines; ``read_cases`` returns the lines without it and
``read_header`` the header (a ValueError naming the file and the command when it is missing);
``as_params`` turns the cases into pytest parameters where a documented divergence is a strict xfail.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "HEADER_KEY",
    "ENGINE_PACKAGES",
    "as_params",
    "engine_versions",
    "read_cases",
    "read_header",
    "write_recording",
]

HEADER_KEY = "recording"
ENGINE_PACKAGES = (
    "@segment/actions-core",
    "@segment/destination-subscriptions",
    "liquidjs",
    "@segment/action-destinations",
)
"""The peer's npm packages whose versions decide Segment's answers."""


def engine_versions(peer: Path) -> dict[str, str]:
    """The versions of node and of the peer's engine packages installed under ``peer``."""
    versions: dict[str, str] = {}
    for package in ENGINE_PACKAGES:
        manifest = peer / "node_modules" / package / "package.json"
        if manifest.is_file():
            versions[package] = str(json.loads(manifest.read_text(encoding="utf-8"))["version"])
    if (peer / "vendor" / "actions-pardot").is_dir():
        versions["@segment/action-destinations (actions-pardot)"] = _vendored_version(peer)
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
    versions["node"] = node.stdout.strip() or "unknown"
    return versions


def write_recording(
    path: Path,
    lines: Iterable[Mapping[str, Any]],
    *,
    generator: str,
    seed: int | None,
    peer: Path,
    sort_keys: bool = False,
    ensure_ascii: bool = False,
) -> int:
    """Write the header (generator, seed, engine versions) then one JSON line each; the lines written.

    The file is replaced only once every line is written, so a recorder that fails midway leaves the
    previous recording whole. ``ensure_ascii`` keeps strings JavaScript can hold and UTF-8 cannot
    (lone surrogates) as ``\\u`` escapes.
    """
    header = {HEADER_KEY: {"generator": generator, "seed": seed, "engines": engine_versions(peer)}}
    count = 0
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        out.write(json.dumps(header, ensure_ascii=False) + "\n")
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=ensure_ascii, sort_keys=sort_keys) + "\n")
            count += 1
    partial.replace(path)
    return count


def read_header(path: Path) -> dict[str, Any]:
    """The recording's header: ``generator``, ``seed`` and ``engines``."""
    with path.open(encoding="utf-8") as recorded:
        first = recorded.readline()
    try:
        header = json.loads(first).get(HEADER_KEY) if first.strip() else None
    except (ValueError, AttributeError):
        header = None
    if not isinstance(header, dict):
        raise ValueError(
            f"{path}:1: no recording header (generator, seed, engine versions); regenerate the file with `make record`"
        )
    return header


def read_cases(path: Path) -> list[dict[str, Any]]:
    """Every recorded line after the header (blank lines ignored)."""
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if cases and HEADER_KEY in cases[0]:
        return cases[1:]
    return cases


def _vendored_version(peer: Path) -> str:
    """The action-destinations release the peer's setup.sh vendored Pardot from (``npm pack …@VERSION``)."""
    setup = peer / "setup.sh"
    if setup.is_file():
        for word in setup.read_text(encoding="utf-8").split():
            if word.startswith("@segment/action-destinations@"):
                return word.rsplit("@", 1)[1]
    return "unknown (setup.sh not beside the peer)"


def as_params(
    cases: Iterable[dict[str, Any]],
    divergences: Mapping[str, str],
    *,
    case_id: Callable[[dict[str, Any]], str] = lambda case: str(case["id"]),
) -> list[Any]:
    """``pytest.param`` per case; a documented divergence is a strict xfail with its reason, never a skip.

    Strict: the comparison with Segment must still fail for it, so a divergence that is fixed (or a
    stale entry) shows up as an unexpected pass instead of hiding a case forever.
    """
    import pytest

    params = []
    for case in cases:
        identifier = case_id(case)
        reason = divergences.get(identifier)
        marks = [pytest.mark.xfail(strict=True, reason=f"documented divergence: {reason}")] if reason else []
        params.append(pytest.param(case, id=identifier, marks=marks))
    return params

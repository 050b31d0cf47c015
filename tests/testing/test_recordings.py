"""Recorded Segment cases name what recorded them, and a divergence is a strict xfail, never a skip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framework.testing.recordings import as_params, read_cases, read_header, write_recording

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = sorted(path for path in ROOT.glob("tests/**/conformance/*.jsonl"))


def test_every_recorder_has_a_recording() -> None:
    recorders = sorted(ROOT.glob("tests/**/conformance/record.py"))
    assert len(recorders) >= 5  # one per conformance folder; more as destinations are ported
    assert {path.parent for path in recorders} == {path.parent for path in RECORDINGS}


@pytest.mark.parametrize("recording", RECORDINGS, ids=lambda path: str(path.relative_to(ROOT)))
def test_each_recording_starts_with_its_generator_seed_and_engine_versions(recording: Path) -> None:
    header = read_header(recording)
    assert header["generator"] == str(recording.parent.relative_to(ROOT) / "record.py")
    assert "seed" in header and (header["seed"] is None or isinstance(header["seed"], int))
    assert header["engines"]["@segment/actions-core"] == "3.170.0"
    assert read_cases(recording) and all("recording" not in case for case in read_cases(recording))


def test_a_file_without_a_header_is_refused_with_the_command_to_run(tmp_path: Path) -> None:
    bare = tmp_path / "cases.jsonl"
    bare.write_text('{"id": "a"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=f"{bare}:1: no recording header .* regenerate the file with `make record`"):
        read_header(bare)


def test_write_then_read_keeps_the_lines_and_names_the_engines(tmp_path: Path) -> None:
    peer = tmp_path / "peer"
    (peer / "node_modules" / "@segment" / "actions-core").mkdir(parents=True)
    (peer / "node_modules" / "@segment" / "actions-core" / "package.json").write_text('{"version": "9.9.9"}')
    target = tmp_path / "cases.jsonl"
    assert (
        write_recording(
            target, [{"id": "a"}, {"id": "b", "text": "\ud83d"}], generator="g.py", seed=3, peer=peer, ensure_ascii=True
        )
        == 2
    )
    header = read_header(target)
    assert (header["generator"], header["seed"], header["engines"]["@segment/actions-core"]) == ("g.py", 3, "9.9.9")
    assert "node" in header["engines"]
    assert read_cases(target) == [{"id": "a"}, {"id": "b", "text": "\ud83d"}]


def test_a_recorder_that_fails_midway_leaves_the_previous_recording_whole(tmp_path: Path) -> None:
    target = tmp_path / "cases.jsonl"
    target.write_text(json.dumps({"id": "old"}) + "\n", encoding="utf-8")

    def lines() -> object:
        yield {"id": "new"}
        raise RuntimeError("the peer died")

    with pytest.raises(RuntimeError):
        write_recording(target, lines(), generator="g.py", seed=1, peer=tmp_path)  # type: ignore[arg-type]
    assert read_cases(target) == [{"id": "old"}]


def test_a_documented_divergence_is_a_strict_xfail_with_its_reason() -> None:
    same, divergent = as_params([{"id": "same"}, {"id": "differs"}], {"differs": "Segment misreads it"})
    assert list(same.marks) == [] and same.id == "same"
    [mark] = divergent.marks
    assert mark.name == "xfail"
    assert mark.kwargs == {"strict": True, "reason": "documented divergence: Segment misreads it"}


def test_no_conformance_test_skips_a_case() -> None:
    sources = [path for path in ROOT.glob("tests/**/test_*.py") if "conformance" in path.read_text(encoding="utf-8")]
    skipping = [
        str(path.relative_to(ROOT))
        for path in sources
        if "conformance" in str(path) or path.name == "test_conformance.py"
        if "pytest.skip(" in path.read_text(encoding="utf-8")
    ]
    assert skipping == []

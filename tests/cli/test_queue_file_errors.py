"""A queue file that cannot be used, or a number that cannot be, is one line and exit 2, never a traceback.

Each case was a traceback before. Each message names the file and what to do; the file itself is
left as it was (nothing accepted is lost). Full and read-only disks use a small tmpfs when this
process may mount one (root in a container usually may); otherwise they are skipped with the reason.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from framework.cli import main
from tests.delivery.test_supervisor import fill_to_the_last_byte


def run_actions(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_request:  # an emulator's own parser exits as argparse does
        code = int(exit_request.code or 0)
    err = capsys.readouterr().err
    return code, err


def assert_one_line_error(err: str, *expected: str) -> None:
    lines = [line for line in err.splitlines() if line.startswith("actions")]
    assert "Traceback" not in err
    assert len(lines) == 1, err
    for text in expected:
        assert text in lines[0], lines[0]


def a_queue_with_jobs(path: Path) -> None:
    """A real queue file with some rows (a table of blobs makes it many pages long)."""
    assert main(["queue", "stats", "--queue", str(path)]) == 0
    db = sqlite3.connect(path)
    with db:
        db.execute("CREATE TABLE padding (x)")
        db.executemany("INSERT INTO padding VALUES (randomblob(1000))", [()] * 100)
    db.close()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_folder_as_the_queue_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "queue.db"
    folder.mkdir()
    code, err = run_actions(capsys, "queue", "stats", "--queue", str(folder))
    assert code == 2
    assert_one_line_error(err, str(folder), "is a folder", "queue.db")


def test_a_garbage_queue_file_is_refused_untouched_with_the_recover_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "queue.db"
    content = os.urandom(8192)
    garbage.write_bytes(content)
    code, err = run_actions(capsys, "queue", "stats", "--queue", str(garbage))
    assert code == 2
    assert_one_line_error(err, str(garbage), "not a readable queue file", '.recover"')
    assert garbage.read_bytes() == content


def test_a_truncated_queue_file_is_refused_with_the_recover_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "queue.db"
    a_queue_with_jobs(path)
    with path.open("r+b") as file:
        file.truncate(8192)
    code, err = run_actions(capsys, "queue", "stats", "--queue", str(path))
    assert code == 2
    assert_one_line_error(err, str(path), "malformed", f'sqlite3 {path} ".recover"')


def test_an_empty_queue_file_beside_a_wal_with_data_is_not_taken_for_a_new_queue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, wal = tmp_path / "queue.db", tmp_path / "queue.db-wal"
    path.write_bytes(b"")
    wal.write_bytes(b"W" * 4096)
    code, err = run_actions(capsys, "queue", "stats", "--queue", str(path))
    assert code == 2
    assert_one_line_error(err, str(path), "is empty", "4096 bytes", "restore")
    assert path.stat().st_size == 0 and wal.read_bytes() == b"W" * 4096  # nothing was changed


def test_a_full_disk(small_disk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fill_to_the_last_byte(small_disk / "filler")
    code, err = run_actions(capsys, "queue", "stats", "--queue", str(small_disk / "queue.db"))
    assert code == 2
    assert_one_line_error(err, str(small_disk / "queue.db"), "free space")


def test_a_read_only_disk(small_disk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = small_disk / "queue.db"
    a_queue_with_jobs(path)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    code, err = run_actions(capsys, "queue", "stats", "--queue", str(path))
    assert code == 2
    assert_one_line_error(err, str(path), "cannot write the queue", "permission")


def test_a_read_only_folder_for_an_unprivileged_user(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod does not stop root writing (the read-only disk case covers it)")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        code, err = run_actions(capsys, "queue", "stats", "--queue", str(folder / "queue.db"))
    finally:
        folder.chmod(0o700)
    assert code == 2
    assert "Traceback" not in err and str(folder) in err


@pytest.mark.parametrize(
    "argv",
    [
        ("serve", "--instance", "x.toml", "--port", "99999"),
        ("emulate", "pardot", "--port", "99999"),
        ("serve", "--instance", "x.toml", "--port", "-1"),
    ],
)
def test_a_port_out_of_range_is_refused_before_listening(
    argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run_actions(capsys, *argv)
    assert code == 2
    assert "Traceback" not in err and "a port is 0-65535" in err


@pytest.mark.parametrize("argv", [("dlq", "show", "99999999999999999999999"), ("dlq", "purge", "0")])
def test_a_job_id_out_of_range(argv: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_actions(capsys, *argv, "--queue", str(tmp_path / "queue.db"))
    assert code == 2
    assert "Traceback" not in err and "is not a job id" in err and "dlq list" in err

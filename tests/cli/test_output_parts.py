"""The CLI's small parts: tables, the progress bar, keyed worker lanes, resume state, scaffold names."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest

from framework.cli.command_error import CommandError
from framework.cli.keyed_pool import KeyedWorkerPool
from framework.cli.progress import ProgressBar
from framework.cli.resume_state import ResumeState
from framework.cli.scaffold import names_for
from framework.cli.table import display_width, render_table


def test_table_aligns_text_left_and_numbers_right() -> None:
    text = render_table(["name", "count"], [["prospects", 3], ["x", 12]])
    assert text.splitlines() == ["name       count", "---------  -----", "prospects      3", "x             12"]


def test_table_measures_wide_characters_as_two_columns() -> None:
    assert display_width("田中") == 4 and display_width("Zoë") == 3
    lines = render_table(["who", "n"], [["田中", 1], ["ab", 2]]).splitlines()
    assert display_width(lines[2]) == display_width(lines[3])


class _Terminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_progress_bar_is_silent_when_stderr_is_not_a_terminal() -> None:
    stream = _Terminal(tty=False)
    bar = ProgressBar(total=4, stream=stream)
    for _ in range(4):
        bar.advance()
    bar.close()
    assert stream.getvalue() == "" and bar.done == 4


def test_progress_bar_draws_in_place_on_a_terminal() -> None:
    stream = _Terminal(tty=True)
    bar = ProgressBar(total=4, stream=stream)
    for _ in range(4):
        bar.advance(note="1 failed")
    bar.close()
    assert stream.getvalue().startswith("\r")
    assert stream.getvalue().endswith("[" + "#" * 30 + "] 4/4 events  1 failed\n")


def test_progress_bar_without_total_shows_a_count() -> None:
    bar = ProgressBar(stream=_Terminal(tty=False))
    bar.advance(3)
    assert bar.render() == "3 events"


def test_keyed_pool_keeps_each_key_in_submission_order() -> None:
    seen: dict[str, list[int]] = {}
    lock = threading.Lock()

    def handle(item: tuple[str, int]) -> None:
        with lock:
            seen.setdefault(item[0], []).append(item[1])

    with KeyedWorkerPool(handle, workers=4, backlog=2) as pool:
        for number in range(200):
            key = f"user-{number % 7}"
            pool.submit(key, (key, number))
    assert all(values == sorted(values) for values in seen.values())
    assert sum(len(values) for values in seen.values()) == 200


def test_keyed_pool_reraises_a_handler_error_after_draining() -> None:
    done: list[int] = []

    def handle(item: int) -> None:
        if item == 3:
            raise RuntimeError("boom")
        done.append(item)

    pool = KeyedWorkerPool(handle, workers=2)
    for item in range(6):
        pool.submit("same", item)
    with pytest.raises(RuntimeError, match="boom"):
        pool.close()
    assert done == [0, 1, 2, 4, 5]


def test_resume_state_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.txt"
    first = ResumeState(path)
    first.mark_delivered("m-1")
    first.mark_delivered(None)
    first.close()
    second = ResumeState(path)
    assert second.already_delivered("m-1") and not second.already_delivered("m-2")
    assert not second.already_delivered(None)
    second.close()
    assert path.read_text() == "m-1\n"


def test_resume_state_in_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot write the state file"):
        ResumeState(tmp_path / "no" / "such" / "state.txt")


@pytest.mark.parametrize(
    ("typed", "title", "package", "slug"),
    [
        ("Acme CRM", "Acme CRM", "acme_crm", "actions-acme-crm"),
        ("acme-crm", "Acme Crm", "acme_crm", "actions-acme-crm"),
        ("hello_world", "Hello World", "hello_world", "actions-hello-world"),
    ],
)
def test_scaffold_names(typed: str, title: str, package: str, slug: str) -> None:
    names = names_for(typed)
    assert (names.title, names.package, names.slug) == (title, package, slug)


@pytest.mark.parametrize("typed", ["!!!", "3d printer", "class"])
def test_scaffold_refuses_names_python_cannot_import(typed: str) -> None:
    with pytest.raises(ValueError, match="name"):
        names_for(typed)


def test_keyed_pool_cancel_drops_queued_items() -> None:
    started = threading.Event()
    release = threading.Event()
    done: list[int] = []

    def handle(item: int) -> None:
        if item == 0:
            started.set()
            release.wait()
        done.append(item)

    pool = KeyedWorkerPool(handle, workers=1, backlog=10)
    for item in range(5):
        pool.submit("k", item)
    started.wait()
    pool.cancel()
    release.set()
    pool.close()
    assert done == [0] and pool.cancelled

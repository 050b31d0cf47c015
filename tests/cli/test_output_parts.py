"""The CLI's small parts: tables, the progress bar, keyed worker lanes, resume state, scaffold names."""

from __future__ import annotations

import io

import pytest

from framework.cli.progress import ProgressBar
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


@pytest.mark.parametrize("typed", ["!!!", "3d printer", "class"])
def test_scaffold_refuses_names_python_cannot_import(typed: str) -> None:
    with pytest.raises(ValueError, match="name"):
        names_for(typed)

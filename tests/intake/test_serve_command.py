"""``actions serve``'s refusals before it listens, and the instance config's ``write_key``."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from framework.cli import main
from framework.instance import InstanceConfigError, read_config_file
from tests.intake.conftest import instance_toml


def error_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["serve", *argv]) == 2
    return capsys.readouterr().err


def test_an_instance_without_a_write_key_is_refused_saying_how_to_name_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "nokey.toml"
    config.write_text(instance_toml().replace('write_key = "wk_test_intake_1"', ""))
    message = error_of(capsys, "--instance", str(config), "--no-workers")
    assert f'{config}: no write key: add write_key = "${{SEGMENT_WRITE_KEY}}"' in message
    assert "or pass --write-key KEY" in message


def test_write_key_names_one_instance_only(instance_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = error_of(capsys, "--instance", str(instance_file), "--instance", str(instance_file), "--write-key", "k")
    assert "--write-key names the key of one instance" in message


def test_a_port_in_use_is_refused_plainly(
    instance_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = str(taken.getsockname()[1])
        message = error_of(
            capsys,
            "--instance",
            str(instance_file),
            "--no-workers",
            "--port",
            port,
            "--queue",
            f"sqlite:///{tmp_path / 'q.db'}",
        )
    assert f"cannot listen on 127.0.0.1:{port}" in message and "pick another --port" in message


def test_the_toml_write_key_reads_the_environment_and_is_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_SEGMENT_WRITE_KEY", "wk_from_env")
    config = tmp_path / "env.toml"
    config.write_text(instance_toml(write_key="${TEST_SEGMENT_WRITE_KEY}"))
    loaded = read_config_file(config).config
    assert loaded.write_key == "wk_from_env"
    assert "wk_from_env" not in repr(loaded)


def test_a_write_key_that_is_not_a_string_is_a_located_config_error(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(instance_toml().replace('write_key = "wk_test_intake_1"', "write_key = 42"))
    loaded = read_config_file(config)
    with pytest.raises(InstanceConfigError) as caught:
        loaded.problems.raise_if_any(loaded.source, loaded.line_for)
    assert any("write_key should be a non-empty string" in error for error in caught.value.errors)

"""``actions init``: a generated destination validates, passes its own tests, and is found by ``list``."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from framework.cli import main
from framework.cli.scaffold import AUTH_SCHEMES

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("auth", AUTH_SCHEMES)
def test_generated_destination_validates_and_passes_its_tests(auth: str, tmp_path: Path) -> None:
    package = f"acme_{auth}"
    created = _actions("init", f"Acme {auth}", "--auth", auth, "--dir", str(tmp_path), cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert (tmp_path / package / "tests" / "test_send_event.py").is_file()
    assert (tmp_path / package / "fixtures" / "events.ndjson").is_file()
    assert (tmp_path / package / package / "classifier.py").is_file()

    validated = _actions("validate", f"actions-acme-{auth}", "--path", str(tmp_path), cwd=tmp_path)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert f"actions-acme-{auth} (Acme {auth.capitalize() if auth != 'oauth2' else 'Oauth2'}): ok" in validated.stdout

    tested = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error", f"{package}/tests"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "19 passed" in tested.stdout

    listed = _actions("list", "--path", str(tmp_path), cwd=tmp_path)
    assert listed.returncode == 0
    assert f"actions-acme-{auth}" in listed.stdout and "actions-pardot" in listed.stdout


def test_init_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "Acme", "--dir", str(tmp_path)]) == 0
    marker = tmp_path / "acme" / "acme" / "__init__.py"
    before = marker.read_text()
    assert main(["init", "Acme", "--dir", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert marker.read_text() == before


def test_init_rejects_a_name_python_cannot_import(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["init", "42 things", "--dir", str(tmp_path)]) == 2
    assert "start the name with a letter" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_describe_finds_a_destination_on_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "Widget Co", "--dir", str(tmp_path), "--auth", "basic"]) == 0
    capsys.readouterr()
    assert main(["describe", "widget-co", "--path", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Authentication: basic" in out and "password: password, required" in out


def _actions(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "framework.cli", *argv], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_the_generated_pyproject_declares_an_entry_point_that_list_and_describe_find(tmp_path: Path) -> None:
    """The project's own metadata, as `pip install` would write it (a dist-info on sys.path), is enough."""
    assert _actions("init", "Acme CRM", "--dir", str(tmp_path), cwd=tmp_path).returncode == 0
    project = tmp_path / "acme_crm"
    metadata = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert metadata["build-system"]["build-backend"] == "setuptools.build_meta"
    assert metadata["project"]["name"] == "acme-crm" and "action-destinations" in metadata["project"]["dependencies"]
    assert metadata["tool"]["setuptools"]["packages"]["find"]["include"] == ["acme_crm*"]
    entry_points = metadata["project"]["entry-points"]["action_destinations"]
    assert entry_points == {"acme_crm": "acme_crm:definition"}

    dist_info = project / "acme_crm-0.1.0.dist-info"  # what pip writes from that table
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-crm\nVersion: 0.1.0\n")
    lines = "".join(f"{name} = {value}\n" for name, value in entry_points.items())
    (dist_info / "entry_points.txt").write_text(f"[action_destinations]\n{lines}")
    env = {**os.environ, "PYTHONPATH": str(project)}
    listed = subprocess.run(
        [sys.executable, "-m", "framework.cli", "list"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert listed.returncode == 0, listed.stderr
    assert "actions-acme-crm" in listed.stdout and "installed" in listed.stdout
    for name in ("actions-acme-crm", "acme_crm"):  # the slug, and the entry point's name
        described = subprocess.run(
            [sys.executable, "-m", "framework.cli", "describe", name],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert described.returncode == 0, described.stdout + described.stderr
        assert described.stdout.startswith("Acme CRM")


def test_generated_code_is_typed_and_has_a_classifier(tmp_path: Path) -> None:
    assert _actions("init", "Acme CRM", "--auth", "oauth2", "--dir", str(tmp_path), cwd=tmp_path).returncode == 0
    package = tmp_path / "acme_crm" / "acme_crm"
    code = "".join(path.read_text(encoding="utf-8") for path in package.glob("*.py"))
    assert ": Any" not in code
    assert "def perform(request: RequestClient, data: ExecuteInput) -> requests.Response:" in code
    assert "def refresh_access_token(request: RequestClient, data: RefreshInput) -> OAuthTokens:" in code
    assert "error_for_response(response)" in code
    assert (tmp_path / "acme_crm" / "tests" / "test_classifier.py").is_file()
    assert "StandardDestinationTests" in (tmp_path / "acme_crm" / "tests" / "test_standard.py").read_text()
    linted = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=tmp_path / "acme_crm",
        capture_output=True,
        text=True,
        check=False,
    )  # with the generated project's own config
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_actions_path_environment_variable_works_like_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "Env Found", "--dir", str(tmp_path)]) == 0
    capsys.readouterr()
    monkeypatch.setenv("ACTIONS_PATH", str(tmp_path))
    assert main(["list"]) == 0
    assert "actions-env-found" in capsys.readouterr().out


def test_an_actions_path_entry_that_is_not_a_directory_is_blamed_on_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ACTIONS_PATH", str(tmp_path / "gone"))
    assert main(["list"]) == 2
    assert capsys.readouterr().err == (
        f"actions: error: $ACTIONS_PATH names {tmp_path / 'gone'}, which is not a "
        "directory; fix it, or unset ACTIONS_PATH\n"
    )


@pytest.mark.parametrize(
    ("where", "test_line"), [(".", "  python -m pytest acme/tests"), ("sub", "  cd sub && python -m pytest acme/tests")]
)
def test_next_steps_change_folder_only_when_needed(
    where: str, test_line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "Acme", "--dir", where]) == 0
    assert test_line in capsys.readouterr().out.splitlines()


def test_a_path_with_no_destination_under_it_says_which_folder_to_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "Deep Dest", "--dir", str(tmp_path / "work")]) == 0
    capsys.readouterr()
    assert main(["validate", "actions-deep-dest", "--path", str(tmp_path)]) == 2
    assert (
        f"Nothing under --path {tmp_path} exposes a `definition`: pass the folder that holds the package"
        in capsys.readouterr().err
    )
    assert main(["list", "--path", str(tmp_path / "work"), "--path", str(tmp_path / "work")]) == 0
    captured = capsys.readouterr()
    assert "actions-deep-dest" in captured.out and "no package here" not in captured.err

"""The registry finds built-in destinations and entry-point plugins, and names the broken ones."""

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import destinations
from framework import registry
from framework.registry import UnknownDestinationError, get_destination, list_destinations, load_errors

DEFINITION = """
from framework.definition import ActionDefinition, DestinationDefinition

definition = DestinationDefinition(
    name="{name}", slug="{slug}",
    actions={{"ping": ActionDefinition(title="Ping", description="Ping.", perform=lambda request, data: None)}},
)
"""


@pytest.fixture(autouse=True)
def fresh_registry() -> Iterator[None]:
    registry.clear_cache()
    yield
    registry.clear_cache()


def write_package(root: Path, name: str, source: str) -> None:
    (root / name).mkdir()
    (root / name / "__init__.py").write_text(textwrap.dedent(source))


def install_plugin(root: Path, dist: str, entry_points: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A distribution on sys.path as pip would leave it: a dist-info with METADATA and entry points."""
    info = root / f"{dist}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    monkeypatch.syspath_prepend(str(root))


@pytest.fixture
def forget_modules(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        sys.modules.pop(name, None)


def test_pardot_is_built_in_and_found_by_slug_or_folder_name() -> None:
    assert "actions-pardot" in [d.slug for d in list_destinations()]
    assert get_destination("pardot") is get_destination("actions-pardot")


def test_an_unknown_slug_lists_the_known_ones() -> None:
    with pytest.raises(UnknownDestinationError) as caught:
        get_destination("actions-nope")
    assert str(caught.value).startswith('Unknown destination "actions-nope". Known destinations: ')
    assert "actions-pardot" in str(caught.value) and caught.value.known == sorted(caught.value.known)


def test_a_plugin_registers_through_the_entry_point_group_and_a_broken_one_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forget_modules: list[str]
) -> None:
    write_package(tmp_path, "acme_destination", DEFINITION.format(name="Acme", slug="actions-acme"))
    write_package(tmp_path, "broken_destination", "raise RuntimeError('missing API key table')\n")
    forget_modules += ["acme_destination", "broken_destination"]
    install_plugin(
        tmp_path,
        "acme_destination",
        """
        [action_destinations]
        acme = acme_destination:definition
        broken = broken_destination:definition
        module = acme_destination
        wrong = acme_destination:DestinationDefinition
    """,
        monkeypatch,
    )
    acme = get_destination("actions-acme")
    assert acme.name == "Acme" and get_destination("acme") is acme
    assert "actions-pardot" in [d.slug for d in list_destinations()]
    errors = {error.name: error for error in load_errors()}
    assert sorted(errors) == ["broken", "module", "wrong"]
    assert errors["broken"].source == "entry point broken = broken_destination:definition"
    broken_file = tmp_path / "broken_destination" / "__init__.py"
    assert errors["broken"].message == f"{broken_file}:1: RuntimeError: missing API key table"
    assert "already taken" in errors["module"].message
    assert "neither a DestinationDefinition" in errors["wrong"].message
    assert str(errors["broken"]).startswith("broken (entry point broken = broken_destination:definition): ")


def test_a_broken_definition_is_located_in_the_plugins_file_not_in_pydantic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forget_modules: list[str]
) -> None:
    source = DEFINITION.format(name="Typo", slug="actions-typo").replace('description="Ping.",', "description=5,")
    write_package(tmp_path, "typo_destination", source)
    forget_modules.append("typo_destination")
    install_plugin(
        tmp_path, "typo_destination", "[action_destinations]\ntypo = typo_destination:definition\n", monkeypatch
    )
    [error] = load_errors()
    plugin_file = tmp_path / "typo_destination" / "__init__.py"
    assert error.message.startswith(f"{plugin_file}:6: ValidationError: ActionDefinition.description: ")
    assert "\n" not in error.message and "pydantic" not in error.message


def test_built_ins_are_every_subpackage_exposing_a_definition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forget_modules: list[str]
) -> None:
    write_package(tmp_path, "zz_example", DEFINITION.format(name="Example", slug="actions-example"))
    write_package(tmp_path, "zz_broken", "import not_a_module_anywhere\n")
    write_package(tmp_path, "zz_helpers", "VALUE = 1\n")
    write_package(
        tmp_path,
        "zz_named",
        DEFINITION.format(name="Named", slug="actions-named").replace("definition = ", "destination = "),
    )
    forget_modules += [
        "destinations.zz_example",
        "destinations.zz_broken",
        "destinations.zz_helpers",
        "destinations.zz_named",
    ]
    monkeypatch.setattr(destinations, "__path__", [*destinations.__path__, str(tmp_path)])
    assert get_destination("zz_example").slug == "actions-example"
    assert get_destination("actions-named").name == "Named"
    [error] = load_errors()
    assert (error.name, error.source) == ("zz_broken", "built-in destinations.zz_broken")
    assert "ModuleNotFoundError" in error.message
    assert "zz_helpers" not in [d.slug for d in list_destinations()]


def test_the_scan_is_cached_until_cleared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forget_modules: list[str]
) -> None:
    list_destinations()
    write_package(tmp_path, "zz_late", DEFINITION.format(name="Late", slug="actions-late"))
    forget_modules.append("destinations.zz_late")
    monkeypatch.setattr(destinations, "__path__", [*destinations.__path__, str(tmp_path)])
    with pytest.raises(UnknownDestinationError):
        get_destination("actions-late")
    registry.clear_cache()
    assert get_destination("actions-late").name == "Late"


def test_a_package_under_path_cannot_replace_a_built_in(tmp_path: Path, forget_modules: list[str]) -> None:
    write_package(tmp_path, "fake_pardot", DEFINITION.format(name="Fake Pardot", slug="actions-pardot"))
    forget_modules.append("fake_pardot")
    found = registry.find_all([tmp_path])
    assert found.by_slug["actions-pardot"] is get_destination("actions-pardot")
    assert found.sources["actions-pardot"] == "built-in"
    [error] = found.errors
    assert error.startswith(
        f'{tmp_path / "fake_pardot"}: slug "actions-pardot" is already taken by the built-in '
        "destination 'Pardot (Actions)'; the one under --path is ignored."
    )
    assert registry.find_destination("actions-pardot", [tmp_path]).name == "Pardot (Actions)"


def test_a_package_under_path_cannot_replace_an_installed_plugin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forget_modules: list[str]
) -> None:
    installed, work = tmp_path / "site", tmp_path / "work"
    installed.mkdir()
    work.mkdir()
    write_package(installed, "acme_plugin", DEFINITION.format(name="Acme", slug="actions-acme"))
    install_plugin(installed, "acme-plugin", "[action_destinations]\nacme = acme_plugin\n", monkeypatch)
    write_package(work, "acme_copy", DEFINITION.format(name="Acme Copy", slug="actions-acme"))
    forget_modules.extend(["acme_plugin", "acme_copy"])
    found = registry.find_all([work])
    assert found.by_slug["actions-acme"].name == "Acme" and found.sources["actions-acme"] == "installed"
    assert "already taken by the installed destination 'Acme'" in found.errors[0]


def test_destinations_are_found_by_slug_folder_and_entry_point_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forget_modules: list[str]
) -> None:
    write_package(tmp_path, "widget_plugin", DEFINITION.format(name="Widget", slug="actions-widget"))
    install_plugin(tmp_path, "widget-plugin", "[action_destinations]\nwidgets = widget_plugin\n", monkeypatch)
    forget_modules.append("widget_plugin")
    for name in ("actions-widget", "widget", "widgets"):
        assert registry.find_destination(name).name == "Widget"
    with pytest.raises(UnknownDestinationError, match='unknown destination "widgetz". Did you mean'):
        registry.find_destination("widgetz")


def test_a_project_folder_made_by_init_is_searched_for_its_package(tmp_path: Path, forget_modules: list[str]) -> None:
    project = tmp_path / "gadget"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'gadget'\n")
    write_package(project, "gadget", DEFINITION.format(name="Gadget", slug="actions-gadget"))
    forget_modules.append("gadget")
    for folder in (tmp_path, project):
        assert registry.find_destination("gadget", [folder]).name == "Gadget"


def test_a_path_that_is_not_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(registry.PathNotADirectoryError, match="no such directory"):
        registry.find_all([tmp_path / "missing"])


def test_the_slug_table_of_the_built_ins_is_what_a_full_scan_finds() -> None:
    scan = registry._Scan({}, {}, [])
    registry._scan_builtins(scan)
    assert scan.errors == []
    assert destinations.SLUGS == {slug: folder for folder, slug in scan.aliases.items()}


def test_one_built_in_found_by_name_imports_no_other_destination() -> None:
    script = (
        "import sys, destinations\n"
        "from framework import registry\n"
        "assert registry.get_destination('pardot').slug == 'actions-pardot'\n"
        "assert registry.find_destination('actions-pardot').slug == 'actions-pardot'\n"
        "loaded = {name.split('.')[1] for name in sys.modules if name.startswith('destinations.')}\n"
        "print(sorted(loaded & set(destinations.SLUGS.values())), registry._scan is None)\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert ran.stdout.split() == ["['pardot']", "True"]


def test_a_name_in_the_table_that_an_entry_point_also_has_is_left_to_the_full_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forget_modules: list[str]
) -> None:
    write_package(tmp_path, "acme_destination", DEFINITION.format(name="Acme", slug="actions-acme"))
    forget_modules.append("acme_destination")
    install_plugin(
        tmp_path, "acme_destination", "[action_destinations]\nactions-slack = acme_destination\n", monkeypatch
    )
    assert get_destination("actions-slack").name == "Acme"  # the entry-point name, as the scan has always said


def test_a_table_entry_that_fails_to_import_or_names_another_slug_gets_the_scans_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forget_modules: list[str]
) -> None:
    write_package(tmp_path, "zz_example", DEFINITION.format(name="Example", slug="actions-example"))
    write_package(tmp_path, "zz_broken", "import not_a_module_anywhere\n")
    forget_modules += ["destinations.zz_example", "destinations.zz_broken"]
    monkeypatch.setattr(destinations, "__path__", [*destinations.__path__, str(tmp_path)])
    table = {**destinations.SLUGS, "actions-broken": "zz_broken", "actions-misnamed": "zz_example"}
    monkeypatch.setattr(destinations, "SLUGS", table)
    for name in ("actions-broken", "actions-misnamed"):
        with pytest.raises(UnknownDestinationError, match=f'Unknown destination "{name}"'):
            get_destination(name)
    assert [error.name for error in load_errors()] == ["zz_broken"]
    assert get_destination("zz_example").slug == "actions-example"


def test_a_built_in_found_alone_is_the_one_the_full_scan_lists() -> None:
    alone = get_destination("actions-webhook")
    assert registry.find_destination("webhook") is alone
    assert alone in list_destinations()

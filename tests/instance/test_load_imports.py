"""Loading an instance imports its own destination and what its subscriptions use, nothing more.

Every command that loads an instance (``actions replay``, ``enqueue``, ``worker``, ``serve``) pays
for each import at start-up; the other built-ins, the Liquid engine (jinja2), phone-number parsing
and jsonpath-ng belong to destinations and mappings this instance does not have.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_PROBE = """
import sys
import destinations
from framework.instance import DestinationInstance

DestinationInstance.from_file("fixtures/instances/pardot.toml")
built_ins = {name.split(".")[1] for name in sys.modules if name.startswith("destinations.")}
libraries = {"jinja2", "phonenumbers", "jsonpath_ng", "difflib"} & set(sys.modules)
print(sorted(built_ins & set(destinations.SLUGS.values())), sorted(libraries))
"""


def test_a_pardot_instance_loads_pardot_alone_and_no_library_its_mappings_do_not_use() -> None:
    loaded = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert loaded.split() == ["['pardot']", "[]"]

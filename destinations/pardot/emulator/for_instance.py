"""Start the emulator primed for an instance's config, and show what it holds afterwards.

``actions replay --emulator`` runs a fixture instance against the emulator unchanged: the emulator
plays the business unit the settings name, accepts the instance's access token, client and refresh
token, and defines the custom fields the mappings write. The framework calls
:func:`start_for_instance` through the destination definition; nothing here is framework-specific.

>>> running = start_for_instance({"businessUnitID": "0Uv000000000001AAA"}, {}, [])   # doctest: +SKIP
>>> title, columns, rows = running.holdings()                                        # doctest: +SKIP
>>> running.stop()                                                                   # doctest: +SKIP
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import PardotEmulator

__all__ = ["RunningPardotEmulator", "start_for_instance", "HOLDINGS_COLUMNS"]

HOLDINGS_COLUMNS = ("id", "email", "firstName", "lastName", "company", "jobTitle", "city")


@dataclass
class RunningPardotEmulator:
    """An emulator serving on loopback for one instance: where it is, how to stop it, what it holds."""

    emulator: PardotEmulator
    business_unit: str

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``: the origin to point the instance's ``endpoint`` at."""
        return self.emulator.base_url

    def stop(self) -> None:
        """Stop serving (requests still held are released first); safe to call twice."""
        self.emulator.stop()

    def stats(self) -> dict[str, Any]:
        """The emulator's counters (see ``GET /_emulator/stats``)."""
        return self.emulator.stats()

    def prospects(self) -> list[dict[str, Any]]:
        """The business unit's prospects, deleted ones included, oldest first."""
        return self.emulator.prospects(self.business_unit)

    def holdings(self) -> tuple[str, list[str], list[list[Any]]]:
        """A title, column names and one row per prospect, for printing as a table.

        The columns are :data:`HOLDINGS_COLUMNS` then every custom field (``*__c``) any prospect
        carries, in name order; a prospect without a value has None in that column.
        """
        prospects = self.prospects()
        custom = sorted({key for prospect in prospects for key in prospect if key.endswith("__c")})
        columns = [*HOLDINGS_COLUMNS, *custom]
        rows = [[prospect.get(column) for column in columns] for prospect in prospects]
        return f"Prospects in the emulator: {len(prospects)}", columns, rows


def start_for_instance(
    settings: dict[str, Any], auth: dict[str, Any], subscriptions: list[dict[str, Any]], **options: Any
) -> RunningPardotEmulator:
    """Serve an emulator on a free loopback port that accepts this instance as it is configured.

    ``options`` go to :class:`PardotEmulator` (``faults``, ``seed``, ``latency``, ``daily_limit``...).
    """
    from . import DEFAULT_BUSINESS_UNIT, PardotEmulator  # the package imports this module first

    unit = str(settings.get("businessUnitID") or DEFAULT_BUSINESS_UNIT)
    emulator = PardotEmulator(
        business_units=[unit], custom_fields=sorted(custom_fields_written(subscriptions)), **options
    )
    _accept_credentials(emulator, auth)
    logging.getLogger("waitress").setLevel(logging.ERROR)
    emulator.start("127.0.0.1", 0)
    return RunningPardotEmulator(emulator, unit)


def custom_fields_written(subscriptions: list[dict[str, Any]]) -> set[str]:
    """Custom field API names (``*__c``) the subscriptions' mappings write under ``customFields``."""
    names: set[str] = set()
    for subscription in subscriptions:
        mapping = subscription.get("mapping") if isinstance(subscription, dict) else None
        custom = mapping.get("customFields") if isinstance(mapping, dict) else None
        if isinstance(custom, dict):
            names.update(key for key in custom if isinstance(key, str) and key.endswith("__c"))
    return names


def _accept_credentials(emulator: PardotEmulator, auth: dict[str, Any]) -> None:
    if auth.get("access_token"):
        emulator.add_access_token(str(auth["access_token"]))
    if auth.get("client_id") and auth.get("client_secret"):
        emulator.add_client(str(auth["client_id"]), str(auth["client_secret"]))
        if auth.get("refresh_token"):
            emulator.add_refresh_token(str(auth["refresh_token"]), str(auth["client_id"]))

"""``actions emulate hubspot_cloud``: a local, stateful HubSpot for replays and delivery tests.

Contacts by email, companies by id or ``segment_group_id``, associations, custom event definitions
and events (:mod:`.store`), the API the destination calls (:mod:`.routes`), behind OAuth tokens and
the shared fault mix (:mod:`.server`)::

    emulator = start_hubspot_emulator(faults="500:0.1,429:0.05,expire:0.01", seed=7)
    instance = DestinationInstance.from_file("fixtures/instances/actions-hubspot-cloud.toml",
                                             endpoint=emulator.base_url)
"""

from .server import HubSpotEmulator, main, start_hubspot_emulator
from .store import HubSpotStore

__all__ = ["HubSpotEmulator", "HubSpotStore", "main", "start_hubspot_emulator"]

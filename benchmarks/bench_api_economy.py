"""API economy (issue 10): how many Pardot API calls 60,000 events cost, per event, merged, imported, both.

Not part of ``make bench`` (``BENCHMARKS`` is empty: one run takes minutes). Run it alone::

    .venv/bin/python -m benchmarks.bench_api_economy            # the full fixture, about 5 minutes
    .venv/bin/python -m benchmarks.bench_api_economy --people 1200 --json

The fixture (``api_economy_fixture``: identifies and tracks of 12,000 people, five each, 1 % email
changes) is replayed through the queue and the delivery engine (``replay_into_queue``, SQLite, the
default worker) into the Pardot emulator with a Growth quota (``daily_limit=25000``), four ways:

* ``per_event``: today's delivery, one upsert per event, until the quota stops it (the engine parks);
* ``merged``: ``[delivery] merge_updates`` on: a user's queued updates of a prospect as one upsert;
* ``import``: ``enable_batching`` on: Pardot's Import API, one job per user per batch (lane_run 1);
* ``both``: the Import API fed whole lane runs, so each prospect's queued updates become one CSV row.

Each reports API calls (the emulator's quota counter, and its count of every request), events
delivered, wall time and whether every prospect field equals the reference: the same fixture fed
per event to an emulator without a quota limit. Imports are polled every 0.2 s here because the
emulator finishes them at once; Pardot takes minutes, which adds latency but no calls.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.api_economy_fixture import CUSTOM_FIELDS, EVENTS_PER_PERSON, PEOPLE, generate_events
from destinations.pardot.emulator import (
    DEFAULT_ACCESS_TOKEN,
    DEFAULT_BUSINESS_UNIT,
    DEFAULT_REFRESH_TOKEN,
    PardotEmulator,
)
from framework.delivery.replay_run import replay_into_queue
from framework.delivery.sqlite_queue import SqliteQueue
from framework.delivery.worker import WorkerOptions
from framework.events import EventRecord
from framework.instance import DestinationInstance

__all__ = ["BENCHMARKS", "measure", "main"]

BENCHMARKS: list[Any] = []  # minutes long: run by hand, never by `make bench`
GROWTH_DAILY_LIMIT = 25_000
BATCH_SIZE = 10_000
MOMENT = datetime(2026, 1, 1, tzinfo=UTC)  # the emulators' clock: equal timestamps in every run
_EMAIL = {
    "@if": {
        "exists": {"@path": "$.properties.previous_email"},
        "then": {"@path": "$.properties.previous_email"},
        "else": {
            "@if": {
                "exists": {"@path": "$.traits.email"},
                "then": {"@path": "$.traits.email"},
                "else": {"@path": "$.context.traits.email"},
            }
        },
    }
}
MAPPING = {
    "email": _EMAIL,
    "firstName": {"@path": "$.traits.first_name"},
    "lastName": {"@path": "$.traits.last_name"},
    "city": {"@path": "$.traits.city"},
    "secondaryDeletedSearch": True,
    "customFields": {
        "Plan__c": {"@path": "$.traits.plan"},
        "Last_Event__c": {"@path": "$.event"},
        "email": {"@path": "$.properties.email"},
    },
}
MODES = {  # name: (merge_updates, enable_batching, lane_run)
    "per_event": (False, False, 1),
    "merged": (True, False, 50),
    "import": (False, True, 1),
    "both": (True, True, 50),
}


@dataclass(frozen=True)
class Figures:
    """One way of delivering the fixture, measured."""

    mode: str
    api_calls: int  # calls the quota counted
    requests: int  # every request the emulator answered (refused ones too)
    delivered: int
    dead_lettered: int
    still_queued: int
    wall_seconds: float
    stopped_by: str  # drained, or waiting (parked behind the spent quota)
    prospects: int
    equal_to_reference: bool
    differing_prospects: int


def instance_for(emulator: PardotEmulator, *, merge: bool, batching: bool) -> DestinationInstance:
    subscription = {
        "name": "prospects",
        "subscribe": 'type = "identify" or type = "track"',
        "partnerAction": "prospects",
        "mapping": {**MAPPING, "enable_batching": batching, "batch_size": BATCH_SIZE},
    }
    settings = {
        "businessUnitID": DEFAULT_BUSINESS_UNIT,
        "accountID": "1",
        "subscriptions": [subscription],
        "oauth": {"access_token": DEFAULT_ACCESS_TOKEN, "refresh_token": DEFAULT_REFRESH_TOKEN},
    }
    instance = DestinationInstance.from_settings(settings, endpoint=emulator.base_url)
    instance.delivery = instance.delivery.model_copy(update={"merge_updates": merge})
    return instance


def people(emulator: PardotEmulator) -> dict[str, dict[str, Any]]:
    """Every prospect field but the id (creation order differs between the ways)."""
    return {p["email"]: {k: v for k, v in p.items() if k != "id"} for p in emulator.prospects()}


def deliver(
    mode: str, records: list[EventRecord], folder: Path, daily_limit: int, reference: dict[str, dict[str, Any]] | None
) -> tuple[Figures, dict[str, dict[str, Any]]]:
    merge, batching, lane_run = MODES[mode]
    options = WorkerOptions(lane_run=lane_run, poll_every=0.2, batch_linger=1.0)
    with PardotEmulator(custom_fields=CUSTOM_FIELDS, daily_limit=daily_limit, clock=lambda: MOMENT) as emulator:
        queue = SqliteQueue(folder / f"{mode}-{daily_limit}.db")
        began = time.perf_counter()
        with instance_for(emulator, merge=merge, batching=batching) as instance:
            outcome = replay_into_queue(queue, instance, records, options=options)
        wall = time.perf_counter() - began
        queue.close()
        held = people(emulator)
        calls, requests = emulator.quota_used(), emulator.stats()["api_calls"]
    tally = outcome.tally
    differing = _differing(held, reference if reference is not None else held)
    figures = Figures(
        mode,
        calls,
        requests,
        tally.total("delivered"),
        tally.total("dead_lettered"),
        tally.total("still_queued"),
        round(wall, 1),
        outcome.exit.reason if outcome.exit else "stopped",
        len(held),
        differing == 0,
        differing,
    )
    return figures, held


def _differing(held: dict[str, dict[str, Any]], reference: dict[str, dict[str, Any]]) -> int:
    emails = set(held) | set(reference)
    return sum(1 for email in emails if held.get(email) != reference.get(email))


def measure(people_count: int = PEOPLE, modes: list[str] | None = None) -> list[Figures]:
    """The reference run, then each mode with a Growth quota."""
    events = generate_events(people=people_count, per_person=EVENTS_PER_PERSON)
    records = [EventRecord(event, "api-economy", number + 1) for number, event in enumerate(events)]
    with tempfile.TemporaryDirectory(prefix="api-economy-") as folder:
        reference_figures, reference = deliver("per_event", records, Path(folder), 10**9, None)
        results = [Figures("reference (no quota)", *list(asdict(reference_figures).values())[1:])]
        for mode in modes or list(MODES):
            figures, _ = deliver(mode, records, Path(folder), GROWTH_DAILY_LIMIT, reference)
            results.append(figures)
            print(_row(figures), file=sys.stderr, flush=True)
    return results


def _row(figures: Figures) -> str:
    return (
        f"{figures.mode:22} {figures.api_calls:>8} {figures.delivered:>9} {figures.still_queued:>8} "
        f"{figures.wall_seconds:>8.1f} s  {figures.stopped_by:8} {'yes' if figures.equal_to_reference else 'no'}"
        f" ({figures.differing_prospects} differ)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_api_economy", description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=PEOPLE, help=f"people in the fixture (default {PEOPLE})")
    parser.add_argument("--mode", action="append", choices=list(MODES), help="only these ways (repeatable)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    results = measure(args.people, args.mode)
    if args.json:
        print(json.dumps([asdict(figures) for figures in results], indent=2))
        return 0
    print(f"{'way':22} {'api calls':>8} {'delivered':>9} {'queued':>8} {'wall':>10}  {'ended':8} equal to reference")
    for figures in results:
        print(_row(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

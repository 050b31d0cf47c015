"""The API-economy fixture: 60,000 identifies and tracks of 12,000 people, generated deterministically.

Each person has five events spread over the whole stream (the people interleave as real traffic
does): identifies that set names, city and plan, tracks that record the latest activity, and for 1 %
of people an ``Email Changed`` track, after which their events carry the new address. The same seed
always gives the same events, so figures from different runs compare.

    python -m benchmarks.api_economy_fixture out.ndjson     # write it as NDJSON (about 14 MB)
"""

from __future__ import annotations

import json
import random
import sys
from typing import Any

__all__ = ["generate_events", "PEOPLE", "EVENTS_PER_PERSON", "EMAIL_CHANGE_SHARE", "CUSTOM_FIELDS"]

PEOPLE = 12_000
EVENTS_PER_PERSON = 5
EMAIL_CHANGE_SHARE = 0.01
CUSTOM_FIELDS = ("Plan__c", "Last_Event__c")
_NAMES = ("Ann", "Bo", "Cy", "Dee", "Eve", "Finn", "Gus", "Hal")
_CITIES = ("Lyon", "Oslo", "Porto", "Quito", "Riga")
_PLANS = ("free", "trial", "pro", "enterprise")
_ACTIVITIES = ("Page Viewed", "Signed In", "Report Exported", "Invite Sent")


def generate_events(seed: int = 10, people: int = PEOPLE, per_person: int = EVENTS_PER_PERSON) -> list[dict[str, Any]]:
    """The fixture's events, in stream order (each person's own events keep their order)."""
    rng = random.Random(seed)
    slots = [person for person in range(people) for _ in range(per_person)]
    rng.shuffle(slots)
    changers = set(rng.sample(range(people), int(people * EMAIL_CHANGE_SHARE)))
    emails = {person: f"person{person}@example.com" for person in range(people)}
    seen: dict[int, int] = {}
    events = []
    for number, person in enumerate(slots):
        step = seen[person] = seen.get(person, -1) + 1
        if person in changers and step == per_person // 2:
            event = _email_change(person, emails, number)
        elif step == 0 or rng.random() < 0.5:
            event = _identify(person, emails[person], rng)
        else:
            event = _track(person, emails[person], rng)
        events.append(
            {
                **event,
                "messageId": f"api-economy-{number}",
                "timestamp": f"2026-01-01T{number // 3600 % 24:02d}:{number // 60 % 60:02d}:{number % 60:02d}Z",
            }
        )
    return events


def _identify(person: int, email: str, rng: random.Random) -> dict[str, Any]:
    traits: dict[str, Any] = {"email": email}
    for name, values in (("first_name", _NAMES), ("last_name", _NAMES), ("city", _CITIES), ("plan", _PLANS)):
        if rng.random() < 0.6:
            traits[name] = rng.choice(values)
    return {"type": "identify", "userId": f"user{person}", "traits": traits}


def _track(person: int, email: str, rng: random.Random) -> dict[str, Any]:
    return {
        "type": "track",
        "userId": f"user{person}",
        "event": rng.choice(_ACTIVITIES),
        "context": {"traits": {"email": email}},
        "properties": {},
    }


def _email_change(person: int, emails: dict[int, str], number: int) -> dict[str, Any]:
    previous = emails[person]
    emails[person] = f"person{person}.{number}@example.com"
    return {
        "type": "track",
        "userId": f"user{person}",
        "event": "Email Changed",
        "context": {"traits": {"email": previous}},
        "properties": {"previous_email": previous, "email": emails[person]},
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m benchmarks.api_economy_fixture OUT.ndjson", file=sys.stderr)
        return 2
    with open(argv[0], "w", encoding="utf-8") as out:
        for event in generate_events():
            out.write(json.dumps(event, separators=(",", ":")) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

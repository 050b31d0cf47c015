"""Which requests a recording endpoint refuses: ``STATUS:PROBABILITY`` or ``reset:PROBABILITY`` items.

One seeded uniform draw per request picks at most one fault, so the probabilities add up to at most 1.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping

__all__ = ["RESET", "FaultDraw", "parse_faults"]

RESET = "reset"
_HOW = "write KIND:PROBABILITY items joined by commas (KIND an HTTP status or reset), e.g. 500:0.1,reset:0.02"


def parse_faults(spec: str | Mapping[str, float] | None) -> dict[str, float]:
    """``"500:0.1, reset:0.02"`` → ``{"500": 0.1, "reset": 0.02}``; ValueError says which item is wrong.

    >>> parse_faults("500:0.1, reset:0.02")
    {'500': 0.1, 'reset': 0.02}
    """
    if not spec:
        return {}
    pairs = (
        list(spec.items()) if isinstance(spec, Mapping) else [_pair(item) for item in spec.split(",") if item.strip()]
    )
    mix: dict[str, float] = {}
    for kind, probability in pairs:
        kind = str(kind).strip()
        if kind != RESET and not (kind.isdigit() and 100 <= int(kind) <= 599):
            raise ValueError(f"fault {kind!r}: not an HTTP status (100-599) or reset; {_HOW}")
        if not 0.0 <= float(probability) <= 1.0:
            raise ValueError(f"fault {kind}:{probability}: the probability must be between 0 and 1")
        mix[kind] = mix.get(kind, 0.0) + float(probability)
    if sum(mix.values()) > 1.0 + 1e-9:
        raise ValueError(f"fault probabilities add up to {sum(mix.values()):g}, more than 1; lower some of them")
    return mix


def _pair(item: str) -> tuple[str, float]:
    kind, sep, probability = item.partition(":")
    try:
        if not sep:
            raise ValueError
        return kind.strip(), float(probability)
    except ValueError:
        raise ValueError(f"fault {item.strip()!r}: {_HOW}") from None


class FaultDraw:
    """The seeded draws: :meth:`next` gives the fault of the next request, or None (served)."""

    def __init__(self, mix: Mapping[str, float], seed: int | None = None) -> None:
        self._mix = list(mix.items())
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def next(self) -> str | None:
        """The fault kind for one request, drawn in arrival order."""
        with self._lock:
            roll = self._random.random()
        for kind, probability in self._mix:
            if roll < probability:
                return kind
            roll -= probability
        return None

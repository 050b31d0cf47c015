"""Random faults shared by the emulators: ``KIND:PROBABILITY`` items and the seeded draw that applies them.

A mix is written ``kind:probability`` items joined by commas (``500:0.10,429:0.05,reset:0.02``). A kind
is an HTTP status (100-599) or one of the names the emulator understands (``named_kinds``: Pardot's
``66`` or ``expire``, the recording endpoint's ``reset``); what each kind does is the emulator's.

One uniform draw per request picks at most one kind (so the probabilities add up to at most 1). A seed
makes the sequence of draws reproducible; with concurrent clients, reproducible in arrival order.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Collection, Mapping

__all__ = ["FaultMix", "parse_fault_mix"]

_SYNTAX = "write KIND:PROBABILITY items joined by commas, e.g. 500:0.1,429:0.05,reset:0.02"


def parse_fault_mix(spec: str | Mapping[str, float] | None, named_kinds: Collection[str] = ()) -> dict[str, float]:
    """``"500:0.1,reset:0.02"`` (or a mapping) → ``{"500": 0.1, "reset": 0.02}``, checked.

    Raises ValueError naming the offending item and what to write instead.

    >>> parse_fault_mix("500:0.1, reset:0.02", named_kinds=("reset",))
    {'500': 0.1, 'reset': 0.02}
    """
    if spec is None:
        return {}
    items = spec.items() if isinstance(spec, Mapping) else _split(spec)
    mix: dict[str, float] = {}
    for kind, probability in items:
        item = f"{kind}:{probability}"
        kind = _checked_kind(str(kind).strip(), item, named_kinds)
        mix[kind] = mix.get(kind, 0.0) + _checked_probability(probability, item)
    total = sum(mix.values())
    if total > 1.0 + 1e-9:
        raise ValueError(
            f"fault probabilities add up to {total:g}, more than 1: one draw per request picks "
            "at most one fault, so lower some of them"
        )
    return mix


def _split(spec: str) -> list[tuple[str, str]]:
    items = []
    for raw in spec.split(","):
        if not raw.strip():
            continue
        kind, colon, probability = raw.strip().partition(":")
        if not colon:
            raise ValueError(f'fault item "{raw.strip()}" has no probability: {_SYNTAX}')
        items.append((kind, probability))
    return items


def _checked_kind(kind: str, item: str, named_kinds: Collection[str]) -> str:
    if kind in named_kinds:
        return kind
    if kind.isdigit() and 100 <= int(kind) <= 599:
        return str(int(kind))
    raise ValueError(
        f'fault item "{item}": unknown kind "{kind}"; use an HTTP status (100-599) or one of '
        f"{', '.join(named_kinds) or '(none)'}"
    )


def _checked_probability(probability: object, item: str) -> float:
    try:
        value = float(probability)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f'fault item "{item}": probability must be a number between 0 and 1') from None
    if not 0.0 <= value <= 1.0:
        raise ValueError(f'fault item "{item}": probability must be between 0 and 1 (got {value:g})')
    return value


class FaultMix:
    """The current random-fault probabilities and the random source that draws from them; thread-safe."""

    def __init__(
        self, spec: str | Mapping[str, float] | None = None, seed: int | None = None, named_kinds: Collection[str] = ()
    ) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self._named_kinds = tuple(named_kinds)
        self._mix = parse_fault_mix(spec, self._named_kinds)

    def set(self, spec: str | Mapping[str, float] | None, seed: int | None = None) -> dict[str, float]:
        """Replace the mix (and reseed when ``seed`` is given); returns the mix now in force."""
        mix = parse_fault_mix(spec, self._named_kinds)
        with self._lock:
            self._mix = mix
            if seed is not None:
                self._random.seed(seed)
        return dict(mix)

    def current(self) -> dict[str, float]:
        """The probabilities in force, by kind."""
        with self._lock:
            return dict(self._mix)

    def draw(self) -> str | None:
        """The kind this request fails as, or None; one draw from the random source per call."""
        with self._lock:
            if not self._mix:
                return None
            point = self._random.random()
            for kind, probability in self._mix.items():
                if point < probability:
                    return kind
                point -= probability
        return None

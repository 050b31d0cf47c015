"""A local, stateful Klaviyo: ``actions emulate klaviyo`` or ``actions replay ... --emulator``.

It serves the API paths Klaviyo (Actions) calls, on the shared recording endpoint
(``destinations.recording_endpoint``: loopback HTTP, every request kept, latency) with the shared
fault mix (``destinations.emulation``: ``500:0.1,429:0.05,reset:0.02``); the answers come from
:class:`~.state.KlaviyoState` (profiles, lists, events, consent).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from destinations.recording_endpoint import RecordingEndpoint, serve_main

from .state import KlaviyoState

__all__ = ["KlaviyoEmulator", "KlaviyoState", "start_klaviyo_emulator", "main"]


class KlaviyoEmulator(RecordingEndpoint):
    """The recording endpoint answering as Klaviyo, from its ``state``."""

    def __init__(self, **options: Any) -> None:
        self.state = KlaviyoState()
        super().__init__("Klaviyo profiles", responder=self.state.answer, **options)

    def holdings(self) -> tuple[str, list[str], list[list[Any]]]:
        """The profiles, their lists, consent and event counts, for ``actions replay --show-emulator``."""
        rows = self.state.rows()
        title = f"Klaviyo profiles: {len(rows)} ({len(self.state.events)} events, {len(self.state.lists)} lists)"
        return title, ["id", "email", "phone_number", "external_id", "lists", "consent", "events"], rows


def start_klaviyo_emulator(**options: Any) -> KlaviyoEmulator:
    """A started emulator on a free loopback port (``options``: faults, seed, latency)."""
    emulator = KlaviyoEmulator(**options)
    emulator.start()
    return emulator


def main(argv: Sequence[str] | None = None) -> int:
    """``actions emulate klaviyo [--port N] [--faults MIX] [--seed N] [--latency S]``: serve in the foreground."""
    return serve_main(argv, KlaviyoEmulator, prog="actions emulate klaviyo", description="A local, stateful Klaviyo.",
                      port=8788)  # fmt: skip

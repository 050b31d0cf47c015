"""Random faults: each API request fails as some kind with a given probability (``--faults``).

A mix is written ``kind:probability`` items joined by commas, for example
``500:0.10,503:0.05,429:0.05,66:0.05,reset:0.02,timeout:0.01,expire:0.01``. Kinds:

================ =====================================================================================
``100``-``599``  that HTTP status with Pardot's JSON error body (code 183; 214 for 504, 184 for 401,
                 201 for 403, 192 for 404, 60 for 405); ``429`` also carries ``Retry-After: 1``
``66``           Pardot's concurrent-request refusal (code 66, with the gate's status, 400 by default)
``reset``        the connection is dropped before the prospect store is touched
``reset_after``  the request is served (the prospect is written), then the connection is dropped:
                 a real network loses answers to requests that did succeed
``timeout``      no answer for the hold (30 s by default), then a 504 code 214; nothing is written
``timeout_after`` the request is served, then its answer is held back for the hold
``expire``       every access token issued so far expires: this request and the next ones answer
                 401 code 184 until the client refreshes its token
================ =====================================================================================

One uniform draw per API request picks at most one kind (so the probabilities must add up to at most
1). The draw is made when the request arrives, before authentication and before the prospect store
is touched; only ``reset_after`` and ``timeout_after`` act after the write. A seed makes the sequence
of draws reproducible; with concurrent clients the draws are still reproducible in arrival order.
"""

from __future__ import annotations

from collections.abc import Mapping

from destinations.emulation import fault_mix as shared

__all__ = ["FaultMix", "parse_fault_mix", "NAMED_FAULT_KINDS", "CONCURRENCY_FAULT"]

CONCURRENCY_FAULT = "66"
NAMED_FAULT_KINDS = ("66", "reset", "reset_after", "timeout", "timeout_after", "expire")


def parse_fault_mix(spec: str | Mapping[str, float] | None) -> dict[str, float]:
    """``"500:0.1,reset:0.02"`` (or a mapping) → ``{"500": 0.1, "reset": 0.02}``, checked (Pardot's kinds).

    >>> parse_fault_mix("500:0.1, reset:0.02")
    {'500': 0.1, 'reset': 0.02}
    """
    return shared.parse_fault_mix(spec, NAMED_FAULT_KINDS)


class FaultMix(shared.FaultMix):
    """The shared fault mix with Pardot's named kinds (the table above)."""

    def __init__(self, spec: str | Mapping[str, float] | None = None, seed: int | None = None) -> None:
        super().__init__(spec, seed, NAMED_FAULT_KINDS)

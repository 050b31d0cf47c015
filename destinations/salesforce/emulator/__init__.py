"""A local, stateful Salesforce for replays and delivery tests: records by object, lookups, bulk jobs, tokens.

``actions replay fixtures/events/ --instance fixtures/instances/actions-salesforce.toml --emulator``
starts one primed with the instance's tokens (:func:`start_emulator`); ``actions emulate salesforce``
runs one in the foreground (:func:`main`). See :mod:`.server` for the paths and faults, :mod:`.store`
for how records are kept and found.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from destinations.emulation import serve_in_foreground

from .server import EXPIRE, RESET, SalesforceEmulator

__all__ = ["SalesforceEmulator", "EXPIRE", "RESET", "start_emulator", "main"]


def start_emulator(auth: dict[str, Any] | None = None, **options: Any) -> SalesforceEmulator:
    """A started emulator on a free port accepting ``auth``'s tokens (``options``: faults, seed)."""
    auth = auth or {}
    access = auth.get("access_token") or auth.get("accessToken")
    refresh = auth.get("refresh_token") or auth.get("refreshToken")
    known = {key: value for key, value in options.items() if key in ("faults", "seed")}
    return SalesforceEmulator(access_tokens=(access,) if access else (), refresh_tokens=(refresh,) if refresh else (),
                              **known).start()  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """``actions emulate salesforce [--port N] [--faults MIX] [--seed N]``: serve in the foreground."""
    parser = argparse.ArgumentParser(prog="actions emulate salesforce", description="A local Salesforce.")
    parser.add_argument("--port", type=int, default=8788)
    parser.add_argument("--faults", default=None, help="e.g. 500:0.1,429:0.05,expire:0.02,reset:0.01")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--access-token", default="emulator-access-token")
    parser.add_argument("--refresh-token", default="emulator-refresh-token")
    args = parser.parse_args(list(argv) if argv is not None else None)
    emulator = SalesforceEmulator(access_tokens=(args.access_token,), refresh_tokens=(args.refresh_token,),
                                  faults=args.faults, seed=args.seed).start(port=args.port)  # fmt: skip
    return serve_in_foreground(emulator, "Salesforce emulator at {base_url} (Ctrl-C stops)")

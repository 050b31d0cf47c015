"""Machinery the local emulators share (not a destination): the random fault mix (``fault_mix``) and the
loopback HTTP server they run on (``loopback``)."""

from .fault_mix import FaultMix, parse_fault_mix
from .loopback import LoopbackServer, drop_connection, serve_in_foreground, write_answer

__all__ = ["FaultMix", "LoopbackServer", "drop_connection", "parse_fault_mix", "serve_in_foreground", "write_answer"]

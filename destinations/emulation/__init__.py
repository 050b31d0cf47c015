"""Machinery the local emulators share (not a destination): the random fault mix (``fault_mix``) and the
loopback HTTP server they run on (``loopback``)."""

from .fault_mix import FaultMix, parse_fault_mix
from .loopback import LoopbackServer

__all__ = ["FaultMix", "LoopbackServer", "parse_fault_mix"]

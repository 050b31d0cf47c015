"""Machinery the local emulators share (not a destination): the random fault mix (``fault_mix``) and the loopback server (``loopback``)."""

from .fault_mix import FaultMix, parse_fault_mix
from .loopback import LoopbackServer, serve_in_foreground

__all__ = ["FaultMix", "LoopbackServer", "parse_fault_mix", "serve_in_foreground"]

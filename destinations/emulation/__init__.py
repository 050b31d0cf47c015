"""Machinery the local emulators share (not a destination): the random fault mix (``fault_mix``)."""

from .fault_mix import FaultMix, parse_fault_mix

__all__ = ["FaultMix", "parse_fault_mix"]

"""``actions emulate klaviyo``: the shared recording endpoint (destinations.recording_endpoint)."""

from destinations.recording_endpoint import main

__all__ = ["main"]

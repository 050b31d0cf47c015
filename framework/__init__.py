"""action-destinations: a Python runtime for Segment-style action destinations.

The runtime loads destination definitions, matches Segment events against FQL triggers, resolves
mapping-kit mappings and dispatches the payloads to destination actions. See docs/architecture.md for
the parts and their seams.
"""

__all__: list[str] = []
__version__ = "0.1.0"

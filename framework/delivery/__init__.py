"""Delivery: what happens to queued events between the source and the runtime."""

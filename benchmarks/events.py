"""The synthetic events both engines are measured on, identical to bench_segment.js's."""

from __future__ import annotations

from typing import Any

__all__ = ["synthetic_events"]


def synthetic_events(count: int = 1000) -> list[dict[str, Any]]:
    """`count` identify events shaped like bench_segment.js's `syntheticEvents` (same keys and values)."""
    return [
        {
            "type": "identify",
            "userId": f"u{i}",
            "messageId": f"m{i}",
            "traits": {
                "email": f"user{i}@example.com",
                "first_name": f"First{i}",
                "last_name": "Last",
                "phone": "+1 555 0100",
                "company": "Acme",
                "title": "CTO",
                "website": "https://example.com",
                "address": {"city": "Paris", "state": "CA", "postal_code": "94107", "country": "FR"},
            },
        }
        for i in range(count)
    ]

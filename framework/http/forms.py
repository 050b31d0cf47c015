"""Form bodies encoded exactly as Segment's client sends them (``URLSearchParams``).

The WHATWG form serializer keeps ``*-._`` and alphanumerics, writes spaces as ``+`` and
percent-encodes everything else (``~`` too, unlike Python's ``urlencode``); values are written as
JavaScript writes them (``true``, not ``True``). ``None`` values are left out (JavaScript would send
the text ``undefined``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote_plus

__all__ = ["FORM_CONTENT_TYPE", "encode_form", "form_value"]

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded;charset=UTF-8"


def form_value(value: Any) -> str:
    """A value as JavaScript's ``String(value)`` writes it, for the common JSON scalars."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


def _escape(text: str) -> str:
    return quote_plus(text, safe="*").replace("~", "%7E")


def encode_form(data: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> str:
    """``a=1&b=x+y`` from a dict or a list of pairs (repeat a key by listing it twice)."""
    pairs = data.items() if isinstance(data, Mapping) else data
    return "&".join(f"{_escape(str(k))}={_escape(form_value(v))}" for k, v in pairs if v is not None)

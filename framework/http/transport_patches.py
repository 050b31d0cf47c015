"""Whether a mocking library has replaced part of requests' or urllib3's transport.

``DirectAdapter`` writes a request onto the socket itself, past the places where Python's mocking
libraries hook in: ``responses`` replaces ``HTTPAdapter.send``, ``requests-mock`` replaces
``Session.send`` (and, within it, ``get_adapter``), ``vcrpy`` replaces urllib3's connection classes
(in ``urllib3.connectionpool`` and as the pools' ``ConnectionCls``) and ``HTTPConnectionPool._get_conn``. When any of these is not the library's own, a request goes the
ordinary requests way so the mock sees it. The check runs on every request, so it compares the
identities of the attributes with the ones captured when this module was imported (a few ``is``).
"""

from __future__ import annotations

from typing import Any

import requests
import requests.adapters
import urllib3.connectionpool

__all__ = ["transport_is_patched"]

_WATCHED: tuple[tuple[Any, str], ...] = (
    (requests.Session, "send"),
    (requests.adapters.HTTPAdapter, "send"),
    (urllib3.connectionpool.HTTPConnectionPool, "_get_conn"),
    (urllib3.connectionpool.HTTPConnectionPool, "ConnectionCls"),
    (urllib3.connectionpool.HTTPSConnectionPool, "ConnectionCls"),
    (urllib3.connectionpool, "HTTPConnection"),
    (urllib3.connectionpool, "HTTPSConnection"),
)
_ALREADY_PATCHED = object()  # never the current value, so the check says "patched" for good


def _original(owner: Any, name: str) -> Any:
    """The attribute as imported, or a marker when a mock was already active at import time.

    A function or class of requests' or urllib3's own is defined in their packages; anything else
    was put there by a library (imported inside ``with responses.RequestsMock():``, say).
    """
    value = getattr(owner, name, None)
    module = getattr(value, "__module__", "") or ""
    if value is not None and module.split(".")[0] not in ("requests", "urllib3", "http"):
        return _ALREADY_PATCHED
    return value


_ORIGINALS: tuple[tuple[Any, str, Any], ...] = tuple((owner, name, _original(owner, name)) for owner, name in _WATCHED)


def transport_is_patched() -> bool:
    """Whether any watched attribute differs from what it was at import (a mock is active)."""
    for owner, name, original in _ORIGINALS:
        if getattr(owner, name) is not original:
            return True
    return False

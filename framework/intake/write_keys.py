"""Write-key authentication as Segment does it, and which instances each write key feeds.

A Segment library authenticates with HTTP Basic, the write key as user name and an empty password
(``Authorization: Basic base64("KEY:")``), or puts ``writeKey`` in the body; the header wins when
both are there. Each instance names its write key; several instances may share one, and then an
event is enqueued for every one of them.

Keys are held only as SHA-256 digests, so no ``repr``, log or traceback of this object can show one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Mapping
from typing import Generic, TypeVar

from framework.intake.request_rules import RequestRejected

__all__ = ["WriteKeys", "write_key_from_header"]

T = TypeVar("T")


class WriteKeys(Generic[T]):
    """Write key → the instances (or anything per instance) its events go to."""

    def __init__(self, pairs: Iterable[tuple[str, T]]) -> None:
        self._by_digest: dict[bytes, list[T]] = {}
        for key, target in pairs:
            if not key:
                raise ValueError("a write key cannot be empty")
            self._by_digest.setdefault(_digest(key), []).append(target)

    def __repr__(self) -> str:
        return f"WriteKeys({len(self._by_digest)} keys)"

    def __len__(self) -> int:
        return len(self._by_digest)

    def targets(self, write_key: str | None) -> list[T]:
        """The targets of ``write_key``, or the 401 that says what is wrong with it."""
        if write_key is None:
            raise RequestRejected(
                401,
                "unauthorized",
                'no write key: send it as the HTTP Basic user name (empty password), or as "writeKey" in the body',
            )
        found = self._by_digest.get(_digest(write_key))
        if found is None:
            raise RequestRejected(
                401,
                "unauthorized",
                "the write key is not one this server knows: use the write_key of an instance it serves",
            )
        return found

    def by_key(self) -> Mapping[bytes, list[T]]:
        """Targets by key digest (for listing what is served)."""
        return self._by_digest


def write_key_from_header(authorization: str | None) -> str | None:
    """The write key of an ``Authorization: Basic`` header (None: no header); 401 for any other scheme."""
    if not authorization:
        return None
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        raise RequestRejected(
            401,
            "unauthorized",
            f"{_scheme_shown(scheme, credentials)} is not supported: use HTTP Basic "
            "with the write key as user name and an empty password",
        )
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise RequestRejected(
            401, "unauthorized", 'the Authorization header is not valid HTTP Basic: send base64("WRITE_KEY:")'
        ) from None
    user, _, _password = decoded.partition(":")
    return user or None


# Scheme words that are safe to repeat back; anything else may be the credential itself.
_KNOWN_SCHEMES = frozenset({"bearer", "digest", "token", "negotiate", "ntlm", "hoba", "mutual", "aws4-hmac-sha256"})


def _scheme_shown(scheme: str, credentials: str) -> str:
    """How a refusal names the header: the scheme word if it is a known one, never the value.

    ``Authorization: KEY`` (a bare write key) has no scheme, and echoing its first word would put the
    key into the 401 and any log of it.
    """
    if credentials and scheme.lower() in _KNOWN_SCHEMES:
        return f"Authorization: {scheme}"
    return "an Authorization header without a scheme word"


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()

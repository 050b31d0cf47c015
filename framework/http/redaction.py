"""Redaction of secrets wherever a request or response is shown, recorded or logged.

Headers: ``Authorization`` (the scheme word is kept: ``Bearer [REDACTED]``), cookies, and any header
whose name says token, secret, password, API key or session. Bodies (JSON or form): values under
keys such as ``client_secret``, ``refresh_token``, ``access_token``, ``password`` (any key ending in
``token`` or containing ``secret``/``password``). URLs: such keys in the query string, and the user
info (``https://user:secret@host``: ``https://[REDACTED]@host``), also where a URL is quoted in text (an
error message, a network error). Any value the caller lists as secret is replaced wherever it appears
(raw, URL-encoded or JSON-escaped).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlsplit, urlunsplit

__all__ = [
    "REDACTED",
    "redact_headers",
    "redact_body",
    "redact_url",
    "redact_text",
    "is_secret_key",
    "is_secret_header",
    "mark_compact_json",
    "compact_json_of",
]

REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 4  # shorter "secrets" would blank out ordinary text

_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_SECRET_HEADER_WORDS = ("token", "secret", "password", "api-key", "apikey", "api_key", "session")
_SECRET_KEYS = frozenset(
    {
        "password",
        "passwd",
        "secret",
        "apikey",
        "api_key",
        "api-key",
        "authorization",
        "client_assertion",
        "code_verifier",
    }
)


# scheme://userinfo@ : the user info ends at the first "@" before any "/", "?", "#" or whitespace.
_URL_USER_INFO = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s@]+@")
# What every match of it contains, found far faster (the search starts at the literal "://"): a text
# without it has no user info, and most texts with an "@" and a "://" (an email, a website) lack it.
_USER_INFO_HINT = re.compile(r"://[^/?#\s@]+@")


@lru_cache(maxsize=1024)  # the same few header names on every request; bounded, so memory stays flat
def is_secret_header(name: str) -> bool:
    """Whether a header carries a credential (``Authorization``, cookies, ``X-Api-Key``, ...)."""
    lowered = name.lower()
    return lowered in _SECRET_HEADERS or any(word in lowered for word in _SECRET_HEADER_WORDS)


@lru_cache(maxsize=4096)  # the same body keys on every request; bounded, so memory stays flat
def is_secret_key(key: str) -> bool:
    """Whether a body or query key holds a credential (``client_secret``, ``refresh_token``, ...)."""
    lowered = key.lower()
    return lowered in _SECRET_KEYS or lowered.endswith("token") or "secret" in lowered or "password" in lowered


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with URL user info and every listed secret replaced (also URL-encoded and JSON-escaped)."""
    if _may_hold_user_info(text):
        text = _URL_USER_INFO.sub(rf"\1{REDACTED}@", text)
    secrets = tuple(secrets)
    if not secrets or not _shows_secret(text, secrets):  # the usual case: nothing of a secret in the text
        return text
    for secret in secrets:
        if not secret or len(secret) < MIN_SECRET_LENGTH:
            continue
        for form in _secret_forms(secret):
            if form in text:
                text = text.replace(form, REDACTED)
    return text


def _may_hold_user_info(text: str) -> bool:
    """False when ``_URL_USER_INFO`` cannot match ``text``; True means it may."""
    return "@" in text and "://" in text and _USER_INFO_HINT.search(text) is not None


def _shows_secret(text: str, secrets: tuple[str, ...]) -> bool:
    """Whether any form of any of ``secrets`` occurs in ``text``.

    A few plain substring searches: a credential has a handful of forms, and ``in`` beat one
    alternation pattern over them (which tries every form at every position of the text).
    """
    for form in _all_secret_forms(secrets):
        if form in text:
            return True
    return False


@lru_cache(maxsize=64)  # a run redacts against the same few secrets (they change on a token refresh)
def _all_secret_forms(secrets: tuple[str, ...]) -> tuple[str, ...]:
    """Every form of every secret long enough to redact."""
    return tuple(
        form for secret in secrets if secret and len(secret) >= MIN_SECRET_LENGTH for form in _secret_forms(secret)
    )


@lru_cache(maxsize=256)
def _secret_forms(secret: str) -> tuple[str, ...]:
    """The ways ``secret`` can appear (raw, URL-encoded, JSON-escaped), computed once per secret.

    Every shown string of every request is redacted against the same few secrets, so encoding them
    anew each time was most of a dry run's cost; the cache is bounded, so memory stays flat.
    """
    return tuple(dict.fromkeys((secret, quote_plus(secret), json.dumps(secret)[1:-1])))


def redact_headers(headers: Mapping[str, Any] | None, secrets: Iterable[str] = ()) -> dict[str, str]:
    """A copy of ``headers`` safe to show."""
    listed = tuple(secrets)
    shown: dict[str, str] = {}
    for name, value in (headers or {}).items():
        text = value if type(value) is str else str(value)
        shown[name] = _shown_header(name, text, listed)
    return shown


@lru_cache(maxsize=4096)  # every request repeats the same few headers; bounded, so memory stays flat
def _shown_header(name: str, text: str, secrets: tuple[str, ...]) -> str:
    """One header's value as shown, remembered: redacting it anew on every request was a dry run's cost."""
    if is_secret_header(name):
        scheme = text.split(" ", 1)[0] if name.lower() == "authorization" and " " in text else ""
        return f"{scheme} {REDACTED}" if scheme else REDACTED
    return redact_text(text, secrets)


def redact_url(url: str, secrets: Iterable[str] = ()) -> str:
    """``url`` with its user info, secret query parameters and listed secrets replaced."""
    return _redacted_url(url, tuple(secrets))


@lru_cache(maxsize=1024)  # a destination calls the same few URLs; bounded, so memory stays flat
def _redacted_url(url: str, secrets: tuple[str, ...]) -> str:
    """``redact_url``'s answer, remembered per URL and secrets."""
    parts = urlsplit(url)
    if parts.query:
        query = _redact_form(parts.query)
        url = urlunsplit(parts._replace(query=query))
    return redact_text(url, secrets)  # redact_text takes the user info out


def redact_body(
    body: Any, content_type: str | None = None, secrets: Iterable[str] = (), *, compact_json: bool = False
) -> Any:
    """A body safe to show: a dict/list is returned redacted as such, text or bytes as text.

    ``compact_json`` says ``body`` is the client's own ``dumps_json`` output (see ``mark_compact_json``):
    re-writing it after parsing gives the same text back, so when nothing in it needs redacting the
    text is returned without being parsed and written again (a dry run's every request body).
    """
    secrets = list(secrets)
    if body is None:
        return None
    if isinstance(body, (dict, list)):
        return _redact_structure(body, secrets)
    text = _as_text(body)
    if text is None:
        return f"<{len(body)} bytes>"
    kind = (content_type or "").lower()
    if "json" in kind or (not kind and text.lstrip()[:1] in ("{", "[")):
        if compact_json and _compact_json_is_clean(text, secrets):
            return text
        return redact_text(_redact_json_text(text, secrets), secrets)
    if "x-www-form-urlencoded" in kind:
        return redact_text(_redact_form(text), secrets)
    return redact_text(text, secrets)


# Every secret key (``is_secret_key``) contains one of these, lowercased: a text holding none has no secret key.
_SECRET_KEY_PARTS = ("token", "secret", "passw", "api", "authorization", "client_assertion", "code_verifier")
# A key a non-string Python key became (``1``, ``1.5``, ``True``, ``None``): two of them can be written alike
# (``{1: 'a', '1': 'b'}``), and parsing keeps only the last. Any key starting like a number or literal counts.
# (The look-ahead lets most positions fail on one character: the alternation alone cost a dry run.)
_LITERAL_KEY = re.compile(r'"(?=[-0-9tfnNI])(?:-?[0-9][^"]*|true|false|null|NaN|-?Infinity)":')


def _compact_json_is_clean(text: str, secrets: list[str]) -> bool:
    """Whether redacting the compact JSON ``text`` (``dumps_json``'s) would give ``text`` back unchanged.

    It would when no key is secret, no string holds URL user info or a secret (read off the text:
    ``_strings_need_no_redaction``) and parsing then writing it is the identity: ``dumps_json``
    writes with the separators and ``ensure_ascii=False`` redaction uses, floats as their ``repr``
    (read back to the same float), and no escape at all when the text holds no backslash; only keys
    from non-string Python keys could collide and be merged by the parser.
    """
    if not _strings_need_no_redaction(text, secrets):
        return False
    lowered = text.lower()
    for part in _SECRET_KEY_PARTS:
        if part in lowered:
            return False
    return _LITERAL_KEY.search(text) is None


_COMPACT_JSON_MARK = "_action_destinations_compact_json"  # attribute set on a PreparedRequest


def mark_compact_json(request: Any, body: bytes) -> None:
    """Note on ``request`` that ``body`` is the compact JSON the client wrote with ``dumps_json``."""
    setattr(request, _COMPACT_JSON_MARK, body)


def compact_json_of(request: Any) -> bool:
    """Whether ``request``'s body is still the one ``mark_compact_json`` noted (no hook replaced it)."""
    body = getattr(request, "body", None)
    return body is not None and getattr(request, _COMPACT_JSON_MARK, None) is body


def _as_text(body: Any) -> str | None:
    if isinstance(body, str):
        return body
    if isinstance(body, (bytes, bytearray)):
        try:
            return bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            return None
    return str(body)


def _redact_json_text(text: str, secrets: list[str]) -> str:
    try:
        parsed = json.loads(text)
    except ValueError:
        return text
    redacted = _redact_keys(parsed) if _strings_need_no_redaction(text, secrets) else _redact_structure(parsed, secrets)
    return json.dumps(redacted, ensure_ascii=False, separators=(",", ":"))


def _strings_need_no_redaction(text: str, secrets: list[str]) -> bool:
    """Whether no string inside the JSON ``text`` holds URL user info or a secret, read off the text itself.

    Without a backslash every string in the text is spelled literally, so what ``redact_text`` would
    find in one of them it finds in the whole text: when it finds nothing there, only secret keys
    are left to redact, and every one of a request body's strings need not be searched.
    """
    if "\\" in text or (_may_hold_user_info(text) and _URL_USER_INFO.search(text) is not None):
        return False
    return not secrets or not _shows_secret(text, tuple(secrets))


def _redact_keys(value: Any) -> Any:
    """``_redact_structure`` for a value none of whose strings needs redacting: secret keys only."""
    if isinstance(value, dict):
        return {
            k: REDACTED if isinstance(k, str) and is_secret_key(k) and v is not None else _redact_keys(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact_keys(item) for item in value]
    return value


def _redact_structure(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, dict):
        return {
            k: REDACTED if isinstance(k, str) and is_secret_key(k) and v is not None else _redact_structure(v, secrets)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact_structure(item, secrets) for item in value]
    if isinstance(value, str):
        return redact_text(value, secrets)
    return value


def _redact_form(text: str) -> str:
    pairs = parse_qsl(text, keep_blank_values=True)
    return "&".join(f"{quote_plus(k)}={REDACTED if is_secret_key(k) else quote_plus(v)}" for k, v in pairs)

"""``RequestClient``: the one HTTP client destinations use, on a pooled ``requests.Session``.

A destination's ``perform(request, data)`` gets one of these with ``extend_request``'s options already
merged in. It behaves like Segment's request client where it matters for identical requests: options
merge (headers case-insensitively, ``None`` deletes), ``json=`` bodies are compact JSON with
``application/json``, a ``data=`` dict is form-encoded as ``URLSearchParams`` would, ``username``/``password`` become a Basic
header, the default timeout is 10 s, non-2xx responses raise ``HTTPError`` (unless
``throw_http_errors=False``), ``response.data`` holds the parsed JSON (else the text), and
before-request/after-response hooks run in order. Every exchange is recorded, redacted.

>>> client = RequestClient(options={"headers": {"X-Api-Key": "k"}})  # doctest: +SKIP
>>> client.post("https://api.example.com/things", json={"a": 1}).data  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import functools
import logging
import time
import weakref
from collections.abc import Callable, Mapping
from datetime import timedelta
from http.cookiejar import CookieJar
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.cookies import extract_cookies_to_jar
from requests.sessions import REDIRECT_STATI
from requests.structures import CaseInsensitiveDict
from requests.utils import check_header_validity

from framework import __version__
from framework.errors import HTTPError, RequestTimeoutError
from framework.http.direct import DirectAdapter, DirectResponse
from framework.http.exchanges import RecordedExchange, record_exchange
from framework.http.forms import FORM_CONTENT_TYPE, encode_form
from framework.http.json_body import dumps_json_bytes, loads_json
from framework.http.network_errors import describe_network_error
from framework.http.options import DEFAULT_TIMEOUT, merge_headers, merge_options
from framework.http.redaction import mark_compact_json
from framework.http.retry_after import parse_retry_after
from framework.http.transport_patches import transport_is_patched

__all__ = [
    "RequestClient",
    "USER_AGENT",
    "BeforeRequest",
    "AfterResponse",
    "response_data",
    "with_defaults",
    "case_insensitive_from_store",
    "header_of",
]

USER_AGENT = f"action-destinations/{__version__}"
_log = logging.getLogger("framework.http")

# Proxy and CA-bundle settings read from the environment, per session and origin. requests reads the
# environment on every call (about a third of a request's own time); it does not change while we run.
_ENVIRONMENT_BY_SESSION: weakref.WeakKeyDictionary[requests.Session, dict[str, dict[str, Any]]] = (
    weakref.WeakKeyDictionary()
)

BeforeRequest = Callable[[dict[str, Any]], Mapping[str, Any] | None]
AfterResponse = Callable[[requests.PreparedRequest, dict[str, Any], requests.Response], requests.Response | None]

_DEFAULTS: dict[str, Any] = {
    "headers": {"User-Agent": USER_AGENT},
    "timeout": DEFAULT_TIMEOUT,
    "throw_http_errors": True,
}


def with_defaults(options: Mapping[str, Any] | None) -> dict[str, Any]:
    """``options`` over the client's defaults: what ``RequestClient(options=options).options`` holds.

    Work that does not depend on the event (the runtime's options) is merged once with it and handed
    to each execution's client as its ``_base``.
    """
    return merge_options(_DEFAULTS, options)


class RequestClient:
    """Sends requests with layered options; ``extend`` derives a client on the same session."""

    def __init__(
        self,
        session: requests.Session | None = None,
        *,
        options: Mapping[str, Any] | None = None,
        _exchanges: list[RecordedExchange] | None = None,
        _base: Mapping[str, Any] | None = None,
    ) -> None:
        self.session = session if session is not None else requests.Session()
        self.options: dict[str, Any] = merge_options(_base if _base is not None else _DEFAULTS, options)
        self._exchanges: list[RecordedExchange] = _exchanges if _exchanges is not None else []

    def __repr__(self) -> str:
        return f"RequestClient(options={sorted(self.options)})"

    @property
    def exchanges(self) -> list[RecordedExchange]:
        """Every exchange made through this client and the clients extended from it, redacted."""
        return list(self._exchanges)

    def extend(self, options: Mapping[str, Any] | None) -> RequestClient:
        """A client on the same session with ``options`` merged over these (exchanges shared)."""
        return RequestClient(self.session, options=options, _exchanges=self._exchanges, _base=self.options)

    def get(self, url: str, **options: Any) -> requests.Response:
        return self.request(url, "GET", **options)

    def post(self, url: str, **options: Any) -> requests.Response:
        return self.request(url, "POST", **options)

    def put(self, url: str, **options: Any) -> requests.Response:
        return self.request(url, "PUT", **options)

    def patch(self, url: str, **options: Any) -> requests.Response:
        return self.request(url, "PATCH", **options)

    def delete(self, url: str, **options: Any) -> requests.Response:
        return self.request(url, "DELETE", **options)

    def request(self, url: str, method: str = "GET", **options: Any) -> requests.Response:
        """Send one request; see the module docstring for the options and what happens."""
        merged = merge_options(self.options, {"method": method, **options})
        merged = _run_before_hooks(merged)
        prepared = _prepare(self.session, url, merged)
        response = self._send(prepared, merged)
        for hook in merged.get("after_response", []):
            response = hook(prepared, merged, response) or response
        self._record(record_exchange(prepared, response, _secrets(merged)))
        if merged.get("throw_http_errors", True) is not False and not 200 <= response.status_code < 300:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise HTTPError(response, prepared, retry_after=retry_after)
        return response

    def _record(self, exchange: RecordedExchange) -> None:
        """Keep the redacted exchange and log it (the log only ever sees the redacted form)."""
        self._exchanges.append(exchange)
        if _log.isEnabledFor(logging.DEBUG):  # reading the exchange redacts it: only when logged
            _log.debug("%s %s -> %s", exchange.method, exchange.url, exchange.status or exchange.error)

    def _send(self, prepared: requests.PreparedRequest, options: dict[str, Any]) -> requests.Response:
        timeout = _timeout(options.get("timeout", DEFAULT_TIMEOUT))
        environment = _environment_settings(self.session, prepared.url or "")
        try:
            response = _send_on_session(self.session, prepared, timeout, environment)
        except requests.Timeout as error:
            message = f"Request timed out after {int((timeout or 0) * 1000)}ms"
            self._record(record_exchange(prepared, None, _secrets(options), message))
            raise RequestTimeoutError(message) from error
        except requests.RequestException as error:
            self._record(record_exchange(prepared, None, _secrets(options), describe_network_error(error)))
            raise
        _attach_data(response)
        return response


def _send_on_session(
    session: requests.Session, prepared: requests.PreparedRequest, timeout: float | None, environment: dict[str, Any]
) -> requests.Response:
    """``session.send``, or, when the session's adapter answers directly, what it does in our case.

    ``Session.send`` dispatches response hooks (a prepared request of ours has none), extracts cookies
    into the session's jar and follows redirects: the direct path does the last two only when the
    response sets a cookie or redirects. Any other adapter (a test's transport), and any request while a
    mocking library has patched the transport (requests-mock replaces ``Session.send``), gets ``session.send``.
    """
    adapter = session.get_adapter(prepared.url or "")
    if not _answers_directly(adapter) or any(prepared.hooks.values()) or transport_is_patched():
        return session.send(prepared, timeout=timeout, allow_redirects=True, **environment)
    start = time.perf_counter()
    if type(adapter) is DirectAdapter:  # the transport was just checked above: not again
        response = adapter.send(prepared, timeout=timeout, **environment, transport_checked=True)
    else:
        response = adapter.send(prepared, timeout=timeout, **environment)
    response.elapsed = timedelta(0, time.perf_counter() - start)  # (days, seconds): the keyword form costs twice
    if not isinstance(response, DirectResponse) or response.sets_cookies:  # a fallback response: as Session.send
        extract_cookies_to_jar(session.cookies, prepared, response.raw)
    if response.status_code in REDIRECT_STATI and response.is_redirect:
        history = [response, *session.resolve_redirects(response, prepared, timeout=timeout, **environment)]
        response = history.pop()
        response.history = history
    response.content  # noqa: B018 - read now, as Session.send does without stream=True (a no-op when direct)
    return response


def _answers_directly(adapter: Any) -> bool:
    """A ``DirectAdapter``, or an in-process one that says so (the dry run's): ``Session.send``'s extras are no-ops."""
    return type(adapter) is DirectAdapter or getattr(adapter, "answers_directly", False) is True


def _timeout(value: Any) -> float | None:
    """``None`` or ``False`` means no timeout (Segment: ``timeout: false``)."""
    if value is None or value is False:
        return None
    return float(value)


def _run_before_hooks(options: dict[str, Any]) -> dict[str, Any]:
    for hook in options.get("before_request", []):
        changes = hook(options)
        if changes:
            options = merge_options(
                options, {k: v for k, v in changes.items() if k not in ("before_request", "after_response")}
            )
    return options


def _secrets(options: Mapping[str, Any]) -> list[str]:
    listed = [str(s) for s in options.get("secrets", []) if s]
    password = options.get("password")
    return [*listed, str(password)] if password else listed


def _request_parts(url: str, options: dict[str, Any]) -> tuple[str, dict[str, Any], Any]:
    """URL (origin override applied), headers and body of a request, from its merged options."""
    url = _apply_origin(url, options.get("origin_override"))
    auth = _basic_auth(options)
    headers = merge_headers(options.get("headers"), auth) if auth else dict(options.get("headers") or {})
    body: Any = None
    if "json" in options:
        body = dumps_json_bytes(options["json"])
        _set_json_content_type(headers)
    elif options.get("data") is not None:
        body, content_type = _form_body(options["data"])
        if content_type and not any(k.lower() == "content-type" for k in headers):
            headers = merge_headers(headers, {"Content-Type": content_type})
    return url, headers, body


def _set_json_content_type(headers: dict[str, Any]) -> None:
    """``merge_headers(headers, {"Content-Type": "application/json"})`` in place, on our own copy.

    Every JSON request does it: no index of every name is built to replace one header.
    """
    for existing in [name for name in headers if name.lower() == "content-type"]:
        del headers[existing]
    headers["Content-Type"] = "application/json"


def _basic_auth(options: Mapping[str, Any]) -> dict[str, str]:
    username, password = options.get("username"), options.get("password")
    if username is None and password is None:
        return {}
    token = base64.b64encode(f"{username or ''}:{password or ''}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def _form_body(data: Any) -> tuple[Any, str | None]:
    if isinstance(data, (Mapping, list, tuple)):
        return encode_form(data), FORM_CONTENT_TYPE
    return data, None


def _prepare(session: requests.Session, url: str, options: dict[str, Any]) -> requests.PreparedRequest:
    """What ``session.prepare_request(requests.Request(...))`` gives, without what we never use, at a third of its cost.

    Kept from the session: its default headers (under ours) and its cookie jar (read only when it holds
    a cookie). Left out: session-level ``auth``, ``params`` and hooks (the client layers its own
    options) and ``~/.netrc`` credentials, which requests would otherwise look up on every request:
    credentials come from the destination. The steps are ``PreparedRequest.prepare``'s, in its order,
    with the URL prepared once per URL, the headers merged and checked in one dictionary, a bytes body
    (the usual JSON one) measured directly, and URL credentials looked for only in a URL with an ``@``.
    """
    url, headers, body = _request_parts(url, options)
    params = options.get("params")
    prepared = requests.PreparedRequest()
    prepared.method = str(options.get("method", "GET")).upper()
    prepared.url = _prepare_url(url, params) if params else _prepared_url(url)
    prepared.headers = _merged_headers(session.headers, headers)
    _prepare_cookies(prepared, session.cookies)
    if body is None or type(body) is bytes:
        _prepare_bytes_body(prepared, body or None)
    else:
        prepared.prepare_body(body, None, None)
    if "json" in options and body is not None:
        mark_compact_json(prepared, body)
    if "@" in prepared.url:  # user:password@host; without an "@" requests finds none
        prepared.prepare_auth(None, prepared.url)
    return prepared


def _merged_headers(session_headers: Mapping[str, Any], headers: Mapping[str, Any]) -> CaseInsensitiveDict[Any]:
    """Session headers under ours, in one case-insensitive dict, each checked as ``prepare_headers`` does.

    The merged and checked store is remembered per pair of header lists: every request of an
    instance sends the same few, and merging them name by name was a tenth of preparing a request.
    """
    key = (_header_items(session_headers), tuple(headers.items()))
    try:
        store = _MERGED_STORES.get(key)
    except TypeError:  # an unhashable header value: requests' check will name it
        return _case_insensitive(_merge_and_check(key[0], headers))
    if store is None:
        store = _merge_and_check(key[0], headers)
        if all(type(name) is str and type(value) is str for name, value in store.values()):
            if len(_MERGED_STORES) >= _MAX_MERGED_STORES:
                _MERGED_STORES.clear()
            _MERGED_STORES[key] = store
    return _case_insensitive(store)


def _case_insensitive(store: dict[str, tuple[Any, Any]]) -> CaseInsensitiveDict[Any]:
    """A ``CaseInsensitiveDict`` holding ``store`` (a copy: the remembered one is never handed out)."""
    return case_insensitive_from_store(store)


_MERGED_STORES: dict[tuple[Any, Any], dict[str, tuple[Any, Any]]] = {}
_MAX_MERGED_STORES = 1024


def case_insensitive_from_store(store: Mapping[str, tuple[Any, Any]]) -> CaseInsensitiveDict[Any]:
    """A ``CaseInsensitiveDict`` over a copy of ``store`` ({lower: (name, value)}; see test_direct_contract).

    Its constructor goes through the generic ``MutableMapping.update`` even when empty: a request
    and its dry-run reply each build one. The store is a plain ``dict`` (requests makes an
    ``OrderedDict``, which is all it uses of it: the same order, at a fraction of the copying cost).
    """
    headers: CaseInsensitiveDict[Any] = CaseInsensitiveDict.__new__(CaseInsensitiveDict)
    headers._store = dict(store)  # type: ignore[assignment]
    return headers


def header_of(headers: Mapping[str, Any], name: str) -> Any:
    """``headers.get(name)``, read off a ``CaseInsensitiveDict``'s store at once.

    Its inherited ``get`` goes through ``__getitem__`` and, for an absent header (most responses
    lack an optional one), raises and catches a ``KeyError``.
    """
    if type(headers) is CaseInsensitiveDict:
        field = headers._store.get(name.lower())  # see test_direct_contract
        return field[1] if field is not None else None
    return headers.get(name)


def _header_items(headers: Mapping[str, Any]) -> tuple[tuple[Any, Any], ...]:
    """A session's headers as (name, value) pairs, read off a ``CaseInsensitiveDict``'s store at once."""
    store = getattr(headers, "_store", None)
    if type(headers) is CaseInsensitiveDict and isinstance(store, dict):
        return tuple(store.values())
    return tuple(headers.items())


def _merge_and_check(
    session_items: tuple[tuple[Any, Any], ...], headers: Mapping[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """Ours over the session's, by lowercased name, each header checked (once per distinct one)."""
    store: dict[str, tuple[Any, Any]] = {}
    for name, value in (*session_items, *headers.items()):
        store[name.lower()] = (name, value)
    for header in store.values():
        _check_header(header)
    return store


_VALID_HEADERS: set[tuple[str, str]] = set()  # (name, value) pairs already checked: most repeat on every request
_MAX_VALID_HEADERS = 4096


def _check_header(header: tuple[Any, Any]) -> None:
    """``check_header_validity`` (a line break or bad type raises ``InvalidHeader``), once per distinct header."""
    if header in _VALID_HEADERS:
        return
    check_header_validity(header)
    if type(header[0]) is str and type(header[1]) is str:
        if len(_VALID_HEADERS) >= _MAX_VALID_HEADERS:
            _VALID_HEADERS.clear()
        _VALID_HEADERS.add(header)


def _prepare_bytes_body(prepared: requests.PreparedRequest, body: bytes | None) -> None:
    """``prepare_body`` for bytes or no body: the body and its ``Content-Length`` (0 for a bodiless POST)."""
    prepared.body = body
    if body is not None:
        prepared.headers["Content-Length"] = str(len(body))
    elif prepared.method not in ("GET", "HEAD") and prepared.headers.get("Content-Length") is None:
        prepared.headers["Content-Length"] = "0"


def _prepare_cookies(prepared: requests.PreparedRequest, jar: Any) -> None:
    """``prepare_cookies``, skipping the Cookie-header lookup when the session's jar is empty."""
    if isinstance(jar, CookieJar) and not jar._cookies:  # type: ignore[attr-defined]  # read once, atomic
        prepared._cookies = jar  # what prepare_cookies keeps, for redirects
        return
    prepared.prepare_cookies(jar)


def _prepare_url(url: str, params: Any) -> str:
    """The URL as requests sends it: IDNA host, percent-encoding, ``params`` added to the query."""
    prepared = requests.PreparedRequest()
    prepared.prepare_url(url, params)
    return prepared.url or url


@functools.lru_cache(maxsize=1024)
def _prepared_url(url: str) -> str:
    """``_prepare_url`` without parameters, remembered: a destination calls the same few URLs."""
    return _prepare_url(url, None)


def _environment_settings(session: requests.Session, url: str) -> dict[str, Any]:
    """What ``session.request`` would add (proxies, CA bundle), computed once per origin."""
    start = url.find("//")
    end = url.find("/", start + 2) if start >= 0 else -1
    origin = url if end < 0 else url[:end]
    by_origin = _ENVIRONMENT_BY_SESSION.setdefault(session, {})
    settings = by_origin.get(origin)
    if settings is None:
        settings = session.merge_environment_settings(url, {}, None, None, None)
        by_origin[origin] = settings
    return settings


def _apply_origin(url: str, origin: str | None) -> str:
    """Send to ``origin`` (scheme and host) instead of the URL's own, keeping path and query."""
    if not origin:
        return url
    return _with_origin(url, origin)


@functools.lru_cache(maxsize=1024)
def _with_origin(url: str, origin: str) -> str:
    """``_apply_origin``'s answer, remembered: an instance sends the same few URLs to one endpoint."""
    target, original = urlsplit(origin), urlsplit(url)
    base_path = target.path.rstrip("/")
    return urlunsplit((target.scheme, target.netloc, base_path + original.path, original.query, ""))


def response_data(response: requests.Response) -> Any:
    """``response.data`` (see ``_attach_data``), typed: requests' stubs do not declare the attribute we add."""
    return response.data  # type: ignore[attr-defined]  # set on every response this client returns


def _attach_data(response: requests.Response) -> None:
    """``response.data``: parsed JSON when the content type says JSON, else the text."""
    content_type = (header_of(response.headers, "Content-Type") or "").lower()
    data: Any
    if "json" in content_type:
        content = response.content
        if content == b"{}":  # the usual empty answer (and every dry-run reply): no parse
            data = {}
        else:
            try:
                data = loads_json(content) if content else None
            except ValueError:  # UnicodeDecodeError too
                data = None
    else:
        data = response.text
    response.data = data  # type: ignore[attr-defined]

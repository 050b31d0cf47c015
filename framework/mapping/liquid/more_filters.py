"""The rest of liquidjs's filters: arrays (``sum``, ``push``…), URLs, slugs, words, base64, hashes, dates.

Kept apart from :mod:`.filters` (the everyday ones) so each module stays readable; both are merged
into the sandbox's filter table.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from framework.jsvalues import UNDEFINED, is_nullish, json_stringify
from framework.mapping.liquid.dates import date_filter, parse_date, strftime
from framework.mapping.liquid.values import js_number, read_property, stringify

__all__ = ["MORE_FILTERS"]

_CJK = "\u4e00-\u9fff\uf900-\ufaff\u3400-\u4dbf\u3040-\u309f\u30a0-\u30ff\uac00-\ud7af"
_ACCENTS = [("àáâãäå", "a"), ("æ", "ae"), ("ç", "c"), ("èéêë", "e"), ("ìíîï", "i"), ("ð", "d"), ("ñ", "n"),
            ("òóôõöø", "o"), ("ùúûü", "u"), ("ýÿ", "y"), ("ß", "ss"), ("œ", "oe"), ("þ", "th"), ("ẞ", "SS"),
            ("Œ", "OE"), ("Þ", "TH")]  # fmt: skip


def _to_array(value: Any) -> list[Any]:
    if is_nullish(value):
        return []
    return list(value) if type(value) is list else [value]


def _sum(value: Any, prop: Any = UNDEFINED, *_: Any) -> Any:
    total: float = 0
    for item in _to_array(value):
        number = js_number(read_property(item, stringify(prop)) if not is_nullish(prop) else item)
        total += 0 if number != number else number
    return int(total) if isinstance(total, float) and total.is_integer() and abs(total) < 2**53 else total


def _push(value: Any, item: Any = UNDEFINED, *_: Any) -> list[Any]:
    return [*_to_array(value), item]


def _unshift(value: Any, item: Any = UNDEFINED, *_: Any) -> list[Any]:
    return [item, *_to_array(value)]


def _uri_component(text: str, safe: str) -> str:
    """JS ``encodeURIComponent``/``encodeURI`` (UTF-8 percent-encoding, upper-case hex)."""
    return quote(text, safe=safe)


def _cgi_escape(value: Any, *_: Any) -> str:
    encoded = _uri_component(stringify(value), "-_.!~*'()").replace("%20", "+")
    return re.sub(r"[!'()*]", lambda match: f"%{ord(match.group(0)):X}", encoded)


def _uri_escape(value: Any, *_: Any) -> str:
    return _uri_component(stringify(value), ";,/?:@&=+$-_.!~*'()#[]")


def _keep_for_slug(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd"


def _slug_pieces(text: str, mode: str) -> str:
    if mode == "none":
        return text
    if mode == "raw":
        return re.sub(r"\s+", "-", text)
    if mode == "ascii":
        return re.sub(r"[^A-Za-z0-9]+", "-", text)
    if mode == "latin":
        for accented, plain in _ACCENTS:
            text = re.sub(f"[{accented}]", plain, text)
    keep = _keep_for_slug if mode != "pretty" else lambda c: _keep_for_slug(c) or c in "._~!$&'()+,;=@"
    return re.sub("-+", "-", "".join(c if keep(c) else "-" for c in text))


def _slugify(value: Any, mode: Any = "default", cased: Any = False, *_: Any) -> str:
    text = _slug_pieces(stringify(value), stringify(mode) if not is_nullish(mode) else "default")
    if mode not in ("none",):
        text = re.sub(r"^-|-$", "", text)
    return text if cased not in (False, None, UNDEFINED, 0, "") else text.lower()


def _number_of_words(value: Any, mode: Any = UNDEFINED, *_: Any) -> int:
    text = stringify(value).strip()
    if not text:
        return 0
    cjk = len(re.findall(f"[{_CJK}]", text))
    others = len(re.findall(f"[^{_CJK}\\s]+", text))
    if mode == "cjk" or (mode == "auto" and cjk):
        return cjk + others
    return len(re.split(r"\s+", text))


def _base64_encode(value: Any, *_: Any) -> str:
    return base64.b64encode(stringify(value).encode("utf-8", "surrogatepass")).decode("ascii")


def _base64_decode(value: Any, *_: Any) -> str:
    text = re.sub(r"[\t\n\f\r ]", "", stringify(value))
    if not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", text) or len(text.rstrip("=")) % 4 == 1:
        raise ValueError("invalid base64 provided to base64_decode")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4)).decode("utf-8", "replace")
    except binascii.Error as error:
        raise ValueError("invalid base64 provided to base64_decode") from error


def _sha256(value: Any, *_: Any) -> str:
    return hashlib.sha256(stringify(value).encode("utf-8", "surrogatepass")).hexdigest()


def _hmac_sha256(value: Any, key: Any = "", *_: Any) -> str:
    secret = stringify(key).encode("utf-8", "surrogatepass")
    return hmac.new(secret, stringify(value).encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def _date_as(pattern: str) -> Callable[..., Any]:
    def apply(value: Any, *_: Any) -> Any:
        return date_filter(value, pattern)

    return apply


def _date_to_string(month: str) -> Callable[..., Any]:
    """``date_to_string``/``date_to_long_string``, with ``ordinal`` and ``US`` styles."""

    def apply(value: Any, kind: Any = UNDEFINED, style: Any = UNDEFINED, *_: Any) -> Any:
        moment = parse_date(value)
        if moment is None:
            return value
        if kind == "ordinal":
            pattern = f"{month} {moment.day}%q, %Y" if style == "US" else f"{moment.day}%q {month} %Y"
            return strftime(moment, pattern)
        return strftime(moment, f"%d {month} %Y")

    return apply


def _inspect(value: Any, *_: Any) -> Any:
    return json_stringify(value)


MORE_FILTERS: dict[str, Callable[..., Any]] = {
    "sum": _sum,
    "push": _push,
    "unshift": _unshift,
    "pop": lambda value, *_: _to_array(value)[:-1],
    "shift": lambda value, *_: _to_array(value)[1:],
    "cgi_escape": _cgi_escape,
    "uri_escape": _uri_escape,
    "slugify": _slugify,
    "normalize_whitespace": lambda value, *_: re.sub(r"\s+", " ", stringify(value)),
    "number_of_words": _number_of_words,
    "base64_encode": _base64_encode,
    "base64_decode": _base64_decode,
    "sha256": _sha256,
    "hmac_sha256": _hmac_sha256,
    "date_to_xmlschema": _date_as("%Y-%m-%dT%H:%M:%S%:z"),
    "date_to_rfc822": _date_as("%a, %d %b %Y %H:%M:%S %z"),
    "date_to_string": _date_to_string("%b"),
    "date_to_long_string": _date_to_string("%B"),
    "inspect": _inspect,
}

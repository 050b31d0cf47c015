"""Reading the console's forms (``application/x-www-form-urlencoded``) without python-multipart.

Every console form is a few short text fields; the standard library parses them, so the console adds
no runtime dependency. Bodies over ``MAX_FORM_BYTES`` are refused (an event or mapping is far smaller).
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request

__all__ = ["FormFields", "read_form", "MAX_FORM_BYTES"]

MAX_FORM_BYTES = 1024 * 1024


class FormFields:
    """A parsed form: ``get`` the first value of a field, ``getlist`` all of them."""

    def __init__(self, values: dict[str, list[str]]) -> None:
        self._values = values

    def get(self, name: str, default: str | None = None) -> str | None:
        """The field's first value, or ``default``."""
        found = self._values.get(name)
        return found[0] if found else default

    def getlist(self, name: str) -> list[str]:
        """Every value of the field (ticked checkboxes), in order."""
        return list(self._values.get(name, []))


async def read_form(request: Request) -> FormFields:
    """The request's form fields (empty when the body is not a form or too large)."""
    cached = getattr(request.state, "console_form", None)
    if cached is not None:
        return cached
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        body = b""
    form = FormFields(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))
    request.state.console_form = form
    return form

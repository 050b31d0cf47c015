"""One record per event: create, update, upsert or delete, as the operation or sync mode says.

Both action generations come here with the mode in the V2 spelling (``add`` for the V1 ``create``).
What each mode needs, checked in Segment's order before any call:

* the object's needed fields (``last_name`` for a lead, ...) for ``add`` and ``upsert``;
* record matchers (``traits``) for ``update``, ``upsert`` and ``delete``; an ``Id`` among them
  skips the lookup for ``update`` and ``delete`` (an upsert always looks up, and creates on none);
* for ``customObject``, ``customFields`` for every mode but ``delete``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from framework.errors import IntegrationError, PayloadValidationError

from .rest import SalesforceREST

if TYPE_CHECKING:
    import requests

    from .objects import SObject

__all__ = ["write_record", "record_body", "V1_MODES", "matcher_operator", "require_custom_fields"]

V1_MODES = {"create": "add", "update": "update", "upsert": "upsert", "delete": "delete"}


def record_body(payload: dict[str, Any], sobject: SObject | None) -> dict[str, Any]:
    """The JSON Salesforce receives: the object's own fields, then ``customFields`` over them."""
    body = sobject.body(payload) if sobject is not None and not payload.get("customObjectName") else {}
    return {**body, **(payload.get("customFields") or {})}


def matcher_operator(payload: dict[str, Any]) -> str:
    """``OR`` (the default) or ``AND``; anything else is refused."""
    operator = payload.get("recordMatcherOperator")
    if operator is None:
        return "OR"
    if operator not in ("OR", "AND"):
        raise IntegrationError(f"Invalid SOQL operator - {operator}", "Invalid SOQL operator", 400)
    return str(operator)


def require_custom_fields(mode: str | None, payload: dict[str, Any]) -> None:
    """``customObject``: every mode but ``delete`` needs ``customFields`` (they are all it sends)."""
    if mode in ("add", "update", "upsert") and not payload.get("customFields"):
        raise PayloadValidationError("Custom fields are required for this operation.")


def _traits(payload: dict[str, Any], verb: str) -> dict[str, Any]:
    traits = payload.get("traits")
    if not traits:
        raise IntegrationError(f"Undefined Traits when using {verb} operation", "Undefined Traits", 400)
    return dict(traits)


def write_record(
    rest: SalesforceREST, mode: str | None, payload: dict[str, Any], sobject: SObject | None, name: str
) -> requests.Response | None:
    """Apply ``payload`` to the ``name`` object by ``mode``; None (nothing sent) for no mode."""
    missing = sobject.missing_message(payload) if sobject is not None else None
    if mode == "add":
        if missing:
            raise IntegrationError(missing, "Misconfigured required field", 400)
        return rest.create(name, record_body(payload, sobject))
    if mode in ("update", "upsert", "delete") and payload.get("traits") is None:
        raise IntegrationError("Undefined lookup traits for update or upsert operation",
                               "Misconfigured Required Field", 400)  # fmt: skip
    if mode == "update":
        traits = _traits(payload, "update")
        record_id = traits.get("Id") or rest.find_id(traits, name, matcher_operator(payload))
        return rest.update(name, str(record_id), record_body(payload, sobject))
    if mode == "upsert":
        if missing:
            raise IntegrationError(missing, "Misconfigured required field", 400)
        return _upsert(rest, payload, sobject, name)
    if mode == "delete":
        traits = _traits(payload, "delete")
        record_id = traits.get("Id") or rest.find_id(traits, name, matcher_operator(payload))
        return rest.delete(name, str(record_id))
    return None


def _upsert(rest: SalesforceREST, payload: dict[str, Any], sobject: SObject | None, name: str) -> requests.Response:
    traits = _traits(payload, "upsert")
    try:
        record_id = rest.find_id(traits, name, matcher_operator(payload))
    except IntegrationError as error:
        if error.code != "Record Not Found":  # only "none found" creates; a refused query fails
            raise
        return rest.create(name, record_body(payload, sobject))
    return rest.update(name, record_id, record_body(payload, sobject))

"""Dynamic fields: a field whose choices the destination's API gives (HubSpot properties, Klaviyo lists).

An action names a function per field key, as Segment's ``dynamicFields`` does; the function gets the
request client and the instance's settings, auth and the mapping's values so far (``data.payload``),
and ``data.page`` when the user asks for the next page::

    def list_choices(request, data):
        lists = request.get(f"{API}/lists/").data["data"]
        return DynamicChoices(choices=[Choice(label=item["name"], value=item["id"]) for item in lists])

    ActionDefinition(..., fields={"list_id": InputField(label="List", type="string", dynamic=True)},
                     dynamic_fields={"list_id": list_choices})

``actions fields SLUG ACTION FIELD --instance I`` prints the choices (framework.runtime.dynamic_fields);
the harness tests one with recorded replies (``IntegrationHarness.test_dynamic_field``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from framework.definition.fields import Choice

__all__ = ["DynamicChoices", "DynamicField"]

DynamicField = Callable[..., Any]  # (request, data) -> DynamicChoices


@dataclass(frozen=True)
class DynamicChoices:
    """Segment's ``DynamicFieldResponse``: the choices, the next page's token and an error to show."""

    choices: list[Choice] = field(default_factory=list)
    next_page: str | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Segment's shape: ``{choices: [{label, value}], nextPage?, error?: {message, code}}``."""
        answer: dict[str, Any] = {"choices": [{"label": c.label, "value": c.value} for c in self.choices]}
        if self.next_page is not None:
            answer["nextPage"] = self.next_page
        if self.error is not None:
            answer["error"] = {"message": self.error, "code": "DYNAMIC_FIELD_ERROR"}
        return answer

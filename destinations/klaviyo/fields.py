"""Fields the Klaviyo actions share: identifiers, profile attributes, the list, batching switches.

Defaults read where Segment's Klaviyo reads: the list actions take an Engage audience event
(``context.traits`` for identifiers, ``properties`` for attributes, the list from the audience's
settings or its external id); ``upsertProfile`` overrides the attribute defaults with ``traits``.
"""

from __future__ import annotations

from typing import Any

from framework.definition import InputField

__all__ = ["LIST_ID", "identifier_fields", "profile_fields", "batching_fields", "location_field"]

LIST_ID = InputField(
    label="List Id",
    description="The Klaviyo list the profile joins or leaves; by default the Engage audience's list.",
    type="string",
    required=True,
    unsafe_hidden=True,
    default={"@if": {"exists": {"@path": "$.context.personas.audience_settings.listId"},
                     "then": {"@path": "$.context.personas.audience_settings.listId"},
                     "else": {"@path": "$.context.personas.external_audience_id"}}},
)  # fmt: skip

_LOCATION_PARTS = {"address1": "Address 1", "address2": "Address 2", "city": "City", "region": "Region",
                   "zip": "ZIP", "latitude": "Latitude", "longitude": "Longitude", "country": "Country"}  # fmt: skip
_ADDRESS_SOURCES = {"city": "city", "region": "state", "zip": "postal_code", "address1": "street",
                    "country": "country"}  # fmt: skip


def location_field(bag: str) -> InputField:
    """The profile's address, read from ``$.<bag>.address``."""
    return InputField(
        label="Location",
        description="The person's address.",
        type="object",
        properties={
            key: InputField(label=label, type="string", allow_null=True) for key, label in _LOCATION_PARTS.items()
        },
        default={key: {"@path": f"$.{bag}.address.{source}"} for key, source in _ADDRESS_SOURCES.items()},
    )


def identifier_fields(email_path: str = "$.context.traits.email") -> dict[str, InputField]:
    """Email, phone number, its country and external id: one of email, phone and external id is needed."""
    return {
        "email": InputField(label="Email", description="The person's email address.", type="string",
                            format="email", default={"@path": email_path}),
        "phone_number": InputField(label="Phone Number", type="string", default={"@path": "$.context.traits.phone"},
                                   description="The person's phone number in E.164 format (+ and digits)."),
        "country_code": InputField(label="Country Code", type="string",
                                   description="ISO 3166-1 alpha-2 country of a national phone number."),
        "external_id": InputField(label="External ID", type="string", description=(
            "The person's id in your systems (at most 255 characters). One of External ID, Email or "
            "Phone Number is required.")),
    }  # fmt: skip


def profile_fields(bag: str) -> dict[str, InputField]:
    """Names, job, image, address and custom properties, read from ``$.<bag>``."""

    def text(label: str, description: str, path: str) -> InputField:
        return InputField(label=label, description=description, type="string", default={"@path": f"$.{bag}.{path}"})

    properties_default = {"@path": "$.properties"} if bag == "traits" else {"@path": "$.properties.properties"}
    return {
        "first_name": text("First Name", "The person's first name.", "firstName"),
        "last_name": text("Last Name", "The person's last name.", "lastName"),
        "organization": text("Organization", "The company the person works for.", "company.name"),
        "title": text("Title", "The person's job title.", "title"),
        "image": text("Image", "URL of the person's picture.", "avatar"),
        "location": location_field(bag),
        "properties": InputField(label="Properties", type="object", default=properties_default,
                                 description="Custom properties of the profile, key to value."),
    }  # fmt: skip


def batching_fields(
    batch_size: int, maximum: int, batch_keys: list[str], enabled: Any = True, minimum: int = 100
) -> dict[str, InputField]:
    """``enable_batching``, ``batch_size`` and ``batch_keys``: the mapping turns Klaviyo's bulk API on."""
    return {
        "enable_batching": InputField(label="Batch Data to Klaviyo", type="boolean", default=enabled,
                                      description="Send batches through Klaviyo's bulk API."),
        "batch_size": InputField(label="Batch Size", type="number", default=batch_size, minimum=minimum, maximum=maximum,
                                 description="The most events one batch holds."),
        "batch_keys": InputField(label="Batch Keys", type="string", multiple=True, unsafe_hidden=True,
                                 default=batch_keys, description="Fields whose values keep events in separate batches."),
    }  # fmt: skip

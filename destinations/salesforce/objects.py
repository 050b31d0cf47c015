"""The standard Salesforce objects the actions write: their fields, their JSON shape, what creating needs.

Each :class:`SObject` names the object's API name, the action's fields (keys as Segment keys them),
the Salesforce field each one fills (in the order Salesforce receives them: the body keeps that order
and ``JSON.stringify`` drops the fields left empty) and the fields a create or upsert cannot do
without. ``customObject`` writes any object and has no shape: only its ``customFields`` are sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from framework.definition import InputField

from .fields import either

__all__ = ["SObject", "LEAD", "CONTACT", "ACCOUNT", "OPPORTUNITY", "CASE", "STANDARD_OBJECTS"]


@dataclass(frozen=True)
class SObject:
    """One standard object as its actions see it."""

    name: str  # Salesforce's API name (the URL's ``sobjects/<name>``)
    plural: str  # for descriptions: "leads"
    # field key → (label, description, type, default mapping or None)
    fields: dict[str, tuple[str, str, str, Any]]
    # Salesforce field → payload key, in the body's order
    shape: dict[str, str]
    needed: tuple[str, ...] = ()  # payload keys a create or upsert requires
    subscription: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The object's own fields of the payload, Salesforce-named, empty ones left out."""
        shaped = {name: payload.get(key) for name, key in self.shape.items()}
        return {name: value for name, value in shaped.items() if value is not None}

    def missing_message(self, payload: dict[str, Any]) -> str | None:
        """Segment's message when a create or upsert lacks a needed field, else None."""
        if all(payload.get(key) for key in self.needed):
            return None
        if len(self.needed) == 1:
            return f"Missing {self.needed[0]} value"
        return f"Missing {', '.join(self.needed[:-1])} or {self.needed[-1]} value"

    def input_fields(self, depends_on: dict[str, Any]) -> dict[str, InputField]:
        """The object's fields as action fields, each shown unless the record is being deleted."""
        return {
            key: InputField(label=label, description=description, type=kind, default=default, depends_on=depends_on)
            for key, (label, description, kind, default) in self.fields.items()
        }


def _text(label: str, description: str, default: Any = None) -> tuple[str, str, str, Any]:
    return (label, description, "string", default)


def _address(prefix: str, owner: str) -> dict[str, tuple[str, str, str, Any]]:
    """City, postal code, country, street and state of ``owner``'s address, read from ``traits.address``."""
    parts = {"city": "City", "postal_code": "Postal Code", "country": "Country", "street": "Street", "state": "State"}
    return {f"{prefix}{key}": _text(f"{prefix.replace('_', ' ').title()}{label}".strip(),
                                    f"{label} of {owner}.", either(f"address.{key}"))
            for key, label in parts.items()}  # fmt: skip


LEAD = SObject(
    name="Lead",
    plural="leads",
    subscription='type = "identify"',
    fields={
        "company": _text("Company", "The lead's company. Required to create a lead.", either("company")),
        "last_name": _text("Last Name", "The lead's last name. Required to create a lead.", either("last_name")),
        "first_name": _text("First Name", "The lead's first name.", either("first_name")),
        "email": _text("Email", "The lead's email address.", either("email")),
        **_address("", "the lead's address"),
    },
    shape={"LastName": "last_name", "Company": "company", "FirstName": "first_name", "State": "state",
           "Street": "street", "Country": "country", "PostalCode": "postal_code", "City": "city", "Email": "email"},
    needed=("last_name",),
)  # fmt: skip

CONTACT = SObject(
    name="Contact",
    plural="contacts",
    fields={
        "last_name": _text("Last Name", "The contact's last name (up to 80 characters). Required to create a contact.",
                           either("last_name")),
        "first_name": _text("First Name", "The contact's first name (up to 40 characters).", either("first_name")),
        "account_id": _text("Account ID", "The Salesforce id of the contact's account (such as 0018c00002CDThnAAH)."),
        "email": _text("Email", "The contact's email address.", either("email")),
        **_address("mailing_", "the contact's mailing address"),
    },
    shape={"LastName": "last_name", "FirstName": "first_name", "AccountId": "account_id", "Email": "email",
           "MailingState": "mailing_state", "MailingStreet": "mailing_street", "MailingCountry": "mailing_country",
           "MailingPostalCode": "mailing_postal_code", "MailingCity": "mailing_city"},
    needed=("last_name",),
)  # fmt: skip

_BILLING = _address("billing_", "the account's billing address")
_SHIPPING = {key: (label, description, kind, None)
             for key, (label, description, kind, _) in _address("shipping_", "the account's shipping address").items()}  # fmt: skip
ACCOUNT = SObject(
    name="Account",
    plural="accounts",
    subscription='type = "group"',
    fields={
        "name": _text("Name", "The account's name. Required to create an account.", {"@path": "$.traits.name"}),
        "account_number": _text("Account Number", "Your number for the account (not Salesforce's record id).",
                                {"@path": "$.groupId"}),
        "number_of_employees": ("Number of employees", "How many people work at the account's company.", "integer",
                                either("employees")),
        **_BILLING,
        **_SHIPPING,
        "phone": _text("Phone", "The account's phone number.", either("phone")),
        "description": _text("Description", "A text description of the account.", either("description")),
        "website": _text("Website", "The account's website.", either("website")),
    },
    shape={"Name": "name", "AccountNumber": "account_number", "NumberOfEmployees": "number_of_employees",
           "BillingCity": "billing_city", "BillingPostalCode": "billing_postal_code",
           "BillingCountry": "billing_country", "BillingStreet": "billing_street", "BillingState": "billing_state",
           "ShippingCity": "shipping_city", "ShippingPostalCode": "shipping_postal_code",
           "ShippingCountry": "shipping_country", "ShippingStreet": "shipping_street",
           "ShippingState": "shipping_state", "Phone": "phone", "Description": "description", "Website": "website"},
    needed=("name",),
)  # fmt: skip

OPPORTUNITY = SObject(
    name="Opportunity",
    plural="opportunities",
    fields={
        "close_date": _text("Close Date", "When the opportunity should close (yyyy-MM-dd). Required to create one."),
        "name": _text("Name", "The opportunity's name. Required to create one."),
        "stage_name": _text("Stage Name", "The opportunity's current stage. Required to create one."),
        "amount": _text("Amount", "The estimated total sale amount."),
        "description": _text("Description", "A text description of the opportunity."),
    },
    shape={"Amount": "amount", "CloseDate": "close_date", "Description": "description", "Name": "name",
           "StageName": "stage_name"},
    needed=("close_date", "name", "stage_name"),
)  # fmt: skip

CASE = SObject(
    name="Case",
    plural="cases",
    fields={"description": _text("Description", "A text description of the case.")},
    shape={"Description": "description"},
)

STANDARD_OBJECTS = {"lead": LEAD, "contact": CONTACT, "account": ACCOUNT, "opportunity": OPPORTUNITY, "cases": CASE}

"""The fields Facebook's actions share: keys, types and defaults exactly Segment's, labels our own."""

from __future__ import annotations

from typing import Any

from framework.definition import Choice, InputField

__all__ = ["APP_DATA", "USER_DATA", "commerce_fields", "common_fields", "contents_from", "tail_fields"]


def _text(label: str, description: str = "", **options: Any) -> InputField:
    return InputField(label=label, description=description, type="string", **options)


def _pii(label: str, description: str) -> InputField:
    return _text(label, description + " Normalised and SHA-256 hashed before sending.", category="hashedPII")


USER_DATA = InputField(
    label="User Data",
    description="Who did it: identifiers Facebook matches people with (at least one is needed).",
    type="object",
    required=True,
    properties={
        "externalId": _text(
            "External ID", "IDs of the user in your systems; hashed.", multiple=True, category="hashedPII"
        ),  # fmt: skip
        "email": _pii("Email", "Email address."),
        "phone": _pii("Phone", "Phone number with country code; only its digits are kept."),
        "gender": _pii("Gender", "f or m (female and male are turned into them)."),
        "dateOfBirth": _pii("Date of Birth", "Year, month and day as YYYYMMDD."),
        "lastName": _pii("Last Name", "Family name."),
        "firstName": _pii("First Name", "Given name."),
        "city": _pii("City", "City name; spaces removed."),
        "state": _pii("State", "Two-letter state code, or a US state's name."),
        "zip": _pii("Zip Code", "Postal code."),
        "country": _pii("Country", "Two-letter country code, or a country's name."),
        "client_ip_address": _text("Client IP Address", "The browser's IP address."),
        "client_user_agent": _text("Client User Agent", "The browser's user agent; needed for website events."),
        "fbc": _text("Click ID", "The _fbc cookie's value."),
        "fbp": _text("Browser ID", "The _fbp cookie's value."),
        "subscriptionID": _text("Subscription ID", "The user's subscription ID in this transaction."),
        "leadID": InputField(label="Lead ID", description="The Lead Ads lead's ID.", type="integer"),
        "fbLoginID": InputField(label="Facebook Login ID", description="The app-scoped login ID.", type="integer"),
        "anonId": _text("Install ID (anon_id)", "The app installation's ID (app events only)."),
        "madId": _text("Advertiser ID (madid)", "The mobile advertising ID (IDFA or Android's)."),
        "partner_id": _text("Partner ID", "The ID an identity partner gave."),
        "partner_name": _text("Partner Name", "That identity partner's name."),
    },
    default={
        "externalId": {
            "@if": {"exists": {"@path": "$.userId"}, "then": {"@path": "$.userId"}, "else": {"@path": "$.anonymousId"}}
        },  # fmt: skip
        "email": {"@path": "$.context.traits.email"},
        "phone": {"@path": "$.context.traits.phone"},
        "dateOfBirth": {"@path": "$.context.traits.birthday"},
        "lastName": {"@path": "$.context.traits.lastName"},
        "firstName": {"@path": "$.context.traits.firstName"},
        "city": {"@path": "$.context.traits.address.city"},
        "state": {"@path": "$.context.traits.address.state"},
        "zip": {"@path": "$.context.traits.address.postalCode"},
        "client_ip_address": {"@path": "$.context.ip"},
        "client_user_agent": {"@path": "$.context.userAgent"},
        "fbc": {"@path": "$.properties.fbc"},
        "fbp": {"@path": "$.properties.fbp"},
    },
)

# Keys of the app_data field whose values make up ``extinfo``, in Facebook's order.
EXTINFO_KEYS = ["version", "packageName", "shortVersion", "longVersion", "osVersion", "deviceName", "locale",
                "timezone", "carrier", "width", "height", "density", "cpuCores", "storageSize", "freeStorage",
                "deviceTimezone"]  # fmt: skip

APP_DATA = InputField(
    label="App Events Fields",
    description="For app events (sent to a dataset's ID as the pixel ID): the device and app.",
    type="object",
    properties={
        "use_app_data": InputField(
            label="Send App Events?", description="Off unless set.", type="boolean", default=False
        ),  # fmt: skip
        "advertiser_tracking_enabled": InputField(
            label="Advertiser Tracking Enabled", type="boolean", description="iOS 14.5+ ATT permission."
        ),  # fmt: skip
        "application_tracking_enabled": InputField(
            label="Application Tracking Enabled", type="boolean", description="The user's app-level ad tracking choice."
        ),  # fmt: skip
        "version": _text(
            "ExtInfo Version",
            "i2 for iOS, a2 for Android.",
            choices=[Choice(label="iOS", value="i2"), Choice(label="Android", value="a2")],
        ),  # fmt: skip
        "packageName": _text("Package Name"),
        "shortVersion": _text("Short Version"),
        "longVersion": _text("Long Version"),
        "osVersion": _text("OS Version"),
        "deviceName": _text("Device Model Name"),
        "madId": _text("Advertiser ID (madid)", "The mobile advertising ID."),
        "locale": _text("Locale"),
        "timezone": _text("Timezone Abbreviation"),
        "carrier": _text("Carrier Name"),
        "width": _text("Screen Width"),
        "height": _text("Screen Height"),
        "density": _text("Screen Density"),
        "cpuCores": _text("CPU Cores"),
        "storageSize": _text("Storage Size in GBs"),
        "freeStorage": _text("Free Storage in GBs"),
        "deviceTimezone": _text("Device Timezone"),
    },
    default={
        "application_tracking_enabled": {"@path": "$.context.device.adTrackingEnabled"},
        "packageName": {"@path": "$.context.app.namespace"},
        "longVersion": {"@path": "$.context.app.version"},
        "osVersion": {"@path": "$.context.os.version"},
        "deviceName": {"@path": "$.context.device.model"},
        "locale": {"@path": "$.context.locale"},
        "carrier": {"@path": "$.context.network.carrier"},
        "width": {"@path": "$.context.screen.width"},
        "height": {"@path": "$.context.screen.height"},
        "density": {"@path": "$.context.screen.density"},
        "deviceTimezone": {"@path": "$.context.timezone"},
        "madId": {"@path": "$.context.madId"},
    },
)

ACTION_SOURCES = ["email", "website", "app", "phone_call", "chat", "physical_store", "system_generated", "other"]
STATE_CHOICES = [(0, "Use Facebook's Geolocation Logic"), (1000, "California"), (1001, "Colorado"),
                 (1002, "Connecticut"), (1003, "Florida"), (1004, "Oregon"), (1005, "Texas"), (1006, "Montana"),
                 (1007, "Delaware"), (1008, "Nebraska"), (1009, "New Hampshire"), (1010, "New Jersey")]  # fmt: skip


def common_fields() -> dict[str, InputField]:
    """Fields every action has, in Segment's order around the action's own (see the actions)."""
    return {
        "action_source": InputField(
            label="Action Source",
            description="Where the conversion happened.",
            type="string",
            required=True,
            choices=[Choice(label=source.replace("_", " ").upper(), value=source) for source in ACTION_SOURCES],
        ),  # fmt: skip
        "event_time": _text(
            "Event Time", "When it happened: Unix seconds or ISO 8601.", required=True, default={"@path": "$.timestamp"}
        ),  # fmt: skip
        "user_data": USER_DATA,
        "app_data_field": APP_DATA,
    }


def tail_fields() -> dict[str, InputField]:
    """The fields after the action's own: ids, URL, custom data, data processing options, test code."""
    return {
        "event_id": _text("Event ID", "Deduplicates against the Pixel's events.", default={"@path": "$.messageId"}),
        "event_source_url": _text(
            "Event Source URL", "The page's URL (needed for website events).", default={"@path": "$.context.page.url"}
        ),  # fmt: skip
        "custom_data": InputField(
            label="Custom Data",
            description="Custom properties for Facebook.",
            type="object",
            default_object_ui="keyvalue",
        ),  # fmt: skip
        "data_processing_options": InputField(
            label="Data Processing Options", type="boolean", description="Ask for Limited Data Use (LDU) processing."
        ),  # fmt: skip
        "data_processing_options_country": InputField(
            label="Data Processing Country",
            description="1 for the USA, 0 for Facebook's geolocation (default).",
            type="number",
            choices=[
                Choice(label="Use Facebook's Geolocation Logic", value=0),
                Choice(label="United States of America", value=1),
            ],
        ),  # fmt: skip
        "data_processing_options_state": InputField(
            label="Data Processing State",
            description="The US state's code, 0 for Facebook's geolocation (default).",
            type="number",
            choices=[Choice(label=label, value=value) for value, label in STATE_CHOICES],
        ),  # fmt: skip
        "test_event_code": _text("Test Event Code", "Marks events as test events; overrides the setting."),
    }


def contents_from(path: str) -> dict[str, Any]:
    """A ``contents`` default: each product under ``path`` (an array, or one object) as id, quantity, price."""
    item = {"id": {"@path": "$.product_id"}, "quantity": {"@path": "$.quantity"}, "item_price": {"@path": "$.price"}}
    return {"@arrayPath": [path, item]}


def commerce_fields() -> dict[str, InputField]:
    """Currency, value and contents fields of the commerce events (purchase and the others)."""
    return {
        "currency": _text("Currency", "ISO 4217 currency code.", default={"@path": "$.properties.currency"}),
        "value": InputField(
            label="Value", description="The event's value (money or another metric).", type="number"
        ),  # fmt: skip
        "net_revenue": InputField(label="Net Revenue", description="The purchase's net revenue.", type="number"),
        "content_category": _text("Content Category", "The category of the content."),
        "content_ids": _text("Content IDs", "Product IDs such as SKUs.", multiple=True),
        "content_name": _text("Content Name", "The page's or product's name."),
        "content_type": _text("Content Type", "product or product_group."),
        "contents": InputField(
            label="Contents",
            description="The products: id (required), quantity, price, delivery category.",
            type="object",
            multiple=True,
            properties={
                "id": _text("ID", "The product's ID."),
                "quantity": InputField(label="Quantity", description="How many.", type="integer"),
                "item_price": InputField(label="Item Price", description="Price of one.", type="number"),
                "delivery_category": _text("Delivery Category", "in_store, curbside or home_delivery."),
            },
            default={
                "@arrayPath": [
                    "$.properties.products",
                    {
                        "id": {"@path": "$.product_id"},
                        "quantity": {"@path": "$.quantity"},
                        "item_price": {"@path": "$.price"},
                    },
                ]
            },
        ),  # fmt: skip
        "num_items": InputField(label="Number of Items", description="How many items.", type="integer"),
    }

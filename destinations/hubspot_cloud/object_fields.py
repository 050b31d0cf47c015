"""The fields of ``upsertObject`` (Custom Object V2), as Segment's action declares them.

The record is named by ``object_details`` (object type, the unique id property and its value, and
the property group new properties go into); associations name the other record the same way. The
hidden Engage fields (``traits_or_props``, ``computation_key``, ``computation_class``) and
``list_details``/``dissociations`` are declared so mappings load unchanged; the action does not act
on them yet (list membership and dissociations sit behind a Segment feature flag).
"""

from __future__ import annotations

from typing import Any

from framework.definition import Choice, InputField

__all__ = ["FIELDS"]

PICKED_ONLY: list[Any] = ["literal", "variable", "function", "freeform", "enrichment"]
NO_LITERAL: list[Any] = ["literal", "freeform"]


def _picked(label: str, description: str, *, required: bool = True, dynamic: bool = True) -> InputField:
    """A text field the user picks from HubSpot's choices (no literal or computed value)."""
    return InputField(label=label, description=description, type="string", required=required, dynamic=dynamic,
                      allow_null=False, disabled_input_methods=PICKED_ONLY)  # fmt: skip


def _links(verb: str, label: str, description: str, label_description: str) -> InputField:
    return InputField(
        label=label, description=description, type="object", multiple=True, default_object_ui="arrayeditor",
        additional_properties=False,
        properties={
            "object_type": _picked("To Object Type", "The type of associated Hubspot Object."),
            "association_label": _picked("Association Label", label_description),
            "id_field_name": _picked("To Object ID Field Name",
                                     f"The name of the unique field Segment will use as an identifier when {verb} "
                                     "record. The unique field name must already exist on the Object in Hubspot."),
            "id_field_value": InputField(label="To Object ID Field Value", type="string",
                                         description="The value of the identifier for the record to be associated "
                                                     "with"),
        },
    )  # fmt: skip


FIELDS: dict[str, InputField] = {
    "object_details": InputField(
        label="Object Details", description="Details of the object to associate the record with", type="object",
        required=True, default_object_ui="keyvalue:only", additional_properties=False,
        properties={
            "object_type": _picked("Object Type", "The type of Hubspot Object to add/update a record for."),
            "id_field_name": _picked("Object ID Field Name", "The name of the ID field for the record."),
            "id_field_value": InputField(label="Object ID Field Value", description="The ID value for the record.",
                                         type="string", required=True, allow_null=False),
            "property_group": _picked("Property Group", "Segment can new create properties on the object if needed. "
                                      "To enable this select the property group for Segment to add new properties "
                                      "to. To disable leave this field blank.", required=False),
        }),
    "properties": InputField(label="Properties", description="Properties to set on the record.", type="object",
                             default_object_ui="keyvalue", dynamic=True, additional_properties=True),
    "sensitive_properties": InputField(label="Sensitive Properties", type="object", default_object_ui="keyvalue",
                                       description="Sensitive Properties to set on the record.", dynamic=True,
                                       additional_properties=True),
    "association_sync_mode": InputField(
        label="Associated Record Sync Mode", type="string", default="upsert", required=True,
        description="Specify if Segment create associated records in Hubspot. Records will only be created if the "
                    "record requires a single identifier field and does not require property fields to be set upon "
                    "creation.",
        choices=[Choice(label="Create", value="upsert"), Choice(label="Do not create", value="read")],
        disabled_input_methods=PICKED_ONLY),
    "associations": _links("associating the record to another", "Associations to add",
                           "Associations to create between the record and other records.",
                           "The Association label to apply between the two records. The Association label must "
                           "already exist in Hubspot."),
    "dissociations": _links("disassociating the record from another", "Associations to remove (BETA)",
                            "Remove Association Labels from an Association between two records (not acted on "
                            "yet: see the FAQ).",
                            "The Association label to remove between the two records."),
    "list_details": InputField(
        label="List Details (BETA)", type="object", default_object_ui="keyvalue:only", additional_properties=False,
        description="Details of the list to add or remove the record from (not acted on yet: see the FAQ).",
        properties={
            "connected_to_engage_audience": InputField(label="Connecting to Engage Audience", type="boolean",
                                                       description="Set to true if syncing an Engage Audience to a "
                                                                   "Hubspot list, false otherwise.",
                                                       disabled_input_methods=NO_LITERAL),
            "list_name": InputField(label="List Name", type="string", allow_null=False, dynamic=True,
                                    description="The name of the Hubspot List to add or remove the record from."),
            "list_action": InputField(label="List Action", type="boolean", allow_null=False,
                                      description="true = add to list, false = remove from list.",
                                      disabled_input_methods=NO_LITERAL),
            "should_create_list": InputField(label="Create List", type="boolean",
                                             description="If true, Segment will create the list in Hubspot if it "
                                                         "does not already exist.",
                                             disabled_input_methods=NO_LITERAL),
        },
        default={"connected_to_engage_audience": False, "should_create_list": True}),
    "enable_batching": InputField(label="Batch Data to Hubspot by default", type="boolean", default=True,
                                  description="By default Segment batches events to Hubspot.", unsafe_hidden=True),
    "batch_size": InputField(label="Batch Size", type="number", required=True, default=100, unsafe_hidden=True,
                             description="Maximum number of events to include in each batch."),
    "batch_keys": InputField(label="Batch Keys", type="string", multiple=True, default=["list_details"],
                             unsafe_hidden=True, description="The keys to use for batching the events."),
    "timestamp": InputField(label="Timestamp", type="string", default={"@path": "$.timestamp"},
                            disabled_input_methods=PICKED_ONLY,
                            description="The time the event occurred. This will be used to de-duplicate the events "
                                        "before sending them to hubspot."),
    "traits_or_props": InputField(label="traits or properties object", type="object", unsafe_hidden=True,
                                  description="Hidden field: Object which to get the traits or properties object "
                                              "from Engage Audience payloads.",
                                  default={"@if": {"exists": {"@path": "$.properties"},
                                                   "then": {"@path": "$.properties"},
                                                   "else": {"@path": "$.traits"}}}),
    "computation_key": InputField(label="Engage Audience Computation Key", type="string", unsafe_hidden=True,
                                  default={"@path": "$.context.personas.computation_key"},
                                  description="Hidden field: Engage Audience Computation Key refers to the audience "
                                              "slug name in an Engage Audience payload."),
    "computation_class": InputField(label="Engage Audience Computation Class", type="string", unsafe_hidden=True,
                                    default={"@path": "$.context.personas.computation_class"},
                                    description="Hidden field: Engage Audience Computation Class indicates if the "
                                                "payload is from an Engage Audience or not."),
}  # fmt: skip

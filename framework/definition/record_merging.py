"""``RecordMerging``: what an action declares so queued payloads for one record may be sent as one.

An action that writes one record per call (Pardot's prospect upsert) can name the payload field that
identifies the record, the field whose presence changes that identity (a barrier nothing is merged
across), an object field whose entries are written over the top-level fields (Pardot's
``customFields``), and the fields that change how the record is looked up (merged only when equal).
``framework.delivery.merging`` reads it; nothing else does::

    RecordMerging(identity="email", identity_change="customFields.email", overlay="customFields",
                  lookup_fields=("secondaryDeletedSearch",), safe=True)
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["RecordMerging"]


class RecordMerging(BaseModel):
    """How payloads of one action identify the record they write, for merging queued updates.

    ``safe`` says whether merging is on by default: only an action whose write is "later values win,
    field by field, absent means unchanged" may set it, because merging assumes exactly that.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    identity: str = Field(min_length=1, description="payload field naming the record written (Pardot: email)")
    identity_change: str | None = Field(
        default=None, description="dotted payload path whose presence changes the record's identity: a barrier"
    )
    overlay: str | None = Field(
        default=None, description="object field whose entries are written over top-level fields of the same name"
    )
    lookup_fields: tuple[str, ...] = Field(
        default=(), description="fields that change how the record is found; payloads merge only when equal"
    )
    safe: bool = Field(default=False, description="merging is on by default for this action")

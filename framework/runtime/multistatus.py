"""``MultiStatusResponse``: a batch's answer item by item, in Segment's shape, with a Resolution each.

``perform_batch`` (and ``poll``) return one to say what happened to every payload it was given, in
order, so delivery acknowledges, retries or dead-letters each job by its own item and never the whole
batch for one bad row::

    statuses = MultiStatusResponse()
    statuses.push_success(200, sent=payload, body={"id": 7})
    statuses.push_error(400, "Invalid prospect email address", sent=payload, errortype="4")

An error's :class:`~framework.errors.Resolution` is given, or derived from its status through
``framework.errors.resolution_for`` (the one place that decides). ``to_dict`` gives Segment's node
shapes (``{status, sent, body}`` and ``{status, errortype, errormessage, sent, body, errorreporter}``).

An item the action chose not to send (``push_not_tried``: it must wait behind another item of the
batch that failed, as it would wait behind it per event) is an :class:`ItemNotTried`: delivery hands
its job back to the queue untried, without counting an attempt. It is an ``ItemError`` (retryable,
503) for anything that does not know the difference.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from framework.errors import IntegrationError, Resolution, error_code_for_status, resolution_for

__all__ = ["ItemSuccess", "ItemError", "ItemNotTried", "ItemStatus", "MultiStatusResponse", "item_error_from"]


@dataclass(frozen=True)
class ItemSuccess:
    """One payload the destination accepted."""

    status: int = 200
    sent: Any = None
    body: Any = None

    @property
    def resolution(self) -> Resolution:
        return Resolution.SUCCESS

    def to_dict(self) -> dict[str, Any]:
        """Segment's success node."""
        return {"status": self.status, "sent": self.sent, "body": self.body}


@dataclass(frozen=True)
class ItemError:
    """One payload the destination refused or could not take, and what delivery should do about it."""

    status: int
    errormessage: str
    errortype: str = ""
    resolution: Resolution = Resolution.TERMINAL
    sent: Any = None
    body: Any = None
    retry_after: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Segment's error node (``errorreporter`` is DESTINATION when the destination answered)."""
        node: dict[str, Any] = {"status": self.status, "errortype": self.errortype, "errormessage": self.errormessage}
        if self.sent is not None:
            node["sent"] = self.sent
        if self.body is not None:
            node["body"] = self.body
        node["errorreporter"] = "DESTINATION" if self.sent is not None or self.body is not None else "INTEGRATIONS"
        return node

    @classmethod
    def from_dict(cls, node: dict[str, Any]) -> ItemError:
        """The error node back from ``to_dict`` plus its ``resolution`` (how an async job stores it);
        a node with ``"tried": false`` comes back as an :class:`ItemNotTried`."""
        if node.get("tried") is False:
            return ItemNotTried(
                errormessage=str(node.get("errormessage", "")),
                errortype=str(node.get("errortype", "")),
                sent=node.get("sent"),
            )
        return cls(
            status=int(node["status"]),
            errormessage=str(node.get("errormessage", "")),
            errortype=str(node.get("errortype", "")),
            sent=node.get("sent"),
            body=node.get("body"),
            resolution=Resolution(node.get("resolution", Resolution.TERMINAL.value)),
        )


@dataclass(frozen=True)
class ItemNotTried(ItemError):
    """One payload the action did not send on purpose, so that it is not sent before another that failed.

    Delivery puts its job back in the queue as it was (no attempt counted or recorded): it is sent
    again after the item it waits for, as per-event delivery would. Only for an item held behind
    another item of the same batch that was tried; a batch that tries none of its items gets a
    retryable error for each instead (``framework.runtime.batch.statuses_of``).
    """

    status: int = 503
    errormessage: str = "not sent: it waits behind an earlier item that failed"
    errortype: str = "NOT_TRIED"
    resolution: Resolution = Resolution.RETRY

    def to_dict(self) -> dict[str, Any]:
        """Segment's error node, marked ``"tried": false`` (what ``ItemError.from_dict`` reads back)."""
        return {**super().to_dict(), "tried": False}


ItemStatus = ItemSuccess | ItemError


def item_error_from(error: BaseException, sent: Any = None) -> ItemError:
    """The item error an exception stands for: its status, message, code and Resolution."""
    status = getattr(error, "status", None)
    status = status if isinstance(status, int) else 500
    return ItemError(
        status=status,
        errormessage=str(error) or type(error).__name__,
        errortype=getattr(error, "code", "") or error_code_for_status(status),
        resolution=resolution_for(error),
        sent=sent,
        retry_after=getattr(error, "retry_after", None),
    )


class MultiStatusResponse:
    """One status per payload of a batch, in the order of the payloads."""

    def __init__(self, items: list[ItemStatus] | None = None) -> None:
        self._items: list[ItemStatus] = list(items or [])

    def push_success(self, status: int = 200, *, sent: Any = None, body: Any = None) -> None:
        """Record the next payload as accepted."""
        self._items.append(ItemSuccess(status, sent, body))

    def push_error(
        self,
        status: int,
        message: str,
        *,
        errortype: str = "",
        sent: Any = None,
        body: Any = None,
        resolution: Resolution | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Record the next payload as failed; without ``resolution`` its status decides (resolution_for)."""
        if resolution is None:
            resolution = resolution_for(IntegrationError(message, errortype, status))
        self._items.append(
            ItemError(status, message, errortype or error_code_for_status(status), resolution, sent, body, retry_after)
        )

    def push_not_tried(self, message: str, *, errortype: str = "NOT_TRIED", sent: Any = None) -> None:
        """Record the next payload as held back without a call (an :class:`ItemNotTried`)."""
        self._items.append(ItemNotTried(errormessage=message, errortype=errortype, sent=sent))

    def push(self, item: ItemStatus) -> None:
        """Record an already-built status for the next payload."""
        self._items.append(item)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[ItemStatus]:
        return iter(self._items)

    def __getitem__(self, position: int) -> ItemStatus:
        return self._items[position]

    def to_list(self) -> list[dict[str, Any]]:
        """Segment's multistatus list."""
        return [item.to_dict() for item in self._items]

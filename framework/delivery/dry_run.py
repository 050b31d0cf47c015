"""``replay --dry-run``: every event through the instance with nothing sent, no queue, memory flat.

The session's transport answers every request in-process with an empty ``200 {}`` and keeps nothing
(the test transport records every request, which cost 675 MB per 100,000 events). Each event's
results are handed to ``on_results`` (to print the redacted requests) and then dropped, so memory
stays flat whatever the size of the input. Events run one at a time, in file order, so the printed
requests read in the order of the events.

What a dry run never shows is not computed: filtered results come without the trigger's explanation
(``filtered_reasons=False``), the canned reply is never redacted (only the request is printed), and the
reply skips ``Session.send`` (``AcceptingAdapter.answers_directly``). The request printed is still the
one a real send would prepare, byte for byte (tests/delivery/test_dry_run.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import requests
from requests.adapters import BaseAdapter

from framework.delivery.run_tally import RunTally
from framework.events import BadLine, EventRecord
from framework.http.client import case_insensitive_from_store
from framework.http.direct import DirectResponse

if TYPE_CHECKING:
    from framework.instance import DestinationInstance
    from framework.runtime import SubscriptionResult

__all__ = ["AcceptingAdapter", "dry_run_session", "dry_run"]

_EMPTY_JSON = b"{}"
_JSON_HEADERS = {"content-type": ("Content-Type", "application/json")}  # a CaseInsensitiveDict's store


class AcceptingAdapter(BaseAdapter):
    """A ``requests`` transport that answers every request with ``200 {}`` and records nothing.

    ``answers_directly`` tells the request client that ``Session.send``'s extra work (response hooks,
    cookie extraction, redirects) has nothing to do for its replies, which set no cookie and never
    redirect, so the client hands the prepared request straight to ``send``: that work was a fifth of
    a dry run's time. The request itself is prepared exactly as for a real send.
    """

    answers_directly = True

    def send(  # type: ignore[override]  # requests passes stream, timeout, ... by keyword; none matter here
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        """``200 {}`` for ``request``, built in-process (a ``DirectResponse``: no cookie jar made)."""
        response = DirectResponse(200, "OK", case_insensitive_from_store(_JSON_HEADERS), _EMPTY_JSON)
        response.encoding = "utf-8"
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        """Nothing to release."""


def dry_run_session() -> requests.Session:
    """A session whose every request is answered in-process: nothing leaves the machine."""
    session = requests.Session()
    adapter = AcceptingAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def dry_run(
    instance: DestinationInstance,
    items: Iterable[EventRecord | BadLine],
    tally: RunTally,
    *,
    on_results: Callable[[EventRecord, list[SubscriptionResult]], None] | None = None,
    on_event: Callable[[], None] | None = None,
) -> None:
    """Run every event through ``instance`` (whose session must be a ``dry_run_session``), counting results."""
    tally.dry_run = True
    for item in items:
        if isinstance(item, BadLine):
            tally.add_bad_line(str(item))
        else:
            tally.events_read += 1
            results = instance.send(item.event, filtered_reasons=False)  # the tally never shows them
            for result in results:
                tally.add_result(result.index, result.subscription, result.status.value, result.reason, item.location)
            if on_results is not None:
                on_results(item, results)
        if on_event is not None:
            on_event()

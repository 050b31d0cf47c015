"""The one request client: options, hooks, timeouts, Retry-After, recorded and redacted exchanges.

Public surface (see docs/architecture.md)::

    RequestClient(session=None, *, options=None)  .request/.get/.post/.put/.patch/.delete/.extend/.exchanges
    response_data(response)  the parsed body the client attaches to each response
    header_of(headers, name)  a header's value or None, cheaply on a requests CaseInsensitiveDict
    RecordedExchange, redact_headers, redact_body, redact_url, parse_retry_after
"""

from framework.http.client import USER_AGENT, RequestClient, header_of, response_data
from framework.http.exchanges import RecordedExchange
from framework.http.forms import FORM_CONTENT_TYPE, encode_form
from framework.http.options import DEFAULT_TIMEOUT, merge_headers, merge_options
from framework.http.redaction import REDACTED, redact_body, redact_headers, redact_text, redact_url
from framework.http.retry_after import parse_retry_after

__all__ = [
    "DEFAULT_TIMEOUT",
    "FORM_CONTENT_TYPE",
    "REDACTED",
    "USER_AGENT",
    "RecordedExchange",
    "RequestClient",
    "encode_form",
    "header_of",
    "merge_headers",
    "merge_options",
    "parse_retry_after",
    "redact_body",
    "redact_headers",
    "redact_text",
    "redact_url",
    "response_data",
]

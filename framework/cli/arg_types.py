"""Argument types that refuse an impossible number at parse time: one line, exit 2, no traceback.

argparse prints ``error: argument --port: ...`` with the message of the ``ArgumentTypeError``.
"""

from __future__ import annotations

import argparse

__all__ = ["port_number", "job_id", "MAX_JOB_ID"]

MAX_JOB_ID = 2**63 - 1  # both queues store ids as signed 64-bit integers


def port_number(text: str) -> int:
    """A TCP port, 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number: give 0-65535 (0: any free port)") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is out of range: a port is 0-65535 (0: any free port)")
    return port


def job_id(text: str) -> int:
    """A job id as ``actions dlq list`` shows it: a positive 64-bit integer."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a job id: ids are whole numbers, see actions dlq list"
        ) from None
    if not 1 <= value <= MAX_JOB_ID:
        raise argparse.ArgumentTypeError(
            f"{text} is not a job id: ids are 1 to {MAX_JOB_ID}; see actions dlq list for the ones there are"
        )
    return value

"""The summary every delivering command ends with: one reconciled row per subscription, then why.

Reads ``RunTally.summary()`` (plain data) and lays it out; counting lives in ``framework.delivery``.
"""

from __future__ import annotations

import time
from typing import Any

from framework.cli.table import render_table

__all__ = ["summary_text", "waiting_text"]

_HEADERS = [
    "subscription",
    "read",
    "filtered",
    "invalid",
    "repeated",
    "done before",
    "delivered",
    "dead-lettered",
    "still queued",
]
_KEYS = ["read", "filtered", "invalid", "repeated", "done_before", "delivered", "dead_lettered", "still_queued"]


def summary_text(summary: dict[str, Any], bad_lines: list[str]) -> str:
    """Headline, the per-subscription table, the reconciliation, bad lines and top reasons."""
    parts = [f"Events read: {summary['events_read']}   Bad lines (not events): {summary['bad_lines']}"]
    rows = summary["subscriptions"]
    if rows:
        headers = (
            _HEADERS
            if not summary.get("dry_run")
            else ["subscription", "read", "filtered", "invalid", "request built", "failed"]
        )
        keys = _KEYS if not summary.get("dry_run") else ["read", "filtered", "invalid", "delivered", "dead_lettered"]
        parts.append(render_table(headers, [[row["subscription"], *(row[key] for key in keys)] for row in rows]))
        retries = sum(row.get("retries", 0) for row in rows)
        check = "reconciles" if summary["reconciles"] else "DOES NOT reconcile (a bug: please report it)"
        parts.append(
            f"read = filtered + invalid + repeated + done before + delivered + dead-lettered + still queued:"
            f" {check}." + (f" Attempts retried: {retries}." if retries else "")
        )
        merged, batched = (sum(row.get(key, 0) for row in rows) for key in ("merged", "batched"))
        if merged or batched:
            parts.append(
                f"Delivered with fewer API calls: {merged} in calls merged per record, {batched} through "
                "batches (see docs/batching.md)."
            )
    others = summary.get("earlier_jobs_finished") or {}
    if others:
        parts.append(
            "Jobs queued before this run, finished by it: "
            + ", ".join(f"{count} {state.replace('_', '-')}" for state, count in sorted(others.items()))
        )
    if bad_lines:
        more = summary["bad_lines"] - len(bad_lines)
        parts.append(
            "Bad lines (skipped):\n"
            + "\n".join(f"  {line}" for line in bad_lines)
            + (f"\n  ... and {more} more (see --report json)" if more > 0 else "")
        )
    if summary["top_reasons"]:
        lines = [
            f"  {item['count']:>6}  {item['status']:<13}  {item['subscription']}: {item['reason']}"
            + (f"  (e.g. {item['example']})" if item.get("example") else "")
            for item in summary["top_reasons"]
        ]
        more = summary.get("more_reasons", 0)
        tail = f"\n  ... and {more} more reason{'s' if more != 1 else ''} (see --report json)" if more else ""
        parts.append("Top reasons (invalid / dead-lettered):\n" + "\n".join(lines) + tail)
    return "\n\n".join(parts)


def waiting_text(unfinished: int, next_due: float | None, paused: dict[str, tuple[float, str]], how: str) -> str:
    """What is still queued when a run stops instead of waiting for it, and how to deliver it."""
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(next_due)) if next_due else "later"
    text = f"Still queued: {unfinished} job{'s' if unfinished != 1 else ''}, the next one due at {when}."
    for account, (until, reason) in sorted(paused.items()):
        text += f"\n  account {account} is paused until {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(until))}: {reason}"
    return text + f"\n{how}"

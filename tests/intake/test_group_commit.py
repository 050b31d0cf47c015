"""Group commit: requests waiting together share one enqueue call; each request is whole in one call."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

from framework.delivery import EnqueueResult, NewJob
from framework.intake import GroupCommit


class RecordingQueue:
    """A queue whose first enqueue waits until released, so later requests pile up behind it."""

    url = "memory://"

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.release = threading.Event()
        self.fail = fail

    def enqueue(self, jobs: Sequence[NewJob]) -> EnqueueResult:
        if not self.calls:
            self.release.wait(timeout=30)
        self.calls.append([job.message_id for job in jobs])
        if self.fail:
            raise OSError("disk full")
        return EnqueueResult(len(jobs))


def jobs(*ids: str) -> list[NewJob]:
    return [NewJob("i", 0, message_id, {}, "a") for message_id in ids]


async def commit_while_the_first_is_held(committer: GroupCommit, queue: RecordingQueue) -> list[object]:
    first = asyncio.create_task(committer.commit(jobs("a1")))
    await asyncio.sleep(0.01)  # the first call is now inside enqueue, held
    later = [asyncio.create_task(committer.commit(jobs(f"{name}1", f"{name}2"))) for name in "bcd"]
    await asyncio.sleep(0.01)
    queue.release.set()
    return await asyncio.gather(first, *later, return_exceptions=True)


def test_requests_that_wait_together_are_committed_in_one_call_each_whole() -> None:
    queue = RecordingQueue()
    committed: list[int] = []
    committer = GroupCommit(queue, on_committed=lambda result: committed.append(result.added))  # type: ignore[arg-type]
    outcomes = asyncio.run(commit_while_the_first_is_held(committer, queue))
    assert outcomes == [None, None, None, None]
    assert queue.calls == [["a1"], ["b1", "b2", "c1", "c2", "d1", "d2"]]
    assert committed == [1, 6]


def test_a_group_is_bounded_but_never_splits_a_request() -> None:
    queue = RecordingQueue()
    committer = GroupCommit(queue, max_group_jobs=3)  # type: ignore[arg-type]
    asyncio.run(commit_while_the_first_is_held(committer, queue))
    assert queue.calls == [["a1"], ["b1", "b2"], ["c1", "c2"], ["d1", "d2"]]


def test_every_request_of_a_failed_group_hears_the_error() -> None:
    queue = RecordingQueue(fail=True)
    outcomes = asyncio.run(commit_while_the_first_is_held(GroupCommit(queue), queue))  # type: ignore[arg-type]
    assert [type(outcome) for outcome in outcomes] == [OSError] * 4


def test_no_jobs_means_no_call() -> None:
    queue = RecordingQueue()
    asyncio.run(GroupCommit(queue).commit([]))  # type: ignore[arg-type]
    assert queue.calls == []

"""Group commit: the jobs of requests that arrive together are committed in one ``enqueue`` call.

``JobQueue.enqueue`` is blocking I/O (a SQLite transaction, or a round trip to PostgreSQL) and must
not run on the event loop. One committer runs it on its own thread, one call at a time; requests that arrive while
it runs wait together, and the next call commits all of them in one transaction. Under load the
cost of a commit is shared by many requests; alone, a request pays one commit, as it would anyway.

Each request's jobs go whole into one call, so a request is committed entirely or not at all, and
its caller learns which before it answers: 200 only once ``enqueue`` has returned (durable).

When a group's transaction fails, each of its requests is committed again alone: one request the
queue cannot store (a value PostgreSQL refuses) fails by itself, and the others still commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from framework.delivery import EnqueueResult, JobQueue, NewJob

__all__ = ["GroupCommit"]

_MAX_GROUP_JOBS = 20_000  # a bound on one transaction; a single request is never split


class GroupCommit:
    """Commits jobs for concurrent callers, one ``enqueue`` at a time, as many callers per call as wait."""

    def __init__(
        self,
        queue: JobQueue,
        on_committed: Callable[[EnqueueResult], None] | None = None,
        *,
        max_group_jobs: int = _MAX_GROUP_JOBS,
    ) -> None:
        self._queue = queue
        self._on_committed = on_committed
        self._max_group_jobs = max_group_jobs
        self._waiting: list[tuple[Sequence[NewJob], asyncio.Future[None]]] = []
        self._wake: asyncio.Event | None = None
        self._committer: asyncio.Task[None] | None = None
        self._busy = False
        self._thread: ThreadPoolExecutor | None = None  # one thread: one enqueue at a time, by construction

    async def commit(self, jobs: Sequence[NewJob]) -> None:
        """Return once ``jobs`` are durable in the queue; raise what ``enqueue`` raised otherwise."""
        if not jobs:
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((jobs, done))
        self._start_if_idle()
        assert self._wake is not None
        self._wake.set()
        await done

    async def close(self) -> None:
        """Stop the committer (callers still waiting are committed first)."""
        if self._committer is None:
            return
        while self._waiting or self._busy:
            await asyncio.sleep(0.001)
        self._committer.cancel()
        try:
            await self._committer
        except asyncio.CancelledError:
            pass
        self._committer = None
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None

    def _start_if_idle(self) -> None:
        if self._committer is None or self._committer.done():
            self._wake = asyncio.Event()
            self._committer = asyncio.create_task(self._commit_forever(), name="intake group commit")

    async def _commit_forever(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._waiting:
                self._busy = True
                try:
                    await self._commit_group(self._next_group())
                finally:
                    self._busy = False

    def _next_group(self) -> list[tuple[Sequence[NewJob], asyncio.Future[None]]]:
        size, count = 0, 0
        for jobs, _ in self._waiting:
            if count and size + len(jobs) > self._max_group_jobs:
                break
            size += len(jobs)
            count += 1
        group, self._waiting = self._waiting[:count], self._waiting[count:]
        return group

    async def _commit_group(self, group: list[tuple[Sequence[NewJob], asyncio.Future[None]]]) -> None:
        jobs = [job for request_jobs, _ in group for job in request_jobs]
        try:
            result = await self._enqueue(jobs)
        except Exception as error:  # every caller of the group learns it; the committer goes on
            if len(group) > 1:
                for request in group:  # alone, so that one request's bad value fails only that request
                    await self._commit_group([request])
                return
            for _, done in group:
                if not done.done():
                    done.set_exception(error)
            return
        if self._on_committed is not None:
            self._on_committed(result)
        for _, done in group:
            if not done.done():
                done.set_result(None)

    async def _enqueue(self, jobs: list[NewJob]) -> EnqueueResult:
        """``queue.enqueue(jobs)`` on the committer's thread."""
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="intake-commit")
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._queue.enqueue, jobs)

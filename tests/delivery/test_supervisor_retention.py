"""``[delivery] keep_delivered``: delivered jobs older than the retention go, in batches, on both backends.

Before: nothing was ever pruned. Dead letters and unfinished jobs are never pruned.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from destinations.pardot.emulator import PardotEmulator
from framework.cli import main
from framework.delivery import JobQueue
from framework.delivery.jobs import JobState
from framework.delivery.retention import prune_delivered
from framework.delivery.supervisor import SupervisedWorker
from framework.delivery.worker import WorkerOptions
from framework.instance import DestinationInstance
from tests.delivery.test_supervisor import delivered, enqueue_identifies, instance_config

QUICK = WorkerOptions(idle_poll=0.05, give_up_wait=5.0)


def counts(queue: JobQueue) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in queue.stats().rows:
        for state, count in row.counts.items():
            totals[state] = totals.get(state, 0) + count
    return totals


def test_delivered_jobs_older_than_the_retention_are_pruned_in_batches(tmp_path: Path, queue: Any) -> None:
    # Any: both backends have prune_delivered; the JobQueue port does not name it (fakes need not)
    with (
        PardotEmulator() as emulator,
        DestinationInstance.from_file(
            instance_config(tmp_path, emulator.base_url), token_store=queue.token_store()
        ) as instance,
    ):
        enqueue_identifies(queue, instance, 25)
        assert SupervisedWorker(queue, [instance], options=QUICK).run(until_empty=True).reason == "drained"
        assert delivered(queue) == 25  # a 3-day default retention keeps today's deliveries
        assert instance.delivery.keep_delivered == 3 * 86400
        later = time.time() + 3600
        assert prune_delivered(queue, {"supervised": 7200}, now=later, batch=10) == {"supervised": 0}
        assert prune_delivered(queue, {"supervised": 60}, now=later, batch=10) == {"supervised": 10}  # one batch
        assert delivered(queue) == 15
        assert prune_delivered(queue, {"supervised": 60}, now=later, batch=10, until_done=True) == {"supervised": 15}
        assert counts(queue).get(JobState.DELIVERED.value, 0) == 0
        enqueue_identifies(queue, instance, 3)  # pruned message ids may come again as new jobs
        assert counts(queue)[JobState.QUEUED.value] == 3  # unfinished jobs are never pruned
        assert prune_delivered(queue, {"supervised": 0.001}, now=later, until_done=True) == {"supervised": 0}


def test_a_worker_prunes_by_the_instances_keep_delivered(tmp_path: Path, queue: JobQueue) -> None:
    with PardotEmulator() as emulator:
        config = instance_config(tmp_path, emulator.base_url)
        config.write_text(
            config.read_text().replace('backoff_cap = "50ms"', 'backoff_cap = "50ms"\nkeep_delivered = "1s"')
        )
        with DestinationInstance.from_file(config, token_store=queue.token_store()) as instance:
            enqueue_identifies(queue, instance, 5)
            assert SupervisedWorker(queue, [instance], options=QUICK).run(until_empty=True).reason == "drained"
            assert delivered(queue) == 5
            time.sleep(1.1)
            worker = SupervisedWorker(queue, [instance], options=QUICK)
            worker.run(until_empty=True)  # prunes one batch as it starts
    assert delivered(queue) == 0


def test_queue_prune_by_hand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "queue.db"
    from framework.delivery.sqlite_queue import SqliteQueue

    queue = SqliteQueue(path)
    with (
        PardotEmulator() as emulator,
        DestinationInstance.from_file(
            instance_config(tmp_path, emulator.base_url), token_store=queue.token_store()
        ) as instance,
    ):
        enqueue_identifies(queue, instance, 4)
        SupervisedWorker(queue, [instance], options=QUICK).run(until_empty=True)
    queue.close()
    assert main(["queue", "prune", "--queue", str(path)]) == 0
    assert "supervised: 0 delivered job(s) older than 3d deleted" in capsys.readouterr().out
    time.sleep(0.05)
    assert main(["queue", "prune", "--queue", str(path), "--keep", "10ms"]) == 0
    assert "supervised: 4 delivered job(s)" in capsys.readouterr().out
    assert main(["queue", "prune", "--queue", str(path), "--keep", "soon"]) == 2
    assert "--keep soon" in capsys.readouterr().err

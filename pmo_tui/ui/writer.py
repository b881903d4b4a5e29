"""The write queue: use cases run on one background thread, in order, none dropped.

A key press only enqueues a job, so it never waits on disk.  Each job's result (a Change or
an exception) is handed back to the app on its own thread through ``on_done``.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any

_ids = count(1)


@dataclass
class Job:
    label: str
    run: Callable[[], Any]
    kind: str = "do"  # do | undo | redo
    id: int = field(default_factory=lambda: next(_ids))
    result: Any = None
    error: BaseException | None = None


class Writer:
    # A job waits this long before it runs, so the UI thread paints the key's effect first
    # (serialising a big file holds the GIL for tens of milliseconds).
    PAINT_FIRST = 0.05

    def __init__(self, on_done: Callable[[Job], None]) -> None:
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._on_done = on_done
        self._thread = threading.Thread(target=self._loop, name="pmo-writer", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> Job:
        self._queue.put(job)
        return job

    @property
    def busy(self) -> bool:
        return self._queue.unfinished_tasks > 0

    def drain(self) -> None:
        """Wait until every queued job has run (used when quitting)."""
        self._queue.join()

    def stop(self) -> None:
        self._queue.put(None)

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if job is None:
                    return
                time.sleep(self.PAINT_FIRST)
                try:
                    job.result = job.run()
                except BaseException as exc:  # handed to the UI, which explains it
                    job.error = exc
                self._on_done(job)
            finally:
                self._queue.task_done()

"""The write queue: use cases run on one background thread, in order, none dropped.

A key press only enqueues a job, so it never waits on disk.  Each job's result (a Change or
an exception) is handed back to the app on its own thread through ``on_done``.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any

_ids = count(1)


@dataclass(eq=False)
class Job:
    label: str
    run: Callable[[], Any]
    kind: str = "do"  # do | undo | redo
    id: int = field(default_factory=lambda: next(_ids))
    result: Any = None
    error: BaseException | None = None
    focus: bool = False  # put the cursor on the change's card once saved (a new card)
    undo_of: Job | None = None  # for an undo: the job it undid (what a redo re-applies)
    announce: str | None = None  # said once the change is saved ("Archived PMO-3")
    covered: tuple[str, ...] = ()  # the change's notes the announcement already says


class Writer:
    # By default a job waits this long before it runs, so the UI thread paints the key's
    # effect first (serialising a big file holds the GIL for tens of milliseconds).  Tests
    # pass 0: nothing is painted there.
    PAINT_FIRST = 0.05

    def __init__(self, on_done: Callable[[Job], None], *, paint_first: float | None = None) -> None:
        self.paint_first = self.PAINT_FIRST if paint_first is None else paint_first
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

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def drain(self) -> None:
        """Wait until every queued job has run (used when quitting)."""
        self._queue.join()

    def stop(self, timeout: float | None = 30.0) -> None:
        """Run what is queued, then end the thread (the app calls this when it exits)."""
        if self._thread.is_alive():
            self._queue.put(None)
            if threading.current_thread() is not self._thread:
                self._thread.join(timeout)

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if job is None:
                    return
                if self.paint_first > 0:
                    time.sleep(self.paint_first)
                try:
                    job.result = job.run()
                except BaseException as exc:  # handed to the UI, which explains it
                    job.error = exc
                with contextlib.suppress(Exception):  # the app is gone: the write is done
                    self._on_done(job)
            finally:
                self._queue.task_done()

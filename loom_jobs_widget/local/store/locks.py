"""Per-job write locks: one lock for each job that some thread is writing, so that writes of one
job queue behind each other while writes of different jobs proceed side by side.

A lock exists only while a thread holds or waits for it (a use count removes it after), so the
table stays as small as the number of jobs being written at once. The locks are reentrant: code
holding a job's lock may call a store method that takes it again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["JobLocks"]


class JobLocks:
    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[int, tuple[threading.RLock, int]] = {}

    @contextmanager
    def hold(self, job_id: int) -> Iterator[None]:
        """Holds the job's lock for the `with` block, waiting while another thread holds it."""
        with self._guard:
            lock, users = self._locks.get(job_id) or (threading.RLock(), 0)
            self._locks[job_id] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                lock, users = self._locks[job_id]
                if users > 1:
                    self._locks[job_id] = (lock, users - 1)
                else:
                    del self._locks[job_id]

    def __len__(self) -> int:
        """How many jobs have a lock now (held or waited for)."""
        with self._guard:
            return len(self._locks)

"""What this kernel did to jobs and runs, told to every widget: a save in one editor, a job
created or deleted in the jobs browser, a run started or cancelled anywhere. Widgets subscribe,
so that what each shows follows what the others did without waiting for a poll.

Events are told once the workspace acknowledged the write, on the thread that made it; a
subscriber must not block (it hands the work to its own thread or to the kernel's loop). Changes
made outside this kernel are seen by polling, not here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["EVENTS", "JobEvent", "JobEventKind", "JobEvents"]

_log = logging.getLogger(__name__)

JobEventKind = Literal["created", "saved", "deleted", "run_started", "run_changed"]


@dataclass(frozen=True)
class JobEvent:
    """One thing that happened to a job of the workspace at `host`.

    `created` / `saved`: `settings` are the job's settings as the workspace returned them after
    the write. `run_started` / `run_changed` (cancelled, repaired): `run_id` names the run, or
    is None when a cancel of all runs touched several. `job_id` is None only for a cancel of every
    queued run of the workspace, which may touch any job."""

    kind: JobEventKind
    host: str
    job_id: int | None
    run_id: int | None = None
    settings: Mapping[str, Any] | None = field(default=None, compare=False)
    source: object | None = field(default=None, compare=False)
    """Who made the change (a widget session, say), so that it can ignore its own events."""


class JobEvents:
    """Subscribers to `JobEvent`s. `subscribe` returns the function that unsubscribes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[int, Callable[[JobEvent], None]] = {}
        self._next = 0

    def subscribe(self, callback: Callable[[JobEvent], None]) -> Callable[[], None]:
        with self._lock:
            token = self._next
            self._next += 1
            self._subscribers[token] = callback

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers.pop(token, None)

        return unsubscribe

    def publish(self, event: JobEvent) -> None:
        """Tell every subscriber; one that raises is logged and does not stop the others."""
        with self._lock:
            callbacks = list(self._subscribers.values())
        for callback in callbacks:
            try:
                callback(event)
            except Exception:  # a widget's bug must not fail the save that told it
                _log.exception("a subscriber failed on %s of job %s", event.kind, event.job_id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._subscribers)


EVENTS = JobEvents()
"""This kernel's events: every `Workspace` publishes here, every widget subscribes here."""

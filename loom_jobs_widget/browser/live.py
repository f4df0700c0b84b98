"""When the jobs browser reads again: the worker that keeps its rows live.

Two things make a row stale. What this kernel writes (a save in an editor, a run started from
Python) is told on `client.events.EVENTS`: the browser hands each event to `Live.changed`, which
wakes the worker at once. What happens by itself (a run ends) is seen by polling: while a shown
row has an active run, the worker reads again after 0.5 s, then waits longer each time (up to
5 s), and stops once no row has an active run, when every view is hidden, or when the widget is
closed.

Events arrive on the thread that made the write, which may be the kernel's own (a save from an
editor's button): `changed` only records and wakes, the reads happen on the worker's thread.
The worker ends when it has nothing to do; the next `changed` or `kick` starts another.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

__all__ = ["FIRST_POLL", "LONGEST_POLL", "Live", "Pending"]

_log = logging.getLogger(__name__)

FIRST_POLL: Final = 0.5
"""Seconds before the first read of an active run: a short run shows its end at once."""
LONGEST_POLL: Final = 5.0
_POLL_GROWTH: Final = 1.5


@dataclass
class Pending:
    """What the worker is to read again: the rows of `jobs`, the whole page (`page`), and the
    active runs (`poll`). `notes` are status lines the events asked for, the last one shown."""

    jobs: set[int] = field(default_factory=set)
    page: bool = False
    poll: bool = False
    notes: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.jobs or self.page or self.poll)


class Live:
    """The worker of one browser. ``sync(pending)`` reads what `pending` names and returns
    whether a shown row still has an active run (so whether to poll on)."""

    def __init__(self, sync: Callable[[Pending], bool], *, name: str = "loom-jobs-browser") -> None:
        self._sync = sync
        self._name = name
        self._cond = threading.Condition()
        self._pending = Pending()
        self._active = False
        self._wait = FIRST_POLL
        self._views: dict[str, bool] = {}
        self._closed = False
        self._thread: threading.Thread | None = None

    # --- told by the browser ----------------------------------------------------------------

    def changed(
        self,
        *,
        job_id: int | None = None,
        page: bool = False,
        note: str | None = None,
        runs: bool = False,
    ) -> None:
        """Read the job's row (or the page) again as soon as possible; ``runs``: its runs
        changed, so poll quickly again."""
        with self._cond:
            if job_id is not None:
                self._pending.jobs.add(job_id)
            self._pending.page |= page
            if note:
                self._pending.notes.append(note)
            if runs:
                self._wait = FIRST_POLL
            self._wake()

    def kick(self, active: bool) -> None:
        """The rows were just read (``active``: one has an active run): poll from the start."""
        with self._cond:
            self._active = active
            self._wait = FIRST_POLL
            self._wake()

    def view_shown(self, view_id: str, shown: bool) -> None:
        """A view says whether the user can see it; polling waits while no view is seen. A view
        seen again reads at once, since what it shows may have ended meanwhile."""
        with self._cond:
            was = self._seen()
            self._views[view_id] = shown
            if not shown and len(self._views) > 64:  # views that went away for good
                self._views = {key: True for key, value in self._views.items() if value}
            if self._seen() and not was and self._active:
                self._pending.poll = True
                self._wait = FIRST_POLL
            self._wake()

    def close(self) -> None:
        """No more reads: the widget is closed."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def polling(self) -> bool:
        """Whether the active runs are being followed now."""
        with self._cond:
            return not self._closed and self._active and self._seen()

    @property
    def interval(self) -> float:
        """Seconds until the next poll (when polling)."""
        with self._cond:
            return self._wait

    # --- the worker -------------------------------------------------------------------------

    def _seen(self) -> bool:
        # Before any view reported (used from Python alone), the rows are taken as seen.
        return not self._views or any(self._views.values())

    def _wake(self) -> None:
        if self._closed:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()
        self._cond.notify_all()

    def _next(self) -> Pending | None:
        """Wait for work; None when there is none (the worker ends)."""
        with self._cond:
            deadline: float | None = None
            while not self._closed:
                if self._pending:
                    pending, self._pending = self._pending, Pending()
                    pending.poll = pending.poll or bool(self._active)
                    return pending
                if not (self._active and self._seen()):
                    break
                if deadline is None:
                    deadline = time.monotonic() + self._wait
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._wait = min(LONGEST_POLL, self._wait * _POLL_GROWTH)
                    return Pending(poll=True)
                self._cond.wait(remaining)
            self._thread = None
            return None

    def _run(self) -> None:
        while (pending := self._next()) is not None:
            try:
                active = self._sync(pending)
            except Exception:  # a failed read (the network, a restart) is tried at the next tick
                _log.exception("the jobs browser could not read its rows again")
                active = self._active
            with self._cond:
                self._active = active

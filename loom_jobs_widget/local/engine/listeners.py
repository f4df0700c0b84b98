"""`RunListener`: what other parts of the workspace (notifications, triggers) learn of runs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["RunListener"]


class RunListener:
    """Told of run and task-run starts and ends: every method gets the run's settings snapshot
    and the stored documents. Called with the engine lock held, so a listener only notes the
    event (copying what it keeps: the documents change later) and returns; it does no I/O and
    never calls the engine back."""

    def run_started(self, settings: Mapping[str, Any], run: Mapping[str, Any]) -> None:
        """A job run left the queue (not a repair)."""

    def run_ended(self, settings: Mapping[str, Any], run: Mapping[str, Any]) -> None:
        """A job run ended, skipped ones included."""

    def task_started(
        self, settings: Mapping[str, Any], run: Mapping[str, Any], task: Mapping[str, Any]
    ) -> None:
        """A task-run attempt (or a for_each iteration) began RUNNING."""

    def task_ended(
        self,
        settings: Mapping[str, Any],
        run: Mapping[str, Any],
        task: Mapping[str, Any],
        *,
        run_stopping: bool,
    ) -> None:
        """A task-run attempt ended; `run_stopping` when its run is being canceled or timed out
        (no retry follows then)."""

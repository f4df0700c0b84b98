"""What the engine refuses, and why: `EngineError` and its kinds. `api` says what each is on
the wire; the engine knows nothing of HTTP."""

from __future__ import annotations

__all__ = ["EngineError", "EngineStopping", "InvalidRequest", "RunInProgress", "RunNotFound"]


class EngineError(Exception):
    """A request the engine refuses; `message` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequest(EngineError):
    """The request cannot be run as given: an unknown task in `only`, a job parameter with a bad
    reference, a repair that does not fit the run."""


class RunNotFound(EngineError):
    """No run (job run, task run or iteration) has this id."""


class RunInProgress(EngineError):
    """The run has not ended, and the request needs one that has (repair, delete)."""


class EngineStopping(EngineError):
    """The workspace is stopping: no new run or repair starts."""

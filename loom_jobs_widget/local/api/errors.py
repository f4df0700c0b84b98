"""The engine's refusals on the wire: each kind of `EngineError` as the HTTP status and
`error_code` a workspace answers with, the message kept as the engine wrote it. The server asks
`answer_for` about any exception a handler raised that is no `ApiError`."""

from __future__ import annotations

from typing import Final

from loom_jobs_widget.local.engine import (
    EngineError,
    EngineStopping,
    InvalidRequest,
    RunInProgress,
    RunNotFound,
)
from loom_jobs_widget.local.http import ApiError

__all__ = ["answer_for"]

_ANSWERS: Final[tuple[tuple[type[EngineError], int, str], ...]] = (
    (InvalidRequest, 400, "INVALID_PARAMETER_VALUE"),
    # 400, not 404: the SDK turns "Run <id> does not exist." with this code into
    # ResourceDoesNotExist, as a workspace answers it.
    (RunNotFound, 400, "INVALID_PARAMETER_VALUE"),
    (RunInProgress, 400, "INVALID_STATE"),
    (EngineStopping, 503, "TEMPORARILY_UNAVAILABLE"),
)


def answer_for(error: Exception) -> ApiError | None:
    """The API error for an engine refusal; None for any other exception (a bug: a 500)."""
    if not isinstance(error, EngineError):
        return None
    for kind, status, error_code in _ANSWERS:
        if isinstance(error, kind):
            return ApiError(status, error_code, error.message)
    return ApiError.invalid(error.message)

"""The run engine of the local workspace: job runs and their task runs, from run-now to their
last state (`engine.Engine`, made of a module per concept), and the errors it refuses requests
with (`errors`)."""

from loom_jobs_widget.local.engine.engine import DEFAULT_WORKERS, Engine
from loom_jobs_widget.local.engine.errors import (
    EngineError,
    EngineStopping,
    InvalidRequest,
    RunInProgress,
    RunNotFound,
)
from loom_jobs_widget.local.engine.listeners import RunListener
from loom_jobs_widget.local.engine.model import RunRequest, now_ms, queue_default
from loom_jobs_widget.local.engine.parameters import LEGACY_PARAMETERS

__all__ = [
    "DEFAULT_WORKERS",
    "LEGACY_PARAMETERS",
    "Engine",
    "EngineError",
    "EngineStopping",
    "InvalidRequest",
    "RunInProgress",
    "RunListener",
    "RunNotFound",
    "RunRequest",
    "now_ms",
    "queue_default",
]

"""The local workspace's SQLite database (`database.Store`) and the records it keeps
(`records`)."""

from loom_jobs_widget.local.store.database import Store
from loom_jobs_widget.local.store.records import (
    DestinationRecord,
    JobListener,
    JobRecord,
    RunFilter,
    RunRecord,
    TaskRunRecord,
)

__all__ = [
    "DestinationRecord",
    "JobListener",
    "JobRecord",
    "RunFilter",
    "RunRecord",
    "Store",
    "TaskRunRecord",
]

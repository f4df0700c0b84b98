"""The local workspace's SQLite database (`database.Store`), the records it keeps (`records`) and
the per-job write locks that serialise the writes of one job (`locks`)."""

from loom_jobs_widget.local.store.database import Store
from loom_jobs_widget.local.store.locks import JobLocks
from loom_jobs_widget.local.store.records import (
    PIPELINE_ASSET,
    AssetRecord,
    DestinationRecord,
    JobChange,
    JobListener,
    JobRecord,
    RunFilter,
    RunRecord,
    TaskRunRecord,
)

__all__ = [
    "PIPELINE_ASSET",
    "AssetRecord",
    "DestinationRecord",
    "JobChange",
    "JobListener",
    "JobLocks",
    "JobRecord",
    "RunFilter",
    "RunRecord",
    "Store",
    "TaskRunRecord",
]

"""The rows of the store: jobs, runs, task runs, notification destinations and the workspace
assets the editor's pickers list (queries, alerts, dashboards, pipelines) as records of the JSON
text the API shows, next to the columns that queries filter or sort on; and `JobChange`, what
one atomic change of a job writes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "PIPELINE_ASSET",
    "AssetRecord",
    "DestinationRecord",
    "JobChange",
    "JobListener",
    "JobRecord",
    "RunFilter",
    "RunRecord",
    "TaskRunRecord",
]

# The asset kind of pipelines: the API keeps them, the engine reads their sources to run them.
PIPELINE_ASSET = "pipeline"

# Called with the id of a job that was created, changed or deleted.
JobListener = Callable[[int], None]


@dataclass(frozen=True)
class JobRecord:
    job_id: int
    created_time: int
    creator_user_name: str
    api_version: str
    settings: str
    summary: str
    acl: str

    @property
    def etag(self) -> str:
        """The `ETag` of the job's stored settings, quoted as the header carries it: equal for
        equal settings, so it tells whether the job changed since a read. The grants are not
        part of it (they are no settings, and jobs/update cannot change them)."""
        digest = hashlib.blake2b(self.settings.encode(), digest_size=16).hexdigest()
        return f'"{digest}"'


@dataclass(frozen=True)
class JobChange:
    """What one change of a job writes (`Store.change_job`): new settings, given with the summary
    and name key stored beside them, and/or new grants. Fields left None stay as they are."""

    settings: str | None = None
    summary: str | None = None
    name_key: str | None = None
    acl: str | None = None

    def __post_init__(self) -> None:
        given = (self.settings is None, self.summary is None, self.name_key is None)
        if len(set(given)) != 1:
            raise ValueError("settings, summary and name_key are written together")


@dataclass(frozen=True)
class RunRecord:
    run_id: int
    job_id: int
    run_type: str
    start_time: int
    active: bool
    doc: str
    plan: str


@dataclass(frozen=True)
class TaskRunRecord:
    run_id: int
    job_run_id: int
    seq: int  # order among the task runs of its job run (or for_each task run)
    doc: str
    output: str | None
    process: str | None


@dataclass(frozen=True)
class DestinationRecord:
    id: str
    created_time: int
    destination_type: str
    display_name: str
    config: str  # {"<config kind>": {...}}, secrets included

    def webhook(self) -> dict[str, str] | None:
        """The stored {url, username?, password?} of a WEBHOOK destination; None for others."""
        spec = json.loads(self.config).get("generic_webhook")
        return spec if isinstance(spec, dict) and isinstance(spec.get("url"), str) else None

    def emails(self) -> list[str]:
        """The addresses of an EMAIL destination; [] for others."""
        spec = json.loads(self.config).get("email")
        addresses = spec.get("addresses") if isinstance(spec, dict) else None
        if not isinstance(addresses, list):
            return []
        return [a for a in addresses if isinstance(a, str)]


@dataclass(frozen=True)
class AssetRecord:
    """One workspace asset of a kind (`query`, `alert`, `legacy_dashboard`,
    `lakeview_dashboard`, `pipeline`): its document as the API's get returns it."""

    seq: int  # creation order among all assets: lists page on it
    kind: str
    id: str
    name: str
    active: bool  # False once moved to the trash: lists leave it out, get still shows it
    doc: str


@dataclass(frozen=True)
class RunFilter:
    job_id: int | None = None
    active_only: bool = False
    completed_only: bool = False
    run_type: str | None = None
    start_time_from: int | None = None
    start_time_to: int | None = None

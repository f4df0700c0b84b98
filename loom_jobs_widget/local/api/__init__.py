"""The REST API of the local workspace, one module per resource, each declaring its routes:
jobs, runs, permissions, workspace objects, compute, cluster policies, SQL objects, Lakeview
dashboards, pipelines, notification destinations, the outbox and identity; `errors` answers the
engine's refusals."""

from loom_jobs_widget.local.api.compute import ComputeApi
from loom_jobs_widget.local.api.destinations import DestinationsApi
from loom_jobs_widget.local.api.errors import answer_for
from loom_jobs_widget.local.api.identity import LOCAL_USER, IdentityApi
from loom_jobs_widget.local.api.jobs import JobsApi
from loom_jobs_widget.local.api.lakeview import LakeviewApi
from loom_jobs_widget.local.api.notifications import OutboxApi
from loom_jobs_widget.local.api.permissions import PermissionsApi
from loom_jobs_widget.local.api.pipelines import PipelinesApi
from loom_jobs_widget.local.api.policies import PoliciesApi
from loom_jobs_widget.local.api.runs import RunsApi
from loom_jobs_widget.local.api.sql_objects import SqlObjectsApi
from loom_jobs_widget.local.api.workspace_objects import WorkspaceApi

__all__ = [
    "LOCAL_USER",
    "ComputeApi",
    "DestinationsApi",
    "IdentityApi",
    "JobsApi",
    "LakeviewApi",
    "OutboxApi",
    "PermissionsApi",
    "PipelinesApi",
    "PoliciesApi",
    "RunsApi",
    "SqlObjectsApi",
    "WorkspaceApi",
    "answer_for",
]

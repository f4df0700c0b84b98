"""The workspace the widgets talk to: `connect()`, the `Workspace` handle and its services (jobs,
runs, permissions) over the Jobs REST API, and the `WorkspaceError` family its calls raise.

Importing it does not import the Databricks SDK. `connect()` imports the SDK's core (`Config`,
`ApiClient`: auth, retries, errors) and calls the API as raw JSON; the SDK's service modules,
about a second of imports, come only with the first use of `Workspace.client`.
"""

from loom_jobs_widget.client.connection import connect, default_data_dir, unified_auth_configured
from loom_jobs_widget.client.errors import (
    AuthError,
    ConfigurationError,
    ConflictError,
    Contested,
    InvalidRequestError,
    InvalidSettingsError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    UnreachableError,
    WorkspaceError,
    translate_error,
)
from loom_jobs_widget.client.jobs import JobsService, OnConflict
from loom_jobs_widget.client.permissions import (
    AclConflictError,
    PermissionsApi,
    PermissionsService,
    save_acl,
)
from loom_jobs_widget.client.rest import ApiHandle
from loom_jobs_widget.client.run_views import (
    TERMINAL,
    RepairPlan,
    exportable,
    latest_task_runs,
    matrix_rows,
    openable_url,
    progress,
    repair_plan,
    root_causes,
    run_detail,
    run_state,
    run_summary,
    task_output,
    task_states,
)
from loom_jobs_widget.client.runs import RunHandle, RunsApi, RunsService, poll_intervals
from loom_jobs_widget.client.save_plan import SavePlan, plan_update
from loom_jobs_widget.client.sdk_core import SdkClient
from loom_jobs_widget.client.workspace import Workspace

__all__ = [
    "TERMINAL",
    "AclConflictError",
    "ApiHandle",
    "AuthError",
    "ConfigurationError",
    "ConflictError",
    "Contested",
    "InvalidRequestError",
    "InvalidSettingsError",
    "JobsService",
    "NotFoundError",
    "OnConflict",
    "PermissionDeniedError",
    "PermissionsApi",
    "PermissionsService",
    "RateLimitedError",
    "RepairPlan",
    "RunHandle",
    "RunsApi",
    "RunsService",
    "SavePlan",
    "SdkClient",
    "UnreachableError",
    "Workspace",
    "WorkspaceError",
    "connect",
    "default_data_dir",
    "exportable",
    "latest_task_runs",
    "matrix_rows",
    "openable_url",
    "plan_update",
    "poll_intervals",
    "progress",
    "repair_plan",
    "root_causes",
    "run_detail",
    "run_state",
    "run_summary",
    "save_acl",
    "task_output",
    "task_states",
    "translate_error",
    "unified_auth_configured",
]

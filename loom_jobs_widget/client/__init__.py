"""The workspace the widgets talk to: `connect()`, the `Workspace` handle and its services (jobs,
runs, permissions) over the Jobs REST API, and the `WorkspaceError` family its calls raise.

Importing it does not import the Databricks SDK. `connect()` imports the SDK's core (`Config`,
`ApiClient`: auth, retries, errors) and calls the API as raw JSON; the SDK's service modules,
about a second of imports, come only with the first use of `Workspace.client`.

Names resolve on first use: the editor, which raises and catches these errors and shows runs,
does not import `connect()` and the services until a workspace is connected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loom_jobs_widget._lazy import lazy_names

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

_LAZY = {
    "connect": "loom_jobs_widget.client.connection",
    "default_data_dir": "loom_jobs_widget.client.connection",
    "unified_auth_configured": "loom_jobs_widget.client.connection",
    "AuthError": "loom_jobs_widget.client.errors",
    "ConfigurationError": "loom_jobs_widget.client.errors",
    "ConflictError": "loom_jobs_widget.client.errors",
    "Contested": "loom_jobs_widget.client.errors",
    "InvalidRequestError": "loom_jobs_widget.client.errors",
    "InvalidSettingsError": "loom_jobs_widget.client.errors",
    "NotFoundError": "loom_jobs_widget.client.errors",
    "PermissionDeniedError": "loom_jobs_widget.client.errors",
    "RateLimitedError": "loom_jobs_widget.client.errors",
    "UnreachableError": "loom_jobs_widget.client.errors",
    "WorkspaceError": "loom_jobs_widget.client.errors",
    "translate_error": "loom_jobs_widget.client.errors",
    "JobsService": "loom_jobs_widget.client.jobs",
    "OnConflict": "loom_jobs_widget.client.jobs",
    "AclConflictError": "loom_jobs_widget.client.permissions",
    "PermissionsApi": "loom_jobs_widget.client.permissions",
    "PermissionsService": "loom_jobs_widget.client.permissions",
    "save_acl": "loom_jobs_widget.client.permissions",
    "ApiHandle": "loom_jobs_widget.client.rest",
    "TERMINAL": "loom_jobs_widget.client.run_views",
    "RepairPlan": "loom_jobs_widget.client.run_views",
    "exportable": "loom_jobs_widget.client.run_views",
    "latest_task_runs": "loom_jobs_widget.client.run_views",
    "matrix_rows": "loom_jobs_widget.client.run_views",
    "openable_url": "loom_jobs_widget.client.run_views",
    "progress": "loom_jobs_widget.client.run_views",
    "repair_plan": "loom_jobs_widget.client.run_views",
    "root_causes": "loom_jobs_widget.client.run_views",
    "run_detail": "loom_jobs_widget.client.run_views",
    "run_state": "loom_jobs_widget.client.run_views",
    "run_summary": "loom_jobs_widget.client.run_views",
    "task_output": "loom_jobs_widget.client.run_views",
    "task_states": "loom_jobs_widget.client.run_views",
    "RunHandle": "loom_jobs_widget.client.runs",
    "RunsApi": "loom_jobs_widget.client.runs",
    "RunsService": "loom_jobs_widget.client.runs",
    "poll_intervals": "loom_jobs_widget.client.runs",
    "SavePlan": "loom_jobs_widget.client.save_plan",
    "plan_update": "loom_jobs_widget.client.save_plan",
    "SdkClient": "loom_jobs_widget.client.sdk_core",
    "Workspace": "loom_jobs_widget.client.workspace",
}

if TYPE_CHECKING:
    from loom_jobs_widget.client.connection import (
        connect,
        default_data_dir,
        unified_auth_configured,
    )
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


__getattr__ = lazy_names(__name__, _LAZY)

"""`Workspace`, the connected handle every widget uses: the SDK's client and one service per
resource of the Jobs API.

    ws = loom_jobs_widget.connect()          # see `connect` for how the workspace is chosen
    job = ws.jobs.get(123)                   # JobsService: get, save, create, delete, list
    run = ws.runs.run_now(123)               # RunsService: run, cancel, repair, read runs
    acl = ws.permissions.get_permissions(123)  # PermissionsService
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from loom_jobs_widget.client.jobs import JobsService
from loom_jobs_widget.client.permissions import PermissionsService
from loom_jobs_widget.client.runs import RunsService
from loom_jobs_widget.client.sdk_core import SdkClient

if TYPE_CHECKING:
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.core import ApiClient

    from loom_jobs_widget.local import LocalWorkspace

__all__ = ["Workspace"]


class Workspace:
    """A connected workspace: `client` (the SDK's WorkspaceClient) and its services `jobs`,
    `runs` and `permissions`.

    `connect()` gives it an `SdkClient`: the services call the SDK's `ApiClient`, and the
    `WorkspaceClient` (whose import takes about a second) is made when `client` is first read.

    Made by `loom_jobs_widget.connect()`. Its repr names the host and the kind of auth, never a
    credential."""

    def __init__(
        self,
        client: WorkspaceClient | SdkClient,
        *,
        source: str,
        user_name: str | None = None,
        local: LocalWorkspace | None = None,
        local_folder: Path | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self._handle = client
        self.source = source
        self.user_name = user_name
        self.local = local
        """The embedded local workspace when this process serves it."""
        self.local_folder = local_folder
        """The data folder of a local workspace, served here or by another process."""
        # connect() knows which workspace it built: the runs need not guess from the host.
        self.runs = RunsService(client, local=self.is_local)
        self.permissions = PermissionsService(client)
        self.jobs = JobsService(client)
        self._on_close = on_close

    @property
    def client(self) -> WorkspaceClient:
        """The SDK's WorkspaceClient on this workspace's config."""
        handle = self._handle
        return handle.workspace_client if isinstance(handle, SdkClient) else handle

    @property
    def api_client(self) -> ApiClient:
        """The SDK's ApiClient the services call: raw JSON, with the SDK's auth, retries and
        errors, without making the WorkspaceClient."""
        return self._handle.api_client

    @property
    def host(self) -> str:
        return str(self._handle.config.host or "")

    @property
    def auth_type(self) -> str:
        return str(self._handle.config.auth_type or "")

    @property
    def is_local(self) -> bool:
        return self.local_folder is not None

    def close(self) -> None:
        """Release what connect() started for this handle: an embedded local workspace it
        started is stopped once no handle uses it."""
        on_close, self._on_close = self._on_close, None
        if on_close is not None:
            on_close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        who = f", user={self.user_name!r}" if self.user_name else ""
        return (
            f"Workspace(host={self.host!r}, auth_type={self.auth_type!r}, "
            f"source={self.source!r}{who})"
        )

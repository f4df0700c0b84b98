"""An embedded local Databricks workspace: the Jobs REST API on 127.0.0.1, kept in SQLite,
running jobs' notebook and Python tasks as local processes.

    from loom_jobs_widget.local import LocalWorkspace

    with LocalWorkspace("./.loom-jobs") as lw:
        w = WorkspaceClient(host=lw.host, token=lw.token)
        w.jobs.list()

From a shell: `loom-jobs serve [--data DIR] [--port N] [--show-token]`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# Lazy: every task process imports this package (for its runner bootstrap and dbutils) and must
# not pay for the server, the store and the engine.
__all__ = ["LocalWorkspace", "find_running"]

if TYPE_CHECKING:
    from loom_jobs_widget.local.address import find_running
    from loom_jobs_widget.local.workspace import LocalWorkspace


def __getattr__(name: str) -> Any:
    if name == "find_running":  # without the server: see `local.address`
        from loom_jobs_widget.local.address import find_running

        return find_running
    if name in __all__:
        from loom_jobs_widget.local import workspace

        return getattr(workspace, name)
    raise AttributeError(f"module 'loom_jobs_widget.local' has no attribute {name!r}")

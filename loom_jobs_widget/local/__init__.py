"""An embedded local Databricks workspace: the Jobs REST API on 127.0.0.1, kept in SQLite,
running jobs' notebook and Python tasks as local processes.

    from loom_jobs_widget.local import LocalWorkspace

    with LocalWorkspace("./.loom-jobs") as lw:
        w = WorkspaceClient(host=lw.host, token=lw.token)
        w.jobs.list()

From a shell: `loom-jobs serve [--data DIR] [--port N]`.
"""

from loom_jobs_widget.local.workspace import LocalWorkspace

__all__ = ["LocalWorkspace"]

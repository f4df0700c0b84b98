"""loom-jobs-widget: an inline, visual editor for Databricks Lakeflow Jobs in notebooks.

Importing the package is cheap on purpose: `%load_ext` runs in a cold kernel, and pydantic,
the widget and the Databricks SDK load only when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loom_jobs_widget._lazy import lazy_names
from loom_jobs_widget._version import __version__

_LAZY = {
    "Job": "loom_jobs_widget.core",
    "JobSettings": "loom_jobs_widget.core",
    "Task": "loom_jobs_widget.core",
    "validate": "loom_jobs_widget.core",
    "Problem": "loom_jobs_widget.core",
    "next_fire_times": "loom_jobs_widget.schedule",
    "describe": "loom_jobs_widget.schedule",
    "from_unix": "loom_jobs_widget.schedule",
    "CronError": "loom_jobs_widget.schedule",
    "JobGraph": "loom_jobs_widget.graph",
    "JobEditor": "loom_jobs_widget.editor",
    "RunView": "loom_jobs_widget.editor",
    "JobsBrowser": "loom_jobs_widget.browser",
    "connect": "loom_jobs_widget.client",
}

__all__ = [  # noqa: RUF022 - grouped by module, as in _LAZY
    "__version__",
    "Job",
    "JobSettings",
    "Task",
    "validate",
    "Problem",
    "next_fire_times",
    "describe",
    "from_unix",
    "CronError",
    "JobGraph",
    "JobEditor",
    "RunView",
    "JobsBrowser",
    "connect",
]

if TYPE_CHECKING:
    from loom_jobs_widget.browser import JobsBrowser
    from loom_jobs_widget.client import connect
    from loom_jobs_widget.core import Job, JobSettings, Problem, Task, validate
    from loom_jobs_widget.editor import JobEditor, RunView
    from loom_jobs_widget.graph import JobGraph
    from loom_jobs_widget.schedule import CronError, describe, from_unix, next_fire_times


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext loom_jobs_widget`: the %loom_* magics (see `loom_jobs_widget.magics`)."""
    from loom_jobs_widget.magics import load

    load(ipython)


__getattr__ = lazy_names(__name__, _LAZY)

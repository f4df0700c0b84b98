"""loom-jobs-widget: an inline, visual editor for Databricks Lakeflow Jobs in notebooks.

Importing the package is cheap on purpose: `%load_ext` runs in a cold kernel, and pydantic,
the widget and the Databricks SDK load only when first used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from loom_jobs_widget._version import __version__

_LAZY = {
    "Job": "loom_jobs_widget.core.models",
    "JobSettings": "loom_jobs_widget.core.models",
    "Task": "loom_jobs_widget.core.models",
    "validate": "loom_jobs_widget.core.validation",
    "Problem": "loom_jobs_widget.core.validation",
    "next_fire_times": "loom_jobs_widget.schedule",
    "describe": "loom_jobs_widget.schedule",
    "from_unix": "loom_jobs_widget.schedule",
    "CronError": "loom_jobs_widget.schedule",
    "JobGraph": "loom_jobs_widget.graph.widget",
    "JobEditor": "loom_jobs_widget.editor.widget",
    "RunView": "loom_jobs_widget.editor.widget",
    "JobsBrowser": "loom_jobs_widget.browser.widget",
    "connect": "loom_jobs_widget.client.connect",
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
    from loom_jobs_widget.browser.widget import JobsBrowser
    from loom_jobs_widget.client.connect import connect
    from loom_jobs_widget.core.models import Job, JobSettings, Task
    from loom_jobs_widget.core.validation import Problem, validate
    from loom_jobs_widget.editor.widget import JobEditor, RunView
    from loom_jobs_widget.graph.widget import JobGraph
    from loom_jobs_widget.schedule import CronError, describe, from_unix, next_fire_times


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext loom_jobs_widget`: the %loom_* magics (see `loom_jobs_widget.magics`)."""
    from loom_jobs_widget.magics import load

    load(ipython)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'loom_jobs_widget' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value

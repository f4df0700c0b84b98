"""Rules on the dependency graph: each depends_on entry (unknown task, the task itself, an
outcome) and the cycles."""

from __future__ import annotations

from typing import Any

from loom_jobs_widget.core.models import TaskDependency, field_value
from loom_jobs_widget.core.validation.collector import CheckedJob, TaskSite
from loom_jobs_widget.core.validation.dag import find_cycles
from loom_jobs_widget.core.validation.readers import is_interpolation, is_object, quote

__all__ = ["cycles", "dependencies"]


def dependencies(job: CheckedJob, site: TaskSite) -> None:
    depends_on = site.fields.get("depends_on")
    if type(depends_on) is list:
        pass  # the common case first: this runs for most tasks of a large job
    elif depends_on is None or is_interpolation(depends_on):
        return
    elif not isinstance(depends_on, list):
        job.add(
            "invalid-dependency",
            "error",
            f"{site.label} has depends_on {quote(depends_on)}; it must be a list of "
            "{task_key} objects.",
            f"{site.path}.depends_on",
            site,
        )
        return
    by_key, parents, node = job.by_key, job.parents, site.node
    for index, dependency in enumerate(depends_on):
        if type(dependency) is TaskDependency:
            # Declared fields live in __dict__ (None when not given): no extras to look in.
            values = dependency.__dict__
            upstream, outcome = values.get("task_key"), values.get("outcome")
        else:
            upstream = field_value(dependency, "task_key")
            outcome = field_value(dependency, "outcome")
        target = by_key.get(upstream) if isinstance(upstream, str) else None
        if target is not None and upstream != site.key:
            if node is not None and target.node is not None:
                upstream_nodes = parents[node]
                if upstream_nodes is None:
                    parents[node] = [target.node]
                else:
                    upstream_nodes.append(target.node)
            if outcome is not None:
                _check_outcome(
                    job, site, target, outcome, f"{site.path}.depends_on[{index}].outcome"
                )
            continue
        path = f"{site.path}.depends_on"
        if not isinstance(upstream, str) or not upstream:
            if is_object(dependency):
                job.add(
                    "invalid-dependency",
                    "error",
                    f"{site.label} has a depends_on entry without a task_key.",
                    f"{path}[{index}].task_key",
                    site,
                )
            elif not is_interpolation(dependency):
                job.add(
                    "invalid-dependency",
                    "error",
                    f"{site.label} has {quote(dependency)} in depends_on, where an object "
                    "with a task_key is expected.",
                    f"{path}[{index}]",
                    site,
                )
            continue
        # An upstream task_key that names no task of this job, or the task itself.
        _check_dependency_target(job, site, upstream, f"{path}[{index}].task_key")


def _check_dependency_target(job: CheckedJob, site: TaskSite, upstream: str, path: str) -> None:
    """For a depends_on entry naming the task itself, or no task of the job."""
    if "${" in upstream:
        return
    if upstream == site.key:
        job.add("self-dependency", "error", f"Task '{upstream}' depends on itself.", path, site)
    elif job.keys_certain:
        job.add(
            "unknown-dependency",
            "error",
            f"{site.label} depends on '{upstream}', which is not a task of this job.",
            path,
            site,
        )


def _check_outcome(
    job: CheckedJob, site: TaskSite, upstream: TaskSite, outcome: Any, path: str
) -> None:
    if is_interpolation(outcome):
        return
    if upstream.fields.get("condition_task") is not None:
        if outcome not in ("true", "false"):
            job.add(
                "invalid-outcome",
                "error",
                f"{site.label} depends on condition task '{upstream.key}' with outcome "
                f'{quote(outcome)}; the outcome of a condition task is "true" or "false".',
                path,
                site,
            )
    elif upstream.types[0]:
        job.add(
            "outcome-without-condition",
            "error",
            f"{site.label} depends on '{upstream.key}' with outcome {quote(outcome)}, but "
            f"'{upstream.key}' is not a condition task; outcome only applies after a condition "
            "task.",
            path,
            site,
        )


def cycles(job: CheckedJob, _: None) -> None:
    keys = list(job.by_key)
    for cycle in find_cycles(job.parents):
        site = job.by_key[keys[cycle[0]]]
        names = " → ".join(keys[node] for node in (*cycle, cycle[0]))
        job.add(
            "cycle",
            "error",
            f"Dependency cycle: {names}. Each of these tasks waits for the one before it, so "
            "none of them can run.",
            f"{site.path}.depends_on[{_entry_naming(site, keys[cycle[-1]])}].task_key",
            site,
        )


def _entry_naming(site: TaskSite, upstream: str) -> int:
    """The index of the depends_on entry of a task that names `upstream`."""
    depends_on = site.fields.get("depends_on")
    entries = depends_on if isinstance(depends_on, list) else []
    return next(i for i, entry in enumerate(entries) if field_value(entry, "task_key") == upstream)

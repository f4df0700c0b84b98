"""`TaskChecker`: the editor's re-check of the one task being typed in, at the cost of that task."""

from __future__ import annotations

from collections import Counter

from loom_jobs_widget.core.models import JobSettings, Task
from loom_jobs_widget.core.validation.collector import CheckedJob, TaskSite, nested_site_of
from loom_jobs_widget.core.validation.graph import dependencies
from loom_jobs_widget.core.validation.problems import Problem
from loom_jobs_widget.core.validation.readers import fields_of
from loom_jobs_widget.core.validation.rules import (
    GRAPH_RULES,
    NESTED_TASK_RULES,
    REFERENCE_RULES,
    TASK_RULES,
)

__all__ = ["TaskChecker"]


class TaskChecker:
    """Checks one task at a time against the rest of a job, for as long as no task_key, no
    depends_on and no task type changes (the editor makes one after each such edit, and checks
    the task being typed in after every keystroke). `check(task)` returns exactly what
    `validate` would give for that task, but costs what the task costs, not the job: the graph
    is read once."""

    def __init__(self, settings: JobSettings) -> None:
        job = CheckedJob(settings)
        for site in job.sites:
            job.run_rules((dependencies,), site)
        job.found.clear()
        job.run_rules(GRAPH_RULES, None)
        self._graph_problems = job.problems()  # cycles: they only change with depends_on
        job.found.clear()
        self._job = job
        uses = Counter(site.key for site in job.sites)
        self._unique = {key for key, count in uses.items() if key is not None and count == 1}

    def can_check(self, task_key: str) -> bool:
        return task_key in self._unique

    def check(self, task: Task) -> list[Problem]:
        """The problems of `task`, the new version of a task of the job with the same task_key
        and depends_on (see `can_check`)."""
        job = self._job
        key = task.task_key
        if not isinstance(key, str) or key not in self._unique:
            raise ValueError(f"TaskChecker cannot check task {key!r} on its own.")
        old = job.by_key[key]
        site = TaskSite(task, fields_of(task), old.index, old.path, old.key, node=old.node)
        position = job.sites.index(old)
        job.by_key[key], job.sites[position] = site, site
        upstream = job.parents[old.node] if old.node is not None else None
        saved = list(upstream) if upstream is not None else None
        try:
            job.run_rules(TASK_RULES, site)
            sites = [site]
            nested_site = nested_site_of(site)
            if nested_site is not None:
                job.run_rules(NESTED_TASK_RULES, nested_site)
                sites.append(nested_site)
            rank = job.rank.get("tasks", len(job.rank))
            for problem in self._graph_problems:  # in the order `validate` finds them
                if problem.task_key == key:
                    job.found.append((rank, old.index, len(job.found), problem))
            for checked in sites:
                job.run_rules(REFERENCE_RULES, checked)
            return job.problems()
        finally:
            job.found.clear()
            job.by_key[key], job.sites[position] = old, old
            if old.node is not None:
                # dependencies ran again for the task: its graph entry is as it was.
                job.parents[old.node] = saved

"""What the rules share while they check one job: its tasks and where they sit, the dependency
graph, and the problems found so far, kept in document order."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias

from loom_jobs_widget.core.models import JobSettings, Task, field_value, task_type_fields
from loom_jobs_widget.core.validation.dag import ancestor_sets
from loom_jobs_widget.core.validation.problems import Problem, Severity
from loom_jobs_widget.core.validation.readers import (
    fields_of,
    is_interpolation,
    is_object,
    key_order,
)

__all__ = ["CheckedJob", "Fault", "Rule", "TaskSite", "nested_site_of"]


class TaskSite:
    """A task and where it sits: its path, its position in `tasks`, its node in the graph."""

    # Slots and a plain __init__: one is made per task of every job checked, and a dataclass's
    # __post_init__ is one more call each. Slots are also fewer objects for the garbage collector.
    __slots__ = ("_path", "fields", "first", "index", "key", "node", "parent", "task", "types")

    def __init__(
        self,
        task: Any,
        fields: Mapping[str, Any],
        index: int,
        path: str | None,
        key: str | None,
        parent: TaskSite | None = None,
        first: TaskSite | None = None,
        node: int | None = None,
    ) -> None:
        self.task = task  # a Task model, or a dict when `tasks` could not be read as tasks
        self.fields = fields  # the task's fields by API name
        self.index = index  # position in `tasks`; for a nested task, that of its for_each task
        self.key = key  # the task_key when it is a non-empty string
        self.parent = parent
        self.first = first  # the task that used this key first, when this one repeats it
        self.node = node  # index in the dependency graph (first use of a key, top level only)
        # Its task type fields: the documented ones it sets, and unknown `*_task` objects.
        self.types: tuple[tuple[str, ...], tuple[str, ...]] = task_type_fields(fields)
        # None for `tasks[<task_key>]`, made when first read: most paths are never shown.
        self._path = path

    @property
    def path(self) -> str:
        path = self._path
        if path is None:
            path = self._path = f"tasks[{self.key}]"
        return path

    @property
    def owner_key(self) -> str | None:
        return self.parent.key if self.parent is not None else self.key

    @property
    def label(self) -> str:
        name = f"Task '{self.key}'" if self.key is not None else f"The task at {self.path}"
        if self.parent is not None and self.parent.key is not None:
            return f"{name} (nested in for_each task '{self.parent.key}')"
        return name


def nested_site_of(site: TaskSite) -> TaskSite | None:
    """The task nested in a for_each task, when it is an object."""
    loop = site.fields.get("for_each_task")
    if loop is None:
        return None
    nested = field_value(loop, "task")
    if not is_object(nested):
        return None
    nested_key = field_value(nested, "task_key")
    return TaskSite(
        nested,
        fields_of(nested),
        site.index,
        f"{site.path}.for_each_task.task",
        nested_key if isinstance(nested_key, str) and nested_key else None,
        parent=site,
    )


Rule: TypeAlias = Callable[["CheckedJob", Any], None]
# What a reference is found to be: (code, severity, the end of the message), or None when fine.
Fault: TypeAlias = "tuple[str, Severity, str] | None"


class CheckedJob:
    """What the rules share: the settings, the tasks by key, the graph, the problems found."""

    def __init__(self, settings: JobSettings) -> None:
        self.settings = settings
        self.rank = {key: rank for rank, key in enumerate(key_order(settings))}
        self.found: list[tuple[int, int, int, Problem]] = []
        self.sites: list[TaskSite] = []
        self.nested: list[TaskSite] = []
        self.by_key: dict[str, TaskSite] = {}
        # False when a task_key is a bundle interpolation: an unknown key may then be that task.
        self.keys_certain = True
        # The graph: node -> its upstream nodes, in depends_on order (repeats do no harm). Lists
        # are made on the first edge: every object made here is one more for the collector.
        self.parents: list[list[int] | None] = []
        self._ancestors: list[int | None] | None = None
        # Verdicts on references that mean the same in every task (see `references`).
        self.reference_faults: dict[tuple[str, ...], Fault] = {}
        self._collect_tasks()
        self.job_cluster_keys = self._keys_of("job_clusters", "job_cluster_key")
        self.environment_keys = self._keys_of("environments", "environment_key")
        self.parameter_names = self._keys_of("parameters", "name")

    def _collect_tasks(self) -> None:
        tasks = field_value(self.settings, "tasks")
        if not isinstance(tasks, list):
            return
        # Once per task of a large job: the common case (a Task model, a string key used once,
        # no for_each) takes the fewest calls.
        by_key, parents, sites = self.by_key, self.parents, self.sites
        fields: Mapping[str, Any]
        for index, task in enumerate(tasks):
            if type(task) is Task:
                fields = task.api_fields()
            elif is_object(task):
                fields = fields_of(task)
            else:
                continue
            key = fields.get("task_key")
            if isinstance(key, str) and key:
                if "${" in key:
                    self.keys_certain = False
                first = by_key.get(key)
                if first is None:
                    site = TaskSite(task, fields, index, None, key, node=len(parents))
                    by_key[key] = site
                    parents.append(None)
                else:
                    site = TaskSite(task, fields, index, f"tasks[{index}]", key, first=first)
            else:
                site = TaskSite(task, fields, index, f"tasks[{index}]", None)
            sites.append(site)
            if fields.get("for_each_task") is not None:
                nested = nested_site_of(site)
                if nested is not None:
                    self.nested.append(nested)

    def _keys_of(self, list_field: str, key_field: str) -> frozenset[str] | None:
        """The keys a list of the job defines (job_clusters, environments, parameters); None
        when they cannot be known (the list is an interpolation, or one of its keys is)."""
        entries = field_value(self.settings, list_field)
        if entries is None:
            return frozenset()
        if not isinstance(entries, list):
            return None
        keys = [field_value(entry, key_field) for entry in entries]
        if any(is_interpolation(key) for key in keys):
            return None
        return frozenset(key for key in keys if isinstance(key, str))

    # --- reporting

    def add(
        self,
        code: str,
        severity: Severity,
        message: str,
        field: str | None,
        site: TaskSite | None = None,
        position: int = -1,
    ) -> None:
        """Records a problem. Problems are sorted by the top-level field they concern, in the
        document's order, then by the task (or the entry at `position`) they concern."""
        task_key = None
        if site is not None:
            anchor, position, task_key = "tasks", site.index, site.owner_key
        elif field:
            anchor = field.split(".", 1)[0].split("[", 1)[0]
        else:
            anchor = ""
        rank = self.rank.get(anchor, len(self.rank))
        problem = Problem(code, severity, message, task_key, field)
        self.found.append((rank, position, len(self.found), problem))

    def problems(self) -> list[Problem]:
        return [problem for *_, problem in sorted(self.found, key=lambda found: found[:3])]

    def run_rules(self, rules: Sequence[Rule], site: TaskSite | None) -> None:
        for rule in rules:
            try:
                rule(self, site)
            except Exception as exc:
                # A bug in one rule must not hide what the others found, nor break the editor.
                self.rule_failed(rule, exc, site)

    def rule_failed(self, rule: Rule, exc: Exception, site: TaskSite | None) -> None:
        """Records that a rule raised: the other rules' findings stand."""
        self.add(
            "validator-failure",
            "warning",
            f"The check '{rule.__name__.lstrip('_')}' could not finish ({exc!r}); "
            "the other checks ran.",
            site.path if site is not None else None,
            site,
        )

    # --- the dependency graph

    def ancestors(self, site: TaskSite) -> int | None:
        """The nodes upstream of a task, as a bit set; None when unknown (no node, or a cycle)."""
        node = site.parent.node if site.parent is not None else site.node
        if node is None:
            return None
        if self._ancestors is None:
            self._ancestors = ancestor_sets(self.parents)
        return self._ancestors[node]

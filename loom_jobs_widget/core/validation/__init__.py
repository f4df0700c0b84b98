"""Checks of a job's settings before they go to the Jobs API (issue #2 §3).

`validate(settings)` returns every `Problem` found, in document order. An *error* is something the
Jobs API rejects, or a job that cannot run as written. A *warning* is something the API accepts
but that is probably not what was meant, or that this module cannot judge with certainty: enum
values newer than the documented ones, task types it does not know, references it has no table for.

The settings come from the lossless model of `models.py`, so any field may hold a value of another
type than the declared one, and a list with a single odd entry stays a plain list of dicts. Every
rule therefore reads through `_get` / `_items`, which treat models and dicts alike, and checks the
type of what it reads. A bundle interpolation (`${var.x}`) is never judged: the Databricks CLI
resolves it before anything reaches the API.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Final, Literal, TypeAlias

from loom_jobs_widget.core.models import (
    CONDITION_OPS,
    GIT_PROVIDERS,
    HEALTH_METRICS,
    PERIODIC_UNITS,
    RUN_IF_VALUES,
    TASK_TYPES,
    ApiObject,
    JobSettings,
    Task,
    task_types_of,
)
from loom_jobs_widget.core.references import REFERENCE, TIME_ARGUMENTS
from loom_jobs_widget.core.references import parse as parse_reference

__all__ = ["Problem", "Severity", "TaskChecker", "field_path", "validate"]

Severity = Literal["error", "warning"]

# Limits of the Jobs API (databricks-sdk 0.162.0 docstrings; for_each concurrency: product docs).
MAX_TASKS: Final = 1000
MAX_TAGS: Final = 25
MAX_WEBHOOKS_PER_EVENT: Final = 3
MAX_TASK_KEY_LENGTH: Final = 100
MAX_CONCURRENT_RUNS: Final = 1000
FOR_EACH_CONCURRENCY: Final = range(1, 101)


@dataclass(frozen=True)
class Problem:
    """One finding about a job's settings.

    `field` is a path into the settings: `schedule.quartz_cron_expression`, `parameters[2].name`,
    `tasks[etl].depends_on[0].task_key`. A task is named by its task_key, or by its position in
    `tasks` when it has no usable key (missing, empty, or the second use of a key): `tasks[3]`.
    A task nested in a for_each task is reached through it: `tasks[loop].for_each_task.task`.

    `task_key` is the key of the task the problem belongs to, as the job graph shows it: for a
    nested task that is its for_each task, since the graph has no node of its own for it.
    """

    code: str
    severity: Severity
    message: str
    task_key: str | None = None
    field: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)


_FIELD_SEGMENT: Final = re.compile(
    r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[(\"(?:[^\"\\]|\\.)*\")\]"
)


def field_path(field: str | None) -> list[str | int] | None:
    """A problem's `field` (`schedule.quartz_cron_expression`, `parameters[2].name`,
    `notebook_task.base_parameters["a b"]`) as a JSON path, for a form to show the problem at
    its field. Reads up to the first part it cannot (a `tasks[<task_key>]`: see the editor)."""
    if not field:
        return None
    path: list[str | int] = []
    position = 0
    while position < len(field):
        match = _FIELD_SEGMENT.match(field, position)
        if match is None:
            break
        name, index, quoted = match.groups()
        if name is not None:
            path.append(name)
        elif index is not None:
            path.append(int(index))
        else:
            path.append(json.loads(quoted))
        position = match.end()
    return path


def validate(settings: JobSettings | Mapping[str, Any]) -> list[Problem]:
    """Every problem of a job's settings (a `JobSettings`, or the API's JSON object), in document
    order. Never raises: what cannot be checked is skipped."""
    given: object = settings  # callers in a notebook pass anything
    if not isinstance(given, JobSettings):
        if not isinstance(given, Mapping):
            return [_unreadable(f"they are a {type(given).__name__}, not a JSON object")]
        try:
            given = JobSettings.from_api(given)
        except Exception as exc:  # a Mapping that is no JSON object (odd keys, endless nesting)
            return [_unreadable(str(exc) or type(exc).__name__)]
    job = _Job(given)
    job.run_rules(_JOB_RULES, None)
    for site in job.sites:
        job.run_rules(_TASK_RULES, site)
    for site in job.nested:
        job.run_rules(_NESTED_TASK_RULES, site)
    # References need the whole dependency graph, so they come after every depends_on was read.
    job.run_rules(_GRAPH_RULES, None)
    for site in job.sites:
        job.run_rules(_REFERENCE_RULES, site)
    for site in job.nested:
        job.run_rules(_REFERENCE_RULES, site)
    return job.problems()


class TaskChecker:
    """Checks one task at a time against the rest of a job, for as long as no task_key, no
    depends_on and no task type changes (the editor makes one after each such edit, and checks
    the task being typed in after every keystroke). `check(task)` returns exactly what
    `validate` would give for that task, but costs what the task costs, not the job: the graph
    is read once."""

    def __init__(self, settings: JobSettings) -> None:
        job = _Job(settings)
        for site in job.sites:
            job.run_rules((_dependencies,), site)
        job._found.clear()
        job.run_rules(_GRAPH_RULES, None)
        self._graph_problems = job.problems()  # cycles: they only change with depends_on
        job._found.clear()
        self._job = job
        keys = [site.key for site in job.sites]
        self._unique = {key for key in keys if key is not None and keys.count(key) == 1}

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
        site = _TaskSite(task, _fields_of(task), old.index, old.path, old.key, node=old.node)
        position = job.sites.index(old)
        job.by_key[key], job.sites[position] = site, site
        upstream = job.parents[old.node] if old.node is not None else None
        saved = list(upstream) if upstream is not None else None
        try:
            job.run_rules(_TASK_RULES, site)
            nested = _get(site.fields.get("for_each_task"), "task")
            sites = [site]
            if _is_object(nested):
                nested_key = _get(nested, "task_key")
                nested_site = _TaskSite(
                    nested,
                    _fields_of(nested),
                    old.index,
                    f"{old.path}.for_each_task.task",
                    nested_key if isinstance(nested_key, str) and nested_key else None,
                    parent=site,
                )
                job.run_rules(_NESTED_TASK_RULES, nested_site)
                sites.append(nested_site)
            rank = job._rank.get("tasks", len(job._rank))
            for problem in self._graph_problems:  # in the order `validate` finds them
                if problem.task_key == key:
                    job._found.append((rank, old.index, len(job._found), problem))
            for checked in sites:
                job.run_rules(_REFERENCE_RULES, checked)
            return job.problems()
        finally:
            job._found.clear()
            job.by_key[key], job.sites[position] = old, old
            if old.node is not None:
                # _dependencies ran again for the task: its graph entry is as it was.
                job.parents[old.node] = saved


def _unreadable(reason: str) -> Problem:
    return Problem("invalid-settings", "error", f"The job settings cannot be read: {reason}.")


# --- reading models and dicts alike ---------------------------------------------------------------

_ABSENT: Final = object()


def _get(obj: Any, name: str) -> Any:
    """`obj[name]` for a model or a dict; None when absent, or when `obj` is not an object."""
    if isinstance(obj, ApiObject):
        # Declared fields live in __dict__; getattr on a missing extra costs an exception.
        value = obj.__dict__.get(name, _ABSENT)
        if value is not _ABSENT:
            return value
        extra = obj.__pydantic_extra__
        return extra.get(name) if extra else None
    if isinstance(obj, dict):
        return obj.get(name)
    return None


def _is_object(value: Any) -> bool:
    return isinstance(value, (ApiObject, dict))


def _items(obj: Any) -> list[tuple[str, Any]]:
    """The (API name, value) pairs an object holds, in document order; [] for a non-object."""
    if isinstance(obj, dict):
        return list(obj.items())
    if isinstance(obj, ApiObject):
        return list(obj.api_fields().items())
    return []


def _fields_of(obj: Any) -> Mapping[str, Any]:
    """An object's fields by API name; [] for a non-object."""
    if isinstance(obj, dict):
        return obj
    if isinstance(obj, ApiObject):
        return obj.api_fields()
    return {}


def _in_document_order(obj: Any, names: Sequence[str]) -> list[str]:
    return [key for key, _ in _items(obj) if key in names]


def _key_order(obj: ApiObject) -> list[str]:
    return [key for key, _ in _items(obj)]


def _is_interpolation(value: Any) -> bool:
    """A bundle `${...}` reference, resolved by the Databricks CLI before the API sees it."""
    return isinstance(value, str) and "${" in value


def _quote(value: Any, limit: int = 60) -> str:
    """A value as a message shows it: 'text', or JSON; cut short when long."""
    text = f"'{value}'" if isinstance(value, str) else json.dumps(value, default=repr)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


# --- the job being validated ----------------------------------------------------------------------


@dataclass(eq=False, slots=True)  # slots: fewer objects for the garbage collector to chase
class _TaskSite:
    """A task and where it sits: its path, its position in `tasks`, its node in the graph."""

    task: Any  # a Task model, or a dict when `tasks` could not be read as a list of tasks
    fields: Mapping[str, Any]  # the task's fields by API name
    index: int  # position in `tasks`; for a nested task, that of its for_each task
    path: str
    key: str | None  # the task_key when it is a non-empty string
    parent: _TaskSite | None = None
    first: _TaskSite | None = None  # the task that used this key first, when this one repeats it
    node: int | None = None  # index in the dependency graph (first use of a key, top level only)
    # Its task type fields: the documented ones it sets, and unknown `*_task` objects.
    types: tuple[tuple[str, ...], tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        self.types = _task_types(self.fields)

    @property
    def owner_key(self) -> str | None:
        return self.parent.key if self.parent is not None else self.key

    @property
    def label(self) -> str:
        name = f"Task '{self.key}'" if self.key is not None else f"The task at {self.path}"
        if self.parent is not None and self.parent.key is not None:
            return f"{name} (nested in for_each task '{self.parent.key}')"
        return name


Rule: TypeAlias = Callable[["_Job", Any], None]


class _Job:
    """What the rules share: the settings, the tasks by key, the graph, the problems found."""

    def __init__(self, settings: JobSettings) -> None:
        self.settings = settings
        ranks = {key: rank for rank, key in enumerate(_key_order(settings))}
        self._rank = ranks
        self._found: list[tuple[int, int, int, Problem]] = []
        self.sites: list[_TaskSite] = []
        self.nested: list[_TaskSite] = []
        self.by_key: dict[str, _TaskSite] = {}
        # False when a task_key is a bundle interpolation: an unknown key may then be that task.
        self.keys_certain = True
        # The graph: node -> its upstream nodes, in depends_on order (repeats do no harm). Lists
        # are made on the first edge: every object made here is one more for the collector.
        self.parents: list[list[int] | None] = []
        self._ancestors: list[int | None] | None = None
        self._reference_faults: dict[tuple[str, ...], _Fault] = {}
        self._collect_tasks()
        self.job_cluster_keys = self._keys_of("job_clusters", "job_cluster_key")
        self.environment_keys = self._keys_of("environments", "environment_key")
        self.parameter_names = self._keys_of("parameters", "name")

    def _collect_tasks(self) -> None:
        tasks = _get(self.settings, "tasks")
        if not isinstance(tasks, list):
            return
        for index, task in enumerate(tasks):
            if not _is_object(task):
                continue
            key = _get(task, "task_key")
            usable = key if isinstance(key, str) and key else None
            if _is_interpolation(key):
                self.keys_certain = False
            first = self.by_key.get(usable) if usable is not None else None
            path = f"tasks[{usable}]" if usable is not None and first is None else f"tasks[{index}]"
            site = _TaskSite(task, _fields_of(task), index, path, usable, first=first)
            if usable is not None and first is None:
                self.by_key[usable] = site
                site.node = len(self.parents)
                self.parents.append(None)
            self.sites.append(site)
            nested = _get(site.fields.get("for_each_task"), "task")
            if _is_object(nested):
                nested_key = _get(nested, "task_key")
                self.nested.append(
                    _TaskSite(
                        nested,
                        _fields_of(nested),
                        index,
                        f"{path}.for_each_task.task",
                        nested_key if isinstance(nested_key, str) and nested_key else None,
                        parent=site,
                    )
                )

    def _keys_of(self, list_field: str, key_field: str) -> frozenset[str] | None:
        """The keys a list of the job defines (job_clusters, environments, parameters); None
        when they cannot be known (the list is an interpolation, or one of its keys is)."""
        entries = _get(self.settings, list_field)
        if entries is None:
            return frozenset()
        if not isinstance(entries, list):
            return None
        keys = [_get(entry, key_field) for entry in entries]
        if any(_is_interpolation(key) for key in keys):
            return None
        return frozenset(key for key in keys if isinstance(key, str))

    # --- reporting

    def add(
        self,
        code: str,
        severity: Severity,
        message: str,
        field: str | None,
        site: _TaskSite | None = None,
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
        rank = self._rank.get(anchor, len(self._rank))
        problem = Problem(code, severity, message, task_key, field)
        self._found.append((rank, position, len(self._found), problem))

    def problems(self) -> list[Problem]:
        return [problem for *_, problem in sorted(self._found, key=lambda found: found[:3])]

    def run_rules(self, rules: Sequence[Rule], site: _TaskSite | None) -> None:
        for rule in rules:
            try:
                rule(self, site)
            except Exception as exc:
                # A bug in one rule must not hide what the others found, nor break the editor.
                self.add(
                    "validator-failure",
                    "warning",
                    f"The check '{rule.__name__.lstrip('_')}' could not finish ({exc!r}); "
                    "the other checks ran.",
                    site.path if site is not None else None,
                    site,
                )

    def reference_fault(self, segments: tuple[str, ...], site: _TaskSite | None) -> _Fault:
        # Only {{tasks...}} and {{input...}} depend on where they are used; the verdict on the
        # others is the same for every task, and large jobs repeat them in every task.
        if segments[0] in ("tasks", "input"):
            return _reference_fault(self, segments, site)
        if segments not in self._reference_faults:
            self._reference_faults[segments] = _reference_fault(self, segments, site)
        return self._reference_faults[segments]

    # --- the dependency graph

    def ancestors(self, site: _TaskSite) -> int | None:
        """The nodes upstream of a task, as a bit set; None when unknown (no node, or a cycle)."""
        node = site.parent.node if site.parent is not None else site.node
        if node is None:
            return None
        if self._ancestors is None:
            self._ancestors = _ancestor_sets(self.parents)
        return self._ancestors[node]


# --- job-level rules ---------------------------------------------------------------------------

_LEGACY_TASK_FIELDS: Final = frozenset((*TASK_TYPES, "new_cluster", "existing_cluster_id"))


def _legacy_format(job: _Job, _: None) -> None:
    legacy = [key for key in _key_order(job.settings) if key in _LEGACY_TASK_FIELDS]
    if legacy:
        job.add(
            "legacy-single-task-format",
            "warning",
            f"The job sets {', '.join(legacy)} at the top level: that is the legacy single-task "
            "format of Jobs API 2.0. The API turns it into one task; move it into `tasks` to "
            "edit it here.",
            legacy[0],
        )


def _single_task_format(job: _Job, _: None) -> None:
    tasks = _get(job.settings, "tasks")
    if _get(job.settings, "format") == "SINGLE_TASK" and isinstance(tasks, list) and len(tasks) > 1:
        job.add(
            "single-task-format",
            "warning",
            f"The job's format is SINGLE_TASK but it has {len(tasks)} tasks; the API ignores "
            "`format` on create and reset, and the job is a MULTI_TASK job.",
            "format",
        )


def _task_count(job: _Job, _: None) -> None:
    tasks = _get(job.settings, "tasks")
    if isinstance(tasks, list) and len(tasks) > MAX_TASKS:
        job.add(
            "too-many-tasks",
            "error",
            f"The job has {len(tasks)} tasks; a job can have at most {MAX_TASKS}.",
            "tasks",
        )


def _invalid_task_entries(job: _Job, _: None) -> None:
    tasks = _get(job.settings, "tasks")
    if not isinstance(tasks, list):
        return
    for index, task in enumerate(tasks):
        if not _is_object(task) and not _is_interpolation(task):
            job.add(
                "invalid-task",
                "error",
                f"tasks[{index}] is {_quote(task)}, not a task object.",
                f"tasks[{index}]",
                position=index,
            )


def _tag_count(job: _Job, _: None) -> None:
    tags = _get(job.settings, "tags")
    if isinstance(tags, dict) and len(tags) > MAX_TAGS:
        job.add(
            "too-many-tags",
            "error",
            f"The job has {len(tags)} tags; a job can have at most {MAX_TAGS}.",
            "tags",
        )


_PARAMETER_NAME: Final = re.compile(r"[A-Za-z0-9_.\-]+")


def _job_parameters(job: _Job, _: None) -> None:
    parameters = _get(job.settings, "parameters")
    if not isinstance(parameters, list):
        return
    seen: dict[str, int] = {}
    for index, parameter in enumerate(parameters):
        path = f"parameters[{index}]"
        if not _is_object(parameter):
            if not _is_interpolation(parameter):
                job.add(
                    "invalid-parameter",
                    "error",
                    f"Job parameter {path} is {_quote(parameter)}, not an object with a name "
                    "and a default.",
                    path,
                )
            continue
        name = _get(parameter, "name")
        if _is_interpolation(name):
            continue
        reason = _parameter_name_fault(name)
        if reason is not None:
            job.add(
                "invalid-parameter-name", "error", f"Job parameter {path} {reason}", f"{path}.name"
            )
        elif name in seen:
            job.add(
                "duplicate-parameter-name",
                "error",
                f"Job parameter '{name}' is defined twice (parameters[{seen[name]}] and {path}); "
                "parameter names must be unique.",
                f"{path}.name",
            )
        else:
            seen[name] = index


def _parameter_name_fault(name: Any) -> str | None:
    if name is None:
        return "has no name."
    if not isinstance(name, str):
        return f"has the name {_quote(name)}, which is not a string."
    if not name:
        return "has an empty name."
    if not _PARAMETER_NAME.fullmatch(name):
        bad = _characters_outside(name, _PARAMETER_NAME)
        return (
            f"has the name '{name}', which contains {bad}: a parameter name may only contain "
            "letters, digits, '_', '-' and '.'."
        )
    return None


def _characters_outside(text: str, allowed: re.Pattern[str]) -> str:
    bad = sorted({char for char in text if not allowed.fullmatch(char)})
    return ", ".join(repr(char) for char in bad)


_TRIGGER_FIELDS: Final = ("schedule", "trigger", "triggers", "continuous")


def _trigger_exclusivity(job: _Job, _: None) -> None:
    given = [
        name
        for name in _TRIGGER_FIELDS
        if _get(job.settings, name) is not None and _get(job.settings, name) != []
    ]
    if len(given) > 1:
        job.add(
            "conflicting-triggers",
            "error",
            f"The job sets {_conjunction(given)}; only one of schedule, trigger, triggers and "
            "continuous may be set.",
            given[1],
        )


def _conjunction(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


# `table` is the legacy name of `table_update`; `triggers[]` entries also take schedule/continuous.
_TRIGGER_TYPES: Final = (
    "periodic",
    "file_arrival",
    "table_update",
    "table",
    "model",
    "job_completion",
)
_TRIGGER_LIST_TYPES: Final = (*_TRIGGER_TYPES, "schedule", "continuous")


def _schedules_and_triggers(job: _Job, _: None) -> None:
    _check_cron(job, _get(job.settings, "schedule"), "schedule")
    trigger = _get(job.settings, "trigger")
    if _is_object(trigger):
        _check_trigger_types(job, trigger, "trigger", _TRIGGER_TYPES)
        _check_trigger_settings(job, trigger, "trigger")
    triggers = _get(job.settings, "triggers")
    if isinstance(triggers, list):
        for index, entry in enumerate(triggers):
            if _is_object(entry):
                path = f"triggers[{index}]"
                _check_trigger_types(job, entry, path, _TRIGGER_LIST_TYPES)
                _check_cron(job, _get(entry, "schedule"), f"{path}.schedule")
                _check_trigger_settings(job, entry, path)


# The Jobs API's floor for file arrival and table update triggers' timings (SDK docstrings).
MIN_TRIGGER_SECONDS: Final = 60


def _check_trigger_settings(job: _Job, trigger: Any, path: str) -> None:
    """The required fields and limits of a periodic, file arrival or table update trigger."""
    periodic = _get(trigger, "periodic")
    if _is_object(periodic):
        interval = _get(periodic, "interval")
        if interval is None or (type(interval) is int and interval < 1):
            job.add(
                "trigger-field",
                "error",
                f"The periodic trigger's interval is {_quote(interval)}; it must be 1 or more.",
                f"{path}.periodic.interval",
            )
        unit = _get(periodic, "unit")
        if not _is_interpolation(unit) and unit not in PERIODIC_UNITS:
            job.add(
                "trigger-field",
                "error",
                f"The periodic trigger's unit is {_quote(unit)}; it is one of "
                f"{', '.join(PERIODIC_UNITS)}.",
                f"{path}.periodic.unit",
            )
    for kind, required, what in (
        ("file_arrival", "url", "the storage location to watch"),
        ("table_update", "table_names", "the tables to watch"),
    ):
        settings = _get(trigger, kind)
        if not _is_object(settings):
            continue
        if _missing(_get(settings, required)):
            job.add(
                "trigger-field",
                "error",
                f"The {kind.replace('_', ' ')} trigger has no {required}: it needs {what}.",
                f"{path}.{kind}.{required}",
            )
        for name in ("min_time_between_triggers_seconds", "wait_after_last_change_seconds"):
            value = _get(settings, name)
            # 0 is taken as "not set" (databricks/bundle-examples' table_update_trigger uses it).
            if type(value) is int and (value < 0 or 0 < value < MIN_TRIGGER_SECONDS):
                job.add(
                    "trigger-field",
                    "error",
                    f"The {kind.replace('_', ' ')} trigger's {name} is {value}; the API's "
                    f"minimum is {MIN_TRIGGER_SECONDS} seconds.",
                    f"{path}.{kind}.{name}",
                )


def _check_trigger_types(job: _Job, trigger: Any, path: str, types: Sequence[str]) -> None:
    given = [name for name, value in _items(trigger) if name in types and value is not None]
    if len(given) > 1:
        job.add(
            "several-trigger-types",
            "error",
            f"{path} sets {_conjunction(given)}; a trigger has exactly one type.",
            f"{path}.{given[1]}",
        )


def _check_cron(job: _Job, schedule: Any, path: str) -> None:
    if not _is_object(schedule):
        return
    expression = _get(schedule, "quartz_cron_expression")
    timezone_id = _get(schedule, "timezone_id")
    for name, value, code in (
        ("quartz_cron_expression", expression, "invalid-cron-expression"),
        ("timezone_id", timezone_id, "invalid-timezone"),
    ):
        if value is None:
            job.add(code, "error", f"{path} has no {name}.", f"{path}.{name}")
        elif not isinstance(value, str):
            message = f"{path}.{name} is {_quote(value)}, not a string."
            job.add(code, "error", message, f"{path}.{name}")
    checkable_expression = isinstance(expression, str) and not _is_interpolation(expression)
    checkable_zone = isinstance(timezone_id, str) and not _is_interpolation(timezone_id)
    if checkable_expression:
        # Without a usable time zone, the expression is still checked, in UTC.
        fault = _cron_fault(expression, timezone_id if checkable_zone else "UTC")
    elif checkable_zone:
        fault = _cron_fault(_EVERY_DAY, timezone_id)
    else:
        return
    if fault is None:
        return
    name, reason = fault
    if name == "timezone_id":
        message = (
            f"{path}.timezone_id '{timezone_id}' is not a time zone Databricks knows: {reason}"
        )
        job.add("invalid-timezone", "error", message, f"{path}.timezone_id")
    else:
        message = f"{path}.quartz_cron_expression '{expression}' is not valid Quartz: {reason}"
        job.add("invalid-cron-expression", "error", message, f"{path}.quartz_cron_expression")


_EVERY_DAY: Final = "0 0 0 * * ?"  # to check a time zone alone


def _cron_fault(expression: str, timezone_id: str) -> tuple[str, str] | None:
    """("quartz_cron_expression" or "timezone_id", why) when Databricks would reject the
    schedule; None when it is valid, or when the schedule module is not there to tell."""
    try:
        # Imported on use: everything else validates even without the schedule module.
        from loom_jobs_widget.schedule import quartz as schedule  # noqa: F401
    except ImportError:
        return None
    return _cron_verdict(expression, timezone_id)


@lru_cache(maxsize=512)
def _cron_verdict(expression: str, timezone_id: str) -> tuple[str, str] | None:
    # Cached: the editor validates again after every edit, and schedules rarely change.
    from loom_jobs_widget.schedule import quartz as schedule

    try:
        schedule.next_fire_times(expression, timezone_id, datetime.now(timezone.utc), count=1)
    except schedule.CronError as exc:
        field = getattr(exc, "field", None)
        zone = isinstance(field, str) and "zone" in field.lower()
        if not zone and timezone_id != "UTC":
            # `field` may name a cron field only: the zone is at fault if UTC makes it valid.
            zone = _cron_verdict(expression, "UTC") is None
        return ("timezone_id" if zone else "quartz_cron_expression", str(exc))
    return None


_PRINCIPALS: Final = ("user_name", "service_principal_name", "group_name")


def _run_as(job: _Job, _: None) -> None:
    run_as = _get(job.settings, "run_as")
    given = [name for name in _PRINCIPALS if _get(run_as, name) is not None]
    if len(given) > 1:
        job.add(
            "several-run-as-principals",
            "error",
            f"run_as sets {_conjunction(given)}; a job runs as exactly one user, service "
            "principal or group.",
            "run_as",
        )


def _max_concurrent_runs(job: _Job, _: None) -> None:
    value = _get(job.settings, "max_concurrent_runs")
    if type(value) is int and not 0 <= value <= MAX_CONCURRENT_RUNS:
        job.add(
            "max-concurrent-runs-out-of-range",
            "error",
            f"max_concurrent_runs is {value}; it must be between 0 and {MAX_CONCURRENT_RUNS} "
            "(0 skips every new run).",
            "max_concurrent_runs",
        )


def _job_timeout(job: _Job, _: None) -> None:
    _check_timeout(job, job.settings, "", "The job", None)


def _job_cluster_keys(job: _Job, _: None) -> None:
    _check_unique_keys(job, "job_clusters", "job_cluster_key", "Job cluster")


def _environment_keys(job: _Job, _: None) -> None:
    _check_unique_keys(job, "environments", "environment_key", "Environment")


def _check_unique_keys(job: _Job, list_field: str, key_field: str, noun: str) -> None:
    entries = _get(job.settings, list_field)
    if not isinstance(entries, list):
        return
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        key = _get(entry, key_field)
        if not isinstance(key, str) or _is_interpolation(key):
            continue
        if key in seen:
            job.add(
                f"duplicate-{key_field.replace('_', '-')}",
                "error",
                f"{noun} key '{key}' is defined twice ({list_field}[{seen[key]}] and "
                f"{list_field}[{index}]); each {key_field} must be unique.",
                f"{list_field}[{index}].{key_field}",
            )
        else:
            seen[key] = index


def _job_notifications(job: _Job, _: None) -> None:
    _check_webhooks(job, job.settings, "", "The job", None)
    _check_health(job, job.settings, "", "The job", None)


def _git_provider(job: _Job, _: None) -> None:
    provider = _get(_get(job.settings, "git_source"), "git_provider")
    if not isinstance(provider, str) or _is_interpolation(provider) or provider in GIT_PROVIDERS:
        return
    canonical = next((name for name in GIT_PROVIDERS if name.lower() == provider.lower()), None)
    path = "git_source.git_provider"
    if canonical is not None:
        # The API reads provider names case-insensitively, so this is only a spelling.
        job.add(
            "git-provider-spelling",
            "warning",
            f"git_provider '{provider}' is accepted, but the API's spelling is '{canonical}'.",
            path,
        )
    else:
        job.add(
            "unknown-git-provider",
            "warning",
            f"git_provider '{provider}' is not one of {', '.join(GIT_PROVIDERS)}.",
            path,
        )


def _parameter_default_references(job: _Job, _: None) -> None:
    parameters = _get(job.settings, "parameters")
    if not isinstance(parameters, list):
        return
    for index, parameter in enumerate(parameters):
        default = _get(parameter, "default")
        if isinstance(default, str) and "{{" in default:
            name = _get(parameter, "name")
            who = (
                f"Job parameter {_quote(name)}" if isinstance(name, str) else f"parameters[{index}]"
            )
            _check_references_in(job, default, f"parameters[{index}].default", who, None)


# --- task rules -----------------------------------------------------------------------------------

_TASK_KEY: Final = re.compile(r"[A-Za-z0-9_\-]+")


def _task_key(job: _Job, site: _TaskSite) -> None:
    key = site.fields.get("task_key")
    path = f"{site.path}.task_key"
    if _is_interpolation(key):
        return
    fault: str | None = None
    if key is None:
        fault = f"The task at {site.path} has no task_key."
    elif not isinstance(key, str):
        fault = f"The task at {site.path} has the task_key {_quote(key)}, which is not a string."
    elif not key:
        fault = f"The task at {site.path} has an empty task_key."
    elif len(key) > MAX_TASK_KEY_LENGTH:
        fault = (
            f"Task key '{key}' is {len(key)} characters long; the limit is {MAX_TASK_KEY_LENGTH}."
        )
    elif not _TASK_KEY.fullmatch(key):
        fault = (
            f"Task key '{key}' contains {_characters_outside(key, _TASK_KEY)}: a task_key may "
            "only contain letters, digits, '_' and '-'."
        )
    if fault is not None:
        job.add("invalid-task-key", "error", fault, path, site)
    elif site.first is not None:
        job.add(
            "duplicate-task-key",
            "error",
            f"Task key '{key}' is used by two tasks (tasks[{site.first.index}] and "
            f"tasks[{site.index}]); task keys must be unique within the job.",
            path,
            site,
        )


def _task_type(job: _Job, site: _TaskSite) -> None:
    known, unknown = site.types
    if len(known) > 1:
        given = _in_document_order(site.task, known)
        job.add(
            "several-task-types",
            "error",
            f"{site.label} sets {_conjunction(given)}; a task has exactly one task type.",
            f"{site.path}.{given[1]}",
            site,
        )
    elif unknown:
        # A newer task type than this editor knows: the API may well accept it.
        also = f" besides {known[0]}" if known else ""
        job.add(
            "unknown-task-type",
            "warning",
            f"{site.label} sets {_conjunction(unknown)}{also}, which this editor does not know "
            "as a task type; it is kept as it is.",
            f"{site.path}.{unknown[0]}",
            site,
        )
    elif not known:
        job.add(
            "missing-task-type",
            "error",
            f"{site.label} has no task type (notebook_task, sql_task, ...): there is nothing "
            "to run.",
            site.path,
            site,
        )


def _task_types(fields: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The documented task type fields a task sets, and the unknown `*_task` objects it has."""
    types = task_types_of(fields)
    known = tuple(t for t in types if t in TASK_TYPES)
    return known, tuple(t for t in types if t not in TASK_TYPES)


_COMPUTE_FIELDS: Final = (
    "existing_cluster_id",
    "job_cluster_key",
    "new_cluster",
    "environment_key",
)


def _compute(job: _Job, site: _TaskSite) -> None:
    fields = site.fields
    given = [name for name in _COMPUTE_FIELDS if fields.get(name) is not None]
    if len(given) > 1:
        given = _in_document_order(site.task, given)
        job.add(
            "several-compute-keys",
            "warning",
            f"{site.label} sets {_conjunction(given)}; a task runs on one compute, so only one "
            "of these is used.",
            f"{site.path}.{given[1]}",
            site,
        )
    for name, keys, list_field in (
        ("job_cluster_key", job.job_cluster_keys, "job_clusters"),
        ("environment_key", job.environment_keys, "environments"),
    ):
        key = fields.get(name)
        if keys is None or key is None or _is_interpolation(key):
            continue
        if isinstance(key, str) and key in keys:
            continue
        job.add(
            f"unknown-{name.replace('_', '-')}",
            "error",
            f"{site.label} uses {name} {_quote(key)}, which is not defined in the job's "
            f"{list_field}.",
            f"{site.path}.{name}",
            site,
        )


def _dependencies(job: _Job, site: _TaskSite) -> None:
    depends_on = site.fields.get("depends_on")
    if depends_on is None or _is_interpolation(depends_on):
        return
    path = f"{site.path}.depends_on"
    if not isinstance(depends_on, list):
        job.add(
            "invalid-dependency",
            "error",
            f"{site.label} has depends_on {_quote(depends_on)}; it must be a list of "
            "{task_key} objects.",
            path,
            site,
        )
        return
    for index, dependency in enumerate(depends_on):
        upstream = _get(dependency, "task_key")
        if not isinstance(upstream, str) or not upstream:
            if _is_object(dependency):
                job.add(
                    "invalid-dependency",
                    "error",
                    f"{site.label} has a depends_on entry without a task_key.",
                    f"{path}[{index}].task_key",
                    site,
                )
            elif not _is_interpolation(dependency):
                job.add(
                    "invalid-dependency",
                    "error",
                    f"{site.label} has {_quote(dependency)} in depends_on, where an object "
                    "with a task_key is expected.",
                    f"{path}[{index}]",
                    site,
                )
            continue
        target = job.by_key.get(upstream)
        if target is None or upstream == site.key:
            _check_dependency_target(job, site, upstream, f"{path}[{index}].task_key")
            continue
        if site.node is not None and target.node is not None:
            upstream_nodes = job.parents[site.node]
            if upstream_nodes is None:
                job.parents[site.node] = [target.node]
            else:
                upstream_nodes.append(target.node)
        outcome = _get(dependency, "outcome")
        if outcome is not None:
            _check_outcome(job, site, target, outcome, f"{path}[{index}].outcome")


def _check_dependency_target(job: _Job, site: _TaskSite, upstream: str, path: str) -> None:
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
    job: _Job, site: _TaskSite, upstream: _TaskSite, outcome: Any, path: str
) -> None:
    if _is_interpolation(outcome):
        return
    if upstream.fields.get("condition_task") is not None:
        if outcome not in ("true", "false"):
            job.add(
                "invalid-outcome",
                "error",
                f"{site.label} depends on condition task '{upstream.key}' with outcome "
                f'{_quote(outcome)}; the outcome of a condition task is "true" or "false".',
                path,
                site,
            )
    elif upstream.types[0]:
        job.add(
            "outcome-without-condition",
            "error",
            f"{site.label} depends on '{upstream.key}' with outcome {_quote(outcome)}, but "
            f"'{upstream.key}' is not a condition task; outcome only applies after a condition "
            "task.",
            path,
            site,
        )


def _run_if(job: _Job, site: _TaskSite) -> None:
    run_if = site.fields.get("run_if")
    if run_if is None or _is_interpolation(run_if) or run_if in RUN_IF_VALUES:
        return
    # Possibly a condition newer than this editor; the API would reject a plain typo.
    job.add(
        "unknown-run-if",
        "warning",
        f"{site.label} has run_if {_quote(run_if)}, which is not one of "
        f"{', '.join(RUN_IF_VALUES)}.",
        f"{site.path}.run_if",
        site,
    )


def _condition_op(job: _Job, site: _TaskSite) -> None:
    op = _get(site.fields.get("condition_task"), "op")
    if op is None or _is_interpolation(op) or op in CONDITION_OPS:
        return
    # A warning, not an error: the list of operators grows (it did with the numeric ones), and a
    # value newer than this editor must stay savable. The API still rejects a real typo.
    job.add(
        "unknown-condition-op",
        "warning",
        f"{site.label} has condition_task op {_quote(op)}, which is not one of "
        f"{', '.join(CONDITION_OPS)}.",
        f"{site.path}.condition_task.op",
        site,
    )


# What each task type cannot run without (databricks-sdk's docstrings mark them required). An
# empty string counts as missing: the editor's new tasks start with one for the user to fill.
_REQUIRED: Final[Mapping[str, tuple[tuple[str, str], ...]]] = {
    "notebook_task": (("notebook_path", "the path of the notebook to run"),),
    "spark_python_task": (("python_file", "the Python file to run"),),
    "python_wheel_task": (
        ("package_name", "the name of the wheel's package"),
        ("entry_point", "the entry point of the package to call"),
    ),
    "spark_jar_task": (("main_class_name", "the class whose main method runs"),),
    "sql_task": (("warehouse_id", "the SQL warehouse to run on"),),
    "pipeline_task": (("pipeline_id", "the pipeline to update"),),
    "run_job_task": (("job_id", "the job to run"),),
    "condition_task": (("left", "the left operand"), ("right", "the right operand")),
    "for_each_task": (("inputs", "the list to iterate over"), ("task", "the task to run")),
    "dbt_task": (("commands", "the dbt commands to run"),),
}
_SQL_TASK_KINDS: Final = ("query", "dashboard", "alert", "file")
# Task fields with a plain JSON type, checked here because the model keeps a value of another
# type as given (so that nothing is lost) and the API would refuse it. The API's parser takes an
# integer as a decimal string too (proto3 JSON), so that is no fault.
_TASK_FIELD_TYPES: Final[Mapping[str, tuple[type, str]]] = {
    "max_retries": (int, "a whole number"),
    "min_retry_interval_millis": (int, "a whole number of milliseconds"),
    "timeout_seconds": (int, "a whole number of seconds"),
    "retry_on_timeout": (bool, "true or false"),
    "disabled": (bool, "true or false"),
}
_INT_TEXT: Final = re.compile(r"-?\d+")


def _missing(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _required_fields(job: _Job, site: _TaskSite) -> None:
    known, _ = site.types
    if len(known) != 1:
        return  # no type, or several: _task_type says so
    task_type = known[0]
    body = site.fields.get(task_type)
    if not _is_object(body):
        return
    fields = _fields_of(body)
    noun = task_type.removesuffix("_task").replace("_", " ")
    for name, what in _REQUIRED.get(task_type, ()):
        value = fields.get(name)
        # A condition may well compare with an empty string.
        if value is None if task_type == "condition_task" else _missing(value):
            job.add(
                "missing-required-field",
                "error",
                f"{site.label} has no {task_type}.{name}: a {noun} task needs {what}.",
                f"{site.path}.{task_type}.{name}",
                site,
            )
    if task_type == "sql_task" and not any(
        not _missing(fields.get(kind)) for kind in _SQL_TASK_KINDS
    ):
        job.add(
            "missing-required-field",
            "error",
            f"{site.label} has no query, dashboard, alert or file: a SQL task runs one of them.",
            f"{site.path}.sql_task",
            site,
        )


def _field_types(job: _Job, site: _TaskSite) -> None:
    for name, (expected, noun) in _TASK_FIELD_TYPES.items():
        value = site.fields.get(name)
        if value is None or _is_interpolation(value):
            continue
        # bool is an int in Python; the API's integers are not booleans.
        if type(value) is not expected and not (
            expected is int and isinstance(value, str) and _INT_TEXT.fullmatch(value)
        ):
            job.add(
                "wrong-type",
                "error",
                f"{site.label} has {name} {_quote(value)}; it must be {noun}.",
                f"{site.path}.{name}",
                site,
            )
    retries = site.fields.get("max_retries")
    if type(retries) is int and retries < -1:
        job.add(
            "max-retries-range",
            "error",
            f"{site.label} has max_retries {retries}; it must be -1 (retry without end), "
            "0 (no retries) or more.",
            f"{site.path}.max_retries",
            site,
        )
    interval = site.fields.get("min_retry_interval_millis")
    if type(interval) is int and interval < 0:
        job.add(
            "retry-interval-range",
            "error",
            f"{site.label} has min_retry_interval_millis {interval}; it must be 0 or more.",
            f"{site.path}.min_retry_interval_millis",
            site,
        )


def _for_each(job: _Job, site: _TaskSite) -> None:
    for_each = site.fields.get("for_each_task")
    if not _is_object(for_each):
        return
    path = f"{site.path}.for_each_task"
    concurrency = _get(for_each, "concurrency")
    if type(concurrency) is int and concurrency not in FOR_EACH_CONCURRENCY:
        job.add(
            "for-each-concurrency",
            "error",
            f"{site.label} has for_each_task concurrency {concurrency}; it must be between "
            f"{FOR_EACH_CONCURRENCY.start} and {FOR_EACH_CONCURRENCY.stop - 1}.",
            f"{path}.concurrency",
            site,
        )
    if site.parent is not None:
        job.add(
            "nested-for-each",
            "error",
            f"{site.label} is a for_each task inside a for_each task; the task nested in a "
            "for_each task cannot itself be a for_each task.",
            path,
            site,
        )


def _nested_task_key_reuse(job: _Job, site: _TaskSite) -> None:
    key = site.key
    if key is None or key not in job.by_key:
        return
    # Recorded CLI requests do this (the for_each task and its nested task share one key);
    # whether the API accepts it is unverified, so this is only a warning.
    owner = "its for_each task" if key == site.owner_key else "another task of the job"
    job.add(
        "nested-task-key-reused",
        "warning",
        f"The task nested in for_each task '{site.owner_key}' has task_key '{key}', the key of "
        f"{owner}; give it a key of its own, such as '{key}_iteration'.",
        f"{site.path}.task_key",
        site,
    )


def _task_timeout(job: _Job, site: _TaskSite) -> None:
    _check_timeout(job, site.fields, f"{site.path}.", site.label, site)


def _check_timeout(job: _Job, owner: Any, prefix: str, who: str, site: _TaskSite | None) -> None:
    timeout = _get(owner, "timeout_seconds")
    if type(timeout) is int and timeout < 0:
        job.add(
            "negative-timeout",
            "error",
            f"{who} has timeout_seconds {timeout}; it must be 0 (no timeout) or more.",
            f"{prefix}timeout_seconds",
            site,
        )


def _task_notifications(job: _Job, site: _TaskSite) -> None:
    _check_webhooks(job, site.fields, f"{site.path}.", site.label, site)
    _check_health(job, site.fields, f"{site.path}.", site.label, site)


def _check_webhooks(job: _Job, owner: Any, prefix: str, who: str, site: _TaskSite | None) -> None:
    hooks = _get(owner, "webhook_notifications")
    if hooks is None:
        return
    for event, destinations in _items(hooks):
        if isinstance(destinations, list) and len(destinations) > MAX_WEBHOOKS_PER_EVENT:
            job.add(
                "too-many-webhooks",
                "error",
                f"{who} has {len(destinations)} webhook destinations for {event}; at most "
                f"{MAX_WEBHOOKS_PER_EVENT} are allowed per event.",
                f"{prefix}webhook_notifications.{event}",
                site,
            )


def _check_health(job: _Job, owner: Any, prefix: str, who: str, site: _TaskSite | None) -> None:
    rules = _get(_get(owner, "health"), "rules")
    if not isinstance(rules, list):
        return
    for index, rule in enumerate(rules):
        path = f"{prefix}health.rules[{index}]"
        metric = _get(rule, "metric")
        if (
            isinstance(metric, str)
            and not _is_interpolation(metric)
            and metric not in HEALTH_METRICS
        ):
            job.add(
                "unknown-health-metric",
                "warning",
                f"{who} has a health rule on metric '{metric}', which is not one of "
                f"{', '.join(HEALTH_METRICS)}.",
                f"{path}.metric",
                site,
            )
        op = _get(rule, "op")
        if isinstance(op, str) and not _is_interpolation(op) and op != "GREATER_THAN":
            job.add(
                "unknown-health-op",
                "warning",
                f"{who} has a health rule with op '{op}'; the API documents only GREATER_THAN.",
                f"{path}.op",
                site,
            )


# --- graph rules ----------------------------------------------------------------------------------


def _cycles(job: _Job, _: None) -> None:
    keys = list(job.by_key)
    for cycle in _find_cycles(job.parents):
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


def _entry_naming(site: _TaskSite, upstream: str) -> int:
    """The index of the depends_on entry of a task that names `upstream`."""
    depends_on = site.fields.get("depends_on")
    entries = depends_on if isinstance(depends_on, list) else []
    return next(i for i, entry in enumerate(entries) if _get(entry, "task_key") == upstream)


_Graph: TypeAlias = "Sequence[Sequence[int] | None]"  # node -> its upstream nodes, if any


def _topological_order(parents: _Graph) -> list[int]:
    """Kahn's order of the nodes that are in no cycle and downstream of none."""
    children: dict[int, list[int]] = {}
    waiting = [len(upstream) if upstream else 0 for upstream in parents]
    for node, upstream in enumerate(parents):
        for parent in upstream or ():
            children.setdefault(parent, []).append(node)
    ready = deque(node for node, count in enumerate(waiting) if count == 0)
    order: list[int] = []
    while ready:
        node = ready.popleft()
        order.append(node)
        for child in children.get(node, ()):
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    return order


def _ancestor_sets(parents: _Graph) -> list[int | None]:
    """For each node, the set of nodes upstream of it as a bit set (an int: fast to merge for
    a thousand tasks); None for a node in or behind a cycle."""
    found: list[int | None] = [None] * len(parents)
    for node in _topological_order(parents):
        bits = 0
        for parent in parents[node] or ():
            # Kahn's order puts every parent first, so `found[parent]` is set.
            bits |= (found[parent] or 0) | (1 << parent)
        found[node] = bits
    return found


def _find_cycles(parents: _Graph) -> list[list[int]]:
    """One cycle per strongly connected component of the graph, in document order: the nodes
    from the first of the component, each upstream of the next, the last upstream of the first.

    A component can hold many cycles; naming one of them is enough to break it up, and listing
    them all could take exponential time."""
    ordered = _topological_order(parents)
    if len(ordered) == len(parents):
        return []
    settled = set(ordered)
    children: dict[int, list[int]] = {}
    for node, upstream in enumerate(parents):
        if node in settled:
            continue
        for parent in upstream or ():
            if parent not in settled:
                children.setdefault(parent, []).append(node)
    cycles = []
    for component in _strongly_connected(sorted(children), children):
        if len(component) > 1:
            cycles.append(_cycle_through(min(component), set(component), children))
    return sorted(cycles, key=lambda cycle: cycle[0])


def _strongly_connected(nodes: Sequence[int], children: Mapping[int, list[int]]) -> list[list[int]]:
    """Tarjan's algorithm without recursion (a chain of a thousand tasks is a deep search)."""
    number: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    components: list[list[int]] = []
    for root in nodes:
        if root in number:
            continue
        number[root] = low[root] = len(number)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(children.get(root, ())))]
        while work:
            node, pending = work[-1]
            child = next(pending, None)
            if child is not None:
                if child not in number:
                    number[child] = low[child] = len(number)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(children.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], number[child])
                continue
            work.pop()
            if work:
                caller = work[-1][0]
                low[caller] = min(low[caller], low[node])
            if low[node] == number[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def _cycle_through(start: int, component: set[int], children: Mapping[int, list[int]]) -> list[int]:
    """The shortest cycle from `start` back to it inside its component (breadth first)."""
    came_from: dict[int, int] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in children.get(node, ()):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return path[::-1]
            if child in component and child not in came_from:
                came_from[child] = node
                queue.append(child)
    return [start]  # unreachable for a component of two or more nodes


# --- dynamic value references ---------------------------------------------------------------------

_PATH_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_JOB_VALUES: Final = frozenset({"id", "name", "run_id", "repair_count"})
_TASK_VALUES: Final = frozenset({"name", "run_id", "execution_count", "notebook_path"})
_OTHER_TASK_VALUES: Final = frozenset(
    {"run_id", "result_state", "error_code", "execution_count", "notebook_path"}
)
_WORKSPACE_VALUES: Final = frozenset({"id", "url"})
_Path: TypeAlias = "str | tuple[_Path, Any]"  # built as (parent, key or index); formatted on need


def _task_references(job: _Job, site: _TaskSite) -> None:
    # References are resolved in what a task passes to its code: its task type's fields
    # (parameters, base_parameters, condition operands, for_each inputs, ...). Compute, libraries
    # and notifications take none, and `{{secrets/...}}` in a cluster's spark_conf is no reference.
    known, unknown = site.types
    for key in (*known, *unknown):
        value = site.fields.get(key)
        if key == "for_each_task" and site.parent is None:
            # The nested task is checked on its own, where {{input}} has a value.
            for inner_key, inner in _items(value):
                if inner_key != "task":
                    _scan(job, inner, ((site.path, key), inner_key), site)
        else:
            _scan(job, value, (site.path, key), site)


def _scan(job: _Job, value: Any, path: _Path, site: _TaskSite) -> None:
    """Checks the references in every string of a value, in document order."""
    if isinstance(value, str):
        if "{{" in value:
            _check_references_in(job, value, path, site.label, site)
        return
    # A stack of half-read containers, not recursion: values may nest deeper than Python's
    # recursion limit. A `for` over an iterator resumes where its `break` left it.
    frames: list[tuple[Iterator[tuple[Any, Any]], _Path]] = [(_children(value), path)]
    while frames:
        children, path = frames[-1]
        for key, item in children:
            if isinstance(item, str):
                if "{{" in item:
                    _check_references_in(job, item, (path, key), site.label, site)
            elif isinstance(item, (dict, list, ApiObject)):
                frames.append((_children(item), (path, key)))
                break
        else:
            frames.pop()


def _children(value: Any) -> Iterator[tuple[Any, Any]]:
    return enumerate(value) if isinstance(value, list) else iter(_items(value))


def _format_path(path: _Path) -> str:
    parts: list[Any] = []
    while isinstance(path, tuple):
        path, part = path
        parts.append(part)
    text = path
    for part in reversed(parts):
        if isinstance(part, int):
            text += f"[{part}]"
        elif isinstance(part, str) and _PATH_NAME.fullmatch(part):
            text += f".{part}"
        else:
            text += f"[{json.dumps(str(part))}]"
    return text


def _check_references_in(
    job: _Job, text: str, path: _Path, who: str, site: _TaskSite | None
) -> None:
    for match in REFERENCE.finditer(text):
        segments = parse_reference(match.group(1))
        if segments == ():
            continue
        reference = match.group(0)
        if segments is None:
            where = _format_path(path)
            job.add(
                "malformed-reference",
                "warning",
                f"{who} uses {reference} in {where}, which is not a well-formed reference, so it "
                "is passed on as literal text. Names with characters other than letters, digits "
                "and '_' go in backticks, as in {{job.parameters.`my-name`}}.",
                where,
                site,
            )
            continue
        fault = job.reference_fault(segments, site)
        if fault is not None:
            code, severity, reason = fault
            where = _format_path(path)
            job.add(code, severity, f"{who} uses {reference} in {where}, {reason}", where, site)


_Fault: TypeAlias = "tuple[str, Severity, str] | None"


def _reference_fault(job: _Job, segments: tuple[str, ...], site: _TaskSite | None) -> _Fault:
    namespace, rest = segments[0], list(segments[1:])
    if namespace == "job":
        return _job_reference_fault(job, rest)
    if namespace == "tasks":
        return _tasks_reference_fault(job, rest, site)
    if namespace == "input":
        if site is None or site.parent is None:
            return (
                "input-outside-for-each",
                "error",
                "but {{input}} only has a value in the task nested in a for_each task.",
            )
        return None
    known = _TASK_VALUES if namespace == "task" else _WORKSPACE_VALUES
    if len(rest) == 1 and rest[0] in known:
        return None
    return (
        "unknown-reference",
        "error",
        f"but {namespace} has no such value; known are "
        f"{', '.join(f'{namespace}.{name}' for name in sorted(known))}.",
    )


def _job_reference_fault(job: _Job, rest: list[str]) -> _Fault:
    head = rest[0] if rest else ""
    tail = rest[1:]
    if head in _JOB_VALUES and not tail:
        return None
    if head == "start_time" and len(tail) == 1 and tail[0] in TIME_ARGUMENTS:
        return None
    if head == "parameters" and tail:
        names = job.parameter_names
        if names is None or tail[0] in names or ".".join(tail) in names:
            return None
        return (
            "unknown-job-parameter-reference",
            "error",
            f"but the job has no parameter '{'.'.join(tail)}'.",
        )
    if head == "trigger" and tail:
        if _known_trigger_reference(tail):
            return None
        # Each new trigger type brings values of its own: unknown here is not wrong there.
        return (
            "unverified-reference",
            "warning",
            "which this editor does not know as a trigger value; check its spelling.",
        )
    return (
        "unknown-reference",
        "error",
        "but the job has no such value; known are job.id, job.name, job.run_id, "
        "job.repair_count, job.start_time.<argument>, job.parameters.<name> and job.trigger.*.",
    )


def _known_trigger_reference(tail: list[str]) -> bool:
    if tail == ["type"] or tail == ["file_arrival", "location"]:
        return True
    if tail[0] == "time":
        return len(tail) == 2 and tail[1] in TIME_ARGUMENTS
    return tail[0] == "table_update" and len(tail) > 1


def _tasks_reference_fault(job: _Job, rest: list[str], site: _TaskSite | None) -> _Fault:
    if len(rest) < 2:
        return (
            "unknown-reference",
            "error",
            "but a task reference names a task and one of its values, as in "
            "{{tasks.<task_key>.values.<key>}}.",
        )
    upstream, value = rest[0], rest[1:]
    fault = _task_value_fault(value)
    if fault is not None:
        return fault
    target = job.by_key.get(upstream)
    if target is None:
        if not job.keys_certain:
            return None
        return ("unknown-task-reference", "error", f"but '{upstream}' is not a task of this job.")
    if site is None:
        return None
    ancestors = job.ancestors(site)
    if ancestors is None or target.node is None or ancestors >> target.node & 1:
        return None
    owner = site.owner_key or "this task"
    if value[0] == "values":
        return (
            "task-value-not-upstream",
            "error",
            f"but '{upstream}' is not upstream of '{owner}': a task only sees the task values "
            "of the tasks it depends on, directly or through others.",
        )
    return (
        "reference-not-upstream",
        "warning",
        f"but '{upstream}' is not upstream of '{owner}', so that value may not exist yet when "
        f"'{owner}' starts.",
    )


def _task_value_fault(value: list[str]) -> _Fault:
    head, tail = value[0], value[1:]
    if head in _OTHER_TASK_VALUES and not tail:
        return None
    if head == "values" and tail:
        return None
    if head == "output":
        if tail in (["rows"], ["first_row"], ["alert_state"]):
            return None
        if len(tail) == 2 and tail[0] == "first_row":
            return None
        # Task outputs are new and growing (SQL rows, alert state): not knowing one is no proof.
        return (
            "unverified-reference",
            "warning",
            "which this editor does not know as a task output; check its spelling.",
        )
    return (
        "unknown-reference",
        "error",
        f"but a task has no value '{'.'.join(value)}'; known are "
        f"{', '.join(sorted(_OTHER_TASK_VALUES))}, values.<key> and output.*.",
    )


# --- rule lists -----------------------------------------------------------------------------------

_JOB_RULES: Final[Sequence[Rule]] = (
    _legacy_format,
    _single_task_format,
    _task_count,
    _invalid_task_entries,
    _tag_count,
    _job_parameters,
    _parameter_default_references,
    _trigger_exclusivity,
    _schedules_and_triggers,
    _run_as,
    _max_concurrent_runs,
    _job_timeout,
    _job_cluster_keys,
    _environment_keys,
    _job_notifications,
    _git_provider,
)
_COMMON_TASK_RULES: Final[Sequence[Rule]] = (
    _task_key,
    _task_type,
    _compute,
    _run_if,
    _condition_op,
    _required_fields,
    _field_types,
    _for_each,
    _task_timeout,
    _task_notifications,
)
_TASK_RULES: Final[Sequence[Rule]] = (*_COMMON_TASK_RULES, _dependencies)
_NESTED_TASK_RULES: Final[Sequence[Rule]] = (*_COMMON_TASK_RULES, _nested_task_key_reuse)
_GRAPH_RULES: Final[Sequence[Rule]] = (_cycles,)
_REFERENCE_RULES: Final[Sequence[Rule]] = (_task_references,)

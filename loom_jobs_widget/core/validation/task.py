"""Per-task rules: the task_key, the task type and its required fields, compute, run_if, the
types of plain fields, for_each."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from loom_jobs_widget.core.limits import (
    FOR_EACH_CONCURRENCY,
    MAX_TASK_KEY_LENGTH,
    TASK_KEY_PATTERN,
)
from loom_jobs_widget.core.models import CONDITION_OPS, RUN_IF_VALUES, field_value
from loom_jobs_widget.core.task_types import TASK_TYPES, Required
from loom_jobs_widget.core.validation.collector import CheckedJob, TaskSite
from loom_jobs_widget.core.validation.readers import (
    characters_outside,
    conjunction,
    in_document_order,
    is_interpolation,
    is_object,
    missing,
    quote,
)

__all__ = [
    "compute",
    "condition_op",
    "field_types",
    "for_each",
    "nested_task_key_reuse",
    "required_fields",
    "run_if",
    "task_key",
    "task_type",
]


def task_key(job: CheckedJob, site: TaskSite) -> None:
    key = site.fields.get("task_key")
    if is_interpolation(key):
        return
    fault: str | None = None
    if key is None:
        fault = f"The task at {site.path} has no task_key."
    elif not isinstance(key, str):
        fault = f"The task at {site.path} has the task_key {quote(key)}, which is not a string."
    elif not key:
        fault = f"The task at {site.path} has an empty task_key."
    elif len(key) > MAX_TASK_KEY_LENGTH:
        fault = (
            f"Task key '{key}' is {len(key)} characters long; the limit is {MAX_TASK_KEY_LENGTH}."
        )
    elif not TASK_KEY_PATTERN.fullmatch(key):
        bad = characters_outside(key, TASK_KEY_PATTERN)
        fault = (
            f"Task key '{key}' contains {bad}: a task_key may only contain letters, digits, '_' "
            "and '-'."
        )
    if fault is None and site.first is None:
        return
    path = f"{site.path}.task_key"
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


def task_type(job: CheckedJob, site: TaskSite) -> None:
    known, unknown = site.types
    if len(known) > 1:
        given = in_document_order(site.task, known)
        job.add(
            "several-task-types",
            "error",
            f"{site.label} sets {conjunction(given)}; a task has exactly one task type.",
            f"{site.path}.{given[1]}",
            site,
        )
    elif unknown:
        # A newer task type than this editor knows: the API may well accept it.
        also = f" besides {known[0]}" if known else ""
        job.add(
            "unknown-task-type",
            "warning",
            f"{site.label} sets {conjunction(unknown)}{also}, which this editor does not know "
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


_COMPUTE_FIELDS: Final = (
    "existing_cluster_id",
    "job_cluster_key",
    "new_cluster",
    "environment_key",
)


def compute(job: CheckedJob, site: TaskSite) -> None:
    fields = site.fields
    given = [name for name in _COMPUTE_FIELDS if fields.get(name) is not None]
    if len(given) > 1:
        given = in_document_order(site.task, given)
        job.add(
            "several-compute-keys",
            "warning",
            f"{site.label} sets {conjunction(given)}; a task runs on one compute, so only one "
            "of these is used.",
            f"{site.path}.{given[1]}",
            site,
        )
    for name, keys, list_field in (
        ("job_cluster_key", job.job_cluster_keys, "job_clusters"),
        ("environment_key", job.environment_keys, "environments"),
    ):
        key = fields.get(name)
        if keys is None or key is None or is_interpolation(key):
            continue
        if isinstance(key, str) and key in keys:
            continue
        job.add(
            f"unknown-{name.replace('_', '-')}",
            "error",
            f"{site.label} uses {name} {quote(key)}, which is not defined in the job's "
            f"{list_field}.",
            f"{site.path}.{name}",
            site,
        )


def run_if(job: CheckedJob, site: TaskSite) -> None:
    run_if = site.fields.get("run_if")
    if run_if is None or is_interpolation(run_if) or run_if in RUN_IF_VALUES:
        return
    # Possibly a condition newer than this editor; the API would reject a plain typo.
    job.add(
        "unknown-run-if",
        "warning",
        f"{site.label} has run_if {quote(run_if)}, which is not one of {', '.join(RUN_IF_VALUES)}.",
        f"{site.path}.run_if",
        site,
    )


def condition_op(job: CheckedJob, site: TaskSite) -> None:
    op = field_value(site.fields.get("condition_task"), "op")
    if op is None or is_interpolation(op) or op in CONDITION_OPS:
        return
    # A warning, not an error: the list of operators grows (it did with the numeric ones), and a
    # value newer than this editor must stay savable. The API still rejects a real typo.
    job.add(
        "unknown-condition-op",
        "warning",
        f"{site.label} has condition_task op {quote(op)}, which is not one of "
        f"{', '.join(CONDITION_OPS)}.",
        f"{site.path}.condition_task.op",
        site,
    )


# What each task type cannot run without. An empty string counts as missing: the editor's new
# tasks start with one for the user to fill.
_REQUIRED: Final[Mapping[str, tuple[Required, ...]]] = {
    entry.key: entry.required for entry in TASK_TYPES if entry.required
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


def required_fields(job: CheckedJob, site: TaskSite) -> None:
    known, _ = site.types
    if len(known) != 1:
        return  # no type, or several: task_type says so
    task_type = known[0]
    body = site.fields.get(task_type)
    if not is_object(body):
        return
    for required in _REQUIRED.get(task_type, ()):
        name = required.name
        value = field_value(body, name)  # None when absent, as for a field that is not given
        # A condition may well compare with an empty string.
        if value is None if task_type == "condition_task" else missing(value):
            noun = task_type.removesuffix("_task").replace("_", " ")
            job.add(
                "missing-required-field",
                "error",
                f"{site.label} has no {task_type}.{name}: a {noun} task needs {required.what}.",
                f"{site.path}.{task_type}.{name}",
                site,
            )
    if task_type == "sql_task" and not any(
        not missing(field_value(body, kind)) for kind in _SQL_TASK_KINDS
    ):
        job.add(
            "missing-required-field",
            "error",
            f"{site.label} has no query, dashboard, alert or file: a SQL task runs one of them.",
            f"{site.path}.sql_task",
            site,
        )


def field_types(job: CheckedJob, site: TaskSite) -> None:
    for name, (expected, noun) in _TASK_FIELD_TYPES.items():
        value = site.fields.get(name)
        if value is None or is_interpolation(value):
            continue
        # bool is an int in Python; the API's integers are not booleans.
        if type(value) is not expected and not (
            expected is int and isinstance(value, str) and _INT_TEXT.fullmatch(value)
        ):
            job.add(
                "wrong-type",
                "error",
                f"{site.label} has {name} {quote(value)}; it must be {noun}.",
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


def for_each(job: CheckedJob, site: TaskSite) -> None:
    for_each = site.fields.get("for_each_task")
    if not is_object(for_each):
        return
    path = f"{site.path}.for_each_task"
    concurrency = field_value(for_each, "concurrency")
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


def nested_task_key_reuse(job: CheckedJob, site: TaskSite) -> None:
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

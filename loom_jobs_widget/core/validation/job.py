"""Job-level rules: the name's length, the format, the number of tasks and tags, job parameters,
run_as, max_concurrent_runs, the keys of job clusters and environments, the Git provider."""

from __future__ import annotations

import re
from typing import Any, Final

from loom_jobs_widget.core.limits import (
    GIT_PROVIDERS,
    MAX_CONCURRENT_RUNS,
    MAX_JOB_NAME_BYTES,
    MAX_TAGS,
    MAX_TASKS,
    PARAMETER_NAME_PATTERN,
)
from loom_jobs_widget.core.models import TASK_TYPES, field_value
from loom_jobs_widget.core.validation.collector import CheckedJob
from loom_jobs_widget.core.validation.readers import (
    characters_outside,
    conjunction,
    is_interpolation,
    is_object,
    key_order,
    quote,
)

__all__ = [
    "environment_keys",
    "git_provider",
    "invalid_task_entries",
    "job_cluster_keys",
    "job_parameters",
    "legacy_format",
    "max_concurrent_runs",
    "name_length",
    "run_as",
    "single_task_format",
    "tag_count",
    "task_count",
]

_INTERPOLATION: Final = re.compile(r"\$\{[^}]*\}")
_LEGACY_TASK_FIELDS: Final = frozenset((*TASK_TYPES, "new_cluster", "existing_cluster_id"))


def name_length(job: CheckedJob, _: None) -> None:
    name = field_value(job.settings, "name")
    if not isinstance(name, str):
        return
    # What the Databricks CLI puts for a `${...}` reference is unknown; the rest of the name stays.
    referenced = is_interpolation(name)
    fixed = _INTERPOLATION.sub("", name) if referenced else name
    # The limit is in bytes: 'é' takes 2, most emoji 4. A lone surrogate, which JSON lets
    # through, is counted as the 3 bytes it would take rather than failing the check.
    size = len(fixed.encode("utf-8", "surrogatepass"))
    if size <= MAX_JOB_NAME_BYTES:
        return
    if referenced:
        length = f", without its ${{...}} references, is already {size} bytes long in UTF-8"
    elif len(name) != size:
        length = f" is {size} bytes long in UTF-8 ({len(name)} characters)"
    else:
        length = f" is {size} bytes long in UTF-8"
    job.add(
        "job-name-too-long",
        "error",
        f"The job name{length}; the limit is {MAX_JOB_NAME_BYTES} bytes.",
        "name",
    )


def legacy_format(job: CheckedJob, _: None) -> None:
    legacy = [key for key in key_order(job.settings) if key in _LEGACY_TASK_FIELDS]
    if legacy:
        job.add(
            "legacy-single-task-format",
            "warning",
            f"The job sets {', '.join(legacy)} at the top level: that is the legacy single-task "
            "format of Jobs API 2.0. The API turns it into one task; move it into `tasks` to "
            "edit it here.",
            legacy[0],
        )


def single_task_format(job: CheckedJob, _: None) -> None:
    tasks = field_value(job.settings, "tasks")
    if (
        field_value(job.settings, "format") == "SINGLE_TASK"
        and isinstance(tasks, list)
        and len(tasks) > 1
    ):
        job.add(
            "single-task-format",
            "warning",
            f"The job's format is SINGLE_TASK but it has {len(tasks)} tasks; the API ignores "
            "`format` on create and reset, and the job is a MULTI_TASK job.",
            "format",
        )


def task_count(job: CheckedJob, _: None) -> None:
    tasks = field_value(job.settings, "tasks")
    if isinstance(tasks, list) and len(tasks) > MAX_TASKS:
        job.add(
            "too-many-tasks",
            "error",
            f"The job has {len(tasks)} tasks; a job can have at most {MAX_TASKS}.",
            "tasks",
        )


def invalid_task_entries(job: CheckedJob, _: None) -> None:
    tasks = field_value(job.settings, "tasks")
    if not isinstance(tasks, list) or len(tasks) == len(job.sites):
        return  # every entry is an object: each has a site
    for index, task in enumerate(tasks):
        if not is_object(task) and not is_interpolation(task):
            job.add(
                "invalid-task",
                "error",
                f"tasks[{index}] is {quote(task)}, not a task object.",
                f"tasks[{index}]",
                position=index,
            )


def tag_count(job: CheckedJob, _: None) -> None:
    tags = field_value(job.settings, "tags")
    if isinstance(tags, dict) and len(tags) > MAX_TAGS:
        job.add(
            "too-many-tags",
            "error",
            f"The job has {len(tags)} tags; a job can have at most {MAX_TAGS}.",
            "tags",
        )


def job_parameters(job: CheckedJob, _: None) -> None:
    parameters = field_value(job.settings, "parameters")
    if not isinstance(parameters, list):
        return
    seen: dict[str, int] = {}
    for index, parameter in enumerate(parameters):
        path = f"parameters[{index}]"
        if not is_object(parameter):
            if not is_interpolation(parameter):
                job.add(
                    "invalid-parameter",
                    "error",
                    f"Job parameter {path} is {quote(parameter)}, not an object with a name "
                    "and a default.",
                    path,
                )
            continue
        name = field_value(parameter, "name")
        if is_interpolation(name):
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
        return f"has the name {quote(name)}, which is not a string."
    if not name:
        return "has an empty name."
    if not PARAMETER_NAME_PATTERN.fullmatch(name):
        bad = characters_outside(name, PARAMETER_NAME_PATTERN)
        return (
            f"has the name '{name}', which contains {bad}: a parameter name may only contain "
            "letters, digits, '_', '-' and '.'."
        )
    return None


_PRINCIPALS: Final = ("user_name", "service_principal_name", "group_name")


def run_as(job: CheckedJob, _: None) -> None:
    run_as = field_value(job.settings, "run_as")
    given = [name for name in _PRINCIPALS if field_value(run_as, name) is not None]
    if len(given) > 1:
        job.add(
            "several-run-as-principals",
            "error",
            f"run_as sets {conjunction(given)}; a job runs as exactly one user, service "
            "principal or group.",
            "run_as",
        )


def max_concurrent_runs(job: CheckedJob, _: None) -> None:
    value = field_value(job.settings, "max_concurrent_runs")
    if type(value) is int and not 0 <= value <= MAX_CONCURRENT_RUNS:
        job.add(
            "max-concurrent-runs-out-of-range",
            "error",
            f"max_concurrent_runs is {value}; it must be between 0 and {MAX_CONCURRENT_RUNS} "
            "(0 skips every new run).",
            "max_concurrent_runs",
        )


def job_cluster_keys(job: CheckedJob, _: None) -> None:
    _check_unique_keys(job, "job_clusters", "job_cluster_key", "Job cluster")


def environment_keys(job: CheckedJob, _: None) -> None:
    _check_unique_keys(job, "environments", "environment_key", "Environment")


def _check_unique_keys(job: CheckedJob, list_field: str, key_field: str, noun: str) -> None:
    entries = field_value(job.settings, list_field)
    if not isinstance(entries, list):
        return
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        key = field_value(entry, key_field)
        if not isinstance(key, str) or is_interpolation(key):
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


def git_provider(job: CheckedJob, _: None) -> None:
    git_source = field_value(job.settings, "git_source")
    if not is_object(git_source):
        return
    provider = field_value(git_source, "git_provider")
    path = "git_source.git_provider"
    if provider is None or provider == "":
        # A workspace refuses it: "git_source.git_provider must be one of: github,gitlab,..."
        # (databricks/cli acceptance test bundle/resources/jobs/no-git-provider, run against cloud).
        job.add(
            "missing-git-provider",
            "error",
            f"git_source has no git_provider; it must be one of {', '.join(GIT_PROVIDERS)}.",
            path,
        )
        return
    if not isinstance(provider, str) or is_interpolation(provider) or provider in GIT_PROVIDERS:
        return
    canonical = next((name for name in GIT_PROVIDERS if name.lower() == provider.lower()), None)
    if canonical is not None:
        # The API reads provider names case-insensitively, so this is only a spelling.
        job.add(
            "git-provider-spelling",
            "warning",
            f"git_provider '{provider}' is accepted, but the API's spelling is '{canonical}'.",
            path,
        )
    else:
        # Not an error: a provider newer than this list must stay savable. Most likely refused
        # today, though: a workspace's refusal of a missing provider names this very list.
        job.add(
            "unknown-git-provider",
            "warning",
            f"git_provider '{provider}' is not one of {', '.join(GIT_PROVIDERS)}: a workspace "
            "refuses it unless it is a provider newer than this list.",
            path,
        )

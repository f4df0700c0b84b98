"""`validate`: the rules in the order they run, and the run over a whole job."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.core.validation.collector import Rule, _Job
from loom_jobs_widget.core.validation.graph import _cycles, _dependencies
from loom_jobs_widget.core.validation.job import (
    _environment_keys,
    _git_provider,
    _invalid_task_entries,
    _job_cluster_keys,
    _job_parameters,
    _legacy_format,
    _max_concurrent_runs,
    _run_as,
    _single_task_format,
    _tag_count,
    _task_count,
)
from loom_jobs_widget.core.validation.monitoring import (
    _job_notifications,
    _job_timeout,
    _task_notifications,
    _task_timeout,
)
from loom_jobs_widget.core.validation.problems import Problem
from loom_jobs_widget.core.validation.references import (
    _parameter_default_references,
    _task_references,
)
from loom_jobs_widget.core.validation.task import (
    _compute,
    _condition_op,
    _field_types,
    _for_each,
    _nested_task_key_reuse,
    _required_fields,
    _run_if,
    _task_key,
    _task_type,
)
from loom_jobs_widget.core.validation.triggers import _schedules_and_triggers, _trigger_exclusivity

__all__ = ["validate"]

# The order of the rules is the order of the problems they find on one field or task.
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


def _unreadable(reason: str) -> Problem:
    return Problem("invalid-settings", "error", f"The job settings cannot be read: {reason}.")

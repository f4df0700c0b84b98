"""`validate`: the rules in the order they run, and the run over a whole job."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from loom_jobs_widget.core.gc_pause import collector_paused
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.core.validation.addresses import job_addresses, task_addresses
from loom_jobs_widget.core.validation.collector import CheckedJob, Rule
from loom_jobs_widget.core.validation.graph import cycles, dependencies
from loom_jobs_widget.core.validation.job import (
    environment_keys,
    git_provider,
    invalid_task_entries,
    job_cluster_keys,
    job_parameters,
    legacy_format,
    max_concurrent_runs,
    name_length,
    run_as,
    single_task_format,
    tag_count,
    task_count,
)
from loom_jobs_widget.core.validation.monitoring import (
    job_notifications,
    job_timeout,
    task_notifications,
    task_timeout,
)
from loom_jobs_widget.core.validation.problems import Problem
from loom_jobs_widget.core.validation.quiet import is_quiet
from loom_jobs_widget.core.validation.references import (
    may_hold_references,
    parameter_default_references,
    task_references,
)
from loom_jobs_widget.core.validation.required import git_source_required, job_cluster_required
from loom_jobs_widget.core.validation.task import (
    compute,
    condition_op,
    field_types,
    for_each,
    nested_task_key_reuse,
    required_fields,
    run_if,
    task_key,
    task_type,
)
from loom_jobs_widget.core.validation.triggers import schedules_and_triggers, trigger_exclusivity

__all__ = ["GRAPH_RULES", "NESTED_TASK_RULES", "REFERENCE_RULES", "TASK_RULES", "validate"]

# The order of the rules is the order of the problems they find on one field or task.
_JOB_RULES: Final[Sequence[Rule]] = (
    name_length,
    legacy_format,
    single_task_format,
    task_count,
    invalid_task_entries,
    tag_count,
    job_parameters,
    parameter_default_references,
    trigger_exclusivity,
    schedules_and_triggers,
    run_as,
    max_concurrent_runs,
    job_timeout,
    job_cluster_keys,
    job_cluster_required,
    environment_keys,
    job_notifications,
    job_addresses,
    git_provider,
    git_source_required,
)
_COMMON_TASK_RULES: Final[Sequence[Rule]] = (
    task_key,
    task_type,
    compute,
    run_if,
    condition_op,
    required_fields,
    field_types,
    for_each,
    task_timeout,
    task_notifications,
    task_addresses,
)
TASK_RULES: Final[Sequence[Rule]] = (*_COMMON_TASK_RULES, dependencies)
NESTED_TASK_RULES: Final[Sequence[Rule]] = (*_COMMON_TASK_RULES, nested_task_key_reuse)
GRAPH_RULES: Final[Sequence[Rule]] = (cycles,)
REFERENCE_RULES: Final[Sequence[Rule]] = (task_references,)


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
    # What the rules make (a site per task, the fields they read) forms no cycle: the passes
    # their number would trigger cost a tenth of a run on a large job.
    with collector_paused():
        return _problems(given)


def _problems(settings: JobSettings) -> list[Problem]:
    job = CheckedJob(settings)
    job.run_rules(_JOB_RULES, None)
    for site in job.sites:
        if not is_quiet(job, site):
            job.run_rules(TASK_RULES, site)
        elif site.fields.get("depends_on") is not None:
            # A task the other rules have nothing to say about still has its depends_on read:
            # called here, not through `run_rules`, as it is most tasks of a large job.
            try:
                dependencies(job, site)
            except Exception as exc:
                job.rule_failed(dependencies, exc, site)
    for site in job.nested:
        job.run_rules(NESTED_TASK_RULES, site)
    # References need the whole dependency graph, so they come after every depends_on was read.
    job.run_rules(GRAPH_RULES, None)
    for site in job.sites:
        if may_hold_references(site):
            job.run_rules(REFERENCE_RULES, site)
    for site in job.nested:
        if may_hold_references(site):
            job.run_rules(REFERENCE_RULES, site)
    return job.problems()


def _unreadable(reason: str) -> Problem:
    return Problem("invalid-settings", "error", f"The job settings cannot be read: {reason}.")

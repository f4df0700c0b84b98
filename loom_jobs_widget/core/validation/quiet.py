"""`is_quiet`: a cheap proof that the per-task rules have nothing to say about a task.

Most tasks of a large job are sound, and running a dozen rules over each costs a dozen calls and
their look-ups per task. One pass over the fields a task sets shows that none of those rules can
report anything; a task it cannot vouch for goes through the rules as before. It only ever
answers False where unsure, so what `validate` finds does not depend on it (a test checks that
no rule reports on a task it calls quiet). `dependencies` is not covered: it also builds the graph.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from loom_jobs_widget.core.limits import MAX_TASK_KEY_LENGTH, TASK_KEY_PATTERN
from loom_jobs_widget.core.models import RUN_IF_VALUES, field_value
from loom_jobs_widget.core.task_types import TASK_TYPES
from loom_jobs_widget.core.validation.collector import CheckedJob, TaskSite

__all__ = ["is_quiet"]

_REQUIRED_NAMES: Final[Mapping[str, tuple[str, ...]]] = {
    entry.key: tuple(required.name for required in entry.required) for entry in TASK_TYPES
}
# Task types some rule looks into beyond their required fields (addresses, SQL's choice of
# query, the condition's op, the loop): the rules decide for them.
_LOOKED_INTO: Final = frozenset(
    {"sql_task", "dashboard_task", "alert_task", "condition_task", "for_each_task"}
)
# What the checks below do with each field a task sets; a field not named here (the task_key,
# depends_on, the task type, libraries, description, ...) is no concern of theirs.
_WATCHED, _CLUSTER, _ENVIRONMENT, _COMPUTE, _RUN_IF, _INT, _BOOL = range(7)
_ROLES: Final[Mapping[str, int]] = {
    # Fields only some rule reads when set (notifications, health): the rules decide. (A
    # for_each_task is a task type: `_LOOKED_INTO`, or a second type.)
    "email_notifications": _WATCHED,
    "webhook_notifications": _WATCHED,
    "health": _WATCHED,
    # compute: at most one of these, naming a key the job defines.
    "job_cluster_key": _CLUSTER,
    "environment_key": _ENVIRONMENT,
    "existing_cluster_id": _COMPUTE,
    "new_cluster": _COMPUTE,
    "run_if": _RUN_IF,
    # field_types and task_timeout: a plain JSON type (a negative number goes to the rules).
    "max_retries": _INT,
    "min_retry_interval_millis": _INT,
    "timeout_seconds": _INT,
    "retry_on_timeout": _BOOL,
    "disabled": _BOOL,
}


def is_quiet(job: CheckedJob, site: TaskSite) -> bool:
    """True only when no per-task rule but `dependencies` reports anything on this top-level
    task; False when unsure."""
    # All in one function: it runs once per task of every job checked.
    try:
        key = site.key
        if (
            key is None
            or site.first is not None
            or site.parent is not None
            or len(key) > MAX_TASK_KEY_LENGTH
            or TASK_KEY_PATTERN.fullmatch(key) is None
        ):
            return False  # task_key and nested_task_key_reuse
        known, unknown = site.types
        if unknown or len(known) != 1:
            return False  # task_type
        task_type = known[0]
        if task_type in _LOOKED_INTO:
            return False
        fields = site.fields
        roles = _ROLES
        compute = 0
        # One pass over what the task sets: a task sets a handful of the fields the rules read.
        for name, value in fields.items():
            role = roles.get(name)
            if role is None or value is None:
                continue
            if role in (_CLUSTER, _ENVIRONMENT):
                compute += 1
                keys = job.job_cluster_keys if role == _CLUSTER else job.environment_keys
                if keys is not None and (type(value) is not str or value not in keys):
                    return False
            elif role == _INT:
                if type(value) is not int or value < 0:
                    return False
            elif role == _COMPUTE:
                compute += 1
            elif role == _RUN_IF:
                if type(value) is not str or value not in RUN_IF_VALUES:
                    return False
            elif role == _BOOL:
                if type(value) is not bool:
                    return False
            else:  # _WATCHED
                return False
        if compute > 1:
            return False
        body = fields[task_type]
        for name in _REQUIRED_NAMES.get(task_type, ()):
            value = field_value(body, name)
            # required_fields. Most required fields are strings (a path, a name): one test.
            if type(value) is str:
                if not value:
                    return False
            elif value is None or value == "" or value == [] or value == {}:
                return False
        return True
    except Exception:  # an odd value: the rules judge it, each on its own
        return False

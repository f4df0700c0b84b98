"""The errors of a workspace call, each one sentence for the user (`WorkspaceError` and its
family), and the translation of the SDK's and the network's exceptions into them."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from loom_jobs_widget.core.changes import ABSENT, Change, merge
from loom_jobs_widget.core.models import Job, JobSettings
from loom_jobs_widget.core.validation import Problem

if TYPE_CHECKING:
    from databricks.sdk.errors.base import DatabricksError

    from loom_jobs_widget.client.jobs import JobsService

__all__ = [
    "AuthError",
    "ConfigurationError",
    "ConflictError",
    "Contested",
    "Context",
    "InvalidRequestError",
    "InvalidSettingsError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "UnreachableError",
    "WorkspaceError",
    "network_reason",
    "translate_error",
]


class WorkspaceError(Exception):
    """Something the workspace refused or could not do, as one sentence for the user.

    `job_id`, `task_key`, `field` (a settings path such as `tasks[etl].timeout_seconds`) and
    `run_id` say what it is about where known; `error_code` is the API's (`INVALID_PARAMETER_
    VALUE`, ...). The SDK's exception, when there is one, is the `__cause__`."""

    def __init__(
        self,
        message: str,
        *,
        job_id: int | None = None,
        task_key: str | None = None,
        field: str | None = None,
        run_id: int | None = None,
        error_code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.job_id = job_id
        self.task_key = task_key
        self.field = field
        self.run_id = run_id
        self.error_code = error_code

    def __str__(self) -> str:
        return self.message


class ConfigurationError(WorkspaceError):
    """connect() was asked for something it cannot set up (arguments, profile, data folder)."""


class UnreachableError(WorkspaceError):
    """The workspace cannot be reached: refused, unresolvable, or timed out after retries."""


class AuthError(WorkspaceError):
    """The credentials were refused, or none could be obtained."""


class PermissionDeniedError(WorkspaceError):
    """The user may not do this (HTTP 403)."""


class NotFoundError(WorkspaceError):
    """The job or run does not exist (any more)."""


class RateLimitedError(WorkspaceError):
    """The workspace kept answering 429 / 503 until the retry budget ran out."""


class InvalidRequestError(WorkspaceError):
    """The workspace refused the request (INVALID_PARAMETER_VALUE, INVALID_STATE, ...)."""


class InvalidSettingsError(InvalidRequestError):
    """Job settings that cannot be saved: refused by `validate` before anything was sent (then
    `problems` lists every error-severity problem), or by the workspace."""

    def __init__(self, message: str, *, problems: Sequence[Problem] = (), **context: Any) -> None:
        super().__init__(message, **context)
        self.problems = list(problems)


@dataclass(frozen=True)
class Contested:
    """One unit a save wrote that someone else changed at the same time: `path` (`tags`,
    `tasks[etl]`), the value this save wrote (`ours`) and the one the job has now (`theirs`),
    each `ABSENT` where that side has no such field or entry. `changes` are the differences
    inside it, from ours to theirs, for a unit too big to quote whole."""

    path: str
    ours: Any
    theirs: Any
    changes: tuple[Change, ...] = ()

    def describe(self, *, named: bool = True) -> str:
        """`tags: the job now has {"team": "b"}; yours was {"team": "a"}` (without `named`, no
        `tags: `, for a sentence that names it already); for a unit too big to quote, its
        first differences the same way (`tasks[etl].timeout_seconds: the job now has 60; yours
        was 900`)."""
        whole = _shown(self.ours, None), _shown(self.theirs, None)
        if all(len(text) <= _QUOTED for text in whole) or not self.changes:
            values = f"the job now has {_shown(self.theirs)}; yours was {_shown(self.ours)}"
            return f"{self.path}: {values}" if named else values
        parts = [
            f"{change.path}: the job now has {_shown(change.after)}; yours was "
            f"{_shown(change.before)}"
            for change in self.changes[:_SHOWN_CHANGES]
        ]
        more = len(self.changes) - _SHOWN_CHANGES
        if more > 0:
            parts.append(f"and {more} more difference{'s' if more > 1 else ''} in {self.path}")
        return "; ".join(parts)


_QUOTED: Final = 80  # characters of a value quoted in a message
_SHOWN_CHANGES: Final = 3


def _shown(value: Any, limit: int | None = _QUOTED) -> str:
    if value is ABSENT:
        return "not set"
    text = json.dumps(value, ensure_ascii=False)
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


class ConflictError(WorkspaceError):
    """The job was changed by someone else while the editor worked on it.

    Two kinds. Before the write (`written` False, the usual one): the job changed in the
    workspace since it was loaded, and nothing was written. `remote_changes` is what changed
    remotely since the load, `local_changes` the editor's edits (both `diff` lists); `overlaps`
    the units both changed differently (`name`, `tasks[etl]`), empty when a three-way merge is
    possible (`mergeable`). `job` is the user's Job, unchanged.

    After the write (`written` True): the save was written, but reading the job back showed
    that someone else changed a unit it wrote at the same time (their write landed after
    ours, or the workspace lost ours). `contested` holds ours and theirs for each such unit
    (`overlaps` their paths); `base` is the job as read just before the write, `remote` as read
    back after it, `local_changes` what the save wrote and `remote_changes` how the job now
    differs from what the save meant to produce. `job` holds the job as read back with our
    values of the contested units on top, and counts as loaded with the read-back: saving it
    again writes ours again.

    The editor's choices: `overwrite()` (its version wins), `merge()` (both, when `mergeable`)
    and `reload()` (the remote version; the edits are dropped)."""

    def __init__(
        self,
        message: str,
        *,
        service: JobsService,
        job: Job,
        base: dict[str, Any],
        remote: dict[str, Any],
        remote_changes: list[Change],
        local_changes: list[Change],
        overlaps: list[str],
        job_id: int,
        written: bool = False,
        contested: Sequence[Contested] = (),
    ) -> None:
        super().__init__(message, job_id=job_id, error_code="CONFLICT")
        self._service = service
        self.job = job
        self.base = base
        self.remote = remote
        self.remote_changes = remote_changes
        self.local_changes = local_changes
        self.overlaps = overlaps
        self.written = written
        self.contested = list(contested)

    @property
    def mergeable(self) -> bool:
        return not self.overlaps

    def merged(self) -> JobSettings:
        """The merged settings `merge()` would save (a preview for the review dialog); the
        remote side wins where they overlap."""
        local = self.job.settings.to_api() if isinstance(self.job.settings, JobSettings) else {}
        return JobSettings.from_api(merge(self.base, local, self.remote).settings)

    def overwrite(self) -> Job:
        return self._service.save(self.job, on_conflict="overwrite")

    def merge(self) -> Job:
        if self.written:
            raise self  # the contested units collide: there is nothing to merge
        return self._service.save(self.job, on_conflict="merge")

    def reload(self) -> Job:
        job_id = self.job_id
        assert job_id is not None  # always set for a conflict
        return self._service.get(job_id)


# --- translating the SDK's errors ----------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What a call was doing, for the sentence of an error."""

    action: str  # "load job 42"
    job_id: int | None = None
    run_id: int | None = None
    settings: bool = False  # writes job settings: a refusal is an InvalidSettingsError
    # The task_key of each entry of the tasks sent, for a server that names a task by index.
    task_keys: tuple[str | None, ...] = ()


# Where a refusal names the field: "(field: tasks[etl].x)", or the request parser's "(at x)".
_FIELD_IN_MESSAGE: Final = re.compile(r"\((?:field:|at) ([^)]+)\)")
_TASK_IN_FIELD: Final = re.compile(r"^tasks\[([^\]]+)\]")
# The SDK appends its config (secrets masked) to 401 / 403 messages: noise in one sentence.
_CONFIG_SUFFIX: Final = re.compile(r"\s*Config: .*$", re.DOTALL)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def _server_message(error: DatabricksError) -> str:
    message = _CONFIG_SUFFIX.sub("", str(error)).strip()
    return message or (error.error_code or type(error).__name__)


def network_reason(error: BaseException | None) -> str:
    """Why a connection failed, in a few words, from the network error's text."""
    text = str(error) if error is not None else ""
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    if (
        "name or service not known" in lowered
        or "nodename nor servname" in lowered
        or ("failed to resolve" in lowered or "getaddrinfo" in lowered)
    ):
        return "the host name does not resolve"
    if "timed out" in lowered or "timeout" in lowered:
        return "no answer in time"
    if "ssl" in lowered or "certificate" in lowered:
        return "the TLS handshake failed"
    return type(error).__name__ if error is not None else "no answer"


def translate_error(error: BaseException, context: Context, host: str) -> WorkspaceError | None:
    """Our error for an SDK / network exception; None for anything else (a bug to let through)."""
    if isinstance(error, WorkspaceError):
        return error
    # Imported here, not with the module: only a call that went through the SDK can fail with
    # its errors, and its core without the service modules is enough for them.
    from loom_jobs_widget.client.sdk_core import import_core

    import_core()
    from databricks.sdk.errors import (
        BadRequest,
        NotFound,
        PermissionDenied,
        ResourceConflict,
        TemporarilyUnavailable,
        TooManyRequests,
        Unauthenticated,
    )
    from databricks.sdk.errors.base import DatabricksError

    ids: dict[str, Any] = {"job_id": context.job_id, "run_id": context.run_id}
    prefix = f"Could not {context.action}"
    if isinstance(error, TimeoutError) and not isinstance(error, DatabricksError):
        # The SDK's retry budget ran out; the last failure is the cause.
        cause = error.__cause__
        if isinstance(cause, (TooManyRequests, TemporarilyUnavailable)):
            status = "429 Too Many Requests" if isinstance(cause, TooManyRequests) else "503"
            return RateLimitedError(
                f"{prefix}: the workspace at {host} kept answering {status} until the retry "
                "budget ran out; wait a minute and try again.",
                error_code=cause.error_code,
                **ids,
            )
        if isinstance(cause, DatabricksError):
            return translate_error(cause, context, host)
        return UnreachableError(
            f"{prefix}: the workspace at {host} cannot be reached ({network_reason(cause)}).",
            **ids,
        )
    if isinstance(error, DatabricksError):
        message = _server_message(error)
        code = error.error_code
        if isinstance(error, NotFound):
            return NotFoundError(_sentence(f"{prefix}: {message}"), error_code=code, **ids)
        if isinstance(error, PermissionDenied):
            return PermissionDeniedError(
                _sentence(f"{prefix}: permission denied ({message})"), error_code=code, **ids
            )
        if isinstance(error, Unauthenticated):
            return AuthError(
                _sentence(f"{prefix}: the workspace at {host} refused the credentials ({message})"),
                error_code=code,
                **ids,
            )
        if isinstance(error, (TooManyRequests, TemporarilyUnavailable)):
            return RateLimitedError(_sentence(f"{prefix}: {message}"), error_code=code, **ids)
        if isinstance(error, (BadRequest, ResourceConflict)):
            found = _FIELD_IN_MESSAGE.search(message)
            field_path = found.group(1).strip() if found else None
            task = _TASK_IN_FIELD.match(field_path) if field_path else None
            task_key = task.group(1) if task else None
            if task_key is not None and task_key.isdigit():
                index = int(task_key)
                keys = context.task_keys
                task_key = keys[index] if index < len(keys) else None
            kind = InvalidSettingsError if context.settings else InvalidRequestError
            return kind(
                _sentence(f"{prefix}: {message}"),
                error_code=code,
                task_key=task_key,
                field=field_path,
                **ids,
            )
        return WorkspaceError(_sentence(f"{prefix}: {message}"), error_code=code, **ids)
    if isinstance(error, OSError):  # requests' exceptions are OSErrors, outside the retries
        return UnreachableError(
            f"{prefix}: the workspace at {host} cannot be reached ({network_reason(error)}).",
            **ids,
        )
    return None

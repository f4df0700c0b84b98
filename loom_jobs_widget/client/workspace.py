"""The workspace handle and its jobs service: what every widget uses to read and write jobs.

    ws = loom_jobs_widget.connect()          # see connection.py for how the workspace is chosen
    job = ws.jobs.get(123)                   # the foundation's lossless Job model
    job.settings.name = "Nightly ETL"
    saved = ws.jobs.save(job)                # ConflictError if the job changed remotely since

Settings travel as raw JSON through `WorkspaceClient.api_client.do`: the SDK's dataclasses drop
keys and enum values they do not know (reference §0.2), and the editor must write back exactly
what it read. The SDK still does authentication, retries and error parsing; its errors become
the `WorkspaceError` family below, each one sentence that names the job, task and field where
known.

Saving is lossless. `save` re-reads the job, works out what the editor changed since it was
loaded, and sends `jobs/update` with only the changed top-level fields, whole `tasks` /
`job_clusters` entries by key, and `fields_to_remove` for what was removed; `jobs/reset` with the
complete document only where `update` cannot say it (a reordered task list, unkeyable entries).
Fields the editor never touched reach the server exactly as they were, because they are never
sent. When the job changed remotely since it was loaded, `save` raises `ConflictError` with the
remote changes; the editor then offers overwrite, merge (three-way, when the changes do not
overlap) or reload. A failed save never changes the `Job` passed in: the user's edits survive
every error.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, cast

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

from loom_jobs_widget.core.diff import ABSENT, Change, diff, merge, summary
from loom_jobs_widget.core.models import Job, JobSettings
from loom_jobs_widget.core.update_semantics import MERGE_KEYS, apply_update
from loom_jobs_widget.core.validation import Problem, validate

if TYPE_CHECKING:
    from databricks.sdk import WorkspaceClient

    from loom_jobs_widget.local import LocalWorkspace

__all__ = [
    "AuthError",
    "Change",
    "ConfigurationError",
    "ConflictError",
    "InvalidRequestError",
    "InvalidSettingsError",
    "JobsService",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "SavePlan",
    "UnreachableError",
    "Workspace",
    "WorkspaceError",
    "apply_update",
    "diff",
    "merge",
    "plan_update",
    "summary",
]

JOBS_API: Final = "/api/2.2/jobs"
PERMISSIONS_API: Final = "/api/2.0/permissions/jobs"
# The arrays jobs/get returns 100 at a time (reference §2); later pages carry the next slices.
JOB_PAGED_ARRAYS: Final = ("tasks", "job_clusters", "parameters", "environments")
# runs/get's paged arrays besides tasks / iterations (see _read_run).
RUN_PAGED_ARRAYS: Final = ("job_clusters", "job_parameters", "repair_history")
JOBS_LIST_PAGE: Final = 100  # the API's maximum
RUNS_LIST_PAGE: Final = 24  # "greater than 0 and less than 25"

OnConflict = Literal["raise", "merge", "overwrite"]


# --- errors --------------------------------------------------------------------------------------


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


class ConflictError(WorkspaceError):
    """The job changed in the workspace since it was loaded; nothing was written.

    `remote_changes` is what changed remotely since the load, `local_changes` the editor's edits
    (both `diff` lists); `overlaps` the units both changed differently (`name`, `tasks[etl]`),
    empty when a three-way merge is possible (`mergeable`). The editor's choices:
    `overwrite()` (its version wins), `merge()` (both, when `mergeable`) and `reload()` (the
    remote version; the edits are dropped). `job` is the user's Job, unchanged."""

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
    ) -> None:
        super().__init__(message, job_id=job_id, error_code="CONFLICT")
        self._service = service
        self.job = job
        self.base = base
        self.remote = remote
        self.remote_changes = remote_changes
        self.local_changes = local_changes
        self.overlaps = overlaps

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
        return self._service.save(self.job, on_conflict="merge")

    def reload(self) -> Job:
        job_id = self.job_id
        assert job_id is not None  # always set for a conflict
        return self._service.get(job_id)


# --- translating the SDK's errors ----------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
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


def _network_reason(error: BaseException | None) -> str:
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


def translate_error(error: BaseException, context: _Context, host: str) -> WorkspaceError | None:
    """Our error for an SDK / network exception; None for anything else (a bug to let through)."""
    if isinstance(error, WorkspaceError):
        return error
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
            f"{prefix}: the workspace at {host} cannot be reached ({_network_reason(cause)}).",
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
            f"{prefix}: the workspace at {host} cannot be reached ({_network_reason(error)}).",
            **ids,
        )
    return None


# --- saving: what to send ------------------------------------------------------------------------


@dataclass(frozen=True)
class SavePlan:
    """The writes that take a job from its current settings to the target ones.

    `update`: `jobs/update` with `new_settings` and `fields_to_remove`. `reset`: `jobs/reset` with
    the complete target in `new_settings`; `fields_to_remove` then lists what a following update
    must remove, because reset keeps a `run_as` it is not given (measured on workspaces by the
    Databricks CLI). `none`: nothing differs."""

    method: Literal["none", "update", "reset"]
    new_settings: dict[str, Any] = field(default_factory=dict)
    fields_to_remove: list[str] = field(default_factory=list)

    def requests(self, job_id: int) -> list[tuple[str, dict[str, Any]]]:
        """(endpoint, body) of each POST, in order."""
        if self.method == "none":
            return []
        if self.method == "update":
            body: dict[str, Any] = {"job_id": job_id, "new_settings": self.new_settings}
            if self.fields_to_remove:
                body["fields_to_remove"] = self.fields_to_remove
            return [("update", body)]
        calls = [("reset", {"job_id": job_id, "new_settings": self.new_settings})]
        if self.fields_to_remove:
            calls.append(("update", {"job_id": job_id, "fields_to_remove": self.fields_to_remove}))
        return calls


def plan_update(current: Mapping[str, Any], target: Mapping[str, Any]) -> SavePlan:
    """The smallest writes that turn `current` (the job's settings now) into `target`.

    Changed top-level fields go whole in an update; `tasks` and `job_clusters` go entry by entry
    (only changed or added ones), removed entries and fields as `fields_to_remove`. The update is
    checked by replaying it with the API's documented semantics (`apply_update`): where the
    result would not be exactly `target` (an entry moved or inserted before the end, entries
    without a usable key), the plan is a reset of the complete target instead."""
    new_settings: dict[str, Any] = {}
    fields_to_remove: list[str] = []
    for name, value in target.items():
        if name in current and _json_equal(current[name], value):
            continue
        key_field = MERGE_KEYS.get(name)
        old = current.get(name, ABSENT)
        if key_field is not None and _keyed(old, key_field) and _keyed(value, key_field):
            old_by = {entry[key_field]: entry for entry in old}
            new_keys = {entry[key_field] for entry in value}
            changed = [
                entry
                for entry in value
                if entry[key_field] not in old_by
                or not _json_equal(old_by[entry[key_field]], entry)
            ]
            if changed:
                new_settings[name] = changed
            fields_to_remove.extend(f"{name}/{key}" for key in old_by if key not in new_keys)
        else:
            new_settings[name] = value
    fields_to_remove.extend(name for name in current if name not in target)
    if _json_equal(dict(current), dict(target)):
        return SavePlan("none")
    if (new_settings or fields_to_remove) and _json_equal(
        apply_update(current, new_settings, fields_to_remove), dict(target)
    ):
        return SavePlan("update", copy.deepcopy(new_settings), fields_to_remove)
    after_reset = "run_as" in current and "run_as" not in target
    return SavePlan("reset", copy.deepcopy(dict(target)), ["run_as"] if after_reset else [])


def _keyed(value: Any, key_field: str) -> bool:
    if not isinstance(value, list):
        return False
    keys = [entry.get(key_field) if isinstance(entry, dict) else None for entry in value]
    return all(isinstance(key, str) for key in keys) and len(set(keys)) == len(keys)


def _json_equal(a: Any, b: Any) -> bool:
    # 1 == 1.0 == True in Python, not in JSON; an edit from 1 to 1.0 is still an edit.
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and a.keys() == b.keys()
            and all(_json_equal(value, b[key]) for key, value in a.items())
        )
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_json_equal, a, b))
    return type(a) is type(b) and a == b


# --- what each Job held when it was loaded -------------------------------------------------------


class _Baselines:
    """The settings each loaded Job held when it was loaded (or last saved).

    Keyed by the Job object, weakly, so that two editors of the same job each keep their own;
    and by job_id (the latest load), for a Job the editor copied, such as a deep copy of one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_object: dict[int, tuple[weakref.ref[Job], dict[str, Any]]] = {}
        self._by_job_id: dict[int, dict[str, Any]] = {}

    def remember(self, job: Job, settings: Mapping[str, Any], job_id: int) -> None:
        snapshot = copy.deepcopy(dict(settings))
        key = id(job)
        with self._lock:
            self._by_object[key] = (weakref.ref(job, self._forget_object(key)), snapshot)
            self._by_job_id[job_id] = snapshot

    def _forget_object(self, key: int) -> Callable[[weakref.ref[Job]], None]:
        def forget(ref: weakref.ref[Job]) -> None:
            with self._lock:
                entry = self._by_object.get(key)
                if entry is not None and entry[0] is ref:
                    del self._by_object[key]

        return forget

    def of(self, job: Job, job_id: int) -> dict[str, Any] | None:
        with self._lock:
            entry = self._by_object.get(id(job))
            if entry is not None and entry[0]() is job:
                return copy.deepcopy(entry[1])
            found = self._by_job_id.get(job_id)
            return copy.deepcopy(found) if found is not None else None

    def forget_job(self, job_id: int) -> None:
        with self._lock:
            self._by_job_id.pop(job_id, None)


# --- the jobs service ----------------------------------------------------------------------------


def _name_of(settings: Mapping[str, Any] | None) -> str | None:
    name = settings.get("name") if settings else None
    return name if isinstance(name, str) and name else None


def _settings_json(job: Job) -> dict[str, Any]:
    return job.settings.to_api() if isinstance(job.settings, JobSettings) else {}


def _task_keys(settings: Mapping[str, Any]) -> tuple[str | None, ...]:
    tasks = settings.get("tasks")
    if not isinstance(tasks, list):
        return ()
    keys = [task.get("task_key") if isinstance(task, dict) else None for task in tasks]
    return tuple(key if isinstance(key, str) else None for key in keys)


def _job_label(job_id: int | None, name: str | None) -> str:
    if job_id is None:
        return f'job "{name}"' if name else "the new job"
    return f'job {job_id} ("{name}")' if name else f"job {job_id}"


class JobsService:
    """The Jobs API for the editor: raw JSON in and out, lossless saves, typed errors.

    Method names follow the SDK's `w.jobs` (`list_runs`, `repair_run`, ...); jobs come back as
    the foundation's `Job` model, runs and permissions as the API's JSON."""

    def __init__(self, client: WorkspaceClient) -> None:
        self._client = client
        self._baselines = _Baselines()
        self._repairs: dict[int, int] = {}
        self._repairs_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"JobsService({self.host})"

    @property
    def host(self) -> str:
        return str(self._client.config.host or "")

    # --- calls

    def _do(
        self,
        method: str,
        path: str,
        context: _Context,
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        try:
            answer = self._client.api_client.do(
                method,
                path,
                query=dict(query) if query is not None else None,
                body=dict(body) if body is not None else None,
            )
        except Exception as error:
            ours = translate_error(error, context, self.host)
            if ours is None or ours is error:
                raise
            raise ours from error
        return cast(dict[str, Any], answer) if isinstance(answer, dict) else {}

    # --- jobs: reading

    def get(self, job_id: int) -> Job:
        """The job as the workspace has it (every page of its tasks, job clusters, parameters
        and environments), remembered as loaded for `save`."""
        document = self._read_job(job_id, _Context(f"load job {job_id}", job_id=job_id))
        job = Job.from_api(document)
        self._baselines.remember(job, document.get("settings") or {}, job_id)
        return job

    def reload(self, job: Job) -> Job:
        """A fresh load of the job (the editor's "reload": its edits are not kept)."""
        return self.get(self._require_job_id(job, "reload"))

    def loaded(self, job: Job) -> JobSettings | None:
        """The settings `job` held when it was loaded (or last saved); None if it never was."""
        job_id = job.job_id
        if not isinstance(job_id, int):
            return None
        base = self._baselines.of(job, job_id)
        return JobSettings.from_api(base) if base is not None else None

    def changes(self, job: Job) -> list[Change]:
        """The edits made to `job` since it was loaded, for the review dialog (all of its
        settings for a job that was never loaded)."""
        settings = job.settings if isinstance(job.settings, JobSettings) else JobSettings()
        base = self.loaded(job)
        return diff(base if base is not None else {}, settings)

    def _read_job(self, job_id: int, context: _Context) -> dict[str, Any]:
        path = f"{JOBS_API}/get"
        document = self._do("GET", path, context, query={"job_id": job_id})
        token = document.pop("next_page_token", None)
        while token:
            page = self._do("GET", path, context, query={"job_id": job_id, "page_token": token})
            more = page.get("settings")
            settings = document.get("settings")
            if isinstance(more, dict) and isinstance(settings, dict):
                _extend_arrays(settings, more, JOB_PAGED_ARRAYS)
            token = page.get("next_page_token")
        return document

    # --- jobs: writing

    def create(self, settings: JobSettings | Mapping[str, Any]) -> Job:
        """Create a job with these settings; the created job, loaded."""
        model = settings if isinstance(settings, JobSettings) else JobSettings.from_api(settings)
        return self.save(Job(settings=model.model_copy(deep=True)))

    def save(self, job: Job, *, on_conflict: OnConflict = "raise") -> Job:
        """Create the job (`job_id` None) or write the edits made since it was loaded.

        Refuses settings with error-severity problems (`InvalidSettingsError`, nothing sent).
        When the job changed remotely since it was loaded: `on_conflict="raise"` raises
        `ConflictError`; `"merge"` merges three-way (raising `ConflictError` when the changes
        overlap); `"overwrite"` makes the job exactly the editor's version.

        Returns the saved job as read back. Once the write succeeded `job` is brought up to
        date as well: it gets its new `job_id`, and after a merge the merged settings, so that
        saving it again is right (and never creates a second job). Any error before that leaves
        `job` exactly as it was."""
        settings = job.settings
        job_id = job.job_id
        if not isinstance(settings, JobSettings):
            raise InvalidSettingsError(
                f"Could not save {_job_label(job_id if isinstance(job_id, int) else None, None)}: "
                "it has no settings.",
                job_id=job_id if isinstance(job_id, int) else None,
                field="settings",
            )
        local = settings.to_api()
        if job_id is None:
            return self._create(job, local)
        if not isinstance(job_id, int) or isinstance(job_id, bool):
            raise ConfigurationError(
                f"Could not save the job: its job_id {job_id!r} is not a number.", field="job_id"
            )
        label = _job_label(job_id, _name_of(local))
        context = _Context(f"save {label}", job_id=job_id, settings=True)
        self._refuse_invalid(local, context)

        remote_document = self._read_job(job_id, context)
        remote = remote_document.get("settings")
        remote = remote if isinstance(remote, dict) else {}
        base = self._baselines.of(job, job_id)
        target = local
        if base is None:
            if on_conflict != "overwrite":
                raise ConfigurationError(
                    f"Could not save {label}: it was not loaded through this connection, so "
                    f"remote changes cannot be told from your edits; load it with "
                    f"jobs.get({job_id}), or save with on_conflict='overwrite' to replace the "
                    "job with these settings.",
                    job_id=job_id,
                )
        elif not _json_equal(base, remote) and not _json_equal(remote, local):
            # (A remote side that already is the editor's version, such as after a save whose
            # read-back failed, is no conflict: there is nothing to write.)
            remote_changes = diff(base, remote)
            local_changes = diff(base, local)
            merged = merge(base, local, remote)
            if on_conflict == "raise" or (on_conflict == "merge" and not merged.clean):
                raise self._conflict(
                    job, job_id, label, base, remote, merged.overlaps, remote_changes, local_changes
                )
            if on_conflict == "merge":
                target = merged.settings
                self._refuse_invalid(target, context)

        plan = plan_update(remote, target)
        # A refusal may name a task by its index in the resulting settings (the target).
        sent = dataclasses.replace(context, task_keys=_task_keys(target))
        for endpoint, body in plan.requests(job_id):
            self._do("POST", f"{JOBS_API}/{endpoint}", sent, body=body)
        # Written: from here `job` must match the workspace, even if the read-back fails.
        self._bring_up_to_date(job, target, job_id)
        saved = self.get(job_id)
        self._bring_up_to_date(job, _settings_json(saved), job_id)
        return saved

    def _create(self, job: Job, local: dict[str, Any]) -> Job:
        label = _job_label(None, _name_of(local))
        context = _Context(f"create {label}", settings=True, task_keys=_task_keys(local))
        self._refuse_invalid(local, context)
        answer = self._do("POST", f"{JOBS_API}/create", context, body=local)
        job_id = answer.get("job_id")
        if not isinstance(job_id, int):
            raise WorkspaceError(f"Could not create {label}: the workspace returned no job_id.")
        # Created: `job` gets its job_id now, so that a failed read-back cannot lead to a second
        # create when the user saves again.
        self._bring_up_to_date(job, local, job_id)
        saved = self.get(job_id)
        self._bring_up_to_date(job, _settings_json(saved), job_id)
        return saved

    def _bring_up_to_date(self, job: Job, settings: dict[str, Any], job_id: int) -> None:
        """After a successful write: `job` holds what the workspace has, and counts as loaded
        with it (a merge or the workspace's own defaults may make that differ from the edits)."""
        if job.job_id != job_id:
            job.job_id = job_id
        current = job.settings.to_api() if isinstance(job.settings, JobSettings) else None
        if current is None or not _json_equal(current, settings):
            job.settings = JobSettings.from_api(settings)
        self._baselines.remember(job, settings, job_id)

    def _refuse_invalid(self, settings: Mapping[str, Any], context: _Context) -> None:
        errors = [problem for problem in validate(settings) if problem.severity == "error"]
        if not errors:
            return
        first = errors[0]
        where = []
        if first.task_key:
            where.append(f'task "{first.task_key}"')
        if first.field:
            where.append(f"field {first.field}")
        located = f" ({', '.join(where)})" if where else ""
        more = len(errors) - 1
        tail = f" and {more} more problem{'s' if more > 1 else ''}" if more else ""
        message = first.message.rstrip(".")
        raise InvalidSettingsError(
            f"Could not {context.action}: {message}{located}{tail}.",
            problems=errors,
            job_id=context.job_id,
            task_key=first.task_key,
            field=first.field,
            error_code="INVALID_PARAMETER_VALUE",
        )

    def _conflict(
        self,
        job: Job,
        job_id: int,
        label: str,
        base: dict[str, Any],
        remote: dict[str, Any],
        overlaps: list[str],
        remote_changes: list[Change],
        local_changes: list[Change],
    ) -> ConflictError:
        shown = "; ".join(change.describe() for change in remote_changes[:3])
        if len(remote_changes) > 3:
            shown += f"; and {len(remote_changes) - 3} more"
        if overlaps:
            choice = f"your edits overlap with it at {', '.join(overlaps)}: overwrite or reload"
        else:
            choice = "your edits do not overlap with it: merge, overwrite or reload"
        return ConflictError(
            f"Could not save {label}: it was changed in the workspace since it was loaded "
            f"({shown}); {choice}.",
            service=self,
            job=job,
            base=base,
            remote=remote,
            remote_changes=remote_changes,
            local_changes=local_changes,
            overlaps=overlaps,
            job_id=job_id,
        )

    def delete(self, job_id: int) -> None:
        self._do(
            "POST",
            f"{JOBS_API}/delete",
            _Context(f"delete job {job_id}", job_id=job_id),
            body={"job_id": job_id},
        )
        self._baselines.forget_job(job_id)

    def _require_job_id(self, job: Job, verb: str) -> int:
        job_id = job.job_id
        if not isinstance(job_id, int) or isinstance(job_id, bool):
            raise ConfigurationError(f"Could not {verb} the job: it has no job_id yet.")
        return job_id

    # --- runs

    def run_now(
        self,
        job_id: int,
        *,
        job_parameters: Mapping[str, str] | None = None,
        idempotency_token: str | None = None,
        only: Sequence[str] | None = None,
        queue: Mapping[str, Any] | None = None,
        **parameters: Any,
    ) -> dict[str, Any]:
        """Trigger a run; the answer (`run_id`, `number_in_job`) plus the `idempotency_token`
        sent. A token is always sent (a new one unless given): the SDK retries POSTs on 429 /
        503, and the token makes such a retry start one run, not two. `parameters` are the
        API's other run-now fields (`performance_target`, legacy `notebook_params`, ...)."""
        token = idempotency_token or uuid.uuid4().hex
        body: dict[str, Any] = {"job_id": job_id, "idempotency_token": token, **parameters}
        if job_parameters is not None:
            body["job_parameters"] = dict(job_parameters)
        if only is not None:
            body["only"] = list(only)
        if queue is not None:
            body["queue"] = dict(queue)
        answer = self._do(
            "POST", f"{JOBS_API}/run-now", _Context(f"run job {job_id}", job_id=job_id), body=body
        )
        return {**answer, "idempotency_token": token}

    def cancel_run(self, run_id: int) -> None:
        self._do(
            "POST",
            f"{JOBS_API}/runs/cancel",
            _Context(f"cancel run {run_id}", run_id=run_id),
            body={"run_id": run_id},
        )

    def cancel_all_runs(self, job_id: int | None = None, *, all_queued_runs: bool = False) -> None:
        body: dict[str, Any] = {}
        if job_id is not None:
            body["job_id"] = job_id
        if all_queued_runs:
            body["all_queued_runs"] = True
        what = f"the runs of job {job_id}" if job_id is not None else "all queued runs"
        self._do(
            "POST",
            f"{JOBS_API}/runs/cancel-all",
            _Context(f"cancel {what}", job_id=job_id),
            body=body,
        )

    def repair_run(
        self,
        run_id: int,
        *,
        rerun_tasks: Sequence[str] | None = None,
        rerun_all_failed_tasks: bool = False,
        rerun_dependent_tasks: bool | None = None,
        job_parameters: Mapping[str, str] | None = None,
        latest_repair_id: int | None = None,
        **parameters: Any,
    ) -> int:
        """Rerun tasks of an ended run; the repair's id. The API wants the run's latest repair
        id from the second repair on: unless given, it is read from the run's repair history
        (so repairs made elsewhere count too) and kept in `latest_repair_ids`."""
        context = _Context(f"repair run {run_id}", run_id=run_id)
        if latest_repair_id is None:
            latest_repair_id = self._latest_repair_id(run_id, context)
        body: dict[str, Any] = {"run_id": run_id, **parameters}
        if rerun_tasks is not None:
            body["rerun_tasks"] = list(rerun_tasks)
        if rerun_all_failed_tasks:
            body["rerun_all_failed_tasks"] = True
        if rerun_dependent_tasks is not None:
            body["rerun_dependent_tasks"] = rerun_dependent_tasks
        if job_parameters is not None:
            body["job_parameters"] = dict(job_parameters)
        if latest_repair_id is not None:
            body["latest_repair_id"] = latest_repair_id
        answer = self._do("POST", f"{JOBS_API}/runs/repair", context, body=body)
        repair_id = answer.get("repair_id")
        if not isinstance(repair_id, int):
            raise WorkspaceError(
                f"Could not repair run {run_id}: no repair_id came back.", run_id=run_id
            )
        with self._repairs_lock:
            self._repairs[run_id] = repair_id
        return repair_id

    @property
    def latest_repair_ids(self) -> dict[int, int]:
        """The latest repair id of each run repaired through this service, by run_id."""
        with self._repairs_lock:
            return dict(self._repairs)

    def _latest_repair_id(self, run_id: int, context: _Context) -> int | None:
        run = self._read_run(run_id, context, include_history=True)
        latest: int | None = None
        for item in run.get("repair_history") or []:
            if isinstance(item, dict) and item.get("type") == "REPAIR":
                repair = item.get("id")
                if isinstance(repair, int):
                    latest = repair
        if latest is not None:
            with self._repairs_lock:
                self._repairs[run_id] = latest
        return latest

    def get_run(
        self, run_id: int, *, include_history: bool = False, include_resolved_values: bool = False
    ) -> dict[str, Any]:
        """runs/get with every page merged, as the API's JSON."""
        return self._read_run(
            run_id,
            _Context(f"read run {run_id}", run_id=run_id),
            include_history=include_history,
            include_resolved_values=include_resolved_values,
        )

    def _read_run(
        self,
        run_id: int,
        context: _Context,
        *,
        include_history: bool = False,
        include_resolved_values: bool = False,
    ) -> dict[str, Any]:
        path = f"{JOBS_API}/runs/get"
        query: dict[str, Any] = {"run_id": run_id}
        if include_history:
            query["include_history"] = True
        if include_resolved_values:
            query["include_resolved_values"] = True
        run = self._do("GET", path, context, query=query)
        token = run.pop("next_page_token", None)
        # As the SDK's mixin: a for-each task run pages its iterations, any other run its tasks.
        first_array = "iterations" if run.get("iterations") else "tasks"
        while token:
            page = self._do("GET", path, context, query={**query, "page_token": token})
            _extend_arrays(run, page, (first_array, *RUN_PAGED_ARRAYS))
            token = page.get("next_page_token")
        return run

    def get_run_output(self, run_id: int) -> dict[str, Any]:
        """runs/get-output of a task run."""
        return self._do(
            "GET",
            f"{JOBS_API}/runs/get-output",
            _Context(f"read the output of run {run_id}", run_id=run_id),
            query={"run_id": run_id},
        )

    def list_runs(
        self,
        job_id: int | None = None,
        *,
        active_only: bool = False,
        completed_only: bool = False,
        run_type: str | None = None,
        expand_tasks: bool = False,
        start_time_from: int | None = None,
        start_time_to: int | None = None,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Runs, newest first, following every page (up to `limit` runs)."""
        query: dict[str, Any] = {"limit": RUNS_LIST_PAGE}
        for name, value in (
            ("job_id", job_id),
            ("run_type", run_type),
            ("start_time_from", start_time_from),
            ("start_time_to", start_time_to),
        ):
            if value is not None:
                query[name] = value
        for name, flag in (
            ("active_only", active_only),
            ("completed_only", completed_only),
            ("expand_tasks", expand_tasks),
        ):
            if flag:
                query[name] = True
        what = f"list the runs of job {job_id}" if job_id is not None else "list runs"
        context = _Context(what, job_id=job_id)
        yield from self._list_pages(f"{JOBS_API}/runs/list", context, query, "runs", limit)

    def _list_pages(
        self,
        path: str,
        context: _Context,
        query: dict[str, Any],
        key: str,
        limit: int | None,
        keep: Callable[[dict[str, Any]], bool] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """The objects in `key` of a list endpoint's pages that `keep` accepts, up to `limit`;
        the next page is read only when one is wanted."""
        count = 0
        while limit is None or count < limit:
            page = self._do("GET", path, context, query=query)
            for entry in page.get(key) or []:
                if not isinstance(entry, dict) or (keep is not None and not keep(entry)):
                    continue
                yield entry
                count += 1
                if limit is not None and count >= limit:
                    return
            token = page.get("next_page_token")
            if not token:
                return
            query["page_token"] = token

    # --- permissions

    def get_permissions(self, job_id: int) -> dict[str, Any]:
        return self._do(
            "GET",
            f"{PERMISSIONS_API}/{job_id}",
            _Context(f"read the permissions of job {job_id}", job_id=job_id),
        )

    def set_permissions(
        self, job_id: int, access_control_list: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        """Replace the job's direct grants (PUT); the permissions after."""
        return self._write_permissions("PUT", "set", job_id, access_control_list)

    def update_permissions(
        self, job_id: int, access_control_list: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        """Add grants to the job's (PATCH); the permissions after."""
        return self._write_permissions("PATCH", "update", job_id, access_control_list)

    def _write_permissions(
        self,
        method: str,
        verb: str,
        job_id: int,
        access_control_list: Sequence[Mapping[str, Any]],
    ) -> dict[str, Any]:
        return self._do(
            method,
            f"{PERMISSIONS_API}/{job_id}",
            _Context(f"{verb} the permissions of job {job_id}", job_id=job_id),
            body={"access_control_list": [dict(entry) for entry in access_control_list]},
        )

    # `list` last: inside the class body after it, `list[...]` would name this method.
    def list(
        self,
        *,
        name: str | None = None,
        name_contains: str | None = None,
        owner: str | None = None,
        tags: Mapping[str, str | None] | None = None,
        expand_tasks: bool = False,
        limit: int | None = None,
    ) -> Iterator[Job]:
        """Jobs, following every page (up to `limit` matches).

        `name` is the API's filter (exact, case-insensitive). The API filters nothing else, so
        these are applied here: `name_contains` (case-insensitive substring); `owner`, matched
        against `creator_user_name` (the only user jobs/list returns; an ownership handed over
        since is not seen); `tags`, each key present and, unless its value is None, equal.
        With `expand_tasks`, a job whose tasks did not fit the list page is read whole."""
        query: dict[str, Any] = {"limit": JOBS_LIST_PAGE}
        if name is not None:
            query["name"] = name
        if expand_tasks:
            query["expand_tasks"] = True
        context = _Context("list jobs")
        needle = name_contains.casefold() if name_contains else None
        wanted_owner = owner.casefold() if owner else None
        matching = self._list_pages(
            f"{JOBS_API}/list",
            context,
            query,
            "jobs",
            limit,
            lambda entry: _list_match(entry, needle, wanted_owner, tags),
        )
        for entry in matching:
            if expand_tasks and entry.get("has_more"):
                job_id = entry.get("job_id")
                if isinstance(job_id, int):
                    entry = self._read_job(job_id, _Context(f"load job {job_id}", job_id=job_id))
            yield Job.from_api(entry)


def _extend_arrays(document: dict[str, Any], page: Mapping[str, Any], names: Iterable[str]) -> None:
    """Appends a later page's non-empty arrays `names` to the document's (a `get` read page by
    page: the API splits its long arrays over pages)."""
    for name in names:
        items = page.get(name)
        if isinstance(items, list) and items:
            existing = document.get(name)
            if isinstance(existing, list):
                existing.extend(items)
            else:
                document[name] = list(items)


def _list_match(
    entry: Mapping[str, Any],
    name_contains: str | None,
    owner: str | None,
    tags: Mapping[str, str | None] | None,
) -> bool:
    settings = entry.get("settings")
    settings = settings if isinstance(settings, dict) else {}
    if name_contains is not None:
        name = settings.get("name")
        if not isinstance(name, str) or name_contains not in name.casefold():
            return False
    if owner is not None:
        creator = entry.get("creator_user_name")
        if not isinstance(creator, str) or creator.casefold() != owner:
            return False
    if tags:
        job_tags = settings.get("tags")
        job_tags = job_tags if isinstance(job_tags, dict) else {}
        for key, value in tags.items():
            if key not in job_tags or (value is not None and job_tags[key] != value):
                return False
    return True


# --- the handle ----------------------------------------------------------------------------------


class Workspace:
    """A connected workspace: `client` (the SDK's WorkspaceClient) and `jobs` (JobsService).

    Made by `loom_jobs_widget.connect()`. Its repr names the host and the kind of auth, never a
    credential."""

    def __init__(
        self,
        client: WorkspaceClient,
        *,
        source: str,
        user_name: str | None = None,
        local: LocalWorkspace | None = None,
        local_folder: Path | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.client = client
        self.jobs = JobsService(client)
        self.source = source
        self.user_name = user_name
        self.local = local
        """The embedded local workspace when this process serves it."""
        self.local_folder = local_folder
        """The data folder of a local workspace, served here or by another process."""
        self._on_close = on_close

    @property
    def host(self) -> str:
        return str(self.client.config.host or "")

    @property
    def auth_type(self) -> str:
        return str(self.client.config.auth_type or "")

    @property
    def is_local(self) -> bool:
        return self.local_folder is not None

    def close(self) -> None:
        """Release what connect() started for this handle: an embedded local workspace it
        started is stopped once no handle uses it."""
        on_close, self._on_close = self._on_close, None
        if on_close is not None:
            on_close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        who = f", user={self.user_name!r}" if self.user_name else ""
        return (
            f"Workspace(host={self.host!r}, auth_type={self.auth_type!r}, "
            f"source={self.source!r}{who})"
        )

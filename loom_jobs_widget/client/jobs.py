"""The jobs of a workspace for the editor: `JobsService` gets, creates, saves, deletes and lists
jobs as the foundation's `Job` model, losslessly.

    job = ws.jobs.get(123)
    job.settings.name = "Nightly ETL"
    saved = ws.jobs.save(job)                # ConflictError if the job changed remotely since

Saving is lossless. `save` re-reads the job, works out what the editor changed since it was
loaded, and sends the `SavePlan` of that: `jobs/update` with only the changed top-level fields,
whole `tasks` / `job_clusters` entries by key, and `fields_to_remove` for what was removed;
`jobs/reset` with the complete document only where `update` cannot say it. Fields the editor never
touched reach the server exactly as they were, because they are never sent. What the workspace
fills in by itself (its defaults, its own `depends_on` order: `core.changes`) is neither an edit
nor a remote change, since every read-back has it. When the job changed remotely since it was
loaded, `save` raises `ConflictError` with the remote changes; the editor then offers overwrite,
merge (three-way, when the changes do not overlap) or reload. A failed save never changes the
`Job` passed in: the user's edits survive every error.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

from loom_jobs_widget.client.baselines import Baselines
from loom_jobs_widget.client.errors import (
    ConfigurationError,
    ConflictError,
    Context,
    InvalidSettingsError,
    WorkspaceError,
)
from loom_jobs_widget.client.rest import JOBS_API, Service, extend_arrays
from loom_jobs_widget.client.save_plan import plan_update
from loom_jobs_widget.core.changes import Change, diff, json_equal, merge
from loom_jobs_widget.core.models import Job, JobSettings
from loom_jobs_widget.core.validation import validate

if TYPE_CHECKING:
    from databricks.sdk import WorkspaceClient

__all__ = ["JobsService", "OnConflict"]

# The arrays jobs/get returns 100 at a time; later pages carry the next slices.
_JOB_PAGED_ARRAYS: Final = ("tasks", "job_clusters", "parameters", "environments")
_JOBS_LIST_PAGE: Final = 100  # the API's maximum
_LABEL_NAME_LENGTH: Final = 80

OnConflict = Literal["raise", "merge", "overwrite"]


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
    if name and len(name) > _LABEL_NAME_LENGTH:  # a message names the job, it does not quote it
        name = name[: _LABEL_NAME_LENGTH - 1] + "…"
    if job_id is None:
        return f'job "{name}"' if name else "the new job"
    return f'job {job_id} ("{name}")' if name else f"job {job_id}"


class JobsService(Service):
    """The Jobs API's jobs for the editor: raw JSON in and out, lossless saves, typed errors.

    Method names follow the SDK's `w.jobs`; jobs come back as the foundation's `Job` model. Runs
    and permissions are `Workspace.runs` and `Workspace.permissions`."""

    def __init__(self, client: WorkspaceClient) -> None:
        super().__init__(client)
        self._baselines = Baselines()

    # --- jobs: reading

    def get(self, job_id: int) -> Job:
        """The job as the workspace has it (every page of its tasks, job clusters, parameters
        and environments), remembered as loaded for `save`."""
        document = self._read_job(job_id, Context(f"load job {job_id}", job_id=job_id))
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

    def _read_job(self, job_id: int, context: Context) -> dict[str, Any]:
        path = f"{JOBS_API}/get"
        document = self._do("GET", path, context, query={"job_id": job_id})
        token = document.pop("next_page_token", None)
        while token:
            page = self._do("GET", path, context, query={"job_id": job_id, "page_token": token})
            more = page.get("settings")
            settings = document.get("settings")
            if isinstance(more, dict) and isinstance(settings, dict):
                extend_arrays(settings, more, _JOB_PAGED_ARRAYS)
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
        date as well: it gets its new `job_id` and the settings as read back (with the server's
        defaults, and after a merge the merged settings), so that saving it again is right (and
        never creates a second job). Any error before that leaves `job` exactly as it was."""
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
        context = Context(f"save {label}", job_id=job_id, settings=True)
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
        elif (remote_changes := diff(base, remote)) and diff(remote, local):
            # Compared as `diff` does, up to the server's defaults: a base that lacks them (a
            # job stored before the workspace filled them, or the settings as written when the
            # read-back failed) against a remote side that has them is no remote change. (A
            # remote side that already is the editor's version, such as after a save whose
            # read-back failed, is no conflict either: there is nothing to write.)
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
        context = Context(f"create {label}", settings=True, task_keys=_task_keys(local))
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
        if current is None or not json_equal(current, settings):
            job.settings = JobSettings.from_api(settings)
        self._baselines.remember(job, settings, job_id)

    def _refuse_invalid(self, settings: Mapping[str, Any], context: Context) -> None:
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
            Context(f"delete job {job_id}", job_id=job_id),
            body={"job_id": job_id},
        )
        self._baselines.forget_job(job_id)

    def _require_job_id(self, job: Job, verb: str) -> int:
        job_id = job.job_id
        if not isinstance(job_id, int) or isinstance(job_id, bool):
            raise ConfigurationError(f"Could not {verb} the job: it has no job_id yet.")
        return job_id

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
        query: dict[str, Any] = {"limit": _JOBS_LIST_PAGE}
        if name is not None:
            query["name"] = name
        if expand_tasks:
            query["expand_tasks"] = True
        context = Context("list jobs")
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
                    entry = self._read_job(job_id, Context(f"load job {job_id}", job_id=job_id))
            yield Job.from_api(entry)


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

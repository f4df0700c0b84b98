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

Saves that race. The Jobs API has no version check (Jobs API 2.2 reference: jobs/update takes
`job_id`, `new_settings` and `fields_to_remove`, nothing that names a version), so between the
read a save decides on and its write someone else may write too. What a save does about it:

- It reads the job back after writing and compares it with what it meant to produce (the read
  before the write with its own units applied: `check_read_back`). Someone else's write to a
  field this save did not touch is kept, and the job takes it in. One to a field it wrote
  raises `ConflictError` after the fact (`written` True), with ours and theirs for each such
  field. So when A and B change `tags` at once and A writes, B writes, A reads back: A learns
  that B's tags replaced its own; B reads back its own and is right to return.
- That is the best a cloud workspace allows. One order stays invisible: B reads, A writes and
  reads back its own tags, then B writes. Both return; A's tags are gone, and neither read saw
  it happen. Only a version check closes that.
- Where the workspace gives one (the local workspace: an `ETag` on jobs/get, the same on every
  page), it is checked: a paged read whose pages carry different ETags is read again, and the
  write sends `If-Match`. A write refused with 409 RESOURCE_CONFLICT (the job changed since the
  read) wrote nothing: the save reads again and decides again as it would have then (conflict,
  merge or overwrite, per `on_conflict`), and never writes blindly. Two saves of one field then
  give exactly one success and one `ConflictError`, in every order.
- Saves of one job through one connection take turns, so two editors in one kernel never race
  each other, with a version check or without.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal

from loom_jobs_widget.client.baselines import Baselines
from loom_jobs_widget.client.errors import (
    ConfigurationError,
    ConflictError,
    Contested,
    Context,
    InvalidSettingsError,
    WorkspaceError,
)
from loom_jobs_widget.client.events import EVENTS, JobEvent, JobEventKind
from loom_jobs_widget.client.rest import JOBS_API, Service, extend_arrays
from loom_jobs_widget.client.save_plan import ReadBack, check_read_back, plan_update
from loom_jobs_widget.core.changes import Change, diff, json_equal, merge
from loom_jobs_widget.core.models import Job, JobSettings
from loom_jobs_widget.core.validation import validate

if TYPE_CHECKING:
    from loom_jobs_widget.client.rest import ApiHandle

__all__ = ["JobsService", "OnConflict"]

# The arrays jobs/get returns 100 at a time; later pages carry the next slices.
_JOB_PAGED_ARRAYS: Final = ("tasks", "job_clusters", "parameters", "environments")
_JOBS_LIST_PAGE: Final = 100  # the API's maximum
_LABEL_NAME_LENGTH: Final = 80
# The local workspace's version check (a cloud workspace has none and sends no ETag): jobs/get
# answers with the ETag of the job's settings; jobs/update and jobs/reset with an If-Match that
# no longer matches write nothing and answer 409 RESOURCE_CONFLICT.
_ETAG_HEADER: Final = ("etag",)
_CHANGED_SINCE_READ: Final = "RESOURCE_CONFLICT"
_READ_ATTEMPTS: Final = 3  # reads of a job torn by writes between its pages
_WRITE_ATTEMPTS: Final = 3  # writes refused because the job changed since it was read
_SHOWN_CONTESTED: Final = 3

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


def _pop_etag(answer: dict[str, Any]) -> str | None:
    etag = answer.pop(_ETAG_HEADER[0], None)
    return etag if isinstance(etag, str) and etag else None


def _fields(contested: Sequence[Contested]) -> str:
    paths = [unit.path for unit in contested]
    return paths[0] if len(paths) == 1 else ", ".join(paths[:-1]) + " and " + paths[-1]


def _details(contested: Sequence[Contested]) -> str:
    """Ours and theirs of each contested unit (the first few), for a sentence naming them."""
    if len(contested) == 1:
        return contested[0].describe(named=False)
    shown = "; ".join(unit.describe() for unit in contested[:_SHOWN_CONTESTED])
    more = len(contested) - _SHOWN_CONTESTED
    return shown + (f"; and {more} more" if more > 0 else "")


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

    def __init__(self, client: ApiHandle) -> None:
        super().__init__(client)
        self._baselines = Baselines()
        self._save_locks: dict[int, threading.Lock] = {}
        self._save_locks_guard = threading.Lock()

    # --- jobs: reading

    def get(self, job_id: int) -> Job:
        """The job as the workspace has it (every page of its tasks, job clusters, parameters
        and environments), remembered as loaded for `save`."""
        document, _ = self._read_job(job_id, Context(f"load job {job_id}", job_id=job_id))
        job = Job.from_api(document, owned=True)  # JSON just parsed, and copied for the baseline
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

    def _read_job(self, job_id: int, context: Context) -> tuple[dict[str, Any], str | None]:
        """The job, every page of it, and its ETag where the workspace gives one (the local
        workspace does; a cloud workspace does not). Pages of different ETags are parts of
        different versions: the job is read again."""
        path = f"{JOBS_API}/get"
        for _ in range(_READ_ATTEMPTS):
            document = self._do(
                "GET", path, context, query={"job_id": job_id}, response_headers=_ETAG_HEADER
            )
            etag = _pop_etag(document)
            token = document.pop("next_page_token", None)
            while token:
                query = {"job_id": job_id, "page_token": token}
                page = self._do("GET", path, context, query=query, response_headers=_ETAG_HEADER)
                if _pop_etag(page) != etag:
                    break  # written between two pages
                more = page.get("settings")
                settings = document.get("settings")
                if isinstance(more, dict) and isinstance(settings, dict):
                    extend_arrays(settings, more, _JOB_PAGED_ARRAYS)
                token = page.get("next_page_token")
            else:
                return document, etag
        raise WorkspaceError(
            f"Could not {context.action}: it kept changing while it was read (its pages came "
            "from different versions of it); try again.",
            job_id=job_id,
            error_code=_CHANGED_SINCE_READ,
        )

    def _read_etag(self, job_id: int, context: Context) -> str | None:
        """The job's ETag now (one page read: every page carries the same)."""
        page = self._do(
            "GET",
            f"{JOBS_API}/get",
            context,
            query={"job_id": job_id},
            response_headers=_ETAG_HEADER,
        )
        return _pop_etag(page)

    # --- jobs: writing

    def create(
        self, settings: JobSettings | Mapping[str, Any], *, source: object | None = None
    ) -> Job:
        """Create a job with these settings; the created job, loaded."""
        model = settings if isinstance(settings, JobSettings) else JobSettings.from_api(settings)
        return self.save(Job(settings=model.model_copy(deep=True)), source=source)

    def save(
        self, job: Job, *, on_conflict: OnConflict = "raise", source: object | None = None
    ) -> Job:
        """Create the job (`job_id` None) or write the edits made since it was loaded.

        Refuses settings with error-severity problems (`InvalidSettingsError`, nothing sent).
        When the job changed remotely since it was loaded: `on_conflict="raise"` raises
        `ConflictError`; `"merge"` merges three-way (raising `ConflictError` when the changes
        overlap); `"overwrite"` makes the job exactly the editor's version.

        After the write the job is read back and compared with what the save meant to produce
        (`check_read_back`): someone else's write to a field the save did not touch is taken
        in; one to a field it wrote raises `ConflictError` with `written` True (see there),
        whatever `on_conflict` says.

        Returns the saved job as read back. Once the write succeeded `job` is brought up to
        date as well: it gets its new `job_id` and the settings as read back (with the server's
        defaults, and after a merge the merged settings), so that saving it again is right (and
        never creates a second job). Any error before that leaves `job` exactly as it was.

        Once the workspace acknowledged the write, `client.events.EVENTS` is told (`created` or
        `saved`, with the settings as read back); `source` names who saved, so that it can
        ignore its own event."""
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
            return self._create(job, local, source)
        if not isinstance(job_id, int) or isinstance(job_id, bool):
            raise ConfigurationError(
                f"Could not save the job: its job_id {job_id!r} is not a number.", field="job_id"
            )
        label = _job_label(job_id, _name_of(local))
        context = Context(f"save {label}", job_id=job_id, settings=True)
        self._refuse_invalid(local, context)
        with self._save_lock(job_id):
            return self._save(job, job_id, local, on_conflict, label, context, source)

    def _publish(
        self,
        kind: JobEventKind,
        job_id: int,
        settings: Mapping[str, Any] | None,
        source: object | None,
    ) -> None:
        EVENTS.publish(JobEvent(kind, self.host, job_id, settings=settings, source=source))

    def _save(
        self,
        job: Job,
        job_id: int,
        local: dict[str, Any],
        on_conflict: OnConflict,
        label: str,
        context: Context,
        source: object | None,
    ) -> Job:
        base = self._baselines.of(job, job_id)
        for _ in range(_WRITE_ATTEMPTS):
            remote_document, etag = self._read_job(job_id, context)
            found = remote_document.get("settings")
            remote: dict[str, Any] = found if isinstance(found, dict) else {}
            if base is None and on_conflict != "overwrite":
                raise ConfigurationError(
                    f"Could not save {label}: it was not loaded through this connection, so "
                    f"remote changes cannot be told from your edits; load it with "
                    f"jobs.get({job_id}), or save with on_conflict='overwrite' to replace the "
                    "job with these settings.",
                    job_id=job_id,
                )
            target = self._target(job, job_id, label, base, remote, local, on_conflict, context)
            plan = plan_update(remote, target)
            # A refusal may name a task by its index in the resulting settings (the target).
            sent = dataclasses.replace(context, task_keys=_task_keys(target))
            if self._write(plan.requests(job_id), job_id, sent, etag):
                break
            # The job changed between our read and our write, and nothing was written: read it
            # again and decide again, as if the save had started now.
        else:
            raise self._kept_changing(job, job_id, label, base, remote, local)
        # Written: from here `job` must match the workspace, even if the read-back fails.
        self._bring_up_to_date(job, target, job_id)
        try:
            saved = self.get(job_id)
        except BaseException:
            self._publish("saved", job_id, None, source)  # written all the same
            raise
        read_back = _settings_json(saved)
        self._publish("saved", job_id, read_back, source)
        checked = check_read_back(remote, target, read_back)
        if checked.contested:
            self._bring_up_to_date(job, checked.settings, job_id, loaded=read_back)
            raise self._overwritten(job, job_id, label, remote, target, read_back, checked)
        self._bring_up_to_date(job, read_back, job_id)
        return saved

    def _target(
        self,
        job: Job,
        job_id: int,
        label: str,
        base: dict[str, Any] | None,
        remote: dict[str, Any],
        local: dict[str, Any],
        on_conflict: OnConflict,
        context: Context,
    ) -> dict[str, Any]:
        """The settings to write, given the job as read just now (`remote`); ConflictError
        when it changed since it was loaded and `on_conflict` does not settle that."""
        if base is None:
            return local  # only with on_conflict="overwrite"
        # Compared as `diff` does, up to the server's defaults: a base that lacks them (a job
        # stored before the workspace filled them, or the settings as written when the
        # read-back failed) against a remote side that has them is no remote change. (A remote
        # side that already is the editor's version, such as after a save whose read-back
        # failed, is no conflict either: there is nothing to write.)
        remote_changes = diff(base, remote)
        if not remote_changes or not diff(remote, local):
            return local
        local_changes = diff(base, local)
        merged = merge(base, local, remote)
        if on_conflict == "raise" or (on_conflict == "merge" and not merged.clean):
            raise self._conflict(
                job, job_id, label, base, remote, merged.overlaps, remote_changes, local_changes
            )
        if on_conflict == "merge":
            self._refuse_invalid(merged.settings, context)
            return merged.settings
        return local

    def _write(
        self,
        requests: list[tuple[str, dict[str, Any]]],
        job_id: int,
        context: Context,
        etag: str | None,
    ) -> bool:
        """Sends a plan's requests; False when the workspace wrote nothing because the job
        changed since it was read (its ETag, sent as If-Match, no longer matched)."""
        for index, (endpoint, body) in enumerate(requests):
            if index and etag is not None:
                # The request before (a reset) changed the job, and so its ETag.
                etag = self._read_etag(job_id, context)
            headers = {"If-Match": etag} if etag is not None else None
            try:
                self._do("POST", f"{JOBS_API}/{endpoint}", context, body=body, headers=headers)
            except WorkspaceError as error:
                if etag is None or error.error_code != _CHANGED_SINCE_READ:
                    raise
                # After the first request something is written: the read-back judges the rest.
                return index > 0
        return True

    def _save_lock(self, job_id: int) -> threading.Lock:
        """Saves of one job through one connection take turns: two editors of the job in one
        kernel then never race each other, each one's read sees the other's write."""
        with self._save_locks_guard:
            return self._save_locks.setdefault(job_id, threading.Lock())

    def _create(self, job: Job, local: dict[str, Any], source: object | None) -> Job:
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
        try:
            saved = self.get(job_id)
        except BaseException:
            self._publish("created", job_id, None, source)  # created all the same
            raise
        read_back = _settings_json(saved)
        self._bring_up_to_date(job, read_back, job_id)
        self._publish("created", job_id, read_back, source)
        return saved

    def _bring_up_to_date(
        self,
        job: Job,
        settings: dict[str, Any],
        job_id: int,
        *,
        loaded: dict[str, Any] | None = None,
    ) -> None:
        """After a successful write: `job` holds what the workspace has, and counts as loaded
        with it (a merge or the workspace's own defaults may make that differ from the edits).
        After a write someone else partly overwrote, `job` holds `settings` (the workspace's
        version with ours on top) and counts as loaded with what the workspace has (`loaded`)."""
        if job.job_id != job_id:
            job.job_id = job_id
        current = job.settings.to_api() if isinstance(job.settings, JobSettings) else None
        if current is None or not json_equal(current, settings):
            job.settings = JobSettings.from_api(settings)
        self._baselines.remember(job, loaded if loaded is not None else settings, job_id)

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

    def _kept_changing(
        self,
        job: Job,
        job_id: int,
        label: str,
        base: dict[str, Any] | None,
        remote: dict[str, Any],
        local: dict[str, Any],
    ) -> ConflictError:
        loaded = base if base is not None else remote
        merged = merge(loaded, local, remote)
        return ConflictError(
            f"Could not save {label}: it kept changing while it was being saved (the workspace "
            f"refused {_WRITE_ATTEMPTS} writes because someone else had written it since it was "
            "read); nothing was written. Reload it, or try again.",
            service=self,
            job=job,
            base=loaded,
            remote=remote,
            remote_changes=diff(loaded, remote),
            local_changes=diff(loaded, local),
            overlaps=merged.overlaps,
            job_id=job_id,
        )

    def _overwritten(
        self,
        job: Job,
        job_id: int,
        label: str,
        before: dict[str, Any],
        target: dict[str, Any],
        read_back: dict[str, Any],
        checked: ReadBack,
    ) -> ConflictError:
        contested = checked.contested
        return ConflictError(
            f"Saved {label}, but someone else changed {_fields(contested)} at the same time: "
            f"{_details(contested)}. Your version is kept in the job: save it again to write it "
            "over theirs, or reload the job to take theirs.",
            service=self,
            job=job,
            base=before,
            remote=read_back,
            remote_changes=diff(target, read_back),
            local_changes=diff(before, target),
            overlaps=[unit.path for unit in contested],
            job_id=job_id,
            written=True,
            contested=contested,
        )

    def delete(self, job_id: int, *, source: object | None = None) -> None:
        """Delete the job; `EVENTS` is told once the workspace acknowledged it."""
        self._do(
            "POST",
            f"{JOBS_API}/delete",
            Context(f"delete job {job_id}", job_id=job_id),
            body={"job_id": job_id},
        )
        self._baselines.forget_job(job_id)
        self._publish("deleted", job_id, None, source)

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
                    context = Context(f"load job {job_id}", job_id=job_id)
                    entry, _ = self._read_job(job_id, context)
            yield Job.from_api(entry, owned=True)  # JSON just parsed


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

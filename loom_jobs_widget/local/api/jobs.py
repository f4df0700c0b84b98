"""Jobs: `/api/2.2/jobs/{create,get,list,reset,update,delete,run-now}` and their 2.1 aliases.

A job's settings are stored as a workspace stores them: what was written, through the lossless
`JobSettings` model (unknown keys, nulls and empty lists kept), with the server's defaults filled
in (`email_notifications: {}`, `timeout_seconds: 0`, `run_if: ALL_SUCCESS` on each task, ...),
`apply_policy_default_values` dropped and each task's `depends_on` sorted by task_key
(`core.server_defaults.with_server_defaults`, applied on create, reset and update). Jobs stored
before that are given the same defaults when they are read, so every reader (jobs/get, jobs/list,
run-now's snapshot of the settings) sees what a workspace returns.

Settings a workspace refuses are refused with 400 INVALID_PARAMETER_VALUE in the workspace's own
words where they are public (`refusals`): its own checks first, then the validator's errors.

A `webhook_notifications` entry (of the job, a task, or a for_each task's inner task) must name a
notification destination of the workspace, as on a workspace; jobs/create, reset and update
refuse an id that names none.

Writes of one job never interleave: update and reset read, merge, check and write under the job's
write lock (`Store.change_job`), and delete takes it too, so every acknowledged write stays. For
exact saves, jobs/get answers with an `ETag` of the stored settings (the same on every page of
one version), and update and reset take an `If-Match`: when the job changed since that read, they
write nothing and answer 409 RESOURCE_CONFLICT. A real workspace has no such check and ignores
these headers; a client sends If-Match only when it got an ETag.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, Final

from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.core.server_defaults import with_server_defaults
from loom_jobs_widget.core.update_semantics import apply_update
from loom_jobs_widget.core.validation import validate
from loom_jobs_widget.local.api import permissions as permissions_api
from loom_jobs_widget.local.api.refusals import settings_refusal, workspace_refusal
from loom_jobs_widget.local.engine import (
    LEGACY_PARAMETERS,
    Engine,
    RunRequest,
    now_ms,
    queue_default,
)
from loom_jobs_widget.local.http import ApiError, Request, Route, paging, wire
from loom_jobs_widget.local.http.params import (
    body_bool,
    body_object,
    body_object_list,
    body_str,
    body_str_list,
    body_str_map,
    query_bool,
    query_require_int,
    query_str,
    require_int,
)
from loom_jobs_widget.local.store import JobChange, JobRecord, Store

__all__ = [
    "JOBS",
    "JobsApi",
    "checked_settings",
    "idempotency_token",
    "job_not_found",
    "legacy_parameters",
    "stored_settings",
]

# databricks-sdk 0.162.0 docstrings: jobs/list limit ("greater than 0 and less or equal to 100",
# default 20) and run-now's idempotency_token (at most 64 characters).
_MAX_LIST_LIMIT: Final = 100
_DEFAULT_LIST_LIMIT: Final = 20
_MAX_IDEMPOTENCY_TOKEN: Final = 64
# Fields of the create request that are not job settings.
_CREATE_ONLY: Final = frozenset({"access_control_list"})
# RFC 9110, section 13.1.1: If-Match is "*" (any current version) or a list of entity tags,
# compared strongly (a weak tag, W/"...", matches none).
_ANY_VERSION: Final = "*"
#: How many jobs' settings `JobsApi` keeps parsed for the pages of their reads.
_READ_CACHE_JOBS: Final = 8

JOBS: Final = r"/api/2\.[12]/jobs/"


def job_not_found(job_id: int) -> ApiError:
    # 400, not 404: the SDK's error overrides (databricks/sdk/errors/overrides.py) turn exactly
    # this into ResourceDoesNotExist for jobs/get, and run-now answers the same for a missing job.
    return ApiError.invalid(f"Job {job_id} does not exist.")


def checked_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The settings as written, through the lossless model; ApiError when the request parser
    (wrong JSON types), a workspace's own checks or the validator refuse them. runs/submit
    checks its settings here too."""
    wire.check_settings(dict(settings))
    refusal = workspace_refusal(settings)
    if refusal is not None:
        raise refusal
    model = JobSettings.from_api(settings)
    refusal = settings_refusal(validate(model), settings)
    if refusal is not None:
        raise refusal
    return model.to_api()


def stored_settings(record: JobRecord) -> dict[str, Any]:
    """A stored job's settings as a workspace returns them. Jobs stored before the server's
    defaults were stored get them here; for the others this changes nothing."""
    settings: dict[str, Any] = json.loads(record.settings)
    return with_server_defaults(settings)


def idempotency_token(body: Mapping[str, Any]) -> str | None:
    """run-now's and runs/submit's `idempotency_token`, refused when it is too long."""
    token = body_str(body, "idempotency_token")
    if token is not None and len(token) > _MAX_IDEMPOTENCY_TOKEN:
        raise ApiError.invalid(
            f"idempotency_token is {len(token)} characters long; "
            f"the limit is {_MAX_IDEMPOTENCY_TOKEN}."
        )
    return token


def _name_key(settings: Mapping[str, Any]) -> str:
    name = settings.get("name")
    return name.casefold() if isinstance(name, str) else ""


def _summary(settings: Mapping[str, Any]) -> dict[str, Any]:
    """What jobs/list shows of the settings without expand_tasks: all but tasks and clusters."""
    return {key: value for key, value in settings.items() if key not in ("tasks", "job_clusters")}


def _settings_change(settings: Mapping[str, Any]) -> JobChange:
    """The write of new settings (checked, then given the server's defaults)."""
    stored = with_server_defaults(checked_settings(settings))
    return JobChange(
        settings=json.dumps(stored),
        summary=json.dumps(_summary(stored)),
        name_key=_name_key(stored),
    )


def _destination_ids(settings: Mapping[str, Any]) -> list[str]:
    """The destination ids the settings' webhook_notifications name, in order of appearance."""
    holders: list[Any] = [settings]
    tasks = settings.get("tasks")
    for task in tasks if isinstance(tasks, list) else []:
        if isinstance(task, dict):
            holders.append(task)
            inner = (task.get("for_each_task") or {}).get("task")
            if isinstance(inner, dict):
                holders.append(inner)
    ids: list[str] = []
    for holder in holders:
        webhooks = holder.get("webhook_notifications")
        for entries in webhooks.values() if isinstance(webhooks, dict) else []:
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    ids.append(entry["id"])
    return ids


def _if_match(request: Request) -> list[str] | None:
    """The entity tags of the request's If-Match headers; None without one (or a blank one)."""
    values = request.headers.get_all("If-Match") or []
    tags = [tag.strip() for value in values for tag in str(value).split(",") if tag.strip()]
    return tags or None


def _check_version(record: JobRecord, if_match: list[str] | None) -> None:
    if if_match is None or _ANY_VERSION in if_match or record.etag in if_match:
        return
    raise ApiError(409, "RESOURCE_CONFLICT", f"Job {record.job_id} was changed since it was read.")


class JobsApi:
    def __init__(
        self,
        store: Store,
        engine: Engine,
        user_name: str,
    ) -> None:
        self._store = store
        self._engine = engine
        self._user_name = user_name
        # The settings of the jobs read last, by job and version: a large job is read in pages,
        # each a request of its own, and parsing the whole stored settings with the server's
        # defaults costs tens of milliseconds a page at 1,000 tasks. Read-only once cached.
        self._read_cache: OrderedDict[int, tuple[str, dict[str, Any]]] = OrderedDict()
        self._read_cache_lock = threading.Lock()

    def routes(self) -> list[Route]:
        return [
            Route("POST", JOBS + "create", self.create),
            Route("GET", JOBS + "get", self.get),
            Route("GET", JOBS + "list", self.list),
            Route("POST", JOBS + "reset", self.reset),
            Route("POST", JOBS + "update", self.update),
            Route("POST", JOBS + "delete", self.delete),
            Route("POST", JOBS + "run-now", self.run_now),
        ]

    # --- reading

    def _record(self, job_id: int) -> JobRecord:
        record = self._store.job(job_id)
        if record is None:
            raise job_not_found(job_id)
        return record

    def _settings_of(self, record: JobRecord) -> dict[str, Any]:
        """`stored_settings(record)`, shared by every read of that version: not to be changed."""
        with self._read_cache_lock:
            cached = self._read_cache.get(record.job_id)
            if cached is not None and cached[0] == record.etag:
                self._read_cache.move_to_end(record.job_id)
                return cached[1]
        settings = stored_settings(record)
        with self._read_cache_lock:
            self._read_cache[record.job_id] = (record.etag, settings)
            self._read_cache.move_to_end(record.job_id)
            while len(self._read_cache) > _READ_CACHE_JOBS:
                self._read_cache.popitem(last=False)
        return settings

    def _run_as_user_name(self, record: JobRecord, settings: Mapping[str, Any]) -> str:
        run_as = settings.get("run_as")
        if isinstance(run_as, dict):
            for kind in ("user_name", "service_principal_name"):
                if isinstance(run_as.get(kind), str):
                    return str(run_as[kind])
        owner = permissions_api.owner_of(record.acl)
        return owner[1] if owner is not None else record.creator_user_name

    def _check_destinations(self, settings: Mapping[str, Any]) -> None:
        for destination_id in _destination_ids(settings):
            if self._store.destination(destination_id) is None:
                # No public source quotes a workspace's wording for this refusal.
                raise ApiError.invalid(
                    f"Notification destination {destination_id} in webhook_notifications does "
                    "not exist in this workspace."
                )

    def get(self, request: Request) -> dict[str, Any]:
        job_id = query_require_int(request, "job_id")
        page = paging.page_number(query_str(request, "page_token"))
        record = self._record(job_id)
        # Of the whole settings, so that every page of one version carries the same one.
        request.response_headers["ETag"] = record.etag
        settings = self._settings_of(record)
        more = False
        if request.api_version != "2.1":  # 2.1 returns every element at once
            settings, more = paging.page_arrays(settings, paging.JOB_ARRAYS, page)
        document: dict[str, Any] = {
            "job_id": record.job_id,
            "creator_user_name": record.creator_user_name,
            "run_as_user_name": self._run_as_user_name(record, settings),
            "created_time": record.created_time,
            "settings": settings,
        }
        if more:
            document["next_page_token"] = paging.encode_token({"page": page + 1})
        return document

    def list(self, request: Request) -> dict[str, Any]:
        limit, offset = paging.limit_and_offset(
            request, default=_DEFAULT_LIST_LIMIT, maximum=_MAX_LIST_LIMIT
        )
        expand = bool(query_bool(request, "expand_tasks"))
        name = query_str(request, "name")
        key = name.casefold() if name else None
        cursor = paging.decode_token(query_str(request, "page_token"), "after", "before")
        if cursor is not None and "before" in cursor:
            rows = self._store.list_jobs(
                name_key=key,
                after_id=None,
                before_id=cursor["before"],
                offset=0,
                limit=limit + 1,
                expand=expand,
            )
            has_previous = len(rows) > limit
            rows = rows[-limit:]
            has_more = True
        else:
            after = cursor["after"] if cursor is not None else None
            rows = self._store.list_jobs(
                name_key=key,
                after_id=after,
                before_id=None,
                offset=offset,
                limit=limit + 1,
                expand=expand,
            )
            has_more = len(rows) > limit
            rows = rows[:limit]
            has_previous = bool(rows) and (
                offset > 0
                or self._store.has_jobs(name_key=key, after_id=None, before_id=rows[0].job_id)
            )
        paged = request.api_version != "2.1"
        return paging.list_page(
            "jobs",
            [self._list_entry(record, expand, paged) for record in rows],
            has_more=has_more,
            has_previous=has_previous,
            next_cursor={"after": rows[-1].job_id} if rows else None,
            prev_cursor={"before": rows[0].job_id} if rows else None,
        )

    def _list_entry(self, record: JobRecord, expand: bool, paged: bool) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "job_id": record.job_id,
            "creator_user_name": record.creator_user_name,
            "created_time": record.created_time,
        }
        if expand and not paged:  # API 2.1: every element at once
            entry["settings"] = stored_settings(record)
        elif expand:
            settings, more = paging.first_page(stored_settings(record), paging.JOB_ARRAYS)
            entry["settings"] = settings
            entry["has_more"] = more
        else:
            entry["settings"] = with_server_defaults(json.loads(record.summary))
        return entry

    # --- writing

    def create(self, request: Request) -> dict[str, Any]:
        body = request.json()
        acl = body_object_list(body, "access_control_list")
        settings = with_server_defaults(
            checked_settings({k: v for k, v in body.items() if k not in _CREATE_ONLY})
        )
        self._check_destinations(settings)
        grants = permissions_api.initial_grants(self._user_name, acl)
        job_id = self._store.new_id()
        record = JobRecord(
            job_id=job_id,
            created_time=now_ms(),
            creator_user_name=self._user_name,
            api_version=request.api_version,
            settings=json.dumps(settings),
            summary=json.dumps(_summary(settings)),
            acl=json.dumps(grants),
        )
        self._store.insert_job(record, _name_key(settings))
        return {"job_id": job_id}

    def _change(
        self, request: Request, job_id: int, change: Callable[[JobRecord], Mapping[str, Any]]
    ) -> None:
        """Writes the settings `change` makes of the job's, under its write lock, when the job
        is still the version the request's If-Match names."""
        if_match = _if_match(request)

        def checked_change(record: JobRecord) -> JobChange:
            _check_version(record, if_match)
            written = _settings_change(change(record))
            self._check_destinations(json.loads(written.settings or "{}"))
            return written

        written = self._store.change_job(job_id, checked_change)
        if written is None:
            raise job_not_found(job_id)
        request.response_headers["ETag"] = written.etag

    def reset(self, request: Request) -> dict[str, Any]:
        body = request.json()
        job_id = require_int(body, "job_id")
        new_settings = body_object(body, "new_settings")
        if new_settings is None:
            raise ApiError.invalid("Missing required field: new_settings")

        def reset_settings(record: JobRecord) -> Mapping[str, Any]:
            old = stored_settings(record)
            # A workspace keeps the previous run_as when new_settings omits it (the one exception
            # to "reset replaces everything", measured against cloud by the Databricks CLI's
            # tests).
            if "run_as" not in new_settings and "run_as" in old:
                return {**new_settings, "run_as": old["run_as"]}
            return new_settings

        self._change(request, job_id, reset_settings)
        return {}

    def update(self, request: Request) -> dict[str, Any]:
        body = request.json()
        job_id = require_int(body, "job_id")
        new_settings = body_object(body, "new_settings") or {}
        fields_to_remove = body_str_list(body, "fields_to_remove") or []

        def updated_settings(record: JobRecord) -> Mapping[str, Any]:
            try:
                return apply_update(stored_settings(record), new_settings, fields_to_remove)
            except ValueError as exc:
                raise ApiError.invalid(str(exc)) from None

        self._change(request, job_id, updated_settings)
        return {}

    def delete(self, request: Request) -> dict[str, Any]:
        job_id = require_int(request.json(), "job_id")
        if not self._store.delete_job(job_id):
            raise job_not_found(job_id)
        # Its runs stay readable (runs/get, runs/list); those in progress are canceled.
        self._engine.cancel_all(job_id)
        return {}

    # --- running

    def run_now(self, request: Request) -> dict[str, Any]:
        body = request.json()
        job_id = require_int(body, "job_id")
        job_parameters = body_str_map(body, "job_parameters") or {}
        token = idempotency_token(body)
        only = body_str_list(body, "only")
        queue = body_object(body, "queue")
        queue_enabled = body_bool(queue, "enabled") if queue is not None else None
        overriding = legacy_parameters(body)
        record = self._record(job_id)
        settings = stored_settings(record)
        if queue_enabled is None:
            queue_enabled = queue_default(record, settings)
        job_name = settings.get("name")
        run_id, number = self._engine.start_run(
            RunRequest(
                job_id=job_id,
                run_type="JOB_RUN",
                run_name=job_name if isinstance(job_name, str) and job_name else "Untitled",
                settings=settings,
                job_parameters=job_parameters,
                queue_enabled=queue_enabled,
                overriding_parameters=overriding,
                only=only,
                idempotency_token=token,
            )
        )
        return {"run_id": run_id, "number_in_job": number}


_LEGACY_READERS: Final[Mapping[str, Callable[[Mapping[str, Any], str], Any]]] = {
    "notebook_params": body_str_map,
    "python_params": body_str_list,
    "python_named_params": body_str_map,
    "jar_params": body_str_list,
    "spark_submit_params": body_str_list,
    "sql_params": body_str_map,
    "dbt_commands": body_str_list,
    "pipeline_params": body_object,
}


def legacy_parameters(body: Mapping[str, Any]) -> dict[str, Any]:
    """run-now's and a repair's legacy task parameters (notebook_params, python_params, ...),
    each read as its JSON type (a wrong one is refused, as a workspace's request parser does)."""
    overriding: dict[str, Any] = {}
    for name in LEGACY_PARAMETERS:
        reader = _LEGACY_READERS.get(name)
        value = reader(body, name) if reader is not None else body.get(name)
        if value is not None:
            overriding[name] = value
    return overriding

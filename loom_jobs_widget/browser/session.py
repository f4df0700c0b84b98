"""What the JobsBrowser does, without the browser: the Jobs list page's data and row actions.

The messages are typed in ``js/src/browser/protocol.ts``. `BrowserSession.handle` never raises:
a failed call becomes an ``error`` reply and a `status`.

Paging over many jobs: jobs/list has no offset, so the session keeps a cursor per query (search,
owner, tag, state): the jobs matched so far and the open listing. "Next" reads only as many list
pages as the next screen needs, "Previous" reads nothing; a new query or `refresh` starts over.
Runs are read for the visible rows only: one ``runs/list?limit=1`` per row, a few at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from loom_jobs_widget.client.workspace import WorkspaceError
from loom_jobs_widget.core.models import Job, JobSettings
from loom_jobs_widget.schedule.quartz import CronError, describe
from loom_jobs_widget.schedule.triggers import (
    PauseStatus,
    pause_status,
    set_pause_status,
    trigger_kind,
)

if TYPE_CHECKING:
    from loom_jobs_widget.client.workspace import Workspace

__all__ = ["PAGE_SIZES", "BrowserSession", "BrowserState", "Query", "job_row", "parse_tag"]

Message = dict[str, Any]

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
_RUN_READERS = 8
"""Rows whose last run is read at the same time."""
STATES = ("", "active", "paused", "none")
"""The state filter: any; a trigger that starts runs; a paused trigger; no trigger (manual)."""


@dataclass(frozen=True)
class Query:
    """What the list shows: a name substring, the creator, a tag (``key`` or ``key=value``) and
    the trigger state (one of STATES)."""

    search: str = ""
    owner: str = ""
    tag: str = ""
    state: str = ""

    @classmethod
    def from_message(cls, value: Any) -> Query:
        if value is None:
            return cls()
        if not isinstance(value, Mapping):
            raise TypeError("query must be an object")
        fields = {}
        for name in ("search", "owner", "tag", "state"):
            item = value.get(name, "")
            if item is None:
                item = ""
            if not isinstance(item, str):
                raise TypeError(f"query.{name} must be a string")
            fields[name] = item.strip()
        if fields["state"] not in STATES:
            raise ValueError(f"query.state must be one of {', '.join(map(repr, STATES))}")
        return cls(**fields)

    def to_json(self) -> dict[str, str]:
        return {"search": self.search, "owner": self.owner, "tag": self.tag, "state": self.state}


def parse_tag(text: str) -> dict[str, str | None] | None:
    """``"team"`` → {"team": None} (the key present), ``"team=data"`` → {"team": "data"}."""
    text = text.strip()
    if not text:
        return None
    key, sep, value = text.partition("=")
    key = key.strip()
    if not key:
        raise ValueError("a tag filter is key or key=value")
    return {key: value.strip() if sep else None}


@dataclass
class BrowserState:
    """What the widget mirrors into its traits."""

    query: dict[str, str] = field(default_factory=lambda: Query().to_json())
    offset: int = 0
    page_size: int = DEFAULT_PAGE_SIZE
    status: dict[str, str] = field(default_factory=lambda: {"level": "", "text": ""})


class _Cursor:
    """The jobs of one query matched so far, and the listing that finds more."""

    def __init__(self, query: Query, jobs: Iterator[Job]) -> None:
        self.query = query
        self.jobs: list[Job] = []
        self._source: Iterator[Job] | None = jobs

    @property
    def exhausted(self) -> bool:
        return self._source is None

    def fill(self, count: int) -> None:
        """Read until `count` jobs are known (or there are no more)."""
        while self._source is not None and len(self.jobs) < count:
            job = next(self._source, None)
            if job is None:
                self._source = None
            else:
                self.jobs.append(job)

    def forget(self, job_id: int) -> None:
        self.jobs = [job for job in self.jobs if job.job_id != job_id]

    def replace(self, job: Job) -> None:
        self.jobs = [job if known.job_id == job.job_id else known for known in self.jobs]


def _settings_api(job: Job) -> dict[str, Any]:
    return job.settings.to_api() if isinstance(job.settings, JobSettings) else {}


def _state_matches(settings: Mapping[str, Any], state: str) -> bool:
    if not state:
        return True
    status = pause_status(settings)
    if state == "none":
        return status is None
    return status == ("PAUSED" if state == "paused" else "UNPAUSED")


def trigger_summary(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The Trigger column: the kind, its pause state and a short description."""
    kind = trigger_kind(settings)
    status = pause_status(settings)
    text = {
        "none": "None",
        "continuous": "Continuous",
        "file_arrival": "File arrival",
        "table_update": "Table update",
        "other": "Other",
    }.get(kind, "")
    if kind == "scheduled":
        schedule = settings.get("schedule") or {}
        cron = schedule.get("quartz_cron_expression")
        zone = schedule.get("timezone_id")
        try:
            text = describe(str(cron)) if isinstance(cron, str) else "Scheduled"
        except CronError:
            text = f"Schedule {cron}"
        if isinstance(zone, str) and zone and zone != "UTC":
            text += f" ({zone})"
    elif kind == "periodic":
        periodic = (settings.get("trigger") or {}).get("periodic") or {}
        interval, unit = periodic.get("interval"), str(periodic.get("unit") or "").lower()
        if interval == 1 and unit.endswith("s"):
            unit = unit[:-1]
        text = f"Every {interval} {unit}".strip() if interval is not None else "Periodic"
    elif kind == "other" and isinstance(settings.get("trigger"), Mapping):
        trigger = settings["trigger"]
        for name in ("model", "job_completion"):
            if trigger.get(name) is not None:
                text = name.replace("_", " ").capitalize()
    return {"kind": kind, "paused": status == "PAUSED", "pausable": status is not None,
            "text": text}


def run_summary(run: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The Last run column: when, and a badge (``state``: succeeded, failed, running, pending,
    canceled, skipped, other) with its label."""
    if not run:
        return None
    raw_state, raw_status = run.get("state"), run.get("status")
    state: Mapping[str, Any] = raw_state if isinstance(raw_state, Mapping) else {}
    status: Mapping[str, Any] = raw_status if isinstance(raw_status, Mapping) else {}
    life = str(state.get("life_cycle_state") or "")
    result = str(state.get("result_state") or "")
    if result:
        badge = {
            "SUCCESS": "succeeded",
            "SUCCESS_WITH_FAILURES": "succeeded",
            "FAILED": "failed",
            "TIMEDOUT": "failed",
            "MAXIMUM_CONCURRENT_RUNS_REACHED": "failed",
            "UPSTREAM_FAILED": "failed",
            "CANCELED": "canceled",
            "UPSTREAM_CANCELED": "canceled",
            "EXCLUDED": "skipped",
            "SKIPPED": "skipped",
            "DISABLED": "skipped",
        }.get(result, "other")
        label = result.replace("_", " ").capitalize()
        if result == "SUCCESS":
            label = "Succeeded"
    elif life in ("PENDING", "QUEUED", "BLOCKED", "WAITING_FOR_RETRY"):
        badge, label = "pending", life.replace("_", " ").capitalize()
    elif life in ("RUNNING", "TERMINATING"):
        badge, label = "running", life.capitalize()
    elif life in ("SKIPPED",):
        badge, label = "skipped", "Skipped"
    elif life == "INTERNAL_ERROR":
        badge, label = "failed", "Internal error"
    else:
        badge, label = "other", (life or str(status.get("state") or "Unknown")).capitalize()
    start = run.get("start_time")
    end = run.get("end_time")
    return {
        "run_id": run.get("run_id"),
        "state": badge,
        "label": label,
        "start_time": start if isinstance(start, int) else None,
        "end_time": end if isinstance(end, int) and end > 0 else None,
        "url": run.get("run_page_url") if isinstance(run.get("run_page_url"), str) else None,
    }


def job_row(job: Job, last_run: Mapping[str, Any] | None) -> dict[str, Any]:
    """One row of the table."""
    settings = _settings_api(job)
    tags = settings.get("tags")
    tasks = settings.get("tasks")
    name = settings.get("name")
    return {
        "job_id": job.job_id,
        "name": name if isinstance(name, str) and name else "Untitled",
        "tasks": len(tasks) if isinstance(tasks, list) else None,
        "creator": job.creator_user_name if isinstance(job.creator_user_name, str) else None,
        "created_time": job.created_time if isinstance(job.created_time, int) else None,
        "tags": {str(k): "" if v is None else str(v) for k, v in tags.items()}
        if isinstance(tags, Mapping) else {},
        "trigger": trigger_summary(settings),
        "last_run": run_summary(last_run),
    }


class BrowserSession:
    """The Jobs list page of one workspace.

    ``send`` delivers a message to the view(s); ``on_state`` receives the trait values after
    every change; ``workspace`` returns the connected workspace; ``open_editor(job_id)`` shows
    a JobEditor of the job (None: a new job)."""

    def __init__(
        self,
        *,
        send: Callable[[Message], None],
        on_state: Callable[[BrowserState], None],
        workspace: Callable[[], Workspace],
        open_editor: Callable[[int | None], Any],
    ) -> None:
        self._lock = threading.RLock()
        self._send = send
        self._on_state = on_state
        self._workspace = workspace
        self._open_editor = open_editor
        self.state = BrowserState()
        self._cursor: _Cursor | None = None
        self.rows: list[dict[str, Any]] = []
        """The rows last sent to the view."""
        self._on_state(self.state)

    # --- the view's messages ----------------------------------------------------------------

    def handle(self, message: Mapping[str, Any]) -> None:
        """Answer one message of the view. Never raises."""
        with self._lock:
            kind = message.get("kind")
            request_id = message.get("request_id")
            handler = self._HANDLERS.get(kind) if isinstance(kind, str) else None
            if handler is None:
                self._error(f"The jobs browser got a message it does not know: {kind!r}.",
                            request_id)
                return
            try:
                handler(self, message)
            except WorkspaceError as error:
                self._error(str(error), request_id, job_id=message.get("job_id"))
            except (KeyError, TypeError, ValueError) as error:
                self._error(f"The jobs browser could not read a {kind} message: {error}.",
                            request_id)
            except Exception as error:  # never a traceback in the view
                self._error(f"{type(error).__name__}: {error}", request_id)

    def _on_ready(self, message: Mapping[str, Any]) -> None:
        self.send_page(request_id=message.get("request_id"))

    def _on_list(self, message: Mapping[str, Any]) -> None:
        query = Query.from_message(message.get("query")) if "query" in message else None
        offset = message.get("offset", 0)
        limit = message.get("limit", self.state.page_size)
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise ValueError("offset must be a whole number ≥ 0")
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 100:
            raise ValueError("limit must be between 1 and 100")
        if message.get("refresh"):
            self._cursor = None
        self.list_page(query, offset=offset, limit=limit, request_id=message.get("request_id"))

    def _on_action(self, message: Mapping[str, Any]) -> None:
        action = message["action"]
        job_id = message.get("job_id")
        request_id = message.get("request_id")
        if action == "create":
            self.create()
            self._done(request_id, action, None, "A new job is open below: save it to create it.")
            return
        if not isinstance(job_id, int) or isinstance(job_id, bool):
            raise TypeError("job_id must be a number")
        if action in ("pause", "resume"):
            row = self.set_paused(job_id, action == "pause")
            verb = "paused" if action == "pause" else "resumed"
            self._done(request_id, action, job_id, f"Job {row['name']} {verb}.", row=row)
        elif action == "run_now":
            run_id, row = self.run_now(job_id)
            self._done(request_id, action, job_id, f"Run {run_id} of {row['name']} started.",
                       row=row, run_id=run_id)
        elif action == "delete":
            name = self.delete(job_id)
            self._done(request_id, action, job_id, f"Job {name} deleted.")
            self.send_page()
        elif action in ("open", "open_permissions"):
            editor = self.open(job_id)
            if action == "open_permissions" and hasattr(editor, "show_tab"):
                editor.show_tab("permissions")
            self._done(request_id, action, job_id, f"Job {job_id} is open in the editor below.")
        elif action == "permissions":
            self._send({"kind": "permissions", "request_id": request_id, "job_id": job_id,
                        "access_control_list": self.permissions(job_id)})
        else:
            raise ValueError(f"unknown action {action!r}")

    _HANDLERS: Mapping[str, Callable[[BrowserSession, Mapping[str, Any]], None]] = {
        "ready": _on_ready,
        "list": _on_list,
        "action": _on_action,
    }

    # --- the list -------------------------------------------------------------------------------

    @property
    def query(self) -> Query:
        return Query(**self.state.query)

    def list_page(
        self,
        query: Query | None = None,
        *,
        offset: int | None = None,
        limit: int | None = None,
        request_id: Any = None,
    ) -> Message:
        """Show the page at `offset` of `query` (the current one when None); returns it."""
        with self._lock:
            if query is not None and query != self.query:
                self.state.query = query.to_json()
                self._cursor = None
                offset = 0 if offset is None else offset
            if offset is not None:
                self.state.offset = offset
            if limit is not None:
                self.state.page_size = limit
            return self.send_page(request_id=request_id)

    def refresh(self) -> Message:
        """Read the jobs again (the list may have changed in the workspace)."""
        with self._lock:
            self._cursor = None
            return self.send_page()

    def send_page(self, *, request_id: Any = None) -> Message:
        with self._lock:
            try:
                page = self.page()
            except WorkspaceError as error:
                self._error(str(error), request_id)
                return {"kind": "error", "text": str(error)}
            page["request_id"] = request_id
            self._send(page)
            self._set_status("", "")
            return page

    def page(self) -> Message:
        """The current page, read from the workspace as far as needed."""
        query = self.query
        cursor = self._cursor_for(query)
        offset, size = self.state.offset, self.state.page_size
        cursor.fill(offset + size + 1)
        if offset and offset >= len(cursor.jobs):  # e.g. after deleting the last row of a page
            offset = max(0, (len(cursor.jobs) - 1) // size * size)
            self.state.offset = offset
        jobs = cursor.jobs[offset : offset + size]
        runs = self._last_runs([int(job.job_id) for job in jobs if isinstance(job.job_id, int)])
        self.rows = [job_row(job, runs.get(job.job_id)) for job in jobs]  # type: ignore[arg-type]
        known = len(cursor.jobs)
        return {
            "kind": "page",
            "query": query.to_json(),
            "offset": offset,
            "limit": size,
            "rows": self.rows,
            "has_more": known > offset + size,
            "total": known if cursor.exhausted else None,
            "known": known,
            "owners": sorted({str(j.creator_user_name) for j in cursor.jobs
                              if isinstance(j.creator_user_name, str)})[:50],
            "me": self._user_name(),
        }

    def _cursor_for(self, query: Query) -> _Cursor:
        if self._cursor is not None and self._cursor.query == query:
            return self._cursor
        tags = parse_tag(query.tag)
        listing = self._workspace().jobs.list(
            name_contains=query.search or None,
            owner=query.owner or None,
            tags=tags,
            expand_tasks=True,
        )
        if query.state:
            state = query.state
            listing = (job for job in listing if _state_matches(_settings_api(job), state))
        self._cursor = _Cursor(query, listing)
        return self._cursor

    def _last_runs(self, job_ids: list[int]) -> dict[int, dict[str, Any] | None]:
        jobs = self._workspace().jobs

        def last(job_id: int) -> dict[str, Any] | None:
            try:
                return next(iter(jobs.list_runs(job_id, limit=1)), None)
            except WorkspaceError:
                return None

        if len(job_ids) <= 1:
            return {job_id: last(job_id) for job_id in job_ids}
        with ThreadPoolExecutor(max_workers=min(_RUN_READERS, len(job_ids))) as pool:
            return dict(zip(job_ids, pool.map(last, job_ids), strict=True))

    # --- row actions ----------------------------------------------------------------------------

    def set_paused(self, job_id: int, paused: bool) -> dict[str, Any]:
        """Pause (or resume) every trigger of the job; its new row."""
        with self._lock:
            jobs = self._workspace().jobs
            job = jobs.get(job_id)
            settings = _settings_api(job)
            status: PauseStatus = "PAUSED" if paused else "UNPAUSED"
            try:
                changed = set_pause_status(settings, status)
            except ValueError:
                raise WorkspaceError(
                    f"Job {job_id} has no schedule, trigger or continuous setting to "
                    f"{'pause' if paused else 'resume'}.", job_id=job_id
                ) from None
            job.settings = JobSettings.from_api(changed)
            saved = jobs.save(job)
            return self._update_row(saved)

    def run_now(self, job_id: int) -> tuple[int, dict[str, Any]]:
        """Start a run of the job; its run_id and the job's new row."""
        with self._lock:
            jobs = self._workspace().jobs
            answer = jobs.run_now(job_id)
            run_id = int(answer["run_id"])
            return run_id, self._update_row(jobs.get(job_id))

    def delete(self, job_id: int) -> str:
        """Delete the job (the view asked to confirm first); its name."""
        with self._lock:
            name = next((str(row["name"]) for row in self.rows if row["job_id"] == job_id),
                        str(job_id))
            self._workspace().jobs.delete(job_id)
            if self._cursor is not None:
                self._cursor.forget(job_id)
            self.rows = [row for row in self.rows if row["job_id"] != job_id]
            return name

    def open(self, job_id: int) -> Any:
        """Open the job in the editor (the widget shows it)."""
        return self._open_editor(job_id)

    def create(self) -> Any:
        """Open an empty new job in the editor."""
        return self._open_editor(None)

    def permissions(self, job_id: int) -> list[dict[str, Any]]:
        """The job's grants, one per principal: {principal, kind, levels, inherited}."""
        answer = self._workspace().jobs.get_permissions(job_id)
        grants: list[dict[str, Any]] = []
        for entry in answer.get("access_control_list") or []:
            if not isinstance(entry, Mapping):
                continue
            for kind in ("user_name", "group_name", "service_principal_name"):
                principal = entry.get(kind)
                if isinstance(principal, str):
                    break
            else:
                kind, principal = "unknown", entry.get("display_name") or "?"
            levels = [p.get("permission_level") for p in entry.get("all_permissions") or []
                      if isinstance(p, Mapping)]
            inherited = all(bool(p.get("inherited")) for p in entry.get("all_permissions") or []
                            if isinstance(p, Mapping)) and bool(levels)
            grants.append({"principal": principal, "kind": kind,
                           "levels": [str(level) for level in levels if level],
                           "inherited": inherited})
        return grants

    # --- inside ---------------------------------------------------------------------------------

    def _update_row(self, job: Job) -> dict[str, Any]:
        """The job's row again (its settings and last run), in the rows and the cursor."""
        job_id = int(job.job_id)  # type: ignore[arg-type]
        if self._cursor is not None:
            self._cursor.replace(job)
        row = job_row(job, self._last_runs([job_id]).get(job_id))
        self.rows = [row if known["job_id"] == job_id else known for known in self.rows]
        return row

    def _user_name(self) -> str | None:
        try:
            name = self._workspace().user_name
        except Exception:
            return None
        return name if isinstance(name, str) else None

    def _done(self, request_id: Any, action: str, job_id: int | None, text: str,
              **extra: Any) -> None:
        self._set_status("success", text)
        self._send({"kind": "action_done", "request_id": request_id, "action": action,
                    "job_id": job_id, "text": text, **extra})

    def _error(self, text: str, request_id: Any, *, job_id: Any = None) -> None:
        self._set_status("error", text)
        self._send({"kind": "error", "request_id": request_id, "text": text,
                    "job_id": job_id if isinstance(job_id, int) else None})

    def _set_status(self, level: str, text: str) -> None:
        self.state.status = {"level": level, "text": text}
        self._on_state(self.state)

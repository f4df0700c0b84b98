"""What the JobsBrowser does, without the browser: the Jobs list page's data and row actions.

The messages are typed in `browser.protocol`; the rows are built by `rows`, the query is
`query.Query`. `BrowserSession.handle` never raises: a failed call becomes an ``error`` reply
and a `status`.

Paging over many jobs: jobs/list has no offset, so the session keeps a cursor per query (search,
owner, tag, state): the jobs matched so far and the open listing. "Next" reads only as many list
pages as the next screen needs, "Previous" reads nothing; a new query or `refresh` starts over.
Runs are read for the visible rows only: one ``runs/list?limit=1`` per row, a few at a time.

Live rows (`live.Live`): what this kernel writes to the workspace (`client.events.EVENTS`: a job
created, saved or deleted in an editor or from Python, a run started or cancelled) reaches the
rows at once, and a row whose last run is active is read again until the run ends. Events of
another workspace (their host) and the session's own are ignored.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from loom_jobs_widget.browser.live import Live, Pending
from loom_jobs_widget.browser.protocol import (
    Action,
    ActionDoneMessage,
    ActionRequest,
    ErrorMessage,
    FromPython,
    Grant,
    GrantKind,
    JobRow,
    ListRequest,
    PageMessage,
    ReadyRequest,
    RowsMessage,
    VisibilityRequest,
)
from loom_jobs_widget.browser.protocol import Query as QueryJson
from loom_jobs_widget.browser.query import Query, parse_tag, state_matches
from loom_jobs_widget.browser.rows import job_row, settings_api
from loom_jobs_widget.client import WorkspaceError
from loom_jobs_widget.client.events import EVENTS, JobEvent
from loom_jobs_widget.core.models import Job, JobSettings
from loom_jobs_widget.editor.protocol import Status, StatusLevel
from loom_jobs_widget.schedule import PauseStatus, set_pause_status

if TYPE_CHECKING:
    from loom_jobs_widget.client import Workspace

__all__ = ["PAGE_SIZES", "BrowserSession", "BrowserState"]

PAGE_SIZES = (10, 25, 50, 100)  # the view's choices come from here (js/src/generated/)
_DEFAULT_PAGE_SIZE = 25
_ACTIVE_BADGES = ("running", "pending")
"""A row whose last run has one of these badges is followed until the run ends."""
_RUN_READERS = 8
"""Rows whose last run is read at the same time."""
_OPENS = ("create", "open", "open_permissions", "open_run")
"""The actions that replace the editor below."""


@dataclass
class BrowserState:
    """What the widget mirrors into its traits."""

    query: QueryJson = field(default_factory=lambda: Query().to_json())
    offset: int = 0
    page_size: int = _DEFAULT_PAGE_SIZE
    status: Status = field(default_factory=lambda: Status(level="", text=""))


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


class BrowserSession:
    """The Jobs list page of one workspace.

    ``send`` delivers a message to the view(s); ``on_state`` receives the trait values after
    every change; ``workspace`` returns the connected workspace; ``open_editor(job_id)`` shows
    a JobEditor of the job (None: a new job); ``current_editor()``, when given, is the editor
    shown now however it was opened (the widget's `open` from Python too)."""

    def __init__(
        self,
        *,
        send: Callable[[FromPython], None],
        on_state: Callable[[BrowserState], None],
        workspace: Callable[[], Workspace],
        open_editor: Callable[[int | None], Any],
        current_editor: Callable[[], Any] | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self._send = send
        self._on_state = on_state
        self._workspace = workspace
        self._open_editor = open_editor
        self._current_editor = current_editor
        self._opened: Any = None
        self.state = BrowserState()
        self._cursor: _Cursor | None = None
        self.rows: list[JobRow] = []
        """The rows last sent to the view."""
        self._closed = False
        self._live = Live(self._sync)
        self._unsubscribe = _subscribe(self)
        self._on_state(self.state)

    def close(self) -> None:
        """Stop following the workspace (the widget is closed): no more events, no polling."""
        self._closed = True
        self._unsubscribe()
        self._live.close()

    @property
    def live(self) -> Live:
        """The worker that keeps the rows live (whether it polls now, and how often)."""
        return self._live

    # --- the view's messages ----------------------------------------------------------------

    def handle(self, message: Mapping[str, Any]) -> None:
        """Answer one message of the view (a `protocol.ToPython`, as JSON gave it). Never
        raises."""
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

    def _on_ready(self, message: ReadyRequest) -> None:
        self.send_page(request_id=message.get("request_id"))

    def _on_visibility(self, message: VisibilityRequest) -> None:
        view_id, visible = message["view_id"], message["visible"]
        if not isinstance(view_id, str) or not isinstance(visible, bool):
            raise TypeError("view_id must be a string and visible a boolean")
        self._live.view_shown(view_id, visible)

    def _on_list(self, message: ListRequest) -> None:
        query = Query.from_message(message.get("query")) if "query" in message else None
        offset: object = message.get("offset", 0)
        limit: object = message.get("limit", self.state.page_size)
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise ValueError("offset must be a whole number ≥ 0")
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 100:
            raise ValueError("limit must be between 1 and 100")
        if message.get("refresh"):
            self._cursor = None
        self.list_page(query, offset=offset, limit=limit, request_id=message.get("request_id"))

    def _on_action(self, message: ActionRequest) -> None:
        action = message["action"]
        job_id: object = message.get("job_id")
        request_id = message.get("request_id")
        if action in _OPENS and self._editor_asks(message):
            return
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
        elif action == "open_run":
            shown: object = message.get("run_id")
            if not isinstance(shown, int) or isinstance(shown, bool):
                raise TypeError("run_id must be a number")
            self.open_run(shown, job_id=job_id)
            self._done(request_id, action, job_id,
                       f"Run {shown} is open below, in the Runs tab of its job's editor.",
                       run_id=shown)
        elif action == "permissions":
            self._send({"kind": "permissions", "request_id": request_id, "job_id": job_id,
                        "access_control_list": self.permissions(job_id)})
        else:
            raise ValueError(f"unknown action {action!r}")

    # Each handler takes the request TypedDict of its kind.
    _HANDLERS: Mapping[str, Callable[[BrowserSession, Any], None]] = {
        "ready": _on_ready,
        "visibility": _on_visibility,
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
        request_id: int | None = None,
    ) -> PageMessage | ErrorMessage:
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

    def refresh(self) -> PageMessage | ErrorMessage:
        """Read the jobs again (the list may have changed in the workspace)."""
        with self._lock:
            self._cursor = None
            return self.send_page()

    def send_page(self, *, request_id: int | None = None) -> PageMessage | ErrorMessage:
        """Send the current page (or the error that stopped it); returns what was sent."""
        with self._lock:
            try:
                page = self.page(request_id=request_id)
            except WorkspaceError as error:
                return self._error(str(error), request_id)
            self._send(page)
            self._set_status("", "")
            self._live.kick(_any_active(self.rows))
            return page

    def page(self, *, request_id: int | None = None) -> PageMessage:
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
        local = self._workspace().runs.local
        self.rows = [job_row(job, runs.get(job.job_id), local=local)  # type: ignore[arg-type]
                     for job in jobs]
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
            "request_id": request_id,
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
            listing = (job for job in listing if state_matches(settings_api(job), state))
        self._cursor = _Cursor(query, listing)
        return self._cursor

    def _last_runs(self, job_ids: list[int]) -> dict[int, dict[str, Any] | None]:
        runs = self._workspace().runs

        def last(job_id: int) -> dict[str, Any] | None:
            try:
                return next(iter(runs.list_runs(job_id, limit=1)), None)
            except WorkspaceError:
                return None

        if len(job_ids) <= 1:
            return {job_id: last(job_id) for job_id in job_ids}
        with ThreadPoolExecutor(max_workers=min(_RUN_READERS, len(job_ids))) as pool:
            return dict(zip(job_ids, pool.map(last, job_ids), strict=True))

    # --- row actions ----------------------------------------------------------------------------

    def set_paused(self, job_id: int, paused: bool) -> JobRow:
        """Pause (or resume) every trigger of the job; its new row."""
        with self._lock:
            jobs = self._workspace().jobs
            job = jobs.get(job_id)
            settings = settings_api(job)
            status: PauseStatus = "PAUSED" if paused else "UNPAUSED"
            try:
                changed = set_pause_status(settings, status)
            except ValueError:
                raise WorkspaceError(
                    f"Job {job_id} has no schedule, trigger or continuous setting to "
                    f"{'pause' if paused else 'resume'}.", job_id=job_id
                ) from None
            job.settings = JobSettings.from_api(changed)
            saved = jobs.save(job, source=self)
            return self._update_row(saved)

    def run_now(self, job_id: int) -> tuple[int, JobRow]:
        """Start a run of the job; its run_id and the job's new row."""
        with self._lock:
            workspace = self._workspace()
            answer = workspace.runs.run_now(job_id, source=self)
            run_id = int(answer["run_id"])
            return run_id, self._update_row(workspace.jobs.get(job_id))

    def delete(self, job_id: int) -> str:
        """Delete the job (the view asked to confirm first); its name."""
        with self._lock:
            name = next((str(row["name"]) for row in self.rows if row["job_id"] == job_id),
                        str(job_id))
            self._workspace().jobs.delete(job_id, source=self)
            if self._cursor is not None:
                self._cursor.forget(job_id)
            self.rows = [row for row in self.rows if row["job_id"] != job_id]
            return name

    @property
    def editor(self) -> Any:
        """The editor shown below the list: it asks before another replaces it and loses
        edits."""
        return self._current_editor() if self._current_editor is not None else self._opened

    def open(self, job_id: int) -> Any:
        """Open the job in the editor (the widget shows it)."""
        self._opened = self._open_editor(job_id)
        return self._opened

    def create(self) -> Any:
        """Open an empty new job in the editor."""
        self._opened = self._open_editor(None)
        return self._opened

    def open_run(self, run_id: int, *, job_id: int | None = None) -> Any:
        """Open the run in its job's editor, on the Runs tab with the run's detail shown (the
        run view: a local workspace's run has no other page). ``job_id``, when given, is the
        job the run must belong to."""
        with self._lock:
            run = self._workspace().runs.get_run(run_id)
            owner = run.get("job_id")
            if not isinstance(owner, int) or isinstance(owner, bool):
                raise WorkspaceError(
                    f"Run {run_id} belongs to no job (a one-time submitted run): it has no "
                    "editor to open it in.", run_id=run_id
                )
            if job_id is not None and owner != job_id:
                raise WorkspaceError(f"Run {run_id} is not a run of job {job_id}.",
                                     job_id=job_id, run_id=run_id)
            editor = self._opened = self._open_editor(owner)
            if hasattr(editor, "show_run"):
                editor.show_run(run_id)
            return editor

    def permissions(self, job_id: int) -> list[Grant]:
        """The job's grants, one per principal: {principal, kind, levels, inherited}."""
        answer = self._workspace().permissions.get_permissions(job_id)
        grants: list[Grant] = []
        for entry in answer.get("access_control_list") or []:
            if not isinstance(entry, Mapping):
                continue
            grants.append(_grant(entry))
        return grants

    def _editor_asks(self, message: ActionRequest) -> bool:
        """Whether the editor open below holds unsaved edits that the action would replace: its
        view then asks the user (save / discard / keep editing), and the action runs once they
        saved or discarded."""
        editor = self.editor
        if editor is None or not getattr(editor, "unsaved", False):
            return False
        action, job_id = message["action"], message.get("job_id")
        if action == "create":
            what = "create a new job"
        elif action == "open_run":
            what = f"open run {message.get('run_id')}"
        else:
            what = f"open job {job_id}"
        editor.ask_before(what, lambda: self.handle(message))
        text = ("The job open below has unsaved changes: choose in the editor whether to save "
                f"or discard them to {what}.")  # fmt: skip
        self._set_status("info", text)
        self._send({"kind": "action_done", "request_id": message.get("request_id"),
                    "action": action, "job_id": job_id if isinstance(job_id, int) else None,
                    "text": text})  # fmt: skip
        return True

    # --- inside ---------------------------------------------------------------------------------

    def _update_row(self, job: Job) -> JobRow:
        """The job's row again (its settings and last run), in the rows and the cursor."""
        job_id = int(job.job_id)  # type: ignore[arg-type]
        if self._cursor is not None:
            self._cursor.replace(job)
        row = job_row(job, self._last_runs([job_id]).get(job_id),
                      local=self._workspace().runs.local)
        self.rows = [row if known["job_id"] == job_id else known for known in self.rows]
        self._live.kick(_any_active(self.rows))
        return row

    # --- live ---------------------------------------------------------------------------------

    def _on_event(self, event: JobEvent) -> None:
        """An event of `EVENTS`, on the thread that wrote: recorded for the worker, no reads."""
        if self._closed or event.source is self or (self._cursor is None and not self.rows):
            return
        try:
            host = self._workspace().host
        except Exception:
            return
        if event.host != host:
            return
        job_id = event.job_id
        if job_id is None:  # every queued run of the workspace was cancelled
            for row in self.rows:
                if _active(row):
                    self._live.changed(job_id=row["job_id"], runs=True)
            return
        shown = {row["job_id"]: row for row in self.rows}
        cursor = self._cursor
        known = job_id in shown or (cursor is not None and
                                    any(job.job_id == job_id for job in cursor.jobs))
        name = _event_name(event, shown.get(job_id))
        if event.kind == "created":
            self._live.changed(page=True, note=f"Created job {job_id}{name}.")
        elif event.kind == "deleted":
            if known:
                self._live.changed(page=True, note=f"Job {job_id}{name} was deleted.")
        elif event.kind == "saved":
            note = f"Saved job {job_id}{name}."
            if self.query != Query():  # a changed name, tag or trigger may (no longer) match
                self._live.changed(page=True, note=note)
            elif job_id in shown:
                self._live.changed(job_id=job_id, note=note)
            elif known:
                self._live.changed(page=True)
        elif job_id in shown:  # run_started, run_changed
            self._live.changed(job_id=job_id, runs=True)

    def _sync(self, pending: Pending) -> bool:
        """The worker's reads (`live.Live`): the page, the rows of changed jobs and the last
        runs of active rows, sent to the view; whether a row still has an active run."""
        with self._lock:
            if self._closed:
                return False
            if pending.page:
                self._cursor = None
                try:
                    message = self.page()
                except WorkspaceError:
                    return _any_active(self.rows)
                self._send(message)
            else:
                self._sync_rows(pending)
            if pending.notes:
                self._set_status("success", pending.notes[-1])
            return _any_active(self.rows)

    def _sync_rows(self, pending: Pending) -> None:
        jobs = self._workspace().jobs
        by_id = {row["job_id"]: row for row in self.rows}
        read: dict[int, Job] = {}
        for job_id in pending.jobs & by_id.keys():
            try:
                read[job_id] = jobs.get(job_id)
            except WorkspaceError:
                continue
        if self._cursor is not None:
            for job in read.values():
                self._cursor.replace(job)
        active = {job_id for job_id, row in by_id.items() if _active(row)}
        wanted = sorted(set(read) | (active if pending.poll else set()))
        if not wanted:
            return
        runs = self._last_runs(wanted)
        local = self._workspace().runs.local
        cursor_jobs = {job.job_id: job for job in self._cursor.jobs} if self._cursor else {}
        changed: list[JobRow] = []
        for job_id in wanted:
            found = read.get(job_id) or cursor_jobs.get(job_id)
            if found is None:
                continue
            row = job_row(found, runs.get(job_id), local=local)
            if row != by_id[job_id]:
                changed.append(row)
                by_id[job_id] = row
        if changed:
            self.rows = [by_id.get(row["job_id"], row) for row in self.rows]
            message: RowsMessage = {"kind": "rows", "rows": changed}
            self._send(message)

    def _user_name(self) -> str | None:
        try:
            name = self._workspace().user_name
        except Exception:
            return None
        return name if isinstance(name, str) else None

    def _done(self, request_id: int | None, action: Action, job_id: int | None, text: str, *,
              row: JobRow | None = None, run_id: int | None = None) -> None:
        self._set_status("success", text)
        message: ActionDoneMessage = {"kind": "action_done", "request_id": request_id,
                                      "action": action, "job_id": job_id, "text": text}
        if row is not None:
            message["row"] = row
        if run_id is not None:
            message["run_id"] = run_id
        self._send(message)

    def _error(self, text: str, request_id: Any, *, job_id: Any = None) -> ErrorMessage:
        """Tell the view (and the status) why a request failed; returns the message sent."""
        self._set_status("error", text)
        message: ErrorMessage = {"kind": "error", "request_id": request_id, "text": text,
                                 "job_id": job_id if isinstance(job_id, int) else None}
        self._send(message)
        return message

    def _set_status(self, level: StatusLevel, text: str) -> None:
        # Counted, so that the same words said again are a new status the view announces again.
        serial = self.state.status.get("serial", 0) + 1
        self.state.status = {"level": level, "text": text, "serial": serial}
        self._on_state(self.state)


def _active(row: JobRow) -> bool:
    run = row["last_run"]
    return run is not None and run["state"] in _ACTIVE_BADGES


def _any_active(rows: list[JobRow]) -> bool:
    return any(_active(row) for row in rows)


def _event_name(event: JobEvent, row: JobRow | None) -> str:
    """`` ("name")`` of the event's job, when known, for a status line."""
    name = event.settings.get("name") if event.settings else None
    if not isinstance(name, str) and row is not None:
        name = row["name"]
    return f' ("{name}")' if isinstance(name, str) and name else ""


def _subscribe(session: BrowserSession) -> Callable[[], None]:
    """Subscribe the session to `EVENTS` without keeping it alive: a session nobody holds any
    more unsubscribes at the next event. Returns the unsubscribe."""
    ref = weakref.ref(session)
    unsubscribe: list[Callable[[], None]] = []

    def handle(event: JobEvent) -> None:
        target = ref()
        if target is None:
            for stop in unsubscribe:
                stop()
            return
        target._on_event(event)

    unsubscribe.append(EVENTS.subscribe(handle))
    return unsubscribe[0]


def _grant(entry: Mapping[str, Any]) -> Grant:
    """One entry of the job's access_control_list as the permissions dialog lists it."""
    kind: GrantKind
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
    return {"principal": principal, "kind": kind,
            "levels": [str(level) for level in levels if level], "inherited": inherited}

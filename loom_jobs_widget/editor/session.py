"""What the JobEditor does, without the browser: it holds the job, answers the view's messages
and keeps the view's compact graph up to date with small patches.

The messages are typed in ``js/src/editor/protocol.ts``. The session never raises out of
`handle`: a refused edit, a bad message or a failed save becomes a message the view shows and
a `status`. Python's models are the truth: the view holds a graph of keys, types, problem counts
and positions, and the full JSON of the one task whose panel is open.

Every edit is one call into `editing` (which returns new settings sharing the unchanged tasks,
so the undo history keeps whole snapshots cheaply), a validation, and a patch of the nodes that
changed. The layout is cached by structure, so an edit that moves no task or edge is not laid
out again.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from loom_jobs_widget.client.workspace import ConflictError, OnConflict, WorkspaceError
from loom_jobs_widget.core import editing
from loom_jobs_widget.core.diff import Change, diff
from loom_jobs_widget.core.documents import settings_text
from loom_jobs_widget.core.editing import EditError, History
from loom_jobs_widget.core.models import Job, JobSettings
from loom_jobs_widget.core.permissions import AclError
from loom_jobs_widget.core.references import available_references
from loom_jobs_widget.core.validation import Problem, TaskChecker, field_path, validate
from loom_jobs_widget.editor.job_tabs import PermissionsState, deployment_warning, job_message
from loom_jobs_widget.editor.pickers import WORKSPACE_PICKERS, choices
from loom_jobs_widget.editor.runs import RUN_MESSAGES, EditorRuns
from loom_jobs_widget.graph.elements import (
    EDITOR_ICON_ROOM,
    Elements,
    diff_elements,
    job_elements,
    task_node,
)
from loom_jobs_widget.schedule.forms import SimpleSchedule, java_time_zones, preview
from loom_jobs_widget.schedule.quartz import CronError, from_unix, resolve_zone
from loom_jobs_widget.schedule.triggers import EDITABLE_KINDS, set_pause_status, set_trigger_kind

if TYPE_CHECKING:
    from loom_jobs_widget.client.workspace import Workspace

__all__ = ["MAX_MESSAGE_BYTES", "EditorSession", "problem_path"]

Message = dict[str, Any]

MAX_MESSAGE_BYTES = 4_000_000
"""Below the 5 MB a Databricks notebook lets one widget message carry."""
_GRAPH_CHUNK = 4000
"""Nodes (and edges) per `graph` message: about 1 MB of JSON."""


@dataclass
class EditorState:
    """What the widget mirrors into its traits."""

    title: str = ""
    job_id: int | None = None
    selected: list[str] = field(default_factory=list)
    dirty: bool = False
    can_undo: bool = False
    can_redo: bool = False
    undo_label: str = ""
    redo_label: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=lambda: {"level": "", "text": ""})


P = ParamSpec("P")
R = TypeVar("R")


def _locked(
    method: Callable[Concatenate[EditorSession, P], R],
) -> Callable[Concatenate[EditorSession, P], R]:
    """Runs the method holding the session's lock: a run being followed updates the canvas
    from its own thread while the kernel's thread handles the view's messages."""

    def locked(self: EditorSession, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            return method(self, *args, **kwargs)

    locked.__name__, locked.__doc__ = method.__name__, method.__doc__
    return locked


class EditorSession:
    """One job being edited.

    ``send`` delivers a message to the view(s); ``on_state`` receives the trait values after
    every change; ``workspace`` returns the connected workspace (connecting on first use).
    """

    def __init__(
        self,
        settings: JobSettings,
        *,
        job: Job | None,
        send: Callable[[Message], None],
        on_state: Callable[[EditorState], None],
        workspace: Callable[[], Workspace],
    ) -> None:
        self._lock = threading.RLock()
        self._send = send
        self._on_state = on_state
        self._workspace = workspace
        self.job = job if job is not None else Job(settings=settings)
        self.history = History(settings)
        self._saved = settings  # what the workspace has: the review diffs against it
        self.state = EditorState(job_id=_job_id(self.job))
        self.states: dict[str, str] = {}
        """The state of each task in the run shown on the canvas (issue 8)."""
        self.rev = 0
        self.problems: list[Problem] = validate(settings)
        self._elements: Elements = job_elements(
            settings, problems=self.problems, icon_room=EDITOR_ICON_ROOM
        )
        self._node_index = _index_nodes(self._elements)
        self._checker: TaskChecker | None = None
        self._open_task_json: dict[str, Any] | None = None
        self.permissions = PermissionsState()
        self.runs = EditorRuns(
            jobs=lambda: self._workspace().jobs,
            job_id=lambda: self.state.job_id,
            settings=lambda: self.settings,
            send=self._send,
            show_states=self.set_run_states,
            status=self._report,
        )
        self._watch_job = False  # the view showed a job tab: keep it up to date
        self._job_json: dict[str, Any] | None = None
        warning = deployment_warning(settings.to_api())
        if warning is not None:  # said before any edit
            self._set_status("info", warning)
        self._publish()

    # --- reading ----------------------------------------------------------------------------

    @property
    def settings(self) -> JobSettings:
        return self.history.current

    @property
    def open_task(self) -> str | None:
        """The task whose panel is open: the one selected task, if it exists."""
        selected = self.state.selected
        if len(selected) == 1 and self.settings.task(selected[0]) is not None:
            return selected[0]
        return None

    # --- the view's messages ----------------------------------------------------------------

    @_locked
    def handle(self, message: Mapping[str, Any]) -> None:
        """Answer one message of the view. Never raises."""
        kind = message.get("kind")
        handler = self._HANDLERS.get(kind) if isinstance(kind, str) else None
        if kind in RUN_MESSAGES:
            handler = EditorSession._on_run_message
        if handler is None:
            self._set_status("error", f"The editor got a message it does not know: {kind!r}.")
            self._publish()
            return
        try:
            handler(self, message)
        except EditError as error:
            self._refuse(error, message.get("request_id"))
        except (KeyError, TypeError, ValueError) as error:
            self._refuse(
                EditError(f"The editor could not read a {kind} message: {error}."),
                message.get("request_id"),
            )

    def _on_ready(self, _: Mapping[str, Any]) -> None:
        self.send_graph()
        self._send_open_task()

    def _on_select(self, message: Mapping[str, Any]) -> None:
        keys = message["task_keys"]
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            raise TypeError("task_keys must be a list of task keys")
        self.select(keys)

    def _on_edit(self, message: Mapping[str, Any]) -> None:
        self.apply(message["op"], _arguments(message), request_id=message.get("request_id"))

    def _on_undo(self, _: Mapping[str, Any]) -> None:
        self.undo()

    def _on_redo(self, _: Mapping[str, Any]) -> None:
        self.redo()

    def _on_review(self, _: Mapping[str, Any]) -> None:
        self._send(self.review())

    def _on_save(self, _: Mapping[str, Any]) -> None:
        with contextlib.suppress(WorkspaceError):  # `save` told the view and set the status
            self.save()

    def _on_view_as(self, message: Mapping[str, Any]) -> None:
        text_format = message["format"]
        if text_format not in ("json", "yaml"):
            raise ValueError(f"unknown format {text_format!r}")
        self._send(
            {
                "kind": "document",
                "format": text_format,
                "text": settings_text(self.settings, text_format),
            }
        )

    def _on_pick(self, message: Mapping[str, Any]) -> None:
        what = message["what"]
        request_id = message["request_id"]
        reply: Message = {"kind": "choices", "request_id": request_id, "what": what, "items": []}
        try:
            reply["items"] = self.choices(
                what, path=message.get("path"), query=message.get("query")
            )
        except (WorkspaceError, ValueError) as error:
            reply["error"] = str(error)
        self._send(reply)

    def _on_references(self, message: Mapping[str, Any]) -> None:
        task_key = message["task_key"]
        try:
            offered = available_references(self.settings, task_key)
        except ValueError:
            offered = []  # the task was removed while the panel asked
        items = [{"reference": reference, "description": description}
                 for reference, description in offered]  # fmt: skip
        self._send(
            {
                "kind": "references",
                "request_id": message["request_id"],
                "task_key": task_key,
                "items": items,
            }
        )

    def _on_run_message(self, message: Mapping[str, Any]) -> None:
        self.runs.handle(message)

    # --- job-level tabs (issue 6) -------------------------------------------------------------

    def _on_job(self, _: Mapping[str, Any]) -> None:
        self._watch_job = True
        self._job_json = None  # a view (maybe a new one) asks: it gets the job, changed or not
        self._send_job()

    def _on_schedule_preview(self, message: Mapping[str, Any]) -> None:
        count = message.get("count", 10)
        reply: Message = {"kind": "schedule_preview", "request_id": message["request_id"]}
        start = _text_or_none(message.get("start"))
        reply["preview"] = preview(
            str(message["quartz_cron_expression"]),
            str(message["timezone_id"]),
            count=count if isinstance(count, int) and 1 <= count <= 100 else 10,
            viewer_timezone=_text_or_none(message.get("viewer_timezone")),
            start=_instant(start, str(message["timezone_id"])) if start is not None else None,
        )
        self._send(reply)

    def _on_simple_schedule(self, message: Mapping[str, Any]) -> None:
        reply: Message = {"kind": "simple_schedule", "request_id": message["request_id"]}
        try:
            reply["expression"] = SimpleSchedule.from_json(message["simple"]).to_quartz()
        except (ValueError, TypeError, KeyError) as error:
            reply["error"] = str(error)
        self._send(reply)

    def _on_from_unix(self, message: Mapping[str, Any]) -> None:
        reply: Message = {"kind": "from_unix", "request_id": message["request_id"]}
        try:
            reply["expression"] = from_unix(str(message["expression"]))
        except CronError as error:
            reply["error"] = str(error)
        self._send(reply)

    def _on_time_zones(self, message: Mapping[str, Any]) -> None:
        self._send(
            {"kind": "time_zones", "request_id": message["request_id"], "zones": java_time_zones()}
        )

    def _on_permissions(self, _: Mapping[str, Any]) -> None:
        workspace = self._workspace_or_none()
        self.permissions.load(
            workspace.jobs if workspace is not None else None,
            self.state.job_id,
            workspace.user_name if workspace is not None else None,
        )
        self._send(self.permissions.message(self._user_name()))

    def _on_set_grants(self, message: Mapping[str, Any]) -> None:
        grants = message["grants"]
        if not isinstance(grants, list) or not all(isinstance(g, dict) for g in grants):
            raise TypeError("grants must be a list of grant objects")
        self.permissions.set(grants)
        self._send(self.permissions.message(self._user_name()))
        self._publish()

    _HANDLERS: Mapping[str, Callable[[EditorSession, Mapping[str, Any]], None]] = {
        "ready": _on_ready,
        "select": _on_select,
        "edit": _on_edit,
        "undo": _on_undo,
        "redo": _on_redo,
        "review": _on_review,
        "save": _on_save,
        "view_as": _on_view_as,
        "pick": _on_pick,
        "references": _on_references,
        "job": _on_job,
        "schedule_preview": _on_schedule_preview,
        "simple_schedule": _on_simple_schedule,
        "from_unix": _on_from_unix,
        "time_zones": _on_time_zones,
        "permissions": _on_permissions,
        "set_grants": _on_set_grants,
    }

    # --- actions (the widget's Python methods call these too) -------------------------------

    @_locked
    def select(self, task_keys: Sequence[str]) -> None:
        keys = list(dict.fromkeys(task_keys))
        if keys == self.state.selected:
            return
        self.state.selected = keys
        self._send_open_task()
        self._publish()

    @_locked
    def apply(self, op: str, arguments: Mapping[str, Any], *, request_id: Any = None) -> None:
        """Apply one edit (`EditOp` in protocol.ts); raises `EditError` when it is refused."""
        settings = self.settings
        selected: list[str] | None = None
        typed_task: str | None = None
        typed_job = False
        inside: str | None = None
        if op == "set_field":
            key = arguments["task_key"]
            path = _path(arguments["path"])
            value = editing.DELETE if arguments.get("delete") else arguments.get("value")
            new = editing.set_task_field(settings, key, path, value)
            label = f"edit {key}.{'.'.join(map(str, path))}"
            typed_task = key
            inside = key if _inside_task(settings, key, path) else None
        elif op == "set_job_field":
            path = _path(arguments["path"])
            value = editing.DELETE if arguments.get("delete") else arguments.get("value")
            new = editing.set_job_field(settings, path, value)
            label = f"edit {'.'.join(map(str, path))}"
            typed_job = True
        elif op == "add_task":
            after = list(arguments.get("after") or [])
            new, key = editing.add_task(
                settings, after=after, task_type=arguments.get("task_type") or "notebook_task"
            )
            label = f"add task {key}"
            selected = [key]
        elif op == "remove_tasks":
            keys = list(arguments["task_keys"])
            new = editing.remove_tasks(settings, keys)
            label = f"delete {', '.join(keys)}"
            selected = [key for key in self.state.selected if key not in keys]
        elif op == "clone_task":
            new, key = editing.clone_task(settings, arguments["task_key"])
            label = f"clone {arguments['task_key']}"
            selected = [key]
        elif op == "rename_task":
            old, new_key = arguments["task_key"], arguments["new_key"]
            new = editing.rename_task(settings, old, new_key)
            label = f"rename {old} → {new_key}"
            selected = [new_key if key == old else key for key in self.state.selected]
        elif op == "set_task_type":
            new = editing.set_task_type(settings, arguments["task_key"], arguments["task_type"])
            label = f"make {arguments['task_key']} a {arguments['task_type']}"
        elif op == "replace_task":
            task = arguments["task"]
            if not isinstance(task, dict):
                raise EditError(
                    f"Task '{arguments['task_key']}' must be a JSON object.",
                    task_key=arguments["task_key"],
                )
            new = editing.replace_task(settings, arguments["task_key"], task)
            label = f"edit {arguments['task_key']} as JSON"
        elif op == "add_dependency":
            upstream, downstream = arguments["upstream"], arguments["downstream"]
            new = editing.add_dependency(settings, upstream, downstream, arguments.get("outcome"))
            label = f"make {downstream} depend on {upstream}"
        elif op == "remove_dependency":
            upstream, downstream = arguments["upstream"], arguments["downstream"]
            new = editing.remove_dependency(
                settings, upstream, downstream, arguments.get("outcome")
            )
            label = f"remove dependency {upstream} → {downstream}"
        elif op == "set_trigger_kind":
            kind = arguments["trigger_kind"]
            if kind not in EDITABLE_KINDS:
                raise EditError(
                    f"There is no trigger kind {kind!r}; the kinds are "
                    f"{', '.join(EDITABLE_KINDS)}.",
                    field="trigger",
                )
            zone = _text_or_none(arguments.get("timezone_id")) or "UTC"
            document = set_trigger_kind(settings.to_api(), kind, timezone_id=zone)
            new = editing.set_job_fields(settings, document)
            label = f"make the trigger {kind.replace('_', ' ')}"
        elif op == "set_pause_status":
            status = arguments["status"]
            if status not in ("PAUSED", "UNPAUSED"):
                raise EditError(f"pause_status is PAUSED or UNPAUSED, not {status!r}.")
            new = editing.set_job_fields(settings, set_pause_status(settings.to_api(), status))
            label = "pause the job" if status == "PAUSED" else "resume the job"
        elif op == "swap_job_cluster":
            old, new_key = arguments["from"], arguments["to"]
            new = editing.swap_job_cluster(settings, old, new_key)
            label = f"move the tasks of job cluster {old} to {new_key}"
        else:
            raise EditError(f"The editor has no edit {op!r}.")
        if new is settings:
            return
        self.history.push(new, label)
        if selected is not None:
            self.state.selected = selected
        self._set_status("", "")
        self._refresh(typed_task=typed_task, inside=inside, typed_job=typed_job)

    @_locked
    def replace(self, settings: JobSettings, label: str = "replace the settings") -> None:
        """New settings from Python (undoable)."""
        self.history.push(settings, label)
        self._refresh()

    @_locked
    def undo(self) -> None:
        if self.history.undo() is not None:
            self._refresh()

    @_locked
    def redo(self) -> None:
        if self.history.redo() is not None:
            self._refresh()

    def review(self) -> Message:
        """The changes a save would write, and the errors that stop it."""
        changes = self.changes()
        grant_changes = self.permissions.changes()
        errors = [p for p in self.problems if p.severity == "error"]
        errors += [p for p in self.permissions.problems(None) if p.severity == "error"]
        summary = _review_summary(changes, new_job=self.state.job_id is None)
        if grant_changes:
            summary += f" Permissions: {len(grant_changes)} change(s), saved after the job."
        return {
            "kind": "review",
            "changes": [
                {
                    "kind": change.kind,
                    "path": change.path,
                    "text": change.describe(),
                    **_small("before", change.before),
                    **_small("after", change.after),
                }
                for change in changes
            ]
            + grant_changes,
            "summary": summary,
            "errors": [_problem_dict(p) for p in errors],
        }

    def changes(self) -> list[Change]:
        """The edits since the job was loaded (or everything, for a new job)."""
        if self.state.job_id is None:
            return diff({}, self.settings)
        return diff(self._saved, self.settings)

    @_locked
    def save(self, *, on_conflict: OnConflict = "raise") -> Job:
        """Create or update the job; the edits stay (and the error is shown) when it fails."""
        self.job.settings = self.settings
        try:
            saved = self._workspace().jobs.save(self.job, on_conflict=on_conflict)
        except WorkspaceError as error:
            self._set_status("error", str(error))
            self._send(
                {
                    "kind": "save_failed",
                    "message": str(error),
                    "conflict": isinstance(error, ConflictError),
                }
            )
            self._publish()
            raise
        self.state.job_id = _job_id(self.job)
        written = self.job.settings
        if isinstance(written, JobSettings) and written.to_api() != self.settings.to_api():
            # A merge brought remote changes in: they are part of the saved state.
            self.history.push(written, "merge remote changes")
        self.history.mark_saved()
        self._saved = self.settings
        self.job.settings = self.settings
        message = f"Saved job {self.state.job_id}."
        if self.permissions.dirty and self.state.job_id is not None:
            try:
                self.permissions.save(self._workspace().jobs, self.state.job_id)
            except (WorkspaceError, AclError) as error:
                text = f"Saved job {self.state.job_id}, but not its permissions: {error}"
                self._set_status("error", text)
                self._send({"kind": "save_failed", "message": text, "conflict": False})
                self._refresh()
                raise
            self._send(self.permissions.message(self._user_name()))
        self._set_status("success", message)
        self._send({"kind": "saved", "job_id": self.state.job_id, "message": message})
        self._refresh()
        return saved

    def choices(
        self, what: str, *, path: str | None = None, query: str | None = None
    ) -> list[dict[str, Any]]:
        if what in WORKSPACE_PICKERS:
            return choices(self._workspace(), what, path=path, query=query)
        settings = self.settings
        if what == "task":
            keys = [str(t.task_key) for t in settings.task_list if isinstance(t.task_key, str)]
            return [{"value": key, "label": key} for key in keys]
        list_field, key_field = {
            "job_cluster": ("job_clusters", "job_cluster_key"),
            "environment": ("environments", "environment_key"),
        }.get(what, (None, None))
        if list_field is None or key_field is None:
            raise ValueError(f"There is no picker of {what!r}.")
        entries = settings.to_api().get(list_field)
        found = []
        for entry in entries if isinstance(entries, list) else []:
            key = entry.get(key_field) if isinstance(entry, dict) else None
            if isinstance(key, str):
                found.append({"value": key, "label": key, "detail": _entry_detail(entry)})
        return found

    @_locked
    def set_run_states(self, states: Mapping[str, str] | None) -> None:
        """Colour the nodes by the state of their task in a run (issue 8); None clears it. Only
        the nodes whose state changed are sent."""
        self.states = dict(states or {})
        nodes = self._elements["nodes"]
        changed = []
        for index, node in enumerate(nodes):
            data = node["data"]
            state = self.states.get(data["id"])
            if data.get("state") != state:
                data = {k: v for k, v in data.items() if k != "state"}
                if state is not None:
                    data["state"] = state
                nodes[index] = {**node, "data": data}
                changed.append(nodes[index])
        if changed:
            self._patch({"nodes": changed})

    def send_graph(self) -> None:
        """The whole graph, in chunks that stay far below the message limit."""
        nodes = self._elements["nodes"]
        edges = self._elements["edges"]
        parts = max(1, -(-max(len(nodes), len(edges)) // _GRAPH_CHUNK))
        for part in range(parts):
            window = slice(part * _GRAPH_CHUNK, (part + 1) * _GRAPH_CHUNK)
            self._send(
                {
                    "kind": "graph" if part == 0 else "graph_more",
                    "rev": self.rev,
                    "nodes": nodes[window],
                    "edges": edges[window],
                    "more": part < parts - 1,
                }
            )

    # --- inside -------------------------------------------------------------------------------

    def _refresh(
        self, *, typed_task: str | None = None, inside: str | None = None, typed_job: bool = False
    ) -> None:
        """Validate, patch the view's graph, update the open panel and the traits. ``inside``
        names the one task an edit changed without touching any task_key, depends_on or task
        type: only that task is checked and redrawn, so a keystroke costs the same in a job of
        any size."""
        if inside is None or not self._refresh_task(inside):
            self._checker = None
            settings = self.settings
            self.problems = validate(settings)
            old_positions = {
                node["data"]["id"]: (node["position"]["x"], node["position"]["y"])
                for node in self._elements["nodes"]
            }
            elements = job_elements(
                settings,
                problems=self.problems,
                states=self.states,
                previous=old_positions,
                icon_room=EDITOR_ICON_ROOM,
            )
            self._patch(diff_elements(self._elements, elements))
            self._elements = elements
            self._node_index = _index_nodes(elements)
        self._send_open_task(typed_task=typed_task)
        if self._watch_job and inside is None:
            if typed_job:
                # The tab shows what was typed; remember it as sent, so that an undo back to
                # the value before is sent.
                self._job_json = job_message(self.settings)
            else:
                self._send_job()
        self._publish()

    def _refresh_task(self, key: str) -> bool:
        """The quick refresh after an edit inside task ``key``; False when it cannot be used."""
        index = self._node_index.get(key)
        task = self.settings.task(key)
        if index is None or task is None:
            return False
        if self._checker is None:
            self._checker = TaskChecker(self.settings)
        if not self._checker.can_check(key):
            return False
        problems = self._checker.check(task)
        self.problems = [p for p in self.problems if p.task_key != key] + problems
        errors = sum(1 for p in problems if p.severity == "error")
        nodes = self._elements["nodes"]
        before = nodes[index]
        node = task_node(
            task,
            key,
            task_type=before["data"]["task_type"],
            width=before["data"]["width"],
            position=(before["position"]["x"], before["position"]["y"]),
            counts=(errors, len(problems) - errors),
            state=self.states.get(key),
        )
        patch: dict[str, Any] = {}
        if node["data"] != before["data"]:
            nodes[index] = node
            patch["nodes"] = [node]
        run_if = task.run_if if isinstance(task.run_if, str) and task.run_if else "ALL_SUCCESS"
        changed_edges = []
        for position, edge in enumerate(self._elements["edges"]):
            data = edge["data"]
            if data["target"] == key and data["run_if"] != run_if:
                changed = {"data": {**data, "run_if": run_if}}
                self._elements["edges"][position] = changed
                changed_edges.append(changed)
        if changed_edges:
            patch["remove_edges"] = [edge["data"]["id"] for edge in changed_edges]
            patch["edges"] = changed_edges
        self._patch(patch)
        return True

    def _patch(self, patch: dict[str, Any]) -> None:
        if patch:
            base = self.rev
            self.rev += 1
            self._send({"kind": "patch", "rev": self.rev, "base": base, **patch})

    def _send_open_task(self, *, typed_task: str | None = None) -> None:
        key = self.open_task
        if key is None:
            self._open_task_json = None
            self._send({"kind": "problems", "task_key": None, "problems": [],
                        "job": self._job_problems()})  # fmt: skip
            return
        task = self.settings.task(key)
        assert task is not None
        task_json = task.to_api()
        # The panel the user types in already shows what they typed: only send the task when
        # it changed some other way (undo, a rename, Python), so the input is not overwritten.
        if typed_task != key and task_json != self._open_task_json:
            keys = [str(t.task_key) for t in self.settings.task_list if isinstance(t.task_key, str)]
            self._send({"kind": "task", "task_key": key, "task": task_json, "task_keys": keys})
        self._open_task_json = task_json
        problems = [_problem_dict(p, key) for p in self.problems if p.task_key == key]
        self._send(
            {"kind": "problems", "task_key": key, "problems": problems,
             "job": self._job_problems()}
        )  # fmt: skip

    def _job_problems(self) -> list[dict[str, Any]]:
        found = []
        for problem in self.problems:
            if problem.task_key is None:
                entry = _problem_dict(problem)
                entry["path"] = field_path(problem.field)
                found.append(entry)
        return found

    def _send_job(self) -> None:
        message = job_message(self.settings)
        if message != self._job_json:
            self._job_json = message
            self._send(message)

    def _workspace_or_none(self) -> Workspace | None:
        try:
            return self._workspace()
        except WorkspaceError:
            return None

    def _user_name(self) -> str | None:
        workspace = self._workspace_or_none()
        return workspace.user_name if workspace is not None else None

    def _refuse(self, error: EditError, request_id: Any) -> None:
        reply: Message = {
            "kind": "edit_error",
            "message": error.message,
            "task_key": error.task_key,
            "field": error.field,
        }
        if request_id is not None:
            reply["request_id"] = request_id
        self._send(reply)
        self._set_status("error", error.message)
        self._publish()

    @_locked
    def _report(self, level: str, text: str) -> None:
        self._set_status(level, text)
        self._publish()

    def _set_status(self, level: str, text: str) -> None:
        self.state.status = {"level": level, "text": text}

    def _publish(self) -> None:
        settings = self.settings
        state = self.state
        state.title = settings.name if isinstance(settings.name, str) else ""
        state.dirty = self.history.dirty or state.job_id is None or self.permissions.dirty
        state.can_undo = self.history.can_undo
        state.can_redo = self.history.can_redo
        state.undo_label = self.history.undo_label
        state.redo_label = self.history.redo_label
        errors = sum(1 for p in self.problems if p.severity == "error")
        state.counts = {
            "errors": errors,
            "warnings": len(self.problems) - errors,
            "tasks": len(settings.task_list),
        }
        keys = {str(t.task_key) for t in settings.task_list}
        state.selected = [key for key in state.selected if key in keys]
        self._on_state(state)


def _review_summary(changes: Sequence[Change], *, new_job: bool) -> str:
    """One sentence over the list of changes: what a save does, and to which tasks."""
    if new_job:
        return "Save creates this job in the workspace."
    if not changes:
        return "No changes to save."
    tasks: list[str] = []
    job_fields: list[str] = []
    for change in changes:
        match = re.match(r"tasks\[([^\]]+)\]", change.path)
        if match:
            tasks.append(match.group(1))
        else:
            job_fields.append(change.top_level)
    parts = []
    if tasks:
        keys = list(dict.fromkeys(tasks))
        shown = ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
        parts.append(f"task{'s' if len(keys) > 1 else ''} {shown}")
    if job_fields:
        parts.append(", ".join(dict.fromkeys(job_fields)))
    count = len(changes)
    return f"{count} change{'s' if count > 1 else ''} to {' and '.join(parts)}."


def _instant(text: str, timezone_id: str) -> datetime:
    """An instant from the view: ISO 8601 with an offset (or Z), or a wall time in the job's
    zone (a datetime-local input's value)."""
    instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if instant.tzinfo is None:
        try:
            zone = resolve_zone(timezone_id)
        except CronError:
            zone = timezone.utc
        instant = instant.replace(tzinfo=zone)
    return instant


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _index_nodes(elements: Elements) -> dict[str, int]:
    return {node["data"]["id"]: index for index, node in enumerate(elements["nodes"])}


def _inside_task(settings: JobSettings, task_key: str, path: Sequence[str | int]) -> bool:
    """Whether an edit at ``path`` leaves the task's key, dependencies and type as they are."""
    head = path[0] if path else None
    if not isinstance(head, str) or head in ("task_key", "depends_on"):
        return False
    if head.endswith("_task"):
        task = settings.task(task_key)
        return len(path) > 1 and task is not None and task.task_types == [head]
    return True


def _job_id(job: Job) -> int | None:
    job_id = job.job_id
    return job_id if isinstance(job_id, int) and not isinstance(job_id, bool) else None


def _arguments(message: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in message.items() if key not in ("kind", "request_id")}


def _path(value: Any) -> list[str | int]:
    if not isinstance(value, list) or not all(
        isinstance(part, str) or (isinstance(part, int) and not isinstance(part, bool))
        for part in value
    ):
        raise TypeError(f"a path must be a list of names and indexes, not {value!r}")
    return list(value)


def _entry_detail(entry: Mapping[str, Any]) -> str:
    cluster = entry.get("new_cluster")
    if isinstance(cluster, dict):
        return " · ".join(
            str(cluster[name]) for name in ("spark_version", "node_type_id") if name in cluster
        )
    spec = entry.get("spec")
    if isinstance(spec, dict) and "environment_version" in spec:
        return f"environment {spec['environment_version']}"
    return ""


def _small(name: str, value: Any, limit: int = 2000) -> dict[str, Any]:
    """A before/after value for the review, unless it is absent or too big to show."""
    if type(value).__name__ == "_Absent":
        return {}
    text = json.dumps(value, default=str)
    return {name: value} if len(text) <= limit else {name: text[:limit] + "…"}


def problem_path(problem: Problem, task_key: str) -> list[str | int] | None:
    """Where a problem is inside its task, as a JSON path (``["depends_on", 0, "task_key"]``),
    for the panel to show it at its field; None when it is not inside one."""
    prefix = f"tasks[{task_key}]"
    if problem.field is None or not problem.field.startswith(prefix):
        return None
    return field_path(problem.field[len(prefix) :]) or []


def _problem_dict(problem: Problem, task_key: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = problem.to_dict()
    if task_key is not None:
        found["path"] = problem_path(problem, task_key)
    return found

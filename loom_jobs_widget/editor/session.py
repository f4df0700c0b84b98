"""What the JobEditor does, without the browser: it holds the job and answers the view's messages.

The messages are typed in `editor.protocol`. The session never raises out of `handle`: a refused
edit, a bad message or a failed save becomes a message the view shows and a `status`. Python's
models are the truth: the view holds a graph of keys, types, problem counts and positions
(`graph_sync`), and the full JSON of the one task whose panel is open.

Every edit (`edits`) is validated and patched into the view's graph; an edit inside one task
checks and redraws only that task, so a keystroke costs the same in a job of any size.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, cast

from loom_jobs_widget.client import ConflictError, WorkspaceError
from loom_jobs_widget.core.changes import Change, diff
from loom_jobs_widget.core.editing import EditError, History, set_job_fields
from loom_jobs_widget.core.models import Job, JobSettings
from loom_jobs_widget.core.permissions import AclError
from loom_jobs_widget.core.references import available_references
from loom_jobs_widget.core.validation import Problem, TaskChecker, validate
from loom_jobs_widget.editor import protocol
from loom_jobs_widget.editor import review as _review
from loom_jobs_widget.editor.documents import apply_document, document_message
from loom_jobs_widget.editor.edits import apply_edit
from loom_jobs_widget.editor.graph_sync import GraphSync
from loom_jobs_widget.editor.pickers import WORKSPACE_PICKERS, choices, job_choices
from loom_jobs_widget.editor.problems import problem_at_field, problem_in_task
from loom_jobs_widget.editor.review import conflict_text, merged_onto, review_message, saved_text
from loom_jobs_widget.editor.runs import RUN_MESSAGES, EditorRuns
from loom_jobs_widget.editor.tabs import (
    PermissionsState,
    deployment_warning,
    from_unix_message,
    job_message,
    schedule_preview_message,
    simple_schedule_message,
    time_zones_message,
)
from loom_jobs_widget.schedule import TRIGGER_FIELDS, trigger_kind

if TYPE_CHECKING:
    from loom_jobs_widget.client import OnConflict, Workspace

__all__ = ["EditorSession", "EditorState", "UnsavedChangesError"]


class UnsavedChangesError(RuntimeError):
    """The editor holds edits not saved: replacing or closing it would lose them."""


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
    counts: protocol.Counts = field(
        default_factory=lambda: protocol.Counts(errors=0, warnings=0, tasks=0)
    )
    status: protocol.Status = field(default_factory=lambda: protocol.Status(level="", text=""))
    notice: protocol.Notice = field(default_factory=lambda: protocol.Notice(kind="", text=""))


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _locked(
    method: Callable[Concatenate[EditorSession, _P], _R],
) -> Callable[Concatenate[EditorSession, _P], _R]:
    """Runs the method holding the session's lock: a run being followed updates the canvas
    from its own thread while the kernel's thread handles the view's messages."""

    def locked(self: EditorSession, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
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
        send: Callable[[protocol.FromPython], None],
        on_state: Callable[[EditorState], None],
        workspace: Callable[[], Workspace],
    ) -> None:
        self._lock = threading.RLock()
        self._send = send
        self._on_state = on_state
        self._workspace = workspace
        self.job = job if job is not None else Job(settings=settings)
        self.history = History(settings)
        # What the workspace has: the review diffs against it, up to the server's defaults.
        self._saved = settings
        self.state = EditorState(job_id=_job_id(self.job))
        self.problems: list[Problem] = validate(settings)
        self.graph = GraphSync(settings, self.problems, send)
        """The graph the view was sent: its elements, revision and run states."""
        self._checker: TaskChecker | None = None
        self._open_task_json: dict[str, Any] | None = None
        self.permissions = PermissionsState()
        self.runs = EditorRuns(
            runs=lambda: self._workspace().runs,
            job_id=lambda: self.state.job_id,
            settings=lambda: self.settings,
            send=self._send,
            show_states=self.set_run_states,
            status=self._report,
        )
        self._watch_job = False  # the view showed a job tab: keep it up to date
        # Each trigger kind's fields as the user left them, until a save: switching the kind
        # away and back brings them back instead of the defaults.
        self._triggers: dict[str, dict[str, Any]] = {}
        # What waits for the user's answer about unsaved edits: its words, and what to do next.
        self._pending: tuple[str, Callable[[], None]] | None = None
        self._job_json: protocol.JobMessage | None = None
        self._elsewhere: JobSettings | None = None  # saved elsewhere meanwhile (`_set_notice`)
        top = settings.model_dump(include={"deployment", "edit_mode"})  # to_api(): ~20 ms
        if (warning := deployment_warning(top)) is not None:  # said before any edit
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
        """Answer one message of the view (a `protocol.ToPython`, as JSON gave it). Never
        raises."""
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

    def _on_ready(self, _: protocol.ReadyRequest) -> None:
        self.send_graph()
        self._send_open_task(fresh=True)

    def _on_select(self, message: protocol.SelectRequest) -> None:
        keys: object = message["task_keys"]
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            raise TypeError("task_keys must be a list of task keys")
        self.select(keys)

    def _on_edit(self, message: protocol.EditRequest) -> None:
        self._apply(message)

    def _on_undo(self, _: protocol.UndoRequest) -> None:
        self.undo()

    def _on_redo(self, _: protocol.RedoRequest) -> None:
        self.redo()

    def _on_review(self, _: protocol.ReviewRequest) -> None:
        self._send(self.review())

    def _on_save(self, _: protocol.SaveRequest) -> None:
        with contextlib.suppress(WorkspaceError):  # `save` told the view and set the status
            # The review the user saved from showed their edits on that version: written so.
            if self._elsewhere is not None:
                self.merge_saved_elsewhere()
            self.save()

    def _on_view_as(self, message: protocol.ViewAsRequest) -> None:
        self._send(document_message(self.settings, message["format"], message.get("task_key")))

    def _on_apply_document(self, message: protocol.ApplyDocumentRequest) -> None:
        self._send(apply_document(self.settings, message, self.replace, lambda: self.problems))

    def _on_pick(self, message: protocol.PickRequest) -> None:
        what = message["what"]
        request_id = message["request_id"]
        reply: protocol.ChoicesMessage = {"kind": "choices", "request_id": request_id,
                                          "what": what, "items": []}  # fmt: skip
        try:
            reply["items"] = self.choices(what, path=message.get("path"),
                                          query=message.get("query"),
                                          page_token=message.get("page_token"))  # fmt: skip
        except (WorkspaceError, ValueError) as error:
            reply["error"] = str(error)
        self._send(reply)

    def _on_references(self, message: protocol.ReferencesRequest) -> None:
        task_key = message["task_key"]
        try:
            offered = available_references(self.settings, task_key)
        except ValueError:
            offered = []  # the task was removed while the panel asked
        items: list[protocol.ReferenceChoice] = [
            {"reference": reference, "description": description}
            for reference, description in offered
        ]
        self._send({"kind": "references", "request_id": message["request_id"],
                    "task_key": task_key, "items": items})  # fmt: skip

    def _on_run_message(self, message: Mapping[str, Any]) -> None:
        self.runs.handle(message)

    # --- job-level tabs -----------------------------------------------------------------------

    def _on_job(self, _: protocol.JobRequest) -> None:
        self._watch_job = True
        self._job_json = None  # a view (maybe a new one) asks: it gets the job, changed or not
        self._send_job()

    def _on_schedule_preview(self, message: protocol.SchedulePreviewRequest) -> None:
        self._send(schedule_preview_message(message))

    def _on_simple_schedule(self, message: protocol.SimpleScheduleRequest) -> None:
        self._send(simple_schedule_message(message))

    def _on_from_unix(self, message: protocol.FromUnixRequest) -> None:
        self._send(from_unix_message(message))

    def _on_time_zones(self, message: protocol.TimeZonesRequest) -> None:
        self._send(time_zones_message(message))

    def _on_permissions(self, _: protocol.PermissionsRequest) -> None:
        workspace = self._workspace_or_none()
        self.permissions.load(
            workspace.permissions if workspace is not None else None,
            self.state.job_id,
            workspace.user_name if workspace is not None else None,
        )
        self._send(self.permissions.message(self._user_name()))

    def _on_set_grants(self, message: protocol.SetGrantsRequest) -> None:
        grants: object = message["grants"]
        if not isinstance(grants, list) or not all(isinstance(g, dict) for g in grants):
            raise TypeError("grants must be a list of grant objects")
        self.permissions.set(grants)
        self._send(self.permissions.message(self._user_name()))
        self._publish()

    def _on_unsaved_answer(self, message: protocol.UnsavedAnswerRequest) -> None:
        choice = message["choice"]
        if choice not in ("save", "discard", "keep"):
            raise ValueError(f"unknown choice {choice!r}")
        pending, self._pending = self._pending, None
        if pending is None:
            return  # answered already (another view of the same editor)
        what, proceed = pending
        if choice == "keep":
            self._set_status("info", f"Kept editing: did not {what}.")
            self._publish()
            return
        if choice == "save":
            try:
                self.save()
            except WorkspaceError:
                return  # `save` told the view why; the edits and this job stay
        else:
            self.discard()
        proceed()

    def _on_notice_answer(self, message: protocol.NoticeAnswerRequest) -> None:
        choice = message["choice"]
        if choice not in ("review", "reload"):
            raise ValueError(f"unknown choice {choice!r}")
        if choice == "reload" and self._elsewhere is not None:
            with contextlib.suppress(WorkspaceError):  # `reload` said why
                self.reload()
            return
        # The notice goes; a save from the review (or later) still writes the merge.
        self.state.notice = {"kind": "", "text": ""}
        self._send(self.review())
        self._publish()

    # Each handler takes the request TypedDict of its kind; the run kinds go to `runs`.
    _HANDLERS: Mapping[str, Callable[[EditorSession, Any], None]] = {
        "ready": _on_ready,
        "select": _on_select,
        "edit": _on_edit,
        "undo": _on_undo,
        "redo": _on_redo,
        "review": _on_review,
        "save": _on_save,
        "view_as": _on_view_as, "apply_document": _on_apply_document,
        "pick": _on_pick,
        "references": _on_references,
        "job": _on_job,
        "schedule_preview": _on_schedule_preview,
        "simple_schedule": _on_simple_schedule,
        "from_unix": _on_from_unix,
        "time_zones": _on_time_zones,
        "permissions": _on_permissions,
        "set_grants": _on_set_grants,
        "unsaved_answer": _on_unsaved_answer,
        "notice_answer": _on_notice_answer,
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
        """Apply one edit: ``op`` and ``arguments`` are a `protocol.EditOp`'s `op` and its other
        fields. Raises `EditError` when it is refused."""
        self._apply(cast("protocol.EditOp", {**arguments, "op": op}))

    def _apply(self, op: protocol.EditOp) -> None:
        settings = self.settings
        edited = apply_edit(settings, self.state.selected, op)
        if edited.settings is settings:
            return
        new = edited.settings
        if op["op"] == "set_trigger_kind":
            new = self._remembered_trigger(settings, new)
        self.history.push(new, edited.label)
        if edited.selected is not None:
            self.state.selected = edited.selected
        self._set_status("", "")
        self._refresh(typed_task=edited.typed_task, inside=edited.inside,
                      typed_job=edited.typed_job)  # fmt: skip

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

    @property
    def unsaved(self) -> bool:
        """Whether the editor holds edits not saved (a new job nobody touched holds none)."""
        return self.history.dirty or self.permissions.dirty

    def unsaved_text(self) -> str:
        """The unsaved edits, in words, for a question or an error."""
        title = self.state.title or "The new job"
        job = f"Job {self.state.job_id} ({title})" if self.state.job_id is not None else title
        return f"{job} has unsaved changes"

    @_locked
    def ask_before(self, what: str, proceed: Callable[[], None]) -> bool:
        """Run ``proceed`` (something that replaces or closes this job, ``what`` in words: "open
        job 12") now when nothing would be lost, and return True. Otherwise ask the view (save /
        discard / keep editing) and return False: ``proceed`` runs after a save that worked or
        a discard; keeping on editing drops it."""
        if not self.unsaved:
            proceed()
            return True
        self._pending = (what, proceed)
        text = f"{self.unsaved_text()}: save or discard them to {what}?"
        self._send({"kind": "unsaved_changes", "what": what, "message": text})
        self._set_status("info", f"{self.unsaved_text()}: choose whether to save them first.")
        self._publish()
        return False

    @_locked
    def discard(self) -> None:
        """Throw the unsaved edits away: back to the job as loaded or last saved (an undoable
        step, so an accidental discard can be taken back); after a save elsewhere, to that."""
        if self._elsewhere is not None:
            self.permissions.edited = None
            self.reload()
            return
        if self.history.dirty:
            self.history.push(self._saved, "discard unsaved edits")
            self.history.mark_saved()
        self.permissions.edited = None
        self._triggers.clear()
        self._set_status("info", "Unsaved edits discarded.")
        self._refresh()

    @_locked
    def load(self, settings: JobSettings, *, job: Job | None) -> None:
        """Edit another job (or a new one, ``job`` None) in place of this one; the caller has
        checked `unsaved`."""
        self.runs.stop()
        self._pending = None
        self._set_notice()
        self.job = job if job is not None else Job(settings=settings)
        self.history.reset(settings)
        self._saved = settings
        self._triggers.clear()
        self.permissions = PermissionsState()
        self.state.job_id = _job_id(self.job)
        self.state.selected = []
        self.graph.set_states(None)
        self._set_status("", "")
        self._refresh()

    def review(self) -> protocol.ReviewMessage:
        """The changes a save would write, and the errors that stop it; after a save elsewhere,
        the user's edits on top of that version (the paths both changed flagged)."""
        errors = [p for p in self.problems if p.severity == "error"]
        errors += [p for p in self.permissions.problems(None) if p.severity == "error"]
        errors += _review.destination_problems(self._workspace, self.settings)
        theirs = self._elsewhere
        if theirs is None:
            return review_message(self.changes(), self.permissions.changes(), errors,
                                  new_job=self.state.job_id is None)  # fmt: skip
        merged, conflicts = merged_onto(self._saved, theirs, self.settings)
        return review_message(diff(theirs, merged), self.permissions.changes(), errors,
                              new_job=False, elsewhere=(self.state.job_id, conflicts))  # fmt: skip

    @_locked
    def merge_saved_elsewhere(self) -> list[str]:
        """Take in the job as saved now with the unsaved edits on top (one undoable step, still
        to save); returns the paths both changed (they keep the user's value)."""
        job_id, theirs = self._read_saved()
        merged, conflicts = merged_onto(self._saved, theirs, self.settings)
        self.job.settings = merged  # `job` counts as loaded with theirs: a save writes ours
        self._saved = theirs
        if diff(merged, self.settings):
            self.history.push(merged, f"merge your edits onto job {job_id} as saved elsewhere")
        if not diff(theirs, merged):
            self.history.mark_saved()
        self._refresh()
        return conflicts

    @_locked
    def reload(self) -> None:
        """Show the job as saved now, dropping the unsaved edits as one undoable step."""
        job_id, theirs = self._read_saved()
        if diff(theirs, self.settings):
            self.history.push(theirs, f"reload job {job_id}")
        self.history.mark_saved()
        self._saved = theirs
        self._triggers.clear()
        self._set_status("info", f"Reloaded job {job_id} as saved; Undo brings your edits back.")
        self._refresh()

    def _read_saved(self) -> tuple[int | None, JobSettings]:
        """The job as the workspace has it now, loaded (the notice goes); raises its errors."""
        job_id = self.state.job_id
        if job_id is None:
            return None, self.settings
        try:
            self.job = self._workspace().jobs.get(job_id)
        except WorkspaceError as error:
            self._report("error", f"Could not read job {job_id}: {error}")
            raise
        self._set_notice()
        settings = self.job.settings
        return job_id, settings if isinstance(settings, JobSettings) else JobSettings()

    def changes(self) -> list[Change]:
        """The edits since the job was loaded (or everything, for a new job)."""
        if self.state.job_id is None:
            return diff({}, self.settings)
        return diff(self._saved, self.settings)

    @_locked
    def save(self, *, on_conflict: OnConflict = "raise") -> Job:
        """Create or update the job; the edits stay (and the error is shown) when it fails.

        Someone else's changes to the job that the save took in (fields this save did not
        touch, or a merge) are named in the "saved" message. When someone else changed a field
        this save wrote at the same time (`ConflictError` with `written`), the editor holds the
        workspace's version with the user's values of those fields on top, as edits not saved
        yet: Undo takes theirs (the workspace's version, saved), Save writes ours again."""
        mine = self.settings
        self.job.settings = mine
        try:
            saved = self._workspace().jobs.save(self.job, on_conflict=on_conflict)
        except ConflictError as error:
            if error.written:
                self._take_contested(error)
            text = conflict_text(error, self.state.job_id)
            self._save_failed(text, conflict=True, changed=error.written)
            raise
        except WorkspaceError as error:
            self._save_failed(str(error), conflict=False, changed=False)
            raise
        self.state.job_id = _job_id(self.job)
        self._triggers.clear()
        written = self.job.settings
        taken_in = diff(mine, written) if isinstance(written, JobSettings) else []
        self._take_saved(merged=on_conflict == "merge", taken_in=bool(taken_in))
        message = saved_text(self.state.job_id, taken_in)
        if self.permissions.dirty and self.state.job_id is not None:
            try:
                self.permissions.save(self._workspace().permissions, self.state.job_id)
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

    def _save_failed(self, text: str, *, conflict: bool, changed: bool) -> None:
        """Tells the view; `changed`: the settings changed (redrawn), else only the state."""
        self._set_status("error", text)
        self._send({"kind": "save_failed", "message": text, "conflict": conflict})
        if changed:
            self._refresh()
        else:
            self._publish()

    def _take_saved(self, *, merged: bool, taken_in: bool = False) -> None:
        """After a save: the job holds the settings as the workspace returned them, and they are
        what the review diffs against from now on.

        The canvas keeps the user's version when it says the same up to what the workspace
        fills in by itself (its defaults, its `depends_on` order): no step the user did not make
        enters the undo history, and the review, comparing up to those, shows nothing. Only
        when the workspace's version says more (a merge or someone else's write brought other
        changes in, or the server consumed `apply_policy_default_values`) does it become the
        current state, as an undoable step: otherwise the review would list those as edits
        still to save."""
        # `jobs.save` brought the job up to date with what it read back.
        written = self.job.settings
        if not isinstance(written, JobSettings):
            written = self.settings
        if diff(written, self.settings):
            if merged:
                label = "merge remote changes"
            elif taken_in:
                label = "take in changes made meanwhile"
            else:
                label = "take the settings as saved"
            self.history.push(written, label)
        self.history.mark_saved()
        self._saved = written
        self.job.settings = written
        self._set_notice()

    def _take_contested(self, error: ConflictError) -> None:
        """After a save someone else partly wrote over: two undoable steps, the workspace's
        version (saved: the review diffs against it), then the user's values of the contested
        fields on top of it (`jobs.save` left the job holding that), not saved yet. Undo then
        takes theirs; Save writes ours again."""
        self.state.job_id = _job_id(self.job)
        theirs = JobSettings.from_api(error.remote)
        ours = self.job.settings if isinstance(self.job.settings, JobSettings) else self.settings
        self.history.push(theirs, "take the job as saved")
        self.history.mark_saved()
        self._saved = theirs
        fields = ", ".join(unit.path for unit in error.contested)
        self.history.push(ours, f"keep your {fields}")
        self.job.settings = ours

    @_locked
    def saved_elsewhere(self, settings: Mapping[str, Any] | None) -> None:
        """Another widget of this kernel saved this job (``settings`` as read back). A clean
        editor shows them at once, as its saved state (no undo step the user did not make); a
        dirty one keeps the user's edits and says so, for a review to merge or a reload."""
        if settings is None:
            return
        theirs = JobSettings.from_api(dict(settings))
        # Already shown (a save of this editor read back, or a save that changed nothing).
        if not diff(theirs, self.settings):
            if self._elsewhere is not None:  # saved as the user has it: nothing left to save
                self._set_notice()
                self._saved = theirs
                self.history.mark_saved()
                self._publish()
            return
        job_id = self.state.job_id
        if self.history.dirty:
            self._set_notice("saved_elsewhere", f"Job {job_id} was saved elsewhere while you were "
                             "editing it. Your unsaved edits are kept.", theirs)  # fmt: skip
            self._publish()
            return
        self._set_notice()
        self.history.reset(theirs)
        self._triggers.clear()
        self._saved = theirs
        self.job.settings = theirs
        self._set_status("info", f"Job {job_id} was saved elsewhere; showing the saved version.")
        self._refresh()

    def choices(self, what: str, *, path: str | None = None, query: str | None = None,
                page_token: str | None = None) -> list[protocol.Choice]:  # fmt: skip
        """The choices of a picker (`PickerKind`); ``page_token`` asks for a next page."""
        if what in WORKSPACE_PICKERS:
            return choices(self._workspace(), what, path=path, query=query, page_token=page_token)
        return job_choices(self.settings, what)

    @_locked
    def set_run_states(self, states: Mapping[str, str] | None) -> None:
        """Colour the nodes by the state of their task in a run; None clears it. Only the nodes
        whose state changed are sent."""
        self.graph.set_states(states)

    def send_graph(self) -> None:
        """The whole graph, in chunks that stay far below the message limit."""
        self.graph.send_graph()

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
            self.problems = validate(self.settings)
            self.graph.redraw(self.settings, self.problems)
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
        task = self.settings.task(key)
        if not self.graph.has_node(key) or task is None:
            return False
        if self._checker is None:
            self._checker = TaskChecker(self.settings)
        if not self._checker.can_check(key):
            return False
        problems = self._checker.check(task)
        self.problems = [p for p in self.problems if p.task_key != key] + problems
        self.graph.redraw_task(task, key, problems)
        return True

    def _send_open_task(self, *, typed_task: str | None = None, fresh: bool = False) -> None:
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
        # it changed some other way (undo, a rename, Python) or to a view drawn anew (`fresh`).
        if typed_task != key and (fresh or task_json != self._open_task_json):
            keys = [str(t.task_key) for t in self.settings.task_list if isinstance(t.task_key, str)]
            self._send({"kind": "task", "task_key": key, "task": task_json, "task_keys": keys})
        self._open_task_json = task_json
        problems = [problem_in_task(p, key) for p in self.problems if p.task_key == key]
        self._send(
            {"kind": "problems", "task_key": key, "problems": problems,
             "job": self._job_problems()}
        )  # fmt: skip

    def _job_problems(self) -> list[protocol.Problem]:
        return [problem_at_field(p) for p in self.problems if p.task_key is None]

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

    def _remembered_trigger(self, before: JobSettings, after: JobSettings) -> JobSettings:
        """After a switch of the trigger kind: remember the kind left as the user had it, and
        bring back what they had for the kind chosen (instead of its defaults)."""
        old = before.to_api()
        self._triggers[trigger_kind(old)] = {
            name: old[name] for name in TRIGGER_FIELDS if name in old
        }
        document = after.to_api()
        remembered = self._triggers.get(trigger_kind(document))
        if remembered is None:
            return after
        for name in TRIGGER_FIELDS:
            document.pop(name, None)
        document.update(remembered)
        return set_job_fields(after, document)

    def _refuse(self, error: EditError, request_id: Any) -> None:
        reply: protocol.EditErrorMessage = {
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
    def _report(self, level: protocol.StatusLevel, text: str) -> None:
        self._set_status(level, text)
        self._publish()

    def _set_status(self, level: protocol.StatusLevel, text: str) -> None:
        status = self.state.status
        if not text and not status["text"]:
            return  # nothing said, nothing to clear: no new status
        self.state.status = {"level": level, "text": text, "serial": status.get("serial", 0) + 1}

    def _set_notice(
        self, kind: protocol.NoticeKind = "", text: str = "", theirs: JobSettings | None = None
    ) -> None:
        """Show a notice (kind "": none); "saved_elsewhere" holds ``theirs``, the version saved."""
        self._elsewhere = theirs
        self.state.notice = {"kind": kind, "text": text}

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


def _job_id(job: Job) -> int | None:
    job_id = job.job_id
    return job_id if isinstance(job_id, int) and not isinstance(job_id, bool) else None

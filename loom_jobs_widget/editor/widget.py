"""The job editor widget: a Lakeflow Job as an editable DAG with a panel per task.

A thin anywidget: traits for the small state (`protocol.JobEditorModel`), custom messages for
the rest (`protocol.ToPython`, `protocol.FromPython`). What it does is in
`session.EditorSession`, testable without a browser; the view is ``js/src/editor/``, bundled
into ``loom_jobs_widget/static/editor.js``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from loom_jobs_widget._assets import Bundle, module_loader
from loom_jobs_widget.client import ConfigurationError, task_states
from loom_jobs_widget.client.events import EVENTS, JobEvent
from loom_jobs_widget.core.changes import Change
from loom_jobs_widget.core.editing import DELETE
from loom_jobs_widget.core.models import Job, JobSettings
from loom_jobs_widget.core.validation import Problem
from loom_jobs_widget.editor.session import EditorSession, EditorState, UnsavedChangesError
from loom_jobs_widget.graph.svg import job_html

if TYPE_CHECKING:
    from loom_jobs_widget.client import OnConflict, RunHandle, Workspace
    from loom_jobs_widget.editor.protocol import FromPython

__all__ = ["JobEditor", "RunView", "UnsavedChangesError"]


_NEW_JOB: dict[str, Any] = {"name": "New job", "tasks": []}


class JobEditor(anywidget.AnyWidget):
    """Edit a job on a canvas: ``JobEditor(job_id, workspace)`` opens a saved job,
    ``JobEditor(settings={...})`` a new one (saved, i.e. created, by ``save()``).

    ``workspace`` is a `Workspace` from `loom_jobs_widget.connect()`; without one the editor
    uses the embedded local workspace, connected when it is first needed.
    """

    _esm = module_loader("editor")
    _bundle = Bundle("editor")

    title = traitlets.Unicode("").tag(sync=True)
    job_id = traitlets.Int(None, allow_none=True).tag(sync=True)
    workspace_label = traitlets.Unicode("").tag(sync=True)
    selected = traitlets.List(traitlets.Unicode()).tag(sync=True)
    dirty = traitlets.Bool(False).tag(sync=True)
    can_undo = traitlets.Bool(False).tag(sync=True)
    can_redo = traitlets.Bool(False).tag(sync=True)
    undo_label = traitlets.Unicode("").tag(sync=True)
    redo_label = traitlets.Unicode("").tag(sync=True)
    counts = traitlets.Dict().tag(sync=True)
    status = traitlets.Dict().tag(sync=True)
    notice = traitlets.Dict().tag(sync=True)
    """A notice the user acts on, {"kind", "text"}: "saved_elsewhere" when another widget saved
    the job while this one held unsaved edits (`merge_saved_elsewhere` or `reload`)."""
    shown_run = traitlets.Int(None, allow_none=True).tag(sync=True)
    """A run the view opens in its Runs tab (set by `show_run` and `RunView`)."""
    shown_tab = traitlets.Unicode("").tag(sync=True)
    """A tab the view switches to (set by `show_tab`)."""
    first_view = traitlets.Unicode("").tag(sync=True)
    """The messages that answer the view's `ready` (the graph, the open task's problems), as a
    JSON list, while nothing changed since the widget was built: a view rendered before that
    draws from them at once, without the round trip; "" once anything changed (a view then
    sends `ready`)."""

    def __init__(
        self,
        job_id: int | None = None,
        workspace: Workspace | None = None,
        *,
        settings: JobSettings | Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._workspace = workspace
        self._publishing = False
        # The messages sent while the answer to `ready` is worked out (`_answer_to_ready`).
        self._captured: list[FromPython] | None = None
        model, job = self._read(job_id, settings)
        self.workspace_label = self._label()
        self._session = EditorSession(
            model,
            job=job,
            send=lambda message: self._to_view(message),
            on_state=self._mirror,
            workspace=lambda: self.workspace,
        )
        self.on_msg(self._on_view_message)
        # What other widgets of this kernel save and run on this job shows here at once.
        self._unsubscribe = EVENTS.subscribe(self._on_event)
        self.first_view = self._answer_to_ready()

    # --- Python API ---------------------------------------------------------------------------

    @property
    def workspace(self) -> Workspace:
        """The connected workspace (the embedded local one unless another was given)."""
        if self._workspace is None:
            from loom_jobs_widget.client import connect

            self._workspace = connect("local")
            self.workspace_label = self._label()
        return self._workspace

    @property
    def settings(self) -> JobSettings:
        """The job's settings as edited so far: the truth the canvas shows."""
        return self._session.settings

    @settings.setter
    def settings(self, settings: JobSettings | Mapping[str, Any]) -> None:
        model = settings if isinstance(settings, JobSettings) else JobSettings.from_api(settings)
        self._session.replace(model)

    @property
    def job(self) -> Job:
        return self._session.job

    @property
    def problems(self) -> list[Problem]:
        """What the validator finds in the settings now."""
        return list(self._session.problems)

    def changes(self) -> list[Change]:
        """What `save` would write: the edits since the job was loaded or last saved."""
        return self._session.changes()

    def select(self, *task_keys: str) -> None:
        """Select tasks on the canvas; one selected task has its panel open."""
        self._session.select(task_keys)

    def save(self, *, on_conflict: OnConflict = "raise") -> Job:
        """Create or update the job; raises the workspace's typed errors, edits kept."""
        return self._session.save(on_conflict=on_conflict)

    def run(
        self,
        parameters: Mapping[str, str] | None = None,
        *,
        only: Sequence[str] | None = None,
        performance_target: str | None = None,
    ) -> RunHandle:
        """Run the saved job now (with job parameter overrides, or ``only`` some tasks); the
        canvas colours its tasks by their state until the run ends. Returns the run's handle:
        ``.wait()``, ``.state``, ``.cancel()``."""
        job_id = self._session.state.job_id
        if job_id is None:
            raise ConfigurationError("Save the job before running it: it has no job_id yet.")
        extra: dict[str, Any] = {}
        if performance_target:
            extra["performance_target"] = performance_target
        runs = self._session.runs
        answer = self.workspace.runs.run_now(
            job_id, job_parameters=parameters, only=only, source=runs, **extra
        )
        return runs.follow(int(answer["run_id"]))

    def show_tab(self, tab: str) -> None:
        """Switch the view to a tab: tasks, runs, details, schedule, notifications,
        parameters or permissions."""
        tabs = ("tasks", "runs", "details", "schedule", "notifications", "parameters",
                "permissions")  # fmt: skip
        if tab not in tabs:
            raise ValueError(f"There is no tab {tab!r}; the tabs are {', '.join(tabs)}.")
        self.shown_tab = ""  # so that asking for the same tab again switches again
        self.shown_tab = tab

    def show_run(self, run_id: int) -> None:
        """Open a run of this job in the Runs tab, and colour the canvas by it (following it
        while it runs)."""
        self._session.runs.follow(run_id)
        self.shown_run = run_id

    @property
    def unsaved(self) -> bool:
        """Whether the editor holds edits not saved yet (loading another job or closing the
        editor would lose them)."""
        return self._session.unsaved

    def discard(self) -> None:
        """Throw away the unsaved edits: back to the job as loaded or last saved (Undo brings
        them back)."""
        self._session.discard()

    def reload(self) -> None:
        """Show the job as the workspace has it now, dropping the unsaved edits as one undoable
        step (`undo()` brings them back)."""
        self._session.reload()

    def merge_saved_elsewhere(self) -> list[str]:
        """Take in the job as the workspace has it now (saved elsewhere since it was loaded) with
        the unsaved edits on top, as one undoable step; `save()` then writes it. A field both
        changed keeps your value: those paths are returned."""
        return self._session.merge_saved_elsewhere()

    def load(
        self,
        job_id: int | None = None,
        *,
        settings: JobSettings | Mapping[str, Any] | None = None,
        discard: bool = False,
    ) -> None:
        """Edit another job in this editor: ``load(job_id)`` a saved one, ``load(settings=...)``
        (or ``load()``) a new one. Raises `UnsavedChangesError` when this one has unsaved
        edits, unless ``discard=True``: `save()` them first, or discard them."""
        self.refuse_unsaved("load another job", discard=discard)
        model, job = self._read(job_id, settings)
        self._session.load(model, job=job)

    def ask_before(self, what: str, proceed: Callable[[], None]) -> bool:
        """Run ``proceed`` (what replaces or closes this editor; ``what`` says it in words: "open
        job 12") now when no edit would be lost, and return True; else the view asks the user
        to save, discard or keep editing, and ``proceed`` runs once they saved or discarded
        (False)."""
        return self._session.ask_before(what, proceed)

    def undo(self) -> None:
        self._session.undo()

    def redo(self) -> None:
        self._session.redo()

    def refresh(self) -> None:
        """Redraw after changing `settings` in place (assigning new settings redraws by itself)."""
        self._session.replace(JobSettings.from_api(self.settings.to_api()), "edit from Python")

    def set_field(
        self, task_key: str, path: str | Sequence[str | int], value: Any = DELETE
    ) -> None:
        """Set (or, without a value, delete) a field of a task: ``set_field("etl",
        "notebook_task.notebook_path", "/x")``."""
        parts = path.split(".") if isinstance(path, str) else list(path)
        arguments: dict[str, Any] = {"task_key": task_key, "path": parts}
        if value is DELETE:
            arguments["delete"] = True
        else:
            arguments["value"] = value
        self._session.apply("set_field", arguments)

    def add_task(self, *, after: Sequence[str] = (), task_type: str = "notebook_task") -> str:
        """Add a task (depending on ``after``); returns its task_key."""
        self._session.apply("add_task", {"after": list(after), "task_type": task_type})
        return self._session.state.selected[0]

    def clone_task(self, task_key: str) -> str:
        self._session.apply("clone_task", {"task_key": task_key})
        return self._session.state.selected[0]

    def remove_tasks(self, *task_keys: str) -> None:
        self._session.apply("remove_tasks", {"task_keys": list(task_keys)})

    def rename_task(self, task_key: str, new_key: str) -> None:
        self._session.apply("rename_task", {"task_key": task_key, "new_key": new_key})

    def set_task_type(self, task_key: str, task_type: str) -> None:
        self._session.apply("set_task_type", {"task_key": task_key, "task_type": task_type})

    def add_dependency(self, upstream: str, downstream: str, outcome: str | None = None) -> None:
        self._session.apply(
            "add_dependency", {"upstream": upstream, "downstream": downstream, "outcome": outcome}
        )

    def remove_dependency(self, upstream: str, downstream: str, outcome: str | None = None) -> None:
        self._session.apply(
            "remove_dependency",
            {"upstream": upstream, "downstream": downstream, "outcome": outcome},
        )

    def close(self, *, discard: bool = False) -> None:
        """Close the widget; a run it follows is no longer polled (the run itself goes on).
        Raises `UnsavedChangesError` when the job has unsaved edits, unless ``discard=True``."""
        if hasattr(self, "_session") and getattr(self, "comm", None) is not None:
            self.refuse_unsaved("close the editor", discard=discard)
        if hasattr(self, "_unsubscribe"):
            self._unsubscribe()
        if hasattr(self, "_session"):
            self._session.runs.stop()
        super().close()

    def _repr_mimebundle_(
        self, **kwargs: dict[Any, Any]
    ) -> tuple[dict[Any, Any], dict[Any, Any]] | None:
        # The live view, and the canvas as a static SVG (run states as colours) for where no
        # widget manager runs (nbconvert, a docs site): JupyterLab shows only one of them.
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        static = job_html(self._session.graph.elements, title=self._session.state.title)
        return {**data, "text/html": static}, metadata

    def __del__(self) -> None:
        # Garbage collection is no user's choice to keep editing: there is nobody to ask.
        self.close(discard=True)

    # --- inside -------------------------------------------------------------------------------

    def _read(
        self, job_id: int | None, settings: JobSettings | Mapping[str, Any] | None
    ) -> tuple[JobSettings, Job | None]:
        """The settings to edit and the saved job they come from (None: a new job)."""
        if job_id is not None:
            if settings is not None:
                raise ValueError("Give a job_id to open a saved job, or settings for a new one.")
            job = self.workspace.jobs.get(job_id)
            loaded = job.settings
            model = loaded if isinstance(loaded, JobSettings) else JobSettings.from_api({})
            return model, job
        if isinstance(settings, JobSettings):
            return settings, None
        return JobSettings.from_api(settings if settings is not None else _NEW_JOB), None

    def refuse_unsaved(self, what: str, *, discard: bool = False) -> None:
        """Raise `UnsavedChangesError` when the job has unsaved edits (``what`` says what would
        throw them away), or, with ``discard=True``, discard them."""
        if not self._session.unsaved:
            return
        if discard:
            self._session.discard()
            return
        raise UnsavedChangesError(
            f"{self._session.unsaved_text()}: save() them, or discard them "
            f"(discard=True, or discard()) to {what}."
        )

    def _label(self) -> str:
        workspace = self._workspace
        if workspace is None or workspace.is_local:
            return "local workspace"
        return workspace.host

    def _on_event(self, event: JobEvent) -> None:
        """Another widget's save or run of this job (events of another workspace, of another
        job, and this editor's own are not news)."""
        session = self._session
        workspace = self._workspace
        if workspace is None or event.host != workspace.host:
            return
        if event.source is session or event.source is session.runs:
            return
        if event.job_id != session.state.job_id and event.job_id is not None:
            return
        if event.kind == "saved":
            session.saved_elsewhere(event.settings)
        elif event.kind == "run_started" and event.run_id is not None:
            session.runs.started(event.run_id)
        elif event.kind == "run_changed":
            session.runs.changed(event.run_id)

    def _to_view(self, message: FromPython) -> None:
        if self._captured is not None:
            self._captured.append(message)
            return
        self._first_view_stale()
        self.send(message)

    def _on_view_message(self, _: Any, content: Any, buffers: Any) -> None:
        self._first_view_stale()
        if isinstance(content, Mapping):
            self._session.handle(content)

    def _answer_to_ready(self) -> str:
        """What the session answers a view's `ready` now, as `first_view` holds it; "" for a
        graph too large for one message (a trait's value goes in one)."""
        import json

        captured: list[FromPython] = []
        self._captured = captured
        try:
            self._session.handle({"kind": "ready"})
        finally:
            self._captured = None
        if any(message.get("more") for message in captured):
            return ""
        return json.dumps(captured, separators=(",", ":"))

    def _first_view_stale(self) -> None:
        # What the view would draw from no longer answers `ready`: a view rendered from now on
        # asks for the graph instead (a message sent, a view's request, a trait changed).
        if self.first_view:
            self.first_view = ""

    def _mirror(self, state: EditorState) -> None:
        self._first_view_stale()
        self._publishing = True
        try:
            with self.hold_sync():
                self.title = state.title
                self.job_id = state.job_id
                self.selected = list(state.selected)
                self.dirty = state.dirty
                self.can_undo = state.can_undo
                self.can_redo = state.can_redo
                self.undo_label = state.undo_label
                self.redo_label = state.redo_label
                self.counts = dict(state.counts)
                self.status = dict(state.status)
                self.notice = dict(state.notice)
        finally:
            self._publishing = False

    @traitlets.observe("selected")
    def _selected_changed(self, change: Mapping[str, Any]) -> None:
        if not self._publishing and hasattr(self, "_session"):
            self._session.select(change["new"])


def RunView(run_id: int, workspace: Workspace | None = None) -> JobEditor:
    """One run, shown as its job's editor opened at the run: its timeline, tasks, output, and the
    canvas coloured by it. (A function named like a class: it is what users call.)"""
    editor_workspace = workspace
    if editor_workspace is None:
        from loom_jobs_widget.client import connect

        editor_workspace = connect("local")
    run = editor_workspace.runs.get_run(run_id)
    job_id = run.get("job_id")
    if not isinstance(job_id, int):
        raise ConfigurationError(f"Run {run_id} belongs to no job (a one-time submitted run).")
    editor = JobEditor(job_id, editor_workspace)
    # Coloured by the run as read, from the first frame (and in the static view a notebook
    # keeps), before the follower's first read comes back.
    editor._session.set_run_states(task_states(run))
    editor.show_run(run_id)
    return editor

"""The jobs browser widget: the Jobs list page of a workspace, `%loom_jobs`.

A thin anywidget: traits for the small state (`protocol.JobsBrowserModel`), custom messages for
the rest (`protocol.ToPython`, `protocol.FromPython`). What it does is in
`session.BrowserSession`, testable without a browser; the view is ``js/src/browser/``,
bundled into ``loom_jobs_widget/static/browser.js``. A job opened from a row (Edit, Create
job, or a local workspace's Last run, opened on its Runs tab) is a `JobEditor`, shown in
`editor_area` below the list.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, overload

import anywidget
import ipywidgets
import traitlets
from IPython.display import display

from loom_jobs_widget._assets import Bundle, module_loader
from loom_jobs_widget.browser.protocol import JobRow
from loom_jobs_widget.browser.query import Query
from loom_jobs_widget.browser.rows import rows_html
from loom_jobs_widget.browser.session import BrowserSession, BrowserState
from loom_jobs_widget.client import WorkspaceError

if TYPE_CHECKING:
    from loom_jobs_widget.client import Workspace
    from loom_jobs_widget.editor import JobEditor

__all__ = ["JobsBrowser"]


class JobsBrowser(anywidget.AnyWidget):
    """The jobs of a workspace as a table: search, filters, paging, row actions.

    ``workspace`` is a `Workspace` from `loom_jobs_widget.connect()`; without one the browser
    uses the embedded local workspace, connected when it is first needed."""

    _esm = module_loader("browser")
    _bundle = Bundle("browser")

    workspace_label = traitlets.Unicode("").tag(sync=True)
    query = traitlets.Dict().tag(sync=True)
    offset = traitlets.Int(0).tag(sync=True)
    page_size = traitlets.Int(25).tag(sync=True)
    status = traitlets.Dict().tag(sync=True)
    opened_job_id = traitlets.Int(None, allow_none=True).tag(sync=True)
    """The job open in the editor below (None: none, or a new job)."""

    def __init__(self, workspace: Workspace | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._workspace = workspace
        self.editor: JobEditor | None = None
        """The editor opened last (by Edit, Create job or `open`)."""
        self.editor_area = ipywidgets.Output()
        """Where the opened editor is shown, under the list."""
        self.workspace_label = self._label()
        self._session = BrowserSession(
            send=self.send,
            on_state=self._mirror,
            workspace=lambda: self.workspace,
            open_editor=self._show_editor,
            current_editor=lambda: self.editor,
        )
        self.on_msg(self._on_view_message)
        if self.comm is not None:
            # The front end may close the comm (the kernel's widgets closed from the page):
            # then nothing shows the rows any more.
            self.comm.on_close(lambda _: self._session.close())

    # --- Python API ---------------------------------------------------------------------------

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            from loom_jobs_widget.client import connect

            self._workspace = connect("local")
            self.workspace_label = self._label()
        return self._workspace

    @property
    def rows(self) -> list[JobRow]:
        """The rows shown now (as sent to the view)."""
        return list(self._session.rows)

    def refresh(self) -> None:
        """Read the jobs again from the workspace."""
        self._session.refresh()

    def search(self, text: str) -> None:
        """Show the jobs whose name contains `text` (the filters stay)."""
        self._session.list_page(dataclasses.replace(self._session.query, search=text.strip()))

    def filter(self, *, owner: str | None = None, tag: str | None = None,
               state: str | None = None) -> None:
        """Filter by creator, tag (``key`` or ``key=value``) and trigger state (``"active"``,
        ``"paused"``, ``"none"``, or ``""`` for any); None leaves a filter as it is."""
        changes = {name: value.strip() for name, value in
                   (("owner", owner), ("tag", tag), ("state", state)) if value is not None}
        query = Query.from_message({**self._session.query.to_json(), **changes})
        self._session.list_page(query)

    @overload
    def open(self) -> None: ...
    @overload
    def open(self, job_id: int, *, discard: bool = False) -> JobEditor: ...

    def open(self, job_id: int | None = None, *, discard: bool = False) -> JobEditor | None:
        """``open(job_id)``: open the job in the editor (shown below the list) and return the
        editor. Raises `UnsavedChangesError` when the editor below has unsaved edits, unless
        ``discard=True``. (Without a job_id this is ipywidgets' `Widget.open`, which opens the
        widget's comm: the widget's constructor calls it.)"""
        if job_id is None:
            super().open()
            return None
        return self._show_editor(job_id, discard=discard)

    def create(self, *, discard: bool = False) -> JobEditor:
        """A new, unsaved job in the editor below the list (asks as `open` does)."""
        return self._show_editor(None, discard=discard)

    def open_run(self, run_id: int) -> JobEditor:
        """Open a run in its job's editor below the list, on the Runs tab with the run's detail
        shown (what a click on a local workspace's Last run does); the editor."""
        editor: JobEditor = self._session.open_run(run_id)
        return editor

    # --- inside -------------------------------------------------------------------------------

    def _show_editor(self, job_id: int | None, *, discard: bool = False) -> JobEditor:
        from loom_jobs_widget.editor import JobEditor

        if self.editor is not None:  # before anything is built: a refusal replaces nothing
            self.editor.refuse_unsaved("open another job", discard=discard)
        if job_id is None:
            editor = JobEditor(settings={"name": "New job", "tasks": []},
                               workspace=self.workspace)
        else:
            editor = JobEditor(job_id, self.workspace)
        if self.editor is not None:
            self.editor.close(discard=True)  # its edits were saved, discarded or never made
        self.editor = editor
        self.opened_job_id = job_id
        self.editor_area.clear_output()
        with self.editor_area:
            display(editor)  # type: ignore[no-untyped-call]
        return editor

    def close(self) -> None:
        """Close the widget (its views go with it): the list stops following the workspace.
        The editor below stays as it is (it may hold unsaved edits)."""
        self._session.close()
        super().close()

    def _ipython_display_(self) -> None:
        box = ipywidgets.VBox([self, self.editor_area])
        data: dict[str, Any] = dict(box._repr_mimebundle_())
        # Beside the live view, the first page as a static table for where no widget manager
        # runs (nbconvert, a docs site): JupyterLab shows only the richest type it can render.
        data["text/html"] = rows_html(self._static_rows(), title=f"Jobs ({self.workspace_label})")
        display(data, raw=True)  # type: ignore[no-untyped-call]

    def _static_rows(self) -> list[JobRow]:
        if not self._session.rows:
            try:
                self._session.page()
            except WorkspaceError:  # the live view reports it; a static table has no rows
                return []
        return list(self._session.rows)

    def _label(self) -> str:
        workspace = self._workspace
        if workspace is None or workspace.is_local:
            return "local workspace"
        return workspace.host

    def _on_view_message(self, _: Any, content: Any, buffers: Any) -> None:
        if isinstance(content, Mapping):
            self._session.handle(content)

    def _mirror(self, state: BrowserState) -> None:
        with self.hold_sync():
            self.query = dict(state.query)
            self.offset = state.offset
            self.page_size = state.page_size
            self.status = dict(state.status)

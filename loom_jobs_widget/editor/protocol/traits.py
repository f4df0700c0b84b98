"""The widget's small state, synced as traits."""

from __future__ import annotations

from typing import Literal, TypeAlias, TypedDict

__all__ = ["Counts", "JobEditorModel", "Status", "StatusLevel"]

StatusLevel: TypeAlias = Literal["info", "success", "error", ""]


class Status(TypedDict):
    """The line under the toolbar."""

    level: StatusLevel
    text: str


class Counts(TypedDict):
    """The problem and task counts the toolbar shows."""

    errors: int
    warnings: int
    tasks: int


class JobEditorModel(TypedDict):
    """The JobEditor's traits."""

    #: the job's name
    title: str
    job_id: int | None
    #: Where the job lives: "local workspace" or the host; never a credential.
    workspace_label: str
    #: task keys selected on the canvas (Python's .select sets it too)
    selected: list[str]
    #: unsaved edits
    dirty: bool
    can_undo: bool
    can_redo: bool
    #: "Undo rename etl → load"
    undo_label: str
    redo_label: str
    counts: Counts
    status: Status
    #: A run to open in the Runs tab (JobEditor.show_run, RunView); null: none.
    shown_run: int | None
    #: A tab to switch to (JobEditor.show_tab); "": none.
    shown_tab: str

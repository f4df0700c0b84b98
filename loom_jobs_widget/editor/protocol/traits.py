"""The widget's small state, synced as traits."""

from __future__ import annotations

from typing import Literal, TypeAlias, TypedDict

from typing_extensions import NotRequired

__all__ = ["Counts", "JobEditorModel", "Notice", "NoticeKind", "Status", "StatusLevel"]

StatusLevel: TypeAlias = Literal["info", "success", "error", ""]


class Status(TypedDict):
    """What Python last said to the user; the view shows each one once, as a toast."""

    level: StatusLevel
    text: str
    #: counts the statuses said: the same words said again are a new status, shown again
    serial: NotRequired[int]


#: What a notice is about: the job was saved elsewhere while this editor held unsaved edits.
NoticeKind: TypeAlias = Literal["saved_elsewhere", ""]


class Notice(TypedDict):
    """A notice that stays above the canvas until the user acts on it (its buttons answer
    with `notice_answer`) or it no longer applies; kind "": none."""

    kind: NoticeKind
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
    notice: Notice
    #: A run to open in the Runs tab (JobEditor.show_run, RunView); null: none.
    shown_run: int | None
    #: A tab to switch to (JobEditor.show_tab); "": none.
    shown_tab: str
    #: The answer to the view's `ready` (its messages as a JSON list) while nothing changed since
    #: the widget was built; "": ask with `ready`.
    first_view: str

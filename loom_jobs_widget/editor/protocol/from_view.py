"""The requests the view sends Python (`ToPython`)."""

from __future__ import annotations

from typing import Literal, TypeAlias, TypedDict

from typing_extensions import NotRequired

from loom_jobs_widget.editor.protocol.edits import (
    AddDependency,
    AddTask,
    CloneTask,
    RemoveDependency,
    RemoveTasks,
    RenameTask,
    ReplaceTask,
    SetField,
    SetJobField,
    SetPauseStatus,
    SetTaskType,
    SetTriggerKind,
    SwapJobCluster,
)
from loom_jobs_widget.editor.protocol.tabs import Grant, SimpleSchedule
from loom_jobs_widget.editor.protocol.to_view import PickerKind, TextFormat

__all__ = [
    "AddDependencyRequest",
    "AddTaskRequest",
    "ApplyDocumentRequest",
    "CancelAllRequest",
    "CancelRunRequest",
    "CloneTaskRequest",
    "EditRequest",
    "FromUnixRequest",
    "IterationsRequest",
    "JobRequest",
    "MatrixRequest",
    "NoticeAnswerRequest",
    "NoticeChoice",
    "PermissionsRequest",
    "PickRequest",
    "ReadyRequest",
    "RedoRequest",
    "ReferencesRequest",
    "RemoveDependencyRequest",
    "RemoveTasksRequest",
    "RenameTaskRequest",
    "RepairPreviewRequest",
    "RepairRequest",
    "ReplaceTaskRequest",
    "ReviewRequest",
    "RunNowRequest",
    "RunRequest",
    "RunsRequest",
    "SaveRequest",
    "SchedulePreviewRequest",
    "SelectRequest",
    "SetFieldRequest",
    "SetGrantsRequest",
    "SetJobFieldRequest",
    "SetPauseStatusRequest",
    "SetTaskTypeRequest",
    "SetTriggerKindRequest",
    "ShowRunRequest",
    "SimpleScheduleRequest",
    "SwapJobClusterRequest",
    "TaskOutputRequest",
    "TimeZonesRequest",
    "ToPython",
    "UndoRequest",
    "UnsavedAnswerRequest",
    "UnsavedChoice",
    "ViewAsRequest",
]


class ReadyRequest(TypedDict):
    """The view is drawn (or drawn again): it needs the whole graph."""

    kind: Literal["ready"]


class SelectRequest(TypedDict):
    """The tasks selected on the canvas; one selected task has its panel open."""

    kind: Literal["select"]
    task_keys: list[str]


class SetFieldRequest(SetField):
    """An edit: `set_field`."""

    kind: Literal["edit"]
    request_id: NotRequired[int]


class SetJobFieldRequest(SetJobField):
    """An edit: `set_job_field`."""

    kind: Literal["edit"]
    request_id: NotRequired[int]


class AddTaskRequest(AddTask):
    """An edit: `add_task`."""

    kind: Literal["edit"]
    request_id: NotRequired[int]


class RemoveTasksRequest(RemoveTasks):
    """An edit: `remove_tasks`."""

    kind: Literal["edit"]
    request_id: NotRequired[int]


class CloneTaskRequest(CloneTask):
    """An edit: `clone_task`."""

    kind: Literal["edit"]
    request_id: NotRequired[int]


class RenameTaskRequest(RenameTask):
    """An edit: `rename_task`."""

    kind: Literal["edit"]
    request_id: NotRequired[int]


class SetTaskTypeRequest(SetTaskType):
    """An edit: `set_task_type`."""

    kind: Literal["edit"]
    request_id: NotRequired[int]


class ReplaceTaskRequest(ReplaceTask):
    """An edit: `replace_task`."""

    kind: Literal["edit"]
    request_id: NotRequired[int]


class AddDependencyRequest(AddDependency):
    """An edit: `add_dependency`."""

    kind: Literal["edit"]
    request_id: NotRequired[int]


class RemoveDependencyRequest(RemoveDependency):
    """An edit: `remove_dependency`."""

    kind: Literal["edit"]
    request_id: NotRequired[int]


class SetTriggerKindRequest(SetTriggerKind):
    """An edit: `set_trigger_kind`."""

    kind: Literal["edit"]
    request_id: NotRequired[int]


class SetPauseStatusRequest(SetPauseStatus):
    """An edit: `set_pause_status`."""

    kind: Literal["edit"]
    request_id: NotRequired[int]


class SwapJobClusterRequest(SwapJobCluster):
    """An edit: `swap_job_cluster`."""

    kind: Literal["edit"]
    request_id: NotRequired[int]


#: An `edit` message: one EditOp, with the request_id an `edit_error` answers.
EditRequest: TypeAlias = (
    SetFieldRequest | SetJobFieldRequest | AddTaskRequest | RemoveTasksRequest | CloneTaskRequest
    | RenameTaskRequest | SetTaskTypeRequest | ReplaceTaskRequest | AddDependencyRequest
    | RemoveDependencyRequest | SetTriggerKindRequest | SetPauseStatusRequest
    | SwapJobClusterRequest
)


class UndoRequest(TypedDict):
    """Undo the last edit."""

    kind: Literal["undo"]


class RedoRequest(TypedDict):
    """Redo the last undone edit."""

    kind: Literal["redo"]


class ReviewRequest(TypedDict):
    """What would a save write? (answered by `review`)"""

    kind: Literal["review"]


class SaveRequest(TypedDict):
    """Create or update the job (answered by `saved` or `save_failed`)."""

    kind: Literal["save"]


#: What the user chose when asked about unsaved edits (`unsaved_changes`).
UnsavedChoice: TypeAlias = Literal["save", "discard", "keep"]


class UnsavedAnswerRequest(TypedDict):
    """The answer to `unsaved_changes`: save, then go on; discard, then go on; or keep editing
    (nothing else happens)."""

    kind: Literal["unsaved_answer"]
    choice: UnsavedChoice


#: What the user chose on a notice: review the merge a save writes, or reload the saved job.
NoticeChoice: TypeAlias = Literal["review", "reload"]


class NoticeAnswerRequest(TypedDict):
    """A button of the `notice`: review (answered by `review`: the user's edits on top of the
    version saved elsewhere) or reload that version (one undoable step)."""

    kind: Literal["notice_answer"]
    choice: NoticeChoice


class ViewAsRequest(TypedDict):
    """The settings as JSON or YAML text (answered by `document`)."""

    kind: Literal["view_as"]
    format: TextFormat
    task_key: NotRequired[str | None]  # one task alone


class ApplyDocumentRequest(TypedDict):
    """The text of a `document`, edited: parse it and make it the settings (or the task), as
    one undoable edit (answered by `document_result`)."""

    kind: Literal["apply_document"]
    format: TextFormat
    text: str
    task_key: NotRequired[str | None]


class PickRequest(TypedDict):
    """The entries of a picker (answered by `choices`)."""

    kind: Literal["pick"]
    request_id: int
    what: PickerKind
    path: NotRequired[str]
    query: NotRequired[str]
    #: Continues a list: the `value` of the previous answer's `more` choice.
    page_token: NotRequired[str]


class ReferencesRequest(TypedDict):
    """The references a field of a task may hold (answered by `references`)."""

    kind: Literal["references"]
    request_id: int
    task_key: str


class JobRequest(TypedDict):
    """A job tab is shown: send the job (and keep it up to date)."""

    kind: Literal["job"]


class SchedulePreviewRequest(TypedDict):
    """What a schedule does: its description and next fire times (answered by
    `schedule_preview`)."""

    kind: Literal["schedule_preview"]
    request_id: int
    quartz_cron_expression: str
    timezone_id: str
    #: The viewer's IANA zone (Intl.DateTimeFormat().resolvedOptions().timeZone).
    viewer_timezone: NotRequired[str]
    count: NotRequired[int]
    #: Fire times after this time: ISO 8601 with an offset (or Z), or a wall time without
    #: one, read in the job's time zone (timezone_id); now when absent.
    start: NotRequired[str]


class SimpleScheduleRequest(TypedDict):
    """The Quartz expression of the simple form (answered by `simple_schedule`)."""

    kind: Literal["simple_schedule"]
    request_id: int
    simple: SimpleSchedule


class FromUnixRequest(TypedDict):
    """The Quartz expression of a Unix cron one (answered by `from_unix`)."""

    kind: Literal["from_unix"]
    request_id: int
    expression: str


class TimeZonesRequest(TypedDict):
    """The zones the picker offers (answered by `time_zones`)."""

    kind: Literal["time_zones"]
    request_id: int


class PermissionsRequest(TypedDict):
    """The Permissions tab is shown (answered by `permissions`)."""

    kind: Literal["permissions"]


class SetGrantsRequest(TypedDict):
    """The Permissions tab's rows as edited (inherited rows included, unchanged)."""

    kind: Literal["set_grants"]
    grants: list[Grant]


class RunsRequest(TypedDict):
    """Run history of this job, newest first: `offset`/`limit` page it; filters as runs/list."""

    kind: Literal["runs"]
    request_id: int
    offset: NotRequired[int]
    limit: NotRequired[int]
    active_only: NotRequired[bool]
    completed_only: NotRequired[bool]
    #: epoch ms
    start_time_from: NotRequired[int]
    start_time_to: NotRequired[int]


class RunRequest(TypedDict):
    """One run with its tasks (answered by `run`)."""

    kind: Literal["run"]
    request_id: int
    run_id: int


class TaskOutputRequest(TypedDict):
    """The output of one task run (notebook exit value, logs, error and trace)."""

    kind: Literal["task_output"]
    request_id: int
    run_id: int


class IterationsRequest(TypedDict):
    """A page of a for_each task run's iterations (answered by `iterations`)."""

    kind: Literal["iterations"]
    request_id: int
    #: the for_each task run (an entry of the job run's `tasks`)
    run_id: int
    offset: NotRequired[int]
    limit: NotRequired[int]


class RunNowRequest(TypedDict):
    """Run the saved job now; Python follows it (run_progress) and colours the canvas."""

    kind: Literal["run_now"]
    job_parameters: NotRequired[dict[str, str]]
    only: NotRequired[list[str]]
    performance_target: NotRequired[str]


class ShowRunRequest(TypedDict):
    """Colour the canvas by this run and follow it while it runs; null clears the overlay."""

    kind: Literal["show_run"]
    run_id: int | None


class CancelRunRequest(TypedDict):
    """Cancel a run."""

    kind: Literal["cancel_run"]
    run_id: int


class CancelAllRequest(TypedDict):
    """Cancel every active run of the job (and the queued ones, with `all_queued_runs`)."""

    kind: Literal["cancel_all"]
    all_queued_runs: bool


class RepairPreviewRequest(TypedDict):
    """What a repair would rerun and reuse (all failed tasks and their dependents by default)."""

    kind: Literal["repair_preview"]
    request_id: int
    run_id: int
    rerun_tasks: NotRequired[list[str]]
    rerun_dependent_tasks: NotRequired[bool]


class RepairRequest(TypedDict):
    """Repair a run; Python follows it (run_progress)."""

    kind: Literal["repair"]
    run_id: int
    rerun_tasks: NotRequired[list[str]]
    rerun_dependent_tasks: NotRequired[bool]
    job_parameters: NotRequired[dict[str, str]]


class MatrixRequest(TypedDict):
    """The state of each task in the latest runs (answered by `matrix`)."""

    kind: Literal["matrix"]
    request_id: int
    limit: NotRequired[int]


#: What the view sends Python.
ToPython: TypeAlias = (
    ReadyRequest | SelectRequest | EditRequest | UndoRequest | RedoRequest | ReviewRequest
    | SaveRequest | ViewAsRequest | PickRequest | ReferencesRequest | JobRequest
    | SchedulePreviewRequest | SimpleScheduleRequest | FromUnixRequest | TimeZonesRequest
    | PermissionsRequest | SetGrantsRequest | RunsRequest | RunRequest | TaskOutputRequest
    | IterationsRequest | RunNowRequest | ShowRunRequest | CancelRunRequest | CancelAllRequest
    | RepairPreviewRequest | RepairRequest | MatrixRequest | UnsavedAnswerRequest
    | NoticeAnswerRequest | ApplyDocumentRequest
)

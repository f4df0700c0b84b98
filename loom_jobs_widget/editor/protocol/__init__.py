"""The messages between the JobEditor view and Python, typed: the one source of
``js/src/generated/editor/*.ts``.

Python holds the job (its pydantic models are the truth); the view holds a compact graph and the
JSON of the one task whose panel is open. Nothing big travels per keystroke: the view sends one
edit, Python answers with a patch of the nodes that changed and the problems of the open task.
Every message stays far below the 5 MB Databricks limit (a full graph of a large job is sent in
chunks: `graph` with `more: true`, then `graph_more` until `more` is false).

Small state is in traits (see `JobEditorModel`); everything else goes through custom messages
(model.send / model.on("msg:custom")).

`scripts/generate_ts.py` reads these modules with `ast`, without importing them: they hold only
TypedDict classes and type aliases. A shape that another layer returns (a schedule preview, a
trigger, a grant) is imported from the module that returns it, and generated from there too. A
class docstring, the ``#:`` lines above a field or an alias, or the comment ending a field's line
become the TypeScript's doc comments.

Names resolve on first use (`protocol.SaveRequest` imports `from_view`): the modules that only
name these types in annotations import them under `TYPE_CHECKING`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loom_jobs_widget._lazy import lazy_names

__all__ = [
    "AddDependency",
    "AddDependencyRequest",
    "AddTask",
    "AddTaskRequest",
    "ApplyDocumentRequest",
    "CancelAllRequest",
    "CancelRunRequest",
    "Change",
    "ChangeKind",
    "Choice",
    "ChoicesMessage",
    "CloneTask",
    "CloneTaskRequest",
    "Counts",
    "DocumentMessage",
    "DocumentResultMessage",
    "DstNote",
    "EdgeData",
    "EditErrorMessage",
    "EditOp",
    "EditRequest",
    "EditableTriggerKind",
    "ExportedView",
    "FireTime",
    "FromPython",
    "FromUnixMessage",
    "FromUnixRequest",
    "Grant",
    "GraphEdge",
    "GraphMessage",
    "GraphMoreMessage",
    "GraphNode",
    "IterationAttempt",
    "IterationView",
    "Iterations",
    "IterationsMessage",
    "IterationsPage",
    "IterationsRequest",
    "JobEditorModel",
    "JobMessage",
    "JobRequest",
    "JsonPath",
    "MatrixMessage",
    "MatrixRequest",
    "MatrixRow",
    "NodeData",
    "Notice",
    "NoticeAnswerRequest",
    "NoticeChoice",
    "NoticeKind",
    "PatchMessage",
    "PauseStatus",
    "PermissionsMessage",
    "PermissionsRequest",
    "PickRequest",
    "PickerKind",
    "Position",
    "PrincipalKind",
    "PrincipalLevels",
    "Problem",
    "ProblemsMessage",
    "ReadyRequest",
    "RedoRequest",
    "ReferenceChoice",
    "ReferencesMessage",
    "ReferencesRequest",
    "RemoveDependency",
    "RemoveDependencyRequest",
    "RemoveTasks",
    "RemoveTasksRequest",
    "RenameTask",
    "RenameTaskRequest",
    "RepairPlan",
    "RepairPreviewMessage",
    "RepairPreviewRequest",
    "RepairRequest",
    "ReplaceTask",
    "ReplaceTaskRequest",
    "ReviewMessage",
    "ReviewRequest",
    "RunDetail",
    "RunErrorMessage",
    "RunMessage",
    "RunNowRequest",
    "RunProgressMessage",
    "RunRequest",
    "RunSummary",
    "RunsMessage",
    "RunsRequest",
    "SaveFailedMessage",
    "SaveRequest",
    "SavedMessage",
    "SchedulePreview",
    "SchedulePreviewMessage",
    "SchedulePreviewRequest",
    "ScheduleWarning",
    "SelectRequest",
    "SetField",
    "SetFieldRequest",
    "SetGrantsRequest",
    "SetJobField",
    "SetJobFieldRequest",
    "SetPauseStatus",
    "SetPauseStatusRequest",
    "SetTaskType",
    "SetTaskTypeRequest",
    "SetTriggerKind",
    "SetTriggerKindRequest",
    "Severity",
    "ShowRunRequest",
    "SimpleSchedule",
    "SimpleScheduleMessage",
    "SimpleScheduleRequest",
    "SimpleUnit",
    "SkippedRun",
    "Status",
    "StatusLevel",
    "SwapJobCluster",
    "SwapJobClusterRequest",
    "TaskMessage",
    "TaskOutput",
    "TaskOutputMessage",
    "TaskOutputRequest",
    "TaskRunView",
    "TextFormat",
    "TimeZoneOption",
    "TimeZonesMessage",
    "TimeZonesRequest",
    "ToPython",
    "TriggerKind",
    "TriggerView",
    "UndoRequest",
    "UnsavedAnswerRequest",
    "UnsavedChangesMessage",
    "UnsavedChoice",
    "ViewAsRequest",
    "Weekday",
]

# The module of each name: asking for a name imports its module only, so the editor's import does
# not build every message's TypedDict (nor import the schedule forms that some of them name).
_MODULES: dict[str, str] = {
    "edits": (
        "AddDependency AddTask CloneTask EditOp RemoveDependency RemoveTasks RenameTask "
        "ReplaceTask SetField SetJobField SetPauseStatus SetTaskType SetTriggerKind "
        "SwapJobCluster"
    ),
    "from_view": (
        "AddDependencyRequest AddTaskRequest ApplyDocumentRequest CancelAllRequest "
        "CancelRunRequest CloneTaskRequest EditRequest FromUnixRequest IterationsRequest "
        "JobRequest MatrixRequest NoticeAnswerRequest NoticeChoice PermissionsRequest PickRequest "
        "ReadyRequest RedoRequest ReferencesRequest RemoveDependencyRequest RemoveTasksRequest "
        "RenameTaskRequest RepairPreviewRequest RepairRequest ReplaceTaskRequest ReviewRequest "
        "RunNowRequest RunRequest RunsRequest SaveRequest SchedulePreviewRequest SelectRequest "
        "SetFieldRequest SetGrantsRequest SetJobFieldRequest SetPauseStatusRequest "
        "SetTaskTypeRequest SetTriggerKindRequest ShowRunRequest SimpleScheduleRequest "
        "SwapJobClusterRequest TaskOutputRequest TimeZonesRequest ToPython UndoRequest "
        "UnsavedAnswerRequest UnsavedChoice ViewAsRequest"
    ),
    "runs": (
        "ExportedView IterationAttempt Iterations IterationsPage IterationView MatrixRow "
        "RepairPlan RunDetail RunSummary TaskOutput TaskRunView"
    ),
    "shapes": (
        "Change ChangeKind Choice EdgeData GraphEdge GraphNode JsonPath NodeData Position Problem "
        "ReferenceChoice Severity"
    ),
    "tabs": (
        "DstNote EditableTriggerKind FireTime Grant PauseStatus PrincipalKind SchedulePreview "
        "ScheduleWarning SimpleSchedule SimpleUnit SkippedRun TimeZoneOption TriggerKind "
        "TriggerView Weekday"
    ),
    "to_view": (
        "ChoicesMessage DocumentMessage DocumentResultMessage EditErrorMessage FromPython "
        "FromUnixMessage GraphMessage GraphMoreMessage IterationsMessage JobMessage MatrixMessage "
        "PatchMessage PermissionsMessage PickerKind PrincipalLevels ProblemsMessage "
        "ReferencesMessage RepairPreviewMessage ReviewMessage RunErrorMessage RunMessage "
        "RunProgressMessage RunsMessage SavedMessage SaveFailedMessage SchedulePreviewMessage "
        "SimpleScheduleMessage TaskMessage TaskOutputMessage TextFormat TimeZonesMessage "
        "UnsavedChangesMessage"
    ),
    "traits": "Counts JobEditorModel Notice NoticeKind Status StatusLevel",
}
_LAZY = {
    name: f"{__name__}.{module}" for module, names in _MODULES.items() for name in names.split()
}

if TYPE_CHECKING:
    from loom_jobs_widget.editor.protocol.edits import (
        AddDependency,
        AddTask,
        CloneTask,
        EditOp,
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
    from loom_jobs_widget.editor.protocol.from_view import (
        AddDependencyRequest,
        AddTaskRequest,
        ApplyDocumentRequest,
        CancelAllRequest,
        CancelRunRequest,
        CloneTaskRequest,
        EditRequest,
        FromUnixRequest,
        IterationsRequest,
        JobRequest,
        MatrixRequest,
        NoticeAnswerRequest,
        NoticeChoice,
        PermissionsRequest,
        PickRequest,
        ReadyRequest,
        RedoRequest,
        ReferencesRequest,
        RemoveDependencyRequest,
        RemoveTasksRequest,
        RenameTaskRequest,
        RepairPreviewRequest,
        RepairRequest,
        ReplaceTaskRequest,
        ReviewRequest,
        RunNowRequest,
        RunRequest,
        RunsRequest,
        SaveRequest,
        SchedulePreviewRequest,
        SelectRequest,
        SetFieldRequest,
        SetGrantsRequest,
        SetJobFieldRequest,
        SetPauseStatusRequest,
        SetTaskTypeRequest,
        SetTriggerKindRequest,
        ShowRunRequest,
        SimpleScheduleRequest,
        SwapJobClusterRequest,
        TaskOutputRequest,
        TimeZonesRequest,
        ToPython,
        UndoRequest,
        UnsavedAnswerRequest,
        UnsavedChoice,
        ViewAsRequest,
    )
    from loom_jobs_widget.editor.protocol.runs import (
        ExportedView,
        IterationAttempt,
        Iterations,
        IterationsPage,
        IterationView,
        MatrixRow,
        RepairPlan,
        RunDetail,
        RunSummary,
        TaskOutput,
        TaskRunView,
    )
    from loom_jobs_widget.editor.protocol.shapes import (
        Change,
        ChangeKind,
        Choice,
        EdgeData,
        GraphEdge,
        GraphNode,
        JsonPath,
        NodeData,
        Position,
        Problem,
        ReferenceChoice,
        Severity,
    )
    from loom_jobs_widget.editor.protocol.tabs import (
        DstNote,
        EditableTriggerKind,
        FireTime,
        Grant,
        PauseStatus,
        PrincipalKind,
        SchedulePreview,
        ScheduleWarning,
        SimpleSchedule,
        SimpleUnit,
        SkippedRun,
        TimeZoneOption,
        TriggerKind,
        TriggerView,
        Weekday,
    )
    from loom_jobs_widget.editor.protocol.to_view import (
        ChoicesMessage,
        DocumentMessage,
        DocumentResultMessage,
        EditErrorMessage,
        FromPython,
        FromUnixMessage,
        GraphMessage,
        GraphMoreMessage,
        IterationsMessage,
        JobMessage,
        MatrixMessage,
        PatchMessage,
        PermissionsMessage,
        PickerKind,
        PrincipalLevels,
        ProblemsMessage,
        ReferencesMessage,
        RepairPreviewMessage,
        ReviewMessage,
        RunErrorMessage,
        RunMessage,
        RunProgressMessage,
        RunsMessage,
        SavedMessage,
        SaveFailedMessage,
        SchedulePreviewMessage,
        SimpleScheduleMessage,
        TaskMessage,
        TaskOutputMessage,
        TextFormat,
        TimeZonesMessage,
        UnsavedChangesMessage,
    )
    from loom_jobs_widget.editor.protocol.traits import (
        Counts,
        JobEditorModel,
        Notice,
        NoticeKind,
        Status,
        StatusLevel,
    )


__getattr__ = lazy_names(__name__, _LAZY)

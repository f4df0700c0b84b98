"""The messages Python sends the view (`FromPython`)."""

from __future__ import annotations

from typing import Any, Literal, TypeAlias, TypedDict

from typing_extensions import NotRequired

from loom_jobs_widget.editor.protocol.runs import (
    IterationsPage,
    MatrixRow,
    RepairPlan,
    RunDetail,
    RunSummary,
    TaskOutput,
)
from loom_jobs_widget.editor.protocol.shapes import (
    Change,
    Choice,
    GraphEdge,
    GraphNode,
    Problem,
    ReferenceChoice,
)
from loom_jobs_widget.editor.protocol.tabs import (
    Grant,
    SchedulePreview,
    TimeZoneOption,
    TriggerView,
)

__all__ = [
    "ChoicesMessage",
    "DocumentMessage",
    "DocumentResultMessage",
    "EditErrorMessage",
    "FromPython",
    "FromUnixMessage",
    "GraphMessage",
    "GraphMoreMessage",
    "IterationsMessage",
    "JobMessage",
    "MatrixMessage",
    "PatchMessage",
    "PermissionsMessage",
    "PickerKind",
    "PrincipalLevels",
    "ProblemsMessage",
    "ReferencesMessage",
    "RepairPreviewMessage",
    "ReviewMessage",
    "RunErrorMessage",
    "RunMessage",
    "RunProgressMessage",
    "RunsMessage",
    "SaveFailedMessage",
    "SavedMessage",
    "SchedulePreviewMessage",
    "SimpleScheduleMessage",
    "TaskMessage",
    "TaskOutputMessage",
    "TextFormat",
    "TimeZonesMessage",
    "UnsavedChangesMessage",
]


class GraphMessage(TypedDict):
    """The whole graph (on `ready`, after a reload, or when the view fell behind)."""

    kind: Literal["graph"]
    rev: int
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    more: NotRequired[bool]


class GraphMoreMessage(TypedDict):
    """The next chunk of the whole graph."""

    kind: Literal["graph_more"]
    rev: int
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    more: bool


class PatchMessage(TypedDict):
    """What changed since `base`: nodes added or changed (whole node), nodes and edges removed (by
    id), edges added, new positions of nodes that moved. A view whose rev is not `base` asks
    for the whole graph (`ready`)."""

    kind: Literal["patch"]
    rev: int
    base: int
    nodes: NotRequired[list[GraphNode]]
    remove_nodes: NotRequired[list[str]]
    edges: NotRequired[list[GraphEdge]]
    remove_edges: NotRequired[list[str]]
    #: task_key -> [x, y]
    positions: NotRequired[dict[str, list[float]]]


class TaskMessage(TypedDict):
    """The full JSON of a task, for its panel; sent when it opens and when it changed other than
    by typing in it."""

    kind: Literal["task"]
    task_key: str
    task: dict[str, Any]
    task_keys: list[str]


class ProblemsMessage(TypedDict):
    """The open task's problems and the job-level ones (no task_key), after every edit."""

    kind: Literal["problems"]
    task_key: str | None
    problems: list[Problem]
    job: list[Problem]


class EditErrorMessage(TypedDict):
    """An edit that was refused: nothing changed."""

    kind: Literal["edit_error"]
    request_id: NotRequired[int]
    message: str
    task_key: str | None
    field: str | None


#: notebook: workspace notebooks (and folders to browse); file: workspace files (and folders);
#: job_cluster: job_cluster_key of this job; environment: environment_key of this job;
#: task: task keys of this job. spark_version, node_type, policy: a new_cluster's runtime, node
#: types and cluster policy; notification_destination: a webhook's id; sql_query, sql_alert,
#: sql_dashboard (legacy), lakeview_dashboard: the ids a sql_task / dashboard_task names.
PickerKind: TypeAlias = Literal[
    "notebook", "file", "directory", "cluster", "warehouse", "job", "pipeline", "job_cluster",
    "environment", "task", "spark_version", "node_type", "policy", "notification_destination",
    "sql_query", "sql_alert", "sql_dashboard", "lakeview_dashboard",
]


class ChoicesMessage(TypedDict):
    """The answer to `pick`: the picker's entries, or why they could not be listed."""

    kind: Literal["choices"]
    request_id: int
    what: PickerKind
    items: list[Choice]
    error: NotRequired[str]


class ReferencesMessage(TypedDict):
    """The answer to `references`: the references a field of the task may hold."""

    kind: Literal["references"]
    request_id: int
    task_key: str
    items: list[ReferenceChoice]


class ReviewMessage(TypedDict):
    """The answer to `review`: what a save writes, and the errors that stop it."""

    kind: Literal["review"]
    changes: list[Change]
    summary: str
    errors: list[Problem]


#: The settings as JSON (the Jobs API's form), as YAML, or as a bundle's resources file (YAML).
TextFormat: TypeAlias = Literal["json", "yaml", "bundle"]


class DocumentMessage(TypedDict):
    """The answer to `view_as`: the settings (or one task's) as text."""

    kind: Literal["document"]
    format: TextFormat
    text: str
    task_key: NotRequired[str | None]  # the task shown alone; absent or null: the whole job


class DocumentResultMessage(TypedDict):
    """The answer to `apply_document`: applied as one undoable edit (``changed``: it changed
    something), or refused (``ok`` false: nothing changed), with where the text is wrong when
    it does not parse, and the problems of the settings as applied."""

    kind: Literal["document_result"]
    format: TextFormat
    task_key: NotRequired[str | None]
    ok: bool
    changed: bool
    message: str
    line: int | None  # 1-based, when the text does not parse
    column: int | None
    problems: list[Problem]


class SavedMessage(TypedDict):
    """The job was created or updated."""

    kind: Literal["saved"]
    job_id: int | None
    message: str


class SaveFailedMessage(TypedDict):
    """A save failed: the edits are kept."""

    kind: Literal["save_failed"]
    message: str
    conflict: bool


class UnsavedChangesMessage(TypedDict):
    """Something would replace or close the job while it has unsaved edits: the view asks the
    user (save / discard / keep editing) and answers with `unsaved_answer`."""

    kind: Literal["unsaved_changes"]
    #: what is waiting, in words: "open job 12"
    what: str
    message: str


# ---- job-level tabs -------------------------------------------------------------------------


class JobMessage(TypedDict):
    """The job's own settings (everything but `tasks`) for the job tabs; sent on `job` and after
    every edit that changed them other than by typing in a job tab's field."""

    kind: Literal["job"]
    settings: dict[str, Any]
    trigger: TriggerView
    task_keys: list[str]
    #: job_cluster_key -> the tasks using it (for the swap action and "used by").
    job_clusters_in_use: dict[str, list[str]]
    #: environment_key -> the tasks using it.
    environments_in_use: dict[str, list[str]]
    #: task_key -> the events it notifies of by itself (email or webhook), when any.
    task_notifications: dict[str, list[str]]
    #: Set for a job a bundle deploys (or UI_LOCKED): what to tell before editing it.
    deployment_warning: str | None


class SchedulePreviewMessage(TypedDict):
    """The answer to `schedule_preview`."""

    kind: Literal["schedule_preview"]
    request_id: int
    preview: SchedulePreview


class SimpleScheduleMessage(TypedDict):
    """The answer to `simple_schedule`: the Quartz expression of the form, or why there is none."""

    kind: Literal["simple_schedule"]
    request_id: int
    expression: NotRequired[str]
    error: NotRequired[str]


class FromUnixMessage(TypedDict):
    """The answer to `from_unix`: the Quartz expression of a Unix cron one, or why there is none."""

    kind: Literal["from_unix"]
    request_id: int
    expression: NotRequired[str]
    error: NotRequired[str]


class TimeZonesMessage(TypedDict):
    """The answer to `time_zones`: the zones the picker offers."""

    kind: Literal["time_zones"]
    request_id: int
    zones: list[TimeZoneOption]


class PrincipalLevels(TypedDict):
    """The levels each kind of principal may get, highest first."""

    user_name: list[str]
    group_name: list[str]
    service_principal_name: list[str]


class PermissionsMessage(TypedDict):
    """The Permissions tab: the grants as loaded (`loaded`, null for a job not saved yet or when
    they could not be read: `error`), as edited (`grants`), their problems, and the levels each
    kind of principal may get. Edited grants are saved with the job (Review & save)."""

    kind: Literal["permissions"]
    loaded: list[Grant] | None
    grants: list[Grant]
    problems: list[Problem]
    levels: PrincipalLevels
    error: NotRequired[str]


# ---- runs -------------------------------------------------------------------------------------
# An answer to a run request that failed carries `error` and leaves out what it could not read.


class RunsMessage(TypedDict):
    """The answer to `runs`: a page of the job's run history, newest first."""

    kind: Literal["runs"]
    request_id: int
    runs: NotRequired[list[RunSummary]]
    has_more: NotRequired[bool]
    error: NotRequired[str]


class RunMessage(TypedDict):
    """The answer to `run`: one run with its tasks."""

    kind: Literal["run"]
    request_id: int
    run: NotRequired[RunDetail]
    error: NotRequired[str]


class TaskOutputMessage(TypedDict):
    """The answer to `task_output`."""

    kind: Literal["task_output"]
    request_id: int
    output: NotRequired[TaskOutput]
    error: NotRequired[str]


class IterationsMessage(TypedDict):
    """The answer to `iterations`: a page of a for_each task run's iterations."""

    kind: Literal["iterations"]
    request_id: int
    page: NotRequired[IterationsPage]
    error: NotRequired[str]


class RepairPreviewMessage(TypedDict):
    """The answer to `repair_preview`: what a repair would rerun and reuse."""

    kind: Literal["repair_preview"]
    request_id: int
    plan: NotRequired[RepairPlan]
    root_causes: NotRequired[list[str]]
    error: NotRequired[str]


class MatrixMessage(TypedDict):
    """The answer to `matrix`: the state of each task in the latest runs."""

    kind: Literal["matrix"]
    request_id: int
    task_keys: NotRequired[list[str]]
    runs: NotRequired[list[MatrixRow]]
    error: NotRequired[str]


class RunErrorMessage(TypedDict):
    """A run message without a reply (run_now, repair, cancel...) failed: why."""

    kind: Literal["run_error"]
    message: str


class RunProgressMessage(TypedDict):
    """The run followed live (run now, repair, or one chosen with `show_run`), after each read."""

    kind: Literal["run_progress"]
    run: RunSummary
    done: int
    total: int
    finished: bool
    root_causes: list[str]


#: What Python sends the view.
FromPython: TypeAlias = (
    GraphMessage | GraphMoreMessage | PatchMessage | TaskMessage | ProblemsMessage
    | EditErrorMessage | ChoicesMessage | ReferencesMessage | ReviewMessage | DocumentMessage
    | SavedMessage | SaveFailedMessage | JobMessage | SchedulePreviewMessage
    | SimpleScheduleMessage | FromUnixMessage | TimeZonesMessage | PermissionsMessage | RunsMessage
    | RunMessage | TaskOutputMessage | RepairPreviewMessage | MatrixMessage | RunErrorMessage
    | RunProgressMessage | UnsavedChangesMessage | IterationsMessage | DocumentResultMessage
)

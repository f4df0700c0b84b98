"""The shapes both directions share: problems, the compact graph, choices, changes."""

from __future__ import annotations

from typing import Any, Literal, TypeAlias, TypedDict

from typing_extensions import NotRequired

__all__ = [
    "Change",
    "ChangeKind",
    "Choice",
    "EdgeData",
    "GraphEdge",
    "GraphNode",
    "JsonPath",
    "NodeData",
    "Position",
    "Problem",
    "ReferenceChoice",
    "Severity",
]

#: A path inside a task (or, for job fields, inside the settings):
#: ["notebook_task", "base_parameters", "x"].
JsonPath: TypeAlias = list[str | int]

Severity: TypeAlias = Literal["error", "warning"]


class Problem(TypedDict):
    """One finding of the validator about the job's settings."""

    code: str
    severity: Severity
    message: str
    task_key: str | None
    #: Path into the settings, as the validator writes it: `tasks[etl].depends_on[0].task_key`.
    field: str | None
    #: `field` relative to the task, as a JsonPath, when the problem is inside a task:
    #: ["depends_on", 0, "task_key"].
    path: NotRequired[JsonPath | None]


class NodeData(TypedDict):
    """What a task's node shows on the canvas."""

    #: the task_key
    id: str
    label: str
    #: "notebook_task"; an unknown "*_task" as it is; null when none
    task_type: str | None
    #: For a for_each task: the type of its nested task.
    nested_type: NotRequired[str | None]
    #: "job_cluster" | "existing_cluster" | "new_cluster" | "environment" | null
    compute_kind: str | None
    #: What the compute badge shows: the job_cluster_key, environment_key, cluster id,
    #: "new cluster".
    compute_label: NotRequired[str | None]
    #: the node box's width in px, kept by the layout
    width: float
    disabled: NotRequired[bool]
    #: problem counts of the task
    errors: NotRequired[int]
    warnings: NotRequired[int]
    #: The task's state in the run shown on the canvas: "SUCCESS", "FAILED", "RUNNING"...
    state: NotRequired[str | None]


class Position(TypedDict):
    """The centre of a node, in px."""

    x: float
    y: float


class GraphNode(TypedDict):
    """A task on the canvas."""

    data: NodeData
    position: Position


class EdgeData(TypedDict):
    """A `depends_on` entry on the canvas: from the upstream task to its dependent."""

    #: `${source}->${target}` plus `:${outcome}` when there is one
    id: str
    #: upstream task_key
    source: str
    #: dependent task_key
    target: str
    #: "true" | "false" after a condition task
    outcome: str | None
    #: The run_if of the dependent task ("ALL_SUCCESS" when unset): styles the edge.
    run_if: str
    #: The bends [[x, y], ...] that keep the edge off other tasks, when it is not straight and
    #: the job has fewer than 500 tasks.
    route: NotRequired[list[list[float]]]


class GraphEdge(TypedDict):
    """A dependency on the canvas."""

    data: EdgeData


class Choice(TypedDict):
    """One entry of a picker."""

    value: str
    label: str
    detail: NotRequired[str]
    #: A folder in a workspace listing: choosing it lists it.
    is_dir: NotRequired[bool]
    #: The last entry of a list the workspace has more of: its `value` is the `page_token` of the
    #: next answer.
    more: NotRequired[bool]


class ReferenceChoice(TypedDict):
    """A dynamic value reference a field may hold."""

    #: "{{job.parameters.env}}"
    reference: str
    description: str


ChangeKind: TypeAlias = Literal["added", "removed", "changed", "reordered"]


class Change(TypedDict):
    """One line of the review: a difference a save writes."""

    kind: ChangeKind
    path: str
    #: one line for a person: "tasks[etl].notebook_task.notebook_path: '/a' → '/b'"
    text: str
    before: NotRequired[Any]
    after: NotRequired[Any]
    #: someone else changed this too since the editor loaded the job: a save writes yours
    conflict: NotRequired[bool]

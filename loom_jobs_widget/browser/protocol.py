"""The messages between the JobsBrowser view and Python, typed: the one source of
``js/src/generated/browser-protocol.ts``.

Small state is in traits (see `JobsBrowserModel`); the pages of jobs and the row actions go
through custom messages (model.send / model.on("msg:custom")). Python answers every request
with a message carrying the same request_id; errors come back as an `error` message (never a
traceback).

Read with `ast` by `scripts/generate_ts.py`, as `loom_jobs_widget.editor.protocol` is: the same
few constructs, and shapes shared with the editor are imported from there.
"""

from __future__ import annotations

from typing import Literal, TypeAlias, TypedDict

from typing_extensions import NotRequired

from loom_jobs_widget.editor.protocol import Status, TriggerKind

__all__ = [
    "Action",
    "ActionDoneMessage",
    "ActionRequest",
    "ErrorMessage",
    "FromPython",
    "Grant",
    "GrantKind",
    "JobRow",
    "JobsBrowserModel",
    "ListRequest",
    "PageMessage",
    "PermissionsMessage",
    "Query",
    "QueryState",
    "ReadyRequest",
    "RowAction",
    "RowsMessage",
    "RunBadge",
    "RunSummary",
    "ToPython",
    "TriggerSummary",
    "VisibilityRequest",
]

#: "": any; "active": a trigger that starts runs; "paused": paused; "none": no trigger.
QueryState: TypeAlias = Literal["", "active", "paused", "none"]


class Query(TypedDict):
    """What the list shows. `tag` is `key` or `key=value`; `state` filters on the trigger."""

    search: str
    owner: str
    tag: str
    state: QueryState


class TriggerSummary(TypedDict):
    """The Trigger column."""

    kind: TriggerKind
    paused: bool
    #: Whether the job has something to pause (a schedule, trigger or continuous).
    pausable: bool
    #: "At 10:15, Monday through Friday", "Every 2 hours", "File arrival", "None".
    text: str


#: The Last run column's badge.
RunBadge: TypeAlias = Literal[
    "succeeded", "failed", "running", "pending", "canceled", "skipped", "other"
]


class RunSummary(TypedDict):
    """The Last run column: when, and a badge with its label; a click opens the run."""

    run_id: int | None
    state: RunBadge
    #: "Succeeded", "Failed", "Running"...
    label: str
    #: epoch ms
    start_time: int | None
    end_time: int | None
    #: the run's page in the workspace, opened in a new tab; null when no browser tab can open
    #: it (always on the local workspace)
    url: str | None
    #: the run opens in the editor's run view (`open_run`): the local workspace's runs, whose
    #: run view is their only page
    opens_in_editor: bool


class JobRow(TypedDict):
    """One row of the table."""

    job_id: int
    name: str
    tasks: int | None
    creator: str | None
    created_time: int | None
    #: a tag with no value has ""
    tags: dict[str, str]
    trigger: TriggerSummary
    last_run: RunSummary | None


#: What a row's buttons ask for. `open_run`: the row's last run, in the job's editor.
RowAction: TypeAlias = Literal[
    "run_now", "pause", "resume", "open", "open_permissions", "open_run", "delete", "permissions"
]
#: A row's action, or "create" (a new job, from the toolbar).
Action: TypeAlias = RowAction | Literal["create"]


# ---- view -> Python -----------------------------------------------------------------------


class ReadyRequest(TypedDict):
    """The view is drawn: it needs the current page."""

    kind: Literal["ready"]
    request_id: NotRequired[int]


class ListRequest(TypedDict):
    """A page of the list."""

    kind: Literal["list"]
    request_id: NotRequired[int]
    #: Omitted: the current query. A changed query starts at offset 0.
    query: NotRequired[Query]
    offset: NotRequired[int]
    limit: NotRequired[int]
    #: Read the jobs again from the workspace.
    refresh: NotRequired[bool]


class ActionRequest(TypedDict):
    """A row's action (or "create")."""

    kind: Literal["action"]
    request_id: NotRequired[int]
    action: Action
    job_id: NotRequired[int | None]
    #: `open_run`: the run to show
    run_id: NotRequired[int]


class VisibilityRequest(TypedDict):
    """Whether the user can see this view (on screen, in a visible tab): active runs are
    followed only while a view is seen. A removed view says it is not."""

    kind: Literal["visibility"]
    request_id: NotRequired[int]
    #: The view's own id (a model may have several views).
    view_id: str
    visible: bool


#: The view → Python.
ToPython: TypeAlias = ReadyRequest | ListRequest | ActionRequest | VisibilityRequest


#: A principal's kind: the field of an access_control_list entry that names it.
GrantKind: TypeAlias = Literal["user_name", "group_name", "service_principal_name", "unknown"]


class Grant(TypedDict):
    """One principal's permissions on a job, as the row's permissions dialog lists them."""

    principal: str
    kind: GrantKind
    #: "IS_OWNER", "CAN_MANAGE"...
    levels: list[str]
    inherited: bool


# ---- Python -> view -----------------------------------------------------------------------


class PageMessage(TypedDict):
    """A page of the list."""

    kind: Literal["page"]
    request_id: int | None
    query: Query
    offset: int
    limit: int
    rows: list[JobRow]
    #: More jobs match after this page.
    has_more: bool
    #: How many jobs match, once the listing reached its end; null: not known yet.
    total: int | None
    #: How many matching jobs were read so far.
    known: int
    #: Creators seen so far (suggestions for the owner filter).
    owners: list[str]
    #: The connected user, for "Created by me".
    me: str | None


class ActionDoneMessage(TypedDict):
    """An action is done."""

    kind: Literal["action_done"]
    request_id: int | None
    action: Action
    job_id: int | None
    text: str
    #: The job's row after the action (pause, resume, run now).
    row: NotRequired[JobRow]
    run_id: NotRequired[int]


class RowsMessage(TypedDict):
    """Rows of the page shown that changed by themselves (a run ended) or elsewhere in this
    kernel (a job saved in an editor): each replaces the row of its job_id."""

    kind: Literal["rows"]
    rows: list[JobRow]


class PermissionsMessage(TypedDict):
    """The answer to the `permissions` action: the job's grants, one per principal."""

    kind: Literal["permissions"]
    request_id: int | None
    job_id: int
    access_control_list: list[Grant]


class ErrorMessage(TypedDict):
    """A request failed: why, for a person."""

    kind: Literal["error"]
    request_id: int | None
    text: str
    job_id: int | None


#: Python → the view.
FromPython: TypeAlias = (
    PageMessage | ActionDoneMessage | RowsMessage | PermissionsMessage | ErrorMessage
)


# ---- traits -------------------------------------------------------------------------------


class JobsBrowserModel(TypedDict):
    """The JobsBrowser's traits."""

    #: "local workspace" or the host; never a credential.
    workspace_label: str
    query: Query
    offset: int
    page_size: int
    status: Status
    #: The job open in the editor below the list (null: none, or a new job).
    opened_job_id: int | None

"""The job-level tabs' shapes: a job's trigger, the schedule form and preview, grants."""

from __future__ import annotations

from typing import Any, Literal, TypeAlias, TypedDict

from loom_jobs_widget.editor.protocol.shapes import Problem

__all__ = [
    "DstNote",
    "EditableTriggerKind",
    "FireTime",
    "Grant",
    "PauseStatus",
    "PrincipalKind",
    "SchedulePreview",
    "ScheduleWarning",
    "SimpleSchedule",
    "SimpleUnit",
    "SkippedRun",
    "TimeZoneOption",
    "TriggerKind",
    "TriggerView",
    "Weekday",
]

PauseStatus: TypeAlias = Literal["PAUSED", "UNPAUSED"]

#: What starts the job's runs; "other": something the tab cannot show as a form (a model
#: trigger, several at once...): `note` says what.
TriggerKind: TypeAlias = Literal[
    "none", "scheduled", "periodic", "continuous", "file_arrival", "table_update", "other"
]
#: A TriggerKind the tab can make.
EditableTriggerKind: TypeAlias = Literal[
    "none", "scheduled", "periodic", "continuous", "file_arrival", "table_update"
]


class TriggerView(TypedDict):
    """The job's trigger as the Schedules & Triggers tab shows it."""

    kind: TriggerKind
    #: null: nothing to pause
    pause_status: PauseStatus | None
    #: A copy of the kind's object (`schedule`, `trigger.periodic`, `continuous`...), null for
    #: none.
    spec: dict[str, Any] | None
    note: str | None


SimpleUnit: TypeAlias = Literal["minutes", "hours", "days", "weeks"]
Weekday: TypeAlias = Literal["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]


class SimpleSchedule(TypedDict):
    """A schedule in the tab's simple mode."""

    every: int
    unit: SimpleUnit
    hour: int
    minute: int
    weekdays: list[Weekday]


class DstNote(TypedDict):
    """What daylight saving changes about one fire time."""

    kind: Literal["repeated", "after_skipped"]
    message: str


class FireTime(TypedDict):
    """One time the schedule fires, in UTC, the job's zone and the viewer's."""

    utc: str
    #: ISO 8601 with the job zone's offset
    job_time: str
    #: "EDT"
    job_zone_name: str
    viewer_time: str
    viewer_zone_name: str
    dst: list[DstNote]


class SkippedRun(TypedDict):
    """A wall time the schedule names that does not run."""

    wall_time: str
    reason: Literal["nonexistent", "quartz_gap_search"]


class ScheduleWarning(TypedDict):
    """Something about the schedule a person should know (a clock change, the viewer's zone)."""

    kind: Literal["skipped", "repeated", "viewer_timezone"]
    date: str | None
    message: str


class SchedulePreview(TypedDict):
    """Everything the schedule form shows for an expression and zone."""

    expression: str
    timezone_id: str
    viewer_timezone: str
    valid: bool
    problems: list[Problem]
    #: "At 02:30 every day"
    description: str | None
    #: the simple-mode form of the expression, when there is one
    simple: SimpleSchedule | None
    fire_times: list[FireTime]
    #: fewer fire times than asked: the schedule stops firing
    ends: bool
    skipped: list[SkippedRun]
    warnings: list[ScheduleWarning]


class TimeZoneOption(TypedDict):
    """A time zone the picker offers."""

    id: str
    #: "+05:30"
    offset: str
    offset_minutes: int
    #: "(UTC+05:30) Asia/Kolkata"
    label: str
    alias_of: str | None
    note: str | None


PrincipalKind: TypeAlias = Literal["user_name", "group_name", "service_principal_name"]


class Grant(TypedDict):
    """One permission of one principal: a row of the Permissions tab."""

    kind: PrincipalKind | str
    name: str
    #: IS_OWNER, CAN_MANAGE, CAN_MANAGE_RUN, CAN_VIEW
    level: str
    #: read only
    inherited: bool
    inherited_from: list[str]
    display_name: str | None

"""The job-level tabs' shapes: a job's trigger, the schedule form and preview, grants. They are
the shapes `schedule` and `core` return, named here as the view knows them."""

from __future__ import annotations

from loom_jobs_widget.core.permissions import GrantJson as Grant
from loom_jobs_widget.core.permissions import PrincipalKind
from loom_jobs_widget.schedule.forms import DstNote, FireTime, SchedulePreview, SkippedRun
from loom_jobs_widget.schedule.forms import DstWarning as ScheduleWarning
from loom_jobs_widget.schedule.simple import SimpleScheduleJson as SimpleSchedule
from loom_jobs_widget.schedule.simple import SimpleUnit, Weekday
from loom_jobs_widget.schedule.triggers import (
    EditableTriggerKind,
    PauseStatus,
    TriggerKind,
    TriggerView,
)
from loom_jobs_widget.schedule.zones import TimeZoneOption

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

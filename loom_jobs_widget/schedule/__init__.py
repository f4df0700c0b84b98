"""Quartz cron as Databricks runs it, time zones, and a job's triggers. Knows nothing of the job
model, so the validator below it in `core` can ask it about a schedule.

`MAX_YEAR` is not re-exported: every reader reads `schedule.fields.MAX_YEAR`, so a copy here
would pin nothing.
"""

from loom_jobs_widget.schedule.describe import describe
from loom_jobs_widget.schedule.fields import CronError
from loom_jobs_widget.schedule.fire_times import next_fire_times
from loom_jobs_widget.schedule.forms import (
    MAX_PREVIEW_COUNT,
    DstNote,
    DstWarning,
    FireTime,
    SchedulePreview,
    SkippedRun,
    preview,
)
from loom_jobs_widget.schedule.simple import (
    SIMPLE_INTERVALS,
    WEEKDAYS,
    SimpleSchedule,
    SimpleScheduleJson,
    SimpleUnit,
    Weekday,
    simple_of,
)
from loom_jobs_widget.schedule.triggers import (
    EDITABLE_KINDS,
    TRIGGER_FIELDS,
    EditableTriggerKind,
    PauseStatus,
    TriggerKind,
    TriggerView,
    pause_status,
    set_pause_status,
    set_trigger_kind,
    trigger_kind,
    trigger_view,
)
from loom_jobs_widget.schedule.unix import from_unix
from loom_jobs_widget.schedule.zones import (
    TimeZoneInfo,
    TimeZoneOption,
    java_time_zones,
    resolve_zone,
    time_zone_info,
)

__all__ = [
    "EDITABLE_KINDS",
    "MAX_PREVIEW_COUNT",
    "SIMPLE_INTERVALS",
    "TRIGGER_FIELDS",
    "WEEKDAYS",
    "CronError",
    "DstNote",
    "DstWarning",
    "EditableTriggerKind",
    "FireTime",
    "PauseStatus",
    "SchedulePreview",
    "SimpleSchedule",
    "SimpleScheduleJson",
    "SimpleUnit",
    "SkippedRun",
    "TimeZoneInfo",
    "TimeZoneOption",
    "TriggerKind",
    "TriggerView",
    "Weekday",
    "describe",
    "from_unix",
    "java_time_zones",
    "next_fire_times",
    "pause_status",
    "preview",
    "resolve_zone",
    "set_pause_status",
    "set_trigger_kind",
    "simple_of",
    "time_zone_info",
    "trigger_kind",
    "trigger_view",
]

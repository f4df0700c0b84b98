"""Quartz cron as Databricks runs it, time zones, and a job's triggers. Knows nothing of the job
model, so the validator below it in `core` can ask it about a schedule.

`MAX_YEAR` is not re-exported: every reader reads `schedule.fields.MAX_YEAR`, so a copy here
would pin nothing. Names resolve on first use, so the validator, which asks about cron
expressions, does not import the Schedules tab's forms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loom_jobs_widget._lazy import lazy_names

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

_LAZY = {
    "describe": "loom_jobs_widget.schedule.description",
    "CronError": "loom_jobs_widget.schedule.fields",
    "next_fire_times": "loom_jobs_widget.schedule.fire_times",
    "MAX_PREVIEW_COUNT": "loom_jobs_widget.schedule.forms",
    "DstNote": "loom_jobs_widget.schedule.forms",
    "DstWarning": "loom_jobs_widget.schedule.forms",
    "FireTime": "loom_jobs_widget.schedule.forms",
    "SchedulePreview": "loom_jobs_widget.schedule.forms",
    "SkippedRun": "loom_jobs_widget.schedule.forms",
    "preview": "loom_jobs_widget.schedule.forms",
    "SIMPLE_INTERVALS": "loom_jobs_widget.schedule.simple",
    "WEEKDAYS": "loom_jobs_widget.schedule.simple",
    "SimpleSchedule": "loom_jobs_widget.schedule.simple",
    "SimpleScheduleJson": "loom_jobs_widget.schedule.simple",
    "SimpleUnit": "loom_jobs_widget.schedule.simple",
    "Weekday": "loom_jobs_widget.schedule.simple",
    "simple_of": "loom_jobs_widget.schedule.simple",
    "EDITABLE_KINDS": "loom_jobs_widget.schedule.triggers",
    "TRIGGER_FIELDS": "loom_jobs_widget.schedule.triggers",
    "EditableTriggerKind": "loom_jobs_widget.schedule.triggers",
    "PauseStatus": "loom_jobs_widget.schedule.triggers",
    "TriggerKind": "loom_jobs_widget.schedule.triggers",
    "TriggerView": "loom_jobs_widget.schedule.triggers",
    "pause_status": "loom_jobs_widget.schedule.triggers",
    "set_pause_status": "loom_jobs_widget.schedule.triggers",
    "set_trigger_kind": "loom_jobs_widget.schedule.triggers",
    "trigger_kind": "loom_jobs_widget.schedule.triggers",
    "trigger_view": "loom_jobs_widget.schedule.triggers",
    "from_unix": "loom_jobs_widget.schedule.unix",
    "TimeZoneInfo": "loom_jobs_widget.schedule.zones",
    "TimeZoneOption": "loom_jobs_widget.schedule.zones",
    "java_time_zones": "loom_jobs_widget.schedule.zones",
    "resolve_zone": "loom_jobs_widget.schedule.zones",
    "time_zone_info": "loom_jobs_widget.schedule.zones",
}

if TYPE_CHECKING:
    from loom_jobs_widget.schedule.description import describe
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


__getattr__ = lazy_names(__name__, _LAZY)

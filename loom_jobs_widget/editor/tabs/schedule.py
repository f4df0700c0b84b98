"""The Schedules & Triggers tab: its previews (fire times, the simple form's and a Unix
expression's Quartz, the time zones) and its edits (the trigger's kind, pausing)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

# The previews' modules (Quartz, zones, fire times) are named through the package, which imports
# them when the tab first asks: opening the editor does not pay for them.
from loom_jobs_widget import schedule
from loom_jobs_widget.core import editing
from loom_jobs_widget.core.editing import EditError
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.schedule.triggers import EDITABLE_KINDS, set_pause_status, set_trigger_kind

if TYPE_CHECKING:
    from loom_jobs_widget.editor.protocol import (
        FromUnixMessage,
        FromUnixRequest,
        SchedulePreviewMessage,
        SchedulePreviewRequest,
        SetPauseStatus,
        SetTriggerKind,
        SimpleScheduleMessage,
        SimpleScheduleRequest,
        TimeZonesMessage,
        TimeZonesRequest,
    )

__all__ = [
    "from_unix_message",
    "pause_status_edit",
    "schedule_preview_message",
    "simple_schedule_message",
    "time_zones_message",
    "trigger_kind_edit",
]

_PREVIEW_COUNT = 10
"""Fire times a preview lists unless the view asks for 1 to 100."""

# --- previews -----------------------------------------------------------------------------------


def schedule_preview_message(request: SchedulePreviewRequest) -> SchedulePreviewMessage:
    """What the schedule does: its description, next fire times and clock-change warnings."""
    request_id = request["request_id"]
    count = request.get("count", _PREVIEW_COUNT)
    start = _text_or_none(request.get("start"))
    shown = schedule.preview(
        str(request["quartz_cron_expression"]),
        str(request["timezone_id"]),
        count=count if isinstance(count, int) and 1 <= count <= 100 else _PREVIEW_COUNT,
        viewer_timezone=_text_or_none(request.get("viewer_timezone")),
        start=_instant(start, str(request["timezone_id"])) if start is not None else None,
    )
    return {"kind": "schedule_preview", "request_id": request_id, "preview": shown}


def simple_schedule_message(request: SimpleScheduleRequest) -> SimpleScheduleMessage:
    """The Quartz expression of the simple form, or why it has none."""
    reply: SimpleScheduleMessage = {"kind": "simple_schedule", "request_id": request["request_id"]}
    try:
        reply["expression"] = schedule.SimpleSchedule.from_json(request["simple"]).to_quartz()
    except (ValueError, TypeError, KeyError) as error:
        reply["error"] = str(error)
    return reply


def from_unix_message(request: FromUnixRequest) -> FromUnixMessage:
    """The Quartz expression of a Unix cron expression, or why it has none."""
    reply: FromUnixMessage = {"kind": "from_unix", "request_id": request["request_id"]}
    try:
        reply["expression"] = schedule.from_unix(str(request["expression"]))
    except schedule.CronError as error:
        reply["error"] = str(error)
    return reply


def time_zones_message(request: TimeZonesRequest) -> TimeZonesMessage:
    """The zones the picker offers."""
    zones = schedule.java_time_zones()
    return {"kind": "time_zones", "request_id": request["request_id"], "zones": zones}


def _instant(text: str, timezone_id: str) -> datetime:
    """An instant from the view: ISO 8601 with an offset (or Z), or a wall time in the job's
    zone (a datetime-local input's value)."""
    instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if instant.tzinfo is None:
        try:
            zone = schedule.resolve_zone(timezone_id)
        except schedule.CronError:
            zone = timezone.utc
        instant = instant.replace(tzinfo=zone)
    return instant


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


# --- edits --------------------------------------------------------------------------------------


def trigger_kind_edit(settings: JobSettings, op: SetTriggerKind) -> tuple[JobSettings, str]:
    """The settings with a trigger of this kind (and no other), and the edit's undo label."""
    kind = op["trigger_kind"]
    if kind not in EDITABLE_KINDS:
        raise EditError(
            f"There is no trigger kind {kind!r}; the kinds are {', '.join(EDITABLE_KINDS)}.",
            field="trigger",
        )
    zone = _text_or_none(op.get("timezone_id")) or "UTC"
    document = set_trigger_kind(settings.to_api(), kind, timezone_id=zone)
    return editing.set_job_fields(settings, document), f"make the trigger {kind.replace('_', ' ')}"


def pause_status_edit(settings: JobSettings, op: SetPauseStatus) -> tuple[JobSettings, str]:
    """The settings with the trigger paused or resumed, and the edit's undo label."""
    status = op["status"]
    if status not in ("PAUSED", "UNPAUSED"):
        raise EditError(f"pause_status is PAUSED or UNPAUSED, not {status!r}.")
    new = editing.set_job_fields(settings, set_pause_status(settings.to_api(), status))
    return new, "pause the job" if status == "PAUSED" else "resume the job"

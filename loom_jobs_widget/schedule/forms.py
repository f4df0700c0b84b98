"""What the Schedules & triggers tab shows for a cron schedule as the user types: a fire-time
preview in the job's zone and the viewer's, with what daylight saving does to it.

Every function here returns plain dicts, lists, strings and numbers that go to the browser as they
are. `preview(...)` gives the next fire times, the description, the simple-mode form (`simple`),
the problems (the very messages the validator gives) and what daylight saving does to the
schedule. Quartz never moves a fire time: a local time that a spring-forward gap skips does not run
at all that day, and a time the clocks repeat runs once, at its second (standard-time) occurrence.
The preview names both.

The form's simple mode is `simple`, its time-zone picker `zones`.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Final, Literal, TypedDict

from loom_jobs_widget.schedule.fields import CronError
from loom_jobs_widget.schedule.simple import SimpleScheduleJson, simple_of
from loom_jobs_widget.schedule.zones import resolve_zone, transitions, utc_offset

__all__ = [
    "MAX_PREVIEW_COUNT",
    "DstNote",
    "DstWarning",
    "FireTime",
    "PreviewProblem",
    "SchedulePreview",
    "SkippedRun",
    "preview",
]

_UTC: Final = timezone.utc
MAX_PREVIEW_COUNT: Final = 500
# Expected fire times enumerated around one clock change, at most: an every-second schedule
# across a one-hour gap skips 3,600 runs; the warning then says "at least".
_IDEAL_CAP: Final = 1000


class DstNote(TypedDict):
    """What daylight saving changes about one fire time."""

    kind: Literal["repeated", "after_skipped"]
    message: str


class FireTime(TypedDict):
    """One time the schedule fires, in UTC, the job's zone and the viewer's."""

    utc: str  # '2026-03-09T06:30:00Z'
    job_time: str  # ISO 8601 with the job zone's offset: '2026-03-09T02:30:00-04:00'
    job_zone_name: str  # 'EDT'
    viewer_time: str
    viewer_zone_name: str
    dst: list[DstNote]  # empty unless daylight saving changes something about this run


class SkippedRun(TypedDict):
    """A wall time the schedule names that does not run."""

    wall_time: str  # the local time that does not run, without offset: '2027-03-14T02:30:00'
    # nonexistent: inside a spring-forward gap. quartz_gap_search: it exists, but Quartz 2.3.2's
    # search jumps past it after crossing a gap (Lord Howe's 30-minute gap, Nuuk's 23:00 gap).
    reason: Literal["nonexistent", "quartz_gap_search"]


class DstWarning(TypedDict):
    """Something about the schedule a person should know (a clock change, the viewer's zone)."""

    kind: Literal["skipped", "repeated", "viewer_timezone"]
    date: str | None  # the local date in the job's zone, when the warning is about one
    message: str


class PreviewProblem(TypedDict):
    """A problem of the schedule, as the validator words it for a job's `schedule`."""

    code: str
    severity: Literal["error"]
    message: str
    task_key: None
    field: str


class SchedulePreview(TypedDict):
    """Everything the schedule form shows for an expression and zone."""

    expression: str
    timezone_id: str
    viewer_timezone: str
    valid: bool
    problems: list[PreviewProblem]
    description: str | None  # "At 02:30 every day"
    simple: SimpleScheduleJson | None  # the simple-mode form, when there is one
    fire_times: list[FireTime]
    ends: bool  # fewer fire times than asked for: the schedule stops firing
    skipped: list[SkippedRun]
    warnings: list[DstWarning]


def preview(expression: str, timezone_id: str, *, count: int = 10,
            viewer_timezone: str | None = None, start: datetime | None = None) -> SchedulePreview:
    """Everything the schedule form shows for an expression and zone, as JSON-ready data.

    The fire times are exactly `next_fire_times(expression, timezone_id, start, count)` (Quartz
    2.3.2 as Databricks runs it), strictly after `start` (default: now). `viewer_timezone` is the
    browser's zone (IANA or Java id; default UTC; an unknown one falls back to UTC with a
    warning). An invalid expression or zone gives `valid: False` and the validator's problems,
    never an exception: the form calls this on every keystroke.

    Raises ValueError only for a caller's mistake: `count` outside 1..MAX_PREVIEW_COUNT or a
    naive `start`.
    """
    if isinstance(count, bool) or not isinstance(count, int) or \
            not 1 <= count <= MAX_PREVIEW_COUNT:
        raise ValueError(f"count must be 1 to {MAX_PREVIEW_COUNT}, not {count!r}")
    if start is None:
        start = datetime.now(_UTC)
    elif start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be a timezone-aware datetime")
    warnings: list[DstWarning] = []
    viewer_id, viewer = _viewer_zone(viewer_timezone, warnings)
    result: SchedulePreview = {
        "expression": expression, "timezone_id": timezone_id, "viewer_timezone": viewer_id,
        "valid": False, "problems": _schedule_problems(expression, timezone_id),
        "description": None, "simple": None, "fire_times": [], "ends": False, "skipped": [],
        "warnings": warnings,
    }
    if any(p["severity"] == "error" for p in result["problems"]):
        return result
    # Quartz's evaluation is imported by the first preview, not with the shapes the editor's
    # protocol names from here.
    from loom_jobs_widget.schedule.description import describe
    from loom_jobs_widget.schedule.fire_times import next_fire_times

    try:
        fires = next_fire_times(expression, timezone_id, start, count)
        zone = resolve_zone(timezone_id)
        result["description"] = describe(expression)
    except CronError as exc:
        # The validator checks from now; from another start Quartz can still loop forever
        # ('L-29W'). Same wording as the validator's invalid-cron-expression.
        result["problems"].append({
            "code": "invalid-cron-expression", "severity": "error",
            "message": f"schedule.quartz_cron_expression '{expression}' is not valid Quartz: "
                       f"{exc}",
            "task_key": None, "field": "schedule.quartz_cron_expression"})
        return result
    simple = simple_of(expression)
    result["valid"] = True
    result["simple"] = simple.to_json() if simple is not None else None
    result["ends"] = len(fires) < count
    notes: list[list[DstNote]] = [[] for _ in fires]
    if fires and not isinstance(zone, timezone):
        _daylight_saving(expression, timezone_id, zone, start, fires, notes, result)
    result["fire_times"] = [
        {"utc": f.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "job_time": f.isoformat(),
         "job_zone_name": f.tzname() or "", "viewer_time": f.astimezone(viewer).isoformat(),
         "viewer_zone_name": f.astimezone(viewer).tzname() or "", "dst": note}
        for f, note in zip(fires, notes, strict=True)
    ]
    return result


def _schedule_problems(expression: str, timezone_id: str) -> list[PreviewProblem]:
    # The very problems the validator gives for a job's `schedule`, in its Problem.to_dict() form.
    from loom_jobs_widget.schedule.problems import cron_problems

    return [{"code": p["code"], "severity": p["severity"], "message": p["message"],
             "task_key": None, "field": p["field"]}
            for p in cron_problems(expression, timezone_id, "schedule")]


def _viewer_zone(viewer_timezone: str | None, warnings: list[DstWarning]) -> tuple[str, tzinfo]:
    if viewer_timezone is None:
        return "UTC", _UTC
    try:
        return viewer_timezone, resolve_zone(viewer_timezone)
    except CronError:
        pass
    try:
        # A browser may know a zone the job's Java does not ('Factory' aside): show it anyway.
        return viewer_timezone, zoneinfo.ZoneInfo(viewer_timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        warnings.append({"kind": "viewer_timezone", "date": None,
                         "message": f"Unknown viewer time zone {viewer_timezone!r}: times are "
                                    "shown in UTC instead."})
        return "UTC", _UTC


def _wall(instant: datetime, offset: timedelta) -> datetime:
    return instant.replace(tzinfo=None) + offset


def _clock(wall: datetime) -> str:
    return wall.strftime("%H:%M:%S" if wall.second else "%H:%M")


def _runs_phrase(walls: Sequence[datetime], capped: bool = False) -> tuple[str, bool]:
    """('the 02:30 run', False) / ('the 02:00, 02:15 and 02:30 runs', True) / ('the 60 runs
    from 02:00 to 02:59', True): the phrase and whether it is plural."""
    if len(walls) == 1 and not capped:
        return f"the {_clock(walls[0])} run", False
    if len(walls) <= 4 and not capped:
        names = [_clock(w) for w in walls]
        return f"the {', '.join(names[:-1])} and {names[-1]} runs", True
    if capped:
        return f"at least {len(walls)} runs from {_clock(walls[0])} on", True
    return f"the {len(walls)} runs from {_clock(walls[0])} to {_clock(walls[-1])}", True


def _daylight_saving(expression: str, timezone_id: str, zone: tzinfo, start: datetime,
                     fires: Sequence[datetime], notes: list[list[DstNote]],
                     result: SchedulePreview) -> None:
    """Fill in the skipped runs, per-run notes and warnings of the clock changes between `start`
    and the last fire time.

    Skips are found by comparing the fire times with the wall-clock times the expression names
    (the same expression evaluated in UTC, where no clock changes) near each spring-forward gap:
    this also catches the valid times Quartz's search jumps past after a gap, which a check of
    "is this time inside the gap" would miss.
    """
    walls = [f.replace(tzinfo=None) for f in fires]
    fired = set(walls)
    start_wall = start.astimezone(zone).replace(tzinfo=None)
    last_wall = walls[-1]
    # From a day before the start: a run just after it may repeat a time the clocks went back
    # over before the start.
    for instant, before, after in transitions(zone, start - timedelta(days=1), fires[-1]):
        if after > before:
            gap_start, gap_end = _wall(instant, before), _wall(instant, after)
            # Quartz's cursor can lose valid times up to about a day after a gap (Nuuk).
            lo = max(gap_start - timedelta(seconds=1), start_wall)
            hi = min(gap_end + timedelta(days=2), last_wall)
            ideal = _walls_between(expression, lo, hi)
            if ideal is None:
                continue
            capped = len(ideal) >= _IDEAL_CAP
            missing = [w for w in ideal if w not in fired]
            if missing:
                _report_skipped(timezone_id, gap_start, gap_end, missing, capped, walls, notes,
                                result)
        else:
            repeat_start, repeat_end = _wall(instant, after), _wall(instant, before)
            repeated = [i for i, w in enumerate(walls) if repeat_start <= w < repeat_end]
            if repeated:
                _report_repeated(timezone_id, repeat_start, repeat_end, before, after,
                                 [walls[i] for i in repeated], repeated, notes, result)


def _walls_between(expression: str, lo: datetime, hi: datetime) -> list[datetime] | None:
    """The wall-clock times in (lo, hi] that the expression names (at most _IDEAL_CAP): the
    expression evaluated in UTC, where no clock changes. None if Quartz cannot evaluate it."""
    from loom_jobs_widget.schedule.fire_times import next_fire_times

    walls: list[datetime] = []
    cursor = lo.replace(tzinfo=_UTC)
    batch = 8  # most schedules name a few times around a clock change; grow only when needed
    while len(walls) < _IDEAL_CAP:
        try:
            found = next_fire_times(expression, "UTC", cursor, batch)
        except CronError:
            return None
        for t in found:
            if t.replace(tzinfo=None) > hi:
                return walls
            walls.append(t.replace(tzinfo=None))
        if len(found) < batch:
            return walls
        cursor = found[-1]
        batch = min(batch * 4, _IDEAL_CAP - len(walls))
    return walls


def _report_skipped(timezone_id: str, gap_start: datetime, gap_end: datetime,
                    missing: list[datetime], capped: bool, walls: Sequence[datetime],
                    notes: list[list[DstNote]], result: SchedulePreview) -> None:
    inside = [w for w in missing if gap_start <= w < gap_end]
    jumped = [w for w in missing if not gap_start <= w < gap_end]
    for w in missing:
        result["skipped"].append({"wall_time": w.isoformat(),
                                  "reason": "nonexistent" if w in inside else "quartz_gap_search"})
    if inside:
        phrase, plural = _runs_phrase(inside, capped and not jumped)
        result["warnings"].append({
            "kind": "skipped", "date": inside[0].date().isoformat(),
            "message": f"On {inside[0].date().isoformat()} {phrase} {'are' if plural else 'is'} "
                       f"skipped: clocks go forward from {_clock(gap_start)} to "
                       f"{_clock(gap_end)} in {timezone_id}, and Quartz does not run a time "
                       "that does not exist (it does not run it later instead)."})
    if jumped:
        phrase, plural = _runs_phrase(jumped, capped)
        result["warnings"].append({
            "kind": "skipped", "date": jumped[0].date().isoformat(),
            "message": f"On {jumped[0].date().isoformat()} {phrase} {'are' if plural else 'is'} "
                       f"skipped too, although that time exists: after the clocks go forward "
                       f"in {timezone_id}, Quartz 2.3.2 (and so Databricks) jumps past "
                       f"{'them' if plural else 'it'}."})
    # The note goes on the first run after each skipped stretch, where the list shows the hole.
    for i, wall in enumerate(walls):
        before = [w for w in missing if w < wall and (i == 0 or w > walls[i - 1])]
        if before:
            phrase, plural = _runs_phrase(before, capped and before[-1] == missing[-1])
            notes[i].append({
                "kind": "after_skipped",
                "message": f"{phrase[0].upper()}{phrase[1:]} on {before[0].date().isoformat()} "
                           f"before this one {'are' if plural else 'is'} skipped (clocks go "
                           f"forward in {timezone_id})."})


def _report_repeated(timezone_id: str, repeat_start: datetime, repeat_end: datetime,
                     before: timedelta, after: timedelta, repeated: list[datetime],
                     indexes: list[int], notes: list[list[DstNote]],
                     result: SchedulePreview) -> None:
    day = repeated[0].date().isoformat()
    phrase, plural = _runs_phrase(repeated)
    result["warnings"].append({
        "kind": "repeated", "date": day,
        "message": f"On {day} clocks go back from {_clock(repeat_end)} to {_clock(repeat_start)} "
                   f"in {timezone_id}, so that hour happens twice: {phrase} "
                   f"{'happen only once each' if plural else 'happens only once'}, at the "
                   f"second occurrence ({utc_offset(after)}), not the first "
                   f"({utc_offset(before)})."})
    for i, wall in zip(indexes, repeated, strict=True):
        notes[i].append({
            "kind": "repeated",
            "message": f"{_clock(wall)} happens twice on {day} (clocks go back); Quartz runs "
                       f"once, at the second {_clock(wall)} ({utc_offset(after)})."})

"""What the Schedules & triggers tab shows for a cron schedule: simple mode, a fire-time preview
with daylight-saving warnings, and the time-zone picker.

`schedule` is the Quartz engine (parse, evaluate, describe, convert) and stays one; this module
turns its answers into forms and JSON for the editor's view, so every function here returns plain
dicts, lists, strings and numbers that go to the browser as they are:

* `SimpleSchedule` ↔ Quartz: "every N minutes / hours / days / weeks at a time of day" and
  `simple_of(expression)`, which recognises an expression whose fire times simple mode can state
  exactly (by its value sets, not its spelling: '0 */15 * * * ?' and '0 0,15,30,45 * * * ?' are
  the same schedule).
* `preview(...)`: the next fire times in the job's zone and the viewer's, the description, the
  problems (from `validation`, so the tab shows the very messages the validator gives), and what
  daylight saving does to the schedule. Quartz never moves a fire time: a local time that a
  spring-forward gap skips does not run at all that day, and a time the clocks repeat runs once,
  at its second (standard-time) occurrence. The preview names both.
* `java_time_zones()` / `time_zone_info(id)`: the Java time-zone ids a picker offers, with their
  current UTC offset, and what a given id means to Java.

Java 17 (tzdb 2025a, the Quartz oracle's runtime) and Python's tzdata (2026f here) differ as
follows (measured with `TimeZone.getAvailableIDs()` against `tzdata`'s list; the offsets of every
shared id agree for 2026 and 2027):

* Java only: the legacy three-letter ids (ACT, AET, ..., PST, VST: `schedule._JAVA_OLD_IDS`,
  note BST = Dhaka and IST = Kolkata) and SystemV/*. They are accepted and explained, not offered.
* EST, MST and HST are fixed offsets in Java (no daylight saving) but links to zones with history
  in tzdata; they are explained ("EST has no summer time") and not offered.
* Python only: Factory and ROC (Java would silently use GMT: refused by `schedule`), GMT+0 and
  GMT-0 (Java reads them as the custom offset GMT+00:00: valid, not offered) and zones newer than
  the Java runtime's data (America/Coyhaique, tzdata 2025b: offered with a warning, since a JVM
  with older data would run the job in GMT).
"""

from __future__ import annotations

import functools
import importlib.resources
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any, Final, Literal, TypedDict, get_args

from loom_jobs_widget.schedule import quartz as schedule
from loom_jobs_widget.schedule.quartz import (
    _JAVA_FIXED_IDS,
    _JAVA_OLD_IDS,
    CronError,
    _known_zone_ids,
    _spec,
    describe,
    next_fire_times,
    resolve_zone,
)

__all__ = [
    "MAX_PREVIEW_COUNT",
    "SIMPLE_INTERVALS",
    "DstNote",
    "DstWarning",
    "FireTime",
    "SchedulePreview",
    "SimpleSchedule",
    "SimpleScheduleJson",
    "SimpleUnit",
    "SkippedRun",
    "TimeZoneInfo",
    "TimeZoneOption",
    "Weekday",
    "java_time_zones",
    "preview",
    "simple_of",
    "time_zone_info",
]

_UTC: Final = timezone.utc
_MIN_YEAR: Final = 1970  # Quartz never fires before it (as schedule._MIN_YEAR)

# --- simple mode ---------------------------------------------------------------------------------

SimpleUnit = Literal["minutes", "hours", "days", "weeks"]
Weekday = Literal["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
WEEKDAYS: Final[tuple[Weekday, ...]] = get_args(Weekday)
# Quartz numbers days 1 = SUN .. 7 = SAT.
_QUARTZ_DAY: Final[dict[Weekday, int]] = {
    "SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7,
}
_DAY_OF_QUARTZ: Final[dict[int, Weekday]] = {n: d for d, n in _QUARTZ_DAY.items()}

# The intervals Quartz can repeat exactly. A step in a cron field restarts at every hour, day or
# month ('0/45' minutes is :00 and :45), so only divisors of the period are true intervals, and
# 'every N days' for N > 1 is not one (a day-of-month step restarts on the 1st). The periodic
# trigger ({"interval": N, "unit": "DAYS"}) is what repeats every N days or weeks.
SIMPLE_INTERVALS: Final[dict[SimpleUnit, tuple[int, ...]]] = {
    "minutes": (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30),
    "hours": (1, 2, 3, 4, 6, 8, 12),
    "days": (1,),
    "weeks": (1,),
}


class SimpleScheduleJson(TypedDict):
    every: int
    unit: SimpleUnit
    hour: int
    minute: int
    weekdays: list[Weekday]


@dataclass(frozen=True)
class SimpleSchedule:
    """A schedule in the tab's simple mode; always convertible to Quartz (`to_quartz`).

    * minutes: every `every` minutes from `minute` past each hour (0 <= minute < every);
    * hours: every `every` hours at `minute` past, from `hour` (the day's first run);
    * days: every day at `hour`:`minute`;
    * weeks: on `weekdays` at `hour`:`minute`.

    Normalised on construction, so that `simple_of(s.to_quartz()) == s` for every instance: the
    offsets are taken modulo the interval (every 6 hours from 14:00 is from 02:00), unused fields
    become 0 / (), and weekdays are sorted Monday first. Invalid values raise ValueError with a
    message for the form.
    """

    every: int
    unit: SimpleUnit
    hour: int = 0
    minute: int = 0
    weekdays: tuple[Weekday, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.unit not in SIMPLE_INTERVALS:
            raise ValueError(f"unit must be one of {', '.join(SIMPLE_INTERVALS)}, not "
                             f"{self.unit!r}")
        for name, top in (("every", 60), ("hour", 23), ("minute", 59)):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"{name} must be a whole number, not {value!r}")
            if not 0 <= value <= top:
                raise ValueError(f"{name} must be 0 to {top}, not {value}")
        allowed = SIMPLE_INTERVALS[self.unit]
        if self.every not in allowed:
            if self.unit in ("days", "weeks"):
                raise ValueError(
                    f"a cron schedule cannot repeat every {self.every} {self.unit} exactly "
                    "(Quartz restarts its count every month); use a periodic trigger "
                    f"(every {self.every} {self.unit}) instead")
            whole = "an hour" if self.unit == "minutes" else "a day"
            raise ValueError(
                f"every {self.every} {self.unit} does not divide {whole} evenly, so Quartz "
                "cannot repeat it exactly; use one of "
                f"{', '.join(map(str, allowed))}, or a periodic trigger")
        days = tuple(self.weekdays)
        unknown = [d for d in days if d not in _QUARTZ_DAY]
        if unknown:
            raise ValueError(f"unknown weekday {unknown[0]!r} (use {', '.join(WEEKDAYS)})")
        if self.unit == "weeks" and not days:
            raise ValueError("a weekly schedule needs at least one weekday")
        # Normalise (see the class docstring); object.__setattr__ because the class is frozen.
        hour, minute = self.hour, self.minute
        if self.unit == "minutes":
            hour, minute = 0, minute % self.every
        elif self.unit == "hours":
            hour %= self.every
        ordered = tuple(d for d in WEEKDAYS if d in days) if self.unit == "weeks" else ()
        object.__setattr__(self, "hour", hour)
        object.__setattr__(self, "minute", minute)
        object.__setattr__(self, "weekdays", ordered)

    def to_quartz(self) -> str:
        """The Quartz expression, in the spelling the Databricks UI writes ('0 0/15 * * * ?')."""
        m, h, n = self.minute, self.hour, self.every
        if self.unit == "minutes":
            return "0 * * * * ?" if n == 1 else f"0 {m}/{n} * * * ?"
        if self.unit == "hours":
            return f"0 {m} * * * ?" if n == 1 else f"0 {m} {h}/{n} * * ?"
        if self.unit == "days":
            return f"0 {m} {h} * * ?"
        return f"0 {m} {h} ? * {_quartz_weekdays(self.weekdays)}"

    def to_json(self) -> SimpleScheduleJson:
        return {"every": self.every, "unit": self.unit, "hour": self.hour,
                "minute": self.minute, "weekdays": list(self.weekdays)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SimpleSchedule:
        """From the form's JSON (`to_json`'s shape); ValueError naming what is wrong."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a simple schedule is a JSON object, not {type(data).__name__}")
        unknown = sorted(set(data) - set(SimpleScheduleJson.__annotations__))
        if unknown:
            raise ValueError(f"unknown simple-schedule field {unknown[0]!r}")
        weekdays = data.get("weekdays", [])
        if not isinstance(weekdays, list | tuple):
            raise ValueError(f"weekdays must be a list, not {weekdays!r}")
        if "every" not in data or "unit" not in data:
            raise ValueError("a simple schedule needs 'every' and 'unit'")
        return cls(every=data["every"], unit=data["unit"], hour=data.get("hour", 0),
                   minute=data.get("minute", 0), weekdays=tuple(weekdays))


def _quartz_weekdays(days: Sequence[Weekday]) -> str:
    if len(days) == 7:
        return "*"
    # Runs of three or more within MON..SAT become ranges (MON-FRI); SUN, last in the week but
    # 1 in Quartz, stays a plain name so that no range has to wrap around.
    items: list[str] = []
    run: list[Weekday] = []
    for day in (*days, None):
        if day is not None and day != "SUN" and run and WEEKDAYS.index(day) == \
                WEEKDAYS.index(run[-1]) + 1:
            run.append(day)
            continue
        if run:
            items.extend([f"{run[0]}-{run[-1]}"] if len(run) >= 3 else run)
        run = [day] if day is not None else []
    return ",".join(items)


def _interval(values: Sequence[int], period: int) -> int | None:
    """N when `values` are exactly offset, offset + N, ... around a period that N divides."""
    count = len(values)
    if not count or period % count:
        return None
    n = period // count
    first = values[0]
    return n if first < n and list(values) == list(range(first, period, n)) else None


def simple_of(expression: str) -> SimpleSchedule | None:
    """The simple-mode form of a Quartz expression, or None when simple mode cannot state its
    fire times exactly (or the expression is invalid). Compares value sets, so any spelling of
    a simple schedule is recognised; `simple_of(e).to_quartz()` fires exactly when `e` does."""
    try:
        sp = _spec(expression)
    except CronError:
        return None
    max_year = schedule.MAX_YEAR  # read at call time: tests pin it
    live_years = [y for y in sp.years if _MIN_YEAR <= y <= max_year]
    if sp.seconds != (0,) or len(sp.months) != 12 or live_years != list(
            range(_MIN_YEAR, max_year + 1)):
        return None
    every_day_dom = (sp.dom_spec and not sp.last_dom and not sp.nearest_weekday
                     and len(sp.dom) == 31)
    plain_dow = sp.dow_spec and not sp.last_dow and not sp.nth_dow
    every_day = every_day_dom or (plain_dow and len(sp.dow) == 7)
    mins, hours = sp.minutes, sp.hours
    if every_day and len(hours) == 24 and len(mins) > 1:  # one minute an hour: hours mode
        n = _interval(mins, 60)
        if n is not None:
            return SimpleSchedule(every=n, unit="minutes", minute=mins[0])
    if len(mins) != 1:
        return None
    if every_day and len(hours) > 1:
        n = _interval(hours, 24)
        return (SimpleSchedule(every=n, unit="hours", hour=hours[0], minute=mins[0])
                if n is not None else None)
    if len(hours) != 1:
        return None
    if every_day_dom:
        return SimpleSchedule(every=1, unit="days", hour=hours[0], minute=mins[0])
    if plain_dow and all(1 <= d <= 7 for d in sp.dow):
        days = tuple(_DAY_OF_QUARTZ[d] for d in sp.dow)
        return SimpleSchedule(every=1, unit="weeks", hour=hours[0], minute=mins[0],
                              weekdays=days)
    return None


# --- preview ------------------------------------------------------------------------------------

MAX_PREVIEW_COUNT: Final = 500
# Expected fire times enumerated around one clock change, at most: an every-second schedule
# across a one-hour gap skips 3,600 runs; the warning then says "at least".
_IDEAL_CAP: Final = 1000


class DstNote(TypedDict):
    kind: Literal["repeated", "after_skipped"]
    message: str


class FireTime(TypedDict):
    utc: str  # '2026-03-09T06:30:00Z'
    job_time: str  # ISO 8601 with the job zone's offset: '2026-03-09T02:30:00-04:00'
    job_zone_name: str  # 'EDT'
    viewer_time: str
    viewer_zone_name: str
    dst: list[DstNote]  # empty unless daylight saving changes something about this run


class SkippedRun(TypedDict):
    wall_time: str  # the local time that does not run, without offset: '2027-03-14T02:30:00'
    # nonexistent: inside a spring-forward gap. quartz_gap_search: it exists, but Quartz 2.3.2's
    # search jumps past it after crossing a gap (Lord Howe's 30-minute gap, Nuuk's 23:00 gap).
    reason: Literal["nonexistent", "quartz_gap_search"]


class DstWarning(TypedDict):
    kind: Literal["skipped", "repeated", "viewer_timezone"]
    date: str | None  # the local date in the job's zone, when the warning is about one
    message: str


class SchedulePreview(TypedDict):
    expression: str
    timezone_id: str
    viewer_timezone: str
    valid: bool
    problems: list[dict[str, str | None]]  # validation.Problem.to_dict() of the schedule
    description: str | None
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


def _schedule_problems(expression: str, timezone_id: str) -> list[dict[str, str | None]]:
    # The validator owns the messages about a schedule; ask it about a job that has only this one.
    from loom_jobs_widget.core.validation import validate

    settings = {"schedule": {"quartz_cron_expression": expression, "timezone_id": timezone_id}}
    return [p.to_dict() for p in validate(settings)
            if p.field is not None and p.field.startswith("schedule.")]


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


def _transitions(zone: tzinfo, lo: datetime, hi: datetime
                 ) -> list[tuple[datetime, timedelta, timedelta]]:
    """(instant, offset before, offset after) of each offset change in (lo, hi], found by weekly
    samples (no zone changes twice within a week) and bisection to the second."""

    def offset(t: int) -> timedelta:
        value = datetime.fromtimestamp(t, _UTC).astimezone(zone).utcoffset()
        assert value is not None
        return value

    week = 7 * 86400
    t, stop = int(lo.timestamp()), int(hi.timestamp())
    before = offset(t)
    found = []
    while t < stop:
        t_next = min(t + week, stop)
        after = offset(t_next)
        if after != before:
            a, b = t, t_next  # the offset changes in (a, b]
            while b - a > 1:
                mid = (a + b) // 2
                a, b = (a, mid) if offset(mid) != before else (mid, b)
            found.append((datetime.fromtimestamp(b, _UTC), before, offset(b)))
        t, before = t_next, after
    return found


def _wall(instant: datetime, offset: timedelta) -> datetime:
    return instant.replace(tzinfo=None) + offset


def _clock(wall: datetime) -> str:
    return wall.strftime("%H:%M:%S" if wall.second else "%H:%M")


def _gmt(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


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
    for instant, before, after in _transitions(zone, start - timedelta(days=1), fires[-1]):
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
                   f"second occurrence ({_gmt(after)}), not the first ({_gmt(before)})."})
    for i, wall in zip(indexes, repeated, strict=True):
        notes[i].append({
            "kind": "repeated",
            "message": f"{_clock(wall)} happens twice on {day} (clocks go back); Quartz runs "
                       f"once, at the second {_clock(wall)} ({_gmt(after)})."})


# --- time zones ---------------------------------------------------------------------------------


class TimeZoneOption(TypedDict):
    id: str
    offset: str  # the current UTC offset: '+05:30'
    offset_minutes: int
    label: str  # '(UTC+05:30) Asia/Kolkata'
    alias_of: str | None  # the zone a link names: 'US/Eastern' -> 'America/New_York'
    note: str | None


class TimeZoneInfo(TypedDict):
    id: str
    valid: bool
    offset: str | None
    offset_minutes: int | None
    alias_of: str | None
    note: str | None
    error: str | None  # why Databricks cannot use it (schedule.CronError's message)


# Ids tzdata has that the picker does not offer: Java does not know them (it would silently use
# GMT) or reads them differently; and the legacy ones Java reads as fixed offsets.
_NOT_OFFERED: Final = frozenset({"Factory", "ROC", "GMT+0", "GMT-0", *_JAVA_FIXED_IDS})
# Common names that tzdata makes links; shown as themselves, not as aliases of Etc/*.
_NOT_ALIASES: Final = frozenset({"UTC", "GMT"})
# Zones newer than the Java runtime the oracle used (tzdb 2025a); a JVM whose data is older
# than the zone does not know it and would run the job in GMT.
_NEWER_THAN_JAVA: Final = {
    "America/Coyhaique": ("2025b", "America/Punta_Arenas"),
}


def _notes() -> dict[str, str]:
    notes = {
        old: f"Java's legacy id for {target}; prefer '{target}'"
        for old, target in _JAVA_OLD_IDS.items()
    }
    notes["BST"] = ("Java's legacy id for Asia/Dhaka (Bangladesh), not British Summer Time; for "
                    "the UK use 'Europe/London'")
    notes["IST"] = ("Java's legacy id for Asia/Kolkata (India), not Irish or Israel time; "
                    "prefer 'Asia/Kolkata'")
    for fixed, etc in _JAVA_FIXED_IDS.items():
        offset = -int(etc.removeprefix("Etc/GMT+"))
        notes[fixed] = (f"a fixed UTC{offset:+03d}:00 in Java, with no daylight saving; for a "
                        "place that changes its clocks pick its zone ('America/New_York', ...)")
    for zone_id in _known_zone_ids():
        # POSIX signs: Etc/GMT+5 is five hours behind UTC, a classic slip.
        if zone_id.startswith("Etc/GMT") and zone_id[7:8] in ("+", "-"):
            hours = -int(zone_id[7:])
            notes[zone_id] = (f"{zone_id} is UTC{hours:+03d}:00 (POSIX signs are inverted), a "
                              "fixed offset")
    for zone_id, (version, instead) in _NEWER_THAN_JAVA.items():
        notes[zone_id] = (f"new in tzdata {version}: a Databricks runtime whose Java has older "
                          f"time-zone data would run the job in GMT; '{instead}' has the same "
                          "rules today")
    return notes


_ZONE_NOTES: Final = _notes()


@functools.cache
def _links() -> dict[str, str]:
    """tzdata's links (alias -> zone) from its tzdata.zi ('L target alias' lines)."""
    try:
        text = importlib.resources.files("tzdata").joinpath("zoneinfo/tzdata.zi").read_text(
            encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return {}
    links = {}
    for line in text.splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    return links


def _alias_of(zone_id: str) -> str | None:
    if zone_id in _NOT_ALIASES or zone_id in _JAVA_FIXED_IDS:
        return None  # Java's EST is a fixed UTC-5, not tzdata's link to America/Panama
    target = _links().get(zone_id) or _JAVA_OLD_IDS.get(zone_id)
    return target if target not in _NOT_ALIASES else None


@functools.cache
def _offered_ids() -> tuple[str, ...]:
    return tuple(sorted(z for z in _known_zone_ids() if z not in _NOT_OFFERED))


def _offset_text(offset: timedelta) -> str:
    return _gmt(offset).removeprefix("UTC")


@functools.lru_cache(maxsize=4)
def _options_at(minute: datetime) -> tuple[tuple[str, int, str | None, str | None], ...]:
    rows = []
    for zone_id in _offered_ids():
        offset = minute.astimezone(zoneinfo.ZoneInfo(zone_id)).utcoffset()
        assert offset is not None
        rows.append((zone_id, int(offset.total_seconds()) // 60, _alias_of(zone_id),
                     _ZONE_NOTES.get(zone_id)))
    rows.sort(key=lambda row: (row[1], row[0]))
    return tuple(rows)


def java_time_zones(*, at: datetime | None = None) -> list[TimeZoneOption]:
    """The time-zone ids the picker offers, ordered by their UTC offset at `at` (default now),
    then id: every IANA zone and link Java knows, minus the ids Java misreads (see the module
    docstring). Cached per minute; each call returns fresh dicts the caller may change."""
    moment = (at or datetime.now(_UTC)).astimezone(_UTC).replace(second=0, microsecond=0)
    return [
        {"id": zone_id, "offset": _offset_text(timedelta(minutes=minutes)),
         "offset_minutes": minutes,
         "label": f"(UTC{_offset_text(timedelta(minutes=minutes))}) {zone_id}",
         "alias_of": alias, "note": note}
        for zone_id, minutes, alias, note in _options_at(moment)
    ]


def time_zone_info(timezone_id: str, *, at: datetime | None = None) -> TimeZoneInfo:
    """What Databricks makes of a job's `timezone_id`, for showing it beside the picker (also
    the ids the picker does not offer: 'PST', 'EST', 'GMT+05:30')."""
    try:
        zone = resolve_zone(timezone_id)
    except CronError as exc:
        return {"id": timezone_id, "valid": False, "offset": None, "offset_minutes": None,
                "alias_of": None, "note": None, "error": str(exc)}
    offset = (at or datetime.now(_UTC)).astimezone(zone).utcoffset()
    assert offset is not None
    note = _ZONE_NOTES.get(timezone_id)
    if note is None and isinstance(zone, timezone):
        note = "a fixed offset, with no daylight saving"
    return {"id": timezone_id, "valid": True, "offset": _offset_text(offset),
            "offset_minutes": int(offset.total_seconds()) // 60,
            "alias_of": _alias_of(timezone_id), "note": note, "error": None}

"""The schedule form's simple mode: "every N minutes / hours / days / weeks at a time of day" as a
`SimpleSchedule`, to Quartz (`to_quartz`) and back (`simple_of`).

`simple_of(expression)` recognises an expression whose fire times simple mode can state exactly,
by its value sets, not its spelling: '0 */15 * * * ?' and '0 0,15,30,45 * * * ?' are the same
schedule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypedDict, get_args

from loom_jobs_widget.schedule import fields
from loom_jobs_widget.schedule.fields import MIN_YEAR, CronError

__all__ = [
    "SIMPLE_INTERVALS",
    "WEEKDAYS",
    "SimpleSchedule",
    "SimpleScheduleJson",
    "SimpleUnit",
    "Weekday",
    "simple_of",
]

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
    """A schedule in the tab's simple mode."""

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
    # The parser is imported when a preview first asks, not with the form's shapes.
    from loom_jobs_widget.schedule.quartz import spec_of

    try:
        sp = spec_of(expression)
    except CronError:
        return None
    max_year = fields.MAX_YEAR  # read at call time: tests pin it
    live_years = [y for y in sp.years if MIN_YEAR <= y <= max_year]
    if sp.seconds != (0,) or len(sp.months) != 12 or live_years != list(
            range(MIN_YEAR, max_year + 1)):
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


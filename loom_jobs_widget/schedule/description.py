"""A Quartz cron expression in words: 'At 10:15, Monday through Friday', 'Every 5 minutes'."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from loom_jobs_widget.schedule import fields
from loom_jobs_widget.schedule.fields import MIN_YEAR, consecutive_runs, uniform_step
from loom_jobs_widget.schedule.quartz import Spec, spec_of
from loom_jobs_widget.schedule.zones import resolve_zone

__all__ = ["describe"]

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
_DAY_NAMES = {1: "Sunday", 2: "Monday", 3: "Tuesday", 4: "Wednesday", 5: "Thursday",
              6: "Friday", 7: "Saturday"}
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _run_items(values: Sequence[int], name: Callable[[int], str],
               cycle: tuple[int, int] | None = None) -> list[str]:
    """Names of sorted values, with runs of three or more as 'a through b'.

    With ``cycle`` (the lowest and highest value) a run may wrap around: NOV-FEB is one run.
    """
    runs = consecutive_runs(values)
    lo, hi = cycle if cycle is not None else (0, 0)
    size = hi - lo + 1 if cycle is not None else 0
    if size and len(runs) > 1 and runs[0][0] == lo and runs[-1][1] == hi:
        runs = [(runs[-1][0], runs[0][1] + size), *runs[1:-1]]

    def label(v: int) -> str:
        return name(v - size if size and v > hi else v)

    items: list[str] = []
    for a, b in runs:
        if b - a >= 2:
            items.append(f"{label(a)} through {label(b)}")
        else:
            items.extend(label(v) for v in range(a, b + 1))
    return items


def _step(values: Sequence[int], period: int) -> int | None:
    """n when values repeat every n units around the clock (e.g. 3, 23, 43 in an hour)."""
    n = uniform_step(values)
    if n is None or period % n or values[0] >= n or len(values) != period // n:
        return None
    return n


def _unit(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _hour_window(hours: Sequence[int]) -> str:
    runs = consecutive_runs(hours)
    if len(runs) > 3:
        return f"during hours {_join([f'{h:02d}' for h in hours])}"
    return "between " + " and between ".join(f"{a:02d}:00 and {b:02d}:59" for a, b in runs)


def _every(values: Sequence[int], period: int, word: str, of: str) -> str:
    """'every 5 minutes', 'every minute', 'at minutes 0, 25 and 50 past the hour', ..."""
    if len(values) == period:
        return f"every {word}"
    n = _step(values, period)
    if n is not None and values[0] == 0:
        return f"every {_unit(n, word)}"
    if n is not None and len(values) > 4:
        return f"every {_unit(n, word)} from {word} {values[0]} past the {of}"
    prefix = f"every {_unit(n, word)}, " if n is not None else ""
    if len(values) == 1:
        return f"{prefix}at {word} {values[0]} past the {of}"
    return f"{prefix}at {word}s {_join(_run_items(values, str))} past the {of}"


def _describe_time(sp: Spec) -> tuple[str, bool]:
    """The time-of-day phrase, and whether it names fixed times (which take 'every day')."""
    secs, mins, hours = sp.seconds, sp.minutes, sp.hours

    def clock(h: int, m: int, s: int) -> str:
        return f"{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")

    if len(secs) == 1:
        s = secs[0]
        if len(mins) * len(hours) <= 6 and len(hours) < 24:
            return "At " + _join([clock(h, m, s) for h in hours for m in mins]), True
        if len(mins) == 1:
            m = mins[0]
            if len(hours) == 24:
                if m == s == 0:
                    return "Every hour", False
                return f"Every hour at minute {m}" + (f", second {s}" if s else ""), False
            runs = consecutive_runs(hours)
            if len(runs) == 1:
                a, b = runs[0]
                return f"Every hour from {clock(a, m, s)} through {clock(b, m, s)}", False
            n = _step(hours, 24)
            if n is not None:
                return (f"Every {_unit(n, 'hour')} from {clock(hours[0], m, s)} through "
                        f"{clock(hours[-1], m, s)}"), False
            return "At " + _join([clock(h, m, s) for h in hours]), True
        text = _every(mins, 60, "minute", "hour")
        if s:
            text += f", at second {s}"
    else:
        text = _every(secs, 60, "second", "minute")
        if len(mins) < 60:
            text += ", " + _every(mins, 60, "minute", "hour")
    if len(hours) < 24:
        text += ", " + _hour_window(hours)
    return text[0].upper() + text[1:], False


def _describe_days(sp: Spec) -> str | None:
    """The day phrase, or None for every day."""
    if sp.dom_spec:
        if sp.last_dom:
            off = sp.last_offset
            before = f"{_unit(off, 'day')} before the last day of the month"
            if sp.nearest_weekday:
                return ("on the last weekday of the month" if off == 0
                        else f"on the weekday nearest {before}")
            return "on the last day of the month" if off == 0 else before
        if sp.nearest_weekday:
            return f"on the weekday nearest day {sp.dom[0]} of the month"
        if len(sp.dom) == 31:
            return None
        if _month_day(sp):
            return f"on {_MONTH_NAMES[sp.months[0] - 1]} {sp.dom[0]}"
        if len(sp.dom) == 1:
            return f"on day {sp.dom[0]} of the month"
        return f"on days {_join(_run_items(sp.dom, str))} of the month"
    first = 7 if sp.dow[0] == 0 else sp.dow[0]
    if sp.last_dow:
        return f"on the last {_DAY_NAMES[first]} of the month"
    if sp.nth_dow:
        if first > 7:
            return f"on the {_ORDINALS[sp.nth_dow]} day {first} of the month (never fires)"
        return f"on the {_ORDINALS[sp.nth_dow]} {_DAY_NAMES[first]} of the month"
    if len(sp.dow) == 7:
        return None
    # Monday-first, so that SAT,SUN reads as a weekend and MON-FRI as one range.
    order = sorted((d + 5) % 7 for d in sp.dow)
    items = _run_items(order, lambda i: _DAY_NAMES[(i + 1) % 7 + 1], (0, 6))
    if len(items) == 1 and "through" in items[0]:
        return items[0]
    if len(items) == 1:
        return f"on {items[0]}s"
    return "on " + _join(items)


def _month_day(sp: Spec) -> bool:
    """One day of one month, described as a date ('on January 1')."""
    return (sp.dom_spec and not sp.last_dom and not sp.nearest_weekday and len(sp.dom) == 1
            and len(sp.months) == 1)


def _describe_months(sp: Spec) -> str | None:
    if len(sp.months) == 12:
        return None
    if not sp.months:
        return "in no month (never fires)"
    if _month_day(sp):
        return None
    items = _run_items(sp.months, lambda m: _MONTH_NAMES[m - 1], (1, 12))
    if len(items) == 1:
        return items[0] if "through" in items[0] else f"only in {items[0]}"
    return "in " + _join(items)


def _describe_years(sp: Spec) -> str | None:
    max_year = fields.MAX_YEAR
    years = sp.years
    live = [y for y in years if MIN_YEAR <= y <= max_year]
    if live == list(range(MIN_YEAR, max_year + 1)):
        return None
    if not live:
        return (f"in {_join(_run_items(years, str))} (never fires: Quartz only fires from "
                f"{MIN_YEAR} to {max_year})") if years else "(never fires: no year)"
    n = uniform_step(live)
    if n is not None and n > 1 and len(live) >= 3 and live[-1] + n > max_year:
        return f"every {n} years from {live[0]}"
    if len(live) == 1:
        return f"only in {live[0]}"
    items = _run_items(live, str)
    if len(items) == 1 and "through" in items[0]:
        return f"from {items[0]}"
    return "in " + _join(items)


def describe(expression: str, timezone_id: str | None = None) -> str:
    """A human description, e.g. 'At 10:15, Monday through Friday' or 'Every 5 minutes'.

    Raises CronError for an invalid expression or time-zone id, never for a valid one.
    """
    sp = spec_of(expression)
    if timezone_id is not None:
        resolve_zone(timezone_id)
    text, fixed_times = _describe_time(sp)
    days = _describe_days(sp)
    if days is None:
        if fixed_times:
            text += " every day"
    else:
        text += ", " + days
    for extra in (_describe_months(sp), _describe_years(sp)):
        if extra:
            text += ", " + extra
    if timezone_id is not None:
        text += f" ({timezone_id})"
    return text

"""Next fire times of a Quartz cron expression in a Java time zone, as Databricks (Quartz 2.3.2's
``CronExpression.getTimeAfter``) finds them, daylight saving included.

How it is built:

* croniter iterates the calendar on the zone's naive wall clock for everything it can express
  (plain values, ``L`` in day-of-month, ``nL`` and ``n#k`` in day-of-week). Years are handled
  here, not by croniter (which stops at 2099).
* A port of Quartz's own search loop (``getTimeAfter``) on a model of Java's lenient calendar
  handles what croniter lacks: the day-of-month rules ``L-n``, ``nW``, ``LW`` and ``L-nW`` (with
  Quartz's quirks: ``31W`` can fire on the 30th; ``L-28W`` .. ``L-30W`` can loop forever), and any
  search that crosses a spring-forward gap, where Java moves the cursor in ways a plain skip does
  not reproduce (Lord Howe's 30-minute gap skips valid times; Nuuk's gap at 23:00 skips a day).
* A wall-clock time maps to an instant as Java maps it: a time inside a spring-forward gap never
  fires, a repeated time fires once, at its later (standard-time) occurrence.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from calendar import monthrange
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

from loom_jobs_widget.schedule import fields
from loom_jobs_widget.schedule.fields import DOM, FIELD_NAMES, MIN_YEAR, CronError
from loom_jobs_widget.schedule.quartz import Spec, spec_of
from loom_jobs_widget.schedule.zones import resolve_zone, transitions

if TYPE_CHECKING:
    from croniter import croniter

__all__ = ["Search", "next_fire_times"]

_UTC = timezone.utc
_ONE_SECOND = timedelta(seconds=1)


def _java_day_of_week(d: date) -> int:
    return (d.weekday() + 1) % 7 + 1  # 1 = Sunday ... 7 = Saturday


def _cron_field(values: tuple[int, ...], size: int) -> str:
    return "*" if len(values) == size else ",".join(str(v) for v in values)


def _java_wall(zone: tzinfo, wall: datetime) -> datetime:
    """The wall time Java's GregorianCalendar lands on when its fields say ``wall``.

    Java reads a time that a spring-forward gap skips with the offset from before the gap, so it
    moves forward by the gap; a repeated time keeps its wall clock (and takes the later instant).
    """
    early = wall.replace(tzinfo=zone, fold=0).utcoffset()
    late = wall.replace(tzinfo=zone, fold=1).utcoffset()
    assert early is not None and late is not None
    return wall if early >= late else wall - early + late

@functools.lru_cache(maxsize=4096)
def _spring_gaps(zone: tzinfo, year: int) -> tuple[tuple[datetime, datetime], ...]:
    """The spring-forward gaps of a zone that begin in a (UTC) year, as wall times.

    Each is (first skipped wall time, first wall time after the gap).
    """
    begin, stop = datetime(year, 1, 1, tzinfo=_UTC), datetime(year + 1, 1, 1, tzinfo=_UTC)
    return tuple((instant.replace(tzinfo=None) + before, instant.replace(tzinfo=None) + after)
                 for instant, before, after in transitions(zone, begin, stop) if after > before)


class _QuartzHang(Exception):
    """Quartz's getTimeAfter would loop forever from this start."""


class _JavaCalendar:
    """Just enough of a lenient java.util.GregorianCalendar for Quartz's getTimeAfter.

    Fields are set independently and the time is recomputed from them on the next read, with
    overflow (day 0 is the last day of the previous month, hour 24 the next day) and Java's
    daylight-saving resolution.
    """

    __slots__ = ("fields", "wall", "zone")

    def __init__(self, zone: tzinfo, wall: datetime) -> None:
        self.zone = zone
        self.wall = wall
        self.fields: list[int] | None = None

    def set(self, year: int | None = None, month: int | None = None, day: int | None = None,
            hour: int | None = None, minute: int | None = None,
            second: int | None = None) -> None:
        if self.fields is None:
            w = self.wall
            self.fields = [w.year, w.month, w.day, w.hour, w.minute, w.second]
        for i, value in enumerate((year, month, day, hour, minute, second)):
            if value is not None:
                self.fields[i] = value

    def get(self) -> datetime:
        f = self.fields
        if f is not None:
            self.fields = None
            year, month = f[0] + (f[1] - 1) // 12, (f[1] - 1) % 12 + 1
            self.wall = _java_wall(self.zone, datetime(year, month, 1) + timedelta(
                days=f[2] - 1, hours=f[3], minutes=f[4], seconds=f[5]))
        return self.wall


class Search:
    """Finds fire times on the zone's wall clock for one call of next_fire_times."""

    def __init__(self, spec: Spec, zone: tzinfo, years: tuple[int, ...], max_year: int) -> None:
        self.spec = spec
        self.zone = zone
        self.fixed = isinstance(zone, timezone)
        self.years = years
        self.year_set = frozenset(years)
        self.max_year = max_year
        self.never = self._never_fires()
        self.cron: croniter | None = None
        self.cron_text = "" if spec.special_dom else self._croniter_expression()

    def _never_fires(self) -> bool:
        sp = self.spec
        if sp.dow_spec and sp.nth_dow and sp.dow[0] > 7:
            return True  # Quartz's nth-weekday step never settles on a day above 7
        if sp.dom_spec and not sp.last_dom and not sp.nearest_weekday:
            longest = max(29 if m == 2 else monthrange(2001, m)[1] for m in sp.months)
            return sp.dom[0] > longest  # e.g. 30 February: croniter would search for decades
        return False

    def _croniter_expression(self) -> str:
        sp = self.spec
        dom = "*"
        if sp.dom_spec:
            dom = "L" if sp.last_dom else _cron_field(sp.dom, 31)
        dow = "*"
        if sp.dow_spec:
            first = 7 if sp.dow[0] == 0 else sp.dow[0]  # '0#n' behaves as Saturday in Quartz
            if sp.last_dow:
                dow = f"L{first - 1}"
            elif sp.nth_dow:
                dow = f"{first - 1}#{sp.nth_dow}"
            else:
                dow = _cron_field(tuple(d - 1 for d in sp.dow), 7)
        return " ".join((_cron_field(sp.seconds, 60), _cron_field(sp.minutes, 60),
                         _cron_field(sp.hours, 24), dom, _cron_field(sp.months, 12), dow))

    def next_fire(self, start: datetime, after: datetime) -> datetime | None:
        """The wall time of the first fire at or after ``start`` (``after`` as a wall time)."""
        if self.never:
            return None
        if self.spec.special_dom:
            return self._quartz(start, after)
        wall = self._croniter_next(start)
        if wall is None or self.fixed or not self._gap_between(start, wall):
            return wall
        # Quartz's cursor crosses a spring-forward gap on the way; Java's Calendar then moves it
        # in ways a plain skip does not reproduce (a whole day can be lost), so replay Quartz.
        return self._quartz(start, after)

    def _croniter_next(self, cursor: datetime) -> datetime | None:
        from croniter import CroniterBadDateError, croniter

        start = cursor
        while True:
            k = bisect_left(self.years, start.year)
            if k == len(self.years):
                return None
            if self.years[k] != start.year:
                start = datetime(self.years[k], 1, 1)
            base = start - _ONE_SECOND
            if self.cron is None:
                self.cron = croniter(self.cron_text, base, second_at_beginning=True,
                                     max_years_between_matches=self.max_year - MIN_YEAR + 1)
            else:
                self.cron.set_current(base)
            try:
                found: datetime = self.cron.get_next(datetime)
            except CroniterBadDateError:
                return None
            if found.year in self.year_set:
                return found
            if found.year > self.years[-1]:
                return None
            start = datetime(found.year + 1, 1, 1)

    def _gap_between(self, start: datetime, end: datetime) -> bool:
        """Whether the wall clock passes a spring-forward gap from ``start`` to ``end``."""
        if _java_wall(self.zone, end) != end:
            return True
        return any(start < gap_end and gap_start <= end
                   for year in range(start.year - 1, end.year + 1)
                   for gap_start, gap_end in _spring_gaps(self.zone, year))

    def _quartz(self, start: datetime, after: datetime) -> datetime | None:
        """Port of Quartz 2.3.2's CronExpression.getTimeAfter on a lenient Java calendar.

        Used for the day-of-month rules croniter lacks and for searches across a daylight-saving
        gap. Quartz compares the nearest-weekday candidate with the search start and moves its
        cursor by lenient Calendar arithmetic, so results depend on the path; only replaying the
        loop gives the same answers, including where it never returns (a repeated cursor).
        """
        sp, zone = self.spec, self.zone
        secs, mins, hours, months, years = sp.seconds, sp.minutes, sp.hours, sp.months, self.years
        cl = _JavaCalendar(zone, start)
        seen: set[datetime] = set()
        while True:
            now = cl.get()
            if now.year > self.max_year:
                return None
            if now in seen:
                raise _QuartzHang
            seen.add(now)
            # second
            i = bisect_left(secs, now.second)
            if i < len(secs):
                cl.set(second=secs[i])
            else:
                cl.set(minute=now.minute + 1, second=secs[0])
            now = cl.get()
            # minute
            j = bisect_left(mins, now.minute)
            if j == len(mins) or mins[j] != now.minute:
                minute, hour = ((mins[j], now.hour) if j < len(mins)
                                else (mins[0], now.hour + 1))
                cl.set(second=0, minute=minute)
                self._set_hour(cl, hour)
                continue
            # hour
            k = bisect_left(hours, now.hour)
            if k == len(hours) or hours[k] != now.hour:
                hour, day = ((hours[k], now.day) if k < len(hours)
                             else (hours[0], now.day + 1))
                cl.set(second=0, minute=0, day=day)
                self._set_hour(cl, hour)
                continue
            # day of month or day of week
            target = (self._quartz_day_of_month(now, after) if sp.dom_spec
                      else self._quartz_day_of_week(now))
            if target is not None:
                cl.set(second=0, minute=0, hour=0, day=target[2], month=target[1],
                       year=target[0])
                continue
            # month
            if now.month not in months:
                k = bisect_right(months, now.month)
                year, month = ((now.year, months[k]) if k < len(months)
                               else (now.year + 1, months[0]))
                cl.set(second=0, minute=0, hour=0, day=1, month=month, year=year)
                continue
            # year
            if now.year not in self.year_set:
                k = bisect_right(years, now.year)
                if k == len(years):
                    return None
                cl.set(second=0, minute=0, hour=0, day=1, month=1, year=years[k])
                continue
            return now

    @staticmethod
    def _set_hour(cl: _JavaCalendar, hour: int) -> None:
        # Quartz's setCalendarHour: if a gap moved the hour, set hour + 1 instead.
        cl.set(hour=hour)
        if cl.get().hour != hour and hour != 24:
            cl.set(hour=hour + 1)

    def _quartz_day_of_month(self, now: datetime,
                             after: datetime) -> tuple[int, int, int] | None:
        """Quartz's day-of-month step: None when the day matches, else where to move."""
        sp = self.spec
        t, year, month = now.day, now.year, now.month
        last = monthrange(year, month)[1]
        if not sp.last_dom and not sp.nearest_weekday:
            k = bisect_left(sp.dom, t)
            if k < len(sp.dom) and sp.dom[k] <= last:
                return None if sp.dom[k] == t else (year, month, sp.dom[k])
            return year, month + 1, sp.dom[0]
        if sp.last_dom:
            target = last - sp.last_offset
            if not sp.nearest_weekday:
                if t > target:
                    return (year, month + 1, 1) if month < 12 else (year + 1, 1, 1)
                return None if target == t else (year, month, target)
            restart = 1
        else:
            target = restart = sp.dom[0]
        # Quartz finds the weekday on a lenient calendar, so a target past the end of the month
        # (31W in April) is a day of the next month, and L-30W in February one of January.
        probe = _JavaCalendar(self.zone, datetime(year, month, 1))
        probe.set(day=target)
        probe_day = probe.get()
        weekday = _java_day_of_week(probe_day.date())
        if weekday == 7:
            target += 2 if target == 1 else -1
        elif weekday == 1:
            target += -2 if target == last else 1
        probe.set(year=probe_day.year, month=month, day=target, hour=now.hour,
                  minute=now.minute, second=now.second)
        new_month = month
        if probe.get().replace(tzinfo=self.zone, fold=1) < after:
            target, new_month = restart, month + 1
        if target != t or new_month != month:
            return year, new_month, target
        return None

    def _quartz_day_of_week(self, now: datetime) -> tuple[int, int, int] | None:
        """Quartz's day-of-week step: None when the day matches, else where to move."""
        sp = self.spec
        day, year, month = now.day, now.year, now.month
        current = _java_day_of_week(now.date())
        last = monthrange(year, month)[1]
        wanted = sp.dow[0]
        if not sp.last_dow and not sp.nth_dow:
            k = bisect_left(sp.dow, current)
            if k < len(sp.dow):
                wanted = sp.dow[k]
        # Quartz adds (wanted - current) mod 7 days; a '#' value above 7 just keeps moving on.
        ahead = wanted - current if wanted > 7 else (wanted - current) % 7
        if sp.last_dow:
            if day + ahead > last:
                return year, month + 1, 1
            while day + ahead + 7 <= last:
                ahead += 7
            return (year, month, day + ahead) if ahead else None
        if sp.nth_dow:
            shifted = ahead > 0
            day += ahead
            week = (day + 6) // 7
            ahead = (sp.nth_dow - week) * 7
            day += ahead
            if ahead < 0 or day > last:
                return year, month + 1, 1
            return (year, month, day) if ahead > 0 or shifted else None
        if day + ahead > last:
            return year, month + 1, 1
        return (year, month, day + ahead) if ahead else None


def next_fire_times(expression: str, timezone_id: str, after: datetime,
                    count: int = 5) -> list[datetime]:
    """The next ``count`` fire times of a Quartz cron expression, strictly after ``after``.

    Results are aware datetimes in the job's zone (its ZoneInfo; a fixed ``datetime.timezone``
    for Java's custom 'GMT+05:30' ids), computed as Databricks (Quartz 2.3.2) computes them: 1 s is
    added to ``after`` and its fraction dropped; local times that a spring-forward gap skips never
    fire; a repeated local time fires once, at its second (standard-time) occurrence. Fewer than
    ``count`` are returned when the schedule ends (a year field, 30 February, ...; nothing fires
    after MAX_YEAR).

    Raises CronError for an invalid expression or an unknown time-zone id, and where Quartz's
    search never returns, so Databricks would stop scheduling the job: ``L-28W`` .. ``L-30W`` from
    some starts, ``0W``, or a nearest-weekday rule whose times fall in a daylight-saving gap.
    """
    spec = spec_of(expression)
    zone = resolve_zone(timezone_id)
    if after.tzinfo is None or after.utcoffset() is None:
        raise ValueError("after must be a timezone-aware datetime")
    max_year = fields.MAX_YEAR
    years = tuple(y for y in spec.years if MIN_YEAR <= y <= max_year)
    if count <= 0 or not (years or spec.special_dom):
        return []
    search = Search(spec, zone, years, max_year)
    try:
        instant = after.astimezone(_UTC).replace(microsecond=0) + _ONE_SECOND
    except OverflowError:
        return []
    out: list[datetime] = []
    try:
        if not years:
            # Quartz still runs its day steps before it finds no year, and they can loop forever.
            search.next_fire(instant.astimezone(zone).replace(tzinfo=None), instant)
            return []
        while len(out) < count:
            start = instant.astimezone(zone).replace(tzinfo=None)
            if start.year > max_year:
                break
            wall = search.next_fire(start, instant)
            if wall is None:
                break
            fire = wall.replace(tzinfo=zone, fold=1).astimezone(_UTC)
            out.append(fire.astimezone(zone))
            instant = fire + _ONE_SECOND
    except _QuartzHang:
        if spec.last_dom and spec.last_offset >= 28:
            why = ("'L-nW' with n of 28 or more loops when its target falls before the 1st of a "
                   "month; use LW or a smaller offset")
        elif not spec.last_dom and spec.dom[0] == 0:
            why = "there is no day 0"
        else:
            why = ("the nearest weekday's fire times fall in a daylight-saving gap; pick times "
                   "outside the gap or UTC")
        previous = (instant - _ONE_SECOND).astimezone(zone).isoformat()
        raise CronError(
            f"day-of-month field {spec.tokens[DOM]!r}: Quartz 2.3.2 never returns a fire time "
            f"after {previous} (its search loops forever: {why}), so Databricks would stop "
            "running this job", field=FIELD_NAMES[DOM], position=spec.positions[DOM]) from None
    return out


"""Quartz cron schedules as Databricks runs them: next fire times, descriptions, unix conversion.

Databricks evaluates ``quartz_cron_expression`` with Quartz 2.3.2's ``CronExpression`` on a Java
``TimeZone``. This module reproduces that: the lenient syntax Quartz accepts (Databricks accepts
whatever Quartz accepts), its daylight-saving behaviour and Java's time-zone ids. Ground truth:
``shared/data/quartz_vectors.json`` (outputs of the real Quartz 2.3.2, all of which this module
reproduces) and ``shared/reference/quartz-cron.md``.

How it is built:

* The parser is a port of Quartz's ``buildExpression``/``storeExpressionVals``, so the same strings
  are accepted and give the same value sets; only the error messages differ (ours name the field
  and say what is wrong).
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
import importlib.resources
import itertools
import re
import zoneinfo
from bisect import bisect_left, bisect_right
from calendar import monthrange
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import NoReturn

from croniter import CroniterBadDateError, croniter

__all__ = ["MAX_YEAR", "CronError", "describe", "from_unix", "next_fire_times", "resolve_zone"]

# Quartz's CronExpression.MAX_YEAR is "current year + 100", taken when the class loads; years after
# it never fire. The vectors were generated in 2026 (MAX_YEAR 2126). Read at call time, so tests can
# pin it.
MAX_YEAR: int = datetime.now().year + 100

# Quartz fills the year field from 1970 and never fires before it.
_MIN_YEAR = 1970

_UTC = timezone.utc
_ONE_SECOND = timedelta(seconds=1)

FIELD_NAMES = ("seconds", "minutes", "hours", "day-of-month", "month", "day-of-week", "year")
_SEC, _MIN, _HOUR, _DOM, _MONTH, _DOW, _YEAR = range(7)
# Quartz's markers for '*' and '?', stored in the value sets like values.
_ALL = 99
_NONE = 98
_FIELD_BOUNDS = {_SEC: (0, 59), _MIN: (0, 59), _HOUR: (0, 23), _DOM: (1, 31), _MONTH: (1, 12),
                 _DOW: (1, 7)}
_WRAP = {_SEC: 60, _MIN: 60, _HOUR: 24, _DOM: 31, _MONTH: 12, _DOW: 7}
_MONTH_NUMBERS = {name: i + 1 for i, name in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"))}
_DAY_NUMBERS = {name: i + 1 for i, name in enumerate(
    ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}
_L_FORM = re.compile(r"L-[0-9]*W?")
_JAVA_INT = re.compile(r"[+-]?[0-9]+")
_QUARTZ_FORMAT = "sec min hour day-of-month month day-of-week [year]"


class CronError(ValueError):
    """An invalid cron expression or time-zone id.

    ``field`` is the field at fault (one of ``FIELD_NAMES`` or ``"timezone"``), or None when the
    problem concerns the whole expression; ``position`` is the offset of that field in the
    expression, when known.
    """

    def __init__(self, message: str, *, field: str | None = None,
                 position: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.position = position


# --- time zones -----------------------------------------------------------------------------------

# Java's TimeZone knows these three-letter ids (sun.util.calendar.ZoneInfoFile.oldMappings);
# Python's zoneinfo does not. Note BST: Bangladesh, not British Summer Time.
_JAVA_OLD_IDS = {
    "ACT": "Australia/Darwin", "AET": "Australia/Sydney",
    "AGT": "America/Argentina/Buenos_Aires", "ART": "Africa/Cairo", "AST": "America/Anchorage",
    "BET": "America/Sao_Paulo", "BST": "Asia/Dhaka", "CAT": "Africa/Harare",
    "CNT": "America/St_Johns", "CST": "America/Chicago", "CTT": "Asia/Shanghai",
    "EAT": "Africa/Addis_Ababa", "ECT": "Europe/Paris", "IET": "America/Indiana/Indianapolis",
    "IST": "Asia/Kolkata", "JST": "Asia/Tokyo", "MIT": "Pacific/Apia", "NET": "Asia/Yerevan",
    "NST": "Pacific/Auckland", "PLT": "Asia/Karachi", "PNT": "America/Phoenix",
    "PRT": "America/Puerto_Rico", "PST": "America/Los_Angeles", "SST": "Pacific/Guadalcanal",
    "VST": "Asia/Ho_Chi_Minh",
}
# Java makes these fixed offsets, while tzdata (2024b and later) links EST, MST and HST to zones
# with history.
_JAVA_FIXED_IDS = {
    "EST": "Etc/GMT+5", "MST": "Etc/GMT+7", "HST": "Etc/GMT+10",
    "SystemV/AST4": "Etc/GMT+4", "SystemV/EST5": "Etc/GMT+5", "SystemV/CST6": "Etc/GMT+6",
    "SystemV/MST7": "Etc/GMT+7", "SystemV/PST8": "Etc/GMT+8", "SystemV/YST9": "Etc/GMT+9",
    "SystemV/HST10": "Etc/GMT+10",
}
# Ids that Java resolves differently from every IANA zone, or not at all (then it silently uses
# GMT): rejected with the reason.
_JAVA_UNSUPPORTED = {
    **{f"SystemV/{name}": "it follows the 1976 US daylight-saving rules (last Sunday of April to "
       "last Sunday of October), which no IANA zone has; use a zone such as "
       "'America/New_York'" for name in ("AST4ADT", "EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT",
                                        "YST9YDT")},
    "ROC": "Java does not know it and would silently run the job in GMT; use 'Asia/Taipei'",
    "Factory": "Java does not know it and would silently run the job in GMT; use 'UTC'",
}


@functools.cache
def _known_zone_ids() -> frozenset[str]:
    # The tzdata package lists its keys; reading that list takes a few ms, where
    # zoneinfo.available_timezones() walks the file system (over 100 ms).
    try:
        text = importlib.resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return frozenset(zoneinfo.available_timezones())
    return frozenset(text.split())


def _java_custom_zone(zone_id: str) -> tzinfo | None:
    """Java's TimeZone.parseCustomTimeZone: GMT+h, GMT+hh, GMT+hhmm, GMT+hh:mm (and minus)."""
    if len(zone_id) < 5 or not zone_id.startswith("GMT") or zone_id[3] not in "+-":
        return None
    hours = num = delimiters = length = 0
    for ch in zone_id[4:]:
        if ch == ":":
            if delimiters or length > 2:
                return None
            hours, num, length, delimiters = num, 0, 0, 1
            continue
        if not "0" <= ch <= "9":
            return None
        num = num * 10 + ord(ch) - 48
        length += 1
    if delimiters == 0:
        hours, num = (num, 0) if length <= 2 else (num // 100, num % 100)
    elif length != 2:
        return None
    if hours > 23 or num > 59:
        return None
    if hours == num == 0:
        return zoneinfo.ZoneInfo("GMT")
    sign = -1 if zone_id[3] == "-" else 1
    name = f"GMT{zone_id[3]}{hours:02d}:{num:02d}"
    return timezone(sign * timedelta(hours=hours, minutes=num), name)


@functools.lru_cache(maxsize=256)
def _resolve_zone(zone_id: str) -> tzinfo:
    if zone_id in _JAVA_UNSUPPORTED:
        raise CronError(f"time-zone id {zone_id!r} is not supported: {_JAVA_UNSUPPORTED[zone_id]}",
                        field="timezone")
    if zone_id in _JAVA_FIXED_IDS:
        return zoneinfo.ZoneInfo(_JAVA_FIXED_IDS[zone_id])
    if zone_id in _JAVA_OLD_IDS:
        return zoneinfo.ZoneInfo(_JAVA_OLD_IDS[zone_id])
    if zone_id in _known_zone_ids():
        return zoneinfo.ZoneInfo(zone_id)
    custom = _java_custom_zone(zone_id)
    if custom is not None:
        return custom
    # Java would silently use GMT here; a silent GMT schedule is the bug we want to catch.
    hint = ""
    lowered = {z.lower(): z for z in (*_known_zone_ids(), *_JAVA_OLD_IDS, *_JAVA_FIXED_IDS)}
    if zone_id.lower() in lowered:
        hint = f" (ids are case-sensitive: did you mean {lowered[zone_id.lower()]!r}?)"
    elif zone_id.upper().startswith("UTC") and len(zone_id) > 3:
        hint = f" (Java only understands offsets as 'GMT{zone_id[3:]}')"
    raise CronError(
        f"unknown time-zone id {zone_id!r}{hint}: Databricks would silently run the job in GMT; "
        "use an IANA id such as 'Europe/Amsterdam' or 'UTC'", field="timezone")


def _zone(timezone_id: str) -> tzinfo:
    if not isinstance(timezone_id, str) or not timezone_id:
        raise CronError("the time-zone id is empty; use an IANA id such as 'UTC'",
                        field="timezone")
    return _resolve_zone(timezone_id)


def resolve_zone(timezone_id: str) -> tzinfo:
    """The zone Databricks (Java's ``TimeZone``) evaluates a schedule in, for a ``timezone_id``.

    Java's legacy ids resolve as Java resolves them ('PST' is Los Angeles, 'BST' Dhaka, 'EST' a
    fixed UTC-5), 'GMT+05:30' is a fixed offset. Raises CronError (``field="timezone"``) where
    Java would silently fall back to GMT, so that no schedule quietly runs in the wrong zone.
    """
    return _zone(timezone_id)


# --- parsing: a port of Quartz 2.3.2 CronExpression.buildExpression ------------------------------


@dataclass(frozen=True)
class _Spec:
    """A parsed expression: Quartz's value sets (markers removed) and day-rule flags."""

    seconds: tuple[int, ...]
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    dom_spec: bool  # False when day-of-month is '?'
    dom: tuple[int, ...]
    last_dom: bool
    last_offset: int
    nearest_weekday: bool
    months: tuple[int, ...]
    dow_spec: bool
    dow: tuple[int, ...]
    last_dow: bool
    nth_dow: int
    years: tuple[int, ...]  # may hold years Quartz never fires in; filtered at evaluation
    tokens: tuple[str, ...]  # the field texts as written, for messages
    positions: tuple[int | None, ...]  # where each field starts in the expression

    @property
    def special_dom(self) -> bool:
        """Day-of-month rules croniter cannot express; they go through the ported Quartz loop."""
        return self.dom_spec and (self.nearest_weekday or (self.last_dom and self.last_offset > 0))


def _java_int(text: str) -> int | None:
    if not _JAVA_INT.fullmatch(text):
        return None
    value = int(text)
    return value if -(2**31) <= value < 2**31 else None


class _Builder:
    """Mirrors the fields of Quartz's CronExpression while one expression is parsed."""

    def __init__(self, max_year: int, tokens: list[str], positions: list[int]) -> None:
        self.tokens = tokens
        self.positions = positions
        self.sets: list[set[int]] = [set() for _ in range(7)]
        self.last_dow = False
        self.nth_dow = 0
        self.last_dom = False
        self.nearest_weekday = False
        self.last_offset = 0
        self.max_year = max_year
        self.field = 0
        self.token = ""
        self.position: int | None = None
        self.item = ""  # the comma-separated part being read, when the field has several

    def at(self, field: int) -> None:
        """Report later errors against this field."""
        self.field, self.token, self.position = field, self.tokens[field], self.positions[field]
        self.item = ""

    def fail(self, explanation: str) -> NoReturn:
        name = FIELD_NAMES[self.field]
        where = f" (in {self.item!r})" if self.item else ""
        raise CronError(f"{name} field {self.token!r}: {explanation}{where}", field=name,
                        position=self.position)

    def value_range_text(self, field: int) -> str:
        return {
            _SEC: "values must be 0 to 59",
            _MIN: "values must be 0 to 59",
            _HOUR: "values must be 0 to 23",
            _DOM: "values must be 1 to 31",
            _MONTH: "values must be 1 to 12 or JAN to DEC",
            _DOW: "values must be 1 to 7 (1 = SUN, 7 = SAT) or SUN to SAT; unlike unix cron, "
                  "Quartz has no day 0",
            _YEAR: "invalid year",
        }[field]

    # Quartz's getValue: the digits starting at i, appended to the digit(s) v already read.
    def get_value(self, v: int, s: str, i: int, what: str) -> tuple[int, int]:
        if i >= len(s):
            self.fail(f"a number must follow {what}")
        digits = str(v)
        while i < len(s) and "0" <= s[i] <= "9":
            digits += s[i]
            i += 1
        value = _java_int(digits)
        if value is None:
            self.fail(f"the number {digits} is too large")
        return value, (i if i < len(s) else i + 1)

    def digit_at(self, s: str, i: int, what: str) -> int:
        if i >= len(s):
            self.fail(f"a number must follow {what}")
        if not "0" <= s[i] <= "9":
            if what == "'-'" and "A" <= s[i] <= "Z":
                self.fail("a range cannot mix a number and a name")
            self.fail(f"a number must follow {what}, not {s[i]!r}")
        return ord(s[i]) - 48

    def check_increment(self, incr: int, field: int) -> None:
        limit = {_SEC: 59, _MIN: 59, _HOUR: 23, _DOM: 31, _DOW: 7, _MONTH: 12}.get(field)
        if limit is not None and incr > limit:
            self.fail(f"the step after '/' must be at most {limit}, not {incr}")

    def store(self, s: str, field: int) -> None:
        """Quartz's storeExpressionVals for one comma-separated item (already upper-cased)."""
        c = s[0]
        if "A" <= c <= "Z" and s not in ("L", "LW") and not _L_FORM.fullmatch(s):
            self.store_name(s, field)
            return
        if c == "?":
            if len(s) > 2 and s[1] != " " and s[2] != "\t":
                self.fail(f"unexpected {s[1]!r} after '?'")
            if field not in (_DOM, _DOW):
                self.fail("'?' is only allowed in the day-of-month and day-of-week fields")
            if field == _DOW and not self.last_dom:
                if not self.sets[_DOM]:
                    self.at(_DOM)
                    self.fail("the field has no values")
                if max(self.sets[_DOM]) == _NONE:
                    self.fail("'?' may be used in day-of-month or in day-of-week, not in both")
            self.add(_NONE, -1, 0, field)
            return
        if c in "*/":
            if c == "*" and len(s) == 1:
                self.add(_ALL, -1, 0, field)
                return
            if c == "/" and (len(s) == 1 or s[1] in " \t"):
                self.fail("a number must follow '/'")
            i = 1 if c == "*" else 0
            if s[i] == "/":
                i += 1
                if i >= len(s):
                    self.fail("a number must follow '/'")
                incr = _java_int(s[i:])
                if incr is None:
                    self.fail(f"the step after '/' must be a whole number, not {s[i:]!r}")
                self.check_increment(incr, field)
            else:
                incr = 1
            self.add(_ALL, -1, incr, field)
            return
        if c == "L":
            i = 1
            if field == _DOM:
                self.last_dom = True
            if field == _DOW:
                self.add(7, 7, 0, field)
            if field == _DOM and len(s) > i:
                if s[i] == "-":
                    self.last_offset, i = self.get_value(0, s, i + 1, "'L-'")
                    if self.last_offset > 30:
                        self.fail("the offset after 'L-' must be at most 30")
                if len(s) > i and s[i] == "W":
                    self.nearest_weekday = True
            return
        if "0" <= c <= "9":
            val = ord(c) - 48
            if len(s) == 1:
                self.add(val, -1, -1, field)
                return
            i = 1
            if "0" <= s[1] <= "9":
                val, i = self.get_value(val, s, 1, "")
            self.check_next(i, s, val, field)
            return
        self.fail(f"unexpected character {c!r}")

    def store_name(self, s: str, field: int) -> None:
        if field not in (_MONTH, _DOW):
            if field == _DOM and s.startswith("L"):
                self.fail("after 'L' only '-n', 'W' or '-nW' may follow (e.g. 'L-3', 'LW')")
            if field == _DOM and s.startswith("W"):
                self.fail("'W' must follow a day number (e.g. '15W')")
            self.fail("letters are not allowed in this field")
        names = _MONTH_NUMBERS if field == _MONTH else _DAY_NUMBERS
        kind = "month" if field == _MONTH else "day"
        example = "JAN to DEC" if field == _MONTH else "SUN to SAT"
        if len(s) < 3:
            self.fail(f"unknown {kind} name {s!r} (use {example})")
        start = names.get(s[:3])
        if start is None:
            self.fail(f"unknown {kind} name {s[:3]!r} (use {example})")
        end = -1
        if len(s) > 3:
            c = s[3]
            if c == "-":
                if len(s) > 4 and "0" <= s[4] <= "9":
                    self.fail("a range cannot mix a name and a number")
                if len(s) < 7:
                    self.fail(f"a three-letter {kind} name must follow '-'")
                found = names.get(s[4:7])
                if found is None:
                    self.fail(f"unknown {kind} name {s[4:7]!r} (use {example})")
                end = found
            elif c == "#" and field == _DOW:
                nth = _java_int(s[4:])
                if nth is None or not 1 <= nth <= 5:
                    self.fail("the number after '#' must be 1 to 5")
                self.nth_dow = nth
            elif c == "L" and field == _DOW:
                self.last_dow = True
        self.add(start, end, 1 if end != -1 else 0, field)

    def check_next(self, i: int, s: str, val: int, field: int) -> None:
        """Quartz's checkNext: what follows a number."""
        if i >= len(s):
            self.add(val, -1, -1, field)
            return
        c = s[i]
        if c == "L":
            if field != _DOW:
                self.fail("'L' after a number is only allowed in the day-of-week field (e.g. "
                          "'6L' = last Friday)")
            if not 1 <= val <= 7:
                self.fail(self.value_range_text(_DOW))
            self.last_dow = True
            self.sets[field].add(val)
            return
        if c == "W":
            if field != _DOM:
                self.fail("'W' (nearest weekday) is only allowed in the day-of-month field")
            if val > 31:
                self.fail("'W' needs a day of the month from 1 to 31")
            self.nearest_weekday = True
            self.sets[field].add(val)
            return
        if c == "#":
            if field != _DOW:
                self.fail("'#' is only allowed in the day-of-week field")
            nth = _java_int(s[i + 1:])
            if nth is None or not 1 <= nth <= 5:
                self.fail("the number after '#' must be 1 to 5")
            self.nth_dow = nth
            self.sets[field].add(val)
            return
        if c == "-":
            i += 1
            end = self.digit_at(s, i, "'-'")
            i += 1
            if i >= len(s):
                self.add(val, end, 1, field)
                return
            if "0" <= s[i] <= "9":
                end, i = self.get_value(end, s, i, "'-'")
            if i < len(s) and s[i] == "/":
                i += 1
                step = self.digit_at(s, i, "'/'")
                i += 1
                if i < len(s) and "0" <= s[i] <= "9":
                    step, i = self.get_value(step, s, i, "'/'")
                # Quartz checks no step limit on ranges ('1-12/13' is accepted).
                self.add(val, end, step, field)
                return
            self.add(val, end, 1, field)
            return
        if c == "/":
            if i + 1 >= len(s) or s[i + 1] in " \t":
                self.fail("a number must follow '/'")
            i += 1
            step = self.digit_at(s, i, "'/'")
            i += 1
            if i < len(s):
                if not "0" <= s[i] <= "9":
                    self.fail(f"unexpected {s[i]!r} after '/'")
                step, i = self.get_value(step, s, i, "'/'")
            self.check_increment(step, field)
            self.add(val, -1, step, field)
            return
        # Quartz ignores whatever else follows a number: '1.5' is 1.
        self.add(val, -1, 0, field)

    def add(self, val: int, end: int, incr: int, field: int) -> None:
        """Quartz's addToSet, including its wrap-around for ranges such as '22-2' or 'FRI-MON'."""
        values = self.sets[field]
        if field in _FIELD_BOUNDS and val not in (_ALL, _NONE):
            lo, hi = _FIELD_BOUNDS[field]
            if (val < lo if field != _DOW else val == 0) or val > hi or end > hi:
                self.fail(self.value_range_text(field))
        if incr in (0, -1) and val != _ALL:
            values.add(_NONE if val == -1 else val)
            return
        start, stop = val, end
        if val == _ALL and incr <= 0:
            incr = 1
            values.add(_ALL)
        lo, hi = _FIELD_BOUNDS.get(field, (_MIN_YEAR, self.max_year))
        if stop == -1:
            stop = hi
        if start in (-1, _ALL):
            start = lo
        wrap = 0
        if stop < start:
            if field == _YEAR:
                self.fail("the range start must not be after its end")
            wrap = _WRAP[field]
            stop += wrap
        if field == _YEAR:
            # Years after MAX_YEAR never fire; Quartz would still enumerate them.
            stop = min(stop, self.max_year)
        for i in range(start, stop + 1, incr):
            if not wrap:
                values.add(i)
                continue
            i2 = i % wrap
            if i2 == 0 and field in (_MONTH, _DOW, _DOM):
                i2 = wrap
            values.add(i2)


def _java_trim(text: str) -> str:
    start, end = 0, len(text)
    while start < end and text[start] <= " ":
        start += 1
    while end > start and text[end - 1] <= " ":
        end -= 1
    return text[start:end]


def _unix_hint(expression: str) -> str:
    try:
        suggestion = f": from_unix() gives {from_unix(expression)!r}"
    except CronError:
        suggestion = "; convert it with from_unix()"
    return suggestion


@functools.lru_cache(maxsize=1024)
def _parse(expression: str, max_year: int) -> _Spec:
    if not isinstance(expression, str):
        raise CronError("the cron expression must be a string")
    upper = expression.upper()
    tokens = [(m.start(), m.group()) for m in re.finditer(r"[^ \t]+", upper)]
    # Keep the user's spelling for messages when upper-casing kept the length.
    originals = [expression[p:p + len(t)] if len(upper) == len(expression) else t
                 for p, t in tokens]
    if not tokens:
        raise CronError(f"the cron expression is empty; Quartz needs {_QUARTZ_FORMAT}")
    if tokens[0][1].startswith("@"):
        raise CronError(
            f"{expression.strip()!r} is a unix cron macro, which Quartz does not support"
            f"{_unix_hint(expression)}", position=tokens[0][0])
    if len(tokens) == 5:
        raise CronError(
            f"{expression.strip()!r} has 5 fields, like a unix cron; Quartz needs 6 or 7 "
            f"({_QUARTZ_FORMAT}, seconds first){_unix_hint(expression)}")
    b = _Builder(max_year, originals, [p for p, _ in tokens])
    for field, (_, token) in enumerate(tokens[:7]):
        b.at(field)
        expr = _java_trim(token)
        if field in (_DOM, _DOW) and "L" in expr and len(expr) > 1 and "," in expr:
            b.fail("'L' cannot be combined with other days in a list")
        if field == _DOW and expr.count("#") > 1:
            b.fail("only one '#' item (nth weekday) is allowed")
        items = expr.split(",")
        shown = _java_trim(originals[field]).split(",")
        several = sum(1 for item in items if item) > 1
        for i, item in enumerate(items):
            if item:
                b.item = (shown[i] if len(shown) == len(items) else item) if several else ""
                b.store(item, field)
        b.item = ""
    if len(tokens) < 6:
        raise CronError(f"the cron expression has {len(tokens)} field"
                        f"{'' if len(tokens) == 1 else 's'}; Quartz needs 6 or 7 "
                        f"({_QUARTZ_FORMAT})")
    if len(tokens) == 6:
        b.add(_ALL, -1, 0, _YEAR)
    dom_spec = _NONE not in b.sets[_DOM]
    dow_spec = _NONE not in b.sets[_DOW]
    b.at(_DOW)
    if dom_spec == dow_spec:
        if dom_spec:
            b.fail(f"day-of-month is {originals[_DOM]!r} and day-of-week is restricted too; "
                   "Quartz needs '?' in exactly one of them (e.g. '0 0 9 * * ?' or "
                   "'0 0 9 ? * MON')")
        b.fail("'?' may be used in day-of-month or in day-of-week, not in both")

    def real(field: int) -> tuple[int, ...]:
        return tuple(sorted(v for v in b.sets[field] if v not in (_ALL, _NONE)))

    # Quartz accepts these at parse time and then throws NoSuchElementException on every
    # evaluation, so they are invalid in practice. The month set is only read once a day matched,
    # which an nth weekday above 7 ('9#2') never does.
    no_day_matches = dow_spec and b.nth_dow and real(_DOW)[:1] > (7,)
    for field in (_SEC, _MIN, _HOUR) + (() if no_day_matches else (_MONTH,)) \
            + ((_DOM,) if dom_spec and not b.last_dom else ()) + ((_DOW,) if dow_spec else ()):
        if not real(field):
            b.at(field)
            if "L" in b.token.upper():
                b.fail("'L' (last) is only allowed in the day-of-month and day-of-week fields")
            b.fail("the field has no values")
    return _Spec(
        seconds=real(_SEC), minutes=real(_MIN), hours=real(_HOUR),
        dom_spec=dom_spec, dom=real(_DOM), last_dom=b.last_dom, last_offset=b.last_offset,
        nearest_weekday=b.nearest_weekday, months=real(_MONTH),
        dow_spec=dow_spec, dow=real(_DOW), last_dow=b.last_dow, nth_dow=b.nth_dow,
        years=tuple(sorted(v for v in b.sets[_YEAR] if v != _ALL)),
        tokens=tuple(originals[:7]) + (("*",) if len(tokens) == 6 else ()),
        positions=tuple(p for p, _ in tokens[:7]) + ((None,) if len(tokens) == 6 else ()),
    )


def _spec(expression: str) -> _Spec:
    return _parse(expression, MAX_YEAR)


# --- evaluation ---------------------------------------------------------------------------------


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

    Each is (first skipped wall time, first wall time after the gap). Found by weekly samples, as
    no zone changes its offset twice within a week, then bisection to the second.
    """

    def offset(t: int) -> timedelta:
        value = datetime.fromtimestamp(t, _UTC).astimezone(zone).utcoffset()
        assert value is not None
        return value

    week = 7 * 86400
    begin = int(datetime(year, 1, 1, tzinfo=_UTC).timestamp())
    stop = int(datetime(year + 1, 1, 1, tzinfo=_UTC).timestamp())
    gaps = []
    t, before = begin, offset(begin)
    while t < stop:
        t_next = min(t + week, stop)
        after = offset(t_next)
        if after > before:
            lo, hi = t, t_next  # the offset changes in (lo, hi]
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (lo, mid) if offset(mid) > before else (mid, hi)
            instant = datetime.fromtimestamp(hi, _UTC).replace(tzinfo=None)
            gaps.append((instant + before, instant + offset(hi)))
        t, before = t_next, after
    return tuple(gaps)


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


class _Search:
    """Finds fire times on the zone's wall clock for one call of next_fire_times."""

    def __init__(self, spec: _Spec, zone: tzinfo, years: tuple[int, ...], max_year: int) -> None:
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
                                     max_years_between_matches=self.max_year - _MIN_YEAR + 1)
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
    spec = _spec(expression)
    zone = _zone(timezone_id)
    if after.tzinfo is None or after.utcoffset() is None:
        raise ValueError("after must be a timezone-aware datetime")
    max_year = MAX_YEAR
    years = tuple(y for y in spec.years if _MIN_YEAR <= y <= max_year)
    if count <= 0 or not (years or spec.special_dom):
        return []
    search = _Search(spec, zone, years, max_year)
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
            f"day-of-month field {spec.tokens[_DOM]!r}: Quartz 2.3.2 never returns a fire time "
            f"after {previous} (its search loops forever: {why}), so Databricks would stop "
            "running this job", field=FIELD_NAMES[_DOM], position=spec.positions[_DOM]) from None
    return out


# --- describe ------------------------------------------------------------------------------------

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
_DAY_NAMES = {1: "Sunday", 2: "Monday", 3: "Tuesday", 4: "Wednesday", 5: "Thursday",
              6: "Friday", 7: "Saturday"}
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _runs(values: Sequence[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for v in values:
        if runs and v == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], v)
        else:
            runs.append((v, v))
    return runs


def _run_items(values: Sequence[int], name: Callable[[int], str],
               cycle: tuple[int, int] | None = None) -> list[str]:
    """Names of sorted values, with runs of three or more as 'a through b'.

    With ``cycle`` (the lowest and highest value) a run may wrap around: NOV-FEB is one run.
    """
    runs = _runs(values)
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


def _uniform_step(values: Sequence[int]) -> int | None:
    """The common difference of two or more sorted values, if there is one."""
    if len(values) < 2:
        return None
    n = values[1] - values[0]
    return n if all(b - a == n for a, b in itertools.pairwise(values)) else None


def _step(values: Sequence[int], period: int) -> int | None:
    """n when values repeat every n units around the clock (e.g. 3, 23, 43 in an hour)."""
    n = _uniform_step(values)
    if n is None or period % n or values[0] >= n or len(values) != period // n:
        return None
    return n


def _unit(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _hour_window(hours: Sequence[int]) -> str:
    runs = _runs(hours)
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


def _describe_time(sp: _Spec) -> tuple[str, bool]:
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
            runs = _runs(hours)
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


def _describe_days(sp: _Spec) -> str | None:
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


def _month_day(sp: _Spec) -> bool:
    """One day of one month, described as a date ('on January 1')."""
    return (sp.dom_spec and not sp.last_dom and not sp.nearest_weekday and len(sp.dom) == 1
            and len(sp.months) == 1)


def _describe_months(sp: _Spec) -> str | None:
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


def _describe_years(sp: _Spec) -> str | None:
    max_year = MAX_YEAR
    years = sp.years
    live = [y for y in years if _MIN_YEAR <= y <= max_year]
    if live == list(range(_MIN_YEAR, max_year + 1)):
        return None
    if not live:
        return (f"in {_join(_run_items(years, str))} (never fires: Quartz only fires from "
                f"{_MIN_YEAR} to {max_year})") if years else "(never fires: no year)"
    n = _uniform_step(live)
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
    sp = _spec(expression)
    if timezone_id is not None:
        _zone(timezone_id)
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


# --- from_unix ----------------------------------------------------------------------------------

_UNIX_MACROS = {
    "@yearly": "0 0 0 1 1 ?", "@annually": "0 0 0 1 1 ?", "@monthly": "0 0 0 1 * ?",
    "@weekly": "0 0 0 ? * SUN", "@daily": "0 0 0 * * ?", "@midnight": "0 0 0 * * ?",
    "@hourly": "0 0 * * * ?",
}
_UNIX_ITEM = re.compile(r"(\*|\?|[0-9A-Z]+(?:-[0-9A-Z]+)?)(?:/([0-9]+))?")
_QUARTZ_DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


def _unix_field(text: str, field: int, position: int) -> set[int]:
    name = FIELD_NAMES[field]
    lo, hi = {_MIN: (0, 59), _HOUR: (0, 23), _DOM: (1, 31), _MONTH: (1, 12), _DOW: (0, 6)}[field]
    names = _MONTH_NUMBERS if field == _MONTH else (
        {k: v - 1 for k, v in _DAY_NUMBERS.items()} if field == _DOW else {})

    def fail(explanation: str) -> NoReturn:
        raise CronError(f"unix {name} field {text!r}: {explanation}", field=name,
                        position=position)

    def number(token: str) -> int:
        if token in names:
            return names[token]
        if not token.isdigit():
            fail(f"{token!r} is not a number" + (" or a name" if names else ""))
        value = int(token)
        top = 7 if field == _DOW else hi  # unix accepts 7 for Sunday
        if not lo <= value <= top:
            fail(f"values must be {lo} to {top}")
        return value

    values: set[int] = set()
    for item in text.upper().split(","):
        match = _UNIX_ITEM.fullmatch(item)
        if match is None:
            fail(f"cannot read {item!r} (expected *, n, a-b, with an optional /step)")
        base, step_text = match.groups()
        step = 1 if step_text is None else int(step_text)
        if step < 1:
            fail("the step after '/' must be at least 1")
        if base in ("*", "?"):
            if base == "?" and field not in (_DOM, _DOW):
                fail("'?' is only allowed in the day fields")
            start, stop = lo, hi
        elif "-" in base:
            a, b = base.split("-")
            start, stop = number(a), number(b)
            if start > stop:
                fail("the range start must not be after its end")
        else:
            start = number(base)
            stop = hi if step_text is not None else start
        selected = {v % 7 if field == _DOW else v for v in range(start, stop + 1, step)}
        if not selected:
            fail(f"{item!r} selects no values")
        values |= selected
    return values


def _quartz_field(values: set[int], lo: int, hi: int) -> str:
    ordered = sorted(values)
    if ordered == list(range(lo, hi + 1)):
        return "*"
    n = _uniform_step(ordered)
    if n is not None and n > 1 and len(ordered) >= 3:
        if ordered[-1] + n <= hi:
            return f"{ordered[0]}-{ordered[-1]}/{n}"
        return f"*/{n}" if ordered[0] == lo else f"{ordered[0]}/{n}"
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in _runs(ordered))


def from_unix(expression: str) -> str:
    """Convert a 5-field unix cron (or @daily, ...) to the equivalent Quartz expression.

    Unix runs a job when day-of-month OR day-of-week matches if both are restricted; Quartz
    cannot express that, so such input raises CronError, as does anything that is not unix cron.
    """
    text = expression.strip()
    if text.startswith("@"):
        quartz = _UNIX_MACROS.get(text.lower())
        if quartz is None:
            raise CronError(f"unix cron macro {text!r} has no Quartz equivalent (known: "
                            f"{', '.join(_UNIX_MACROS)})")
        return quartz
    matches = list(re.finditer(r"\S+", expression))
    if len(matches) != 5:
        raise CronError(f"a unix cron has 5 fields (minute hour day-of-month month "
                        f"day-of-week), {expression.strip()!r} has {len(matches)}")
    fields = [m.group() for m in matches]
    fields_of = (_MIN, _HOUR, _DOM, _MONTH, _DOW)
    minute, hour, dom, month, dow = (_unix_field(t, f, m.start())
                                     for t, f, m in zip(fields, fields_of, matches, strict=True))
    dom_any, dow_any = fields[2] in ("*", "?"), fields[4] in ("*", "?")
    if not dom_any and not dow_any:
        raise CronError(
            f"day-of-week field {fields[4]!r}: unix cron runs when day-of-month "
            f"{fields[2]!r} OR day-of-week {fields[4]!r} matches; Quartz cannot combine the two "
            "(one of them must be '?'), so restrict only one of them or use two schedules",
            field=FIELD_NAMES[_DOW], position=matches[4].start())
    if dow_any:
        quartz_dom, quartz_dow = _quartz_field(dom, 1, 31), "?"
    else:
        days = sorted(d + 1 for d in dow)  # Quartz: 1 = Sunday
        quartz_dom = "?"
        quartz_dow = "*" if len(days) == 7 else ",".join(
            _QUARTZ_DAY_NAMES[a - 1] if a == b else
            f"{_QUARTZ_DAY_NAMES[a - 1]}-{_QUARTZ_DAY_NAMES[b - 1]}" for a, b in _runs(days))
    return " ".join(("0", _quartz_field(minute, 0, 59), _quartz_field(hour, 0, 23), quartz_dom,
                     _quartz_field(month, 1, 12), quartz_dow))

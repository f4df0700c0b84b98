"""The Quartz cron grammar as Databricks reads `quartz_cron_expression`: an expression parsed into
its value sets and day rules (a `Spec`), or a `CronError` that names the field at fault.

Databricks evaluates the expression with Quartz 2.3.2's ``CronExpression`` and accepts whatever
Quartz accepts. The parser is a port of Quartz's ``buildExpression``/``storeExpressionVals``, so
the same strings are accepted and give the same value sets; only the error messages differ (ours
name the field and say what is wrong). Checked against the real Quartz 2.3.2 by the vectors in
``tests/data/quartz_vectors.json``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import NoReturn

from loom_jobs_widget.schedule import fields
from loom_jobs_widget.schedule.fields import (
    DAY_NUMBERS,
    DOM,
    DOW,
    FIELD_BOUNDS,
    FIELD_NAMES,
    HOUR,
    MIN,
    MIN_YEAR,
    MONTH,
    MONTH_NUMBERS,
    SEC,
    YEAR,
    CronError,
)
from loom_jobs_widget.schedule.unix import from_unix

__all__ = ["Spec", "parse", "spec_of"]

# Quartz's markers for '*' and '?', stored in the value sets like values.
_ALL = 99
_NONE = 98
_WRAP = {SEC: 60, MIN: 60, HOUR: 24, DOM: 31, MONTH: 12, DOW: 7}
_L_FORM = re.compile(r"L-[0-9]*W?")
_JAVA_INT = re.compile(r"[+-]?[0-9]+")
_QUARTZ_FORMAT = "sec min hour day-of-month month day-of-week [year]"


@dataclass(frozen=True)
class Spec:
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
            SEC: "values must be 0 to 59",
            MIN: "values must be 0 to 59",
            HOUR: "values must be 0 to 23",
            DOM: "values must be 1 to 31",
            MONTH: "values must be 1 to 12 or JAN to DEC",
            DOW: "values must be 1 to 7 (1 = SUN, 7 = SAT) or SUN to SAT; unlike unix cron, "
                  "Quartz has no day 0",
            YEAR: "invalid year",
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
        limit = {SEC: 59, MIN: 59, HOUR: 23, DOM: 31, DOW: 7, MONTH: 12}.get(field)
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
            if field not in (DOM, DOW):
                self.fail("'?' is only allowed in the day-of-month and day-of-week fields")
            if field == DOW and not self.last_dom:
                if not self.sets[DOM]:
                    self.at(DOM)
                    self.fail("the field has no values")
                if max(self.sets[DOM]) == _NONE:
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
            if field == DOM:
                self.last_dom = True
            if field == DOW:
                self.add(7, 7, 0, field)
            if field == DOM and len(s) > i:
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
        if field not in (MONTH, DOW):
            if field == DOM and s.startswith("L"):
                self.fail("after 'L' only '-n', 'W' or '-nW' may follow (e.g. 'L-3', 'LW')")
            if field == DOM and s.startswith("W"):
                self.fail("'W' must follow a day number (e.g. '15W')")
            self.fail("letters are not allowed in this field")
        names = MONTH_NUMBERS if field == MONTH else DAY_NUMBERS
        kind = "month" if field == MONTH else "day"
        example = "JAN to DEC" if field == MONTH else "SUN to SAT"
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
            elif c == "#" and field == DOW:
                nth = _java_int(s[4:])
                if nth is None or not 1 <= nth <= 5:
                    self.fail("the number after '#' must be 1 to 5")
                self.nth_dow = nth
            elif c == "L" and field == DOW:
                self.last_dow = True
        self.add(start, end, 1 if end != -1 else 0, field)

    def check_next(self, i: int, s: str, val: int, field: int) -> None:
        """Quartz's checkNext: what follows a number."""
        if i >= len(s):
            self.add(val, -1, -1, field)
            return
        c = s[i]
        if c == "L":
            if field != DOW:
                self.fail("'L' after a number is only allowed in the day-of-week field (e.g. "
                          "'6L' = last Friday)")
            if not 1 <= val <= 7:
                self.fail(self.value_range_text(DOW))
            self.last_dow = True
            self.sets[field].add(val)
            return
        if c == "W":
            if field != DOM:
                self.fail("'W' (nearest weekday) is only allowed in the day-of-month field")
            if val > 31:
                self.fail("'W' needs a day of the month from 1 to 31")
            self.nearest_weekday = True
            self.sets[field].add(val)
            return
        if c == "#":
            if field != DOW:
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
        if field in FIELD_BOUNDS and val not in (_ALL, _NONE):
            lo, hi = FIELD_BOUNDS[field]
            if (val < lo if field != DOW else val == 0) or val > hi or end > hi:
                self.fail(self.value_range_text(field))
        if incr in (0, -1) and val != _ALL:
            values.add(_NONE if val == -1 else val)
            return
        start, stop = val, end
        if val == _ALL and incr <= 0:
            incr = 1
            values.add(_ALL)
        lo, hi = FIELD_BOUNDS.get(field, (MIN_YEAR, self.max_year))
        if stop == -1:
            stop = hi
        if start in (-1, _ALL):
            start = lo
        wrap = 0
        if stop < start:
            if field == YEAR:
                self.fail("the range start must not be after its end")
            wrap = _WRAP[field]
            stop += wrap
        if field == YEAR:
            # Years after MAX_YEAR never fire; Quartz would still enumerate them.
            stop = min(stop, self.max_year)
        for i in range(start, stop + 1, incr):
            if not wrap:
                values.add(i)
                continue
            i2 = i % wrap
            if i2 == 0 and field in (MONTH, DOW, DOM):
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
def parse(expression: str, max_year: int) -> Spec:
    """The expression's `Spec` with years up to `max_year`, or a CronError; cached."""
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
        if field in (DOM, DOW) and "L" in expr and len(expr) > 1 and "," in expr:
            b.fail("'L' cannot be combined with other days in a list")
        if field == DOW and expr.count("#") > 1:
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
        b.add(_ALL, -1, 0, YEAR)
    dom_spec = _NONE not in b.sets[DOM]
    dow_spec = _NONE not in b.sets[DOW]
    b.at(DOW)
    if dom_spec == dow_spec:
        if dom_spec:
            b.fail(f"day-of-month is {originals[DOM]!r} and day-of-week is restricted too; "
                   "Quartz needs '?' in exactly one of them (e.g. '0 0 9 * * ?' or "
                   "'0 0 9 ? * MON')")
        b.fail("'?' may be used in day-of-month or in day-of-week, not in both")

    def real(field: int) -> tuple[int, ...]:
        return tuple(sorted(v for v in b.sets[field] if v not in (_ALL, _NONE)))

    # Quartz accepts these at parse time and then throws NoSuchElementException on every
    # evaluation, so they are invalid in practice. The month set is only read once a day matched,
    # which an nth weekday above 7 ('9#2') never does.
    no_day_matches = dow_spec and b.nth_dow and real(DOW)[:1] > (7,)
    for field in (SEC, MIN, HOUR) + (() if no_day_matches else (MONTH,)) \
            + ((DOM,) if dom_spec and not b.last_dom else ()) + ((DOW,) if dow_spec else ()):
        if not real(field):
            b.at(field)
            if "L" in b.token.upper():
                b.fail("'L' (last) is only allowed in the day-of-month and day-of-week fields")
            b.fail("the field has no values")
    return Spec(
        seconds=real(SEC), minutes=real(MIN), hours=real(HOUR),
        dom_spec=dom_spec, dom=real(DOM), last_dom=b.last_dom, last_offset=b.last_offset,
        nearest_weekday=b.nearest_weekday, months=real(MONTH),
        dow_spec=dow_spec, dow=real(DOW), last_dow=b.last_dow, nth_dow=b.nth_dow,
        years=tuple(sorted(v for v in b.sets[YEAR] if v != _ALL)),
        tokens=tuple(originals[:7]) + (("*",) if len(tokens) == 6 else ()),
        positions=tuple(p for p, _ in tokens[:7]) + ((None,) if len(tokens) == 6 else ()),
    )


def spec_of(expression: str) -> Spec:
    """`parse` with the `MAX_YEAR` in force (read now, so that tests can pin it)."""
    return parse(expression, fields.MAX_YEAR)

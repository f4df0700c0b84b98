"""Unix cron (5 fields, or a macro such as @daily) to the equivalent Quartz expression."""

from __future__ import annotations

import re
from typing import NoReturn

from loom_jobs_widget.schedule.fields import (
    DAY_ABBREVIATIONS,
    DAY_NUMBERS,
    DOM,
    DOW,
    FIELD_NAMES,
    HOUR,
    MIN,
    MONTH,
    MONTH_NUMBERS,
    CronError,
    consecutive_runs,
    uniform_step,
)

__all__ = ["from_unix"]

_UNIX_MACROS = {
    "@yearly": "0 0 0 1 1 ?", "@annually": "0 0 0 1 1 ?", "@monthly": "0 0 0 1 * ?",
    "@weekly": "0 0 0 ? * SUN", "@daily": "0 0 0 * * ?", "@midnight": "0 0 0 * * ?",
    "@hourly": "0 0 * * * ?",
}
_UNIX_ITEM = re.compile(r"(\*|\?|[0-9A-Z]+(?:-[0-9A-Z]+)?)(?:/([0-9]+))?")


def _unix_field(text: str, field: int, position: int) -> set[int]:
    name = FIELD_NAMES[field]
    lo, hi = {MIN: (0, 59), HOUR: (0, 23), DOM: (1, 31), MONTH: (1, 12), DOW: (0, 6)}[field]
    names = MONTH_NUMBERS if field == MONTH else (
        {k: v - 1 for k, v in DAY_NUMBERS.items()} if field == DOW else {})

    def fail(explanation: str) -> NoReturn:
        raise CronError(f"unix {name} field {text!r}: {explanation}", field=name,
                        position=position)

    def number(token: str) -> int:
        if token in names:
            return names[token]
        if not token.isdigit():
            fail(f"{token!r} is not a number" + (" or a name" if names else ""))
        value = int(token)
        top = 7 if field == DOW else hi  # unix accepts 7 for Sunday
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
            if base == "?" and field not in (DOM, DOW):
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
        selected = {v % 7 if field == DOW else v for v in range(start, stop + 1, step)}
        if not selected:
            fail(f"{item!r} selects no values")
        values |= selected
    return values


def _quartz_field(values: set[int], lo: int, hi: int) -> str:
    ordered = sorted(values)
    if ordered == list(range(lo, hi + 1)):
        return "*"
    n = uniform_step(ordered)
    if n is not None and n > 1 and len(ordered) >= 3:
        if ordered[-1] + n <= hi:
            return f"{ordered[0]}-{ordered[-1]}/{n}"
        return f"*/{n}" if ordered[0] == lo else f"{ordered[0]}/{n}"
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in consecutive_runs(ordered))


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
    fields_of = (MIN, HOUR, DOM, MONTH, DOW)
    minute, hour, dom, month, dow = (_unix_field(t, f, m.start())
                                     for t, f, m in zip(fields, fields_of, matches, strict=True))
    dom_any, dow_any = fields[2] in ("*", "?"), fields[4] in ("*", "?")
    if not dom_any and not dow_any:
        raise CronError(
            f"day-of-week field {fields[4]!r}: unix cron runs when day-of-month "
            f"{fields[2]!r} OR day-of-week {fields[4]!r} matches; Quartz cannot combine the two "
            "(one of them must be '?'), so restrict only one of them or use two schedules",
            field=FIELD_NAMES[DOW], position=matches[4].start())
    if dow_any:
        quartz_dom, quartz_dow = _quartz_field(dom, 1, 31), "?"
    else:
        days = sorted(d + 1 for d in dow)  # Quartz: 1 = Sunday
        quartz_dom = "?"
        quartz_dow = "*" if len(days) == 7 else ",".join(
            DAY_ABBREVIATIONS[a - 1] if a == b else
            f"{DAY_ABBREVIATIONS[a - 1]}-{DAY_ABBREVIATIONS[b - 1]}"
            for a, b in consecutive_runs(days))
    return " ".join(("0", _quartz_field(minute, 0, 59), _quartz_field(hour, 0, 23), quartz_dom,
                     _quartz_field(month, 1, 12), quartz_dow))

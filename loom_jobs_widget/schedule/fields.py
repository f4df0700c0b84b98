"""Quartz's seven cron fields: their names, order and bounds (MIN_YEAR .. MAX_YEAR for years),
month and day names, the shape of a field's value set, and `CronError`, which points at a field."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime

__all__ = [
    "DAY_ABBREVIATIONS",
    "DAY_NUMBERS",
    "DOM",
    "DOW",
    "FIELD_BOUNDS",
    "FIELD_NAMES",
    "HOUR",
    "MAX_YEAR",
    "MIN",
    "MIN_YEAR",
    "MONTH",
    "MONTH_NUMBERS",
    "SEC",
    "YEAR",
    "CronError",
    "consecutive_runs",
    "uniform_step",
]

# Quartz's CronExpression.MAX_YEAR is "current year + 100", taken when the class loads; years after
# it never fire. The vectors were generated in 2026 (MAX_YEAR 2126). Every reader reads it from
# this module at call time (`fields.MAX_YEAR`, never a copy), so tests can pin it here.
MAX_YEAR: int = datetime.now().year + 100

# Quartz fills the year field from 1970 and never fires before it.
MIN_YEAR = 1970

FIELD_NAMES = ("seconds", "minutes", "hours", "day-of-month", "month", "day-of-week", "year")
SEC, MIN, HOUR, DOM, MONTH, DOW, YEAR = range(7)
FIELD_BOUNDS = {SEC: (0, 59), MIN: (0, 59), HOUR: (0, 23), DOM: (1, 31), MONTH: (1, 12),
                DOW: (1, 7)}
MONTH_NUMBERS = {name: i + 1 for i, name in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"))}
# Quartz numbers days 1 = SUN .. 7 = SAT.
DAY_ABBREVIATIONS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
DAY_NUMBERS = {name: i + 1 for i, name in enumerate(DAY_ABBREVIATIONS)}


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


def consecutive_runs(values: Sequence[int]) -> list[tuple[int, int]]:
    """The runs of consecutive values in sorted values, as (first, last)."""
    runs: list[tuple[int, int]] = []
    for v in values:
        if runs and v == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], v)
        else:
            runs.append((v, v))
    return runs


def uniform_step(values: Sequence[int]) -> int | None:
    """The common difference of two or more sorted values, if there is one."""
    if len(values) < 2:
        return None
    n = values[1] - values[0]
    return n if all(b - a == n for a, b in itertools.pairwise(values)) else None

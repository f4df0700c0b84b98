"""Timing for the bench scripts: call something repeatedly, then the median, p95 and worst time.

The scripts import it by name (`from timing import ...`): run as `python bench/<script>.py`,
their own folder is on the import path.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

# Seconds to the unit the times are given in.
SCALE: Final = {"ms": 1e3, "us": 1e6}
# How a median or p95 is printed in each unit.
FIGURE: Final = {"ms": "7.2f", "us": "9.1f"}


@dataclass(frozen=True)
class Timing:
    times: list[float]  # ascending, in `unit`
    unit: str = "ms"

    @classmethod
    def of(cls, times: Iterable[float], unit: str = "ms") -> Timing:
        return cls(sorted(times), unit)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return self.times[max(0, int(len(self.times) * 0.95) - 1)]

    @property
    def worst(self) -> float:
        return self.times[-1]

    def line(self, label: str, width: int = 44) -> str:
        """`label`, then the median and the p95: one row of a script's table."""
        unit, figure = self.unit, FIGURE[self.unit]
        median = f"{self.median:{figure}} {unit}"
        p95 = f"{self.p95:{figure}} {unit}"
        return f"{label:<{width}} median {median}   p95 {p95}"


def time_calls(
    call: Callable[[], object], repeat: int, *, unit: str = "ms", warm: bool = False
) -> Timing:
    """The times of `repeat` calls of `call`; `warm` makes one untimed call first."""
    if warm:
        call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * SCALE[unit])
    return Timing.of(times, unit)


def measure(label: str, call: Callable[[], object], repeat: int, *, unit: str = "ms") -> Timing:
    """Times `call` and prints its row: `label`, median and p95."""
    timing = time_calls(call, repeat, unit=unit)
    print(timing.line(label))
    return timing

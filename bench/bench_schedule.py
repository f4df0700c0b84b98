"""Prints how long a next-5 preview takes (next_fire_times), in microseconds: median and p95."""

from __future__ import annotations

import contextlib
import json
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from timing import Timing, measure

from loom_jobs_widget.schedule import CronError, describe, fields, next_fire_times, quartz

VECTORS = Path(__file__).resolve().parents[1] / "tests" / "data" / "quartz_vectors.json"
START = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
# 02:30 local time in New York, half an hour before the 2026 spring-forward gap.
BEFORE_GAP = datetime(2026, 3, 8, 6, 30, tzinfo=timezone.utc)

# (label, expression, time zone, start): the shapes a jobs UI shows most, then special rules.
REPRESENTATIVE = [
    ("daily at a time", "44 37 8 * * ?", "Europe/Amsterdam", START),
    ("weekdays at a time", "0 15 10 ? * MON-FRI", "UTC", START),
    ("every 15 minutes", "0 0/15 * * * ?", "America/Los_Angeles", START),
    ("hourly", "0 0 * * * ?", "America/New_York", START),
    ("hourly across the DST gap", "0 0 * * * ?", "America/New_York", BEFORE_GAP),
    ("every 5 seconds", "*/5 * * * * ?", "UTC", START),
    ("first Monday (2#1)", "0 0 9 ? * 2#1", "Europe/London", START),
    ("last Friday (6L)", "0 15 10 ? * 6L", "UTC", START),
    ("last weekday (LW)", "0 0 9 LW * ?", "America/New_York", START),
    ("nearest weekday (15W)", "0 0 12 15W * ?", "UTC", START),
    ("3 days before the end (L-3)", "0 0 12 L-3 * ?", "UTC", START),
    ("with a year list", "0 0 12 1 1 ? 2027,2030,2099", "UTC", START),
    ("rare: 5th Saturday of February", "0 0 0 ? 2 7#5", "UTC", START),
]


def preview(case: dict[str, Any]) -> None:
    with contextlib.suppress(CronError):
        next_fire_times(case["expression"], case["timezone"], case["after"], 5)


def main() -> None:
    print("next_fire_times(..., count=5), parsed expression cached:")
    for label, expression, zone, start in REPRESENTATIVE:
        next_fire_times(expression, zone, start)  # warm the caches

        def run(e: str = expression, z: str = zone, s: datetime = start) -> None:
            next_fire_times(e, z, s)

        measure(f"  {label}", run, 300, unit="us")
    measure(
        "  describe('0 15 10 ? * MON-FRI')", lambda: describe("0 15 10 ? * MON-FRI"), 300, unit="us"
    )

    def cold() -> None:
        quartz.parse.cache_clear()
        next_fire_times("0 0 9 ? * 2#1", "UTC", START)

    measure("  first call, cold parse ('0 0 9 ? * 2#1')", cold, 300, unit="us")
    if not VECTORS.exists():
        print(f"(vectors not found at {VECTORS})")
        return
    fields.MAX_YEAR = 2126  # the oracle's MAX_YEAR
    cases = json.loads(VECTORS.read_text())["cases"]
    for case in cases:
        case["after"] = datetime.fromisoformat(case["start"].replace("Z", "+00:00"))
        preview(case)
    timed = []
    for case in cases:
        began = time.perf_counter()
        preview(case)
        timed.append(((time.perf_counter() - began) * 1e6, case))
    timed.sort(key=lambda pair: pair[0])
    summary = Timing([t for t, _ in timed], "us")  # already in ascending order
    print(f"\nall {len(cases)} vector cases, one call each (warm):")
    print(
        f"  median {summary.median:.1f} us   p95 {summary.p95:.1f} us   max {summary.worst:.1f} us"
        f"   total {sum(summary.times) / 1e3:.1f} ms"
    )
    for t, case in timed[-3:][::-1]:
        print(f"  slowest: {t:9.1f} us  {case['expression']!r} {case['timezone']}")


if __name__ == "__main__":
    main()

"""Prints how long the schedule form's calls take: preview (next 10 fire times, both zones,
problems, description, simple mode, DST analysis), simple_of and the time-zone picker."""

from __future__ import annotations

from datetime import datetime, timezone

from timing import measure

from loom_jobs_widget.schedule import java_time_zones, preview, simple_of, zones

START = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
# Half an hour before New York's 2026 spring-forward gap, and before its fall-back.
BEFORE_GAP = datetime(2026, 3, 8, 6, 30, tzinfo=timezone.utc)
BEFORE_FALL_BACK = datetime(2026, 11, 1, 4, 30, tzinfo=timezone.utc)

CASES = [
    ("daily, no clock change", "44 37 8 * * ?", "Europe/Amsterdam", START),
    ("every 15 minutes", "0 0/15 * * * ?", "America/Los_Angeles", START),
    ("weekdays, 10 fires span a DST change", "0 15 10 ? * MON-FRI", "America/New_York", START),
    ("hourly across the spring gap", "0 0 * * * ?", "America/New_York", BEFORE_GAP),
    ("every 15 min across the fall-back", "0 0/15 * * * ?", "America/New_York", BEFORE_FALL_BACK),
    ("daily 02:30 across the gap", "0 30 2 * * ?", "America/New_York", BEFORE_GAP),
    ("every second across the gap (cap)", "* * * * * ?", "America/New_York",
     datetime(2026, 3, 8, 6, 59, 55, tzinfo=timezone.utc)),
    ("invalid (validator message)", "0 0 9 * * *", "UTC", START),
]


def main() -> None:
    print("preview(..., count=10, viewer_timezone='Asia/Tokyo'), warm:")
    for label, expression, zone, start in CASES:
        preview(expression, zone, viewer_timezone="Asia/Tokyo", start=start)

        def run(e: str = expression, z: str = zone, s: datetime = start) -> None:
            preview(e, z, viewer_timezone="Asia/Tokyo", start=s)

        measure(f"  {label}", run, 100, unit="us")
    measure("  simple_of('0 0/15 * * * ?')", lambda: simple_of("0 0/15 * * * ?"), 300, unit="us")

    def cold_zones() -> None:
        zones.options_at.cache_clear()
        java_time_zones(at=START)

    measure("java_time_zones(), cold (offsets of ~590 ids)", cold_zones, 30)
    measure("java_time_zones(), cached (same minute)", lambda: java_time_zones(at=START), 100)


if __name__ == "__main__":
    main()

"""Quartz cron as Databricks runs it, time zones, and a job's triggers. Knows nothing of the job
model, so the validator below it in `core` can ask it about a schedule."""

from loom_jobs_widget.schedule.quartz import (
    CronError,
    describe,
    from_unix,
    next_fire_times,
    resolve_zone,
)

__all__ = ["CronError", "describe", "from_unix", "next_fire_times", "resolve_zone"]

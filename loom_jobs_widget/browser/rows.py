"""The jobs table's rows: each job's columns, its trigger and its last run as the list shows
them."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from loom_jobs_widget.browser.protocol import JobRow, RunBadge, RunSummary, TriggerSummary
from loom_jobs_widget.client import openable_url
from loom_jobs_widget.core.models import Job, JobSettings
from loom_jobs_widget.schedule import CronError, describe, pause_status, trigger_kind

__all__ = ["job_row", "rows_html", "run_summary", "settings_api", "trigger_summary"]

_KIND_TEXT = {
    "none": "None",
    "continuous": "Continuous",
    "file_arrival": "File arrival",
    "table_update": "Table update",
    "other": "Other",
}
"""The Trigger column of the kinds that say no more than their name."""

_RESULT_BADGES: dict[str, RunBadge] = {
    "SUCCESS": "succeeded",
    "SUCCESS_WITH_FAILURES": "succeeded",
    "FAILED": "failed",
    "TIMEDOUT": "failed",
    "MAXIMUM_CONCURRENT_RUNS_REACHED": "failed",
    "UPSTREAM_FAILED": "failed",
    "CANCELED": "canceled",
    "UPSTREAM_CANCELED": "canceled",
    "EXCLUDED": "skipped",
    "SKIPPED": "skipped",
    "DISABLED": "skipped",
}
"""The badge of a run that ended, by its result_state."""


def settings_api(job: Job) -> dict[str, Any]:
    """The job's settings as the API's JSON (empty when it has none)."""
    return job.settings.to_api() if isinstance(job.settings, JobSettings) else {}


def trigger_summary(settings: Mapping[str, Any]) -> TriggerSummary:
    """The Trigger column: the kind, its pause state and a short description."""
    kind = trigger_kind(settings)
    status = pause_status(settings)
    text = _KIND_TEXT.get(kind, "")
    if kind == "scheduled":
        schedule = settings.get("schedule") or {}
        cron = schedule.get("quartz_cron_expression")
        zone = schedule.get("timezone_id")
        try:
            text = describe(str(cron)) if isinstance(cron, str) else "Scheduled"
        except CronError:
            text = f"Schedule {cron}"
        if isinstance(zone, str) and zone and zone != "UTC":
            text += f" ({zone})"
    elif kind == "periodic":
        periodic = (settings.get("trigger") or {}).get("periodic") or {}
        interval, unit = periodic.get("interval"), str(periodic.get("unit") or "").lower()
        if interval == 1 and unit.endswith("s"):
            unit = unit[:-1]
        text = f"Every {interval} {unit}".strip() if interval is not None else "Periodic"
    elif kind == "other" and isinstance(settings.get("trigger"), Mapping):
        trigger = settings["trigger"]
        for name in ("model", "job_completion"):
            if trigger.get(name) is not None:
                text = name.replace("_", " ").capitalize()
    return {"kind": kind, "paused": status == "PAUSED", "pausable": status is not None,
            "text": text}  # fmt: skip


def run_summary(run: Mapping[str, Any] | None, *, local: bool = False) -> RunSummary | None:
    """The Last run column: when, and a badge (``state``: succeeded, failed, running, pending,
    canceled, skipped, other) with its label. On the ``local`` workspace the run opens in the
    editor's run view; elsewhere ``url`` is the run's page when a browser tab can open it."""
    if not run:
        return None
    raw_state, raw_status = run.get("state"), run.get("status")
    state: Mapping[str, Any] = raw_state if isinstance(raw_state, Mapping) else {}
    status: Mapping[str, Any] = raw_status if isinstance(raw_status, Mapping) else {}
    life = str(state.get("life_cycle_state") or "")
    result = str(state.get("result_state") or "")
    badge: RunBadge
    if result:
        badge = _RESULT_BADGES.get(result, "other")
        label = result.replace("_", " ").capitalize()
        if result == "SUCCESS":
            label = "Succeeded"
    elif life in ("PENDING", "QUEUED", "BLOCKED", "WAITING_FOR_RETRY"):
        badge, label = "pending", life.replace("_", " ").capitalize()
    elif life in ("RUNNING", "TERMINATING"):
        badge, label = "running", life.capitalize()
    elif life in ("SKIPPED",):
        badge, label = "skipped", "Skipped"
    elif life == "INTERNAL_ERROR":
        badge, label = "failed", "Internal error"
    else:
        badge, label = "other", (life or str(status.get("state") or "Unknown")).capitalize()
    start = run.get("start_time")
    end = run.get("end_time")
    return {
        "run_id": run.get("run_id"),
        "state": badge,
        "label": label,
        "start_time": start if isinstance(start, int) else None,
        "end_time": end if isinstance(end, int) and end > 0 else None,
        "url": None if local else openable_url(run.get("run_page_url")),
        "opens_in_editor": local and isinstance(run.get("run_id"), int),
    }


def job_row(job: Job, last_run: Mapping[str, Any] | None, *, local: bool = False) -> JobRow:
    """One row of the table (``local``: of the local workspace, see `run_summary`)."""
    settings = settings_api(job)
    tags = settings.get("tags")
    tasks = settings.get("tasks")
    name = settings.get("name")
    return {
        "job_id": job.job_id,  # type: ignore[typeddict-item]  # a listed job has its id
        "name": name if isinstance(name, str) and name else "Untitled",
        "tasks": len(tasks) if isinstance(tasks, list) else None,
        "creator": job.creator_user_name if isinstance(job.creator_user_name, str) else None,
        "created_time": job.created_time if isinstance(job.created_time, int) else None,
        "tags": {str(k): "" if v is None else str(v) for k, v in tags.items()}
        if isinstance(tags, Mapping) else {},
        "trigger": trigger_summary(settings),
        "last_run": run_summary(last_run, local=local),
    }


_TABLE_STYLE = "border-collapse:collapse;font-family:sans-serif;font-size:13px"
_CELL_STYLE = "border-bottom:1px solid #e2e8f0;padding:4px 10px;text-align:left"


def rows_html(rows: Sequence[JobRow], *, title: str = "Jobs") -> str:
    """The rows as a static HTML table (no script, every text escaped): what a notebook shows
    of the jobs browser where no widget manager runs (nbconvert, a docs site)."""
    heads = ("Name", "Job ID", "Tasks", "Trigger", "Last run", "Tags", "Created by")
    head = "".join(f'<th scope="col" style="{_CELL_STYLE}">{name}</th>' for name in heads)
    body = []
    for row in rows:
        last = row["last_run"]
        trigger = row["trigger"]
        cells = (
            row["name"],
            row["job_id"],
            "" if row["tasks"] is None else row["tasks"],
            trigger["text"] + (" (paused)" if trigger["paused"] else ""),
            "" if last is None else last["label"],
            ", ".join(f"{key}: {value}" if value else key for key, value in row["tags"].items()),
            row["creator"] or "",
        )
        body.append(
            "<tr>"
            + "".join(f'<td style="{_CELL_STYLE}">{html.escape(str(cell))}</td>' for cell in cells)
            + "</tr>"
        )
    if not rows:
        body.append(f'<tr><td colspan="{len(heads)}" style="{_CELL_STYLE}">No jobs.</td></tr>')
    return (
        f'<table class="loom-static-jobs" style="{_TABLE_STYLE}">'
        f'<caption style="text-align:left;font-weight:600;padding:4px 0">{html.escape(title)}'
        f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )

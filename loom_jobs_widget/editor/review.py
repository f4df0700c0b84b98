"""The review before a save: each change a save writes, as one line, and a sentence over them;
and what a save that worked, or met someone else's write, says."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from loom_jobs_widget.client import ConflictError, WorkspaceError
from loom_jobs_widget.core.changes import ABSENT, merge
from loom_jobs_widget.core.changes import Change as SettingsChange
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.core.validation import Problem
from loom_jobs_widget.editor.pickers import unknown_destinations
from loom_jobs_widget.editor.problems import problem_json

if TYPE_CHECKING:
    from loom_jobs_widget.client import Workspace
    from loom_jobs_widget.editor.protocol import Change, ReviewMessage

__all__ = [
    "conflict_text", "destination_problems", "merged_onto", "review_message", "saved_text",
]  # fmt: skip

_SHOWN_MOST = 2000
"""Characters of JSON a before / after value is shown with; a longer one is cut."""


def review_message(
    changes: Sequence[SettingsChange],
    grant_changes: Sequence[Change],
    errors: Sequence[Problem],
    *,
    new_job: bool,
    elsewhere: tuple[int | None, Sequence[str]] | None = None,
) -> ReviewMessage:
    """The `review` message: the changes of the settings, then those of the grants (saved after
    the job), and the errors that stop a save. ``elsewhere``: the job was saved elsewhere since
    the editor loaded it (its job_id, and the paths both sides changed): the changes are the
    user's edits on top of that version, those under a path both changed flagged."""
    summary = _review_summary(changes, new_job=new_job)
    conflicts: Sequence[str] = ()
    if elsewhere is not None:
        job_id, conflicts = elsewhere
        summary = (
            f"Job {job_id} was saved elsewhere: saving writes your edits on top of that version. "
            + summary
        )
        if conflicts:
            summary += (
                f" Both of you changed {', '.join(conflicts)} (flagged): saving writes yours "
                "over theirs."
            )
    if grant_changes:
        summary += f" Permissions: {len(grant_changes)} change(s), saved after the job."
    return {
        "kind": "review",
        "changes": [_change_json(change, conflicts) for change in changes] + list(grant_changes),
        "summary": summary,
        "errors": [problem_json(problem) for problem in errors],
    }


def merged_onto(
    saved: JobSettings, theirs: JobSettings, mine: JobSettings
) -> tuple[JobSettings, list[str]]:
    """The user's edits (``mine`` since ``saved``) on top of ``theirs``, saved elsewhere since,
    and the paths both changed: those keep the user's value. (`merge` applies its second side's
    changes onto its third: theirs onto the user's version, which wins where both changed.)"""
    result = merge(saved, theirs, mine)
    return JobSettings.from_api(result.settings), result.overlaps


def _change_json(change: SettingsChange, conflicts: Sequence[str] = ()) -> Change:
    """One change of the settings as the review lists it; flagged when it lies under (or over)
    a path both sides changed."""
    entry: Change = {"kind": change.kind, "path": change.path, "text": change.describe()}
    if any(_overlaps(change.path, path) for path in conflicts):
        entry["conflict"] = True
    if change.before is not ABSENT:
        entry["before"] = _small(change.before)
    if change.after is not ABSENT:
        entry["after"] = _small(change.after)
    return entry


def _overlaps(path: str, other: str) -> bool:
    """Whether one path lies inside the other (`tasks[etl].timeout_seconds`, `tasks[etl]`)."""
    short, long = sorted((path, other), key=len)
    return long == short or long.startswith((short + ".", short + "["))


def _review_summary(changes: Sequence[SettingsChange], *, new_job: bool) -> str:
    """One sentence over the list of changes: what a save does, and to which tasks."""
    if new_job:
        return "Save creates this job in the workspace."
    if not changes:
        return "No changes to save."
    tasks: list[str] = []
    job_fields: list[str] = []
    for change in changes:
        match = re.match(r"tasks\[([^\]]+)\]", change.path)
        if match:
            tasks.append(match.group(1))
        else:
            job_fields.append(change.top_level)
    parts = []
    if tasks:
        keys = list(dict.fromkeys(tasks))
        shown = ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
        parts.append(f"task{'s' if len(keys) > 1 else ''} {shown}")
    if job_fields:
        parts.append(", ".join(dict.fromkeys(job_fields)))
    count = len(changes)
    return f"{count} change{'s' if count > 1 else ''} to {' and '.join(parts)}."


def _small(value: Any) -> Any:
    """A before / after value, or the start of its JSON when it is too big to show."""
    text = json.dumps(value, default=str)
    return value if len(text) <= _SHOWN_MOST else text[:_SHOWN_MOST] + "…"


def _count(items: Sequence[object], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def _listed(changes: Sequence[SettingsChange], most: int = 3) -> str:
    shown = "; ".join(change.describe() for change in changes[:most])
    more = len(changes) - most
    return shown + (f"; and {more} more" if more > 0 else "")


def conflict_text(error: ConflictError, job_id: int | None) -> str:
    """What a conflict means for the user, in plain words, and what they can do."""
    job = f"job {job_id}" if job_id is not None else "the job"
    if error.written:
        contested = error.contested
        paths = [unit.path for unit in contested]
        fields = paths[0] if len(paths) == 1 else ", ".join(paths[:-1]) + " and " + paths[-1]
        if len(contested) == 1:
            detail = contested[0].describe(named=False)
        else:
            detail = "; ".join(unit.describe() for unit in contested)
        return (
            f"Saved {job}, but someone else changed {fields} at the same time: {detail}. "
            "Reload theirs (Undo) or save yours again (Save)."
        )
    changed = _listed(error.remote_changes)
    if error.mergeable:
        choice = (
            "Your edits are kept. They touch other fields than theirs: save from Python with "
            'on_conflict="merge" to keep both, or on_conflict="overwrite" to write yours over '
            "theirs."
        )
    else:
        choice = (
            f"Your edits are kept. Yours and theirs both change {', '.join(error.overlaps)}: "
            'save from Python with on_conflict="overwrite" to write yours over theirs, or open '
            "the job again to take theirs."
        )
    return f"Not saved: someone else changed {job} since it was loaded ({changed}). {choice}"


def saved_text(job_id: int | None, taken_in: Sequence[SettingsChange]) -> str:
    """What a save that worked says; with someone else's changes it took in, named."""
    if not taken_in:
        return f"Saved job {job_id}."
    return (
        f"Saved job {job_id}; also took in {_count(taken_in, 'change')} someone else made "
        f"meanwhile: {_listed(taken_in)}."
    )


def destination_problems(
    workspace: Callable[[], Workspace], settings: JobSettings
) -> list[Problem]:
    """Webhooks naming an id that is none of the workspace's notification destinations, as
    errors of the review: a workspace refuses such a save. None when the workspace cannot be
    read now (the save itself then says why)."""
    try:
        found = unknown_destinations(workspace(), settings.to_api())
    except (WorkspaceError, OSError):
        return []
    return [Problem(code="unknown_destination", severity="error", message=sentence,
                    field="webhook_notifications") for sentence in found]  # fmt: skip

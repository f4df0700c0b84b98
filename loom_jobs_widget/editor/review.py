"""The review before a save: each change a save writes, as one line, and a sentence over them."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from loom_jobs_widget.core.changes import ABSENT
from loom_jobs_widget.core.changes import Change as SettingsChange
from loom_jobs_widget.core.validation import Problem
from loom_jobs_widget.editor.problems import problem_json
from loom_jobs_widget.editor.protocol import Change, ReviewMessage

__all__ = ["review_message"]

_SHOWN_MOST = 2000
"""Characters of JSON a before / after value is shown with; a longer one is cut."""


def review_message(
    changes: Sequence[SettingsChange],
    grant_changes: Sequence[Change],
    errors: Sequence[Problem],
    *,
    new_job: bool,
) -> ReviewMessage:
    """The `review` message: the changes of the settings, then those of the grants (saved after
    the job), and the errors that stop a save."""
    summary = _review_summary(changes, new_job=new_job)
    if grant_changes:
        summary += f" Permissions: {len(grant_changes)} change(s), saved after the job."
    return {
        "kind": "review",
        "changes": [_change_json(change) for change in changes] + list(grant_changes),
        "summary": summary,
        "errors": [problem_json(problem) for problem in errors],
    }


def _change_json(change: SettingsChange) -> Change:
    """One change of the settings as the review lists it."""
    entry: Change = {"kind": change.kind, "path": change.path, "text": change.describe()}
    if change.before is not ABSENT:
        entry["before"] = _small(change.before)
    if change.after is not ABSENT:
        entry["after"] = _small(change.after)
    return entry


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

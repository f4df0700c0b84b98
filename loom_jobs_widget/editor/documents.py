"""The editor's JSON / YAML view as an editor: the settings (or one task) as text, and edited
text read back into settings, to apply as one undoable edit.

The text is the truth: what it holds becomes the settings as written, unknown fields and all.
Text that does not parse, or parses to something that is not a job (or a task), changes
nothing and says why (where, for a parse error). Settings with problems are applied (as the
canvas allows them); their problems are listed with the reply.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from loom_jobs_widget.core.changes import diff
from loom_jobs_widget.core.documents import DocumentError, parse_document, settings_text
from loom_jobs_widget.core.editing import EditError, replace_task
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.core.validation import Problem
from loom_jobs_widget.editor import protocol
from loom_jobs_widget.editor.problems import problem_json

__all__ = ["AppliedDocument", "apply_document", "document_message", "read_document"]

# Set by the workspace, never by a bundle (`bundle generate job` leaves them out): a bundle's
# text without them keeps the job's own.
_SERVER_FIELDS = ("deployment", "edit_mode")
# The job's fields that hold lists of objects: the editor draws them, so they must be lists.
_LISTS = ("tasks", "job_clusters", "parameters", "environments")
_NAMES = {"json": "JSON", "yaml": "YAML", "bundle": "YAML"}


def document_message(
    settings: JobSettings, text_format: Any, task_key: Any = None
) -> protocol.DocumentMessage:
    """The answer to `view_as`: the settings (or task ``task_key``) as text."""
    if text_format not in _NAMES:
        raise ValueError(f"unknown format {text_format!r}")
    message: protocol.DocumentMessage = {"kind": "document", "format": text_format, "text": ""}
    if task_key is None:
        if text_format == "bundle":
            # Bundles are imported when a bundle is first shown or pasted, not with the editor.
            from loom_jobs_widget.core.bundles import export_job

            message["text"] = export_job(settings)
        else:
            message["text"] = settings_text(settings, text_format)
        return message
    task = settings.task(task_key) if isinstance(task_key, str) else None
    if task is None:
        raise ValueError(f"there is no task {task_key!r}")
    message["text"] = settings_text(task.to_api(), "json" if text_format == "json" else "yaml")
    message["task_key"] = task_key
    return message


@dataclass(frozen=True)
class AppliedDocument:
    """Edited text read back: ``settings`` to push (None: nothing to push), the history's
    ``label``, and the reply's words (``error`` with ``line`` / ``column``: refused)."""

    text_format: protocol.TextFormat
    task_key: str | None
    settings: JobSettings | None = None
    label: str = ""
    error: str = ""
    line: int | None = None
    column: int | None = None
    note: str = ""

    def reply(self, problems: Sequence[Problem]) -> protocol.DocumentResultMessage:
        """The `document_result`; ``problems``: the settings' now (after the push)."""
        name = _NAMES[self.text_format]
        if self.error:
            message = f"Not applied: {self.error}"
        elif self.settings is None:
            message = f"The {name} says what the editor holds: nothing to apply."
        else:
            message = f"Applied the {name} as one edit: Undo restores the job as it was."
        if self.note:
            message = f"{message} {self.note}"
        key = self.task_key
        shown = [p for p in problems if key is None or p.task_key == key]
        return {"kind": "document_result", "format": self.text_format, "task_key": key,
                "ok": not self.error, "changed": self.settings is not None, "message": message,
                "line": self.line, "column": self.column,
                "problems": [problem_json(p) for p in shown]}  # fmt: skip


def apply_document(
    current: JobSettings,
    message: Mapping[str, Any],
    replace: Callable[[JobSettings, str], None],
    problems: Callable[[], Sequence[Problem]],
) -> protocol.DocumentResultMessage:
    """Answers an `apply_document`: the settings it holds go through ``replace`` (the session's
    undoable replace, which validates them), then the reply lists ``problems()``."""
    applied = read_document(current, message)
    if applied.settings is not None:
        replace(applied.settings, applied.label)
    return applied.reply(problems())


def read_document(current: JobSettings, message: Mapping[str, Any]) -> AppliedDocument:
    """An `apply_document` request read against the settings ``current``. Never raises for
    what the text holds: a refusal is an `AppliedDocument` with an ``error``."""
    text_format = message["format"]
    if text_format not in _NAMES:
        raise ValueError(f"unknown format {text_format!r}")
    text, task_key = message["text"], message.get("task_key")
    if not isinstance(text, str) or not (task_key is None or isinstance(task_key, str)):
        raise TypeError("text must be a string, task_key a task key or null")
    refused = AppliedDocument(text_format, task_key)
    try:
        document = parse_document(text, "json" if text_format == "json" else "yaml")
        if task_key is not None:
            new = replace_task(current, task_key, _task_document(document))
            label = f"edit task '{task_key}' as {_NAMES[text_format]}"
            note = ""
        else:
            settings, note = _settings_document(current, document, text_format)
            new = JobSettings.from_api(settings)
            label = f"edit as {_NAMES[text_format]}"
    except DocumentError as error:
        return _refused(refused, error.message, error.line, error.column)
    except EditError as error:
        return _refused(refused, error.message, None, None)
    if new is current or not diff(current, new):
        return AppliedDocument(text_format, task_key, note=note)
    return AppliedDocument(text_format, task_key, settings=new, label=label, note=note)


def _refused(
    refused: AppliedDocument, error: str, line: int | None, column: int | None
) -> AppliedDocument:
    return AppliedDocument(refused.text_format, refused.task_key, error=error, line=line,
                           column=column)  # fmt: skip


def _task_document(document: Any) -> Mapping[str, Any]:
    if not isinstance(document, Mapping):
        raise DocumentError(f"The text holds {_kind(document)}, not a task: expected an object.")
    return document


def _settings_document(
    current: JobSettings, document: Any, text_format: str
) -> tuple[dict[str, Any], str]:
    """The job's settings in the parsed text, and a note on what was left out; raises
    `DocumentError` when the text holds no job."""
    note = ""
    pasted_bundle = isinstance(document, Mapping) and "resources" in document
    if text_format == "bundle" or (pasted_bundle and "tasks" not in document):
        from loom_jobs_widget.core.bundles import BundleError, document_jobs

        try:
            jobs = document_jobs(document)
        except BundleError as error:
            raise DocumentError(error.message) from None
        if len(jobs) > 1:
            keys = ", ".join(job.key for job in jobs)
            raise DocumentError(f"The text holds {len(jobs)} jobs ({keys}): keep one.")
        settings = dict(jobs[0].settings)
        kept = current.to_api()
        for name in _SERVER_FIELDS:
            if name not in settings and name in kept:
                settings[name] = kept[name]
        if jobs[0].permissions:
            note = "Its `permissions` were left out: set them in the Permissions tab."
    elif not isinstance(document, Mapping):
        raise DocumentError(f"The text holds {_kind(document)}, not a job: expected an object.")
    elif isinstance(document.get("settings"), Mapping) and "tasks" not in document:
        settings = dict(document["settings"])  # a jobs/get response, pasted whole
    else:
        settings = dict(document)
    for name in _LISTS:
        value = settings.get(name)
        if value is not None and not isinstance(value, list):
            raise DocumentError(f"`{name}` is {_kind(value)}, not a list: this is not a job.")
        if name == "tasks" and value and not all(isinstance(t, Mapping) for t in value):
            raise DocumentError("Every entry of `tasks` must be an object: this is not a job.")
    return settings, note


def _kind(value: Any) -> str:
    """What a JSON value is, in words: "an object", "a list", ..."""
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return "a boolean" if isinstance(value, bool) else "a number"

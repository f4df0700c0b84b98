"""Jobs as Databricks Asset Bundle resources: import one from a `databricks.yml` or a resources
file (or plain Jobs API JSON / YAML), and export one as `databricks bundle generate job` writes
it (`resources: jobs: <key>: {...}`).

Bundle YAML uses the Jobs API's own field names, so a job's settings move across as they are:
`${var.x}` and `${resources...}` interpolations stay literal strings (the CLI resolves them at
deploy time), and the bundle-only job-level `permissions` list is kept apart from the settings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from loom_jobs_widget.core.documents import DocumentError, parse_document, settings_text
from loom_jobs_widget.core.models import JobSettings

__all__ = [
    "BundleError",
    "ImportedJob",
    "document_jobs",
    "export_job",
    "import_job",
    "import_jobs",
    "resource_key",
]

# Set by the workspace, never by a bundle: `bundle generate job` leaves them out.
_SERVER_FIELDS = ("deployment", "edit_mode")


class BundleError(DocumentError):
    """Text that holds no job, or not the one asked for; says where (line) and why."""


@dataclass(frozen=True)
class ImportedJob:
    """One job of a bundle: its resource key, its Jobs API settings, and the bundle's own
    job-level `permissions` (applied by `bundle deploy` through the permissions API)."""

    key: str
    settings: dict[str, Any]
    permissions: list[dict[str, Any]] = field(default_factory=list)
    source: str = ""  # where in the text it was: "resources.jobs.etl", "settings", ...


def resource_key(name: str | None) -> str:
    """A bundle resource key for a job name, as `bundle generate job` makes one: lower case,
    words joined by `_`."""
    text = re.sub(r"[^0-9a-zA-Z]+", "_", name or "").strip("_").lower()
    return text or "job"


def _load(text: str) -> Any:
    try:
        return parse_document(text)
    except BundleError:
        raise
    except DocumentError as error:
        raise BundleError(error.message, error.line, error.column) from None


def _job(key: str, settings: Any, source: str) -> ImportedJob:
    if not isinstance(settings, Mapping):
        raise BundleError(f"{source} is not a job: it is a {type(settings).__name__}.")
    document = {k: v for k, v in settings.items() if k != "permissions"}
    permissions = settings.get("permissions")
    listed = permissions if isinstance(permissions, list) else []
    kept = [dict(p) for p in listed if isinstance(p, Mapping)]
    return ImportedJob(key=key, settings=document, permissions=kept, source=source)


def import_jobs(text: str) -> list[ImportedJob]:
    """Every job in the text: a bundle file's `resources.jobs`, a `jobs/get` response (its
    `settings`), or job settings themselves, as YAML or JSON. Jobs only under `targets` are
    not merged in: the base definition is what the editor opens."""
    return document_jobs(_load(text))


def document_jobs(document: Any) -> list[ImportedJob]:
    """Every job in a parsed document, as `import_jobs` finds them in text."""
    if not isinstance(document, Mapping):
        raise BundleError(
            f"The text holds a {type(document).__name__}, not a job: expected an object with "
            "`resources.jobs`, `settings` or `tasks`."
        )
    resources = document.get("resources")
    if isinstance(resources, Mapping) and "jobs" in resources:
        jobs = resources["jobs"]
        if not isinstance(jobs, Mapping) or not jobs:
            raise BundleError("`resources.jobs` holds no job.")
        return [_job(str(key), value, f"resources.jobs.{key}") for key, value in jobs.items()]
    if isinstance(document.get("settings"), Mapping):
        name = document["settings"].get("name")
        return [_job(resource_key(name if isinstance(name, str) else None),
                     document["settings"], "settings")]  # fmt: skip
    if "tasks" in document or "name" in document:
        name = document.get("name")
        return [_job(resource_key(name if isinstance(name, str) else None), document, "the job")]
    targets = document.get("targets")
    if isinstance(targets, Mapping) and any(
        isinstance(t, Mapping) and isinstance(t.get("resources"), Mapping) for t in targets.values()
    ):
        raise BundleError(
            "The jobs of this bundle are defined only under `targets`; open the target's "
            "resources file, or move the job to the top-level `resources.jobs`."
        )
    raise BundleError(
        "The text holds no job: expected `resources.jobs` (a bundle file), `settings` (a "
        "jobs/get response) or `tasks` (job settings)."
    )


def import_job(text: str, key: str | None = None) -> ImportedJob:
    """The one job of the text, or the one with resource key (or name) ``key``."""
    jobs = import_jobs(text)
    if key is None:
        if len(jobs) > 1:
            keys = ", ".join(job.key for job in jobs)
            raise BundleError(f"The text holds {len(jobs)} jobs ({keys}): say which one.")
        return jobs[0]
    for job in jobs:
        if key in (job.key, job.settings.get("name")):
            return job
    raise BundleError(f"There is no job '{key}' here; there are {', '.join(j.key for j in jobs)}.")


def export_job(
    settings: JobSettings | Mapping[str, Any],
    *,
    key: str | None = None,
    permissions: list[Mapping[str, Any]] | None = None,
) -> str:
    """The job as a bundle resources file (YAML), as `databricks bundle generate job` writes
    it: the settings under `resources.jobs.<key>`, without the fields the workspace sets."""
    document = settings.to_api() if isinstance(settings, JobSettings) else dict(settings)
    for server_field in _SERVER_FIELDS:
        document.pop(server_field, None)
    if permissions:
        document["permissions"] = [dict(p) for p in permissions]
    name = document.get("name")
    resource = key or resource_key(name if isinstance(name, str) else None)
    return settings_text({"resources": {"jobs": {resource: document}}}, "yaml")

"""The job model and everything pure about it: the lossless `Job` / `JobSettings` models, the
validator, diffs and merges, edits, bundles and permissions. No I/O, no SDK, no widgets.

Names resolve on first use: importing a module of this package (its `limits`, say) does not
import pydantic with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loom_jobs_widget._lazy import lazy_names

__all__ = [
    "BundleError",
    "Change",
    "EditError",
    "ImportedJob",
    "Job",
    "JobSettings",
    "Problem",
    "Task",
    "diff",
    "export_job",
    "import_job",
    "merge",
    "summary",
    "validate",
]

_LAZY = {
    "BundleError": "loom_jobs_widget.core.bundles",
    "ImportedJob": "loom_jobs_widget.core.bundles",
    "export_job": "loom_jobs_widget.core.bundles",
    "import_job": "loom_jobs_widget.core.bundles",
    "Change": "loom_jobs_widget.core.changes",
    "diff": "loom_jobs_widget.core.changes",
    "merge": "loom_jobs_widget.core.changes",
    "summary": "loom_jobs_widget.core.changes",
    "EditError": "loom_jobs_widget.core.editing",
    "Job": "loom_jobs_widget.core.models",
    "JobSettings": "loom_jobs_widget.core.models",
    "Task": "loom_jobs_widget.core.models",
    "Problem": "loom_jobs_widget.core.validation",
    "validate": "loom_jobs_widget.core.validation",
}

if TYPE_CHECKING:
    from loom_jobs_widget.core.bundles import BundleError, ImportedJob, export_job, import_job
    from loom_jobs_widget.core.changes import Change, diff, merge, summary
    from loom_jobs_widget.core.editing import EditError
    from loom_jobs_widget.core.models import Job, JobSettings, Task
    from loom_jobs_widget.core.validation import Problem, validate


__getattr__ = lazy_names(__name__, _LAZY)

"""The Jobs API's limits and name patterns that a job's settings must keep.

Standard library only: the TypeScript front end is generated from this module.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "FOR_EACH_CONCURRENCY",
    "MAX_CONCURRENT_RUNS",
    "MAX_TAGS",
    "MAX_TASKS",
    "MAX_TASK_KEY_LENGTH",
    "MAX_WEBHOOKS_PER_EVENT",
    "MIN_TRIGGER_SECONDS",
    "PARAMETER_NAME_PATTERN",
    "TASK_KEY_PATTERN",
]

# databricks-sdk 0.162.0 docstrings: JobSettings.tasks ("up to 1000 elements").
MAX_TASKS: Final = 1000
# databricks-sdk 0.162.0 docstrings: JobSettings.tags ("A maximum of 25 tags").
MAX_TAGS: Final = 25
# databricks-sdk 0.162.0 docstrings: WebhookNotifications ("A maximum of 3 destinations").
MAX_WEBHOOKS_PER_EVENT: Final = 3
# databricks-sdk 0.162.0 docstrings: JobSettings.max_concurrent_runs ("cannot exceed 1000").
MAX_CONCURRENT_RUNS: Final = 1000
# Databricks product docs, "For each" tasks: concurrency is 1 to 100.
FOR_EACH_CONCURRENCY: Final = range(1, 101)
# Jobs API 2.2 reference: jobs/create, tasks[].task_key (1 to 100 characters).
MAX_TASK_KEY_LENGTH: Final = 100
# Jobs API 2.2 reference: jobs/create, tasks[].task_key (letters, digits, '_' and '-').
TASK_KEY_PATTERN: Final = re.compile(r"[A-Za-z0-9_\-]+")
# databricks-sdk 0.162.0 docstrings: JobParameterDefinition.name (alphanumerics, '_', '-', '.').
PARAMETER_NAME_PATTERN: Final = re.compile(r"[A-Za-z0-9_.\-]+")
# databricks-sdk 0.162.0 docstrings: File arrival and table update trigger configurations.
MIN_TRIGGER_SECONDS: Final = 60

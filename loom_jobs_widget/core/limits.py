"""The Jobs API's limits and name patterns that a job's settings must keep.

Standard library only: the TypeScript front end is generated from this module.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "FOR_EACH_CONCURRENCY",
    "GIT_PROVIDERS",
    "MAX_CONCURRENT_RUNS",
    "MAX_JOB_NAME_BYTES",
    "MAX_TAGS",
    "MAX_TASKS",
    "MAX_TASK_KEY_LENGTH",
    "MAX_WEBHOOKS_PER_EVENT",
    "MIN_TRIGGER_SECONDS",
    "PARAMETER_NAME_PATTERN",
    "TASK_KEY_PATTERN",
]

# databricks-sdk 0.167.0 docstrings: JobSettings.name ("The maximum length is 4096 bytes in UTF-8
# encoding"); RunSubmit.run_name has the same limit.
MAX_JOB_NAME_BYTES: Final = 4096
# databricks-sdk 0.167.0: GitProvider, the values of git_source.git_provider ("The value is case
# insensitive"). In the order a workspace lists them, lowercased, when it refuses a git_source
# without one (databricks/cli acceptance test bundle/resources/jobs/no-git-provider, run against
# cloud).
GIT_PROVIDERS: Final = (
    "gitHub",
    "gitLab",
    "bitbucketCloud",
    "gitLabEnterpriseEdition",
    "bitbucketServer",
    "azureDevOpsServices",
    "gitHubEnterprise",
    "awsCodeCommit",
)
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

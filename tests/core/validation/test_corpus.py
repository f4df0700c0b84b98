"""The corpus of real jobs: no false alarm on a sound job, every known problem found."""

from __future__ import annotations

from collections import Counter

import pytest

from loom_jobs_widget.core.validation import validate

from ...corpus import corpus_files, corpus_settings
from .helpers import assert_well_formed, check

# --- the corpus of real jobs ----------------------------------------------------------------------

# Files with genuine problems (corpus README, "Known genuine problems"), with what must be found.
EXPECTED = {
    "cicd-demo__legacy_single_task.json": [("legacy-single-task-format", "new_cluster")],
    "cli__apidocs_kitchen_sink_invalid.json": [
        ("single-task-format", "format"),
        ("several-run-as-principals", "run_as"),
        ("invalid-task-key", "tasks[2].task_key"),
        ("conflicting-triggers", "trigger"),
        ("several-trigger-types", "trigger.periodic"),
        ("trigger-field", "trigger.periodic.interval"),  # the README: "periodic.interval 0"
    ],
    "cli__for_each_wheel_create.json": [
        ("nested-task-key-reused", "tasks[TestTask2].for_each_task.task.task_key")
    ],
    "cli__resolved_nonstring_vars_validate.json": [
        ("invalid-task-key", "tasks[0].task_key"),
        ("missing-task-type", "tasks[0]"),
    ],
    "cli__task_source_git_job_create.json": [
        ("git-provider-spelling", "git_source.git_provider"),
        (
            "nested-task-key-reused",
            "tasks[test_task_foreach_no_source].for_each_task.task.task_key",
        ),
        (
            "nested-task-key-reused",
            "tasks[test_task_foreach_workspace].for_each_task.task.task_key",
        ),
    ],
    "cli__task_source_git_job_reset.json": [
        (
            "nested-task-key-reused",
            "tasks[test_task_foreach_no_source].for_each_task.task.task_key",
        ),
        (
            "nested-task-key-reused",
            "tasks[test_task_foreach_workspace].for_each_task.task.task_key",
        ),
    ],
    # Not in the README's list, whose structural check did not look at characters: these keys
    # ('max(int64) - 1', ...) break the API's rule (letters, digits, '_' and '-'); the request
    # was recorded against the CLI's local test server, which does not check it.
    "cli__big_int64_job_ids_create.json": [
        ("invalid-task-key", f"tasks[{key}].task_key")
        for key in [
            "max(int64)",
            "max(int64) - 1",
            "max(int64) - 2",
            "min(int64)",
            "min(int64) - 4",
        ]
    ],
}
# Warnings on files with no genuine problem: each one would be a false alarm in the editor.
EXPECTED_WARNINGS_ON_CLEAN_FILES: dict[str, list[tuple[str, str]]] = {}


@pytest.mark.parametrize("name", [name for name in corpus_files() if name not in EXPECTED])
def test_corpus_job_without_known_problems_has_no_error(name: str) -> None:
    problems = check(corpus_settings(name))
    for problem in problems:  # shown with -s, for whoever reviews false alarms
        print(f"{name}: {problem.severity} {problem.code} at {problem.field}: {problem.message}")
    assert_well_formed(problems)
    assert [p for p in problems if p.severity == "error"] == []
    warnings = [(p.code, p.field) for p in problems]
    assert warnings == EXPECTED_WARNINGS_ON_CLEAN_FILES.get(name, [])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_job_with_known_problems(name: str) -> None:
    problems = check(corpus_settings(name))
    assert_well_formed(problems)
    assert [(p.code, p.field) for p in problems] == EXPECTED[name]


def test_corpus_problems_are_errors_and_warnings_as_expected() -> None:
    severities = Counter(
        (p.code, p.severity) for name in EXPECTED for p in validate(corpus_settings(name))
    )
    assert {code for (code, severity) in severities if severity == "warning"} == {
        "legacy-single-task-format",
        "single-task-format",
        "nested-task-key-reused",
        "git-provider-spelling",
    }

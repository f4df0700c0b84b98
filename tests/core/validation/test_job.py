"""Job-level rules: limits, the name, job parameters, notifications and health, formats, Git,
bundle interpolations."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import clean, for_each, job, only, task

# --- job-level limits -----------------------------------------------------------------------------


def test_a_job_name_over_4096_bytes_counts_bytes_not_characters() -> None:
    problem = only(job(task("a"), name="é" * 2049))  # 2,049 characters, 4,098 bytes
    assert (problem.code, problem.severity) == ("job-name-too-long", "error")
    assert (problem.task_key, problem.field) == (None, "name")
    assert problem.message == (
        "The job name is 4098 bytes long in UTF-8 (2049 characters); the limit is 4096 bytes."
    )


def test_a_job_name_over_4096_ascii_characters() -> None:
    problem = only(job(task("a"), name="a" * 4097))
    assert problem.message == "The job name is 4097 bytes long in UTF-8; the limit is 4096 bytes."


@pytest.mark.parametrize("name", ["é" * 2048, "a" * 4096, "😀" * 1024, "a" * 4090 + "${var.x}"])
def test_job_names_within_4096_bytes(name: str) -> None:
    clean(job(task("a"), name=name))


def test_a_job_name_too_long_whatever_its_bundle_references_become() -> None:
    problem = only(job(task("a"), name="${var.env} " + "a" * 4096))
    assert (problem.code, problem.field) == ("job-name-too-long", "name")
    assert problem.message == (
        "The job name, without its ${...} references, is already 4097 bytes long in UTF-8; "
        "the limit is 4096 bytes."
    )


def test_a_job_name_of_four_byte_characters_over_the_limit() -> None:
    problem = only(job(task("a"), name="😀" * 1025))
    assert problem.message.startswith("The job name is 4100 bytes long in UTF-8 (1025 characters)")


def test_more_than_a_thousand_tasks() -> None:
    problem = only(job(*[task(f"t{i}") for i in range(1001)]))
    assert (problem.code, problem.severity) == ("too-many-tasks", "error")
    assert (problem.task_key, problem.field) == (None, "tasks")


def test_a_thousand_tasks() -> None:
    clean(job(*[task(f"t{i}") for i in range(1000)]))


def test_more_than_25_tags() -> None:
    problem = only(job(tags={f"tag{i}": "x" for i in range(26)}))
    assert (problem.code, problem.severity) == ("too-many-tags", "error")
    assert (problem.task_key, problem.field) == (None, "tags")


def test_25_tags() -> None:
    clean(job(tags={f"tag{i}": "x" for i in range(25)}))


@pytest.mark.parametrize("runs", [-1, 1001])
def test_max_concurrent_runs_out_of_range(runs: int) -> None:
    problem = only(job(max_concurrent_runs=runs))
    assert (problem.code, problem.severity) == ("max-concurrent-runs-out-of-range", "error")
    assert (problem.task_key, problem.field) == (None, "max_concurrent_runs")


@pytest.mark.parametrize("runs", [0, 1, 1000, "${var.runs}"])
def test_max_concurrent_runs_in_range(runs: Any) -> None:
    clean(job(max_concurrent_runs=runs))


def test_negative_job_timeout() -> None:
    problem = only(job(timeout_seconds=-5))
    assert (problem.code, problem.severity) == ("negative-timeout", "error")
    assert (problem.task_key, problem.field) == (None, "timeout_seconds")


def test_negative_task_timeout() -> None:
    problem = only(job(task("a", timeout_seconds=-1)))
    assert (problem.code, problem.severity) == ("negative-timeout", "error")
    assert (problem.task_key, problem.field) == ("a", "tasks[a].timeout_seconds")


def test_zero_timeouts() -> None:
    clean(job(task("a", timeout_seconds=0), timeout_seconds=0))


def test_run_as_with_several_principals() -> None:
    problem = only(job(run_as={"user_name": "a@b.c", "group_name": "admins"}))
    assert (problem.code, problem.severity) == ("several-run-as-principals", "error")
    assert (problem.task_key, problem.field) == (None, "run_as")


def test_run_as_with_one_principal() -> None:
    clean(job(run_as={"service_principal_name": "692bc6d0-ffa3-11ed-be56-0242ac120002"}))


# --- job parameters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parameter", "detail"),
    [
        ({"name": "run date", "default": ""}, "' '"),
        ({"name": "a$b", "default": ""}, "'$'"),
        ({"name": "", "default": ""}, "empty"),
        ({"default": "x"}, "no name"),
        ({"name": 3, "default": "x"}, "not a string"),
    ],
)
def test_invalid_parameter_name(parameter: dict[str, Any], detail: str) -> None:
    problem = only(job(parameters=[{"name": "ok", "default": ""}, parameter]))
    assert (problem.code, problem.severity) == ("invalid-parameter-name", "error")
    assert (problem.task_key, problem.field) == (None, "parameters[1].name")
    assert detail in problem.message


def test_duplicate_parameter_name() -> None:
    parameters = [
        {"name": "p", "default": "1"},
        {"name": "q", "default": ""},
        {"name": "p", "default": "2"},
    ]
    problem = only(job(parameters=parameters))
    assert (problem.code, problem.severity) == ("duplicate-parameter-name", "error")
    assert (problem.task_key, problem.field) == (None, "parameters[2].name")


def test_parameter_that_is_not_an_object() -> None:
    problem = only(job(parameters=["p"]))
    assert (problem.code, problem.severity) == ("invalid-parameter", "error")
    assert problem.field == "parameters[0]"


def test_valid_parameter_names() -> None:
    names = ["a", "A.b-c_9", "catalog.schema", "${var.name}"]
    clean(job(parameters=[{"name": name, "default": ""} for name in names]))


# --- notifications and health ---------------------------------------------------------------------


def hooks(count: int) -> list[dict[str, str]]:
    return [{"id": f"destination-{i}"} for i in range(count)]


def test_more_than_three_webhooks_per_event_on_the_job() -> None:
    problem = only(job(webhook_notifications={"on_start": hooks(3), "on_failure": hooks(4)}))
    assert (problem.code, problem.severity) == ("too-many-webhooks", "error")
    assert (problem.task_key, problem.field) == (None, "webhook_notifications.on_failure")


def test_more_than_three_webhooks_per_event_on_a_task() -> None:
    problem = only(job(task("a", webhook_notifications={"on_success": hooks(5)})))
    assert (problem.code, problem.severity) == ("too-many-webhooks", "error")
    assert (problem.task_key, problem.field) == ("a", "tasks[a].webhook_notifications.on_success")


def test_three_webhooks_per_event() -> None:
    clean(
        job(
            task("a", webhook_notifications={"on_start": hooks(3)}),
            webhook_notifications={"on_failure": hooks(3)},
        )
    )


def test_health_rule_with_another_op_is_a_warning() -> None:
    rule = {"metric": "RUN_DURATION_SECONDS", "op": "LESS_THAN", "value": 10}
    problem = only(job(task("a", health={"rules": [rule]})))
    assert (problem.code, problem.severity) == ("unknown-health-op", "warning")
    assert (problem.task_key, problem.field) == ("a", "tasks[a].health.rules[0].op")


def test_health_rule_on_an_unknown_metric_is_a_warning() -> None:
    rule = {"metric": "RUN_COST_DOLLARS", "op": "GREATER_THAN", "value": 10}
    problem = only(job(health={"rules": [rule]}))
    assert (problem.code, problem.severity) == ("unknown-health-metric", "warning")
    assert (problem.task_key, problem.field) == (None, "health.rules[0].metric")


def test_documented_health_rule() -> None:
    rule = {"metric": "STREAMING_BACKLOG_BYTES", "op": "GREATER_THAN", "value": 50000000000}
    clean(job(task("a", health={"rules": [rule]}), health={"rules": [rule]}))


# --- formats and git ------------------------------------------------------------------------------


def test_legacy_single_task_format() -> None:
    document = {
        "name": "legacy",
        "new_cluster": {"spark_version": "13.3.x-scala2.12", "num_workers": 1},
        "notebook_task": {"notebook_path": "/n"},
    }
    problem = only(document)
    assert (problem.code, problem.severity) == ("legacy-single-task-format", "warning")
    assert (problem.task_key, problem.field) == (None, "new_cluster")


def test_single_task_format_with_several_tasks() -> None:
    problem = only(job(task("a"), task("b"), format="SINGLE_TASK"))
    assert (problem.code, problem.severity) == ("single-task-format", "warning")
    assert (problem.task_key, problem.field) == (None, "format")


def test_formats_that_fit() -> None:
    clean(job(task("a"), format="SINGLE_TASK"))
    clean(job(task("a"), task("b"), format="MULTI_TASK"))


def test_git_provider_in_another_case_is_a_warning() -> None:
    problem = only(
        job(git_source={"git_url": "https://x", "git_provider": "github", "git_branch": "main"})
    )
    assert (problem.code, problem.severity) == ("git-provider-spelling", "warning")
    assert (problem.task_key, problem.field) == (None, "git_source.git_provider")
    assert "'gitHub'" in problem.message


def test_unknown_git_provider_is_a_warning() -> None:
    problem = only(
        job(git_source={"git_url": "https://x", "git_provider": "sourceHut", "git_branch": "main"})
    )
    assert (problem.code, problem.severity) == ("unknown-git-provider", "warning")


def test_unknown_git_provider_names_the_providers() -> None:
    problem = only(
        job(git_source={"git_url": "https://x", "git_provider": "gitea", "git_branch": "main"})
    )
    assert (problem.task_key, problem.field) == (None, "git_source.git_provider")
    assert "gitHub, gitLab, bitbucketCloud" in problem.message
    assert "awsCodeCommit" in problem.message


@pytest.mark.parametrize(
    "git_source",
    [
        {"git_url": "https://github.com/x/y", "git_branch": "main"},
        {"git_url": "https://github.com/x/y", "git_provider": "", "git_tag": "v1"},
        {"git_url": "https://github.com/x/y", "git_provider": None, "git_commit": "e0056d01"},
    ],
)
def test_git_source_without_a_provider_is_an_error(git_source: dict[str, Any]) -> None:
    problem = only(job(task("a"), git_source=git_source))
    assert (problem.code, problem.severity) == ("missing-git-provider", "error")
    assert (problem.task_key, problem.field) == (None, "git_source.git_provider")
    assert problem.message == (
        "git_source has no git_provider; it must be one of gitHub, gitLab, bitbucketCloud, "
        "gitLabEnterpriseEdition, bitbucketServer, azureDevOpsServices, gitHubEnterprise, "
        "awsCodeCommit."
    )


@pytest.mark.parametrize(
    "git_source",
    [
        "${var.git_source}",
        {"git_url": "https://x", "git_provider": "${var.p}", "git_branch": "${var.b}"},
    ],
)
def test_git_source_from_a_bundle_variable(git_source: Any) -> None:
    clean(job(task("a"), git_source=git_source))


def test_a_job_without_git_source_needs_no_provider() -> None:
    clean(job(task("a"), git_source=None))


def test_canonical_git_provider() -> None:
    clean(
        job(
            git_source={
                "git_url": "https://x",
                "git_provider": "azureDevOpsServices",
                "git_branch": "main",
            }
        )
    )


# --- bundle interpolations ------------------------------------------------------------------------


def test_bundle_interpolations_in_typed_fields_are_not_errors() -> None:
    clean(
        job(
            task("child", run_job_task={"job_id": "${resources.jobs.leaf.id}"}),
            task(
                "b",
                after=["child"],
                timeout_seconds="${var.timeout}",
                run_if="${var.run_if}",
                condition_task={"op": "${var.op}", "left": "${var.x}", "right": "1"},
            ),
            for_each("loop", task("loop_iteration"), concurrency="${var.c}"),
            max_concurrent_runs="${var.runs}",
            timeout_seconds="${var.t}",
            tags="${var.tags}",
        )
    )

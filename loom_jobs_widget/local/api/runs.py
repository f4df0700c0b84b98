"""Runs: `/api/2.2/jobs/runs/{submit,list,get,get-output,cancel,cancel-all,delete,repair,export}`
and their 2.1 aliases.

Reads come from the store, where the engine writes every transition; `run_page_url` is added here,
because it names the host the workspace serves on now (the port may change on a restart). It is
the legacy fragment form a workspace returns, `<host>/?o=<workspace id>#job/<job id>/run/<run id>`,
for job runs, task runs and one-time runs alike (a one-time run's job is its hidden one). Task runs
carry no `cluster_instance`: they run in local processes, as a serverless task run has none.

A job run's `tasks[]` holds one entry per attempt: retries, and the tasks a repair reran beside the
ones it replaced, in the order they were made; `repair_history` lists the repairs. The entries are
`RunTask`s (SDK): no `job_run_id`, `parent_run_id` or `original_attempt_run_id`. A task run read on
its own (runs/get of its id, runs/get-output's `metadata`) is a `Run`: the task run's run-level
fields, its job run's ids, and the task itself as `tasks[0]`.

runs/get-output answers a task run's id only: a job run's id is refused, even when its job has
one task, as a workspace refuses it on Jobs API 2.1 and 2.2. A notebook task's printed output is
not in runs/get-output (a workspace returns only the `dbutils.notebook.exit` value there);
runs/export's page (`notebook_page`, a readable local stand-in for a workspace's own rendering)
shows every cell with what it printed, its style kept small for the widget's narrow pane. Writes
go to the engine.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from loom_jobs_widget.local.api.jobs import (
    JOBS,
    checked_settings,
    idempotency_token,
    job_not_found,
    legacy_parameters,
    stored_settings,
)
from loom_jobs_widget.local.api.notebook_page import notebook_page
from loom_jobs_widget.local.api.refusals import name_refusal
from loom_jobs_widget.local.engine import Engine, RunRequest
from loom_jobs_widget.local.exec import NOTEBOOK_CELLS, resolve_notebook_path
from loom_jobs_widget.local.http import ApiError, Request, Route, paging
from loom_jobs_widget.local.http.params import (
    body_bool,
    body_int,
    body_object,
    body_str,
    body_str_list,
    body_str_map,
    query_bool,
    query_int,
    query_require_int,
    query_str,
    require_int,
)
from loom_jobs_widget.local.store import RunFilter, RunRecord, Store, TaskRunRecord

__all__ = ["RunsApi"]

_RUNS: Final = JOBS + "runs/"
# The SDK's docstring says "greater than 0 and less than 25", but a workspace takes 26 and refuses
# 27 with the text below (its answer, quoted in the databricks/databricks-cli repository); 0 asks
# for the maximum (Jobs API 2.2 reference: jobs/runs/list).
_MAX_RUNS_LIMIT: Final = 26
_DEFAULT_RUNS_LIMIT: Final = 20
_RUN_TYPES: Final = ("JOB_RUN", "WORKFLOW_RUN", "SUBMIT_RUN")
# A workspace's answer to get-output of a job run's id, of one task or several (as quoted by
# users of databricks/databricks-sdk-py and in apache/airflow's Databricks provider).
_MULTI_TASK_OUTPUT: Final = (
    "Retrieving the output of runs with multiple tasks is not supported. Please retrieve the "
    "output of each individual task run instead."
)
# Not fields of a RunTask (SDK `RunTask`), though the engine keeps original_attempt_run_id for a
# task run's own Run view, and stores made before kept all three in task documents.
_NOT_IN_RUN_TASK: Final = ("job_run_id", "parent_run_id", "original_attempt_run_id")
_DUPLICATE_RERUN: Final = "rerun_tasks cannot contain duplicate task keys."
# Fields of runs/submit that are not the run's settings.
_SUBMIT_ONLY: Final = frozenset({"run_name", "idempotency_token", "access_control_list", "queue"})


def _run_not_found(run_id: int) -> ApiError:
    # 400, not 404: the SDK turns exactly this into ResourceDoesNotExist for runs/get.
    return ApiError.invalid(f"Run {run_id} does not exist.")


def _cursor(kind: str, record: RunRecord) -> dict[str, int]:
    """A runs/list cursor (`after` or `before`) at `record`: its start time and run id."""
    return {kind: record.start_time, "id": record.run_id}


class RunsApi:
    def __init__(
        self,
        store: Store,
        engine: Engine,
        host: Callable[[], str],
        workspace_id: str,
        workspace_root: Path,
    ) -> None:
        self._store = store
        self._engine = engine
        self._host = host
        self._workspace_id = workspace_id
        self._workspace_root = workspace_root

    def routes(self) -> list[Route]:
        return [
            Route("POST", _RUNS + "submit", self.submit),
            Route("GET", _RUNS + "list", self.list),
            Route("GET", _RUNS + "get", self.get),
            Route("GET", _RUNS + "get-output", self.get_output),
            Route("POST", _RUNS + "cancel", self.cancel),
            Route("POST", _RUNS + "cancel-all", self.cancel_all),
            Route("POST", _RUNS + "delete", self.delete),
            Route("POST", _RUNS + "repair", self.repair),
            Route("GET", _RUNS + "export", self.export),
        ]

    # --- documents

    def _page_url(self, job_id: Any, run_id: Any) -> str:
        # The legacy fragment form the Jobs API returns, on this workspace's host.
        return f"{self._host()}/?o={self._workspace_id}#job/{job_id}/run/{run_id}"

    def _task_document(
        self, record: TaskRunRecord, job_id: Any, *, resolved: bool = False
    ) -> dict[str, Any]:
        """A task run as an entry of tasks[] or iterations[] (a RunTask)."""
        doc: dict[str, Any] = json.loads(record.doc)
        for name in _NOT_IN_RUN_TASK:
            doc.pop(name, None)
        doc["run_page_url"] = self._page_url(job_id, doc.get("run_id"))
        if not resolved:  # only with include_resolved_values
            doc.pop("resolved_values", None)
        return doc

    def _job_run_of(self, record: TaskRunRecord) -> RunRecord | None:
        """The job run of a task run, or of a for_each iteration (stored under its for_each task
        run, which is stored under the job run)."""
        job_run = self._store.run(record.job_run_id)
        if job_run is not None:
            return job_run
        parent = self._store.task_run(record.job_run_id)
        return None if parent is None else self._store.run(parent.job_run_id)

    def _task_run_view(self, record: TaskRunRecord, *, resolved: bool = False) -> dict[str, Any]:
        """A task run read on its own, as a Run: what runs/get of a task run id and
        runs/get-output's `metadata` return. The fields and their values follow a real
        get-output payload (a failed notebook task's, kept in the Jordan-M-Young/brickproof
        repository): `run_name` is the task_key, `number_in_job` the task run's id,
        `parent_run_id` and `job_run_id` the job run's (for an iteration, `parent_run_id` is its
        for_each task run: our reading)."""
        job_run = self._job_run_of(record)
        job_id = job_run.job_id if job_run is not None else None
        run: dict[str, Any] = json.loads(job_run.doc) if job_run is not None else {}
        original = json.loads(record.doc).get("original_attempt_run_id")
        entry = self._task_document(record, job_id, resolved=resolved)
        run_id = entry.get("run_id")
        view = {
            "job_id": job_id,
            "run_id": run_id,
            "creator_user_name": run.get("creator_user_name"),
            "number_in_job": run_id,
            "original_attempt_run_id": original if isinstance(original, int) else run_id,
            "state": entry.get("state"),
            "start_time": entry.get("start_time"),
            "setup_duration": entry.get("setup_duration"),
            "execution_duration": entry.get("execution_duration"),
            "cleanup_duration": entry.get("cleanup_duration"),
            "end_time": entry.get("end_time"),
            "trigger": run.get("trigger"),
            "run_name": entry.get("task_key"),
            "run_page_url": entry["run_page_url"],
            "run_type": run.get("run_type"),
            "parent_run_id": record.job_run_id,
            "tasks": [entry],
            "task_key": entry.get("task_key"),
            "format": "MULTI_TASK",
            "status": entry.get("status"),
            "job_run_id": job_run.run_id if job_run is not None else record.job_run_id,
        }
        return {name: value for name, value in view.items() if value is not None}

    def _run_document(self, record: RunRecord) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(record.doc)
        doc["run_page_url"] = self._page_url(record.job_id, record.run_id)
        return doc

    # --- reading

    def get(self, request: Request) -> dict[str, Any]:
        run_id = query_require_int(request, "run_id")
        include_history = bool(query_bool(request, "include_history"))
        resolved = bool(query_bool(request, "include_resolved_values"))
        page = paging.page_number(query_str(request, "page_token"))
        record = self._store.run(run_id)
        if record is None:
            return self._task_run(request, run_id, page, resolved)
        doc = self._run_document(record)
        if not include_history:
            doc.pop("repair_history", None)
        if request.api_version == "2.1":
            tasks = self._store.task_runs(run_id)
            doc["tasks"] = [self._task_document(t, record.job_id, resolved=resolved) for t in tasks]
            return doc
        size = paging.ARRAY_PAGE_SIZE
        tasks = self._store.task_runs(run_id, offset=page * size, limit=size + 1)
        doc, more = paging.page_arrays(doc, paging.RUN_ARRAYS, page)
        doc["tasks"] = [
            self._task_document(t, record.job_id, resolved=resolved) for t in tasks[:size]
        ]
        if more or len(tasks) > size:
            doc["next_page_token"] = paging.encode_token({"page": page + 1})
        return doc

    def _task_run(self, request: Request, run_id: int, page: int, resolved: bool) -> dict[str, Any]:
        """runs/get of a task run id: the task run as a Run; for a for_each task run, its
        `iterations` too, 100 a page as the SDK's get_run expects (every page repeats the
        for_each task as tasks[0], which the SDK reads from the first page only)."""
        task = self._store.task_run(run_id)
        if task is None:
            raise _run_not_found(run_id)
        doc = self._task_run_view(task, resolved=resolved)
        if "for_each_task" not in doc["tasks"][0]:
            return doc
        job_id = doc.get("job_id")
        if request.api_version == "2.1":
            iterations = self._store.task_runs(run_id)
            doc["iterations"] = [
                self._task_document(t, job_id, resolved=resolved) for t in iterations
            ]
            return doc
        size = paging.ARRAY_PAGE_SIZE
        iterations = self._store.task_runs(run_id, offset=page * size, limit=size + 1)
        doc["iterations"] = [
            self._task_document(t, job_id, resolved=resolved) for t in iterations[:size]
        ]
        if len(iterations) > size:
            doc["next_page_token"] = paging.encode_token({"page": page + 1})
        return doc

    def list(self, request: Request) -> dict[str, Any]:
        limit, offset = paging.limit_and_offset(
            request, default=_DEFAULT_RUNS_LIMIT, maximum=_MAX_RUNS_LIMIT, zero=_MAX_RUNS_LIMIT
        )
        active_only = bool(query_bool(request, "active_only"))
        completed_only = bool(query_bool(request, "completed_only"))
        if active_only and completed_only:
            raise ApiError.invalid("active_only and completed_only cannot both be true.")
        run_type = query_str(request, "run_type")
        if run_type is not None and run_type not in _RUN_TYPES:
            raise ApiError.invalid(
                f"Invalid run_type {run_type[:100]}: it is one of {', '.join(_RUN_TYPES)}."
            )
        run_filter = RunFilter(
            job_id=query_int(request, "job_id"),
            active_only=active_only,
            completed_only=completed_only,
            run_type=run_type,
            start_time_from=query_int(request, "start_time_from"),
            start_time_to=query_int(request, "start_time_to"),
        )
        expand = bool(query_bool(request, "expand_tasks"))
        cursor = paging.decode_token(query_str(request, "page_token"), "after", "before")
        if cursor is not None and "before" in cursor:
            key = (cursor["before"], cursor["id"]) if "id" in cursor else None
            if key is None:
                raise ApiError.invalid("Invalid page token")
            rows = self._store.list_runs(
                run_filter, after=None, before=key, offset=0, limit=limit + 1
            )
            has_previous = len(rows) > limit
            rows = rows[-limit:]
            has_more = True
        else:
            after = (cursor["after"], cursor["id"]) if cursor is not None else None
            if cursor is not None and "id" not in cursor:
                raise ApiError.invalid("Invalid page token")
            rows = self._store.list_runs(
                run_filter, after=after, before=None, offset=offset, limit=limit + 1
            )
            has_more = len(rows) > limit
            rows = rows[:limit]
            has_previous = cursor is not None or offset > 0
        paged = request.api_version != "2.1"
        return paging.list_page(
            "runs",
            [self._list_entry(record, expand, paged) for record in rows],
            has_more=has_more,
            has_previous=has_previous,
            next_cursor=_cursor("after", rows[-1]) if rows else None,
            prev_cursor=_cursor("before", rows[0]) if rows else None,
        )

    def _list_entry(self, record: RunRecord, expand: bool, paged: bool) -> dict[str, Any]:
        doc = self._run_document(record)
        doc.pop("repair_history", None)
        if expand and not paged:  # API 2.1: every task at once
            tasks = self._store.task_runs(record.run_id)
            doc["tasks"] = [self._task_document(t, record.job_id) for t in tasks]
        elif expand:
            size = paging.ARRAY_PAGE_SIZE
            tasks = self._store.task_runs(record.run_id, limit=size + 1)
            doc, more = paging.first_page(doc, paging.RUN_ARRAYS)
            doc["tasks"] = [self._task_document(t, record.job_id) for t in tasks[:size]]
            doc["has_more"] = more or len(tasks) > size
        else:
            doc.pop("job_clusters", None)
        return doc

    def _output_task(self, run_id: int) -> TaskRunRecord:
        """The task run runs/get-output reads: `run_id` must name a task run."""
        task = self._store.task_run(run_id)
        if task is not None:
            return task
        if self._store.run(run_id) is None:
            raise _run_not_found(run_id)
        raise ApiError.invalid(_MULTI_TASK_OUTPUT)

    def _exported_task(self, run_id: int) -> TaskRunRecord:
        """The task run runs/export reads: the task run `run_id` names, or the latest attempt of
        the only task of the job run it names. (Whether a workspace exports a one-task job run's
        id, as this does, or refuses it as get-output does, is not public.)"""
        task = self._store.task_run(run_id)
        if task is not None:
            return task
        if self._store.run(run_id) is None:
            raise _run_not_found(run_id)
        tasks = self._store.task_runs(run_id, limit=2)
        if len(tasks) > 1:  # retries and repairs of one task, or several tasks
            tasks = self._store.task_runs(run_id)
        if len({json.loads(t.doc).get("task_key") for t in tasks}) != 1:
            raise ApiError.invalid(_MULTI_TASK_OUTPUT)
        return tasks[-1]

    def get_output(self, request: Request) -> dict[str, Any]:
        run_id = query_require_int(request, "run_id")
        task = self._output_task(run_id)
        metadata = self._task_run_view(task)
        settings = metadata["tasks"][0]
        output = json.loads(task.output) if task.output else {}
        document: dict[str, Any] = {"metadata": metadata}
        is_notebook = isinstance(settings.get("notebook_task"), dict)
        is_sql = isinstance(settings.get("sql_task"), dict)
        # As on a workspace: logs for Python files and the like, notebook_output for notebooks,
        # sql_output (no logs) for SQL tasks.
        if not is_notebook and not is_sql and "logs" in output:
            document["logs"] = output["logs"]
            document["logs_truncated"] = bool(output.get("logs_truncated"))
        if is_notebook:
            # Always there for a notebook; `result` only when dbutils.notebook.exit was called
            # (SDK `RunOutput.notebook_output`, `NotebookOutput.result`).
            notebook_output: dict[str, Any] = {}
            if output.get("notebook_result") is not None:
                notebook_output["result"] = output["notebook_result"]
                notebook_output["truncated"] = bool(output.get("notebook_result_truncated"))
            document["notebook_output"] = notebook_output
        if output.get("error"):
            document["error"] = output["error"]
        if output.get("error_trace"):
            document["error_trace"] = output["error_trace"]
        if isinstance(output.get("run_job_output"), dict):
            document["run_job_output"] = output["run_job_output"]
        if isinstance(output.get("sql_output"), dict):
            document["sql_output"] = output["sql_output"]
        return document

    def export(self, request: Request) -> dict[str, Any]:
        run_id = query_require_int(request, "run_id")
        views = query_str(request, "views_to_export") or "CODE"
        if views not in ("CODE", "DASHBOARDS", "ALL"):
            raise ApiError.invalid(f"Invalid views_to_export {views[:100]}.")
        task = self._exported_task(run_id)
        notebook = json.loads(task.doc).get("notebook_task")
        if views == "DASHBOARDS" or not isinstance(notebook, dict):
            return {}
        path = str(notebook.get("notebook_path"))
        output = json.loads(task.output) if task.output else {}
        cells = output.get(NOTEBOOK_CELLS)
        if not isinstance(cells, list):  # it failed before its first cell, or an older run
            cells = [{"kind": "code", "source": self._notebook_source(path), "state": "not_run"}]
        page = notebook_page(path, cells, output)
        return {"views": [{"name": path.rsplit("/", 1)[-1], "type": "NOTEBOOK", "content": page}]}

    def _notebook_source(self, path: str) -> str:
        try:
            return resolve_notebook_path(self._workspace_root, path).read_text(
                encoding="utf-8", errors="replace"
            )
        except (OSError, ValueError):
            return ""

    # --- writing

    def submit(self, request: Request) -> dict[str, Any]:
        body = request.json()
        run_name = body_str(body, "run_name")
        refusal = name_refusal(run_name, "run_name")
        if refusal is not None:
            raise refusal
        token = idempotency_token(body)
        queue = body_object(body, "queue")
        queue_enabled = body_bool(queue, "enabled") if queue is not None else None
        settings = {key: value for key, value in body.items() if key not in _SUBMIT_ONLY}
        if not isinstance(settings.get("tasks"), list) or not settings["tasks"]:
            raise ApiError.invalid("Missing required field: tasks")
        settings = checked_settings(settings)
        run_id, _ = self._engine.start_run(
            RunRequest(
                job_id=None,
                run_type="SUBMIT_RUN",
                run_name=run_name or "Untitled",
                settings=settings,
                job_parameters={},
                queue_enabled=queue_enabled if queue_enabled is not None else True,
                idempotency_token=token,
            )
        )
        return {"run_id": run_id}

    def cancel(self, request: Request) -> dict[str, Any]:
        self._engine.cancel(require_int(request.json(), "run_id"))
        return {}

    def cancel_all(self, request: Request) -> dict[str, Any]:
        body = request.json()
        job_id = body_int(body, "job_id")
        all_queued = bool(body_bool(body, "all_queued_runs"))
        if job_id is None and not all_queued:
            raise ApiError.invalid("Missing required field: job_id")
        if job_id is not None and not self._store.job_exists(job_id):
            raise job_not_found(job_id)
        self._engine.cancel_all(job_id)
        return {}

    def delete(self, request: Request) -> dict[str, Any]:
        self._engine.delete_run(require_int(request.json(), "run_id"))
        return {}

    def repair(self, request: Request) -> dict[str, Any]:
        body = request.json()
        run_id = require_int(body, "run_id")
        rerun_tasks = body_str_list(body, "rerun_tasks")
        rerun_all_failed = bool(body_bool(body, "rerun_all_failed_tasks"))
        if rerun_tasks and rerun_all_failed:
            raise ApiError.invalid(
                "Only one of rerun_tasks and rerun_all_failed_tasks can be used."
            )
        if not rerun_tasks and not rerun_all_failed:
            raise ApiError.invalid("One of rerun_tasks and rerun_all_failed_tasks is required.")
        if rerun_tasks and len(set(rerun_tasks)) != len(rerun_tasks):
            # A workspace's words, as apache/airflow's Databricks provider met them on a live one.
            raise ApiError.invalid(_DUPLICATE_RERUN)
        record = self._store.run(run_id)
        if record is None:
            raise _run_not_found(run_id)
        if record.run_type == "SUBMIT_RUN":
            settings = json.loads(record.plan)["settings"]
        else:
            # A repair runs with the job's current settings (Jobs API 2.2 reference: runs/repair).
            job = self._store.job(record.job_id)
            if job is None:
                raise job_not_found(record.job_id)
            settings = stored_settings(job)
        repair_id = self._engine.repair(
            run_id,
            settings,
            rerun_tasks=rerun_tasks,
            rerun_all_failed_tasks=rerun_all_failed,
            rerun_dependent_tasks=bool(body_bool(body, "rerun_dependent_tasks")),
            latest_repair_id=body_int(body, "latest_repair_id"),
            job_parameters=body_str_map(body, "job_parameters"),
            overriding_parameters=legacy_parameters(body),
        )
        return {"repair_id": repair_id}


# The JSON type of each legacy task parameter (SDK `RepairRun`, `RunNow`): a wrong one is
# malformed, as the request parser says, rather than handed to the engine.

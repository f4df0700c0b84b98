"""Runs: `/api/2.2/jobs/runs/{submit,list,get,get-output,cancel,cancel-all,delete,repair,export}`
and their 2.1 aliases.

Reads come from the store, where the engine writes every transition; only `run_page_url` is added
here, because it names the host the workspace serves on now (the port may change on a restart).
Writes go to the engine.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

from loom_jobs_widget.local.api.jobs import (
    JOBS,
    checked_settings,
    idempotency_token,
    job_not_found,
)
from loom_jobs_widget.local.engine import LEGACY_PARAMETERS, Engine, RunRequest
from loom_jobs_widget.local.exec import resolve_notebook_path
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
# "greater than 0 and less than 25"; 0 asks for the maximum.
_MAX_RUNS_LIMIT: Final = 24
_DEFAULT_RUNS_LIMIT: Final = 20
_RUN_TYPES: Final = ("JOB_RUN", "WORKFLOW_RUN", "SUBMIT_RUN")
_MULTI_TASK_OUTPUT: Final = (
    "Retrieving the output of runs with multiple tasks is not supported. Please retrieve the "
    "output of each individual task run instead."
)
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
        doc: dict[str, Any] = json.loads(record.doc)
        doc["run_page_url"] = self._page_url(job_id, doc.get("run_id"))
        if not resolved:  # only with include_resolved_values
            doc.pop("resolved_values", None)
        return doc

    def _job_id_of(self, record: TaskRunRecord) -> Any:
        """The job of a task run, or of a for_each iteration (stored under its for_each task
        run, which is stored under the job run)."""
        holder = record.job_run_id
        for _ in range(2):
            job_run = self._store.run(holder)
            if job_run is not None:
                return job_run.job_id
            parent = self._store.task_run(holder)
            if parent is None:
                return None
            holder = parent.job_run_id
        return None

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
        """runs/get of a task run id: the task run, with its job's id; for a for_each task
        run, its `iterations` too, 100 a page as the SDK's get_run expects."""
        task = self._store.task_run(run_id)
        if task is None:
            raise _run_not_found(run_id)
        job_id = self._job_id_of(task)
        doc = {"job_id": job_id, **self._task_document(task, job_id, resolved=resolved)}
        if "for_each_task" not in doc:
            return doc
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

    def _single_task(self, run_id: int) -> tuple[TaskRunRecord, Any]:
        """The task run a run id names: itself, or the only task of a job run."""
        task = self._store.task_run(run_id)
        if task is not None:
            return task, self._job_id_of(task)
        record = self._store.run(run_id)
        if record is None:
            raise _run_not_found(run_id)
        tasks = self._store.task_runs(run_id, limit=2)
        if len(tasks) != 1:
            raise ApiError.invalid(_MULTI_TASK_OUTPUT)
        return tasks[0], record.job_id

    def get_output(self, request: Request) -> dict[str, Any]:
        run_id = query_require_int(request, "run_id")
        task, job_id = self._single_task(run_id)
        metadata = {"job_id": job_id, **self._task_document(task, job_id)}
        output = json.loads(task.output) if task.output else {}
        document: dict[str, Any] = {"metadata": metadata}
        is_notebook = isinstance(metadata.get("notebook_task"), dict)
        is_sql = isinstance(metadata.get("sql_task"), dict)
        # As on a workspace: logs for Python files and the like, notebook_output for notebooks,
        # sql_output (no logs) for SQL tasks.
        if not is_notebook and not is_sql and "logs" in output:
            document["logs"] = output["logs"]
            document["logs_truncated"] = bool(output.get("logs_truncated"))
        if is_notebook and output:
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
        task, _ = self._single_task(run_id)
        doc = json.loads(task.doc)
        notebook = doc.get("notebook_task")
        if views == "DASHBOARDS" or not isinstance(notebook, dict):
            return {}
        path = notebook.get("notebook_path")
        output = json.loads(task.output) if task.output else {}
        return {"views": [self._notebook_view(str(path), output)]}

    def _notebook_view(self, path: str, output: Mapping[str, Any]) -> dict[str, Any]:
        """The notebook as an HTML page: its source and the run's result or error. (A
        workspace exports its own rendering; this is a readable local stand-in.)"""
        try:
            source = resolve_notebook_path(self._workspace_root, path).read_text(
                encoding="utf-8", errors="replace"
            )
        except (OSError, ValueError):
            source = ""
        parts = [f"<h1>{html.escape(path)}</h1>", f"<pre>{html.escape(source)}</pre>"]
        if output.get("notebook_result") is not None:
            parts.append(f"<h2>Result</h2><pre>{html.escape(str(output['notebook_result']))}</pre>")
        if output.get("error_trace") or output.get("error"):
            error = output.get("error_trace") or output.get("error")
            parts.append(f"<h2>Error</h2><pre>{html.escape(str(error))}</pre>")
        page = "<!DOCTYPE html><html><body>" + "".join(parts) + "</body></html>"
        return {"name": path.rsplit("/", 1)[-1], "type": "NOTEBOOK", "content": page}

    # --- writing

    def submit(self, request: Request) -> dict[str, Any]:
        body = request.json()
        run_name = body_str(body, "run_name")
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
            settings = json.loads(job.settings)
        repair_id = self._engine.repair(
            run_id,
            settings,
            rerun_tasks=rerun_tasks,
            rerun_all_failed_tasks=rerun_all_failed,
            rerun_dependent_tasks=bool(body_bool(body, "rerun_dependent_tasks")),
            latest_repair_id=body_int(body, "latest_repair_id"),
            job_parameters=body_str_map(body, "job_parameters"),
            overriding_parameters=_legacy_parameters(body),
        )
        return {"repair_id": repair_id}


def _legacy_parameters(body: Mapping[str, Any]) -> dict[str, Any]:
    """A repair's legacy task parameters (notebook_params, python_params, ...), as run-now's."""
    overriding: dict[str, Any] = {
        name: body[name] for name in LEGACY_PARAMETERS if body.get(name) is not None
    }
    if "notebook_params" in overriding:
        overriding["notebook_params"] = body_str_map(body, "notebook_params")
    if "python_params" in overriding:
        overriding["python_params"] = body_str_list(body, "python_params")
    return overriding

"""A job's runs in the workspace: `RunsService` starts, cancels, repairs and reads them (Jobs API
2.2 runs/*), and `RunHandle` follows one with a polling that backs off and stops when it ends
(after a repair, when the run has taken the repair up and ended again).

What a run's JSON means for the Runs tab (`run_state`, `repair_plan`, ...) is `run_views`.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Protocol

from loom_jobs_widget.client.errors import Context, InvalidRequestError, WorkspaceError
from loom_jobs_widget.client.events import EVENTS, JobEvent, JobEventKind
from loom_jobs_widget.client.rest import JOBS_API, Service, extend_arrays
from loom_jobs_widget.client.run_views import TERMINAL, latest_task_runs, openable_url, run_state

if TYPE_CHECKING:
    from loom_jobs_widget.client.rest import ApiHandle

__all__ = ["RunHandle", "RunsApi", "RunsService", "poll_intervals", "repair_reflected"]

# runs/get's paged arrays besides tasks / iterations (see RunsService._read_run).
_RUN_PAGED_ARRAYS: Final = ("job_clusters", "job_parameters", "repair_history")
_RUNS_LIST_PAGE: Final = 24  # "greater than 0 and less than 25"
_KNOWN_RUNS: Final = 1000
"""Runs whose job this service remembers (for the events of a cancel or repair)."""


class RunsService(Service):
    """The Jobs API's runs for the editor, as the API's JSON, with typed errors.

    Method names follow the SDK's `w.jobs` (`run_now`, `list_runs`, `repair_run`, ...)."""

    def __init__(self, client: ApiHandle, *, local: bool | None = None) -> None:
        super().__init__(client)
        self._local = local
        self._repairs: dict[int, int] = {}
        self._repairs_lock = threading.Lock()
        self._jobs_of_runs: dict[int, int] = {}

    def _publish(
        self, kind: JobEventKind, job_id: int | None, run_id: int | None, source: object | None
    ) -> None:
        EVENTS.publish(JobEvent(kind, self.host, job_id, run_id=run_id, source=source))

    def _remember_job(self, run_id: int, job_id: int) -> None:
        with self._repairs_lock:
            if len(self._jobs_of_runs) >= _KNOWN_RUNS:
                self._jobs_of_runs.pop(next(iter(self._jobs_of_runs)))
            self._jobs_of_runs[run_id] = job_id

    def _job_of_run(self, run_id: int) -> int | None:
        """The job of a run: remembered from `run_now`, or read (None when the read fails or
        the run belongs to no job, such as a one-time submitted run)."""
        with self._repairs_lock:
            known = self._jobs_of_runs.get(run_id)
        if known is not None:
            return known
        try:
            run = self._do(
                "GET",
                f"{JOBS_API}/runs/get",
                Context(f"read run {run_id}", run_id=run_id),
                query={"run_id": run_id},
            )
        except WorkspaceError:
            return None
        job_id = run.get("job_id")
        if not isinstance(job_id, int) or isinstance(job_id, bool):
            return None
        self._remember_job(run_id, job_id)
        return job_id

    def _run_changed(self, run_id: int, source: object | None) -> None:
        job_id = self._job_of_run(run_id)
        if job_id is not None:
            self._publish("run_changed", job_id, run_id, source)

    def run_now(
        self,
        job_id: int,
        *,
        job_parameters: Mapping[str, str] | None = None,
        idempotency_token: str | None = None,
        only: Sequence[str] | None = None,
        queue: Mapping[str, Any] | None = None,
        source: object | None = None,
        **parameters: Any,
    ) -> dict[str, Any]:
        """Trigger a run; the answer (`run_id`, `number_in_job`) plus the `idempotency_token`
        sent. A token is always sent (a new one unless given): the SDK retries POSTs on 429 /
        503, and the token makes such a retry start one run, not two. `parameters` are the
        API's other run-now fields (`performance_target`, legacy `notebook_params`, ...).
        `EVENTS` is told `run_started`; `source` names who started it."""
        token = idempotency_token or uuid.uuid4().hex
        body: dict[str, Any] = {"job_id": job_id, "idempotency_token": token, **parameters}
        if job_parameters is not None:
            body["job_parameters"] = dict(job_parameters)
        if only is not None:
            body["only"] = list(only)
        if queue is not None:
            body["queue"] = dict(queue)
        answer = self._do(
            "POST", f"{JOBS_API}/run-now", Context(f"run job {job_id}", job_id=job_id), body=body
        )
        run_id = answer.get("run_id")
        if isinstance(run_id, int) and not isinstance(run_id, bool):
            self._remember_job(run_id, job_id)
            self._publish("run_started", job_id, run_id, source)
        return {**answer, "idempotency_token": token}

    def cancel_run(self, run_id: int, *, source: object | None = None) -> None:
        """Cancel the run; `EVENTS` is told `run_changed` (once its job is known)."""
        self._do(
            "POST",
            f"{JOBS_API}/runs/cancel",
            Context(f"cancel run {run_id}", run_id=run_id),
            body={"run_id": run_id},
        )
        self._run_changed(run_id, source)

    def cancel_all_runs(
        self,
        job_id: int | None = None,
        *,
        all_queued_runs: bool = False,
        source: object | None = None,
    ) -> None:
        """Cancel the job's active runs (or every queued run of the workspace). `EVENTS` is
        told `run_changed` of the job (of no one job, ``job_id`` None, for all queued runs)."""
        body: dict[str, Any] = {}
        if job_id is not None:
            body["job_id"] = job_id
        if all_queued_runs:
            body["all_queued_runs"] = True
        what = f"the runs of job {job_id}" if job_id is not None else "all queued runs"
        self._do(
            "POST",
            f"{JOBS_API}/runs/cancel-all",
            Context(f"cancel {what}", job_id=job_id),
            body=body,
        )
        self._publish("run_changed", job_id, None, source)

    def repair_run(
        self,
        run_id: int,
        *,
        rerun_tasks: Sequence[str] | None = None,
        rerun_all_failed_tasks: bool = False,
        rerun_dependent_tasks: bool | None = None,
        job_parameters: Mapping[str, str] | None = None,
        latest_repair_id: int | None = None,
        source: object | None = None,
        **parameters: Any,
    ) -> int:
        """Rerun tasks of an ended run; the repair's id. The API wants the run's latest repair
        id from the second repair on: unless given, it is read from the run's repair history
        (so repairs made elsewhere count too) and kept in `latest_repair_ids`.
        `EVENTS` is told `run_changed` (once its job is known)."""
        context = Context(f"repair run {run_id}", run_id=run_id)
        if latest_repair_id is None:
            latest_repair_id = self._latest_repair_id(run_id, context)
        body: dict[str, Any] = {"run_id": run_id, **parameters}
        if rerun_tasks is not None:
            body["rerun_tasks"] = list(rerun_tasks)
        if rerun_all_failed_tasks:
            body["rerun_all_failed_tasks"] = True
        if rerun_dependent_tasks is not None:
            body["rerun_dependent_tasks"] = rerun_dependent_tasks
        if job_parameters is not None:
            body["job_parameters"] = dict(job_parameters)
        if latest_repair_id is not None:
            body["latest_repair_id"] = latest_repair_id
        answer = self._do("POST", f"{JOBS_API}/runs/repair", context, body=body)
        repair_id = answer.get("repair_id")
        if not isinstance(repair_id, int):
            raise WorkspaceError(
                f"Could not repair run {run_id}: no repair_id came back.", run_id=run_id
            )
        with self._repairs_lock:
            self._repairs[run_id] = repair_id
        self._run_changed(run_id, source)
        return repair_id

    @property
    def latest_repair_ids(self) -> dict[int, int]:
        """The latest repair id of each run repaired through this service, by run_id."""
        with self._repairs_lock:
            return dict(self._repairs)

    def _latest_repair_id(self, run_id: int, context: Context) -> int | None:
        run = self._read_run(run_id, context, include_history=True)
        latest: int | None = None
        for item in run.get("repair_history") or []:
            if isinstance(item, dict) and item.get("type") == "REPAIR":
                repair = item.get("id")
                if isinstance(repair, int):
                    latest = repair
        if latest is not None:
            with self._repairs_lock:
                self._repairs[run_id] = latest
        return latest

    def get_run(
        self, run_id: int, *, include_history: bool = False, include_resolved_values: bool = False
    ) -> dict[str, Any]:
        """runs/get with every page merged, as the API's JSON."""
        return self._read_run(
            run_id,
            Context(f"read run {run_id}", run_id=run_id),
            include_history=include_history,
            include_resolved_values=include_resolved_values,
        )

    def _read_run(
        self,
        run_id: int,
        context: Context,
        *,
        include_history: bool = False,
        include_resolved_values: bool = False,
    ) -> dict[str, Any]:
        path = f"{JOBS_API}/runs/get"
        query: dict[str, Any] = {"run_id": run_id}
        if include_history:
            query["include_history"] = True
        if include_resolved_values:
            query["include_resolved_values"] = True
        run = self._do("GET", path, context, query=query)
        token = run.pop("next_page_token", None)
        # As the SDK's mixin: a for-each task run pages its iterations, any other run its tasks.
        first_array = "iterations" if run.get("iterations") else "tasks"
        while token:
            page = self._do("GET", path, context, query={**query, "page_token": token})
            extend_arrays(run, page, (first_array, *_RUN_PAGED_ARRAYS))
            token = page.get("next_page_token")
        return run

    def get_run_output(self, run_id: int) -> dict[str, Any]:
        """runs/get-output of a task run (an entry of a job run's `tasks`), as the workspace
        answers it. A workspace refuses a job run's id, even when its job has one task
        (`InvalidRequestError`, INVALID_PARAMETER_VALUE: "Retrieving the output of runs with
        multiple tasks is not supported. Please retrieve the output of each individual task run
        instead."); `get_task_output` takes either."""
        return self._output(run_id, Context(f"read the output of run {run_id}", run_id=run_id))

    def get_task_output(self, run_id: int) -> dict[str, Any]:
        """runs/get-output of a task run, or of a job run's only task: given a job run's id,
        which the workspace refuses, it reads the run and asks its task's latest task run. A job
        run of several tasks raises `InvalidRequestError` naming their task runs."""
        context = Context(f"read the output of run {run_id}", run_id=run_id)
        try:
            return self._output(run_id, context)
        except InvalidRequestError as refused:
            task_run_id = self._task_run_of(run_id, refused, context)
        return self._output(task_run_id, context)

    def _output(self, run_id: int, context: Context) -> dict[str, Any]:
        return self._do("GET", f"{JOBS_API}/runs/get-output", context, query={"run_id": run_id})

    def _task_run_of(self, run_id: int, refused: InvalidRequestError, context: Context) -> int:
        """The task run whose output a refused get-output of ``run_id`` meant: the latest task
        run of a job run's only task. Raises ``refused`` when ``run_id`` is a task run (or a
        run without tasks), and says which task runs to ask when the job run has several."""
        try:
            run = self._read_run(run_id, context)
        except WorkspaceError:
            raise refused from None
        entries = [t for t in run.get("tasks") or [] if isinstance(t, Mapping)]
        latest = latest_task_runs(run)
        # A task run (and a one-task runs/submit run) lists itself as its own task.
        if not latest or any(t.get("run_id") == run_id for t in entries):
            raise refused
        if len(latest) == 1:
            (only,) = latest.values()
            task_run_id = only.get("run_id")
            if isinstance(task_run_id, int) and not isinstance(task_run_id, bool):
                return task_run_id
            raise refused
        named = ", ".join(
            f"{key} (run {task_run.get('run_id')})" for key, task_run in latest.items()
        )
        raise InvalidRequestError(
            f"Could not read the output of run {run_id}: it is a job run of {len(latest)} "
            f"tasks, and a workspace gives the output of one task run at a time: {named}.",
            run_id=run_id,
            error_code=refused.error_code,
        ) from refused

    def export_run(self, run_id: int, *, views_to_export: str = "CODE") -> dict[str, Any]:
        """runs/export of a notebook task run: `views`, each `{name, type, content}` with the
        notebook and what it printed as an HTML page."""
        return self._do(
            "GET",
            f"{JOBS_API}/runs/export",
            Context(f"export run {run_id}", run_id=run_id),
            query={"run_id": run_id, "views_to_export": views_to_export},
        )

    @property
    def local(self) -> bool:
        """Whether this is the local workspace, whose runs open in the widget's own run view
        (its run pages are on the loopback address of its API, which serves no pages). The
        `Workspace` that made this service knows it; a service built on a bare client guesses
        it from the host: this machine's loopback address."""
        if self._local is not None:
            return self._local
        return bool(self.host) and openable_url(self.host) is None

    def list_runs(
        self,
        job_id: int | None = None,
        *,
        active_only: bool = False,
        completed_only: bool = False,
        run_type: str | None = None,
        expand_tasks: bool = False,
        start_time_from: int | None = None,
        start_time_to: int | None = None,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Runs, newest first, following every page (up to `limit` runs)."""
        query: dict[str, Any] = {"limit": _RUNS_LIST_PAGE}
        for name, value in (
            ("job_id", job_id),
            ("run_type", run_type),
            ("start_time_from", start_time_from),
            ("start_time_to", start_time_to),
        ):
            if value is not None:
                query[name] = value
        for name, flag in (
            ("active_only", active_only),
            ("completed_only", completed_only),
            ("expand_tasks", expand_tasks),
        ):
            if flag:
                query[name] = True
        what = f"list the runs of job {job_id}" if job_id is not None else "list runs"
        context = Context(what, job_id=job_id)
        yield from self._list_pages(f"{JOBS_API}/runs/list", context, query, "runs", limit)


class RunsApi(Protocol):
    """What `RunHandle` calls: `RunsService` has it."""

    def get_run(self, run_id: int, *, include_history: bool = False) -> dict[str, Any]: ...

    def cancel_run(self, run_id: int) -> None: ...


def poll_intervals(first: float = 0.25, factor: float = 1.5, most: float = 5.0) -> Iterator[float]:
    """Seconds to wait between two reads of a running run: quick at first (a short run shows
    its end at once), then slower, never more than ``most``."""
    wait = first
    while True:
        yield wait
        wait = min(most, wait * factor)


def repair_reflected(run: Mapping[str, Any], repair_id: int) -> bool:
    """Whether runs/get (with include_history) shows the repair: its `repair_history` lists it.
    Right after runs/repair the run may still read as it ended before (apache/airflow's
    Databricks provider waits for this, or for the run to leave its terminal state)."""
    return any(
        isinstance(item, Mapping) and item.get("id") == repair_id
        for item in run.get("repair_history") or []
    )


class RunHandle:
    """A run being followed: ``.state``, ``.run`` (the last `runs/get`), ``.wait()``,
    ``.cancel()``; ``follow(callback)`` calls back with each new read from a daemon thread
    that ends with the run (or with ``stop()``).

    With ``repair_id`` (a repair just asked for), the run ends only once a read shows the
    repair (in `repair_history`, or the run running again) and the run has ended after it; if
    no read shows it within ``repair_wait`` seconds, the run is taken as it reads."""

    def __init__(
        self,
        runs: RunsApi,
        run_id: int,
        *,
        repair_id: int | None = None,
        repair_wait: float = 120.0,
    ) -> None:
        self.runs = runs
        self.run_id = run_id
        self.repair_id = repair_id
        self.run: dict[str, Any] = {}
        self._repair_seen = repair_id is None
        self._repair_deadline = time.monotonic() + repair_wait
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"RunHandle(run_id={self.run_id}, state={self.state!r})"

    def refresh(self) -> dict[str, Any]:
        # With the repair history: which repair ran a task run orders its attempts.
        self.run = self.runs.get_run(self.run_id, include_history=True)
        return self.run

    @property
    def state(self) -> str:
        return run_state(self.run) if self.run else "UNKNOWN"

    @property
    def done(self) -> bool:
        return self._ended(self.run) if self.run else False

    def _ended(self, run: Mapping[str, Any]) -> bool:
        life = (run.get("state") or {}).get("life_cycle_state")
        if life not in TERMINAL:
            self._repair_seen = True
            return False
        if not self._repair_seen and self.repair_id is not None:
            self._repair_seen = repair_reflected(run, self.repair_id)
        return self._repair_seen or time.monotonic() > self._repair_deadline

    def wait(self, timeout: float | None = None) -> dict[str, Any]:
        """Poll until the run ends (backing off); the last read. TimeoutError after
        ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for pause in poll_intervals():
            if self.refresh() and self.done:
                return self.run
            if deadline is not None and time.monotonic() + pause > deadline:
                raise TimeoutError(f"Run {self.run_id} did not end in {timeout} s ({self.state}).")
            time.sleep(pause)
        raise AssertionError("unreachable")

    def cancel(self) -> None:
        self.runs.cancel_run(self.run_id)

    def follow(self, callback: Callable[[dict[str, Any]], None]) -> None:
        """Call ``callback(run)`` after each read until the run ends; one thread at most."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()

        def loop() -> None:
            for pause in poll_intervals():
                # It ends on what it read and showed itself: `wait()` in another thread may
                # have read the end first, and the callback must still see it.
                ended = False
                # A failed read (the network, a restart) is tried again at the next tick.
                with contextlib.suppress(Exception):
                    run = self.refresh()
                    ended = self._ended(run)
                    callback(run)
                if ended or self._stop.wait(pause):
                    return

        self._thread = threading.Thread(target=loop, name=f"loom-run-{self.run_id}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop following (the run goes on)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)

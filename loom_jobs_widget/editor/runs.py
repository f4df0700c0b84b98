"""The JobEditor's Runs tab and live run overlay, without the browser: it answers the view's run
messages (history, detail, output, a for_each task's iterations, matrix, run now, cancel, repair
and its preview) and follows one run at a time, colouring the canvas by its task states until it
ends.

A task's output is runs/get-output of its task run and, for a notebook that ran, its exported
page (runs/export), which alone holds what the notebook printed.

`session.EditorSession` hands it the run messages; every answer is a `protocol` message. A
failure becomes an ``error`` in the answer, or a `run_error` and a status.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import islice
from typing import TYPE_CHECKING, Any, cast

from loom_jobs_widget.client import (
    RunHandle,
    WorkspaceError,
    exportable,
    matrix_rows,
    progress,
    repair_plan,
    root_causes,
    run_detail,
    run_summary,
    task_output,
    task_states,
)
from loom_jobs_widget.client.run_views import for_each_iterations
from loom_jobs_widget.editor import protocol

if TYPE_CHECKING:
    from loom_jobs_widget.client import RunsService
    from loom_jobs_widget.core.models import JobSettings
    from loom_jobs_widget.editor.protocol import (
        FromPython,
        IterationsPage,
        MatrixMessage,
        MatrixRow,
        RepairPlan,
        RunDetail,
        RunsMessage,
        RunSummary,
        StatusLevel,
        TaskOutput,
    )

__all__ = ["RUN_MESSAGES", "EditorRuns"]

_MATRIX_MOST = 100
# A page of a for_each task's iterations: a loop may have thousands.
_ITERATIONS_MOST = 200
_HISTORY_MOST = 100


class EditorRuns:
    """Run messages of one editor. ``runs`` connects on first use; ``job_id`` is the saved
    job's id (None before its first save); ``settings`` the settings being edited (their task
    order); ``show_states`` colours the canvas (None clears it); ``status`` reports an error."""

    def __init__(
        self,
        *,
        runs: Callable[[], RunsService],
        job_id: Callable[[], int | None],
        settings: Callable[[], JobSettings],
        send: Callable[[FromPython], None],
        show_states: Callable[[Mapping[str, str] | None], None],
        status: Callable[[StatusLevel, str], None],
    ) -> None:
        self._runs = runs
        self._job_id = job_id
        self._settings = settings
        self._send = send
        self._show_states = show_states
        self._status = status
        self.followed: RunHandle | None = None

    def handle(self, message: Mapping[str, Any]) -> None:
        """Answer one run message (its kind is one of RUN_MESSAGES)."""
        kind = message["kind"]
        request_id = message.get("request_id")
        try:
            self._HANDLERS[kind](self, message)
        except WorkspaceError as error:
            if request_id is not None and kind in _ANSWERED:
                self._send(_failed(kind, request_id, str(error)))
            else:
                self._send({"kind": "run_error", "message": str(error)})
                self._status("error", str(error))

    def stop(self) -> None:
        """Stop following a run (the editor closes, or another run is shown)."""
        if self.followed is not None:
            self.followed.stop()
            self.followed = None

    # --- messages ---------------------------------------------------------------------------

    def _require_job(self) -> int:
        job_id = self._job_id()
        if job_id is None:
            raise WorkspaceError("Save the job first: a job that was never saved has no runs.")
        return job_id

    def _order(self) -> list[str]:
        return [str(t.task_key) for t in self._settings().task_list if isinstance(t.task_key, str)]

    def _on_runs(self, message: protocol.RunsRequest) -> None:
        reply: RunsMessage = {"kind": "runs", "request_id": message["request_id"], "runs": [],
                              "has_more": False}  # fmt: skip
        job_id = self._job_id()
        if job_id is not None:
            offset = max(0, int(message.get("offset") or 0))
            limit = min(_HISTORY_MOST, max(1, int(message.get("limit") or 25)))
            listed = self._runs().list_runs(
                job_id,
                active_only=bool(message.get("active_only")),
                completed_only=bool(message.get("completed_only")),
                start_time_from=message.get("start_time_from"),
                start_time_to=message.get("start_time_to"),
                limit=offset + limit + 1,
            )
            page = list(islice(listed, offset, offset + limit + 1))
            local = self._runs().local
            reply["runs"] = [_summary(run, local=local) for run in page[:limit]]
            reply["has_more"] = len(page) > limit
        self._send(reply)

    def _on_run(self, message: protocol.RunRequest) -> None:
        runs = self._runs()
        run = runs.get_run(
            int(message["run_id"]), include_history=True, include_resolved_values=True
        )
        detail = run_detail(run, self._order(), host=runs.host, local=runs.local)
        self._send({"kind": "run", "request_id": message["request_id"],
                    "run": cast("RunDetail", detail)})  # fmt: skip

    def _on_task_output(self, message: protocol.TaskOutputRequest) -> None:
        runs = self._runs()
        # The view asks for an entry of a run's `tasks`; a job run's id (which a workspace
        # refuses) is answered with its only task's output.
        output = runs.get_task_output(int(message["run_id"]))
        # The task run that answered: the one to export.
        run_id = task_output(output)["run_id"] or int(message["run_id"])
        exported: dict[str, Any] | None = None
        export_error: str | None = None
        if exportable(output):
            try:
                exported = runs.export_run(run_id)
            except WorkspaceError as error:
                # The exit value, error and trace still show; the page's absence is said.
                export_error = str(error)
        view = task_output(output, exported=exported, export_error=export_error, local=runs.local)
        self._send({"kind": "task_output", "request_id": message["request_id"],
                    "output": cast("TaskOutput", view)})  # fmt: skip

    def _on_iterations(self, message: protocol.IterationsRequest) -> None:
        # runs/get of the for_each task run's id lists its iterations (every page merged).
        run = self._runs().get_run(int(message["run_id"]), include_resolved_values=True)
        limit = min(_ITERATIONS_MOST, max(1, int(message.get("limit") or 50)))
        page = for_each_iterations(run, offset=int(message.get("offset") or 0), limit=limit)
        self._send({"kind": "iterations", "request_id": message["request_id"],
                    "page": cast("IterationsPage", page)})  # fmt: skip

    def _on_matrix(self, message: protocol.MatrixRequest) -> None:
        limit = min(_MATRIX_MOST, max(1, int(message.get("limit") or 25)))
        order = self._order()
        reply: MatrixMessage = {"kind": "matrix", "request_id": message["request_id"],
                                "task_keys": order, "runs": []}  # fmt: skip
        job_id = self._job_id()
        if job_id is not None:
            runs = list(self._runs().list_runs(job_id, expand_tasks=True, limit=limit))
            keys = list(order)
            # Tasks that ran but are no longer in the job get a column too, at the end.
            for run in runs:
                for key in task_states(run):
                    if key not in keys:
                        keys.append(key)
            reply["task_keys"] = keys
            rows = matrix_rows(runs, keys, local=self._runs().local)
            reply["runs"] = cast("list[MatrixRow]", rows)
        self._send(reply)

    def _on_run_now(self, message: protocol.RunNowRequest) -> None:
        job_id = self._require_job()
        extra: dict[str, Any] = {}
        if message.get("performance_target"):
            extra["performance_target"] = str(message["performance_target"])
        parameters = message.get("job_parameters")
        only = message.get("only")
        answer = self._runs().run_now(
            job_id,
            job_parameters=dict(parameters) if isinstance(parameters, Mapping) else None,
            only=list(only) if isinstance(only, list) and only else None,
            source=self,
            **extra,
        )
        self.follow(int(answer["run_id"]))

    def _on_show_run(self, message: protocol.ShowRunRequest) -> None:
        run_id = message.get("run_id")
        if run_id is None:
            self.stop()
            self._show_states(None)
            return
        self.follow(int(run_id))

    def _on_cancel_run(self, message: protocol.CancelRunRequest) -> None:
        run_id = int(message["run_id"])
        self._runs().cancel_run(run_id, source=self)
        self.changed(run_id)

    def _on_cancel_all(self, message: protocol.CancelAllRequest) -> None:
        self._runs().cancel_all_runs(
            self._require_job(),
            all_queued_runs=bool(message.get("all_queued_runs")),
            source=self,
        )
        if self.followed is not None:
            self.changed(self.followed.run_id)

    def _on_repair_preview(self, message: protocol.RepairPreviewRequest) -> None:
        run = self._runs().get_run(int(message["run_id"]), include_history=True)
        rerun = message.get("rerun_tasks")
        detail = run_detail(run)
        plan = repair_plan(
            self._settings(),
            run,
            rerun_tasks=list(rerun) if isinstance(rerun, list) and rerun else None,
            rerun_dependent_tasks=message.get("rerun_dependent_tasks", True) is not False,
            latest_repair_id=detail["latest_repair_id"],
        )
        self._send({"kind": "repair_preview", "request_id": message["request_id"],
                    "plan": cast("RepairPlan", plan.to_json()),
                    "root_causes": root_causes(run)})  # fmt: skip

    def _on_repair(self, message: protocol.RepairRequest) -> None:
        run_id = int(message["run_id"])
        rerun = message.get("rerun_tasks")
        parameters = message.get("job_parameters")
        repair_id = self._runs().repair_run(
            run_id,
            rerun_tasks=list(dict.fromkeys(rerun)) if isinstance(rerun, list) and rerun else None,
            rerun_all_failed_tasks=not (isinstance(rerun, list) and rerun),
            rerun_dependent_tasks=message.get("rerun_dependent_tasks", True) is not False,
            job_parameters=dict(parameters) if isinstance(parameters, Mapping) else None,
            source=self,
        )
        self.follow(run_id, repair_id=repair_id)

    # Each handler takes the request TypedDict of its kind.
    _HANDLERS: Mapping[str, Callable[[EditorRuns, Any], None]] = {
        "runs": _on_runs,
        "run": _on_run,
        "task_output": _on_task_output,
        "iterations": _on_iterations,
        "run_now": _on_run_now,
        "show_run": _on_show_run,
        "cancel_run": _on_cancel_run,
        "cancel_all": _on_cancel_all,
        "repair_preview": _on_repair_preview,
        "repair": _on_repair,
        "matrix": _on_matrix,
    }

    # --- following a run -----------------------------------------------------------------------

    def started(self, run_id: int) -> None:
        """A run of this job started elsewhere (another widget, Python): follow it, so the
        canvas, the progress strip and the history show it at once."""
        self.follow(run_id)

    def changed(self, run_id: int | None) -> None:
        """A run was cancelled or repaired (None: some runs of the job were cancelled): read it
        again now rather than at the next tick of a poll that may have slowed to seconds. A run
        other than the followed one is taken up only when nothing else is followed (or the
        followed one ended)."""
        followed = self.followed
        if run_id is None:
            if followed is not None and not followed.done:
                self.follow(followed.run_id)
            return
        if followed is None or followed.run_id == run_id or followed.done:
            self.follow(run_id)

    def follow(self, run_id: int, *, repair_id: int | None = None) -> RunHandle:
        """Colour the canvas by this run and send its progress after each read, until it ends
        (after ``repair_id``, a repair just asked for, once the run has taken it up)."""
        self.stop()
        runs = self._runs()
        handle = RunHandle(runs, run_id, repair_id=repair_id)
        local = runs.local

        def update(run: dict[str, Any]) -> None:
            self._show_states(task_states(run))
            now = progress(run, local=local)
            self._send({"kind": "run_progress", "run": now["run"], "done": now["done"],
                        "total": now["total"], "finished": now["finished"],
                        "root_causes": now["root_causes"]})  # fmt: skip

        handle.follow(update)
        self.followed = handle
        return handle


RUN_MESSAGES = frozenset(EditorRuns._HANDLERS)
"""The kinds of the view's messages `EditorRuns` answers."""

_ANSWERED = frozenset({"runs", "run", "task_output", "iterations", "repair_preview", "matrix"})
"""The run messages with a request_id, whose answer carries the error."""


def _failed(kind: str, request_id: int, text: str) -> FromPython:
    """The answer to a run request that failed: only its error."""
    if kind == "runs":
        return {"kind": "runs", "request_id": request_id, "error": text}
    if kind == "run":
        return {"kind": "run", "request_id": request_id, "error": text}
    if kind == "task_output":
        return {"kind": "task_output", "request_id": request_id, "error": text}
    if kind == "iterations":
        return {"kind": "iterations", "request_id": request_id, "error": text}
    if kind == "repair_preview":
        return {"kind": "repair_preview", "request_id": request_id, "error": text}
    return {"kind": "matrix", "request_id": request_id, "error": text}


# `client.run_views` builds its answers as plain dicts: these are the protocol's shapes.
def _summary(run: Mapping[str, Any], *, local: bool) -> RunSummary:
    return cast("RunSummary", run_summary(run, local=local))

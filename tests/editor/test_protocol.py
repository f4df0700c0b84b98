"""The editor's messages as `editor.protocol` types them: every kind the view sends has a
TypedDict and a handler that takes it, and what the session sends has its TypedDict's shape."""

from __future__ import annotations

import ast
import inspect
import time
from collections.abc import Callable
from importlib import import_module
from typing import Any

import pytest
from typing_extensions import get_type_hints

from loom_jobs_widget.client import Workspace
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.editor import EditorSession, protocol
from loom_jobs_widget.editor.runs import EditorRuns

from .shapes import kinds, members, mismatches
from .test_editor import ETL, View


def _message_type(handler: Callable[..., None]) -> Any:
    hints = get_type_hints(handler)
    (message,) = (hint for name, hint in hints.items() if name != "return")
    return message


def test_every_kind_the_view_sends_has_a_typed_handler() -> None:
    handlers = {**EditorSession._HANDLERS, **EditorRuns._HANDLERS}
    assert len(handlers) == len(EditorSession._HANDLERS) + len(EditorRuns._HANDLERS)
    sent = kinds(protocol.ToPython)
    assert set(handlers) == set(sent)
    for kind, handler in handlers.items():
        taken = {member.__name__ for member in members(_message_type(handler))}
        declared = {m.__name__ for m in members(protocol.ToPython) if kinds(m) == {kind: m}}
        assert taken == declared, kind


def test_every_edit_op_has_its_request() -> None:
    ops = {m.__name__ for m in members(protocol.EditOp)}
    requests = {m.__name__.removesuffix("Request") for m in members(protocol.EditRequest)}
    assert ops == requests
    assert set(kinds(protocol.EditRequest)) == {"edit"}


def test_what_python_sends_has_the_protocol_shape(ws: Workspace) -> None:
    view = View()
    session = EditorSession(
        JobSettings.from_api(ETL), job=None, send=view.send, on_state=view.on_state,
        workspace=lambda: ws,
    )  # fmt: skip
    script: list[dict[str, Any]] = [
        {"kind": "ready"},
        {"kind": "select", "task_keys": ["report"]},
        {"kind": "edit", "op": "set_field", "task_key": "report", "path": ["timeout_seconds"],
         "value": 60, "request_id": 1},
        {"kind": "edit", "op": "rename_task", "task_key": "transform", "new_key": "clean"},
        {"kind": "edit", "op": "add_dependency", "upstream": "report", "downstream": "ingest",
         "request_id": 2},
        {"kind": "edit", "op": "set_trigger_kind", "trigger_kind": "scheduled"},
        {"kind": "undo"},
        {"kind": "redo"},
        {"kind": "view_as", "format": "yaml"},
        {"kind": "pick", "request_id": 3, "what": "job_cluster"},
        {"kind": "pick", "request_id": 4, "what": "directory"},
        {"kind": "references", "request_id": 5, "task_key": "report"},
        {"kind": "job"},
        {"kind": "schedule_preview", "request_id": 6, "quartz_cron_expression": "0 30 2 * * ?",
         "timezone_id": "America/New_York", "count": 3},
        {"kind": "simple_schedule", "request_id": 7, "simple": {"every": 1, "unit": "days",
                                                                "hour": 6, "minute": 0,
                                                                "weekdays": []}},
        {"kind": "from_unix", "request_id": 8, "expression": "every day"},
        {"kind": "time_zones", "request_id": 9},
        {"kind": "permissions"},
        {"kind": "review"},
        {"kind": "save"},
        {"kind": "runs", "request_id": 10},
        {"kind": "matrix", "request_id": 11},
        {"kind": "run", "request_id": 12, "run_id": 987654321},
        {"kind": "cancel_run", "run_id": 987654321},
        {"kind": "edit", "op": "set_field", "task_key": "report", "path": ["notebook_task"],
         "value": 1},
        {"kind": "save"},
    ]  # fmt: skip
    for message in script:
        session.handle(message)
    shapes = kinds(protocol.FromPython)
    sent = {message["kind"] for message in view.messages}
    assert {"graph", "patch", "task", "problems", "edit_error", "choices", "references",
            "document", "job", "schedule_preview", "simple_schedule", "from_unix", "time_zones",
            "permissions", "review", "saved", "save_failed", "runs", "matrix", "run",
            "run_error"} <= sent  # fmt: skip
    for message in view.messages:
        assert message["kind"] in shapes, message
        assert mismatches(message, shapes[message["kind"]]) == [], message
    assert view.state is not None
    assert mismatches(view.state.counts, protocol.Counts) == []
    assert mismatches(view.state.status, protocol.Status) == []
    job_id = session.state.job_id
    assert job_id is not None
    ws.jobs.delete(job_id)


def test_the_run_messages_have_the_protocol_shape(ws: Workspace) -> None:
    check = {"op": "EQUAL_TO", "left": "1", "right": "1"}
    settings = {"name": "protocol runs", "tasks": [
        {"task_key": "first", "condition_task": check},
        {"task_key": "second", "condition_task": check, "depends_on": [{"task_key": "first"}]},
    ]}  # fmt: skip
    job = ws.jobs.create(settings)
    view = View()
    session = EditorSession(JobSettings.from_api(settings), job=job, send=view.send,
                            on_state=view.on_state, workspace=lambda: ws)  # fmt: skip
    try:
        session.handle({"kind": "run_now"})
        deadline = time.monotonic() + 120
        while not any(m["kind"] == "run_progress" and m["finished"] for m in view.messages):
            assert time.monotonic() < deadline, [m["kind"] for m in view.messages]
            time.sleep(0.05)
        session.runs.stop()
        run_id = view.take("run_progress")[-1]["run"]["run_id"]
        session.handle({"kind": "runs", "request_id": 1})
        session.handle({"kind": "run", "request_id": 2, "run_id": run_id})
        task_run = view.take("run")[0]["run"]["tasks"][0]["run_id"]
        session.handle({"kind": "run", "request_id": 2, "run_id": run_id})
        session.handle({"kind": "task_output", "request_id": 3, "run_id": task_run})
        session.handle({"kind": "matrix", "request_id": 4})
        session.handle({"kind": "repair_preview", "request_id": 5, "run_id": run_id})
        session.handle({"kind": "show_run", "run_id": run_id})
        session.runs.stop()
        shapes = kinds(protocol.FromPython)
        sent = [m for m in view.messages if m["kind"] not in ("patch", "problems")]
        assert {m["kind"] for m in sent} >= {"runs", "run", "task_output", "matrix",
                                             "repair_preview", "run_progress"}  # fmt: skip
        for message in view.messages:
            assert mismatches(message, shapes[message["kind"]]) == [], message
    finally:
        session.runs.stop()
        ws.jobs.delete(int(job.job_id))  # type: ignore[arg-type]


@pytest.mark.parametrize("union", [protocol.ToPython, protocol.FromPython])
def test_every_member_is_documented(union: Any) -> None:
    for member in members(union):
        assert (member.__doc__ or "").strip(), member.__name__


def test_the_protocol_package_gives_every_name_it_lists_from_the_module_its_types_name() -> None:
    # The names are listed three times: __all__, the lazy map, and the imports type checkers read.
    source = ast.parse(inspect.getsource(protocol))
    typed = {
        alias.name: f"{node.module}"
        for node in ast.walk(source)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(protocol.__name__)
        for alias in node.names
    }
    assert sorted(typed) == sorted(protocol.__all__)
    for name in protocol.__all__:
        assert getattr(protocol, name) is getattr(import_module(typed[name]), name)

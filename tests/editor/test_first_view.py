"""The JobEditor's `first_view`: Python's answer to the view's `ready`, in the widget's state, so
a view drawn before anything changed shows the job without the round trip; through the real SDK
to the local workspace."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace
from loom_jobs_widget.editor import JobEditor, graph_sync

from .test_editor import ETL


@pytest.fixture
def editor(ws: Workspace) -> Iterator[JobEditor]:
    job_id = int(ws.jobs.create(ETL).job_id)  # type: ignore[arg-type]
    editor = JobEditor(job_id, ws)
    yield editor
    editor.close(discard=True)
    ws.jobs.delete(job_id)


def view_asks(editor: JobEditor, message: dict[str, Any]) -> list[Any]:
    """What the view gets when it sends ``message`` (as the comm delivers it), as JSON."""
    sent: list[Any] = []
    editor.send = lambda content, buffers=None: sent.append(content)
    editor._on_view_message(None, message, [])
    answer: list[Any] = json.loads(json.dumps(sent))
    return answer


def test_a_new_editor_holds_what_a_view_would_ask_for(editor: JobEditor) -> None:
    first = json.loads(editor.first_view)
    graph = first[0]
    assert graph["kind"] == "graph" and graph["rev"] == 0 and not graph.get("more")
    assert sorted(node["data"]["id"] for node in graph["nodes"]) == [
        "ingest", "report", "transform"
    ]  # fmt: skip
    assert {(e["data"]["source"], e["data"]["target"]) for e in graph["edges"]} == {
        ("ingest", "transform"), ("transform", "report")
    }  # fmt: skip
    # The same messages a view asking with `ready` gets: drawing from either is the same.
    assert view_asks(editor, {"kind": "ready"}) == first
    # Asked once, the view's state no longer carries them (another view asks too).
    assert editor.first_view == ""


@pytest.mark.parametrize(
    "change",
    [
        lambda editor: editor.select("transform"),
        lambda editor: editor.set_field("report", "timeout_seconds", 60),
        lambda editor: editor.add_task(after=["report"]),
        lambda editor: view_asks(editor, {"kind": "select", "task_keys": ["ingest"]}),
    ],
    ids=["select from Python", "edit from Python", "task added", "view's selection"],
)
def test_after_any_change_a_view_asks_for_the_graph(editor: JobEditor, change: Any) -> None:
    assert editor.first_view
    change(editor)
    assert editor.first_view == ""
    # Then `ready` answers with the editor as it is now.
    messages = view_asks(editor, {"kind": "ready"})
    graph = next(m for m in messages if m["kind"] == "graph")
    assert len(graph["nodes"]) == len(editor.settings.task_list)


def test_a_view_drawn_after_a_task_was_opened_gets_the_task(editor: JobEditor) -> None:
    editor.select("transform")  # from Python, before any view shows it
    messages = view_asks(editor, {"kind": "ready"})
    task = next(m for m in messages if m["kind"] == "task")
    assert task["task_key"] == "transform"
    assert task["task"]["spark_python_task"] == {"python_file": "etl/transform.py"}
    # And a second view drawn after the first gets it too.
    assert any(m["kind"] == "task" for m in view_asks(editor, {"kind": "ready"}))


def test_a_graph_of_more_than_one_message_is_not_in_the_state(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A trait's value goes in one message: a graph sent in chunks stays out of it.
    monkeypatch.setattr(graph_sync, "GRAPH_CHUNK", 2)
    editor = JobEditor(settings=ETL, workspace=ws)
    try:
        assert editor.first_view == ""
        kinds = [m["kind"] for m in view_asks(editor, {"kind": "ready"})]
        assert kinds[:2] == ["graph", "graph_more"]
    finally:
        editor.close(discard=True)

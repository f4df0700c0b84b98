"""The JobEditor without a browser: the session's answers to the view's messages, the patches it
sends, undo/redo, review and save through the real SDK to the local workspace, the pickers."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml

from loom_jobs_widget.client import InvalidSettingsError, Workspace
from loom_jobs_widget.core.documents import Format, settings_text
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.core.validation import Problem, validate
from loom_jobs_widget.editor import EditorSession, EditorState, JobEditor, graph_sync
from loom_jobs_widget.editor.problems import problem_path
from loom_jobs_widget.graph import job_elements
from loom_jobs_widget.graph.elements import EDITOR_ICON_ROOM

ETL: dict[str, Any] = {
    "name": "nightly etl",
    "x_unknown_job_field": {"kept": [1, None, {}]},
    "tasks": [
        {
            "task_key": "ingest",
            "notebook_task": {"notebook_path": "/etl/ingest", "x_task_field": True},
            "job_cluster_key": "main",
        },
        {
            "task_key": "transform",
            "depends_on": [{"task_key": "ingest"}],
            "spark_python_task": {"python_file": "etl/transform.py"},
            "job_cluster_key": "main",
        },
        {
            "task_key": "report",
            "depends_on": [{"task_key": "transform"}],
            "run_if": "ALL_DONE",
            "notebook_task": {
                "notebook_path": "/etl/report",
                "base_parameters": {"rows": "{{tasks.transform.values.rows}}"},
            },
            "job_cluster_key": "main",
        },
    ],
    "job_clusters": [
        {
            "job_cluster_key": "main",
            "new_cluster": {"spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_D4s_v3",
                            "num_workers": 2},
        }
    ],
}  # fmt: skip


class View:
    """What the browser would receive: the messages and the last trait values."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.state: EditorState | None = None

    def send(self, message: dict[str, Any]) -> None:
        json.dumps(message)  # everything must survive the wire
        self.messages.append(message)

    def on_state(self, state: EditorState) -> None:
        self.state = state

    def take(self, kind: str | None = None) -> list[dict[str, Any]]:
        taken = [m for m in self.messages if kind is None or m["kind"] == kind]
        self.messages = [m for m in self.messages if m not in taken]
        return taken

    def one(self, kind: str) -> dict[str, Any]:
        found = self.take(kind)
        assert len(found) == 1, (kind, found, self.messages)
        return found[0]


@pytest.fixture
def view() -> View:
    return View()


@pytest.fixture
def make(view: View, ws: Workspace) -> Callable[..., EditorSession]:
    def make(settings: dict[str, Any] | None = None, **kwargs: Any) -> EditorSession:
        return EditorSession(
            JobSettings.from_api(settings if settings is not None else ETL),
            job=kwargs.pop("job", None),
            send=view.send,
            on_state=view.on_state,
            workspace=lambda: ws,
        )

    return make


def layered_job(tasks: int) -> dict[str, Any]:
    width = 20
    entries = []
    for i in range(tasks):
        entry: dict[str, Any] = {"task_key": f"t{i}", "notebook_task": {"notebook_path": f"/n{i}"}}
        if i >= width:
            entry["depends_on"] = [{"task_key": f"t{i - width}"}, {"task_key": f"t{i - width + 1}"}]
            if (i - width + 1) % width == 0:
                entry["depends_on"].pop()
        entries.append(entry)
    return {"name": "big", "tasks": entries}


def test_ready_sends_the_whole_graph(make: Callable[..., EditorSession], view: View) -> None:
    session = make()
    session.handle({"kind": "ready"})
    graph = view.one("graph")
    assert graph["rev"] == 0 and graph["more"] is False
    nodes = {n["data"]["id"]: n["data"] for n in graph["nodes"]}
    assert list(nodes) == ["ingest", "transform", "report"]
    assert nodes["ingest"]["compute_label"] == "main"
    edges = {e["data"]["id"]: e["data"] for e in graph["edges"]}
    assert edges["transform->report"]["run_if"] == "ALL_DONE"
    assert edges["ingest->transform"]["run_if"] == "ALL_SUCCESS"
    # Nothing selected: the problems message carries the job-level problems only.
    assert view.one("problems") == {"kind": "problems", "task_key": None, "problems": [], "job": []}
    assert view.state is not None and view.state.counts == {"errors": 0, "warnings": 0, "tasks": 3}


def test_a_big_graph_comes_in_chunks(
    make: Callable[..., EditorSession], view: View, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graph_sync, "GRAPH_CHUNK", 400)
    make(layered_job(1000)).handle({"kind": "ready"})
    parts = view.take("graph") + view.take("graph_more")
    edges = sum(len(p["edges"]) for p in parts)
    assert edges > 1000
    assert [p["more"] for p in parts] == [True] * (len(parts) - 1) + [False]
    assert len(parts) == -(-edges // 400)
    assert sum(len(p["nodes"]) for p in parts) == 1000
    assert len({n["data"]["id"] for p in parts for n in p["nodes"]}) == 1000
    assert max(len(json.dumps(p)) for p in parts) < graph_sync.MAX_MESSAGE_BYTES


def test_selecting_a_task_sends_its_json_and_problems(
    make: Callable[..., EditorSession], view: View
) -> None:
    settings = json.loads(json.dumps(ETL))
    settings["tasks"][1]["max_retries"] = "three"  # a wrong type, kept as given
    session = make(settings)
    session.handle({"kind": "select", "task_keys": ["transform"]})
    task = view.one("task")
    assert task["task_key"] == "transform"
    assert task["task"] == settings["tasks"][1]
    assert task["task_keys"] == ["ingest", "transform", "report"]
    problems = view.one("problems")
    assert problems["task_key"] == "transform"
    assert [p["path"] for p in problems["problems"]] == [["max_retries"]]
    assert view.state is not None and view.state.selected == ["transform"]


def test_a_field_edit_sends_a_small_patch_and_no_echo(
    make: Callable[..., EditorSession], view: View
) -> None:
    session = make(layered_job(1000))
    session.handle({"kind": "select", "task_keys": ["t500"]})
    view.take()
    session.handle(
        {"kind": "edit", "op": "set_field", "task_key": "t500",
         "path": ["notebook_task", "notebook_path"], "value": ""}
    )  # fmt: skip
    messages = view.take()
    # The panel shows what the user typed: no `task` echo, just the problems and the node's
    # error marker.
    assert [m["kind"] for m in messages] == ["patch", "problems"]
    patch, problems = messages
    assert [n["data"]["id"] for n in patch["nodes"]] == ["t500"]
    assert patch["nodes"][0]["data"]["errors"] == 1
    assert (patch["base"], patch["rev"]) == (0, 1)
    assert set(patch) == {"kind", "rev", "base", "nodes"}
    assert problems["problems"][0]["path"] == ["notebook_task", "notebook_path"]
    assert sum(len(json.dumps(m)) for m in messages) <= 2048
    assert session.settings.task("t500") is not None
    assert session.settings.to_api()["tasks"][500]["notebook_task"] == {"notebook_path": ""}


def test_a_refused_cycle_changes_nothing(make: Callable[..., EditorSession], view: View) -> None:
    session = make()
    before = session.settings
    session.handle(
        {"kind": "edit", "op": "add_dependency", "upstream": "report", "downstream": "ingest",
         "request_id": 7}
    )  # fmt: skip
    error = view.one("edit_error")
    assert error["request_id"] == 7
    assert error["task_key"] == "ingest"
    assert "cycle" in error["message"] and "report" in error["message"]
    assert view.take("patch") == []
    assert session.settings is before and session.graph.rev == 0
    assert view.state is not None and view.state.status["level"] == "error"
    assert not view.state.can_undo


def test_structure_edits_patch_nodes_edges_and_selection(
    make: Callable[..., EditorSession], view: View
) -> None:
    session = make()
    session.handle({"kind": "select", "task_keys": ["transform"]})
    session.handle({"kind": "edit", "op": "rename_task", "task_key": "transform",
                    "new_key": "clean"})  # fmt: skip
    patch = view.one("patch")
    assert patch["remove_nodes"] == ["transform"]
    assert [n["data"]["id"] for n in patch["nodes"]] == ["clean"]
    assert sorted(patch["remove_edges"]) == ["ingest->transform", "transform->report"]
    assert sorted(e["data"]["id"] for e in patch["edges"]) == ["clean->report", "ingest->clean"]
    assert view.state is not None and view.state.selected == ["clean"]
    # References follow the rename; the open panel gets the renamed task.
    report = session.settings.task("report")
    assert report is not None
    assert report.to_api()["notebook_task"]["base_parameters"]["rows"] == (
        "{{tasks.clean.values.rows}}"
    )
    assert view.take("task")[-1]["task_key"] == "clean"

    session.handle({"kind": "edit", "op": "add_task", "after": ["clean"]})
    patch = view.one("patch")
    new_key = view.state.selected[0]
    assert new_key not in {"ingest", "clean", "report"}
    assert any(e["data"]["id"] == f"clean->{new_key}" for e in patch["edges"])
    assert patch["base"] == 1 and patch["rev"] == 2
    assert view.take("task")[-1]["task"]["depends_on"] == [{"task_key": "clean"}]


def test_undo_and_redo_restore_the_task_panel(
    make: Callable[..., EditorSession], view: View
) -> None:
    session = make()
    session.handle({"kind": "select", "task_keys": ["ingest"]})
    session.handle({"kind": "edit", "op": "set_field", "task_key": "ingest",
                    "path": ["max_retries"], "value": 3})  # fmt: skip
    assert view.state is not None and view.state.can_undo and view.state.dirty
    view.take()
    session.handle({"kind": "undo"})
    # Undo changed the task behind the panel's back: the panel gets the task again.
    assert "max_retries" not in view.one("task")["task"]
    assert session.settings.to_api() == ETL
    assert view.state.can_redo and not view.state.can_undo
    session.handle({"kind": "redo"})
    assert view.one("task")["task"]["max_retries"] == 3


def test_review_lists_the_changes_and_blocking_errors(
    make: Callable[..., EditorSession], view: View
) -> None:
    session = make()
    session.handle({"kind": "edit", "op": "set_field", "task_key": "ingest",
                    "path": ["notebook_task", "notebook_path"], "value": ""})  # fmt: skip
    session.handle({"kind": "review"})
    review = view.one("review")
    assert review["errors"] and review["errors"][0]["task_key"] == "ingest"
    assert review["changes"]  # a new job: everything is a change
    assert review["summary"] == "Save creates this job in the workspace."


def test_save_creates_then_updates_and_keeps_unknown_fields(
    make: Callable[..., EditorSession], view: View, ws: Workspace
) -> None:
    session = make()
    session.handle({"kind": "save"})
    saved = view.one("saved")
    job_id = saved["job_id"]
    assert view.state is not None and view.state.job_id == job_id and not view.state.dirty
    session.handle({"kind": "edit", "op": "add_dependency", "upstream": "ingest",
                    "downstream": "report"})  # fmt: skip
    session.handle({"kind": "review"})
    review = view.one("review")
    assert [c["path"] for c in review["changes"]] == ["tasks[report].depends_on"]
    assert review["summary"] == "1 change to task report."
    session.handle({"kind": "save"})
    view.one("saved")
    raw = ws.client.api_client.do("GET", "/api/2.2/jobs/get", query={"job_id": job_id})
    settings = raw["settings"]
    assert settings["x_unknown_job_field"] == {"kept": [1, None, {}]}
    assert settings["tasks"][0]["notebook_task"]["x_task_field"] is True
    # (A workspace returns depends_on in an order of its own.)
    assert sorted(d["task_key"] for d in settings["tasks"][2]["depends_on"]) == [
        "ingest", "transform",
    ]  # fmt: skip
    # The editor's job is what the workspace returned; nothing is left to save.
    assert session.job.settings is not None and session.job.settings.to_api() == settings
    assert view.state is not None and not view.state.dirty
    session.handle({"kind": "review"})
    assert view.one("review")["changes"] == []
    ws.jobs.delete(job_id)


def test_the_review_lists_only_the_users_edits(
    make: Callable[..., EditorSession], view: View, ws: Workspace
) -> None:
    written = copy.deepcopy(ETL)
    written["name"] = "review of a job the workspace filled"
    written["tasks"][2]["depends_on"] = [{"task_key": "transform"}, {"task_key": "ingest"}]
    job = ws.jobs.create(written)  # read back with the server's defaults, depends_on sorted
    assert job.settings is not None and isinstance(job.job_id, int)
    loaded = job.settings.to_api()
    assert loaded != written and loaded["tasks"][0]["run_if"] == "ALL_SUCCESS"
    session = make(loaded, job=job)

    def review() -> dict[str, Any]:
        session.handle({"kind": "review"})
        return view.one("review")

    assert review()["summary"] == "No changes to save."
    session.handle({"kind": "edit", "op": "set_field", "task_key": "report",
                    "path": ["timeout_seconds"], "value": 600})  # fmt: skip
    shown = review()
    assert [(c["path"], c["before"], c["after"]) for c in shown["changes"]] == [
        ("tasks[report].timeout_seconds", 0, 600)
    ]
    assert shown["summary"] == "1 change to task report."

    # The same job pasted as text, as written (no defaults, its own depends_on order): no change.
    pastes: list[tuple[Format, Callable[[str], Any]]] = [
        ("json", json.loads),
        ("yaml", yaml.safe_load),
    ]
    for text_format, parse in pastes:
        session.replace(JobSettings.from_api(parse(settings_text(written, text_format))))
        assert review()["changes"] == [], text_format
    # Pasted with one change, that change alone.
    pasted = copy.deepcopy(written)
    pasted["tasks"][0]["run_if"] = "ALL_DONE"
    session.replace(JobSettings.from_api(pasted))
    assert [c["path"] for c in review()["changes"]] == ["tasks[ingest].run_if"]

    # apply_policy_default_values is sent, and the workspace consumes it.
    policy = ["job_clusters", 0, "new_cluster", "apply_policy_default_values"]
    session.handle({"kind": "edit", "op": "set_job_field", "path": policy, "value": True})
    assert [c["path"] for c in review()["changes"]] == [
        "tasks[ingest].run_if",
        "job_clusters[main].new_cluster.apply_policy_default_values",
    ]
    session.handle({"kind": "save"})
    view.one("saved")
    stored = ws.client.api_client.do("GET", "/api/2.2/jobs/get", query={"job_id": job.job_id})
    assert stored["settings"]["tasks"][0]["run_if"] == "ALL_DONE"  # type: ignore[index]
    assert session.job.settings is not None
    assert session.job.settings.to_api() == stored["settings"]  # type: ignore[index]
    # The workspace's version (without the consumed field) is the editor's now, as one step.
    assert view.state is not None and not view.state.dirty
    assert view.state.undo_label == "take the settings as saved"
    assert review()["changes"] == []
    ws.jobs.delete(job.job_id)


def test_a_failed_save_keeps_the_edits(
    make: Callable[..., EditorSession], view: View, ws: Workspace
) -> None:
    session = make()
    session.handle({"kind": "edit", "op": "set_field", "task_key": "ingest",
                    "path": ["notebook_task", "notebook_path"], "value": ""})  # fmt: skip
    edited = session.settings
    session.handle({"kind": "save"})
    failed = view.one("save_failed")
    assert "ingest" in failed["message"] and failed["conflict"] is False
    assert session.settings is edited
    assert view.state is not None and view.state.dirty and view.state.job_id is None
    assert view.state.status["level"] == "error"
    with pytest.raises(InvalidSettingsError):
        session.save()


def test_views_as_json_and_yaml_are_the_settings(
    make: Callable[..., EditorSession], view: View
) -> None:
    session = make()
    for text_format, parse in (("json", json.loads), ("yaml", yaml.safe_load)):
        session.handle({"kind": "view_as", "format": text_format})
        document = view.one("document")
        assert document["format"] == text_format
        assert parse(document["text"]) == ETL


def test_pickers_list_the_workspace_and_the_job(
    make: Callable[..., EditorSession], view: View, ws: Workspace
) -> None:
    session = make()
    for what in ("cluster", "warehouse", "job_cluster", "task", "directory"):
        session.handle({"kind": "pick", "request_id": 1, "what": what})
        reply = view.one("choices")
        assert "error" not in reply, reply
        assert reply["items"], what
    assert [c["value"] for c in session.choices("job_cluster")] == ["main"]
    session.handle({"kind": "pick", "request_id": 2, "what": "spaceship"})
    assert "no picker" in view.one("choices")["error"]


def test_references_offer_the_upstream_values(
    make: Callable[..., EditorSession], view: View
) -> None:
    session = make()
    session.handle({"kind": "references", "request_id": 3, "task_key": "report"})
    reply = view.one("references")
    references = [item["reference"] for item in reply["items"]]
    assert "{{job.run_id}}" in references
    assert any(ref.startswith("{{tasks.transform.") for ref in references)
    assert not any(ref.startswith("{{tasks.report.") for ref in references)


def test_bad_messages_never_raise(make: Callable[..., EditorSession], view: View) -> None:
    session = make()
    session.handle({"kind": "warp"})
    assert view.state is not None and "warp" in view.state.status["text"]
    session.handle({"kind": "edit", "op": "set_field", "task_key": "ingest", "path": "oops"})
    assert view.one("edit_error")["message"]
    session.handle({"kind": "edit", "op": "teleport"})
    assert "teleport" in view.one("edit_error")["message"]
    assert session.settings.to_api() == ETL


def test_problem_paths_inside_a_task() -> None:
    def path(field: str, key: str = "etl") -> list[str | int] | None:
        return problem_path(Problem("x", "error", "m", key, field), key)

    assert path("tasks[etl].depends_on[0].task_key") == ["depends_on", 0, "task_key"]
    assert path("tasks[etl].for_each_task.task.notebook_task") == [
        "for_each_task", "task", "notebook_task",
    ]  # fmt: skip
    assert path('tasks[etl].notebook_task.base_parameters["a b"]') == [
        "notebook_task", "base_parameters", "a b",
    ]  # fmt: skip
    assert path("tasks[etl]") == []
    assert path("schedule.quartz_cron_expression") is None


@pytest.fixture
def saved_job(ws: Workspace) -> Iterator[int]:
    job_id = int(ws.jobs.create(ETL).job_id)  # type: ignore[arg-type]
    yield job_id
    ws.jobs.delete(job_id)


def test_the_widget_opens_a_saved_job(ws: Workspace, saved_job: int) -> None:
    editor = JobEditor(saved_job, ws)
    assert editor.title == "nightly etl" and editor.job_id == saved_job
    assert editor.workspace_label == "local workspace"
    assert not editor.dirty and editor.counts["tasks"] == 3
    editor.select("report")
    assert editor.selected == ["report"]
    editor.set_field("report", "timeout_seconds", 600)
    assert editor.dirty and editor.can_undo and editor.undo_label
    key = editor.add_task(after=["report"])
    assert editor.counts["errors"] == 1  # the new task has no notebook yet
    editor.set_field(key, "notebook_task.notebook_path", "/etl/publish")
    editor.add_dependency("ingest", key)
    assert editor.selected == [key]
    editor.save()
    assert not editor.dirty
    saved = ws.jobs.get(saved_job).settings
    assert saved is not None
    assert saved.to_api()["x_unknown_job_field"] == {"kept": [1, None, {}]}
    assert {d["task_key"] for d in saved.to_api()["tasks"][3]["depends_on"]} == {"report", "ingest"}


def test_the_widget_state_holds_no_secret(ws: Workspace, saved_job: int) -> None:
    editor = JobEditor(saved_job, ws)
    token = ws.client.config.token
    assert token
    assert token not in json.dumps(editor.get_state(), default=str)


def test_python_edits_reach_the_view(ws: Workspace) -> None:
    editor = JobEditor(settings=ETL, workspace=ws)
    sent: list[dict[str, Any]] = []
    editor._to_view = sent.append  # type: ignore[method-assign]
    editor.settings = {**ETL, "tasks": ETL["tasks"][:1]}
    patch = next(m for m in sent if m["kind"] == "patch")
    assert sorted(patch["remove_nodes"]) == ["report", "transform"]
    assert editor.counts["tasks"] == 1
    editor.undo()
    assert editor.counts["tasks"] == 3


def test_quick_refresh_matches_a_full_one(make: Callable[..., EditorSession], view: View) -> None:
    """Edits inside one task take the quick path; what the view ends up with must be what a
    full refresh would have sent."""
    session = make()
    edits: list[tuple[str, list[str | int], Any]] = [
        ("report", ["run_if"], "AT_LEAST_ONE_FAILED"),
        ("ingest", ["notebook_task", "notebook_path"], ""),
        ("transform", ["max_retries"], "x"),
        ("report", ["notebook_task", "base_parameters", "rows"], "{{tasks.nope.values.x}}"),
        ("ingest", ["job_cluster_key"], "other"),
        ("ingest", ["disabled"], True),
        ("ingest", ["notebook_task", "notebook_path"], "/etl/ingest"),
    ]
    for key, path, value in edits:
        session.handle({"kind": "edit", "op": "set_field", "task_key": key, "path": path,
                        "value": value})  # fmt: skip
    full = job_elements(
        session.settings, problems=validate(session.settings), icon_room=EDITOR_ICON_ROOM
    )
    assert session.graph.elements == full
    assert sorted(map(repr, session.problems)) == sorted(map(repr, validate(session.settings)))
    # The view, applying the patches in order, has the same graph.
    shown = {n["data"]["id"]: n["data"] for n in full["nodes"]}
    first = job_elements(ETL, icon_room=EDITOR_ICON_ROOM)
    drawn: dict[str, Any] = {n["data"]["id"]: n["data"] for n in first["nodes"]}
    edges: dict[str, Any] = {e["data"]["id"]: e["data"] for e in first["edges"]}
    for patch in view.take("patch"):
        for node in patch.get("nodes", []):
            drawn[node["data"]["id"]] = node["data"]
        for edge_id in patch.get("remove_edges", []):
            del edges[edge_id]
        for edge in patch.get("edges", []):
            edges[edge["data"]["id"]] = edge["data"]
    assert drawn == shown
    assert edges == {e["data"]["id"]: e["data"] for e in full["edges"]}
    assert edges["transform->report"]["run_if"] == "AT_LEAST_ONE_FAILED"

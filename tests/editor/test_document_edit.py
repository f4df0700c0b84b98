"""The JSON / YAML view as an editor, through the session (and the real SDK to the local
workspace where a save is involved): a parse error changes nothing and says where; an apply is
one undoable edit that keeps unknown fields; the bundle form round-trips; one task alone; hostile
text refused in words, never a traceback."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from loom_jobs_widget.client import Workspace
from loom_jobs_widget.core.changes import diff
from loom_jobs_widget.core.documents import parse_document
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.editor import EditorSession, protocol
from tests.corpus import corpus_settings

from .shapes import mismatches
from .test_editor import ETL, View

# A corpus job with fields the editor has no form for (`queue`, `git_source`, `run_as`, ...).
CORPUS_JOB = "bundle-examples__mlops_model_training.json"


@pytest.fixture
def view() -> View:
    return View()


@pytest.fixture
def make(view: View, ws: Workspace) -> Callable[..., EditorSession]:
    def make(settings: dict[str, Any] | None = None) -> EditorSession:
        return EditorSession(JobSettings.from_api(settings or ETL), job=None, send=view.send,
                             on_state=view.on_state, workspace=lambda: ws)  # fmt: skip

    return make


@pytest.fixture
def saved_job(ws: Workspace, view: View) -> Iterator[EditorSession]:
    """A corpus job as the workspace holds it, open in an editor (clean)."""
    settings = corpus_settings(CORPUS_JOB)
    settings["x_future_field"] = {"kept": [1, {"deep": None}]}
    answer = ws.client.api_client.do("POST", "/api/2.2/jobs/create", body=settings)
    assert isinstance(answer, dict)
    job = ws.jobs.get(answer["job_id"])
    assert job.settings is not None
    yield EditorSession(job.settings, job=job, send=view.send, on_state=view.on_state,
                        workspace=lambda: ws)  # fmt: skip
    ws.jobs.delete(answer["job_id"])


def stored(ws: Workspace, job_id: int | None) -> dict[str, Any]:
    """The job's settings as the workspace answers `jobs/get` through the SDK."""
    answer = ws.client.api_client.do("GET", "/api/2.2/jobs/get", query={"job_id": job_id})
    assert isinstance(answer, dict)
    settings: dict[str, Any] = answer["settings"]
    return settings


def shown(session: EditorSession, view: View, text_format: str, task_key: str | None = None) -> str:
    session.handle({"kind": "view_as", "format": text_format, "task_key": task_key})
    document = view.one("document")
    assert document["format"] == text_format
    assert mismatches(document, protocol.DocumentMessage) == []
    text: str = document["text"]
    return text


def apply(
    session: EditorSession, view: View, text_format: str, text: str, task_key: str | None = None
) -> dict[str, Any]:
    session.handle({"kind": "apply_document", "format": text_format, "text": text,
                    "task_key": task_key})  # fmt: skip
    result: dict[str, Any] = view.one("document_result")
    assert mismatches(result, protocol.DocumentResultMessage) == [], result
    return result


def test_a_parse_error_says_where_and_changes_nothing(
    make: Callable[..., EditorSession], view: View
) -> None:
    session = make()
    before = session.settings
    text = shown(session, view, "json").replace('"name": "nightly etl",', '"name": "nightly etl"')
    result = apply(session, view, "json", text)
    assert result["ok"] is False and result["changed"] is False
    assert (result["line"], result["column"]) == (3, 3)
    assert "line 3, column 3" in result["message"]
    assert "Expecting ',' delimiter" in result["message"]
    assert session.settings is before and not session.history.can_undo


def test_an_apply_is_one_undoable_edit_that_keeps_unknown_fields(
    make: Callable[..., EditorSession], view: View
) -> None:
    session = make()
    before = session.settings
    document = json.loads(shown(session, view, "json"))
    document["tasks"][2]["timeout_seconds"] = 600
    document["tasks"][0]["x_new_field"] = {"a": [1, 2]}
    result = apply(session, view, "json", json.dumps(document, indent=2))
    assert result["ok"] and result["changed"], result
    assert "Undo restores" in result["message"]
    applied = session.settings.to_api()
    assert applied == document  # the text is the truth, unknown fields and all
    assert applied["x_unknown_job_field"] == ETL["x_unknown_job_field"]
    assert [c.path for c in diff(before, session.settings)] == [
        "tasks[ingest].x_new_field", "tasks[report].timeout_seconds"]  # fmt: skip
    assert view.state is not None and view.state.undo_label == "edit as JSON"
    assert view.state.dirty
    session.undo()
    assert session.settings is before


def test_a_job_with_problems_applies_and_lists_them_but_not_a_document_that_is_no_job(
    make: Callable[..., EditorSession], view: View
) -> None:
    session = make()
    document = json.loads(shown(session, view, "json"))
    document["tasks"][1]["depends_on"] = [{"task_key": "nowhere"}]
    result = apply(session, view, "json", json.dumps(document))
    assert result["ok"] and result["changed"]
    assert any(p["task_key"] == "transform" and "nowhere" in p["message"]
               for p in result["problems"]), result["problems"]  # fmt: skip
    applied = session.settings
    for text, words in (("[1, 2]", "holds a list, not a job"),
                        ('{"name": "x", "tasks": 5}', "`tasks` is a number, not a list"),
                        ('{"name": "x", "tasks": [1]}', "must be an object"),
                        ("tasks: {a: 1}\n", "`tasks` is an object")):  # fmt: skip
        result = apply(session, view, "yaml" if text.startswith("tasks:") else "json", text)
        assert result["ok"] is False and words in result["message"], result
        assert session.settings is applied


def test_the_bundle_form_round_trips_and_a_change_changes_only_that_field(
    saved_job: EditorSession, view: View, ws: Workspace
) -> None:
    session = saved_job
    before = session.settings
    job_id = session.state.job_id
    stored_before = stored(ws, job_id)
    text = shown(session, view, "bundle")
    assert text.startswith("resources:\n  jobs:\n")
    result = apply(session, view, "bundle", text)
    assert result["ok"] and not result["changed"], result
    assert view.state is not None and not view.state.dirty and not session.history.can_undo
    assert session.settings is before

    name = before.name
    assert isinstance(name, str)
    renamed = text.replace(f"name: {name}", "name: renamed in yaml", 1)
    result = apply(session, view, "bundle", renamed)
    assert result["changed"], result
    assert [(c.path, c.after) for c in diff(before, session.settings)] == [
        ("name", "renamed in yaml")]  # fmt: skip
    assert view.state.undo_label == "edit as YAML" and view.state.dirty
    session.save()
    after = stored(ws, job_id)
    assert after == {**stored_before, "name": "renamed in yaml"}
    assert after["x_future_field"] == {"kept": [1, {"deep": None}]}


def test_plain_yaml_and_bundle_permissions(make: Callable[..., EditorSession], view: View) -> None:
    session = make()
    before = session.settings
    assert not apply(session, view, "yaml", shown(session, view, "yaml"))["changed"]
    # A bundle file pasted in the JSON or plain YAML view is read as the bundle it is.
    assert not apply(session, view, "yaml", shown(session, view, "bundle"))["changed"]
    text = shown(session, view, "bundle").rstrip("\n")
    text += "\n      permissions:\n      - level: CAN_VIEW\n        group_name: users\n"
    result = apply(session, view, "bundle", text)
    assert result["ok"] and not result["changed"] and "Permissions tab" in result["message"]
    assert session.settings is before


def test_one_task_alone(make: Callable[..., EditorSession], view: View) -> None:
    session = make()
    before = session.settings
    text = shown(session, view, "json", "report")
    assert parse_document(text, "json") == ETL["tasks"][2]
    task = copy.deepcopy(ETL["tasks"][2])
    task["timeout_seconds"] = 90
    result = apply(session, view, "json", json.dumps(task), "report")
    assert result["ok"] and result["changed"] and result["task_key"] == "report"
    assert [c.path for c in diff(before, session.settings)] == ["tasks[report].timeout_seconds"]
    assert view.state is not None and view.state.undo_label == "edit task 'report' as JSON"
    task["task_key"] = "renamed"
    refused = apply(session, view, "json", json.dumps(task), "report")
    assert refused["ok"] is False and "rename the task" in refused["message"]
    assert apply(session, view, "yaml", "- 1\n", "report")["ok"] is False


def test_hostile_text_is_refused_in_words(make: Callable[..., EditorSession], view: View) -> None:
    session = make()
    before = session.settings
    for text in ("a: !!python/object/apply:os.system ['echo owned']\n",
                 "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
                     f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n"
                     for a, b in zip("abcdefgh", "bcdefghi", strict=True)),
                 "[" * 100_000):  # fmt: skip
        result = apply(session, view, "yaml", text)
        assert result["ok"] is False and result["message"].startswith("Not applied: "), result
        assert "Traceback" not in result["message"]
    assert session.settings is before

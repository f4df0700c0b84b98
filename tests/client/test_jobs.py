"""The jobs service against the embedded local workspace, through connect(): lossless saves of
the corpus, conflicts and merges, and listing."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from loom_jobs_widget.client import (
    ConfigurationError,
    ConflictError,
    InvalidSettingsError,
    Workspace,
    connect,
    plan_update,
)
from loom_jobs_widget.core.models import Job, JobSettings, Task
from loom_jobs_widget.core.server_defaults import (
    reads_back_as,
    same_up_to_server_defaults,
    with_server_defaults,
)

from ..corpus import corpus_files, corpus_settings

# Corpus files the workspace refuses as they are (validator errors, or a string where the API
# parses an integer); see the corpus README's "known genuine problems".
REFUSED = {
    "bundle-examples__job_with_run_job_tasks.json": InvalidSettingsError,
    "cli__apidocs_kitchen_sink_invalid.json": InvalidSettingsError,
    "cli__big_int64_job_ids_create.json": InvalidSettingsError,
    "cli__resolved_nonstring_vars_validate.json": InvalidSettingsError,
    # Their webhook destinations ("alpha", ...) are not destinations of the workspace.
    "cli__webhook_reorder_create.json": InvalidSettingsError,
    "cli__webhook_reorder_reset.json": InvalidSettingsError,
}
SAVABLE = [name for name in corpus_files() if name not in REFUSED]


def unique(prefix: str = "job") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def raw_settings(ws: Workspace, job_id: int) -> dict[str, Any]:
    """The stored settings, read with API 2.1 (no paging): a second path than the service's."""
    document = ws.client.api_client.do("GET", "/api/2.1/jobs/get", query={"job_id": job_id})
    assert isinstance(document, dict)
    settings: dict[str, Any] = document["settings"]
    return settings


def raw_update(ws: Workspace, job_id: int, new_settings: dict[str, Any], remove: Any = ()) -> None:
    """A change made elsewhere (another user, the UI), straight through the SDK."""
    body: dict[str, Any] = {"job_id": job_id, "new_settings": new_settings}
    if remove:
        body["fields_to_remove"] = list(remove)
    ws.client.api_client.do("POST", "/api/2.2/jobs/update", body=body)


def three_tasks(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "tags": {"suite": "workspace"},
        "tasks": [
            {"task_key": "ingest", "notebook_task": {"notebook_path": "/Shared/ingest"}},
            {
                "task_key": "transform",
                "depends_on": [{"task_key": "ingest"}],
                "spark_python_task": {"python_file": "/Workspace/Shared/t.py"},
                "timeout_seconds": 0,
            },
            {
                "task_key": "publish",
                "depends_on": [{"task_key": "transform"}],
                "notebook_task": {"notebook_path": "/Shared/publish"},
            },
        ],
    }


def snapshot(job: Job) -> str:
    return json.dumps(job.to_api(), sort_keys=True)


def raw_create(ws: Workspace, settings: dict[str, Any]) -> int:
    """A job made elsewhere, straight through the SDK."""
    answer = ws.client.api_client.do("POST", "/api/2.2/jobs/create", body=settings)
    assert isinstance(answer, dict)
    job_id: int = answer["job_id"]
    return job_id


def raw_reset(ws: Workspace, job_id: int, settings: dict[str, Any]) -> None:
    body = {"job_id": job_id, "new_settings": settings}
    ws.client.api_client.do("POST", "/api/2.2/jobs/reset", body=body)


@pytest.fixture
def sent(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """(path, body) of each POST the SDK sends from here on (sent on as they are)."""
    posts: list[tuple[str, dict[str, Any]]] = []
    do = ws.client.api_client.do

    def recording(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        if method == "POST":
            posts.append((path, copy.deepcopy(kwargs.get("body") or {})))
        return do(method, path, *args, **kwargs)

    monkeypatch.setattr(ws.client.api_client, "do", recording)
    return posts


# --- lossless saves ------------------------------------------------------------------------------


def edit_one_field(settings: JobSettings, index: int) -> Callable[[dict[str, Any]], None]:
    """Makes one edit on the model; returns the same edit on raw JSON, for the expectation."""
    kind = index % 3
    tasks = settings.task_list
    if kind == 1 and tasks:
        first = tasks[0]
        first.timeout_seconds = 4321
        key = first.task_key

        def expect(doc: dict[str, Any]) -> None:
            entry = next(t for t in doc["tasks"] if t.get("task_key") == key)
            entry["timeout_seconds"] = 4321

        return expect
    if kind == 2 and "description" in settings.api_fields():
        settings.unset("description")
        return lambda doc: doc.pop("description")
    settings.name = "edited by the lossless test"
    return lambda doc: doc.update(name="edited by the lossless test")


@pytest.mark.parametrize("name", SAVABLE)
def test_corpus_one_field_edit_is_all_that_changes(ws: Workspace, name: str) -> None:
    original = corpus_settings(name)
    created = ws.jobs.create(original)
    job_id = created.job_id
    assert isinstance(job_id, int)
    # A workspace adds its defaults and orders depends_on its own way: nothing else differs.
    stored = raw_settings(ws, job_id)
    assert reads_back_as(original, stored)
    assert created.settings is not None and created.settings.to_api() == stored
    assert ws.jobs.changes(created) == []

    job = ws.jobs.get(job_id)
    assert job.settings is not None and job.settings.to_api() == stored
    expect = edit_one_field(job.settings, SAVABLE.index(name))
    # The one edit is all a save sends: one field, or one task entry.
    plan = plan_update(stored, job.settings.to_api())
    units = [*plan.fields_to_remove, *plan.new_settings, *plan.new_settings.get("tasks", [])[1:]]
    assert plan.method == "update" and len(units) == 1, plan
    saved = ws.jobs.save(job)

    expected = copy.deepcopy(original)
    expect(expected)
    after = raw_settings(ws, job_id)
    assert reads_back_as(expected, after)
    assert saved.settings is not None and saved.settings.to_api() == after
    assert job.settings.to_api() == after
    assert ws.jobs.changes(job) == []
    ws.jobs.delete(job_id)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_corpus_jobs_the_api_refuses(ws: Workspace, name: str) -> None:
    settings = corpus_settings(name)
    settings["name"] = unique("refused")
    job = Job(settings=JobSettings.from_api(settings))
    before = snapshot(job)
    with pytest.raises(REFUSED[name]) as caught:
        ws.jobs.save(job)
    assert snapshot(job) == before and job.job_id is None
    assert "\n" not in str(caught.value)
    assert list(ws.jobs.list(name=settings["name"])) == []


def test_reordered_tasks_reach_the_server(ws: Workspace) -> None:
    created = ws.jobs.create(three_tasks(unique()))
    assert isinstance(created.job_id, int) and created.settings is not None
    tasks = created.settings.tasks
    assert isinstance(tasks, list)
    created.settings.tasks = [tasks[2], tasks[0], tasks[1]]
    created.settings.run_as = None  # explicit null, kept as written
    ws.jobs.save(created)
    after = raw_settings(ws, created.job_id)
    assert [t["task_key"] for t in after["tasks"]] == ["publish", "ingest", "transform"]
    assert after["run_as"] is None


def test_paged_arrays_are_merged(ws: Workspace) -> None:
    settings: dict[str, Any] = {
        "name": unique("big"),
        "job_clusters": [
            {"job_cluster_key": f"c{i:03}", "new_cluster": {"num_workers": 1}} for i in range(130)
        ],
        "parameters": [{"name": f"p{i:03}", "default": str(i)} for i in range(101)],
        "environments": [{"environment_key": f"e{i:03}", "spec": {}} for i in range(5)],
        "tasks": [
            {
                "task_key": f"t{i:03}",
                "job_cluster_key": f"c{i % 130:03}",
                "notebook_task": {"notebook_path": "/Shared/x"},
            }
            for i in range(250)
        ],
    }
    job = ws.jobs.create(settings)
    assert job.settings is not None and reads_back_as(settings, job.settings.to_api())
    assert len(job.settings.task_list) == 250
    assert job.next_page_token is None and "next_page_token" not in job.to_api()
    # A one-task edit of a 250-task job sends one task.
    assert isinstance(job.job_id, int)
    stored = raw_settings(ws, job.job_id)
    task = job.settings.task("t200")
    assert task is not None
    task.disabled = True
    expected = copy.deepcopy(settings)
    expected["tasks"][200]["disabled"] = True
    assert plan_update(stored, job.settings.to_api()).new_settings == {"tasks": [task.to_api()]}
    assert plan_update(stored, expected).new_settings == {"tasks": [expected["tasks"][200]]}
    ws.jobs.save(job)
    assert reads_back_as(expected, raw_settings(ws, job.job_id))


def test_create_through_save_sets_job_id_and_saves_again(ws: Workspace) -> None:
    job = Job(settings=JobSettings.from_api(three_tasks(unique())))
    saved = ws.jobs.save(job)
    assert isinstance(saved.job_id, int) and job.job_id == saved.job_id
    assert saved.creator_user_name == ws.user_name
    assert job.settings is not None
    job.settings.description = "second save"
    again = ws.jobs.save(job)  # an update of the same job, not a second one
    assert again.job_id == saved.job_id
    assert raw_settings(ws, saved.job_id)["description"] == "second save"
    assert ws.jobs.changes(job) == []


def test_changes_and_loaded(ws: Workspace) -> None:
    job = ws.jobs.create(three_tasks(unique()))
    assert job.settings is not None
    job.settings.name = "renamed"
    (change,) = ws.jobs.changes(job)
    assert change.path == "name" and change.after == "renamed"
    loaded = ws.jobs.loaded(job)
    assert loaded is not None and loaded.name != "renamed"
    assert ws.jobs.loaded(Job(settings=JobSettings())) is None


# --- conflicts -----------------------------------------------------------------------------------


def test_conflict_detected_then_merged(ws: Workspace) -> None:
    created = ws.jobs.create(three_tasks(unique()))
    assert isinstance(created.job_id, int)
    job_id = created.job_id
    job = ws.jobs.get(job_id)
    assert job.settings is not None
    transform = job.settings.task("transform")
    assert transform is not None
    transform.timeout_seconds = 900
    raw_update(ws, job_id, {"description": "changed remotely"})
    remote = raw_settings(ws, job_id)

    before = snapshot(job)
    with pytest.raises(ConflictError) as caught:
        ws.jobs.save(job)
    conflict = caught.value
    assert snapshot(job) == before  # the edits are kept
    assert raw_settings(ws, job_id) == remote  # nothing was written
    assert conflict.job_id == job_id and conflict.mergeable and conflict.overlaps == []
    assert [c.path for c in conflict.remote_changes] == ["description"]
    assert [c.path for c in conflict.local_changes] == ["tasks[transform].timeout_seconds"]
    assert "description added" in str(conflict) and "merge" in str(conflict)
    assert conflict.merged().description == "changed remotely"

    saved = conflict.merge()
    after = raw_settings(ws, job_id)
    assert after["description"] == "changed remotely"
    assert after["tasks"][1]["timeout_seconds"] == 900
    assert saved.settings is not None and saved.settings.to_api() == after
    assert job.settings.to_api() == after  # the argument took the merged settings
    job.settings.name = "and once more"
    ws.jobs.save(job)  # no false conflict after a merge
    assert raw_settings(ws, job_id)["name"] == "and once more"


def test_overlapping_conflict_overwrite_or_reload(ws: Workspace) -> None:
    job = ws.jobs.create(three_tasks(unique()))
    assert isinstance(job.job_id, int) and job.settings is not None
    job_id = job.job_id
    task = job.settings.task("ingest")
    assert task is not None
    task.max_retries = 2
    remote_task = dict(three_tasks("x")["tasks"][0], disabled=True)
    raw_update(ws, job_id, {"tasks": [remote_task]})

    with pytest.raises(ConflictError) as caught:
        ws.jobs.save(job, on_conflict="merge")
    conflict = caught.value
    assert conflict.overlaps == ["tasks[ingest]"] and not conflict.mergeable
    assert "overlap" in str(conflict) and "tasks[ingest]" in str(conflict)
    with pytest.raises(ConflictError):
        conflict.merge()

    reloaded = conflict.reload()
    assert reloaded.settings is not None
    reloaded_task = reloaded.settings.task("ingest")
    assert reloaded_task is not None and reloaded_task.disabled is True

    saved = conflict.overwrite()
    assert saved.settings is not None
    stored = raw_settings(ws, job_id)
    assert stored == job.settings.to_api()
    ingest = {**three_tasks("x")["tasks"][0], "max_retries": 2}
    assert same_up_to_server_defaults(stored["tasks"][0], ingest)


def test_a_job_the_server_filled_saves_just_the_edit(
    ws: Workspace, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    written = three_tasks(unique())
    written["tasks"][2]["depends_on"] = [{"task_key": "transform"}, {"task_key": "ingest"}]
    # Stored as a workspace returns it: with its defaults, depends_on in its own order.
    job_id = raw_create(ws, with_server_defaults(written))
    job = ws.jobs.get(job_id)
    assert job.settings is not None and ws.jobs.changes(job) == []

    publish = job.settings.task("publish")
    assert publish is not None
    publish.max_retries = 2
    job.settings.description = "one more"
    sent.clear()
    saved = ws.jobs.save(job)
    ((path, body),) = sent
    assert path.endswith("/jobs/update") and "fields_to_remove" not in body
    assert body["new_settings"] == {
        "description": "one more",
        "tasks": [publish.to_api()],
    }
    expected = copy.deepcopy(written)
    expected["description"] = "one more"
    expected["tasks"][2]["max_retries"] = 2
    assert reads_back_as(expected, raw_settings(ws, job_id))
    assert saved.settings is not None and job.settings.to_api() == saved.settings.to_api()
    assert ws.jobs.changes(job) == []

    # The user's own version, without the defaults and in its own order, is nothing to save.
    sent.clear()
    again = Job(job_id=job_id, settings=JobSettings.from_api(expected))
    ws.jobs.save(again, on_conflict="overwrite")
    assert [path for path, _ in sent] == []
    ws.jobs.delete(job_id)


def test_no_conflict_when_only_the_server_defaults_differ(ws: Workspace) -> None:
    written = three_tasks(unique())
    written["tasks"][2]["depends_on"] = [{"task_key": "transform"}, {"task_key": "ingest"}]
    written["job_clusters"] = [
        {
            "job_cluster_key": "main",
            "new_cluster": {"num_workers": 1, "apply_policy_default_values": True},
        }
    ]
    # Loaded as written, as from a store that kept what it was sent...
    job_id = raw_create(ws, written)
    job = ws.jobs.get(job_id)
    assert job.settings is not None
    # ... then the workspace has the job as it returns it: defaults in, depends_on sorted,
    # apply_policy_default_values consumed.
    raw_reset(ws, job_id, with_server_defaults(written))
    job.settings.name = "renamed"
    saved = ws.jobs.save(job)  # no ConflictError
    assert saved.settings is not None and saved.settings.name == "renamed"
    assert reads_back_as({**written, "name": "renamed"}, raw_settings(ws, job_id))

    # A real remote change is still one, and only it is listed.
    other = ws.jobs.get(job_id)
    raw_update(ws, job_id, {"description": "remote"})
    assert other.settings is not None
    other.settings.name = "mine"
    with pytest.raises(ConflictError) as caught:
        ws.jobs.save(other)
    assert [c.path for c in caught.value.remote_changes] == ["description"]
    assert [c.path for c in caught.value.local_changes] == ["name"]
    ws.jobs.delete(job_id)


def test_two_editors_of_one_job(ws: Workspace) -> None:
    created = ws.jobs.create(three_tasks(unique()))
    assert isinstance(created.job_id, int)
    first, second = ws.jobs.get(created.job_id), ws.jobs.get(created.job_id)
    assert first.settings is not None and second.settings is not None
    first.settings.name = "first"
    ws.jobs.save(first)
    second.settings.description = "second"
    # The second editor loaded before the first saved: its own load is what it is checked by.
    with pytest.raises(ConflictError) as caught:
        ws.jobs.save(second)
    assert [c.path for c in caught.value.remote_changes] == ["name"]
    ws.jobs.save(second, on_conflict="merge")
    stored = raw_settings(ws, created.job_id)
    assert (stored["name"], stored["description"]) == ("first", "second")


def test_a_copy_of_a_loaded_job_saves(ws: Workspace) -> None:
    created = ws.jobs.create(three_tasks(unique()))
    assert isinstance(created.job_id, int)
    copied = ws.jobs.get(created.job_id).model_copy(deep=True)
    assert copied.settings is not None
    copied.settings.name = "from a copy"
    ws.jobs.save(copied)
    assert raw_settings(ws, created.job_id)["name"] == "from a copy"


def test_a_job_never_loaded_needs_overwrite(ws: Workspace) -> None:
    created = ws.jobs.create(three_tasks(unique()))
    assert isinstance(created.job_id, int)
    other = connect(host=ws.host, token=ws.local.token if ws.local else "")
    replacement = {"name": "replaced", "tasks": three_tasks("x")["tasks"][:1]}
    job = Job(job_id=created.job_id, settings=JobSettings.from_api(replacement))
    with pytest.raises(ConfigurationError, match="not loaded through this connection"):
        other.jobs.save(job)
    other.jobs.save(job, on_conflict="overwrite")
    assert reads_back_as(replacement, raw_settings(ws, created.job_id))


# --- listing -------------------------------------------------------------------------------------


def test_list_pages_and_filters(ws: Workspace) -> None:
    suite = unique("suite")
    for i in range(105):
        tags = {"suite": suite, "parity": "even" if i % 2 == 0 else "odd"}
        ws.jobs.create({"name": f"{suite}-{i:03}", "tags": tags})
    found = list(ws.jobs.list(tags={"suite": suite}))
    assert len(found) == 105  # more than one page of 100
    assert all(isinstance(job, Job) for job in found)
    assert len(list(ws.jobs.list(tags={"suite": suite, "parity": "odd"}))) == 52
    assert len(list(ws.jobs.list(tags={"suite": suite, "parity": None}))) == 105
    assert len(list(ws.jobs.list(tags={"suite": suite}, limit=7))) == 7
    (one,) = ws.jobs.list(name=f"{suite.upper()}-004")  # the API's exact, case-insensitive
    assert one.settings is not None and one.settings.name == f"{suite}-004"
    assert len(list(ws.jobs.list(name_contains=f"{suite}-01"))) == 10
    assert len(list(ws.jobs.list(tags={"suite": suite}, owner=ws.user_name))) == 105
    assert list(ws.jobs.list(tags={"suite": suite}, owner="someone@else.com")) == []


def test_list_expand_tasks_reads_big_jobs_whole(ws: Workspace) -> None:
    name = unique("expand")
    tasks = [
        {"task_key": f"t{i:03}", "notebook_task": {"notebook_path": "/Shared/x"}}
        for i in range(120)
    ]
    ws.jobs.create({"name": name, "tasks": tasks})
    (job,) = ws.jobs.list(name=name, expand_tasks=True)
    assert job.settings is not None and len(job.settings.task_list) == 120
    (summary,) = ws.jobs.list(name=name)
    assert summary.settings is not None and summary.settings.tasks is None


# --- edits through the models --------------------------------------------------------------------


def test_task_model_edits_round_trip(ws: Workspace) -> None:
    # Adding a task through the models, as the editor does.
    job = ws.jobs.create(three_tasks(unique()))
    assert isinstance(job.job_id, int) and job.settings is not None
    assert isinstance(job.settings.tasks, list)
    job.settings.tasks.append(
        Task.from_api({"task_key": "notify", "notebook_task": {"notebook_path": "/n"}})
    )
    ws.jobs.save(job)
    assert [t["task_key"] for t in raw_settings(ws, job.job_id)["tasks"]] == [
        "ingest",
        "transform",
        "publish",
        "notify",
    ]

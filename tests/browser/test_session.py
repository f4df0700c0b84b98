"""The jobs browser's Python side (BrowserSession, JobsBrowser, %loom_jobs) against the local
workspace through the real SDK. The `ws` workspace is shared by the session, so every test
lists only its own jobs (a unique tag or name)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

from loom_jobs_widget.browser import BrowserSession, BrowserState, JobsBrowser, Query
from loom_jobs_widget.browser.query import parse_tag
from loom_jobs_widget.browser.rows import job_row, run_summary, trigger_summary
from loom_jobs_widget.client import Workspace
from loom_jobs_widget.core.models import Job
from loom_jobs_widget.editor import JobEditor
from loom_jobs_widget.magics import LoomMagics

CHECK = {"task_key": "check", "condition_task": {"op": "EQUAL_TO", "left": "1", "right": "1"}}


def schedule(paused: bool) -> dict[str, Any]:
    return {"quartz_cron_expression": "0 15 10 ? * MON-FRI", "timezone_id": "UTC",
            "pause_status": "PAUSED" if paused else "UNPAUSED"}


class Recorder:
    def __init__(self, ws: Workspace) -> None:
        self.sent: list[dict[str, Any]] = []
        self.states: list[BrowserState] = []
        self.opened: list[int | None] = []
        self.session = BrowserSession(
            send=self.sent.append,
            on_state=self.states.append,
            workspace=lambda: ws,
            open_editor=self.opened.append,
        )

    @property
    def last(self) -> dict[str, Any]:
        return self.sent[-1]

    def page(self, **query: str) -> dict[str, Any]:
        self.session.handle({"kind": "list", "request_id": 7, "query": {**query}})
        assert self.last["kind"] == "page", self.last
        return self.last


@pytest.fixture
def rec(ws: Workspace) -> Iterator[Recorder]:
    recorder = Recorder(ws)
    yield recorder
    recorder.session.close()  # no more events of later tests' jobs


@pytest.fixture
def tag() -> str:
    return f"bt{uuid.uuid4().hex[:10]}"


def create(ws: Workspace, name: str, **settings: Any) -> int:
    answer = ws.jobs._client.api_client.do(
        "POST", "/api/2.2/jobs/create", body={"name": name, "tasks": [CHECK], **settings}
    )
    return int(answer["job_id"])  # type: ignore[index]


def test_pages_over_a_few_hundred_jobs(ws: Workspace, rec: Recorder, tag: str) -> None:
    ids = [create(ws, f"{tag} job {i:03d}", tags={tag: "x"}) for i in range(230)]
    first = rec.page(tag=tag)
    assert first["request_id"] == 7
    assert [row["job_id"] for row in first["rows"]] == ids[:25]
    assert first["has_more"] and first["total"] is None and first["known"] == 26
    seen = [row["job_id"] for row in first["rows"]]
    # 100 a page from the start, then the cursor serves the earlier pages without reading.
    rec.session.handle({"kind": "list", "offset": 0, "limit": 100})
    pages = [rec.last]
    while pages[-1]["has_more"]:
        rec.session.handle({"kind": "list", "offset": pages[-1]["offset"] + 100, "limit": 100})
        pages.append(rec.last)
    assert [len(p["rows"]) for p in pages] == [100, 100, 30]
    assert pages[-1]["total"] == 230 and not pages[-1]["has_more"]
    assert [row["job_id"] for p in pages for row in p["rows"]] == ids
    assert seen == ids[:25]
    # Previous: from the cursor, no new listing.
    rec.session.handle({"kind": "list", "offset": 100, "limit": 100})
    assert [row["job_id"] for row in rec.last["rows"]] == ids[100:200]
    assert rec.states[-1].offset == 100 and rec.states[-1].page_size == 100
    # A new query starts at offset 0.
    narrowed = rec.page(tag=tag, search=f"{tag} job 20")
    assert narrowed["offset"] == 0 and narrowed["total"] == 10


def test_rows_carry_what_the_table_shows(ws: Workspace, rec: Recorder, tag: str) -> None:
    job_id = create(ws, f"{tag} nightly", tags={tag: "", "team": "data"},
                    schedule=schedule(paused=False),
                    tasks=[CHECK, {**CHECK, "task_key": "check2"}])
    never = create(ws, f"{tag} manual", tags={tag: ""})
    run_id = int(ws.runs.run_now(job_id)["run_id"])
    ws.runs.get_run(run_id)
    rows = {row["job_id"]: row for row in rec.page(tag=tag)["rows"]}
    row = rows[job_id]
    assert row["name"] == f"{tag} nightly"
    assert row["tasks"] == 2
    assert row["creator"] == ws.user_name
    assert row["tags"] == {tag: "", "team": "data"}
    assert row["trigger"] == {"kind": "scheduled", "paused": False, "pausable": True,
                              "text": "At 10:15, Monday through Friday"}
    assert row["last_run"]["run_id"] == run_id
    assert row["last_run"]["state"] in ("succeeded", "running", "pending")
    # The local workspace's run opens in the editor's run view: no link to a loopback page.
    assert row["last_run"]["url"] is None and row["last_run"]["opens_in_editor"] is True
    assert rows[never]["last_run"] is None
    assert rows[never]["trigger"]["kind"] == "none" and not rows[never]["trigger"]["pausable"]


def test_search_and_filters(ws: Workspace, rec: Recorder, tag: str) -> None:
    paused = create(ws, f"{tag} Alpha paused", tags={tag: "a"}, schedule=schedule(paused=True))
    active = create(ws, f"{tag} alpha active", tags={tag: "b"}, schedule=schedule(paused=False))
    manual = create(ws, f"{tag} beta manual", tags={tag: "b"})

    def ids(**query: str) -> set[int]:
        return {row["job_id"] for row in rec.page(**query)["rows"]}

    assert ids(search=f"{tag} ALPHA") == {paused, active}  # case-insensitive substring
    assert ids(tag=tag) == {paused, active, manual}
    assert ids(tag=f"{tag}=b") == {active, manual}
    assert ids(tag=tag, state="paused") == {paused}
    assert ids(tag=tag, state="active") == {active}
    assert ids(tag=tag, state="none") == {manual}
    assert ids(tag=tag, owner=str(ws.user_name).upper()) == {paused, active, manual}
    assert ids(tag=tag, owner="nobody@example.com") == set()
    assert rec.states[-1].query["owner"] == "nobody@example.com"
    assert rec.last["owners"] == [] and rec.last["me"] == ws.user_name


def test_pause_and_resume_round_trip(ws: Workspace, rec: Recorder, tag: str) -> None:
    job_id = create(ws, f"{tag} scheduled", tags={tag: ""}, schedule=schedule(paused=False),
                    x_future={"kept": True})
    rec.page(tag=tag)
    rec.session.handle({"kind": "action", "action": "pause", "job_id": job_id, "request_id": 3})
    done = rec.last
    assert done["kind"] == "action_done" and done["request_id"] == 3
    assert done["row"]["trigger"]["paused"] is True
    settings = ws.jobs.get(job_id).settings.to_api()  # type: ignore[union-attr]
    assert settings["schedule"]["pause_status"] == "PAUSED"
    assert settings["x_future"] == {"kept": True}  # the rest of the job is untouched
    assert rec.states[-1].status["level"] == "success"
    assert rec.session.rows[0]["trigger"]["paused"] is True
    rec.session.handle({"kind": "action", "action": "resume", "job_id": job_id})
    assert rec.last["row"]["trigger"]["paused"] is False
    assert ws.jobs.get(job_id).settings.to_api()["schedule"]["pause_status"] == "UNPAUSED"  # type: ignore[union-attr]


def test_pausing_a_job_without_trigger_is_an_error_message(
    ws: Workspace, rec: Recorder, tag: str
) -> None:
    job_id = create(ws, f"{tag} manual", tags={tag: ""})
    rec.session.handle({"kind": "action", "action": "pause", "job_id": job_id, "request_id": 4})
    assert rec.last == {"kind": "error", "request_id": 4, "job_id": job_id,
                        "text": f"Job {job_id} has no schedule, trigger or continuous setting "
                                "to pause."}
    assert rec.states[-1].status["level"] == "error"


def test_run_now_shows_the_new_run(ws: Workspace, rec: Recorder, tag: str) -> None:
    job_id = create(ws, f"{tag} run me", tags={tag: ""})
    rec.page(tag=tag)
    rec.session.handle({"kind": "action", "action": "run_now", "job_id": job_id})
    done = rec.last
    assert done["kind"] == "action_done" and isinstance(done["run_id"], int)
    assert done["row"]["last_run"]["run_id"] == done["run_id"]
    assert ws.runs.get_run(done["run_id"])["job_id"] == job_id


def test_delete_removes_the_row_and_sends_the_page(ws: Workspace, rec: Recorder, tag: str) -> None:
    keep = create(ws, f"{tag} keep", tags={tag: ""})
    gone = create(ws, f"{tag} gone", tags={tag: ""})
    rec.page(tag=tag)
    rec.session.handle({"kind": "action", "action": "delete", "job_id": gone})
    done, page = rec.sent[-2], rec.sent[-1]
    assert done["kind"] == "action_done" and done["text"] == f"Job {tag} gone deleted."
    assert page["kind"] == "page" and [row["job_id"] for row in page["rows"]] == [keep]
    assert not list(ws.jobs.list(name=f"{tag} gone"))


def test_deleting_the_last_row_of_a_page_goes_back_a_page(
    ws: Workspace, rec: Recorder, tag: str
) -> None:
    ids = [create(ws, f"{tag} {i}", tags={tag: ""}) for i in range(3)]
    rec.page(tag=tag)
    rec.session.handle({"kind": "list", "offset": 2, "limit": 2})
    assert [row["job_id"] for row in rec.last["rows"]] == ids[2:]
    rec.session.handle({"kind": "action", "action": "delete", "job_id": ids[2]})
    assert rec.last["offset"] == 0 and [row["job_id"] for row in rec.last["rows"]] == ids[:2]


def test_open_create_and_permissions(ws: Workspace, rec: Recorder, tag: str) -> None:
    job_id = create(ws, f"{tag} open me", tags={tag: ""})
    rec.session.handle({"kind": "action", "action": "open", "job_id": job_id})
    rec.session.handle({"kind": "action", "action": "create"})
    assert rec.opened == [job_id, None]
    rec.session.handle({"kind": "action", "action": "permissions", "job_id": job_id,
                        "request_id": 9})
    grants = rec.last["access_control_list"]
    assert rec.last["kind"] == "permissions" and rec.last["request_id"] == 9
    owner = next(g for g in grants if "IS_OWNER" in g["levels"])
    assert owner["principal"] == ws.user_name and owner["kind"] == "user_name"


@pytest.mark.parametrize(
    ("message", "text"),
    [
        ({"kind": "nope"}, "The jobs browser got a message it does not know: 'nope'."),
        ({"kind": "list", "offset": -1}, "The jobs browser could not read a list message: "
                                         "offset must be a whole number ≥ 0."),
        ({"kind": "list", "limit": 1000}, "The jobs browser could not read a list message: "
                                          "limit must be between 1 and 100."),
        ({"kind": "list", "query": {"state": "sleepy"}}, "The jobs browser could not read a "
         "list message: query.state must be one of '', 'active', 'paused', 'none'."),
        ({"kind": "list", "query": {"tag": "=x"}}, "The jobs browser could not read a list "
         "message: a tag filter is key or key=value."),
        ({"kind": "action", "action": "run_now", "job_id": "1"}, "The jobs browser could not "
         "read a action message: job_id must be a number."),
        ({"kind": "action", "action": "fly", "job_id": 1}, "The jobs browser could not read a "
         "action message: unknown action 'fly'."),
        ({"kind": "action", "action": "run_now", "job_id": 987654321},
         "Could not run job 987654321: Job 987654321 does not exist."),
        ({"kind": "action", "action": "open", "job_id": 987654321},
         "Could not load job 987654321: Job 987654321 does not exist."),
        ({"kind": "action", "action": "open_run", "job_id": 1}, "The jobs browser could not "
         "read a action message: run_id must be a number."),
    ],
)
def test_errors_become_messages(ws: Workspace, message: dict[str, Any], text: str) -> None:
    sent: list[dict[str, Any]] = []

    def open_editor(job_id: int | None) -> Any:
        return JobEditor(job_id, ws)

    session = BrowserSession(send=sent.append, on_state=lambda _: None, workspace=lambda: ws,
                             open_editor=open_editor)
    session.handle(message)
    assert sent[-1]["kind"] == "error"
    assert sent[-1]["text"] == text
    assert (session.state.status["level"], session.state.status["text"]) == ("error", text)


def test_summaries() -> None:
    assert parse_tag(" team = data ") == {"team": "data"}
    assert parse_tag("team") == {"team": None}
    assert parse_tag("") is None
    assert trigger_summary({"trigger": {"periodic": {"interval": 1, "unit": "HOURS"}}})["text"] \
        == "Every 1 hour"
    assert trigger_summary({"continuous": {"pause_status": "PAUSED"}}) == {
        "kind": "continuous", "paused": True, "pausable": True, "text": "Continuous"}
    assert trigger_summary({"trigger": {"file_arrival": {"url": "s3://x"}}})["text"] \
        == "File arrival"
    assert trigger_summary({"schedule": {"quartz_cron_expression": "bad"}})["text"] \
        == "Schedule bad"
    assert run_summary({"state": {"life_cycle_state": "RUNNING"}})["state"] == "running"  # type: ignore[index]
    assert run_summary({"state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED"}}
                       )["label"] == "Failed"  # type: ignore[index]
    assert run_summary(None) is None
    row = job_row(Job.from_api({"job_id": 5, "settings": {"name": ""}}), None)
    assert row["name"] == "Untitled" and row["tasks"] is None and row["tags"] == {}
    assert Query.from_message(None) == Query()


def test_widget_python_api(ws: Workspace, tag: str) -> None:
    job_id = create(ws, f"{tag} widget job", tags={tag: "w"}, schedule=schedule(paused=True))
    browser = JobsBrowser(ws)
    sent: list[dict[str, Any]] = []
    browser.send = sent.append  # type: ignore[method-assign]
    browser._session._send = sent.append
    browser.filter(tag=tag, state="paused")
    assert browser.query == {"search": "", "owner": "", "tag": tag, "state": "paused"}
    assert [row["job_id"] for row in browser.rows] == [job_id]
    browser.search(f"{tag} WIDGET")
    assert browser.query["search"] == f"{tag} WIDGET" and len(browser.rows) == 1
    browser.search("no such job anywhere " + tag)
    assert browser.rows == [] and sent[-1]["total"] == 0
    editor = browser.open(job_id)
    assert isinstance(editor, JobEditor) and editor.job_id == job_id
    assert browser.editor is editor and browser.opened_job_id == job_id
    new = browser.create()
    assert new.job_id is None and browser.editor is new and browser.opened_job_id is None
    # "Edit in the editor" from a row's permissions opens the editor on its Permissions tab.
    browser._session.handle({"kind": "action", "action": "open_permissions", "job_id": job_id})
    assert browser.editor is not None and browser.editor.job_id == job_id
    assert browser.editor.shown_tab == "permissions"
    browser.refresh()
    assert browser.workspace_label == "local workspace"


def test_a_local_run_opens_in_the_editor_s_run_view(ws: Workspace, tag: str) -> None:
    job_id = create(ws, f"{tag} run me", tags={tag: ""})
    other = create(ws, f"{tag} other", tags={tag: ""})
    run_id = int(ws.runs.run_now(job_id)["run_id"])
    browser = JobsBrowser(ws)
    sent: list[dict[str, Any]] = []
    browser.send = sent.append  # type: ignore[method-assign]
    browser._session._send = sent.append
    browser.filter(tag=tag)
    (shown,) = (row["last_run"] for row in browser.rows if row["job_id"] == job_id)
    assert shown is not None and shown["run_id"] == run_id and shown["opens_in_editor"]

    # The badge's click: the job's editor below the list, on its Runs tab at the run.
    browser._session.handle({"kind": "action", "request_id": 3, "action": "open_run",
                             "job_id": job_id, "run_id": run_id})  # fmt: skip
    editor = browser.editor
    assert editor is not None and editor.job_id == job_id and browser.opened_job_id == job_id
    assert editor.shown_run == run_id
    assert sent[-1] == {"kind": "action_done", "request_id": 3, "action": "open_run",
                        "job_id": job_id, "run_id": run_id,
                        "text": f"Run {run_id} is open below, in the Runs tab of its job's "
                                "editor."}  # fmt: skip
    followed = editor._session.runs.followed
    assert followed is not None and followed.run_id == run_id
    editor.close()

    # A run of another job is not opened under this row's job.
    browser._session.handle({"kind": "action", "request_id": 4, "action": "open_run",
                             "job_id": other, "run_id": run_id})  # fmt: skip
    assert sent[-1]["kind"] == "error" and browser.editor is editor
    assert sent[-1]["text"] == f"Run {run_id} is not a run of job {other}."
    # From Python: the run's own job.
    opened = browser.open_run(run_id)
    assert opened.job_id == job_id and opened.shown_run == run_id
    opened.close()


@pytest.fixture
def shell(ws: Workspace) -> Iterator[InteractiveShell]:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "loom_jobs_widget")
    magics = next(m for m in shell.magics_manager.registry.values() if isinstance(m, LoomMagics))
    saved = magics.workspace, magics._own
    magics.workspace, magics._own = ws, False
    yield shell
    magics.workspace, magics._own = saved


def test_loom_jobs_magic_returns_the_browser(shell: InteractiveShell, ws: Workspace) -> None:
    browser = shell.run_line_magic("loom_jobs", "")
    assert isinstance(browser, JobsBrowser)
    assert browser.workspace is ws


def test_package_exports_the_browser() -> None:
    import loom_jobs_widget

    assert loom_jobs_widget.JobsBrowser is JobsBrowser
    assert "JobsBrowser" in loom_jobs_widget.__all__

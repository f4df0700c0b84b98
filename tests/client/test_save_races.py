"""Saves that race: two handles of one job save at once, through the real SDK against the local
workspace, and no acknowledged edit is ever lost silently. Every outcome is checked by content:
a save that returned holds its value in the stored job; one that raised `ConflictError` says
truthfully whether it was written and what the job holds instead.

The races are run two ways: released together by a barrier, many times (the interleaving the
threads happen to take), and held step by step at the SDK's transport (an interleaving forced
each time). Where the local workspace sends an ETag the client checks it (If-Match) and the
outcome is exact; with the ETag taken away, as on a cloud workspace, the read-back is all there
is, and the tests say which interleavings it catches."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest

from loom_jobs_widget.client import ConflictError, Workspace, connect
from loom_jobs_widget.core.models import Job, JobSettings

from .test_jobs import raw_create, raw_settings, raw_update, three_tasks, unique

TRIALS = 25
WAIT = 10.0  # seconds a held step waits for the other save at most


@pytest.fixture
def other(ws: Workspace) -> Iterator[Workspace]:
    """A second connection to the same local workspace: another user, another kernel."""
    assert ws.local is not None
    second = connect(host=ws.host, token=ws.local.token)
    try:
        yield second
    finally:
        second.close()


@pytest.fixture(scope="module")
def serves_etags(ws: Workspace) -> bool:
    """Whether the local workspace answers jobs/get with an ETag."""
    job_id = raw_create(ws, {"name": unique("etag-probe")})
    answer = ws.client.api_client.do(
        "GET", "/api/2.2/jobs/get", query={"job_id": job_id}, response_headers=["etag"]
    )
    assert isinstance(answer, dict)
    ws.jobs.delete(job_id)
    return isinstance(answer.get("etag"), str)


def needs_etags(serves_etags: bool) -> None:
    if not serves_etags:
        pytest.skip("the local workspace sends no ETag on jobs/get")


def race(*saves: Callable[[], Any]) -> list[BaseException | None]:
    """Runs the saves on threads released together; the exception of each (None: it returned)."""
    barrier = threading.Barrier(len(saves))
    errors: list[BaseException | None] = [None] * len(saves)

    def run(index: int) -> None:
        barrier.wait(WAIT)
        try:
            saves[index]()
        except BaseException as error:  # reported below, by content
            errors[index] = error

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(saves))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * WAIT)
        assert not thread.is_alive(), "a save hung"
    return errors


class Steps:
    """One connection's save, held at the transport: before its write (`write`) or its read of
    the job after the write (`read_back`) it waits for the events it is given, and it tells
    when its first read (`read`), its write (`wrote`, also when refused) and its read-back
    (`read_back_done`) are over. With `etags` False the ETag never reaches the client, as
    from a cloud workspace."""

    def __init__(self, workspace: Workspace, monkeypatch: pytest.MonkeyPatch, *, etags: bool):
        self.read = threading.Event()
        self.wrote = threading.Event()
        self.read_back_done = threading.Event()
        self.before_write: list[threading.Event] = []
        self.before_read_back: list[threading.Event] = []
        self.posts: list[tuple[str, dict[str, str]]] = []  # (path, request headers)
        self._posted = False
        do = workspace.client.api_client.do

        def held(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
            if not etags:
                kwargs.pop("response_headers", None)
            is_get = method == "GET" and path.endswith("/jobs/get")
            if method == "POST":
                self.posts.append((path, dict(kwargs.get("headers") or {})))
                self._wait(self.before_write)
            elif is_get and self._posted:
                self._wait(self.before_read_back)
            try:
                return do(method, path, *args, **kwargs)
            finally:
                if method == "POST":
                    self._posted = True
                    self.wrote.set()
                elif is_get and self._posted:
                    self.read_back_done.set()
                elif is_get:
                    self.read.set()

        monkeypatch.setattr(workspace.client.api_client, "do", held)

    @staticmethod
    def _wait(events: list[threading.Event]) -> None:
        for event in events:
            assert event.wait(WAIT), "the other save never got there"


def loaded(workspace: Workspace, job_id: int) -> Job:
    job = workspace.jobs.get(job_id)
    assert job.settings is not None
    return job


def check_outcome(
    job_id: int, ws: Workspace, field: str, saves: list[tuple[Any, BaseException | None]]
) -> dict[str, Any]:
    """Each save either returned and its value is stored, or raised a ConflictError that tells
    the truth: written, and the job holds someone else's value there; or not written."""
    stored = raw_settings(ws, job_id)
    for value, error in saves:
        if error is None:
            assert stored.get(field) == value, "an acknowledged edit was lost"
            continue
        assert isinstance(error, ConflictError), repr(error)
        if error.written:
            (contested,) = error.contested
            assert contested.path == field and contested.ours == value
            assert contested.theirs != value
    return stored


# --- released together ---------------------------------------------------------------------------


def without_etags(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """The connection never sees an ETag, as with a cloud workspace."""
    do = workspace.client.api_client.do

    def cloud(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        kwargs.pop("response_headers", None)
        return do(method, path, *args, **kwargs)

    monkeypatch.setattr(workspace.client.api_client, "do", cloud)


def test_one_connection_same_field_one_wins_one_conflicts(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two editors on one connection take turns, the second sees the first's write: exact even
    without an ETag."""
    without_etags(ws, monkeypatch)
    for trial in range(TRIALS):
        job_id = raw_create(ws, three_tasks(unique()))
        a, b = loaded(ws, job_id), loaded(ws, job_id)
        assert a.settings is not None and b.settings is not None
        a.settings.description, b.settings.description = f"a{trial}", f"b{trial}"
        errors = race(partial(ws.jobs.save, a), partial(ws.jobs.save, b))
        check_outcome(job_id, ws, "description", [(f"a{trial}", errors[0]),
                                                  (f"b{trial}", errors[1])])  # fmt: skip
        assert sorted(error is None for error in errors) == [False, True], errors
        (conflict,) = [error for error in errors if isinstance(error, ConflictError)]
        assert not conflict.written and conflict.overlaps == ["description"]
        ws.jobs.delete(job_id)


def test_two_connections_same_field_exactly_one_wins(
    ws: Workspace, other: Workspace, serves_etags: bool
) -> None:
    needs_etags(serves_etags)
    for trial in range(TRIALS):
        job_id = raw_create(ws, three_tasks(unique()))
        a, b = loaded(ws, job_id), loaded(other, job_id)
        assert a.settings is not None and b.settings is not None
        a.settings.tags, b.settings.tags = {"by": f"a{trial}"}, {"by": f"b{trial}"}
        errors = race(partial(ws.jobs.save, a), partial(other.jobs.save, b))
        check_outcome(job_id, ws, "tags", [({"by": f"a{trial}"}, errors[0]),
                                           ({"by": f"b{trial}"}, errors[1])])  # fmt: skip
        assert sorted(error is None for error in errors) == [False, True], errors
        ws.jobs.delete(job_id)


def test_two_connections_different_fields_both_kept(ws: Workspace, other: Workspace) -> None:
    """Without an ETag as well: each save writes only its own field, and reads back the other's
    as someone else's write, or finds it before writing and is merged."""
    for trial in range(TRIALS):
        job_id = raw_create(ws, three_tasks(unique()))
        a, b = loaded(ws, job_id), loaded(other, job_id)
        assert a.settings is not None and b.settings is not None
        a.settings.description, b.settings.tags = f"a{trial}", {"by": f"b{trial}"}
        errors = race(partial(ws.jobs.save, a), partial(other.jobs.save, b))
        for error, service, job in ((errors[0], ws.jobs, a), (errors[1], other.jobs, b)):
            if error is not None:
                # Found the other's write before writing: mergeable, nothing written.
                assert isinstance(error, ConflictError) and error.mergeable, repr(error)
                assert not error.written
                service.save(job, on_conflict="merge")
        stored = raw_settings(ws, job_id)
        assert (stored["description"], stored["tags"]) == (f"a{trial}", {"by": f"b{trial}"})
        # Each handle holds its own edit as saved: nothing left to save.
        assert a.settings.description == f"a{trial}" and ws.jobs.changes(a) == []
        assert b.settings.tags == {"by": f"b{trial}"} and other.jobs.changes(b) == []
        ws.jobs.delete(job_id)


# --- held step by step ---------------------------------------------------------------------------


@pytest.fixture(params=["etag", "no etag"])
def etags(request: pytest.FixtureRequest, serves_etags: bool) -> bool:
    """Each forced interleaving with the ETag the local workspace sends, and without it."""
    if request.param == "etag":
        needs_etags(serves_etags)
    return bool(request.param == "etag")


def test_both_read_then_both_write_the_same_field(
    ws: Workspace, other: Workspace, monkeypatch: pytest.MonkeyPatch, etags: bool
) -> None:
    """A reads, B reads, A writes, B writes, then both read back: the classic lost update."""
    job_id = raw_create(ws, three_tasks(unique()))
    a, b = loaded(ws, job_id), loaded(other, job_id)
    assert a.settings is not None and b.settings is not None
    a.settings.tags, b.settings.tags = {"by": "a"}, {"by": "b"}
    steps_a = Steps(ws, monkeypatch, etags=etags)
    steps_b = Steps(other, monkeypatch, etags=etags)
    steps_a.before_write.append(steps_b.read)
    steps_b.before_write.append(steps_a.wrote)
    steps_a.before_read_back.append(steps_b.wrote)
    error_a, error_b = race(lambda: ws.jobs.save(a), lambda: other.jobs.save(b))
    stored = check_outcome(job_id, ws, "tags", [({"by": "a"}, error_a), ({"by": "b"}, error_b)])
    if etags:
        # B's write carried the ETag of its read, which A's write had changed: refused, B
        # read the job again and found A's tags.
        assert error_a is None and stored["tags"] == {"by": "a"}
        assert isinstance(error_b, ConflictError) and not error_b.written
        assert {c.top_level for c in error_b.remote_changes} == {"tags"}
        assert steps_b.posts[0][1]["If-Match"].startswith('"')
        return
    # Both written; A's read-back finds B's tags where A wrote: a conflict after the fact.
    assert error_b is None and stored["tags"] == {"by": "b"}
    assert not any("If-Match" in headers for _, headers in steps_a.posts + steps_b.posts)
    assert isinstance(error_a, ConflictError) and error_a.written
    assert str(error_a).startswith(f"Saved job {job_id}")
    assert 'the job now has {"by": "b"}; yours was {"by": "a"}' in str(error_a)
    with pytest.raises(ConflictError):
        error_a.merge()  # the same field: nothing to merge
    # A keeps its tags, as an edit not saved yet; saving again writes them over B's.
    assert a.settings.tags == {"by": "a"}
    assert [c.path for c in ws.jobs.changes(a)] == ["tags.by"]
    monkeypatch.undo()
    ws.jobs.save(a)
    assert raw_settings(ws, job_id)["tags"] == {"by": "a"}
    ws.jobs.delete(job_id)


def test_both_read_then_both_write_different_fields(
    ws: Workspace, other: Workspace, monkeypatch: pytest.MonkeyPatch, etags: bool
) -> None:
    job_id = raw_create(ws, three_tasks(unique()))
    a, b = loaded(ws, job_id), loaded(other, job_id)
    assert a.settings is not None and b.settings is not None
    a.settings.description, b.settings.tags = "from a", {"by": "b"}
    steps_a = Steps(ws, monkeypatch, etags=etags)
    steps_b = Steps(other, monkeypatch, etags=etags)
    steps_a.before_write.append(steps_b.read)
    steps_b.before_write.append(steps_a.wrote)
    steps_a.before_read_back.append(steps_b.wrote)
    error_a, error_b = race(lambda: ws.jobs.save(a), lambda: other.jobs.save(b))
    assert error_a is None, repr(error_a)
    if etags:
        # Refused, read again: A's description is a change since B loaded the job.
        assert isinstance(error_b, ConflictError) and error_b.mergeable and not error_b.written
        monkeypatch.undo()
        error_b.merge()
    else:
        assert error_b is None, repr(error_b)
        # A's read-back had B's tags, someone else's write: taken in, no conflict.
        assert a.settings.tags == {"by": "b"} and ws.jobs.changes(a) == []
    stored = raw_settings(ws, job_id)
    assert (stored["description"], stored["tags"]) == ("from a", {"by": "b"})
    ws.jobs.delete(job_id)


def test_a_write_between_the_others_read_and_write(
    ws: Workspace, other: Workspace, monkeypatch: pytest.MonkeyPatch, serves_etags: bool
) -> None:
    """A reads, B reads, A writes and reads back, then B writes the same field. Only a version
    check can tell: A's read-back came before B's write, and B's read before A's write (on a
    cloud workspace both would return, and A's tags would be gone)."""
    needs_etags(serves_etags)
    job_id = raw_create(ws, three_tasks(unique()))
    a, b = loaded(ws, job_id), loaded(other, job_id)
    assert a.settings is not None and b.settings is not None
    a.settings.tags, b.settings.tags = {"by": "a"}, {"by": "b"}
    steps_a = Steps(ws, monkeypatch, etags=True)
    steps_b = Steps(other, monkeypatch, etags=True)
    steps_a.before_write.append(steps_b.read)
    steps_b.before_write.append(steps_a.read_back_done)
    error_a, error_b = race(lambda: ws.jobs.save(a), lambda: other.jobs.save(b))
    check_outcome(job_id, ws, "tags", [({"by": "a"}, error_a), ({"by": "b"}, error_b)])
    assert error_a is None and isinstance(error_b, ConflictError) and not error_b.written
    ws.jobs.delete(job_id)


def test_a_refused_write_is_decided_again(
    ws: Workspace, other: Workspace, monkeypatch: pytest.MonkeyPatch, serves_etags: bool
) -> None:
    """A write between the read and the write of a merging save: refused, read again, merged,
    written; both edits kept. A job that keeps changing ends in a ConflictError, not written."""
    needs_etags(serves_etags)
    job_id = raw_create(ws, three_tasks(unique()))
    job = loaded(ws, job_id)
    assert job.settings is not None
    job.settings.description = "mine"
    steps = Steps(ws, monkeypatch, etags=True)
    written = threading.Event()

    def meanwhile() -> None:
        assert steps.read.wait(WAIT)
        raw_update(other, job_id, {"tags": {"by": "someone"}})
        written.set()

    threading.Thread(target=meanwhile, daemon=True).start()
    steps.before_write.append(written)
    ws.jobs.save(job, on_conflict="merge")
    assert [path for path, _ in steps.posts] == ["/api/2.2/jobs/update"] * 2
    stored = raw_settings(ws, job_id)
    assert (stored["description"], stored["tags"]) == ("mine", {"by": "someone"})
    monkeypatch.undo()

    # Someone writes before every write of ours.
    job.settings.description = "mine again"
    do = ws.client.api_client.do
    count = 0

    def always_first(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        nonlocal count
        if method == "POST":
            count += 1
            raw_update(other, job_id, {"max_concurrent_runs": count + 1})
        return do(method, path, *args, **kwargs)

    monkeypatch.setattr(ws.client.api_client, "do", always_first)
    with pytest.raises(ConflictError, match="kept changing") as caught:
        ws.jobs.save(job, on_conflict="overwrite")
    assert not caught.value.written and count == 3
    assert raw_settings(ws, job_id)["description"] == "mine"
    assert job.settings.description == "mine again"  # the edit is kept
    ws.jobs.delete(job_id)


def test_a_paged_read_torn_by_a_write_is_read_again(
    ws: Workspace, other: Workspace, monkeypatch: pytest.MonkeyPatch, serves_etags: bool
) -> None:
    needs_etags(serves_etags)
    tasks = [{"task_key": f"t{i:03}", "notebook_task": {"notebook_path": f"/n{i}"}}
             for i in range(150)]  # fmt: skip
    job_id = raw_create(ws, {"name": unique(), "tasks": tasks})
    do = ws.client.api_client.do
    firsts: list[str] = []

    def write_between_pages(method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        query = kwargs.get("query") or {}
        if path.endswith("/jobs/get") and "page_token" not in query:
            firsts.append(path)
        elif path.endswith("/jobs/get") and len(firsts) == 1:
            # The second page comes from the version after this write.
            changed = dict(tasks[120], timeout_seconds=60)
            raw_update(other, job_id, {"tasks": [changed], "description": "between pages"})
        return do(method, path, *args, **kwargs)

    monkeypatch.setattr(ws.client.api_client, "do", write_between_pages)
    job = ws.jobs.get(job_id)
    assert len(firsts) == 2  # read again
    assert job.settings is not None and job.settings.description == "between pages"
    task = job.settings.task("t120")
    assert task is not None and task.timeout_seconds == 60
    ws.jobs.delete(job_id)


def test_a_save_by_reset_then_update(ws: Workspace) -> None:
    """A save that needs jobs/reset and then jobs/update (reordered tasks, run_as removed):
    with ETags, the update carries the one the reset made."""
    settings = three_tasks(unique())
    settings["run_as"] = {"user_name": "someone@example.com"}
    job_id = raw_create(ws, settings)
    job = loaded(ws, job_id)
    assert job.settings is not None
    edited = job.settings.to_api()
    edited["tasks"].reverse()
    del edited["run_as"]
    job.settings = JobSettings.from_api(edited)
    ws.jobs.save(job)
    stored = raw_settings(ws, job_id)
    assert [t["task_key"] for t in stored["tasks"]] == ["publish", "transform", "ingest"]
    assert "run_as" not in stored
    ws.jobs.delete(job_id)

"""Writes of one job from many clients at once: none is lost. And the exact saves built on that:
jobs/get's `ETag`, and the `If-Match` that jobs/update and jobs/reset honour.

Every client is a thread with a `WorkspaceClient` of its own (its own connection pool), talking
to the local workspace over HTTP, as separate notebooks or editors would.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import InvalidParameterValue, ResourceConflict, ResourceDoesNotExist

from loom_jobs_widget.local import LocalWorkspace

from ..helpers import client, create_job

CLIENTS = 8
SECONDS = 3.0
ETAG = re.compile(r'^"[0-9a-f]+"$')


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def task(key: str) -> dict[str, Any]:
    return {"task_key": key, "notebook_task": {"notebook_path": f"/Shared/{key}"}}


def update(
    w: WorkspaceClient, job_id: int, headers: dict[str, str] | None = None, **body: Any
) -> dict[str, Any]:
    answer: dict[str, Any] = w.api_client.do(
        "POST",
        "/api/2.2/jobs/update",
        body={"job_id": job_id, **body},
        headers=headers,
        response_headers=["etag"],
    )
    return answer


def reset(w: WorkspaceClient, job_id: int, settings: dict[str, Any], **headers: str) -> None:
    w.api_client.do(
        "POST",
        "/api/2.2/jobs/reset",
        body={"job_id": job_id, "new_settings": settings},
        headers=dict(headers) or None,
    )


def get_with_etag(w: WorkspaceClient, job_id: int, **query: Any) -> dict[str, Any]:
    """jobs/get's answer, with its ETag header under "etag". The SDK looks a response header up
    by the name given, turned to header case: "etag" finds ETag, "ETag" would ask for E-Tag."""
    answer: dict[str, Any] = w.api_client.do(
        "GET",
        "/api/2.2/jobs/get",
        query={"job_id": job_id, **query},
        response_headers=["etag"],
    )
    return answer


def settings_of(w: WorkspaceClient, job_id: int) -> dict[str, Any]:
    """The whole settings, every page followed (the SDK's jobs.get does that)."""
    settings = w.jobs.get(job_id).settings
    assert settings is not None
    return settings.as_dict()


# --- many clients, one job -----------------------------------------------------------------------


@dataclass
class _Client:
    """What one client was told succeeded."""

    index: int
    own_job: int
    last_shared: int = 0  # n of the last acknowledged c<index>_<n> on the shared job
    last_own: str = ""  # the description of the last acknowledged write of its own job
    last_own_reset: str = ""  # the name its last acknowledged reset gave its own job
    writes: int = 0
    errors: list[BaseException] = field(default_factory=list)


def _hammer(
    w: WorkspaceClient, shared_job: int, me: _Client, until: float, start: threading.Barrier
) -> None:
    start.wait()
    try:
        n = 0
        while time.monotonic() < until:
            n += 1
            remove = [f"tasks/c{me.index}_{n - 1}"] if n > 1 else []
            update(
                w,
                shared_job,
                new_settings={"tasks": [task(f"c{me.index}_{n}")]},
                fields_to_remove=remove,
            )
            me.last_shared = n
            me.writes += 1
            if n % 4 == 0:
                description = f"client {me.index} write {n}"
                update(w, me.own_job, new_settings={"description": description})
                me.last_own = description
                me.writes += 1
            if n % 7 == 0:
                name = f"own-{me.index}-reset-{n}"
                # A reset keeps nothing of the previous settings but run_as.
                reset(w, me.own_job, {"name": name, "tasks": [task("only")]})
                me.last_own_reset = name
                me.last_own = ""
                me.writes += 1
    except BaseException as error:  # the main thread reports it
        me.errors.append(error)


def test_concurrent_updates_of_one_job_lose_nothing(lw: LocalWorkspace) -> None:
    owner = client(lw)
    shared_job = create_job(owner, {"name": unique("shared"), "tasks": [task("seed")]})
    clients = [
        _Client(i, create_job(owner, {"name": unique(f"own-{i}"), "tasks": [task("only")]}))
        for i in range(CLIENTS)
    ]
    start = threading.Barrier(CLIENTS)
    until = time.monotonic() + SECONDS
    threads = [
        threading.Thread(target=_hammer, args=(client(lw), shared_job, me, until, start))
        for me in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 30)
    assert not any(thread.is_alive() for thread in threads)
    for me in clients:
        assert not me.errors, f"client {me.index}: {me.errors[0]!r}"
        assert me.last_shared > 1, f"client {me.index} made no second update"

    keys = sorted(t["task_key"] for t in settings_of(owner, shared_job)["tasks"])
    expected = sorted(["seed", *(f"c{me.index}_{me.last_shared}" for me in clients)])
    lost = set(expected) - set(keys)
    stale = set(keys) - set(expected)
    assert (lost, stale) == (set(), set()), (
        f"{len(lost)} acknowledged tasks missing, {len(stale)} stale tasks left "
        f"after {sum(me.writes for me in clients)} writes"
    )
    for me in clients:
        own = settings_of(owner, me.own_job)
        if me.last_own_reset:
            assert own["name"] == me.last_own_reset
        if me.last_own:
            assert own.get("description") == me.last_own
        else:
            assert "description" not in own


def test_updates_racing_a_delete_never_bring_the_job_back(lw: LocalWorkspace) -> None:
    """Each update lands before the delete or answers that the job does not exist; after the
    delete, none succeeds and the job stays gone."""
    owner = client(lw)
    job_id = create_job(owner, {"name": unique("deleted"), "tasks": [task("a")]})
    outcomes: dict[int, list[str]] = {i: [] for i in range(4)}
    start = threading.Barrier(5)
    deleted = threading.Event()

    def write(w: WorkspaceClient, index: int) -> None:
        start.wait()
        deadline = time.monotonic() + 10
        n = 0
        while time.monotonic() < deadline:
            n += 1
            after_delete = deleted.is_set()
            try:
                update(w, job_id, new_settings={"tasks": [task(f"w{index}_{n}")]})
                outcomes[index].append("after delete" if after_delete else "ok")
            except InvalidParameterValue as error:
                assert f"Job {job_id} does not exist" in str(error)
                outcomes[index].append("gone")
                return

    threads = [threading.Thread(target=write, args=(client(lw), i)) for i in range(4)]
    for thread in threads:
        thread.start()
    start.wait()
    time.sleep(0.2)
    owner.jobs.delete(job_id)
    deleted.set()
    for thread in threads:
        thread.join(timeout=30)
    for index, seen in outcomes.items():
        assert seen[-1] == "gone" and "after delete" not in seen, (index, seen)
    with pytest.raises(ResourceDoesNotExist):
        owner.jobs.get(job_id)


# --- ETag and If-Match ---------------------------------------------------------------------------


def test_jobs_get_sends_an_etag_that_changes_with_the_settings(w: WorkspaceClient) -> None:
    job_id = create_job(w, {"name": unique("etag"), "tasks": [task("a")]})
    first = get_with_etag(w, job_id)["etag"]
    assert first is not None and ETAG.match(first), first
    assert get_with_etag(w, job_id)["etag"] == first  # reading changes nothing
    update(w, job_id, new_settings={"description": "changed"})
    assert get_with_etag(w, job_id)["etag"] != first
    # The 2.1 path answers the same way.
    answer: dict[str, Any] = w.api_client.do(
        "GET", "/api/2.1/jobs/get", query={"job_id": job_id}, response_headers=["etag"]
    )
    assert answer["etag"] == get_with_etag(w, job_id)["etag"]


def test_update_with_if_match_writes_only_over_what_was_read(w: WorkspaceClient) -> None:
    job_id = create_job(w, {"name": unique("if-match"), "tasks": [task("a")]})
    etag = get_with_etag(w, job_id)["etag"]

    saved = update(w, job_id, {"If-Match": etag}, new_settings={"description": "first"})
    after_first = get_with_etag(w, job_id)
    assert after_first["settings"]["description"] == "first"
    # The answer of a save carries the ETag of what it wrote: the next save needs no read.
    assert saved["etag"] == after_first["etag"] != etag

    # Another save from the same (now stale) read is refused and writes nothing.
    with pytest.raises(ResourceConflict) as refused:
        update(
            w,
            job_id,
            {"If-Match": etag},
            new_settings={"description": "second", "tasks": [task("b")]},
        )
    assert str(refused.value) == f"Job {job_id} was changed since it was read."
    assert refused.value.error_code == "RESOURCE_CONFLICT"
    unchanged = get_with_etag(w, job_id)
    assert unchanged == after_first

    # The answer of a fresh read saves again.
    update(w, job_id, {"If-Match": after_first["etag"]}, new_settings={"description": "third"})
    assert settings_of(w, job_id)["description"] == "third"


def test_reset_with_if_match_writes_only_over_what_was_read(w: WorkspaceClient) -> None:
    job_id = create_job(w, {"name": unique("reset-if-match"), "tasks": [task("a")]})
    etag = get_with_etag(w, job_id)["etag"]
    update(w, job_id, new_settings={"description": "someone else's"})
    before = get_with_etag(w, job_id)

    with pytest.raises(ResourceConflict, match=f"Job {job_id} was changed since it was read."):
        reset(w, job_id, {"name": "mine", "tasks": [task("z")]}, **{"If-Match": etag})
    assert get_with_etag(w, job_id) == before

    reset(w, job_id, {"name": "mine", "tasks": [task("z")]}, **{"If-Match": before["etag"]})
    assert settings_of(w, job_id)["name"] == "mine"


def test_if_match_forms(w: WorkspaceClient) -> None:
    """`*` matches any job that exists; a list matches when any entry does; a weak tag never does
    (If-Match compares strongly: RFC 9110, section 13.1.1)."""
    job_id = create_job(w, {"name": unique("forms"), "tasks": [task("a")]})
    etag = get_with_etag(w, job_id)["etag"]
    update(w, job_id, {"If-Match": f'"0000", {etag}'}, new_settings={"description": "listed"})
    etag = get_with_etag(w, job_id)["etag"]
    with pytest.raises(ResourceConflict):
        update(w, job_id, {"If-Match": f"W/{etag}"}, new_settings={"description": "weak"})
    with pytest.raises(ResourceConflict):
        update(w, job_id, {"If-Match": "not a tag"}, new_settings={"description": "junk"})
    update(w, job_id, {"If-Match": "*"}, new_settings={"description": "any"})
    assert settings_of(w, job_id)["description"] == "any"
    # A job that does not exist is answered as without If-Match.
    with pytest.raises(InvalidParameterValue, match="does not exist"):
        update(w, 987654321, {"If-Match": "*"}, new_settings={"description": "x"})


def test_every_page_of_a_paged_get_carries_the_same_etag(w: WorkspaceClient) -> None:
    job_id = create_job(
        w, {"name": unique("paged-etag"), "tasks": [task(f"t{i:03}") for i in range(150)]}
    )
    first = get_with_etag(w, job_id)
    assert len(first["settings"]["tasks"]) == 100 and "next_page_token" in first
    second = get_with_etag(w, job_id, page_token=first["next_page_token"])
    assert len(second["settings"]["tasks"]) == 50
    assert second["etag"] == first["etag"]

    # A write between two pages shows as a different ETag: a torn read can be told.
    update(w, job_id, new_settings={"description": "between pages"})
    torn = get_with_etag(w, job_id, page_token=first["next_page_token"])
    assert torn["etag"] != first["etag"]


def test_if_match_holds_against_racing_saves(lw: LocalWorkspace) -> None:
    """Clients that each read, then save with If-Match: of those that read the same version,
    at most one wins; the job ends with every winner's write."""
    owner = client(lw)
    job_id = create_job(owner, {"name": unique("race"), "tasks": [task("seed")]})
    won: list[tuple[str, str]] = []  # (the ETag read, the task added)
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def save(w: WorkspaceClient, index: int, rounds: int) -> None:
        start.wait()
        for n in range(rounds):
            read = get_with_etag(w, job_id)
            key = f"c{index}_{n}"
            try:
                update(w, job_id, {"If-Match": read["etag"]}, new_settings={"tasks": [task(key)]})
            except ResourceConflict:
                continue
            with lock:
                won.append((read["etag"], key))

    workers = [threading.Thread(target=save, args=(client(lw), i, 15)) for i in range(CLIENTS)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=60)
    keys = {t["task_key"] for t in settings_of(owner, job_id)["tasks"]}
    assert keys == {"seed", *(key for _, key in won)}
    assert len({etag for etag, _ in won}) == len(won) > 0

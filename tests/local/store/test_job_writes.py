"""Writes of one job through the store: a read-modify-write (`Store.change_job`) sees no other
write of the job between its read and its write, whoever writes (threads of this process, or
another connection to the same database file); a delete waits for the change in progress."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from loom_jobs_widget.local.store import JobChange, JobLocks, JobRecord, Store


def _job(store: Store, settings: dict[str, object]) -> int:
    job_id = store.new_id()
    store.insert_job(
        JobRecord(job_id, 0, "me", "2.2", json.dumps(settings), json.dumps(settings), "[]"), ""
    )
    return job_id


def _set(settings: dict[str, object]) -> JobChange:
    text = json.dumps(settings)
    return JobChange(settings=text, summary=text, name_key="")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "workspace.db")
    yield opened
    opened.close()


def _settings(store: Store, job_id: int) -> dict[str, object]:
    record = store.job(job_id)
    assert record is not None
    settings: dict[str, object] = json.loads(record.settings)
    return settings


def test_concurrent_changes_of_one_job_all_land(store: Store) -> None:
    """8 threads each add 50 to a counter, one read-modify-write at a time: it ends at 400. A
    change that reads, yields the interpreter, then writes is what loses updates without the
    job's lock."""
    job_id = _job(store, {"count": 0, "by": {}})
    start = threading.Barrier(8)

    def add(index: int) -> None:
        start.wait()
        for _ in range(50):

            def increment(record: JobRecord) -> JobChange:
                settings = json.loads(record.settings)
                threading.Event().wait(0.0001)  # another thread runs here
                settings["count"] += 1
                settings["by"][str(index)] = settings["by"].get(str(index), 0) + 1
                return _set(settings)

            store.change_job(job_id, increment)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    settings = _settings(store, job_id)
    assert settings["count"] == 400
    assert settings["by"] == {str(i): 50 for i in range(8)}


def test_a_change_that_raises_or_returns_none_writes_nothing(store: Store) -> None:
    job_id = _job(store, {"name": "kept"})
    before = store.job(job_id)

    def refuse(record: JobRecord) -> JobChange:
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        store.change_job(job_id, refuse)
    assert store.change_job(job_id, lambda record: None) == before
    assert store.change_job(job_id, lambda record: JobChange()) == before
    assert store.job(job_id) == before
    # A job that does not exist is not changed, and the function is not called.
    assert store.change_job(987654, refuse) is None


def test_the_answer_is_the_job_as_written(store: Store) -> None:
    job_id = _job(store, {"name": "a"})
    written = store.change_job(job_id, lambda record: JobChange(acl='[{"level": "IS_OWNER"}]'))
    assert written == store.job(job_id)
    assert written is not None and json.loads(written.settings) == {"name": "a"}
    written = store.change_job(job_id, lambda record: _set({"name": "b"}))
    assert written == store.job(job_id)
    assert written is not None and written.acl == '[{"level": "IS_OWNER"}]'


def test_a_write_from_another_connection_makes_the_change_run_again(
    store: Store, tmp_path: Path
) -> None:
    """Another process writing the file between the read and the write (here: a connection of
    its own) does not get overwritten: the change is computed again on what it wrote."""
    job_id = _job(store, {"tasks": ["seed"]})
    seen: list[list[str]] = []

    def add_mine(record: JobRecord) -> JobChange:
        settings = json.loads(record.settings)
        seen.append(list(settings["tasks"]))
        if len(seen) == 1:
            other = sqlite3.connect(tmp_path / "workspace.db")
            with other:
                other.execute(
                    "UPDATE jobs SET settings = ? WHERE job_id = ?",
                    (json.dumps({"tasks": ["seed", "theirs"]}), job_id),
                )
            other.close()
        return _set({"tasks": [*settings["tasks"], "mine"]})

    store.change_job(job_id, add_mine)
    assert seen == [["seed"], ["seed", "theirs"]]
    assert _settings(store, job_id) == {"tasks": ["seed", "theirs", "mine"]}


def test_a_delete_waits_for_the_change_in_progress(store: Store) -> None:
    job_id = _job(store, {"name": "a"})
    reading = threading.Event()
    release = threading.Event()

    def slow(record: JobRecord) -> JobChange:
        reading.set()
        release.wait(10)
        return _set({"name": "b"})

    changer = threading.Thread(target=store.change_job, args=(job_id, slow))
    changer.start()
    assert reading.wait(10)
    deleted: list[bool] = []
    deleter = threading.Thread(target=lambda: deleted.append(store.delete_job(job_id)))
    deleter.start()
    try:
        deleter.join(0.2)
        assert deleter.is_alive() and store.job(job_id) is not None  # waiting for the change
    finally:
        release.set()
        changer.join(10)
        deleter.join(10)
    assert deleted == [True] and store.job(job_id) is None
    # A change after the delete finds no job.
    assert store.change_job(job_id, lambda record: _set({"name": "c"})) is None


def test_writes_of_different_jobs_do_not_wait_for_each_other(store: Store) -> None:
    first, second = _job(store, {"name": "1"}), _job(store, {"name": "2"})
    holding = threading.Event()
    release = threading.Event()

    def slow(record: JobRecord) -> JobChange:
        holding.set()
        release.wait(10)
        return _set({"name": "1b"})

    changer = threading.Thread(target=store.change_job, args=(first, slow))
    changer.start()
    assert holding.wait(10)
    try:
        store.change_job(second, lambda record: _set({"name": "2b"}))  # does not block
        assert _settings(store, second) == {"name": "2b"}
        with store.job_lock(second):  # reentrant: a store write inside the block
            store.change_job(second, lambda record: JobChange(acl="[]"))
    finally:
        release.set()
        changer.join(10)
    assert _settings(store, first) == {"name": "1b"}


def test_a_job_lock_lives_only_while_held_or_waited_for() -> None:
    locks = JobLocks()
    entered = threading.Event()
    release = threading.Event()
    order: list[str] = []

    def hold() -> None:
        with locks.hold(1):
            entered.set()
            release.wait(10)
            order.append("holder")

    def wait() -> None:
        with locks.hold(1):
            order.append("waiter")

    holder = threading.Thread(target=hold)
    holder.start()
    assert entered.wait(10)
    waiter = threading.Thread(target=wait)
    waiter.start()
    waiter.join(0.1)
    assert waiter.is_alive() and len(locks) == 1
    with locks.hold(2):
        assert len(locks) == 2
    release.set()
    holder.join(10)
    waiter.join(10)
    assert order == ["holder", "waiter"]
    assert len(locks) == 0

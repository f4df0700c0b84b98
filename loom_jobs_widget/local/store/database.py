"""The local workspace's SQLite database: ids, jobs, runs, task runs, permissions, notification
destinations, the notification outbox and the assets the editor's pickers list (SQL queries,
alerts, dashboards, pipelines).

Documents are kept as the JSON text the API returns (job settings exactly as written, run and
task-run objects as built by the engine), next to the few columns that queries filter or sort on.
The store neither parses nor shapes documents; it keeps them, indexes them and hands them back.

One connection, guarded by a lock, serves every thread: the HTTP handlers and the engine's
workers. SQLite in WAL mode keeps each write short and durable across a crash of the process.

Schema changes are append-only (`CREATE ... IF NOT EXISTS`; an index may be replaced), so a data
folder made by an older version opens unchanged and gains the new tables. Columns are never
dropped: `task_runs.visible` outlived its use and is written as 1.

Writes of one job are serialised: each holds the job's write lock (`job_lock`), and
`change_job` reads the job, computes the change and writes it under that lock, so that two
read-modify-writes of one job (jobs/update, jobs/reset, a permissions PATCH) never interleave and
lose one another. Its write also checks that the row is still the one read: a second process
writing the same database file (none does: the data folder's lock keeps one server per folder)
would make it compute the change again rather than overwrite.

Job writes are announced to listeners (`add_job_listener`): the trigger scheduler learns of
created, changed and deleted jobs there, whichever API made the change.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Final

from loom_jobs_widget.local.store.locks import JobLocks
from loom_jobs_widget.local.store.records import (
    AssetRecord,
    DestinationRecord,
    JobChange,
    JobListener,
    JobRecord,
    RunFilter,
    RunRecord,
    TaskRunRecord,
)

__all__ = ["Store"]

_LOG = logging.getLogger(__name__)

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    job_id INTEGER PRIMARY KEY,
    created_time INTEGER NOT NULL,
    creator_user_name TEXT NOT NULL,
    name_key TEXT NOT NULL,          -- casefolded name: jobs/list filters on it
    api_version TEXT NOT NULL,       -- of jobs/create: 2.2 jobs queue runs by default
    settings TEXT NOT NULL,          -- JobSettings, exactly as written
    summary TEXT NOT NULL,           -- the settings jobs/list shows without expand_tasks
    acl TEXT NOT NULL                -- direct grants: [{"kind", "name", "level"}]
);
CREATE INDEX IF NOT EXISTS jobs_by_name ON jobs (name_key, job_id);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL,
    run_type TEXT NOT NULL,
    start_time INTEGER NOT NULL,
    active INTEGER NOT NULL,         -- 1 until the run is terminal
    idempotency_token TEXT,
    doc TEXT NOT NULL,               -- the Run object, without tasks
    plan TEXT NOT NULL               -- what the engine runs: settings snapshot, parameters
);
CREATE INDEX IF NOT EXISTS runs_by_time ON runs (start_time DESC, run_id DESC);
CREATE INDEX IF NOT EXISTS runs_by_job ON runs (job_id, start_time DESC, run_id DESC);
CREATE INDEX IF NOT EXISTS runs_active ON runs (active) WHERE active = 1;
CREATE INDEX IF NOT EXISTS runs_by_token ON runs (idempotency_token)
    WHERE idempotency_token IS NOT NULL;
CREATE TABLE IF NOT EXISTS task_runs (
    run_id INTEGER PRIMARY KEY,
    job_run_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,            -- order in the job run's tasks[]
    -- Unused, always 1: repairs once hid the attempts they replaced; every attempt now stays
    -- in tasks[]. Kept (NOT NULL) so that databases made before open and write unchanged.
    visible INTEGER NOT NULL,
    doc TEXT NOT NULL,               -- the RunTask object (and original_attempt_run_id)
    output TEXT,                     -- what runs/get-output adds, once the attempt ended
    process TEXT                     -- the runner process while it runs: {"pid", "started"}
);
DROP INDEX IF EXISTS task_runs_by_job_run;
CREATE INDEX IF NOT EXISTS task_runs_in_order ON task_runs (job_run_id, seq);
CREATE TABLE IF NOT EXISTS destinations (
    id TEXT PRIMARY KEY,             -- a UUID, as on a workspace
    created_time INTEGER NOT NULL,
    destination_type TEXT NOT NULL,  -- WEBHOOK | EMAIL
    display_name TEXT NOT NULL,
    config TEXT NOT NULL             -- the input config, secrets included (the folder is 0700)
);
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    created_time INTEGER NOT NULL,
    doc TEXT NOT NULL                -- one email notification, as GET /api/2.0/loom/outbox shows it
);
CREATE TABLE IF NOT EXISTS assets (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- creation order: lists page on it
    kind TEXT NOT NULL,              -- query | alert | legacy_dashboard | lakeview_dashboard | ...
    id TEXT NOT NULL,
    name TEXT NOT NULL,              -- the display name, for name filters
    active INTEGER NOT NULL,         -- 0 once trashed: lists leave it out, get still shows it
    doc TEXT NOT NULL                -- the object as the API's get returns it
);
CREATE UNIQUE INDEX IF NOT EXISTS assets_by_id ON assets (kind, id);
CREATE INDEX IF NOT EXISTS assets_in_order ON assets (kind, active, seq);
"""

# Ids are shared by jobs, runs, task runs and repairs: the API's ids are unique across all of
# them, and one counter keeps that true.
_FIRST_ID: Final = 1


class Store:
    def __init__(self, path: Path) -> None:
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a committed write survives the process dying; only an OS crash can
        # lose the last ones. The local workspace does not need more.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=OFF")
        with self._db:
            self._db.executescript(_SCHEMA)
        self._job_listeners: list[JobListener] = []
        self._job_locks = JobLocks()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._db:
            yield self._db

    # --- meta and ids

    def meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def new_ids(self, count: int = 1) -> list[int]:
        with self._write() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'next_id'").fetchone()
            first = int(row[0]) if row is not None else _FIRST_ID
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('next_id', ?)",
                (str(first + count),),
            )
        return list(range(first, first + count))

    def new_id(self) -> int:
        return self.new_ids(1)[0]

    # --- jobs

    def add_job_listener(self, listener: JobListener) -> None:
        """Call `listener(job_id)` after every write of a job (create, settings, delete). It runs
        on the writer's thread, after the commit: it must be quick and must not raise."""
        self._job_listeners.append(listener)

    def _announce(self, job_ids: Iterable[int]) -> None:
        for job_id in job_ids:
            for listener in self._job_listeners:
                try:
                    listener(job_id)
                except Exception:  # a listener's bug must not fail the API call that wrote
                    _LOG.exception("a job listener failed")

    def insert_job(self, job: JobRecord, name_key: str) -> None:
        self.insert_jobs([(job, name_key)])

    def insert_jobs(self, jobs: Iterable[tuple[JobRecord, str]]) -> None:
        """Jobs, each with its name key, in one transaction (many: benchmarks and imports)."""
        jobs = list(jobs)
        with self._write() as db:
            db.executemany(
                "INSERT INTO jobs (job_id, created_time, creator_user_name, name_key, api_version,"
                " settings, summary, acl) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        job.job_id,
                        job.created_time,
                        job.creator_user_name,
                        name_key,
                        job.api_version,
                        job.settings,
                        job.summary,
                        job.acl,
                    )
                    for job, name_key in jobs
                ),
            )
        if self._job_listeners:
            self._announce(job.job_id for job, _ in jobs)

    def job(self, job_id: int) -> JobRecord | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_JOB_COLUMNS} FROM jobs WHERE job_id = ?", (job_id,)
            ).fetchone()
        return None if row is None else JobRecord(*row)

    def job_exists(self, job_id: int) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        return row is not None

    def job_lock(self, job_id: int) -> AbstractContextManager[None]:
        """The job's write lock, for a `with` block: every write of the job takes it, so a
        block holding it sees no other write of the job. Reentrant."""
        return self._job_locks.hold(job_id)

    def change_job(
        self, job_id: int, change: Callable[[JobRecord], JobChange | None]
    ) -> JobRecord | None:
        """Reads the job, calls `change` with it and writes what it returns, all under the job's
        write lock: no other write of the job comes between the read and the write. Returns the
        job as written (as read, when `change` returns None: nothing is written), or None when
        there is no such job (`change` is not called). An exception from `change` propagates and
        nothing is written.

        `change` may be called again with a newer read, should the row change under it (only
        another process writing the file can do that), so it must not act beyond returning."""
        with self._job_locks.hold(job_id):
            while True:
                record = self.job(job_id)
                if record is None:
                    return None
                written = change(record)
                if written is None:
                    return record
                sets, args = _job_sets(written)
                if not sets:
                    return record
                with self._write() as db:
                    cursor = db.execute(
                        f"UPDATE jobs SET {sets} WHERE job_id = ? AND settings = ? AND acl = ?",
                        (*args, job_id, record.settings, record.acl),
                    )
                if cursor.rowcount == 1:
                    break
        if written.settings is not None:
            self._announce((job_id,))
        return replace(
            record,
            settings=record.settings if written.settings is None else written.settings,
            summary=record.summary if written.summary is None else written.summary,
            acl=record.acl if written.acl is None else written.acl,
        )

    def delete_job(self, job_id: int) -> bool:
        """Deletes the job once the writes of it in progress are done; False when there is none."""
        with self._job_locks.hold(job_id), self._write() as db:
            cursor = db.execute("DELETE FROM jobs WHERE job_id = ?", (job_id,))
        if cursor.rowcount > 0:
            self._announce((job_id,))
        return cursor.rowcount > 0

    def list_jobs(
        self,
        *,
        name_key: str | None,
        after_id: int | None,
        before_id: int | None,
        offset: int,
        limit: int,
        expand: bool,
    ) -> list[JobRecord]:
        """Up to `limit` jobs in job_id order, after `after_id` or (a previous page) before
        `before_id`. Without `expand` the full settings are not read (the summary is)."""
        clause, args = _job_where(name_key, after_id, before_id)
        settings = "settings" if expand else "''"
        columns = f"job_id, created_time, creator_user_name, api_version, {settings}, summary, acl"
        order = "DESC" if before_id is not None else "ASC"
        sql = f"SELECT {columns} FROM jobs {clause} ORDER BY job_id {order} LIMIT ? OFFSET ?"
        with self._lock:
            rows = self._db.execute(sql, (*args, limit, offset)).fetchall()
        records = [JobRecord(*row) for row in rows]
        if before_id is not None:
            records.reverse()
        return records

    def has_jobs(
        self, *, name_key: str | None, after_id: int | None, before_id: int | None
    ) -> bool:
        clause, args = _job_where(name_key, after_id, before_id)
        with self._lock:
            row = self._db.execute(f"SELECT 1 FROM jobs {clause} LIMIT 1", args).fetchone()
        return row is not None

    # --- runs

    def insert_run(self, run: RunRecord, token: str | None, tasks: Iterable[TaskRunRecord]) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO runs (run_id, job_id, run_type, start_time, active, idempotency_token,"
                " doc, plan) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run.run_id,
                    run.job_id,
                    run.run_type,
                    run.start_time,
                    int(run.active),
                    token,
                    run.doc,
                    run.plan,
                ),
            )
            _insert_task_runs(db, tasks)

    def run(self, run_id: int) -> RunRecord | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_RUN_COLUMNS} FROM runs WHERE run_id = ?", (run_id,)
            ).fetchone()
        return None if row is None else _run_record(row)

    def run_by_token(self, token: str, *, job_id: int | None, run_type: str) -> RunRecord | None:
        """The run an idempotency token started: of the job for run-now, among one-time runs
        (each has a job of its own) for runs/submit."""
        sql = f"SELECT {_RUN_COLUMNS} FROM runs WHERE idempotency_token = ? AND run_type = ?"
        args: tuple[object, ...] = (token, run_type)
        if job_id is not None:
            sql += " AND job_id = ?"
            args = (*args, job_id)
        with self._lock:
            row = self._db.execute(sql, args).fetchone()
        return None if row is None else _run_record(row)

    def update_run(self, run_id: int, doc: str, active: bool, plan: str | None = None) -> None:
        with self._write() as db:
            if plan is None:
                db.execute(
                    "UPDATE runs SET doc = ?, active = ? WHERE run_id = ?",
                    (doc, int(active), run_id),
                )
            else:
                db.execute(
                    "UPDATE runs SET doc = ?, active = ?, plan = ? WHERE run_id = ?",
                    (doc, int(active), plan, run_id),
                )

    def delete_run(self, run_id: int) -> None:
        with self._write() as db:
            db.execute("DELETE FROM task_runs WHERE job_run_id = ?", (run_id,))
            db.execute("DELETE FROM runs WHERE run_id = ?", (run_id,))

    def active_runs(self, job_id: int | None = None) -> list[RunRecord]:
        sql = f"SELECT {_RUN_COLUMNS} FROM runs WHERE active = 1"
        args: tuple[object, ...] = ()
        if job_id is not None:
            sql += " AND job_id = ?"
            args = (job_id,)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY run_id", args).fetchall()
        return [_run_record(row) for row in rows]

    def list_runs(
        self,
        run_filter: RunFilter,
        *,
        after: tuple[int, int] | None,
        before: tuple[int, int] | None,
        offset: int,
        limit: int,
    ) -> list[RunRecord]:
        """Runs newest first (start_time, then run_id, descending); `after` / `before` are the
        (start_time, run_id) keys of the previous page's last / first run."""
        where, args = _run_where(run_filter)
        if after is not None:
            where.append("(start_time < ? OR (start_time = ? AND run_id < ?))")
            args += [after[0], after[0], after[1]]
        if before is not None:
            where.append("(start_time > ? OR (start_time = ? AND run_id > ?))")
            args += [before[0], before[0], before[1]]
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        order = "ASC" if before is not None else "DESC"
        sql = (
            f"SELECT {_RUN_COLUMNS} FROM runs {clause} "
            f"ORDER BY start_time {order}, run_id {order} LIMIT ? OFFSET ?"
        )
        with self._lock:
            rows = self._db.execute(sql, (*args, limit, offset)).fetchall()
        records = [_run_record(row) for row in rows]
        if before is not None:
            records.reverse()
        return records

    # --- task runs

    def insert_task_runs(self, tasks: Iterable[TaskRunRecord]) -> None:
        with self._write() as db:
            _insert_task_runs(db, tasks)

    def update_task_run(
        self, run_id: int, doc: str, *, output: str | None = None, process: str | None = None
    ) -> None:
        sets = ["doc = ?", "process = ?"]
        args: list[object] = [doc, process]
        if output is not None:
            sets.append("output = ?")
            args.append(output)
        with self._write() as db:
            db.execute(f"UPDATE task_runs SET {', '.join(sets)} WHERE run_id = ?", (*args, run_id))

    def task_run(self, run_id: int) -> TaskRunRecord | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_TASK_COLUMNS} FROM task_runs WHERE run_id = ?", (run_id,)
            ).fetchone()
        return None if row is None else _task_record(row)

    def task_runs(
        self, job_run_id: int, *, offset: int = 0, limit: int = -1
    ) -> list[TaskRunRecord]:
        """The task runs a job run holds (a for_each task run: its iterations), every attempt,
        in the order they were made."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_TASK_COLUMNS} FROM task_runs WHERE job_run_id = ? "
                "ORDER BY seq LIMIT ? OFFSET ?",
                (job_run_id, limit, offset),
            ).fetchall()
        return [_task_record(row) for row in rows]

    def max_task_seq(self, job_run_id: int) -> int:
        with self._lock:
            row = self._db.execute(
                "SELECT COALESCE(MAX(seq), -1) FROM task_runs WHERE job_run_id = ?", (job_run_id,)
            ).fetchone()
        return int(row[0])

    # --- notification destinations

    def insert_destination(self, record: DestinationRecord) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO destinations (id, created_time, destination_type, display_name,"
                " config) VALUES (?, ?, ?, ?, ?)",
                (
                    record.id,
                    record.created_time,
                    record.destination_type,
                    record.display_name,
                    record.config,
                ),
            )

    def destination(self, destination_id: str) -> DestinationRecord | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_DESTINATION_COLUMNS} FROM destinations WHERE id = ?", (destination_id,)
            ).fetchone()
        return None if row is None else DestinationRecord(*row)

    def list_destinations(self, *, offset: int, limit: int) -> list[DestinationRecord]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_DESTINATION_COLUMNS} FROM destinations"
                " ORDER BY created_time, id LIMIT ? OFFSET ?",
                (limit, offset),
            ).fetchall()
        return [DestinationRecord(*row) for row in rows]

    def update_destination(self, destination_id: str, display_name: str, config: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE destinations SET display_name = ?, config = ? WHERE id = ?",
                (display_name, config, destination_id),
            )

    def delete_destination(self, destination_id: str) -> bool:
        with self._write() as db:
            cursor = db.execute("DELETE FROM destinations WHERE id = ?", (destination_id,))
        return cursor.rowcount > 0

    # --- the outbox of email notifications

    def append_outbox(self, created_time: int, doc: str) -> int:
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO outbox (created_time, doc) VALUES (?, ?)", (created_time, doc)
            )
        return int(cursor.lastrowid or 0)

    def outbox(self, *, after_seq: int, limit: int) -> list[tuple[int, int, str]]:
        """(seq, created_time, doc) of the messages after `after_seq`, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, created_time, doc FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
                (after_seq, limit),
            ).fetchall()
        return [(int(seq), int(created), str(doc)) for seq, created, doc in rows]

    # --- workspace assets (queries, alerts, dashboards, pipelines)

    def insert_asset(self, kind: str, asset_id: str, name: str, doc: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO assets (kind, id, name, active, doc) VALUES (?, ?, ?, 1, ?)",
                (kind, asset_id, name, doc),
            )

    def asset(self, kind: str, asset_id: str) -> AssetRecord | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_ASSET_COLUMNS} FROM assets WHERE kind = ? AND id = ?", (kind, asset_id)
            ).fetchone()
        return None if row is None else _asset_record(row)

    def list_assets(
        self,
        kind: str,
        *,
        after_seq: int = 0,
        offset: int = 0,
        limit: int,
        trashed: bool = False,
        name_like: str | None = None,
    ) -> list[AssetRecord]:
        """Up to `limit` assets of a kind in creation order, after `after_seq` (a previous page's
        last) or from `offset`; trashed ones too when `trashed`. `name_like` is an SQL LIKE
        pattern on the name (ASCII letters match either case)."""
        where = ["kind = ?", "seq > ?"]
        args: list[object] = [kind, after_seq]
        if not trashed:
            where.append("active = 1")
        if name_like is not None:
            where.append("name LIKE ?")
            args.append(name_like)
        sql = (
            f"SELECT {_ASSET_COLUMNS} FROM assets WHERE {' AND '.join(where)}"
            " ORDER BY seq LIMIT ? OFFSET ?"
        )
        with self._lock:
            rows = self._db.execute(sql, (*args, limit, offset)).fetchall()
        return [_asset_record(row) for row in rows]

    def update_asset(
        self, kind: str, asset_id: str, *, name: str, doc: str, active: bool = True
    ) -> bool:
        with self._write() as db:
            cursor = db.execute(
                "UPDATE assets SET name = ?, doc = ?, active = ? WHERE kind = ? AND id = ?",
                (name, doc, int(active), kind, asset_id),
            )
        return cursor.rowcount > 0

    def delete_asset(self, kind: str, asset_id: str) -> bool:
        with self._write() as db:
            cursor = db.execute("DELETE FROM assets WHERE kind = ? AND id = ?", (kind, asset_id))
        return cursor.rowcount > 0


_ASSET_COLUMNS: Final = "seq, kind, id, name, active, doc"
_DESTINATION_COLUMNS: Final = "id, created_time, destination_type, display_name, config"
_JOB_COLUMNS: Final = "job_id, created_time, creator_user_name, api_version, settings, summary, acl"
_RUN_COLUMNS: Final = "run_id, job_id, run_type, start_time, active, doc, plan"
_TASK_COLUMNS: Final = "run_id, job_run_id, seq, doc, output, process"


def _asset_record(row: tuple[object, ...]) -> AssetRecord:
    seq, kind, asset_id, name, active, doc = row
    return AssetRecord(int(str(seq)), str(kind), str(asset_id), str(name), bool(active), str(doc))


def _run_record(row: tuple[object, ...]) -> RunRecord:
    run_id, job_id, run_type, start_time, active, doc, plan = row
    return RunRecord(
        int(str(run_id)),
        int(str(job_id)),
        str(run_type),
        int(str(start_time)),
        bool(active),
        str(doc),
        str(plan),
    )


def _task_record(row: tuple[object, ...]) -> TaskRunRecord:
    run_id, job_run_id, seq, doc, output, process = row
    return TaskRunRecord(
        int(str(run_id)),
        int(str(job_run_id)),
        int(str(seq)),
        str(doc),
        None if output is None else str(output),
        None if process is None else str(process),
    )


def _job_sets(change: JobChange) -> tuple[str, list[object]]:
    """The SET clause (empty when the change writes nothing) and its arguments."""
    sets: list[str] = []
    args: list[object] = []
    if change.settings is not None:
        sets += ["settings = ?", "summary = ?", "name_key = ?"]
        args += [change.settings, change.summary, change.name_key]
    if change.acl is not None:
        sets.append("acl = ?")
        args.append(change.acl)
    return ", ".join(sets), args


def _insert_task_runs(db: sqlite3.Connection, tasks: Iterable[TaskRunRecord]) -> None:
    db.executemany(
        "INSERT INTO task_runs (run_id, job_run_id, seq, visible, doc, output, process)"
        " VALUES (?, ?, ?, 1, ?, ?, ?)",
        ((t.run_id, t.job_run_id, t.seq, t.doc, t.output, t.process) for t in tasks),
    )


def _job_where(
    name_key: str | None, after_id: int | None, before_id: int | None
) -> tuple[str, list[object]]:
    """The WHERE clause (empty without conditions) and its arguments for jobs/list's filters."""
    where: list[str] = []
    args: list[object] = []
    if name_key is not None:
        where.append("name_key = ?")
        args.append(name_key)
    if after_id is not None:
        where.append("job_id > ?")
        args.append(after_id)
    if before_id is not None:
        where.append("job_id < ?")
        args.append(before_id)
    return (f"WHERE {' AND '.join(where)}" if where else ""), args


def _run_where(run_filter: RunFilter) -> tuple[list[str], list[object]]:
    where: list[str] = []
    args: list[object] = []
    if run_filter.job_id is not None:
        where.append("job_id = ?")
        args.append(run_filter.job_id)
    if run_filter.active_only:
        where.append("active = 1")
    if run_filter.completed_only:
        where.append("active = 0")
    if run_filter.run_type is not None:
        where.append("run_type = ?")
        args.append(run_filter.run_type)
    if run_filter.start_time_from is not None:
        where.append("start_time >= ?")
        args.append(run_filter.start_time_from)
    if run_filter.start_time_to is not None:
        where.append("start_time <= ?")
        args.append(run_filter.start_time_to)
    return where, args

"""Triggers: the thread that starts job runs on schedules, intervals, file arrivals, table
updates and continuously (Jobs docs: triggers).

One `Scheduler` thread per workspace. It keeps a watch per trigger of every job that has one,
rebuilt for a job whenever the store announces a write of it (jobs/create, update, reset,
delete, whichever API wrote), and sleeps on a condition until the earliest due time, a job
change or a run end (continuous jobs) wakes it: no polling loop, except the file-arrival scan
every `file_poll_seconds` and the table-update look every `table_poll_seconds`. Editing a job
keeps the state of the triggers it did not change.

What starts runs (the run's `trigger` in brackets):

- `schedule` {quartz_cron_expression, timezone_id} [PERIODIC]: fire times from
  `schedule.next_fire_times`, in the job's time zone. Databricks "enforces a minimum interval of
  10 seconds between subsequent runs triggered by the schedule of a job regardless of the seconds
  configuration" (docs jobs/scheduled): fire times closer than `min_schedule_interval_seconds`
  to the previous run are skipped;
- `trigger.periodic` {interval, unit} [PERIODIC]: every interval, the first one interval after
  the trigger is seen (Databricks: "the scheduler chooses a time" for the first run);
- `trigger.file_arrival` {url, min_time_between_triggers_seconds,
  wait_after_last_change_seconds} [FILE_ARRIVAL]: the folder is scanned (recursively) every
  `file_poll_seconds` (Databricks: every minute, best effort); only files that were not there
  before start a run (overwrites do not, as on Databricks). With wait_after_last_change_seconds
  the run waits until the new files stop changing that long; min_time_between_triggers_seconds
  spaces runs. Files already present when the trigger is first seen do not count. The url is a
  local folder: `/Workspace/...` under the workspace root, `/Volumes/...` (or
  `dbfs:/Volumes/...`) under `<data folder>/volumes/` — the local stand-in for Unity Catalog
  volumes. Cloud URLs (s3://, abfss://, gs://) cannot be watched and are ignored with a warning;
- `trigger.table_update` (or its older name `trigger.table`) {table_names, condition,
  min_time_between_triggers_seconds, wait_after_last_change_seconds} [TABLE]: the named tables
  of the local SQL warehouse (its DuckDB database) are fingerprinted every `table_poll_seconds`
  (`warehouse.table_fingerprints`: DuckDB keeps no table versions, so columns, row count and a
  sum of row hashes); a table whose fingerprint changed, or that appeared, is updated.
  `ANY_UPDATED` (the default) starts a run once one table was updated since the last run,
  `ALL_UPDATED` once every one was. The two timings work as for file arrival: the run waits
  until the updates stop for wait_after_last_change_seconds, and min_time_between_triggers_seconds
  after the last run. Tables as they are when the trigger is first seen do not count. A poll
  that finds a SQL task holding the warehouse looks again a second later.
  `{{job.trigger.table_update.*}}` values are not given: their names are not documented, so
  they stay unresolved;
- `continuous` [CONTINUOUS]: one run always active: a run starts when there is none, and again
  `continuous_restart_seconds` after it ends, with an exponential backoff (to 5 min) after runs
  that did not succeed. A paused continuous job starts no new run; its active run goes on
  (inferred).
  CONTINUOUS_RESTART, a manual restart on Databricks, has no local counterpart.

`pause_status: PAUSED` (of `schedule`, `trigger`, `continuous` or a `triggers[]` entry) stops a
trigger. The newer `triggers[]` list is served entry by entry the same way. `model` and
`job_completion` triggers are not served; such jobs get no triggered runs.

Missed fire times are not caught up: after the workspace was stopped (or the clock jumped), a
schedule fires at its next time after now, as after a Databricks outage nothing replays (inferred).
Triggered runs queue or skip at `max_concurrent_runs` like run-now's.

The clock is injectable (`TriggerOptions.now`, epoch seconds) so tests need not wait for real
minutes: they move it and call `Scheduler.wake()`.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Final

from loom_jobs_widget.core.server_defaults import with_server_defaults
from loom_jobs_widget.local.engine import Engine, RunListener, RunRequest, queue_default
from loom_jobs_widget.local.exec.warehouse import table_fingerprints, table_key, warehouse_path
from loom_jobs_widget.local.store import Store
from loom_jobs_widget.schedule import CronError, next_fire_times

__all__ = ["Scheduler", "TriggerOptions", "folder_of_url"]

_LOG = logging.getLogger(__name__)

_UNIT_SECONDS: Final = {"MINUTES": 60, "HOURS": 3600, "DAYS": 86400, "WEEKS": 604800}
_MAX_BACKOFF_SECONDS: Final = 300.0
# Settings text without any of these cannot hold a trigger: skip parsing it at start.
_TRIGGER_WORDS: Final = ('"schedule"', '"trigger"', '"triggers"', '"continuous"')
_NEVER: Final = math.inf
# When a SQL task holds the warehouse, a table poll is tried again this much later.
_BUSY_RETRY_SECONDS: Final = 1.0


@dataclass(frozen=True)
class TriggerOptions:
    """The scheduler's knobs; the defaults are Databricks' figures."""

    now: Callable[[], float] = time.time  # epoch seconds
    min_schedule_interval_seconds: float = 10.0
    file_poll_seconds: float = 60.0
    table_poll_seconds: float = 60.0
    continuous_restart_seconds: float = 1.0
    # The longest sleep: bounds how late a jump of the (wall or injected) clock is noticed.
    max_sleep_seconds: float = 60.0


@dataclass(eq=False)
class _Watch:
    """One trigger of one job, and what the scheduler remembers of it."""

    job_id: int
    kind: str  # schedule | periodic | file_arrival | table_update | continuous
    spec: dict[str, Any]
    identity: str
    next_at: float | None = None  # schedule, periodic: the next fire time (None: to compute)
    last_fired: float | None = None
    # file_arrival
    folder: Path | None = None
    seen: dict[str, tuple[int, int]] | None = None  # the files known: (mtime_ns, size)
    pending: dict[str, tuple[int, int]] = field(default_factory=dict)  # new since the last run
    last_change: float = 0.0
    next_poll: float = 0.0
    # table_update: each table's latest fingerprint (None: missing), and those updated since
    # the last run
    tables: dict[str, str | None] | None = None
    updated: set[str] = field(default_factory=set)
    # continuous
    restart_at: float | None = None
    failures: int = 0
    broken: bool = False  # an expression or url that cannot fire: logged once


class Scheduler(RunListener):
    def __init__(
        self,
        store: Store,
        engine: Engine,
        *,
        workspace_root: Path,
        volumes_root: Path,
        options: TriggerOptions | None = None,
    ) -> None:
        self._store = store
        self._engine = engine
        self._workspace_root = workspace_root
        self._volumes_root = volumes_root
        self._options = options or TriggerOptions()
        self._now = self._options.now
        self._cond = threading.Condition()
        self._stopping = False
        self._woken = False
        self._reload_all = True
        self._dirty: set[int] = set()
        self._ended: dict[int, bool] = {}  # continuous jobs whose run ended: did it succeed
        self._continuous: set[int] = set()  # read by run_ended on engine threads
        self._watches: dict[int, list[_Watch]] = {}  # only the scheduler thread touches these
        # Table fingerprints taken in this pass, shared by the table_update watches.
        self._fingerprints: dict[str, str | None] = {}
        self._passes_started = 0
        self._passes_done = 0
        self._thread = threading.Thread(target=self._loop, name="loom-triggers", daemon=True)

    # --- lifecycle

    def start(self) -> None:
        self._store.add_job_listener(self._job_changed)
        self._engine.listeners.append(self)
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def wake(self, *, wait: float | None = None) -> None:
        """Look at every trigger now (after a test moved the injected clock); with `wait`, return
        once a look that began after this call has ended (at most `wait` seconds)."""
        deadline = time.monotonic() + (wait or 0.0)
        with self._cond:
            target = self._passes_started + 1
            self._woken = True
            self._cond.notify_all()
            while wait is not None and self._passes_done < target and not self._stopping:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("the trigger scheduler did not look in time")
                self._cond.wait(left)

    # --- what wakes the thread

    def _job_changed(self, job_id: int) -> None:
        with self._cond:
            self._dirty.add(job_id)
            self._cond.notify_all()

    def run_ended(self, settings: Mapping[str, Any], run: Mapping[str, Any]) -> None:
        job_id = run.get("job_id")
        if job_id in self._continuous:
            state = run.get("state") or {}
            with self._cond:
                self._ended[int(job_id)] = state.get("result_state") in (
                    "SUCCESS",
                    "SUCCESS_WITH_FAILURES",
                )
                self._cond.notify_all()

    # --- the thread

    def _loop(self) -> None:
        while True:
            with self._cond:
                if self._stopping:
                    return
                reload_all, self._reload_all = self._reload_all, False
                dirty, self._dirty = self._dirty, set()
                ended, self._ended = self._ended, {}
                self._woken = False
                self._passes_started += 1
            try:
                if reload_all:
                    self._load_all()
                for job_id in dirty:
                    self._load(job_id)
                for job_id, succeeded in ended.items():
                    for watch in self._watches.get(job_id, ()):
                        if watch.kind == "continuous":
                            watch.failures = 0 if succeeded else watch.failures + 1
                next_at = self._step_all()
            except Exception:  # a bug must not end the thread; look again a little later
                _LOG.exception("the trigger scheduler failed")
                next_at = self._now() + self._options.max_sleep_seconds
            sleep = min(max(0.0, next_at - self._now()), self._options.max_sleep_seconds)
            with self._cond:
                self._passes_done += 1
                self._cond.notify_all()
                if not (self._stopping or self._woken or self._dirty or self._ended):
                    self._cond.wait(sleep)

    # --- watches from settings

    def _load_all(self) -> None:
        records = self._store.list_jobs(
            name_key=None, after_id=None, before_id=None, offset=0, limit=-1, expand=True
        )
        self._watches.clear()
        for record in records:
            if any(word in record.settings for word in _TRIGGER_WORDS):
                self._set_watches(record.job_id, json.loads(record.settings))
        self._continuous = {
            job_id
            for job_id, watches in self._watches.items()
            if any(w.kind == "continuous" for w in watches)
        }

    def _load(self, job_id: int) -> None:
        record = self._store.job(job_id)
        if record is None:
            self._watches.pop(job_id, None)
        else:
            self._set_watches(job_id, json.loads(record.settings))
        if any(w.kind == "continuous" for w in self._watches.get(job_id, ())):
            self._continuous = self._continuous | {job_id}
        else:
            self._continuous = self._continuous - {job_id}

    def _set_watches(self, job_id: int, settings: Mapping[str, Any]) -> None:
        old = {watch.identity: watch for watch in self._watches.get(job_id, ())}
        watches: list[_Watch] = []
        for kind, spec in _triggers_of(settings):
            identity = json.dumps([kind, spec], sort_keys=True)
            watch = old.get(identity) or _Watch(job_id, kind, spec, identity)
            watches.append(watch)
        if watches:
            self._watches[job_id] = watches
        else:
            self._watches.pop(job_id, None)

    # --- stepping

    def _step_all(self) -> float:
        """Fire what is due; the next time something may be due."""
        now = self._now()
        soonest = _NEVER
        self._fingerprints = {}
        for watches in list(self._watches.values()):
            for watch in watches:
                if watch.broken:
                    continue
                step = getattr(self, f"_step_{watch.kind}")
                soonest = min(soonest, step(watch, now))
        return soonest

    def _step_schedule(self, watch: _Watch, now: float) -> float:
        if watch.next_at is None:
            earliest = now
            if watch.last_fired is not None:
                earliest = max(now, watch.last_fired + self._options.min_schedule_interval_seconds)
            watch.next_at = self._next_cron(watch, earliest)
        if watch.next_at <= now:
            self._fire(watch, "PERIODIC")
            watch.last_fired = now
            watch.next_at = None
            return self._step_schedule(watch, now)
        return watch.next_at

    def _next_cron(self, watch: _Watch, earliest: float) -> float:
        """The first fire time at or after `earliest` (whole seconds, as Quartz fires) and after
        the second of the last run (a fire time never runs twice); for a schedule not fired yet,
        the first one after now's second (a schedule just seen does not fire at once)."""
        if watch.last_fired is None:
            after_ts = math.floor(earliest)
        else:
            after_ts = max(math.ceil(earliest) - 1, math.floor(watch.last_fired))
        after = datetime.fromtimestamp(after_ts, tz=timezone.utc)
        try:
            times = next_fire_times(
                str(watch.spec.get("quartz_cron_expression")),
                str(watch.spec.get("timezone_id") or "UTC"),
                after,
                1,
            )
        except (CronError, ValueError) as exc:
            _LOG.warning("job %s: its schedule cannot fire: %s", watch.job_id, exc)
            watch.broken = True
            return _NEVER
        return times[0].timestamp() if times else _NEVER

    def _step_periodic(self, watch: _Watch, now: float) -> float:
        interval = watch.spec.get("interval")
        unit = _UNIT_SECONDS.get(str(watch.spec.get("unit")))
        if not isinstance(interval, int) or isinstance(interval, bool) or interval <= 0 or not unit:
            _LOG.warning("job %s: its periodic trigger has no valid interval/unit", watch.job_id)
            watch.broken = True
            return _NEVER
        period = float(interval * unit)
        if watch.next_at is None:
            watch.next_at = now + period
        if watch.next_at <= now:
            self._fire(watch, "PERIODIC")
            watch.last_fired = now
            while watch.next_at <= now:  # no catch-up of the periods missed
                watch.next_at += period
        return watch.next_at

    def _step_file_arrival(self, watch: _Watch, now: float) -> float:
        if watch.folder is None:
            watch.folder = self._folder_of(watch)
            if watch.folder is None:
                watch.broken = True
                return _NEVER
        if now >= watch.next_poll:
            watch.next_poll = now + self._options.file_poll_seconds
            current = _scan(watch.folder)
            if watch.seen is None:
                watch.seen = current  # what is there already does not trigger
            else:
                watch.seen = {path: sig for path, sig in watch.seen.items() if path in current}
                for path, sig in current.items():
                    if path not in watch.seen and watch.pending.get(path) != sig:
                        watch.pending[path] = sig
                        watch.last_change = now
                # A new file that went away again triggers nothing.
                watch.pending = {p: s for p, s in watch.pending.items() if p in current}
        due = watch.next_poll
        if watch.pending:
            ready = watch.last_change + _seconds(watch.spec, "wait_after_last_change_seconds")
            if watch.last_fired is not None:
                ready = max(
                    ready,
                    watch.last_fired + _seconds(watch.spec, "min_time_between_triggers_seconds"),
                )
            if ready <= now:
                self._fire(watch, "FILE_ARRIVAL")
                watch.last_fired = now
                assert watch.seen is not None
                watch.seen.update(watch.pending)
                watch.pending = {}
            else:
                due = min(due, ready)
        return due

    def _step_table_update(self, watch: _Watch, now: float) -> float:
        names = watch.spec.get("table_names")
        if (
            not isinstance(names, list)
            or not names
            or not all(isinstance(name, str) and table_key(name) for name in names)
        ):
            _LOG.warning("job %s: its table_update trigger names no valid tables", watch.job_id)
            watch.broken = True
            return _NEVER
        if now >= watch.next_poll:
            try:
                current = self._table_fingerprints(names)
            except Exception as exc:  # a broken database file: nothing to notice this time
                _LOG.warning("job %s: the local warehouse cannot be read: %s", watch.job_id, exc)
                current, watch.next_poll = None, now + self._options.table_poll_seconds
            else:
                if current is None:  # a SQL task holds the warehouse: look again soon
                    busy = min(_BUSY_RETRY_SECONDS, self._options.table_poll_seconds)
                    watch.next_poll = now + busy
            if current is not None:
                watch.next_poll = now + self._options.table_poll_seconds
                if watch.tables is not None:  # the first look only learns how they are
                    for name, fingerprint in current.items():
                        if fingerprint is not None and fingerprint != watch.tables.get(name):
                            watch.updated.add(name)
                            watch.last_change = now
                watch.tables = current
        due = watch.next_poll
        if watch.spec.get("condition") == "ALL_UPDATED":
            enough = watch.updated >= set(names)
        else:  # ANY_UPDATED, the default
            enough = bool(watch.updated)
        if enough:
            ready = watch.last_change + _seconds(watch.spec, "wait_after_last_change_seconds")
            if watch.last_fired is not None:
                ready = max(
                    ready,
                    watch.last_fired + _seconds(watch.spec, "min_time_between_triggers_seconds"),
                )
            if ready <= now:
                self._fire(watch, "TABLE")
                watch.last_fired = now
                watch.updated = set()
            else:
                due = min(due, ready)
        return due

    def _table_fingerprints(self, names: list[str]) -> dict[str, str | None] | None:
        """The tables' fingerprints now (taken once per pass); None while the warehouse is busy."""
        missing = [name for name in names if name not in self._fingerprints]
        if missing:
            found = table_fingerprints(warehouse_path(self._workspace_root), missing)
            if found is None:
                return None
            self._fingerprints.update(found)
        return {name: self._fingerprints[name] for name in names}

    def _step_continuous(self, watch: _Watch, now: float) -> float:
        if self._store.active_runs(watch.job_id):
            watch.restart_at = None
            return _NEVER  # its end wakes the thread (run_ended)
        if watch.restart_at is None:
            delay = 0.0 if watch.last_fired is None else self._options.continuous_restart_seconds
            if watch.failures:
                delay = min(max(delay, 1.0) * 2 ** min(watch.failures, 20), _MAX_BACKOFF_SECONDS)
            watch.restart_at = now + delay
        if watch.restart_at <= now:
            watch.restart_at = None
            watch.last_fired = now
            if not self._fire(watch, "CONTINUOUS"):
                watch.failures += 1
                return self._step_continuous(watch, now)
            return _NEVER
        return watch.restart_at

    # --- starting runs

    def _fire(self, watch: _Watch, trigger: str) -> bool:
        """Start a run of the watch's job; False (logged) when it could not start."""
        record = self._store.job(watch.job_id)
        if record is None:
            return False
        # (A job stored before the server's defaults were filled in runs with them, as run-now's.)
        settings = with_server_defaults(json.loads(record.settings))
        name = settings.get("name")
        try:
            self._engine.start_run(
                RunRequest(
                    job_id=watch.job_id,
                    run_type="JOB_RUN",
                    run_name=name if isinstance(name, str) and name else "Untitled",
                    settings=settings,
                    job_parameters={},
                    queue_enabled=queue_default(record, settings),
                    trigger=trigger,
                )
            )
        except Exception as exc:
            _LOG.warning(
                "job %s: the %s trigger could not start a run: %s", watch.job_id, watch.kind, exc
            )
            return False
        return True

    def _folder_of(self, watch: _Watch) -> Path | None:
        url = watch.spec.get("url")
        folder = folder_of_url(url, self._workspace_root, self._volumes_root)
        if folder is None:
            _LOG.warning(
                "job %s: file arrival url %r is not a /Workspace or /Volumes folder the local "
                "workspace can watch",
                watch.job_id,
                url,
            )
        return folder


def folder_of_url(url: Any, workspace_root: Path, volumes_root: Path) -> Path | None:
    """The local folder of a file-arrival url; None when it is none of ours."""
    if not isinstance(url, str):
        return None
    text = url.removeprefix("dbfs:")
    for prefix, root in (("/Workspace/", workspace_root), ("/Volumes/", volumes_root)):
        if text.startswith(prefix):
            relative = text[len(prefix) :].strip("/")
            folder = (root / relative).resolve()
            base = root.resolve()
            if folder == base or base in folder.parents:
                return folder
    return None


def _triggers_of(settings: Mapping[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    """(kind, spec) of every trigger of a job that is not paused and that this module serves."""
    schedule = settings.get("schedule")
    if isinstance(schedule, dict) and schedule.get("pause_status") != "PAUSED":
        yield "schedule", schedule
    continuous = settings.get("continuous")
    if isinstance(continuous, dict) and continuous.get("pause_status") != "PAUSED":
        yield "continuous", continuous
    trigger = settings.get("trigger")
    entries = [trigger] if isinstance(trigger, dict) else []
    triggers = settings.get("triggers")
    if isinstance(triggers, list):
        entries += [entry for entry in triggers if isinstance(entry, dict)]
    for entry in entries:
        if entry.get("pause_status") == "PAUSED":
            continue
        for kind in ("schedule", "periodic", "file_arrival", "table_update", "continuous"):
            spec = entry.get(kind)
            if kind == "table_update" and spec is None:
                spec = entry.get("table")  # the older name of the same settings
            if isinstance(spec, dict):
                yield kind, spec


def _seconds(spec: Mapping[str, Any], name: str) -> float:
    value = spec.get(name)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value)
    return 0.0


def _scan(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder` (recursively): relative path -> (mtime_ns, size)."""
    found: dict[str, tuple[int, int]] = {}
    for directory, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(directory, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue  # gone between the listing and the stat
            found[os.path.relpath(path, folder)] = (stat.st_mtime_ns, stat.st_size)
    return found

"""Run notifications: `email_notifications` and `webhook_notifications` of jobs and tasks.

The engine tells the `Notifier` of run and task starts and ends (`engine.RunListener`, called
under the engine lock, so the notifier only queues); one background thread then delivers:

- **email** addresses (the settings' `email_notifications`, or an EMAIL destination named in
  `webhook_notifications`) are not mailed: each message is appended to the workspace's outbox,
  readable through `GET /api/2.0/loom/outbox` (`api.notifications`, an endpoint of this project,
  not of Databricks);
- **webhooks** (a WEBHOOK destination named in `webhook_notifications`, see `api.destinations`)
  are POSTed with httpx, `_WEBHOOK_TIMEOUT_SECONDS` at most each, basic auth when the destination
  has a username. A failed delivery is logged (destination id and error kind only: webhook URLs
  often carry secrets) and never affects the run.

Events (SDK `JobEmailNotifications` / `WebhookNotifications` docstrings; docs "Add notifications
on a job"):

- `on_start`: a job run leaves the queue (not a repair); a task attempt starts running;
- `on_success`: result SUCCESS, and SUCCESS_WITH_FAILURES ("considered a successful state", docs);
- `on_failure`: an INTERNAL_ERROR life cycle or a FAILED / TIMEDOUT result; also canceled runs
  (unless `no_alert_for_canceled_runs`) and skipped ones, MAXIMUM_CONCURRENT_RUNS_REACHED or a
  task's UPSTREAM_* (unless `no_alert_for_skipped_runs`; the deprecated
  `email_notifications.no_alert_for_skipped_runs` silences the emails only). EXCLUDED and
  DISABLED tasks notify nothing (inferred);
- `on_duration_warning_threshold_exceeded`: once, when a run (or task run) is still going after
  the `RUN_DURATION_SECONDS` health rule's value (op GREATER_THAN, the only one). Counted from
  the run's start (leaving the queue) / the attempt's start (inferred).

Job-level notifications come at the job run's end only, so task retries send none (docs); task
notifications come for each attempt, but with `alert_on_last_attempt` a retry's on_start and a
failure that will be retried notify nothing. For_each iterations notify as tasks, per the nested
task's settings (inferred). Notifications still queued when the workspace stops are dropped.

The webhook body. Databricks documents no schema for it; this one follows what
its user-defined webhooks send as far as known (inferred: `event_type`, `workspace_id`, `run`,
`job`, `task`) and adds a few fields a receiver needs:

    {"event_type": "jobs.on_failure",            # jobs.<event>
     "workspace_id": "1234...",
     "job": {"job_id": 7, "name": "nightly"},
     "run": {"run_id": 12, "run_page_url": "http://127.0.0.1:PORT/?o=...#job/7/run/12",
             "trigger": "PERIODIC", "life_cycle_state": "INTERNAL_ERROR",
             "result_state": "FAILED", "state_message": "..."},
     "task": {"task_key": "a", "run_id": 13, "attempt_number": 0}}   # task events only

`run.run_id` is the job run; `task.run_id` the task run. The state fields are those at the event.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from loom_jobs_widget.local.engine import RunListener, now_ms
from loom_jobs_widget.local.store import Store

__all__ = ["Notifier", "Post"]

_LOG = logging.getLogger(__name__)

_WEBHOOK_TIMEOUT_SECONDS: Final = 5.0

_DURATION: Final = "on_duration_warning_threshold_exceeded"
_SUCCESS: Final = frozenset({"SUCCESS", "SUCCESS_WITH_FAILURES"})
_SKIPPED: Final = frozenset(
    {"MAXIMUM_CONCURRENT_RUNS_REACHED", "UPSTREAM_FAILED", "UPSTREAM_CANCELED"}
)
_SUBJECTS: Final = {
    "on_start": "started",
    "on_success": "succeeded",
    "on_failure": "failed",
    _DURATION: "is running longer than expected",
}

Post = Callable[[str, dict[str, Any], tuple[str, str] | None, float], None]


@dataclass(frozen=True)
class _Notice:
    """One event to deliver: its recipients and the webhook body."""

    event: str
    emails: tuple[str, ...]
    destination_ids: tuple[str, ...]
    payload: dict[str, Any]


def _post(url: str, payload: dict[str, Any], auth: tuple[str, str] | None, timeout: float) -> None:
    import httpx  # only a webhook needs it: not every workspace start (~75 ms)

    response = httpx.post(url, json=payload, auth=auth, timeout=timeout)
    response.raise_for_status()


class Notifier(RunListener):
    def __init__(
        self,
        store: Store,
        *,
        host: Callable[[], str],
        workspace_id: str,
        timeout: float = _WEBHOOK_TIMEOUT_SECONDS,
        post: Post = _post,
    ) -> None:
        self._store = store
        self._host = host
        self._workspace_id = workspace_id
        self._timeout = timeout
        self._post = post
        self._cond = threading.Condition()
        self._queue: deque[_Notice] = deque()
        # Runs and task runs watched by a RUN_DURATION_SECONDS rule: run id -> (monotonic
        # deadline, the notice to send then).
        self._watches: dict[int, tuple[float, _Notice]] = {}
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="loom-notify", daemon=True)

    # --- lifecycle

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._queue.clear()
            self._watches.clear()
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout=self._timeout + 1)

    # --- engine events (under the engine lock: only queue)

    def run_started(self, settings: Mapping[str, Any], run: Mapping[str, Any]) -> None:
        self._queue_event(settings, "on_start", run, None)
        self._watch_duration(settings, run, None)

    def run_ended(self, settings: Mapping[str, Any], run: Mapping[str, Any]) -> None:
        self._unwatch(int(run["run_id"]))
        event = _ending_event(settings, run.get("state") or {})
        if event is not None:
            self._queue_event(settings, event, run, None, skipped=_is_skipped(run))

    def task_started(
        self, settings: Mapping[str, Any], run: Mapping[str, Any], task: Mapping[str, Any]
    ) -> None:
        retry = int(task.get("attempt_number") or 0) > 0
        if not (retry and _flag(task, "alert_on_last_attempt")):
            self._queue_event(task, "on_start", run, task)
        self._watch_duration(task, run, task)

    def task_ended(
        self,
        settings: Mapping[str, Any],
        run: Mapping[str, Any],
        task: Mapping[str, Any],
        *,
        run_stopping: bool,
    ) -> None:
        self._unwatch(int(task["run_id"]))
        event = _ending_event(task, task.get("state") or {})
        if event is None:
            return
        if (
            event == "on_failure"
            and _flag(task, "alert_on_last_attempt")
            and not run_stopping
            and _retry_follows(task)
        ):
            return
        self._queue_event(task, event, run, task, skipped=_is_skipped(task))

    # --- queueing

    def _queue_event(
        self,
        holder: Mapping[str, Any],
        event: str,
        run: Mapping[str, Any],
        task: Mapping[str, Any] | None,
        *,
        skipped: bool = False,
    ) -> None:
        notice = self._notice(holder, event, run, task, skipped=skipped)
        if notice is None:
            return
        with self._cond:
            if not self._stopping:
                self._queue.append(notice)
                self._cond.notify()

    def _notice(
        self,
        holder: Mapping[str, Any],
        event: str,
        run: Mapping[str, Any],
        task: Mapping[str, Any] | None,
        *,
        skipped: bool = False,
    ) -> _Notice | None:
        """The recipients `holder` (job settings, or a task) names for `event`, with the body
        to send them; None when it names none (the common case: it costs two dict lookups)."""
        emails = _addresses(holder.get("email_notifications"), event)
        destinations = _destination_ids(holder.get("webhook_notifications"), event)
        if not emails and not destinations:
            return None
        if skipped and event == "on_failure":
            email_settings = holder.get("email_notifications")
            if isinstance(email_settings, dict) and email_settings.get("no_alert_for_skipped_runs"):
                emails = ()
        return _Notice(event, emails, destinations, self._payload(holder, event, run, task))

    def _payload(
        self,
        holder: Mapping[str, Any],
        event: str,
        run: Mapping[str, Any],
        task: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        state = (task if task is not None else run).get("state") or {}
        job_id = run.get("job_id")
        run_id = run.get("run_id")
        payload: dict[str, Any] = {
            "event_type": f"jobs.{event}",
            "workspace_id": self._workspace_id,
            "job": {"job_id": job_id, "name": run.get("run_name") or ""},
            "run": {
                "run_id": run_id,
                "run_page_url": (
                    f"{self._host()}/?o={self._workspace_id}#job/{job_id}/run/{run_id}"
                ),
                "trigger": run.get("trigger") or "ONE_TIME",
                "life_cycle_state": state.get("life_cycle_state"),
                "result_state": state.get("result_state"),
                "state_message": state.get("state_message") or "",
            },
        }
        if event == _DURATION:  # sent later, while the run goes on: not the state at its start
            payload["run"].update(life_cycle_state="RUNNING", result_state=None, state_message="")
        if task is not None:
            payload["task"] = {
                "task_key": task.get("task_key"),
                "run_id": task.get("run_id"),
                "attempt_number": task.get("attempt_number", 0),
            }
        return payload

    # --- health watches

    def _watch_duration(
        self, holder: Mapping[str, Any], run: Mapping[str, Any], task: Mapping[str, Any] | None
    ) -> None:
        """Watches the run (or, given `task`, the task run) when `holder` (job settings, or the
        task) has a RUN_DURATION_SECONDS rule and names recipients for its warning."""
        threshold = _duration_threshold(holder)
        if threshold is None:
            return
        notice = self._notice(holder, _DURATION, run, task)
        if notice is not None:
            watched = run if task is None else task
            self._watch(int(watched["run_id"]), threshold, notice)

    def _watch(self, run_id: int, seconds: float, notice: _Notice) -> None:
        with self._cond:
            if not self._stopping:
                self._watches[run_id] = (time.monotonic() + seconds, notice)
                self._cond.notify()

    def _unwatch(self, run_id: int) -> None:
        if self._watches:  # no lock for the common case: nothing is watched
            with self._cond:
                self._watches.pop(run_id, None)

    # --- the delivery thread

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and not self._queue and not self._due():
                    self._cond.wait(self._wait_seconds())
                if self._stopping:
                    return
                notices = list(self._queue)
                self._queue.clear()
                notices += self._take_due()
            for notice in notices:
                try:
                    self._deliver(notice)
                except Exception:  # a bug here must not end the thread
                    _LOG.exception("delivering a %s notification failed", notice.event)

    def _due(self) -> bool:
        now = time.monotonic()
        return any(deadline <= now for deadline, _ in self._watches.values())

    def _wait_seconds(self) -> float | None:
        if not self._watches:
            return None
        first = min(deadline for deadline, _ in self._watches.values())
        return max(0.0, first - time.monotonic())

    def _take_due(self) -> list[_Notice]:
        now = time.monotonic()
        due = [run_id for run_id, (deadline, _) in self._watches.items() if deadline <= now]
        return [self._watches.pop(run_id)[1] for run_id in due]

    def _deliver(self, notice: _Notice) -> None:
        if notice.emails:
            self._record_email(notice, list(notice.emails), "email_notifications")
        for destination_id in notice.destination_ids:
            record = self._store.destination(destination_id)
            if record is None:
                _LOG.warning(
                    "%s: notification destination %s does not exist; nothing sent",
                    notice.event,
                    destination_id,
                )
                continue
            if record.destination_type == "EMAIL":
                self._record_email(notice, record.emails(), f"destination {record.id}")
                continue
            webhook = record.webhook()
            if webhook is None:
                continue
            username, password = webhook.get("username"), webhook.get("password")
            auth = (username, password or "") if username else None
            try:
                self._post(webhook["url"], notice.payload, auth, self._timeout)
            except Exception as exc:
                # Not the URL: webhook URLs often hold a secret (Slack-style tokens in the path).
                _LOG.warning(
                    "%s: webhook to destination %s failed: %s",
                    notice.event,
                    record.id,
                    type(exc).__name__,
                )

    def _record_email(self, notice: _Notice, to: Sequence[str], source: str) -> None:
        if not to:
            return
        payload = notice.payload
        job, run = payload["job"], payload["run"]
        task = payload.get("task")
        what = f"Task {task['task_key']} of job" if task else "Job"
        subject = f"{what} '{job['name']}' run {run['run_id']} {_SUBJECTS[notice.event]}"
        message = {
            "created_time": now_ms(),
            "to": list(to),
            "subject": subject,
            "source": source,
            **payload,
        }
        self._store.append_outbox(message["created_time"], json.dumps(message))


# --- reading settings ----------------------------------------------------------------------------


def _addresses(spec: Any, event: str) -> tuple[str, ...]:
    values = spec.get(event) if isinstance(spec, dict) else None
    if not isinstance(values, list):
        return ()
    return tuple(value for value in values if isinstance(value, str) and value)


def _destination_ids(spec: Any, event: str) -> tuple[str, ...]:
    values = spec.get(event) if isinstance(spec, dict) else None
    if not isinstance(values, list):
        return ()
    return tuple(
        value["id"]
        for value in values
        if isinstance(value, dict) and isinstance(value.get("id"), str)
    )


def _flag(holder: Mapping[str, Any], name: str) -> bool:
    settings = holder.get("notification_settings")
    return isinstance(settings, dict) and settings.get(name) is True


def _duration_threshold(holder: Mapping[str, Any]) -> float | None:
    """The RUN_DURATION_SECONDS rule's value, when the holder has one and a recipient for it."""
    if not (
        _addresses(holder.get("email_notifications"), _DURATION)
        or _destination_ids(holder.get("webhook_notifications"), _DURATION)
    ):
        return None
    health = holder.get("health")
    rules = health.get("rules") if isinstance(health, dict) else None
    for rule in rules if isinstance(rules, list) else []:
        if (
            isinstance(rule, dict)
            and rule.get("metric") == "RUN_DURATION_SECONDS"
            and rule.get("op", "GREATER_THAN") == "GREATER_THAN"
            and isinstance(rule.get("value"), (int, float))
            and not isinstance(rule.get("value"), bool)
        ):
            return float(rule["value"])
    return None


def _is_skipped(doc: Mapping[str, Any]) -> bool:
    state = doc.get("state") or {}
    return state.get("life_cycle_state") == "SKIPPED" or state.get("result_state") in _SKIPPED


def _ending_event(holder: Mapping[str, Any], state: Mapping[str, Any]) -> str | None:
    """on_success, on_failure or None (nothing to tell) for an ended run or task run."""
    result = state.get("result_state")
    if result in _SUCCESS:
        return "on_success"
    if state.get("life_cycle_state") == "SKIPPED" or result in _SKIPPED:
        return None if _flag(holder, "no_alert_for_skipped_runs") else "on_failure"
    if result == "CANCELED":
        return None if _flag(holder, "no_alert_for_canceled_runs") else "on_failure"
    if result in ("FAILED", "TIMEDOUT") or state.get("life_cycle_state") == "INTERNAL_ERROR":
        return "on_failure"
    return None  # EXCLUDED, DISABLED


def _retry_follows(task: Mapping[str, Any]) -> bool:
    """Whether the engine retries this failed attempt (the rules of `engine.attempts`, read from
    the attempt's document, which carries the task's settings)."""
    state = task.get("state") or {}
    result = state.get("result_state")
    if result not in ("FAILED", "TIMEDOUT") or "condition_task" in task:
        return False
    code = ((task.get("status") or {}).get("termination_details") or {}).get("code")
    if code == "INVALID_RUN_CONFIGURATION":
        return False
    if result == "TIMEDOUT" and task.get("retry_on_timeout") is not True:
        return False
    retries = task.get("max_retries")
    if not isinstance(retries, int) or isinstance(retries, bool) or retries == 0:
        return False
    return retries < 0 or int(task.get("attempt_number") or 0) < retries

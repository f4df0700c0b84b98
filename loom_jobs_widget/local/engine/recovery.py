"""Recovery after a restart: the runs a previous process left in progress are closed as
INTERNAL_ERROR, and what is left of their task processes is killed."""

from __future__ import annotations

import json
import logging

from loom_jobs_widget.local.engine import state as run_states
from loom_jobs_widget.local.engine.model import now_ms
from loom_jobs_widget.local.exec import kill_recorded
from loom_jobs_widget.local.store import Store

__all__ = ["close_interrupted_runs"]

_LOG = logging.getLogger(__name__)


def close_interrupted_runs(store: Store, message: str) -> None:
    """End every run the store holds as active, and its task runs (for_each iterations
    included) that had not ended, with `message`."""
    ending = run_states.internal_error(message)
    for record in store.active_runs():
        ended = now_ms()
        task_records = store.task_runs(record.run_id)
        for task_record in list(task_records):
            if "for_each_task" in json.loads(task_record.doc):  # and its iterations
                task_records += store.task_runs(task_record.run_id)
        for task_record in task_records:
            task_doc = json.loads(task_record.doc)
            state = task_doc.get("state") or {}
            if state.get("life_cycle_state") in run_states.TERMINAL_LIFE_CYCLE_STATES:
                continue
            kill_recorded(task_record.process)
            task_doc.update(ending.documents())
            task_doc["end_time"] = ended
            if not task_doc.get("start_time"):
                task_doc["start_time"] = ended
            task_doc["run_duration"] = ended - int(task_doc["start_time"])
            store.update_task_run(
                task_record.run_id,
                json.dumps(task_doc),
                output=json.dumps({"error": message}),
                process=None,
            )
        doc = json.loads(record.doc)
        doc.update(ending.documents())
        doc["end_time"] = ended
        doc["run_duration"] = ended - int(doc.get("start_time") or ended)
        history = doc.get("repair_history")
        if isinstance(history, list) and history:
            history[-1]["end_time"] = ended
            history[-1].update(ending.documents())
        store.update_run(record.run_id, json.dumps(doc), active=False)
        _LOG.warning("run %s was in progress when the workspace stopped", record.run_id)

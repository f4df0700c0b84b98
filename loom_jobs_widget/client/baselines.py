"""What each loaded `Job` held when it was loaded (or last saved): the base against which a save
tells the editor's edits from the changes made in the workspace meanwhile."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from loom_jobs_widget.core.json_copy import copy_document
from loom_jobs_widget.core.models import Job

__all__ = ["Baselines"]


class Baselines:
    """The settings each loaded Job held when it was loaded (or last saved).

    Keyed by the Job object, weakly, so that two editors of the same job each keep their own;
    and by job_id (the latest load), for a Job the editor copied, such as a deep copy of one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_object: dict[int, tuple[weakref.ref[Job], dict[str, Any]]] = {}
        self._by_job_id: dict[int, dict[str, Any]] = {}

    def remember(self, job: Job, settings: Mapping[str, Any], job_id: int) -> None:
        snapshot = copy_document(settings)
        key = id(job)
        with self._lock:
            self._by_object[key] = (weakref.ref(job, self._forget_object(key)), snapshot)
            self._by_job_id[job_id] = snapshot

    def _forget_object(self, key: int) -> Callable[[weakref.ref[Job]], None]:
        def forget(ref: weakref.ref[Job]) -> None:
            with self._lock:
                entry = self._by_object.get(key)
                if entry is not None and entry[0] is ref:
                    del self._by_object[key]

        return forget

    def of(self, job: Job, job_id: int) -> dict[str, Any] | None:
        with self._lock:
            entry = self._by_object.get(id(job))
            if entry is not None and entry[0]() is job:
                return copy_document(entry[1])
            found = self._by_job_id.get(job_id)
            return copy_document(found) if found is not None else None

    def forget_job(self, job_id: int) -> None:
        with self._lock:
            self._by_job_id.pop(job_id, None)


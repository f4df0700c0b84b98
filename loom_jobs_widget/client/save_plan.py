"""What a save sends: the smallest `jobs/update` (or, where update cannot say it, `jobs/reset`)
that turns a job's current settings into the target ones, fields the editor never touched left
out so that they reach the server exactly as they were (Jobs API 2.2 reference: jobs/update)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from loom_jobs_widget.core.changes import ABSENT, json_equal
from loom_jobs_widget.core.update_semantics import MERGE_KEYS, apply_update

__all__ = ["SavePlan", "plan_update"]


@dataclass(frozen=True)
class SavePlan:
    """The writes that take a job from its current settings to the target ones.

    `update`: `jobs/update` with `new_settings` and `fields_to_remove`. `reset`: `jobs/reset` with
    the complete target in `new_settings`; `fields_to_remove` then lists what a following update
    must remove, because reset keeps a `run_as` it is not given (measured on workspaces by the
    Databricks CLI). `none`: nothing differs."""

    method: Literal["none", "update", "reset"]
    new_settings: dict[str, Any] = field(default_factory=dict)
    fields_to_remove: list[str] = field(default_factory=list)

    def requests(self, job_id: int) -> list[tuple[str, dict[str, Any]]]:
        """(endpoint, body) of each POST, in order."""
        if self.method == "none":
            return []
        if self.method == "update":
            body: dict[str, Any] = {"job_id": job_id, "new_settings": self.new_settings}
            if self.fields_to_remove:
                body["fields_to_remove"] = self.fields_to_remove
            return [("update", body)]
        calls = [("reset", {"job_id": job_id, "new_settings": self.new_settings})]
        if self.fields_to_remove:
            calls.append(("update", {"job_id": job_id, "fields_to_remove": self.fields_to_remove}))
        return calls


def plan_update(current: Mapping[str, Any], target: Mapping[str, Any]) -> SavePlan:
    """The smallest writes that turn `current` (the job's settings now) into `target`.

    Changed top-level fields go whole in an update; `tasks` and `job_clusters` go entry by entry
    (only changed or added ones), removed entries and fields as `fields_to_remove`. The update is
    checked by replaying it with the API's documented semantics (`apply_update`): where the
    result would not be exactly `target` (an entry moved or inserted before the end, entries
    without a usable key), the plan is a reset of the complete target instead."""
    new_settings: dict[str, Any] = {}
    fields_to_remove: list[str] = []
    for name, value in target.items():
        if name in current and json_equal(current[name], value):
            continue
        key_field = MERGE_KEYS.get(name)
        old = current.get(name, ABSENT)
        if key_field is not None and _keyed(old, key_field) and _keyed(value, key_field):
            old_by = {entry[key_field]: entry for entry in old}
            new_keys = {entry[key_field] for entry in value}
            changed = [
                entry
                for entry in value
                if entry[key_field] not in old_by
                or not json_equal(old_by[entry[key_field]], entry)
            ]
            if changed:
                new_settings[name] = changed
            fields_to_remove.extend(f"{name}/{key}" for key in old_by if key not in new_keys)
        else:
            new_settings[name] = value
    fields_to_remove.extend(name for name in current if name not in target)
    if json_equal(dict(current), dict(target)):
        return SavePlan("none")
    if (new_settings or fields_to_remove) and json_equal(
        apply_update(current, new_settings, fields_to_remove), dict(target)
    ):
        return SavePlan("update", copy.deepcopy(new_settings), fields_to_remove)
    after_reset = "run_as" in current and "run_as" not in target
    return SavePlan("reset", copy.deepcopy(dict(target)), ["run_as"] if after_reset else [])


def _keyed(value: Any, key_field: str) -> bool:
    if not isinstance(value, list):
        return False
    keys = [entry.get(key_field) if isinstance(entry, dict) else None for entry in value]
    return all(isinstance(key, str) for key in keys) and len(set(keys)) == len(keys)


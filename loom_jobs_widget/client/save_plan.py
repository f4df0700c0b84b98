"""What a save sends: the smallest `jobs/update` (or, where update cannot say it, `jobs/reset`)
that turns a job's current settings into the target ones, fields the editor never touched left
out so that they reach the server exactly as they were (Jobs API 2.2 reference: jobs/update)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from loom_jobs_widget.core.changes import ABSENT, changed_units, diff
from loom_jobs_widget.core.update_semantics import apply_update

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

    The plan is made of the units `changed_units` finds: changed top-level fields go whole in
    an update; `tasks` and `job_clusters` go entry by entry (only changed or added ones, the
    granularity at which jobs/update merges them), removed entries and fields as
    `fields_to_remove`. `current` is a read-back, so it holds the server's defaults and its own
    `depends_on` order while `target` usually does not: those differences are not units, so a
    save sends neither a task the user did not touch nor a `fields_to_remove` for a default the
    target merely lacks (removing it would only make the server fill it in again).

    The update is checked by replaying it with the API's documented semantics (`apply_update`)
    and comparing the result with `target` as `diff` does, up to the server's defaults: where it
    would not be `target` (an entry moved or inserted before the end, entries without a usable
    key), the plan is a reset of the complete target instead."""
    units = changed_units(current, target)
    if not units:
        return SavePlan("none")
    new_settings: dict[str, Any] = {}
    fields_to_remove: list[str] = []
    for (name, key), value in units.items():
        if key is None and value is ABSENT:
            fields_to_remove.append(name)
        elif key is None:
            new_settings[name] = copy.deepcopy(value)
        elif value is ABSENT:
            fields_to_remove.append(f"{name}/{key}")
        else:
            entries = new_settings.setdefault(name, [])
            entries.append(copy.deepcopy(value))
    if not diff(apply_update(current, new_settings, fields_to_remove), target):
        return SavePlan("update", new_settings, fields_to_remove)
    after_reset = "run_as" in current and "run_as" not in target
    return SavePlan("reset", copy.deepcopy(dict(target)), ["run_as"] if after_reset else [])

"""What a save sends and what it meant to produce: the smallest `jobs/update` (or, where update
cannot say it, `jobs/reset`) that turns a job's current settings into the target ones, fields the
editor never touched left out so that they reach the server exactly as they were (Jobs API 2.2
reference: jobs/update); and the check of the job read back after the write against it
(`check_read_back`), which tells someone else's write beside ours from one over ours."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from loom_jobs_widget.client.errors import Contested
from loom_jobs_widget.core.changes import ABSENT, Unit, changed_units, diff, merge
from loom_jobs_widget.core.update_semantics import MERGE_KEYS, apply_update

__all__ = ["ReadBack", "SavePlan", "check_read_back", "plan_update"]


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


@dataclass(frozen=True)
class ReadBack:
    """A job read back after a save, against what the save meant to produce.

    `contested`: the units the save wrote that hold something else now (someone else wrote
    them after us, or the workspace lost our write); empty when the save stands. `settings`:
    what the editor's job holds from now on: the read-back, with our values of the contested
    units on top (so that the user's version of those survives, as edits not yet saved)."""

    contested: list[Contested]
    settings: dict[str, Any]


def check_read_back(
    before: Mapping[str, Any], target: Mapping[str, Any], read_back: Mapping[str, Any]
) -> ReadBack:
    """Compares the job read back after a save with what the save meant to produce: `before`
    (the settings the plan was made from) with the save's units applied, which is `target`
    wherever the save wrote and `before` elsewhere.

    A unit the save did not touch that differs is someone else's write: it is kept (it is in
    `settings`), and no conflict. A unit the save wrote that differs is `contested`. Compared
    as `diff` does, up to what a workspace fills in by itself, so a read-back that only adds the
    server's defaults is exactly what was meant."""
    ours = changed_units(before, target)
    contested = [
        _contested(unit, target, read_back)
        for unit in ours
        if not _same_unit(unit, target, read_back)
    ]
    if not contested:
        return ReadBack([], copy.deepcopy(dict(read_back)))
    # The target with every change made since `before` by the read-back taken in, except where
    # it collides with ours: the read-back with our values of the contested units on top.
    return ReadBack(contested, merge(before, read_back, target).settings)


def _unit_path(unit: Unit) -> str:
    name, key = unit
    return name if key is None else f"{name}[{key}]"


def _unit_value(document: Mapping[str, Any], unit: Unit) -> Any:
    name, key = unit
    value = document.get(name, ABSENT)
    if key is None or not isinstance(value, list):
        return value if key is None else ABSENT
    key_field = MERGE_KEYS[name]
    return next(
        (entry for entry in value if isinstance(entry, dict) and entry.get(key_field) == key),
        ABSENT,
    )


def _unit_alone(document: Mapping[str, Any], unit: Unit) -> dict[str, Any]:
    """A document holding only `unit` (and the `git_source` its notebook defaults depend on),
    to compare one unit as `changed_units` compares whole documents."""
    name, key = unit
    alone: dict[str, Any] = {}
    if "git_source" in document:
        alone["git_source"] = document["git_source"]
    value = _unit_value(document, unit)
    if value is not ABSENT:
        alone[name] = [value] if key is not None else value
    return alone


def _same_unit(unit: Unit, a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    name = unit[0]
    differing = changed_units(_unit_alone(a, unit), _unit_alone(b, unit))
    return not any(other[0] == name for other in differing)


def _contested(unit: Unit, target: Mapping[str, Any], read_back: Mapping[str, Any]) -> Contested:
    name = unit[0]
    inside = [
        change
        for change in diff(_unit_alone(target, unit), _unit_alone(read_back, unit))
        if change.top_level == name
    ]
    return Contested(
        _unit_path(unit),
        copy.deepcopy(_unit_value(target, unit)),
        copy.deepcopy(_unit_value(read_back, unit)),
        tuple(inside),
    )

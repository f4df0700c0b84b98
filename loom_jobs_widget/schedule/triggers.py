"""The Schedules & triggers tab's model: a job's trigger as one discriminated union over the
settings' raw JSON (the `to_api()` form).

A job starts runs from at most one of `schedule`, `trigger`, `triggers` and `continuous` (the
validator's `conflicting-triggers`); the tab offers six kinds:

| kind | JSON |
|---|---|
| none | none of the four fields |
| scheduled | `schedule: {quartz_cron_expression, timezone_id, pause_status}` |
| periodic | `trigger: {pause_status, periodic: {interval, unit}}` |
| continuous | `continuous: {pause_status, ...}` |
| file_arrival | `trigger: {pause_status, file_arrival: {url, ...}}` |
| table_update | `trigger: {pause_status, table_update: {table_names, ...}}` (or legacy `table`) |

Everything else is kind "other", which the tab shows as JSON and does not edit as a form: a
`model` or `job_completion` trigger, the `triggers[]` list (a preview feature), a `trigger` with
no or several types, or several of the four fields at once (an invalid job).

The functions never change what they are given. They return a new top-level dict that shares the
values they did not touch with the input (as `editing` shares tasks), so treat both as read-only;
the trigger fields they change are fresh copies. Key order is kept: a new trigger field takes the
place of the one it replaces.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any, Final, Literal, TypedDict, get_args

__all__ = [
    "EDITABLE_KINDS",
    "TRIGGER_FIELDS",
    "TRIGGER_TYPES",
    "EditableTriggerKind",
    "PauseStatus",
    "TriggerKind",
    "TriggerView",
    "pause_status",
    "set_pause_status",
    "set_trigger_kind",
    "trigger_kind",
    "trigger_view",
]

TriggerKind = Literal[
    "none", "scheduled", "periodic", "continuous", "file_arrival", "table_update", "other"
]
EditableTriggerKind = Literal[
    "none", "scheduled", "periodic", "continuous", "file_arrival", "table_update"
]
EDITABLE_KINDS: Final[tuple[EditableTriggerKind, ...]] = get_args(EditableTriggerKind)
PauseStatus = Literal["PAUSED", "UNPAUSED"]

# The settings fields that start a job's runs; the Jobs API takes at most one of them.
TRIGGER_FIELDS: Final = ("schedule", "trigger", "triggers", "continuous")

# The type keys of the single `trigger` object, and the tab's kind for each ("other": no form).
_KIND_OF_TYPE: Final[dict[str, TriggerKind]] = {
    "periodic": "periodic",
    "file_arrival": "file_arrival",
    "table_update": "table_update",
    "table": "table_update",  # the legacy name of table_update, kept as it is
    "model": "other",
    "job_completion": "other",
}
TRIGGER_TYPES: Final = tuple(_KIND_OF_TYPE)
# Where each form kind lives: (top-level field, type key inside `trigger` or None).
_PLACE: Final[dict[EditableTriggerKind, tuple[str, str | None]]] = {
    "scheduled": ("schedule", None),
    "periodic": ("trigger", "periodic"),
    "continuous": ("continuous", None),
    "file_arrival": ("trigger", "file_arrival"),
    "table_update": ("trigger", "table_update"),
}
# A schedule the form can show in simple mode (every day at 00:00); the user changes it at once.
_DEFAULT_CRON: Final = "0 0 0 * * ?"


class TriggerView(TypedDict):
    """The job's trigger as the Schedules & Triggers tab shows it."""

    kind: TriggerKind
    pause_status: PauseStatus | None  # None: nothing to pause
    spec: dict[str, Any] | None  # a copy of the kind's object (e.g. trigger.periodic); None: none
    note: str | None  # for kind "other": why the tab cannot show it as a form


def _present(settings: Mapping[str, Any]) -> list[str]:
    # As the validator counts them: a null or an empty list is not set.
    return [name for name in TRIGGER_FIELDS if settings.get(name) is not None
            and settings.get(name) != []]


def _trigger_types(trigger: Mapping[str, Any]) -> list[str]:
    return [name for name in TRIGGER_TYPES if trigger.get(name) is not None]


def trigger_kind(settings: Mapping[str, Any]) -> TriggerKind:
    """Which of the tab's kinds the job has; "other" when it is none of the six forms."""
    present = _present(settings)
    if not present:
        return "none"
    if len(present) > 1:
        return "other"
    name = present[0]
    value = settings[name]
    if not isinstance(value, Mapping):
        return "other"  # e.g. the triggers[] list, or a value of the wrong type
    if name == "schedule":
        return "scheduled"
    if name == "continuous":
        return "continuous"
    types = _trigger_types(value)
    return _KIND_OF_TYPE[types[0]] if len(types) == 1 else "other"


def _other_note(settings: Mapping[str, Any]) -> str:
    present = _present(settings)
    if len(present) > 1:
        return (f"The job sets {', '.join(present)}; only one may be set. Pick a kind to keep "
                "one of them.")
    name = present[0]
    value = settings[name]
    if name == "triggers":
        return "The triggers list (a preview feature) is shown as JSON; pick a kind to replace it."
    if not isinstance(value, Mapping):
        return f"{name} is not a JSON object; pick a kind to replace it."
    types = _trigger_types(value)
    if not types:
        return "The trigger has no type; pick a kind."
    if len(types) > 1:
        return f"The trigger sets {' and '.join(types)}; a trigger has exactly one type."
    return f"A {types[0].replace('_', ' ')} trigger is shown as JSON; pick a kind to replace it."


def trigger_view(settings: Mapping[str, Any]) -> TriggerView:
    """The kind, its pause state and a copy of its object, for the tab's sub-form."""
    kind = trigger_kind(settings)
    spec: dict[str, Any] | None = None
    if kind != "none" and kind != "other":
        field, type_key = _PLACE[kind]
        value = settings[field]
        if type_key is not None:
            types = _trigger_types(value)
            value = value[types[0]]  # table_update or its legacy twin `table`
        spec = copy.deepcopy(dict(value))
    return {"kind": kind, "pause_status": pause_status(settings), "spec": spec,
            "note": _other_note(settings) if kind == "other" else None}


def _skeleton(kind: EditableTriggerKind, status: PauseStatus, timezone_id: str,
              old_trigger: Any) -> dict[str, Any]:
    """The top-level field(s) of a new trigger of this kind: the minimum the API accepts, with
    empty values for what only the user can say (a file-arrival url, the tables)."""
    if kind == "none":
        return {}
    if kind == "scheduled":
        return {"schedule": {"quartz_cron_expression": _DEFAULT_CRON,
                             "timezone_id": timezone_id, "pause_status": status}}
    if kind == "continuous":
        return {"continuous": {"pause_status": status}}
    type_key = _PLACE[kind][1]
    assert type_key is not None
    bodies: dict[str, dict[str, Any]] = {
        "periodic": {"interval": 1, "unit": "DAYS"},
        "file_arrival": {"url": ""},
        "table_update": {"table_names": []},
    }
    body = bodies[type_key]
    if isinstance(old_trigger, Mapping):
        # Switching between kinds of the one `trigger` object keeps the object's own fields
        # (pause_status, sql_condition, fields newer than this editor) and swaps the type.
        trigger = {k: copy.deepcopy(v) for k, v in old_trigger.items() if k not in TRIGGER_TYPES}
        trigger["pause_status"] = status
        trigger[type_key] = body
        return {"trigger": trigger}
    return {"trigger": {"pause_status": status, type_key: body}}


def _replace_fields(settings: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """settings without its trigger fields, `new` placed where the first of them was."""
    out: dict[str, Any] = {}
    placed = False
    for key, value in settings.items():
        if key in TRIGGER_FIELDS:
            if not placed:
                out.update(new)
                placed = True
            continue
        out[key] = value
    if not placed:
        out.update(new)
    return out


def set_trigger_kind(settings: Mapping[str, Any], kind: EditableTriggerKind, *,
                     timezone_id: str = "UTC") -> dict[str, Any]:
    """The settings with a trigger of this kind and no other.

    Choosing the kind the job already has changes nothing (its fields, known or not, stay).
    Another kind gets its skeleton (`timezone_id` is the new schedule's zone: pass the viewer's)
    and takes over the pause state, so that switching kinds never starts runs of a paused job.
    ValueError for a kind that is not one of EDITABLE_KINDS.
    """
    if kind not in EDITABLE_KINDS:
        raise ValueError(f"unknown trigger kind {kind!r}; use one of {', '.join(EDITABLE_KINDS)}")
    if trigger_kind(settings) == kind:
        return dict(settings)
    status = pause_status(settings) or "UNPAUSED"
    old_trigger = settings.get("trigger") if _present(settings) == ["trigger"] else None
    return _replace_fields(settings, _skeleton(kind, status, timezone_id, old_trigger))


def _pausable(settings: Mapping[str, Any]) -> Iterator[tuple[str, int | None, Mapping[str, Any]]]:
    """(field, index in triggers[] or None, object) of every object holding a pause_status."""
    for name in _present(settings):
        value = settings[name]
        if isinstance(value, Mapping):
            yield name, None, value
        elif name == "triggers" and isinstance(value, list):
            for index, entry in enumerate(value):
                if isinstance(entry, Mapping):
                    yield name, index, entry


def pause_status(settings: Mapping[str, Any]) -> PauseStatus | None:
    """"PAUSED" when every trigger of the job is paused, "UNPAUSED" when one would start runs,
    None when there is nothing to pause. A missing pause_status is UNPAUSED (the API's default),
    and so is any value but "PAUSED": Databricks and the local workspace run those."""
    statuses = [obj.get("pause_status") for _, _, obj in _pausable(settings)]
    if not statuses:
        return None
    return "PAUSED" if all(s == "PAUSED" for s in statuses) else "UNPAUSED"


def set_pause_status(settings: Mapping[str, Any], status: PauseStatus) -> dict[str, Any]:
    """Pause or unpause every trigger of the job (of any kind, "other" included).

    ValueError for a status other than PAUSED / UNPAUSED, or a job with nothing to pause.
    """
    if status not in get_args(PauseStatus):
        raise ValueError(f"pause_status must be PAUSED or UNPAUSED, not {status!r}")
    targets = list(_pausable(settings))
    if not targets:
        raise ValueError("the job has no schedule, trigger or continuous setting to pause")
    out = dict(settings)
    for name, index, obj in targets:
        changed = {**obj, "pause_status": status}
        if index is None:
            out[name] = changed
        else:
            if out[name] is settings[name]:
                out[name] = list(settings[name])
            out[name][index] = changed
    return out

"""Changes between two versions of a job's settings, and the three-way merge built on them.

`diff(before, after)` lists what changed, leaf by leaf, for the review dialog: each `Change` is
structured (`kind`, `path`, `before`, `after`, `task_key`, `field`) and reads as one line
(`str(change)`). Entries of `tasks`, `job_clusters`, `environments` and `parameters` are matched by
their key (`task_key`, `job_cluster_key`, `environment_key`, `name`), so removing the first task
is one change, not a shift of every task after it. Paths use the validator's notation:
`tasks[etl].notebook_task.notebook_path`.

`merge(base, ours, theirs)` is the three-way merge of a save that found the job changed remotely.
It works on *units*: a top-level field, or one entry of `tasks` / `job_clusters` by key (the
granularity at which `jobs/update` can write, so a merged save stays a small update). Two sides
overlap when they changed the same unit to different values; a side that reorders `tasks` or
`job_clusters` (or whose list cannot be keyed) changes the whole list as one unit.

Everything here works on the API's JSON: models are read through `to_api()`, nothing is changed.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from loom_jobs_widget.core.models import ApiObject
from loom_jobs_widget.core.update_semantics import MERGE_KEYS

__all__ = [
    "ABSENT",
    "Change",
    "ChangeKind",
    "MergeResult",
    "Unit",
    "changed_units",
    "diff",
    "json_equal",
    "merge",
    "summary",
]

ChangeKind = Literal["added", "removed", "changed", "reordered"]


class _Absent:
    """The value of a field a document does not have (as opposed to an explicit null)."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False

    def __deepcopy__(self, memo: dict[int, Any]) -> _Absent:
        return self


ABSENT: Final = _Absent()

# Lists whose entries are matched by a key in a diff: entries keep their identity when moved.
_DIFF_KEYS: Final = {
    "tasks": "task_key",
    "job_clusters": "job_cluster_key",
    "environments": "environment_key",
    "parameters": "name",
}

# What an entry of a keyed list is called in a sentence.
_ENTRY_NOUNS: Final = {
    "tasks": "Task",
    "job_clusters": "Job cluster",
    "environments": "Environment",
    "parameters": "Parameter",
}


@dataclass(frozen=True)
class Change:
    """One difference between two versions of a job's settings.

    `path` locates it in the settings (`tasks[etl].timeout_seconds`, `tags["team"]`); `task_key`
    is the top-level task it belongs to, and `field` the path inside that task (or the whole path
    when it is in no task). `before` / `after` are JSON values, or `ABSENT` where the field is
    missing on that side (an added field has no `before`)."""

    kind: ChangeKind
    path: str
    before: Any = ABSENT
    after: Any = ABSENT
    task_key: str | None = None
    field: str = ""

    @property
    def top_level(self) -> str:
        """The top-level settings field the change is in (`tasks`, `name`, ...)."""
        return _top_level_of(self.path)

    def describe(self) -> str:
        """The change as one line: `Task "etl": timeout_seconds changed from 0 to 3600`."""
        entry, inner = _split_entry(self.path)
        if entry is not None and not inner:
            noun, key = entry
            if self.kind == "added":
                return f"{noun} {_quote_key(key)} added"
            if self.kind == "removed":
                return f"{noun} {_quote_key(key)} removed"
        where = f"{entry[0]} {_quote_key(entry[1])}: {inner}" if entry else self.path
        if self.kind == "added":
            return f"{where} added: {_show(self.after)}"
        if self.kind == "removed":
            return f"{where} removed (was {_show(self.before)})"
        if self.kind == "reordered":
            return f"{where} reordered: {_show_keys(self.before)} → {_show_keys(self.after)}"
        return f"{where} changed from {_show(self.before)} to {_show(self.after)}"

    def __str__(self) -> str:
        return self.describe()

    def to_dict(self) -> dict[str, Any]:
        """JSON for the front end; a side that is `ABSENT` is left out."""
        out: dict[str, Any] = {"kind": self.kind, "path": self.path}
        if self.before is not ABSENT:
            out["before"] = self.before
        if self.after is not ABSENT:
            out["after"] = self.after
        out["task_key"] = self.task_key
        out["field"] = self.field
        out["text"] = self.describe()
        return out


def diff(
    before: ApiObject | Mapping[str, Any], after: ApiObject | Mapping[str, Any]
) -> list[Change]:
    """Every change from `before` to `after` (two `JobSettings`, or their API JSON), in the
    order of `after`'s fields, removed fields last."""
    return list(_diff_object(_json(before), _json(after), "", top=True))


def summary(changes: Sequence[Change]) -> str:
    """The changes as text, one per line; "No changes." for none."""
    if not changes:
        return "No changes."
    return "\n".join(change.describe() for change in changes)


# --- the diff ------------------------------------------------------------------------------------


def _json(settings: ApiObject | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(settings, ApiObject):
        return settings.to_api()
    return dict(settings)


def _diff_object(
    before: Mapping[str, Any], after: Mapping[str, Any], path: str, *, top: bool = False
) -> Iterator[Change]:
    for name, value in after.items():
        child = _join(path, name)
        if name not in before:
            yield _change("added", child, after=value)
            continue
        old = before[name]
        key_field = _DIFF_KEYS.get(name) if top else None
        if key_field is not None and _keyed(old, key_field) and _keyed(value, key_field):
            yield from _diff_keyed(old, value, child, key_field)
        else:
            yield from _diff_value(old, value, child)
    for name, old in before.items():
        if name not in after:
            yield _change("removed", _join(path, name), before=old)


def _diff_value(before: Any, after: Any, path: str) -> Iterator[Change]:
    if isinstance(before, dict) and isinstance(after, dict):
        yield from _diff_object(before, after, path)
    elif not json_equal(before, after):
        yield _change("changed", path, before=before, after=after)


def _diff_keyed(before: list[Any], after: list[Any], path: str, key_field: str) -> Iterator[Change]:
    old = {entry[key_field]: entry for entry in before}
    new = {entry[key_field]: entry for entry in after}
    for key, entry in new.items():
        child = f"{path}[{key}]"
        if key not in old:
            yield _change("added", child, after=entry)
        else:
            yield from _diff_object(old[key], entry, child)
    for key, entry in old.items():
        if key not in new:
            yield _change("removed", f"{path}[{key}]", before=entry)
    kept_before = [key for key in old if key in new]
    kept_after = [key for key in new if key in old]
    if kept_before != kept_after:
        yield _change("reordered", path, before=kept_before, after=kept_after)


def _keyed(value: Any, key_field: str) -> bool:
    """Whether a list can be matched by key: objects with distinct string keys."""
    if not isinstance(value, list):
        return False
    seen: set[str] = set()
    for entry in value:
        if not isinstance(entry, dict):
            return False
        key = entry.get(key_field)
        if not isinstance(key, str) or key in seen:
            return False
        seen.add(key)
    return True


def json_equal(a: Any, b: Any, *, key_order: bool = False) -> bool:
    """Equality as JSON sees it: 1, 1.0 and True differ (Python says they are equal), and with
    `key_order` two objects with the same members in another order differ too."""
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and (list(a) == list(b) if key_order else a.keys() == b.keys())
            and all(json_equal(value, b[key], key_order=key_order) for key, value in a.items())
        )
    if isinstance(a, list):
        return (
            isinstance(b, list)
            and len(a) == len(b)
            and all(json_equal(x, y, key_order=key_order) for x, y in zip(a, b, strict=True))
        )
    return type(a) is type(b) and a == b


_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _join(path: str, name: str) -> str:
    if _IDENTIFIER.fullmatch(name):
        return f"{path}.{name}" if path else name
    return f"{path}[{json.dumps(name)}]"


_ENTRY: Final = re.compile(r"^(tasks|job_clusters|environments|parameters)\[([^\]]*)\]")


def _split_entry(path: str) -> tuple[tuple[str, str] | None, str]:
    """(noun, key) of the keyed entry a path is in, and the path inside it."""
    match = _ENTRY.match(path)
    if match is None:
        return None, path
    inner = path[match.end() :].lstrip(".")
    return (_ENTRY_NOUNS[match.group(1)], match.group(2)), inner


def _change(kind: ChangeKind, path: str, *, before: Any = ABSENT, after: Any = ABSENT) -> Change:
    match = _ENTRY.match(path)
    task_key = match.group(2) if match is not None and match.group(1) == "tasks" else None
    field = path[match.end() :].lstrip(".") if task_key is not None and match else path
    return Change(
        kind,
        path,
        copy.deepcopy(before),
        copy.deepcopy(after),
        task_key=task_key,
        field=field,
    )


def _top_level_of(path: str) -> str:
    match = re.match(r'^[A-Za-z_][A-Za-z0-9_]*|^\["((?:[^"\\]|\\.)*)"\]', path)
    if match is None:
        return path
    return match.group(0) if match.group(1) is None else json.loads(f'"{match.group(1)}"')


def _quote_key(key: str) -> str:
    return json.dumps(key, ensure_ascii=False)


def _show(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show_keys(keys: Any) -> str:
    if isinstance(keys, list):
        return ", ".join(str(key) for key in keys)
    return _show(keys)


# --- the merge -----------------------------------------------------------------------------------

# A unit: a top-level field ("name"), or one entry of a merge-keyed list ("tasks", "etl").
Unit = tuple[str, str | None]


@dataclass(frozen=True)
class MergeResult:
    """A three-way merge: the merged settings (API JSON), and the units both sides changed
    differently (`overlaps`, as paths like `tasks[etl]` or `name`). Only a result without
    overlaps is meant to be saved; with overlaps, `settings` takes the remote side for them."""

    settings: dict[str, Any]
    overlaps: list[str]

    @property
    def clean(self) -> bool:
        return not self.overlaps


def _unit_path(unit: Unit) -> str:
    name, key = unit
    return name if key is None else f"{name}[{key}]"


def changed_units(
    base: ApiObject | Mapping[str, Any], other: ApiObject | Mapping[str, Any]
) -> dict[Unit, Any]:
    """The units `other` changed relative to `base`, each with its value in `other` (ABSENT
    when removed there). A whole merge-keyed list is one unit when it cannot be keyed or was
    reordered."""
    old, new = _json(base), _json(other)
    units: dict[Unit, Any] = {}
    for name in list(new) + [name for name in old if name not in new]:
        before, after = old.get(name, ABSENT), new.get(name, ABSENT)
        if json_equal(before, after):
            continue
        key_field = MERGE_KEYS.get(name)
        if key_field is not None and _mergeable_lists(before, after, key_field):
            before_by = {entry[key_field]: entry for entry in before}
            after_by = {entry[key_field]: entry for entry in after}
            for key in list(after_by) + [key for key in before_by if key not in after_by]:
                value = after_by.get(key, ABSENT)
                if not json_equal(before_by.get(key, ABSENT), value):
                    units[(name, key)] = value
        else:
            units[(name, None)] = after
    return units


def _mergeable_lists(before: Any, after: Any, key_field: str) -> bool:
    if not (_keyed(before, key_field) and _keyed(after, key_field)):
        return False
    after_keys = {entry[key_field] for entry in after}
    before_keys = {entry[key_field] for entry in before}
    kept_before = [entry[key_field] for entry in before if entry[key_field] in after_keys]
    kept_after = [entry[key_field] for entry in after if entry[key_field] in before_keys]
    return kept_before == kept_after


def merge(
    base: ApiObject | Mapping[str, Any],
    ours: ApiObject | Mapping[str, Any],
    theirs: ApiObject | Mapping[str, Any],
) -> MergeResult:
    """Three-way merge of job settings: `theirs` (the remote side) with `ours` (the editor's
    changes since `base`, what was loaded) applied unit by unit."""
    base_json, ours_json, theirs_json = _json(base), _json(ours), _json(theirs)
    mine = changed_units(base_json, ours_json)
    remote = changed_units(base_json, theirs_json)
    overlaps: list[str] = []
    for unit in mine:
        for other in _overlapping(unit, remote):
            # The same change made on both sides is no conflict.
            if not json_equal(_unit_value(ours_json, other), _unit_value(theirs_json, other)):
                overlaps.append(_unit_path(unit))
                break
    merged = copy.deepcopy(theirs_json)
    conflicted = set(overlaps)
    for unit, value in mine.items():
        if _unit_path(unit) not in conflicted:
            _apply(merged, unit, value, ours_json)
    return MergeResult(merged, overlaps)


def _overlapping(unit: Unit, units: Mapping[Unit, Any]) -> list[Unit]:
    """The units of `units` that touch `unit`: the same one, or its whole list / an entry."""
    name, key = unit
    return [
        other
        for other in units
        if other[0] == name and (key is None or other[1] is None or other[1] == key)
    ]


def _unit_value(document: Mapping[str, Any], unit: Unit) -> Any:
    name, key = unit
    value = document.get(name, ABSENT)
    if key is None:
        return value
    key_field = MERGE_KEYS[name]
    if isinstance(value, list):
        for entry in value:
            if isinstance(entry, dict) and entry.get(key_field) == key:
                return entry
    return ABSENT


def _apply(merged: dict[str, Any], unit: Unit, value: Any, ours: Mapping[str, Any]) -> None:
    name, key = unit
    if key is None:
        if value is ABSENT:
            merged.pop(name, None)
        else:
            merged[name] = copy.deepcopy(value)
        return
    key_field = MERGE_KEYS[name]
    entries = merged.get(name)
    if not isinstance(entries, list):
        # The remote side dropped or replaced the whole list; an entry change overlaps with it
        # and never gets here, so this is an entry added to a list the remote side removed.
        entries = merged[name] = []
    index = next(
        (
            i
            for i, entry in enumerate(entries)
            if isinstance(entry, dict) and entry.get(key_field) == key
        ),
        None,
    )
    if value is ABSENT:
        if index is not None:
            del entries[index]
    elif index is not None:
        entries[index] = copy.deepcopy(value)
    else:
        entries.insert(
            _insert_position(entries, key, ours.get(name), key_field), copy.deepcopy(value)
        )


def _insert_position(entries: list[Any], key: str, ours: Any, key_field: str) -> int:
    """Where an added entry goes: after the entry it follows in our list, if the merged list has
    it; else at the end."""
    if not isinstance(ours, list):
        return len(entries)
    previous: str | None = None
    for entry in ours:
        if isinstance(entry, dict) and entry.get(key_field) == key:
            break
        if isinstance(entry, dict) and isinstance(entry.get(key_field), str):
            previous = entry[key_field]
    if previous is None:
        return 0 if entries else len(entries)
    for index, entry in enumerate(entries):
        if isinstance(entry, dict) and entry.get(key_field) == previous:
            return index + 1
    return len(entries)

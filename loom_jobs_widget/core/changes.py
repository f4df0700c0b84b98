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

Both compare settings as a workspace stores them, not as text: a workspace answers jobs/get with
defaults the client never sent (`timeout_seconds: 0`, each task's `run_if: "ALL_SUCCESS"`, ...),
gives `depends_on` back in an order of its own and never returns `apply_policy_default_values`
(`core.server_defaults`). None of that is the user's doing, so none of it is a change: a field
absent on one side and at its server default on the other is unchanged, a `depends_on` holding the
same entries in another order is unchanged, and `apply_policy_default_values` gone from a
`new_cluster` is unchanged (the server consumed it). Otherwise a default value is a value like any
other: `run_if` from AT_LEAST_ONE_SUCCESS to ALL_SUCCESS is a change, and so is
`apply_policy_default_values` added, which a save must send. Without this, every job read back
after a save would look edited, and every save of a job the server filled would look like a
conflict.

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
from loom_jobs_widget.core.server_defaults import (
    JOB_DEFAULTS,
    NEW_CLUSTER_DEFAULTS,
    NOT_RETURNED,
    TASK_DEFAULTS,
    default_notebook_source,
)
from loom_jobs_widget.core.update_semantics import MERGE_KEYS

__all__ = [
    "ABSENT",
    "Change",
    "ChangeKind",
    "MergeResult",
    "Unit",
    "apply_unit",
    "changed_units",
    "diff",
    "json_equal",
    "merge",
    "summary",
    "unit_path",
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

# Where an object sits, as far as the server's defaults go: which defaults a workspace fills in it
# (job, task, a task's own new_cluster, a notebook_task) and where a new_cluster may lose the
# field a workspace never returns ("cluster": a job cluster's or a for-each task's new_cluster).
_Place = Literal[
    "job", "task", "task_cluster", "notebook_task", "for_each", "inner_task", "job_cluster",
    "cluster", "other",
]  # fmt: skip
_ENTRY_PLACES: Final[Mapping[str, _Place]] = {"tasks": "task", "job_clusters": "job_cluster"}
_CHILD_PLACES: Final[Mapping[tuple[_Place, str], _Place]] = {
    ("task", "new_cluster"): "task_cluster",
    ("task", "notebook_task"): "notebook_task",
    ("task", "for_each_task"): "for_each",
    ("for_each", "task"): "inner_task",
    ("inner_task", "new_cluster"): "cluster",
    ("job_cluster", "new_cluster"): "cluster",
}
_CLUSTER_PLACES: Final = frozenset({"task_cluster", "cluster"})


@dataclass(frozen=True)
class _Sides:
    """What differs between the two documents compared in their defaults: a task's notebook
    `source` defaults to GIT in a job with a `git_source`, to WORKSPACE otherwise."""

    before_source: str
    after_source: str

    @classmethod
    def of(cls, before: Mapping[str, Any], after: Mapping[str, Any]) -> _Sides:
        return cls(default_notebook_source(before), default_notebook_source(after))


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
    order of `after`'s fields, removed fields last. What a workspace fills in, reorders or drops
    by itself is no change (see the module's docstring): the review lists what the user did."""
    old, new = _json(before), _json(after)
    return list(_diff_object(old, new, "", "job", _Sides.of(old, new)))


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
    before: Mapping[str, Any], after: Mapping[str, Any], path: str, place: _Place, sides: _Sides
) -> Iterator[Change]:
    for name in _names(before, after):
        old, new = before.get(name, ABSENT), after.get(name, ABSENT)
        yield from _diff_field(name, old, new, path, place, sides)


def _names(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The fields of both, in `after`'s order, then those only `before` has."""
    return list(after) + [name for name in before if name not in after]


def _diff_field(
    name: str, old: Any, new: Any, path: str, place: _Place, sides: _Sides
) -> Iterator[Change]:
    """The changes of one field of an object at `place` (`old` / `new` may be ABSENT)."""
    if (old is ABSENT and new is ABSENT) or _same_by_default(place, name, old, new, sides):
        return
    child = _join(path, name)
    if old is ABSENT:
        yield _change("added", child, after=new)
        return
    if new is ABSENT:
        # The server consumed it when it wrote the job; a read-back never has it.
        if not (name == NOT_RETURNED and place in _CLUSTER_PLACES):
            yield _change("removed", child, before=old)
        return
    key_field = _DIFF_KEYS.get(name) if place == "job" else None
    if key_field is not None and _keyed(old, key_field) and _keyed(new, key_field):
        entry_place = _ENTRY_PLACES.get(name, "other")
        yield from _diff_keyed(old, new, child, key_field, entry_place, sides)
    elif isinstance(old, dict) and isinstance(new, dict):
        yield from _diff_object(old, new, child, _CHILD_PLACES.get((place, name), "other"), sides)
    elif name == "depends_on" and place == "task" and _same_entries(old, new):
        return  # a workspace returns depends_on in an order of its own
    elif place == "job" and name in _ENTRY_PLACES and _same_lists(old, new, name, sides):
        return  # entries that cannot be keyed, the same by position
    elif not json_equal(old, new):
        yield _change("changed", child, before=old, after=new)


def _same_by_default(place: _Place, name: str, old: Any, new: Any, sides: _Sides) -> bool:
    """Whether a field a workspace fills in is the same once filled on both sides."""
    before_default = _server_default(place, name, sides.before_source)
    if before_default is ABSENT:
        return False
    after_default = _server_default(place, name, sides.after_source)
    empty_too = place == "notebook_task"
    return json_equal(
        _filled(old, before_default, empty_too), _filled(new, after_default, empty_too)
    )


def _server_default(place: _Place, name: str, notebook_source: str) -> Any:
    if place == "job":
        return JOB_DEFAULTS.get(name, ABSENT)
    if place == "task":
        return TASK_DEFAULTS.get(name, ABSENT)
    if place == "task_cluster":
        return NEW_CLUSTER_DEFAULTS.get(name, ABSENT)
    if place == "notebook_task" and name == "source":
        return notebook_source
    return ABSENT


def _filled(value: Any, default: Any, empty_too: bool) -> Any:
    """The value a workspace stores: its default where the field is absent or null (or, with
    `empty_too`, as for a notebook `source`, the empty string)."""
    if value is ABSENT or value is None or (empty_too and value == ""):
        return default
    return value


def _same_entries(a: Any, b: Any) -> bool:
    """Whether two lists hold the same entries, in any order."""
    if not (isinstance(a, list) and isinstance(b, list)) or len(a) != len(b):
        return False
    return sorted(map(_canonical, a)) == sorted(map(_canonical, b))


def _same_lists(a: Any, b: Any, name: str, sides: _Sides) -> bool:
    """Whether two lists of `tasks` / `job_clusters` entries are the same, entry by entry."""
    if not (isinstance(a, list) and isinstance(b, list)) or len(a) != len(b):
        return False
    place = _ENTRY_PLACES[name]
    return all(
        not _entry_changed(x, y, place, sides)
        if isinstance(x, dict) and isinstance(y, dict)
        else json_equal(x, y)
        for x, y in zip(a, b, strict=True)
    )


def _canonical(value: Any) -> str:
    # Distinguishes what json_equal does: 1, 1.0 and true are written differently.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=True)


def _diff_keyed(
    before: list[Any],
    after: list[Any],
    path: str,
    key_field: str,
    place: _Place,
    sides: _Sides,
) -> Iterator[Change]:
    old = {entry[key_field]: entry for entry in before}
    new = {entry[key_field]: entry for entry in after}
    for key, entry in new.items():
        child = f"{path}[{key}]"
        if key not in old:
            yield _change("added", child, after=entry)
        else:
            yield from _diff_object(old[key], entry, child, place, sides)
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


def unit_path(unit: Unit) -> str:
    """`tasks[etl]`, or a top-level field's name: how a unit is named in `MergeResult`."""
    name, key = unit
    return name if key is None else f"{name}[{key}]"


def changed_units(
    base: ApiObject | Mapping[str, Any], other: ApiObject | Mapping[str, Any]
) -> dict[Unit, Any]:
    """The units `other` changed relative to `base`, each with its value in `other` (ABSENT
    when removed there). A whole merge-keyed list is one unit when it cannot be keyed or was
    reordered. A unit that differs only by what a workspace fills in or reorders is unchanged
    (as in `diff`): a save must not send it, a merge must not see it as a remote edit."""
    old, new = _json(base), _json(other)
    sides = _Sides.of(old, new)
    units: dict[Unit, Any] = {}
    for name in _names(old, new):
        before, after = old.get(name, ABSENT), new.get(name, ABSENT)
        key_field = MERGE_KEYS.get(name)
        if key_field is not None and _mergeable_lists(before, after, key_field):
            place = _ENTRY_PLACES.get(name, "other")
            before_by = {entry[key_field]: entry for entry in before}
            after_by = {entry[key_field]: entry for entry in after}
            for key in list(after_by) + [key for key in before_by if key not in after_by]:
                value = after_by.get(key, ABSENT)
                if _entry_changed(before_by.get(key, ABSENT), value, place, sides):
                    units[(name, key)] = value
        elif _field_changed(name, before, after, sides):
            units[(name, None)] = after
    return units


def _field_changed(name: str, before: Any, after: Any, sides: _Sides) -> bool:
    return next(_diff_field(name, before, after, "", "job", sides), None) is not None


def _entry_changed(before: Any, after: Any, place: _Place, sides: _Sides) -> bool:
    if before is ABSENT or after is ABSENT:
        return before is not after
    return next(_diff_object(before, after, "", place, sides), None) is not None


def _unit_changed(unit: Unit, before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """Whether `after` holds something else than `before` at `unit`."""
    name, key = unit
    sides = _Sides.of(before, after)
    if key is None:
        return _field_changed(name, before.get(name, ABSENT), after.get(name, ABSENT), sides)
    place = _ENTRY_PLACES.get(name, "other")
    return _entry_changed(_unit_value(before, unit), _unit_value(after, unit), place, sides)


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
            # The same change made on both sides is no conflict (nor is a remote side that
            # also holds the server's defaults).
            if _unit_changed(other, theirs_json, ours_json):
                overlaps.append(unit_path(unit))
                break
    merged = copy.deepcopy(theirs_json)
    conflicted = set(overlaps)
    for unit, value in mine.items():
        if unit_path(unit) not in conflicted:
            apply_unit(merged, unit, value, ours_json)
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


def apply_unit(
    merged: dict[str, Any], unit: Unit, value: Any, ours: Mapping[str, Any] | None = None
) -> None:
    """Set one unit of `merged` to `value` (`ABSENT` removes it). An added entry goes after the
    entry it follows in `ours`, when given and `merged` has that one; else at the end."""
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
            _insert_position(entries, key, (ours or {}).get(name), key_field),
            copy.deepcopy(value),
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

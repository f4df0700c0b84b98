"""What `jobs/update` does to a job's settings (the API's documented semantics), in one place:
the local workspace applies it, and the client replays it to check a save plan
(`workspace.plan_update`).

- `fields_to_remove` go first: top-level field names, and single entries as `tasks/<task_key>`
  or `job_clusters/<job_cluster_key>`.
- Then each top-level field of `new_settings` replaces the old value, except that entries of
  `tasks` and `job_clusters` replace the entry with the same key in place, or are appended.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from loom_jobs_widget.core.json_copy import copy_document, copy_json

__all__ = ["MERGE_KEYS", "apply_update"]

# Lists that `jobs/update` merges by key, and so the three-way merge treats entry by entry.
MERGE_KEYS: Final = {"tasks": "task_key", "job_clusters": "job_cluster_key"}


def apply_update(
    settings: Mapping[str, Any], new_settings: Mapping[str, Any], fields_to_remove: Sequence[str]
) -> dict[str, Any]:
    """What `jobs/update` makes of `settings`: a new dict that shares nothing with the arguments.
    ValueError for a `fields_to_remove` entry `<list>/<key>` whose list is not merged by key."""
    out = copy_document(settings)
    for name in fields_to_remove:
        list_name, _, key = name.partition("/")
        if not key:
            out.pop(name, None)
            continue
        key_field = MERGE_KEYS.get(list_name)
        if key_field is None:
            raise ValueError(
                f"Cannot remove {name}: only top-level fields, tasks/<task_key> and "
                "job_clusters/<job_cluster_key> can be removed."
            )
        entries = out.get(list_name)
        if isinstance(entries, list):
            out[list_name] = [
                entry
                for entry in entries
                if not (isinstance(entry, dict) and entry.get(key_field) == key)
            ]
    for name, value in new_settings.items():
        key_field = MERGE_KEYS.get(name)
        current = out.get(name)
        if key_field is not None and isinstance(value, list) and isinstance(current, list):
            out[name] = _merge_by_key(current, copy_json(value), key_field)
        else:
            out[name] = copy_json(value)
    return out


def _merge_by_key(current: list[Any], changes: list[Any], key_field: str) -> list[Any]:
    """`current` with each entry of `changes` replacing the first entry with its key, or
    appended (an entry without a string key is always appended)."""
    merged = list(current)
    position: dict[str, int] = {}
    for index, entry in enumerate(merged):
        key = entry.get(key_field) if isinstance(entry, dict) else None
        if isinstance(key, str):
            position.setdefault(key, index)
    for entry in changes:
        key = entry.get(key_field) if isinstance(entry, dict) else None
        if isinstance(key, str) and key in position:
            merged[position[key]] = entry
        else:
            if isinstance(key, str):
                position[key] = len(merged)
            merged.append(entry)
    return merged

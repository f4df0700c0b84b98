"""The task graph of a job run: which tasks run, and in which order.

Pure functions of the settings: the tasks by key, each task's dependencies (with the condition
outcome an edge waits for), and an order that puts every task after its dependencies. run-now's
`only` limits the tasks (`+key` adds a task's upstream tasks, `key+` its downstream ones).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from loom_jobs_widget.local.engine.errors import InvalidRequest

__all__ = ["TaskGraph"]


@dataclass
class TaskGraph:
    order: list[str]
    tasks: dict[str, dict[str, Any]]
    parents: dict[str, list[tuple[str, str | None]]]
    children: dict[str, list[str]]

    @classmethod
    def of(
        cls, settings: Mapping[str, Any], only: Sequence[str] | None, *, expand: bool = True
    ) -> TaskGraph:
        """The tasks a run runs, dependencies first (ties in the settings' order). `only`
        limits them (run-now's `only`: `+key` adds the task's upstream tasks, `key+` its
        downstream ones); dependencies on tasks left out are dropped."""
        all_tasks: dict[str, dict[str, Any]] = {}
        for task in settings.get("tasks") or []:
            if isinstance(task, dict) and isinstance(task.get("task_key"), str):
                all_tasks.setdefault(task["task_key"], task)
        full_parents = {key: _dependencies_of(task) for key, task in all_tasks.items()}
        if only is None:
            chosen = set(all_tasks)
        else:
            chosen = _select(only, full_parents) if expand else set(only)
            unknown = sorted(key for key in chosen if key not in all_tasks)
            if unknown:
                raise InvalidRequest(
                    f"Task {unknown[0]!r} given in only does not exist in the job."
                )
        tasks = {key: task for key, task in all_tasks.items() if key in chosen}
        parents = {
            key: [(up, outcome) for up, outcome in full_parents[key] if up in tasks]
            for key in tasks
        }
        children: dict[str, list[str]] = {key: [] for key in tasks}
        for key, ups in parents.items():
            for up, _ in ups:
                if key not in children[up]:
                    children[up].append(key)
        order = _topological(list(tasks), parents)
        return cls(order, tasks, parents, children)

    def add_detached(self, key: str) -> None:
        self.order.append(key)
        self.tasks[key] = {"task_key": key}
        self.parents[key] = []
        self.children[key] = []


def _dependencies_of(task: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for dep in task.get("depends_on") or []:
        if isinstance(dep, dict) and isinstance(dep.get("task_key"), str):
            outcome = dep.get("outcome")
            found.append((dep["task_key"], outcome if isinstance(outcome, str) else None))
    return found


def _select(only: Sequence[str], parents: Mapping[str, list[tuple[str, str | None]]]) -> set[str]:
    children: dict[str, list[str]] = {}
    for key, ups in parents.items():
        for up, _ in ups:
            children.setdefault(up, []).append(key)
    chosen: set[str] = set()
    for entry in only:
        key = entry.strip("+")
        chosen.add(key)
        if entry.startswith("+"):
            chosen |= _closure(key, lambda k: [up for up, _ in parents.get(k, ())])
        if entry.endswith("+"):
            chosen |= _closure(key, lambda k: children.get(k, []))
    return chosen


def _closure(start: str, step: Callable[[str], Iterable[str]]) -> set[str]:
    found: set[str] = set()
    todo = [start]
    while todo:
        for nxt in step(todo.pop()):
            if nxt not in found:
                found.add(nxt)
                todo.append(nxt)
    return found


def _topological(keys: list[str], parents: Mapping[str, list[tuple[str, str | None]]]) -> list[str]:
    rank = {key: index for index, key in enumerate(keys)}
    waiting = {key: len({up for up, _ in parents[key]}) for key in keys}
    children: dict[str, set[str]] = {key: set() for key in keys}
    for key in keys:
        for up, _ in parents[key]:
            children[up].add(key)
    ready = [key for key in keys if waiting[key] == 0]
    order: list[str] = []
    while ready:
        ready.sort(key=rank.__getitem__, reverse=True)
        key = ready.pop()
        order.append(key)
        for child in children[key]:
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    # Tasks in a cycle (the validator refuses them; a stored job may predate it) come last:
    # they never become ready, so their run would not end. Dropping their edges lets it end.
    rest = [key for key in keys if key not in set(order)]
    return order + rest

"""`Problem`, one finding of the validator, and `field_path`, which reads its `field`."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Final, Literal

__all__ = ["Problem", "Severity", "field_path"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One finding about a job's settings.

    `field` is a path into the settings: `schedule.quartz_cron_expression`, `parameters[2].name`,
    `tasks[etl].depends_on[0].task_key`. A task is named by its task_key, or by its position in
    `tasks` when it has no usable key (missing, empty, or the second use of a key): `tasks[3]`.
    A task nested in a for_each task is reached through it: `tasks[loop].for_each_task.task`.

    `task_key` is the key of the task the problem belongs to, as the job graph shows it: for a
    nested task that is its for_each task, since the graph has no node of its own for it.
    """

    code: str
    severity: Severity
    message: str
    task_key: str | None = None
    field: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)


_FIELD_SEGMENT: Final = re.compile(
    r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[(\"(?:[^\"\\]|\\.)*\")\]"
)


def field_path(field: str | None) -> list[str | int] | None:
    """A problem's `field` (`schedule.quartz_cron_expression`, `parameters[2].name`,
    `notebook_task.base_parameters["a b"]`) as a JSON path, for a form to show the problem at
    its field. Reads up to the first part it cannot (a `tasks[<task_key>]`: see the editor)."""
    if not field:
        return None
    path: list[str | int] = []
    position = 0
    while position < len(field):
        match = _FIELD_SEGMENT.match(field, position)
        if match is None:
            break
        name, index, quoted = match.groups()
        if name is not None:
            path.append(name)
        elif index is not None:
            path.append(int(index))
        else:
            path.append(json.loads(quoted))
        position = match.end()
    return path

"""The For each task: its inputs, its concurrency, and the statistics runs/get shows (§4).

Pure functions; the engine runs the iterations. An iteration is a task run of the nested task,
one per element of `inputs` (a JSON array, after reference resolution), with `{{input}}` bound to
the element. The for_each task run fails when the last attempt of any iteration did not succeed,
after every iteration has run [I: the reference infers it; the docs do not say].
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = [
    "DEFAULT_CONCURRENCY",
    "MAX_CONCURRENCY",
    "ForEachError",
    "IterationResult",
    "concurrency_of",
    "parse_inputs",
    "stats",
]

# The docs' default (the UI's too); the generated SDKs say 20. The maximum, 100, is consistent.
DEFAULT_CONCURRENCY: Final = 1
MAX_CONCURRENCY: Final = 100

_SUCCEEDED: Final = frozenset({"SUCCESS", "SUCCESS_WITH_FAILURES", "EXCLUDED", "DISABLED"})


class ForEachError(ValueError):
    """The for_each task cannot start; the message is its failure message."""


def parse_inputs(text: Any) -> list[Any]:
    """The elements of resolved `inputs`: a JSON array, given as a string."""
    if isinstance(text, list):  # a job written by hand may give the array itself
        return list(text)
    if not isinstance(text, str):
        raise ForEachError("The for_each task has no inputs: give a JSON array, like [1, 2, 3].")
    try:
        value = json.loads(text)
    except ValueError:
        shown = text if len(text) <= 200 else text[:200] + "..."
        raise ForEachError(
            f"The for_each inputs are not a JSON array: {shown!r} is not valid JSON."
        ) from None
    if not isinstance(value, list):
        raise ForEachError(
            f"The for_each inputs must be a JSON array, not a JSON {type(value).__name__}: "
            f"{text[:200]!r}."
        )
    return value


def concurrency_of(spec: Mapping[str, Any]) -> int:
    """How many iterations run at once: `concurrency` (1..100), else the default. The validator
    refuses values outside the range when the job is saved; a stored job that predates it is
    clamped here rather than failed."""
    value = spec.get("concurrency")
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return min(value, MAX_CONCURRENCY)
    return DEFAULT_CONCURRENCY


@dataclass(frozen=True)
class IterationResult:
    """The latest attempt of one iteration, as the statistics count it."""

    result_state: str | None  # None while in progress
    message: str = ""
    termination_code: str = ""


def stats(total: int, latest: Iterable[IterationResult]) -> dict[str, Any]:
    """`for_each_task.stats` (SDK `ForEachStats`): counts over the latest attempt of each
    iteration started so far ("only latest retries are considered"), and the three most common
    errors. `scheduled_iterations` counts the iterations started so far, and
    `termination_category` is the failed attempt's termination code [I: both meanings]."""
    scheduled = active = succeeded = failed = 0
    errors: Counter[tuple[str, str]] = Counter()
    for iteration in latest:
        scheduled += 1
        if iteration.result_state is None:
            active += 1
        elif iteration.result_state in _SUCCEEDED:
            succeeded += 1
        else:
            failed += 1
            errors[(iteration.message, iteration.termination_code)] += 1
    document: dict[str, Any] = {
        "task_run_stats": {
            "total_iterations": total,
            "scheduled_iterations": scheduled,
            "active_iterations": active,
            "completed_iterations": succeeded + failed,
            "succeeded_iterations": succeeded,
            "failed_iterations": failed,
        }
    }
    if errors:
        document["error_message_stats"] = [
            {"error_message": message, "count": count, "termination_category": code}
            for (message, code), count in errors.most_common(3)
        ]
    return document

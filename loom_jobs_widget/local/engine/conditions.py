"""The If/else condition task: `left op right` on resolved operands, evaluated by the engine
itself when the task's dependencies have ended (it needs no compute).

EQUAL_TO and NOT_EQUAL compare the operands as strings ("12.0" is not "12"); the four ordering
ops compare them as numbers ("12.0" >= "12"). An operand that is not a number fails the task
with a message naming it: the docs only say other types "cause the condition expression to fail"
(the wording here is ours).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

from loom_jobs_widget.core.models import CONDITION_OPS
from loom_jobs_widget.local.engine import resolve as references
from loom_jobs_widget.local.engine import state as run_states
from loom_jobs_widget.local.engine.base import EngineBase
from loom_jobs_widget.local.engine.model import Attempt, Run

__all__ = ["ConditionError", "ConditionTasks", "evaluate"]

_OPS: Final = CONDITION_OPS

# A finite decimal number, optionally signed, with an optional exponent. NaN and Infinity are
# not numbers a condition can order.
_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class ConditionError(ValueError):
    """The condition cannot be evaluated; the message is the task's failure message."""


def evaluate(op: object, left: str, right: str) -> bool:
    """Whether `left op right` holds."""
    if op == "EQUAL_TO":
        return left == right
    if op == "NOT_EQUAL":
        return left != right
    if op not in _OPS:
        raise ConditionError(f"The condition's op {op!r} is not one of {', '.join(_OPS)}.")
    a = _number(left, "left", str(op))
    b = _number(right, "right", str(op))
    if op == "GREATER_THAN":
        return a > b
    if op == "GREATER_THAN_OR_EQUAL":
        return a >= b
    if op == "LESS_THAN":
        return a < b
    return a <= b  # LESS_THAN_OR_EQUAL


def _number(text: str, side: str, op: str) -> Decimal:
    # Decimal, not float: "0.1" and "0.10" are equal, and long integers keep every digit.
    stripped = text.strip()
    if not _NUMBER.fullmatch(stripped):
        raise ConditionError(
            f"The condition {op} compares numbers, but its {side} operand {text!r} is not a number."
        )
    return Decimal(stripped)


class ConditionTasks(EngineBase):
    """Condition tasks, run here and now without a worker. No state of their own: the outcome
    is written into the task run's `condition_task`, where `dispatch` reads which `depends_on`
    edges are taken."""

    def _run_condition(self, run: Run, attempt: Attempt) -> None:
        self._mark_running(run, attempt)
        spec = (attempt.resolved or attempt.task).get("condition_task") or {}
        left, right = spec.get("left"), spec.get("right")
        try:
            holds = evaluate(
                spec.get("op"),
                references.stringify(left if left is not None else ""),
                references.stringify(right if right is not None else ""),
            )
        except ConditionError as exc:
            self._end_attempt(run, attempt, run_states.task_failed(str(exc)), None)
            return
        condition = attempt.doc.get("condition_task")
        attempt.doc["condition_task"] = {
            **(condition if isinstance(condition, dict) else {}),
            "outcome": "true" if holds else "false",
        }
        self._end_attempt(run, attempt, run_states.task_succeeded(), None)

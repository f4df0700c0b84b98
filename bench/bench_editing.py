"""Prints how long the editor's edits take on 1000-task jobs, in milliseconds (budgets: a field
or a dependency 2 ms, a rename or a removal 20 ms, by the median), and what an undo snapshot
costs.

Run from the project root: `PYTHONPATH=. .venv/bin/python bench/bench_editing.py`.
Each edit is made on the same loaded settings, which no edit changes.
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_validation import chain_job, layered_job
from timing import time_calls

from loom_jobs_widget.core import editing
from loom_jobs_widget.core.models import JobSettings

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "jobs_corpus"
REPEAT = 50
FIELD_BUDGET_MS = 2.0
STRUCTURE_BUDGET_MS = 20.0


def measure(label: str, call: Callable[[], object], budget_ms: float) -> None:
    timing = time_calls(call, REPEAT, warm=True)
    verdict = "ok" if timing.median <= budget_ms else f"OVER the {budget_ms:.0f} ms budget"
    print(f"{timing.line(label, width=40)}   {verdict}")


def bench(name: str, document: dict[str, Any]) -> None:
    settings = JobSettings.from_api(document)
    tasks = settings.task_list
    first, middle, last = (str(tasks[i].task_key) for i in (0, len(tasks) // 2, -1))
    print(f"{name} ({len(tasks)} tasks)")
    measure(
        "  set_task_field (base parameter)",
        lambda: editing.set_task_field(
            settings, middle, ["notebook_task", "base_parameters", "env"], "prod"
        ),
        FIELD_BUDGET_MS,
    )
    measure(
        "  set_task_field (timeout_seconds)",
        lambda: editing.set_task_field(settings, middle, ["timeout_seconds"], 60),
        FIELD_BUDGET_MS,
    )
    measure(
        "  set_job_field (name)",
        lambda: editing.set_job_field(settings, ["name"], "x"),
        FIELD_BUDGET_MS,
    )
    # The deepest cycle check: the last task may reach the first through every layer.
    measure(
        "  add_dependency (last on first)",
        lambda: editing.add_dependency(settings, first, last),
        FIELD_BUDGET_MS,
    )
    if _refused(lambda: editing.add_dependency(settings, last, first)):
        measure(
            "  add_dependency (refused: a cycle)",
            lambda: _refused(lambda: editing.add_dependency(settings, last, first)),
            FIELD_BUDGET_MS,
        )
    measure("  add_task", lambda: editing.add_task(settings, after=[last]), FIELD_BUDGET_MS)
    measure("  clone_task", lambda: editing.clone_task(settings, middle), FIELD_BUDGET_MS)
    measure(
        "  rename_task (first task)",
        lambda: editing.rename_task(settings, first, "renamed"),
        STRUCTURE_BUDGET_MS,
    )
    measure(
        "  remove_tasks (first task)",
        lambda: editing.remove_tasks(settings, [first]),
        STRUCTURE_BUDGET_MS,
    )
    print(f"  an undo snapshot (one field edited): {_kept_bytes(settings, middle) / 1024:.1f} KiB")


def _refused(call: Callable[[], object]) -> bool:
    try:
        call()
    except editing.EditError:
        return True
    return False


def _kept_bytes(settings: JobSettings, task_key: str) -> int:
    """What the settings after one edit hold that the settings before it do not."""
    tracemalloc.start()
    edited = editing.set_task_field(settings, task_key, ["timeout_seconds"], 60)
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del edited
    return size


def main() -> None:
    documents: dict[str, dict[str, Any]] = {}
    pydabs = CORPUS / "cli__pydabs_1000_tasks.json"
    if pydabs.exists():
        documents["corpus cli__pydabs_1000_tasks"] = json.loads(pydabs.read_text())["settings"]
    documents["layered DAG"] = layered_job(1000)
    documents["chain"] = chain_job(1000)
    for name, document in documents.items():
        bench(name, document)


if __name__ == "__main__":
    main()

"""Prints how long `validate` takes on 1000-task jobs, in milliseconds (the budget is 20 ms).

Run from the project root: `PYTHONPATH=. .venv/bin/python bench/bench_validation.py`.
The settings are loaded once; only validation is timed, as the editor re-validates a loaded job.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from timing import time_calls

from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.core.validation import validate

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "jobs_corpus"
BUDGET_MS = 20.0


def layered_job(tasks: int, width: int = 20) -> dict[str, Any]:
    """Layers of `width` notebook tasks; each depends on two tasks of the layer above and passes
    on a task value of one of its ancestors two layers up, plus a job parameter."""
    out = []
    for i in range(tasks):
        task: dict[str, Any] = {
            "task_key": f"t{i:04d}",
            "notebook_task": {
                "notebook_path": f"/Workspace/etl/n{i}",
                "base_parameters": {"run_date": "{{job.parameters.run_date}}"},
            },
            "job_cluster_key": "main",
            "timeout_seconds": 3600,
        }
        if i >= width:
            above = i - width
            task["depends_on"] = [
                {"task_key": f"t{above:04d}"},
                {"task_key": f"t{above - above % width + (above + 1) % width:04d}"},
            ]
        if i >= 2 * width:
            base = task["notebook_task"]["base_parameters"]
            base["rows"] = f"{{{{tasks.t{i - 2 * width:04d}.values.rows}}}}"
        out.append(task)
    return {
        "name": "layered",
        "tasks": out,
        "job_clusters": [{"job_cluster_key": "main", "new_cluster": {"num_workers": 2}}],
        "parameters": [{"name": "run_date", "default": "{{job.start_time.iso_date}}"}],
        "schedule": {"quartz_cron_expression": "0 0 3 * * ?", "timezone_id": "Europe/Paris"},
    }


def chain_job(tasks: int) -> dict[str, Any]:
    """Each task depends on the one before it: the deepest graph a job can have."""
    out = []
    for i in range(tasks):
        task: dict[str, Any] = {
            "task_key": f"step_{i}",
            "spark_python_task": {"python_file": f"/Workspace/steps/{i}.py"},
            "environment_key": "default",
        }
        if i:
            task["depends_on"] = [{"task_key": f"step_{i - 1}"}]
            task["spark_python_task"]["parameters"] = ["--first", "{{tasks.step_0.values.id}}"]
        out.append(task)
    return {"name": "chain", "tasks": out, "environments": [{"environment_key": "default"}]}


def measure(label: str, fn: Callable[[], object], repeat: int = 50) -> None:
    # One untimed call first warms the caches (the Quartz verdicts, the model field tables).
    timing = time_calls(fn, repeat, warm=True)
    verdict = "ok" if timing.p95 <= BUDGET_MS else f"OVER the {BUDGET_MS:.0f} ms budget"
    print(f"{timing.line(label, width=36)}   {verdict}")


def main() -> None:
    documents: dict[str, dict[str, Any]] = {}
    pydabs = CORPUS / "cli__pydabs_1000_tasks.json"
    if pydabs.exists():
        documents["corpus cli__pydabs_1000_tasks"] = json.loads(pydabs.read_text())["settings"]
    documents["layered DAG, 1000 tasks"] = layered_job(1000)
    documents["chain, 1000 tasks"] = chain_job(1000)
    for name, document in documents.items():
        settings = JobSettings.from_api(document)
        problems = validate(settings)
        measure(f"{name} ({len(problems)} problems)", partial(validate, settings))


if __name__ == "__main__":
    main()

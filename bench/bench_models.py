"""Prints how long loading and dumping job settings take (from_api / to_api), in milliseconds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from timing import measure

from loom_jobs_widget.core.models import JobSettings

REPEAT = 30
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "jobs_corpus"


def layered_job(tasks: int) -> dict[str, Any]:
    """A job like a real large DAG: notebook tasks in layers of 20, each on a shared cluster."""
    out = []
    for i in range(tasks):
        task: dict[str, Any] = {
            "task_key": f"t{i:04d}",
            "notebook_task": {"notebook_path": f"/Workspace/etl/n{i}", "base_parameters": {}},
            "job_cluster_key": "main",
            "timeout_seconds": 3600,
        }
        if i >= 20:
            task["depends_on"] = [{"task_key": f"t{i - 20:04d}"}, {"task_key": f"t{i - 19:04d}"}]
        out.append(task)
    return {"name": "layered", "tasks": out, "job_clusters": [{"job_cluster_key": "main"}]}


def main() -> None:
    documents = {"layered 1000 tasks": layered_job(1000)}
    pydabs = CORPUS / "cli__pydabs_1000_tasks.json"
    if pydabs.exists():
        documents["corpus cli__pydabs_1000_tasks"] = json.loads(pydabs.read_text())["settings"]
    for name, document in documents.items():
        settings = JobSettings.from_api(document)
        measure(f"from_api  {name}", lambda d=document: JobSettings.from_api(d), REPEAT)
        measure(f"to_api    {name}", settings.to_api, REPEAT)
    if CORPUS.exists():
        corpus = [json.loads(p.read_text())["settings"] for p in sorted(CORPUS.glob("*.json"))]
        measure(
            f"round trip of all {len(corpus)} corpus jobs",
            lambda: [JobSettings.from_api(d).to_api() for d in corpus],
            repeat=10,
        )


if __name__ == "__main__":
    main()

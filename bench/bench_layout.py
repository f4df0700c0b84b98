"""Prints how long the Python layered layout takes, in milliseconds (the budget is 100 ms for
1000 tasks / 1500 edges), cold (cache cleared before every call) and cached.

Run from the project root: `.venv/bin/python bench/bench_layout.py [--repeat N]`.
The graphs are built once; `job_elements` is timed too, as that is what the widget calls.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from timing import Timing, time_calls

from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.graph import job_elements
from loom_jobs_widget.graph.layout import clear_cache, layered_positions

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "jobs_corpus"
BUDGET_MS = 100.0

Graph = tuple[list[str], list[tuple[str, str]]]


def chain(n: int) -> Graph:
    keys = [f"t{i:04d}" for i in range(n)]
    return keys, list(itertools.pairwise(keys))


def layered_dag(n: int, edges: int, width: int = 25, seed: int = 7) -> Graph:
    """`n` tasks in rows of about `width`; every task but the first row depends on one of the
    row before, and the other edges join a task to one 1 to 3 rows later (a typical ETL job)."""
    rng = random.Random(seed)
    keys = [f"t{i:04d}" for i in range(n)]
    rows = [keys[i : i + width] for i in range(0, n, width)]
    found: set[tuple[str, str]] = set()
    for r in range(1, len(rows)):
        for key in rows[r]:
            found.add((rng.choice(rows[r - 1]), key))
    while len(found) < edges:
        r = rng.randrange(len(rows) - 1)
        to = min(len(rows) - 1, r + rng.choice((1, 1, 1, 2, 3)))
        found.add((rng.choice(rows[r]), rng.choice(rows[to])))
    return keys, sorted(found)


def random_graph(n: int, edges: int, seed: int = 11) -> Graph:
    """Random edges between any two tasks: cycles and long edges (an invalid, messy job)."""
    rng = random.Random(seed)
    keys = [f"t{i:04d}" for i in range(n)]
    return keys, [(rng.choice(keys), rng.choice(keys)) for _ in range(edges)]


def wide(n: int) -> Graph:
    return [f"t{i:04d}" for i in range(n)], []


def corpus_graph(name: str) -> tuple[Graph, dict[str, Any]]:
    settings = json.loads((CORPUS / name).read_text())["settings"]
    model = JobSettings.from_api(settings)
    keys = [t.task_key for t in model.task_list if isinstance(t.task_key, str)]
    return (keys, [(e.upstream, e.downstream) for e in model.edges()]), settings


def cold(call: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        clear_cache()
        return call()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    corpus, corpus_settings = corpus_graph("cli__pydabs_1000_tasks.json")
    graphs: dict[str, Graph] = {
        "chain 1000": chain(1000),
        "layered DAG 1000 / 1500 edges": layered_dag(1000, 1500),
        "layered DAG 2000 / 3000 edges": layered_dag(2000, 3000),
        "random graph 1000 / 1500 (cycles)": random_graph(1000, 1500),
        "wide: 1000 independent": wide(1000),
        "corpus pydabs_1000_tasks": corpus,
        "layered DAG 100 / 150 edges": layered_dag(100, 150, width=8),
    }
    print(f"layered_positions, cold (budget {BUDGET_MS:.0f} ms at 1000 tasks / 1500 edges)")
    worst: list[tuple[str, Timing]] = []
    for label, (nodes, edges) in graphs.items():
        timing = time_calls(cold(lambda n=nodes, e=edges: layered_positions(n, e)), args.repeat)
        print(timing.line(f"  {label}"))
        worst.append((label, timing))

    print("layered_positions, cached (same structure again)")
    nodes, edges = graphs["layered DAG 1000 / 1500 edges"]
    layered_positions(nodes, edges)
    print(
        time_calls(lambda: layered_positions(nodes, edges), args.repeat).line(
            "  layered DAG 1000 / 1500 edges"
        )
    )

    print("job_elements (models + edges + layout), cold")
    print(
        time_calls(cold(lambda: job_elements(corpus_settings)), args.repeat).line(
            "  corpus pydabs_1000_tasks"
        )
    )
    dag_nodes, dag_edges = graphs["layered DAG 1000 / 1500 edges"]
    deps: dict[str, list[dict[str, str]]] = {}
    for upstream, downstream in dag_edges:
        deps.setdefault(downstream, []).append({"task_key": upstream})
    dag_settings = {
        "tasks": [
            {"task_key": k, "depends_on": deps.get(k, []), "notebook_task": {"notebook_path": "/n"}}
            for k in dag_nodes
        ]
    }
    print(
        time_calls(cold(lambda: job_elements(dag_settings)), args.repeat).line(
            "  layered DAG 1000 / 1500 edges"
        )
    )

    over = [label for label, t in worst if "1000" in label and t.median > BUDGET_MS]
    print("over budget: " + (", ".join(over) if over else "none"))


if __name__ == "__main__":
    main()

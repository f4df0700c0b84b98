"""Prints what the JobEditor's Python side costs per message, and what it sends.

Run from the project root: `PYTHONPATH=. .venv/bin/python bench/bench_editor.py`.

For layered jobs of 50, 200 and 1000 tasks (about 1.5 dependencies per task, see
`bench_layout.layered_dag`):

- open: a session made on the settings (validation, layout, elements; cold layout cache), and
  the bytes of the `graph` message(s) the view gets;
- a one-field edit inside a task (`set_field`, the quick path: one task validated and redrawn),
  its bytes on the wire (patch + problems; the issue's budget: 2 KB), then undo;
- structure edits: add a dependency, rename a task (dependents and references follow), add a
  task after another.

The edit round trip in the browser (field -> validated -> problems shown) and the canvas are
measured by bench_editor_browser.py.
"""

from __future__ import annotations

import json
from typing import Any

from bench_canvas import settings_of
from bench_layout import layered_dag
from timing import time_calls

from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.editor import EditorSession
from loom_jobs_widget.graph.layout import clear_cache

REPEAT = 30
FIELD_BYTES_BUDGET = 2048


def session_of(document: dict[str, Any], sent: list[dict[str, Any]]) -> EditorSession:
    return EditorSession(
        JobSettings.from_api(document),
        job=None,
        send=sent.append,
        on_state=lambda _: None,
        workspace=lambda: None,  # type: ignore[arg-type,return-value]
    )


def bench(size: int) -> None:
    keys, edges = layered_dag(size, int(size * 1.5))
    document = settings_of(keys, edges, f"layered {size}")
    sent: list[dict[str, Any]] = []

    def open_cold() -> None:
        clear_cache()
        sent.clear()
        session_of(document, sent).send_graph()

    print(f"{size} tasks, {len(edges)} dependencies")
    opened = time_calls(open_cold, 5)
    graph_bytes = sum(len(json.dumps(m)) for m in sent)
    print(f"  {opened.line('open (validate, lay out, graph)', 40)}   {graph_bytes / 1024:.0f} KB")

    session = session_of(document, sent)
    middle = keys[len(keys) // 2]
    session.select([middle])
    counter = iter(range(10**9))

    def edit_field() -> None:
        session.handle(
            {
                "kind": "edit",
                "op": "set_field",
                "task_key": middle,
                "path": ["notebook_task", "base_parameters", "day"],
                "value": f"2026-11-{next(counter) % 28 + 1:02d}",
            }
        )

    edit_field()  # the first builds the task checker (once per structure)
    sent.clear()
    timing = time_calls(edit_field, REPEAT)
    per_edit = [m for m in sent[-2:]]
    edit_bytes = sum(len(json.dumps(m)) for m in per_edit)
    verdict = "ok" if edit_bytes <= FIELD_BYTES_BUDGET else "OVER the 2 KB budget"
    print(f"  {timing.line('one-field edit', 40)}   {edit_bytes} bytes sent ({verdict})")
    print(f"  {time_calls(session.undo, REPEAT).line('undo', 40)}")

    upstream, downstream = keys[1], keys[-1]
    clear_cache()

    def add_and_remove_dependency() -> None:
        session.apply("add_dependency", {"upstream": upstream, "downstream": downstream})
        session.apply("remove_dependency", {"upstream": upstream, "downstream": downstream})

    print(f"  {time_calls(add_and_remove_dependency, 5).line('add + remove a dependency', 40)}")
    names = iter(range(10**9))

    def rename() -> None:
        key = session.settings.task_list[len(keys) // 3].task_key
        session.apply("rename_task", {"task_key": key, "new_key": f"renamed_{next(names)}"})

    print(f"  {time_calls(rename, 5).line('rename a task', 40)}")
    def add_task() -> None:
        session.apply("add_task", {"after": [middle]})

    print(f"  {time_calls(add_task, 5).line('add a task', 40)}")


def main() -> None:
    for size in (50, 200, 1000):
        bench(size)


if __name__ == "__main__":
    main()

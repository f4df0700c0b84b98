"""Prints the kernel memory one open 1000-task `JobEditor` holds (goal: 50 MB or less).

The editor is made on the job's settings (`JobEditor(settings=...)`: no workspace is needed to
open one) and its view says `ready`, so that it validates, lays the graph out and sends the
graph, as in a notebook. Two figures, each from a process of its own:

- traced: what Python allocated and still holds once the editor is open, the job's document
  dropped and garbage collected (tracemalloc), and the peak while opening;
- RSS: the growth of the process's resident memory while opening (what the OS sees, allocator
  slack included; tracemalloc off).

For scale, the same for the loaded `JobSettings` alone. Run from the project root:
`.venv/bin/python bench/bench_editor_memory.py`.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

from bench_models import layered_job

from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.editor import JobEditor

GOAL_MB = 50.0
_MB = 1024 * 1024
TASKS = 1000


def _open_editor(document: dict[str, Any]) -> object:
    editor = JobEditor(settings=document)
    editor._on_view_message(editor, {"kind": "ready"}, [])  # what the view sends once drawn
    return editor


def _load_settings(document: dict[str, Any]) -> object:
    return JobSettings.from_api(document)


WHAT: dict[str, Callable[[dict[str, Any]], object]] = {
    "editor": _open_editor,
    "settings": _load_settings,
}


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure(what: str, traced: bool) -> dict[str, float]:
    """Opens one `what` in this process; returns the figures in MB."""
    make = WHAT[what]
    make(layered_job(20))  # imports, caches and lazy module state are not the job's cost
    gc.collect()
    if traced:
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        held = _open(make)
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del held
        return {"held": (current - before) / _MB, "peak": (peak - before) / _MB}
    before = _rss()
    held = _open(make)
    grown = _rss() - before
    del held
    return {"rss": grown / _MB}


def _open(make: Callable[[dict[str, Any]], object]) -> object:
    # As in a notebook, the document read from the workspace is dropped once the editor is open:
    # what the editor keeps of it counts, the rest does not.
    held = make(layered_job(TASKS))
    gc.collect()
    return held


def _in_child(what: str, traced: bool) -> dict[str, float]:
    # A fresh process per figure: what an earlier one freed would hide the growth of the next.
    argv = [sys.executable, __file__, "--child", what, "traced" if traced else "rss"]
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return figures


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(measure(sys.argv[2], sys.argv[3] == "traced")))
        return
    print(f"layered job of {TASKS} tasks (bench_models.layered_job)")
    for what in WHAT:
        traced = _in_child(what, traced=True)
        rss = _in_child(what, traced=False)
        verdict = ""
        if what == "editor":
            verdict = "   ok" if traced["held"] <= GOAL_MB else f"   OVER the {GOAL_MB:.0f} MB goal"
        print(
            f"  {what:<9} held {traced['held']:6.1f} MB   peak {traced['peak']:6.1f} MB   "
            f"RSS growth {rss['rss']:6.1f} MB{verdict}"
        )


if __name__ == "__main__":
    main()

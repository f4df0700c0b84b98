"""Prints what the JobEditor costs in a real JupyterLab in headless Chromium, in milliseconds.

Run from the project root: `PYTHONPATH=. .venv/bin/python bench/bench_editor_browser.py
[--sizes 10,1000] [--repeat N]`. Needs the built bundle, Debian's chromium and JupyterLab (the
test extra). It starts its own JupyterLab and local workspace, and stops both by their PIDs.

For layered jobs (about 1.5 dependencies per task, `bench_layout.layered_dag`), saved in the local
workspace:

- open: from running the cell `JobEditor(job_id, ws)` (the page's clock, just before the run
  command) to the first frame showing the job: loading it through the SDK, validating, laying
  out, the widget's comm and module, the graph message and drawing (printed as `BREAKDOWN`).
  First opens (the kernel's cached layouts forgotten, as for a job not opened before) and reopens
  (the layout cached) take turns, the same number of each, so that both meet as many earlier
  editors still open in the kernel (ipywidgets keeps each until it is closed). The notebook's
  own first run, when it opens, is not timed: these opens find the bundle loaded in the page.
  Then opens in a fresh page and kernel (the notebook's first cell run, then its editor cell
  timed), where the browser also compiles the bundle and the kernel builds its model classes.
  A large job's first frame holds only the elements its view shows (printed: how many); then
  "first frame -> every element in": until the rest (all off-screen) is on the canvas.
- frame: cytoscape's own time to redraw after a pan or a zoom by code (`lastRedrawTime`); the
  budget is 16 ms at 1000 tasks.
- round trip: a field of the open task's panel changed (Tab sends it at once, no debounce) to
  its problem shown (the view's `data-last-roundtrip-ms`): the websocket to the kernel and
  back, one task validated and its node patched. Budget 60 ms, flat in job size.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench_canvas import settings_of
from bench_layout import layered_dag
from timing import Timing

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loom_jobs_widget.client import connect  # noqa: E402
from tests.e2e.lab import (  # noqa: E402
    _KERNEL_READY,
    CHROMIUM_ARGS,
    open_and_run_notebook,
    running_lab,
    write_notebook,
)

EDITOR = ".loom-je"


def run_display_cell(page: Any) -> float:
    """Runs the notebook's second cell; returns the page time just before."""
    return float(
        page.evaluate(
            """() => {
                const panel = window.jupyterapp.shell.currentWidget;
                panel.content.activeCellIndex = 1;
                const t0 = performance.now();
                window.jupyterapp.commands.execute('notebook:run-cell');
                return t0;
            }"""
        )
    )


BREAKDOWN = (
    ("kernel: JobEditor(...) built", "built"),
    ("cell run -> view rendering (rest)", "to_render"),
    ("view rendering -> graph message", "to_graph"),
    ("graph message -> elements in", "to_built"),
    ("  of which elements defined", "definitions"),
    ("  of which cytoscape add", "add"),
    ("elements in -> first frame", "draw"),
)
"""The parts of an open, in order; those not indented add up to it. The kernel's part is printed
by the cell (`built-ms=`); the rest are the view's marks (`data-render-at`, `data-graph-ms`,
`data-build-ms`, `data-draw-ms`). "graph message -> elements in" holds the wait for the canvas's
first (empty) frame too."""


def read_breakdown(page: Any, t0: float, total: float) -> dict[str, float]:
    marks = page.evaluate(
        """() => {
            const root = document.querySelector('.loom-je');
            const outputs = [...document.querySelectorAll('.jp-OutputArea-output')];
            const built = outputs.map((o) => /built-ms=([0-9.]+)/.exec(o.textContent ?? ''))
                .filter(Boolean).pop();
            return { render: root.dataset.renderAt, graph: root.dataset.graphMs,
                     build: root.dataset.buildMs, draw: root.dataset.drawMs,
                     built: built ? built[1] : null };
        }"""
    )
    definitions, add = (float(x) for x in (marks["build"] or "nan+nan").split("+"))
    draw = float(marks["draw"] or "nan")
    graph = float(marks["graph"] or "nan")
    to_render = float(marks["render"] or "nan") - t0
    built = float(marks["built"] or "nan")
    return {
        "built": built,
        "to_render": to_render - built,
        "to_graph": total - to_render - graph,
        "to_built": graph - draw,
        "definitions": definitions,
        "add": add,
        "draw": draw,
    }


class Opens:
    """The opens of one kind: each open's time, its view's part (graph message to first frame),
    first frame to every element in, and its breakdown (`BREAKDOWN`)."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.view: list[float] = []
        self.rest: list[float] = []
        self.parts: dict[str, list[float]] = {key: [] for _, key in BREAKDOWN}

    def timing(self, name: str) -> Timing:
        found = {"open": self.times, "view": self.view, "rest": self.rest}
        return Timing.of(found[name] if name in found else self.parts[name])


def measure_open(page: Any, tasks: int, repeat: int) -> tuple[Opens, Opens]:
    """`repeat` opens of each kind, in turns: a first open (the kernel's layouts forgotten, as
    for a job not opened before) and a reopen (the job's layout cached). In turns, so that both
    meet as many earlier editors still open in the kernel and a busy machine alike."""
    first, again = Opens(), Opens()
    for i in range(2 * repeat):
        # The old output goes away with the new run: wait for a fresh editor.
        page.evaluate("() => document.querySelectorAll('.loom-je').forEach(e => e.remove())")
        t0 = run_display_cell(page)  # the cell forgets the layouts on every other run
        page.wait_for_selector(
            f'{EDITOR}[data-node-count="{tasks}"][data-drawn-at]', timeout=120_000
        )
        drawn = float(page.locator(EDITOR).get_attribute("data-drawn-at") or "nan")
        opens = first if i % 2 else again
        opens.times.append(drawn - t0)
        opens.view.append(float(page.locator(EDITOR).get_attribute("data-graph-ms") or "nan"))
        for key, value in read_breakdown(page, t0, drawn - t0).items():
            opens.parts[key].append(value)
        complete = page.evaluate(
            """(tasks) => new Promise((done) => {
                const canvas = document.querySelector('.loom-je-canvas');
                const start = performance.now();
                const check = () => {
                    if (canvas.dataset.completeAt) done(Number(canvas.dataset.completeAt));
                    // Drawn whole at once (no split first frame): nothing more comes.
                    else if (canvas.__cy.nodes().length === tasks
                             && performance.now() - start > 500) done(null);
                    else setTimeout(check, 2);
                };
                check();
            })""",
            tasks,
        )
        opens.rest.append(float(complete) - drawn if complete is not None else 0.0)
    split = page.locator(".loom-je-canvas").get_attribute("data-first-frame")
    print(f"  (the first frame held {split or 'all'} of the elements)")
    return first, again


def measure_fresh_pages(page: Any, lab: Any, name: str, tasks: int, repeat: int) -> Timing:
    """Opens in a fresh page and a fresh kernel: the notebook opened anew after its kernel was
    shut down, its first cell run (imports, connect), then the editor's cell timed. So the
    browser compiles the bundle, and the kernel builds its model classes and lays the job out."""
    times = []
    for i in range(repeat):
        page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        # A workspace of its own each time: JupyterLab restores no tab of an earlier one.
        workspace = f"fresh-{Path(name).stem}-{i}"
        page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{name}?token={lab.token}")
        page.wait_for_function(_KERNEL_READY, timeout=90_000)
        page.evaluate(
            """() => {
                const panel = window.jupyterapp.shell.currentWidget;
                panel.content.activeCellIndex = 0;
                window.jupyterapp.commands.execute('notebook:run-cell');
            }"""
        )
        page.wait_for_function(
            """() => {
                const panel = window.jupyterapp.shell.currentWidget;
                return panel.content.widgets[0].model.executionCount !== null
                    && panel.sessionContext.session.kernel.status === 'idle';
            }""",
            timeout=90_000,
        )
        t0 = run_display_cell(page)
        page.wait_for_selector(
            f'{EDITOR}[data-node-count="{tasks}"][data-drawn-at]', timeout=120_000
        )
        times.append(float(page.locator(EDITOR).get_attribute("data-drawn-at") or "nan") - t0)
    return Timing.of(times)


def measure_frames(page: Any, repeat: int) -> Timing:
    times = page.evaluate(
        """async (repeat) => {
            const cy = document.querySelector('.loom-je-canvas').__cy;
            const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
            const renderer = cy.renderer();
            const found = [];
            for (let i = 0; i < repeat; i++) {
                const centre = { x: cy.width() / 2, y: cy.height() / 2 };
                if (i % 2) cy.panBy({ x: 37, y: -11 });
                else cy.zoom({ level: cy.zoom() * (i % 4 ? 1.1 : 0.9), renderedPosition: centre });
                await frame(); await frame();
                found.push(renderer.lastRedrawTime);
            }
            return found;
        }""",
        repeat,
    )
    return Timing.of(float(t) for t in times)


def measure_roundtrip(page: Any, task_key: str, repeat: int) -> Timing:
    point = page.evaluate(
        """(key) => {
            const container = document.querySelector('.loom-je-canvas');
            const cy = container.__cy;
            cy.fit(cy.getElementById(key), 200);
            const rect = container.getBoundingClientRect();
            const p = cy.getElementById(key).renderedPosition();
            return [rect.left + p.x, rect.top + p.y];
        }""",
        task_key,
    )
    page.mouse.click(point[0], point[1])
    page.wait_for_selector(f'{EDITOR}[data-panel-loaded="{task_key}"]')
    field = page.locator('[data-path="notebook_task.notebook_path"] input').first
    times = []
    for i in range(repeat + 2):
        before = page.locator(EDITOR).get_attribute("data-roundtrips") or "0"
        field.fill("" if i % 2 == 0 else f"/bench/{i}")
        field.press("Tab")
        page.wait_for_function(
            "(before) => (document.querySelector('.loom-je').dataset.roundtrips ?? '0') !== before",
            arg=before,
        )
        field.click()
        if i >= 2:  # the first builds the one-task checker
            times.append(float(page.locator(EDITOR).get_attribute("data-last-roundtrip-ms") or 0))
    return Timing.of(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--ask",
        action="store_true",
        help="the view asks for the graph (`ready`), as one displayed after a change does",
    )
    parser.add_argument("--screenshots", type=Path, help="save editor-<size>.png here")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or "/usr/bin/chromium"

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="loom-bench-") as folder:
        base = Path(folder)
        ws = connect("local", data_dir=base / "workspace")
        try:
            with running_lab(base / "lab") as lab, sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, headless=True, args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.set_default_timeout(60_000)
                for size in (int(s) for s in args.sizes.split(",")):
                    keys, edges = (
                        layered_dag(size, int(size * 1.5))
                        if size >= 50
                        else (
                            [f"t{i:04d}" for i in range(size)],
                            [(f"t{i:04d}", f"t{i + 1:04d}") for i in range(size - 1)],
                        )
                    )
                    job = ws.jobs.create(settings_of(keys, edges, f"bench {size}"))
                    name = f"bench_{size}.ipynb"
                    write_notebook(
                        lab,
                        name,
                        [
                            "from loom_jobs_widget import JobEditor, connect\n"
                            f"ws = connect('local', data_dir={str(base / 'workspace')!r})",
                            # The kernel's part of the open, printed for the breakdown.
                            "import time as _time\n"
                            "from loom_jobs_widget.graph.layout import clear_cache\n"
                            "_opens = globals().get('_opens', 0) + 1\n"
                            "if _opens % 2:  # a first open: no layout cached\n"
                            "    clear_cache()\n"
                            "_t0 = _time.perf_counter()\n"
                            f"_editor = JobEditor({job.job_id}, ws)\n"
                            "print(f'built-ms={(_time.perf_counter() - _t0) * 1000:.1f}')\n"
                            + ("_editor.first_view = ''\n" if args.ask else "")
                            + "_editor",
                        ],
                    )
                    open_and_run_notebook(page, lab, name)
                    page.wait_for_selector(f'{EDITOR}[data-node-count="{size}"]', timeout=120_000)
                    first, again = measure_open(page, size, max(3, args.repeat // 3))
                    print(f"{size} tasks, {len(edges)} dependencies")
                    for label, opens in (("open, first (no layout)", first), ("open again", again)):
                        print(f"  {opens.timing('open').line(label, 40)}")
                        view = opens.timing("view")
                        print(f"  {view.line('  of which graph message to frame', 40)}")
                        for part, key in BREAKDOWN:
                            print(f"  {opens.timing(key).line('    ' + part, 40)}")
                        rest = opens.timing("rest")
                        print(f"  {rest.line('first frame -> every element in', 40)}")
                    fresh = measure_fresh_pages(page, lab, name, size, max(2, args.repeat // 5))
                    print(f"  {fresh.line('open in a fresh page and kernel', 40)}")
                    if args.screenshots:
                        args.screenshots.mkdir(parents=True, exist_ok=True)
                        shot = args.screenshots / f"editor-{size}.png"
                        page.locator(EDITOR).screenshot(path=str(shot))
                    print(f"  {measure_frames(page, args.repeat * 2).line('pan/zoom frame', 40)}")
                    notebook = keys[len(keys) // 8 * 4]  # a notebook task (see settings_of)
                    roundtrip = measure_roundtrip(page, notebook, args.repeat)
                    print(f"  {roundtrip.line('edit round trip', 40)}")
                browser.close()
        finally:
            ws.close()


if __name__ == "__main__":
    main()

"""Prints how long the Runs tab's matrix (runs by tasks, coloured by result) takes to show in
headless Chromium, in milliseconds. The issue's budget: 100 runs x 500 tasks in 1 s or less.

Run from the project root: `.venv/bin/python bench/bench_runs_matrix.py [--repeat N]
[--screenshot FILE]`. Needs the built bundle and Debian's chromium.

The page is the real editor bundle (`static/editor.js`) in a static page with a small fake model
standing in for Python: it answers `ready` with a job of 500 tasks and `matrix` with 100 runs of
made-up results, after a 1 ms delay. Timed: from the Matrix button's click to the second
animation frame after the reply arrived (the matrix drawn and painted).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

from bench_canvas import CHROMIUM_ARGS
from timing import Timing

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "loom_jobs_widget" / "static" / "editor.js"
ORIGIN = "http://loom.bench"

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>loom matrix bench</title>
<style>body { margin: 0; padding: 16px; background: #fff; }</style></head>
<body><div id="host" style="width: 1200px; height: 760px"></div><script type="module">
import editor from "./editor.js";
const TASKS = 500, RUNS = 100;
const STATES = ["SUCCESS", "SUCCESS", "SUCCESS", "FAILED", "UPSTREAM_FAILED", "EXCLUDED", null];
const keys = Array.from({ length: TASKS }, (_, i) => `task_${String(i).padStart(3, "0")}`);
class FakeModel {
  constructor() {
    this.state = { title: "matrix bench", job_id: 7, workspace_label: "bench", selected: [],
      dirty: false, can_undo: false, can_redo: false, undo_label: "", redo_label: "",
      counts: { errors: 0, warnings: 0, tasks: TASKS }, status: { level: "", text: "" },
      shown_run: null };
    this.handlers = new Map();
  }
  get(key) { return this.state[key]; }
  set(key, value) { this.state[key] = value; this.emit(`change:${key}`); }
  on(event, handler) {
    if (!this.handlers.has(event)) this.handlers.set(event, []);
    this.handlers.get(event).push(handler);
  }
  off(event, handler) {
    const list = this.handlers.get(event) ?? [];
    if (list.includes(handler)) list.splice(list.indexOf(handler), 1);
  }
  emit(event, ...args) { for (const h of this.handlers.get(event) ?? []) h(...args); }
  save_changes() {}
  reply(message) {
    setTimeout(() => {
      window.replied = performance.now();
      this.emit("msg:custom", message);
    }, 1);
  }
  send(message) {
    if (message.kind === "ready") {
      this.reply({ kind: "graph", rev: 0, more: false, edges: [],
        nodes: keys.map((id, i) => ({
          data: { id, label: id, task_type: "notebook_task", compute_kind: null, width: 150 },
          position: { x: 200 * Math.floor(i / 25), y: 60 * (i % 25) },
        })) });
    } else if (message.kind === "runs") {
      this.reply({ kind: "runs", request_id: message.request_id, runs: [], has_more: false });
    } else if (message.kind === "matrix") {
      const runs = Array.from({ length: RUNS }, (_, r) => ({
        run: { run_id: 1000 + r, number_in_job: r, start_time: Date.now() - r * 3600e3,
          end_time: Date.now() - r * 3600e3 + 60e3, duration_ms: 60e3, state: "SUCCESS",
          state_message: "", ended: true, trigger: "PERIODIC", triggered_by: null,
          job_parameters: {}, run_page_url: null },
        cells: keys.map((_, t) => STATES[(r * 7 + t * 13) % STATES.length]) }));
      this.reply({ kind: "matrix", request_id: message.request_id, task_keys: keys, runs });
    }
  }
}
window.model = new FakeModel();
editor.render({ model: window.model, el: document.getElementById("host") });
window.ready = true;
</script></body></html>
"""

MEASURE = """async () => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  const settle = () => new Promise((r) => setTimeout(r, 50));
  document.querySelector('.loom-je-tab[data-tab="runs"]').click();
  await settle();
  window.replied = 0;
  const start = performance.now();
  document.querySelector('[data-action="view-matrix"]').click();
  const deadline = start + 10000;
  const tick = () => new Promise((r) => setTimeout(r, 1));
  while (!window.replied && performance.now() < deadline) await tick();
  if (!window.replied) return null;
  await frame(); await frame();
  return performance.now() - start;
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1240, "height": 800})
        bundle = BUNDLE.read_bytes()
        page.route(f"{ORIGIN}/", lambda route: route.fulfill(
            status=200, content_type="text/html", body=PAGE))  # fmt: skip
        page.route(f"{ORIGIN}/editor.js", lambda route: route.fulfill(
            status=200, content_type="text/javascript", body=bundle))  # fmt: skip
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        times: list[Any] = []
        for _ in range(args.repeat + 1):  # a fresh page each time: the tab keeps its matrix
            page.goto(f"{ORIGIN}/")
            page.wait_for_function("() => window.ready")
            page.wait_for_selector('.loom-je[data-ready="true"]')
            times.append(page.evaluate(MEASURE))
        if None in times:
            raise SystemExit("the matrix never came: see the page errors " + repr(errors))
        times = times[1:]
        cells = page.evaluate(
            "() => !!document.querySelector('canvas[data-role=\"matrix-canvas\"]')"
        )
        print("100 runs x 500 tasks (50,000 cells)")
        print(f"  {Timing.of(times).line('matrix shown (click to painted)', 40)}")
        print(f"  matrix canvas present: {cells}; page errors: {errors or 'none'}")
        if args.screenshot:
            page.screenshot(path=str(args.screenshot))
        browser.close()


if __name__ == "__main__":
    main()

"""Prints how long the widget's canvas takes to show a job in headless Chromium, in milliseconds.

Run from the project root: `.venv/bin/python bench/bench_canvas.py [--repeat N] [--dpr 2]
[--compare] [--screenshots DIR]`. Needs the built bundle and Debian's chromium.

For jobs of 100, 500 and 1000 tasks with about 1.5 dependencies per task (a layered DAG, see
`bench_layout.layered_dag`):

- python: `job_elements` (models, edges, layout; cold cache) and the JSON size sent;
- open: from `render()` of a new widget holding the elements to its first frame with them;
- update: from the elements' JSON text arriving in a widget already shown (parsed inside the
  timing) to the first frame drawn with them (cytoscape's `render` event);
- redraw after a pan by code, and frames while dragging the graph with the mouse: cytoscape's
  own time for each frame (`lastRedrawTime`); the issue's budget is 16 ms at 1000 tasks.

The page is a static harness: the real bundle, loaded as a module, with a small fake model
(get/set/on/off), served through Playwright's request routing. `--compare-edges` redraws with
other edge styles and renderer options forced over the shipped ones, to choose them.
`--screenshots DIR` saves layout-*.png of a few jobs (a 12-task branching job, the corpus
conditional job, the corpus 1000-task job, the bench DAGs, and long task keys).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench_layout import CORPUS, layered_dag
from timing import Timing

from loom_jobs_widget.graph import job_elements
from loom_jobs_widget.graph.layout import clear_cache

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "loom_jobs_widget" / "static" / "widget.js"
ORIGIN = "http://loom.bench"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>loom bench</title>
<style>body { margin: 0; padding: 16px; background: #fff; }</style></head>
<body><script type="module">
import widget from "./widget.js";
class FakeModel {
  constructor(state) { this.state = state; this.handlers = new Map(); }
  get(key) { return this.state[key]; }
  set(key, value) {
    this.state[key] = value;
    for (const handler of this.handlers.get(`change:${key}`) ?? []) handler();
  }
  on(event, handler) {
    if (!this.handlers.has(event)) this.handlers.set(event, []);
    this.handlers.get(event).push(handler);
  }
  off(event, handler) {
    const list = this.handlers.get(event) ?? [];
    if (list.includes(handler)) list.splice(list.indexOf(handler), 1);
  }
  save_changes() {}
  send() {}
}
window.loom = { widget, FakeModel };
</script></body></html>
"""

# In the page: helpers shared by the measurements.
HELPERS = """
window.loomMount = (state, width) => {
  const host = document.createElement("div");
  host.style.width = `${width}px`;
  document.body.replaceChildren(host);
  const model = new window.loom.FakeModel(state);
  const cleanup = window.loom.widget.render({ model, el: host });
  return { host, model, cleanup };
};
window.loomLaidOut = (host, count) => new Promise((resolve) => {
  const check = () => {
    const root = host.querySelector(".loom-jg");
    if (Number(root?.dataset.layoutCount ?? 0) >= count) resolve(undefined);
    else requestAnimationFrame(check);
  };
  check();
});
window.loomCy = (host) => host.querySelector(".loom-jg-canvas").__cy;
"""

UPDATE = """async ({ text, tweak }) => {
  const { host, model, cleanup } = window.loomMount(
    { title: "bench", elements: { nodes: [], edges: [] } }, 960);
  await window.loomLaidOut(host, 1);
  const cy = window.loomCy(host);
  await new Promise((resolve) => requestAnimationFrame(resolve));
  const start = performance.now();
  const drawn = new Promise((resolve) => cy.one("render", () => resolve(performance.now())));
  model.set("elements", JSON.parse(text));
  // A variant: JS run with `cy` and its renderer `r` (internal fields) in scope.
  if (tweak) new Function("cy", "r", tweak)(cy, cy.renderer());
  const synchronous = performance.now() - start;
  const firstFrame = (await drawn) - start;
  const firstDraw = cy.renderer().lastRedrawTime;
  // Redraws after a pan made by code (as zoom to fit or Ctrl+wheel zoom do): no still image.
  const redraws = [];
  for (let i = 0; i < 12; i++) {
    const next = new Promise((resolve) => cy.one("render", resolve));
    cy.panBy({ x: i % 2 ? 9 : -7, y: 3 });
    await next;
    redraws.push(cy.renderer().lastRedrawTime);
  }
  window.loomKeep = { cleanup, cy };
  return { synchronous, firstFrame, firstDraw, redraws,
           nodes: cy.nodes().length, edges: cy.edges().length };
}"""

# Frames drawn while the mouse drags the graph (after UPDATE left a widget on the page).
DRAG_START = """() => {
  const { cy } = window.loomKeep;
  window.loomDraws = [];
  window.loomOnRender = () => window.loomDraws.push(cy.renderer().lastRedrawTime);
  cy.on("render", window.loomOnRender);
  // Frame intervals as the page sees them: drawing plus rasterising and compositing.
  window.loomFrames = [];
  window.loomFramesOn = true;
  const tick = (time) => {
    window.loomFrames.push(time);
    if (window.loomFramesOn) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const box = cy.container().getBoundingClientRect();
  return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
}"""
DRAG_END = """() => {
  const { cy, cleanup } = window.loomKeep;
  cy.off("render", window.loomOnRender);
  window.loomFramesOn = false;
  cleanup?.();
  const times = window.loomFrames;
  return { draws: window.loomDraws, intervals: times.slice(1).map((t, i) => t - times[i]) };
}"""

OPEN = """async ({ text }) => {
  const elements = JSON.parse(text);
  document.body.replaceChildren();
  await new Promise((resolve) => requestAnimationFrame(resolve));
  const start = performance.now();
  const { host, cleanup } = window.loomMount({ title: "bench", elements }, 960);
  const cy = window.loomCy(host);
  const root = host.querySelector(".loom-jg");
  // The layout runs on the frame after render(); the first frame drawn after it shows the job.
  const firstFrame = await new Promise((resolve) => {
    const onRender = () => {
      if (Number(root.dataset.layoutCount ?? 0) < 1) return;
      cy.off("render", onRender);
      resolve(performance.now() - start);
    };
    cy.on("render", onRender);
  });
  cleanup?.();
  return { firstFrame };
}"""

# Variants for --compare: JS run with `cy` and its renderer `r` right after the elements are
# set. Renderer options are only read when cytoscape starts, so they are set on `r` directly.
_ROUTED = """.selector("edge[distances]").style({
    "curve-style": "round-segments", "edge-distances": "node-position",
    "segment-weights": (e) => e.data("weights"), "segment-distances": (e) => e.data("distances"),
    "segment-radii": [8] })"""
VARIANTS: dict[str, str] = {
    "edges haystack": 'cy.style().selector("edge").style({"curve-style": "haystack",'
    ' "haystack-radius": 0, "target-arrow-shape": "none"}).update()',
    "edges straight + arrow": 'cy.style().selector("edge").style({"curve-style": "straight",'
    ' "target-arrow-shape": "triangle"}).update()',
    "edges bezier + arrow": 'cy.style().selector("edge").style({"curve-style": "bezier",'
    ' "target-arrow-shape": "triangle"}).update()',
    "edges routed + arrow (small-graph style)": 'cy.style().selector("edge").style({'
    '"curve-style": "round-taxi", "taxi-direction": "rightward", "taxi-turn": "50%",'
    ' "taxi-radius": 8, "width": 1.5, "target-arrow-shape": "triangle"})'
    f"{_ROUTED}.update()",
    "still image while dragging (textureOnViewport)": "r.textureOnViewport = true",
    "edges hidden while dragging (hideEdgesOnViewport)": "r.hideEdgesOnViewport = true",
    "pixel ratio 1": "r.forcedPixelRatio = 1",
}


def settings_of(nodes: list[str], edges: list[tuple[str, str]], name: str) -> dict[str, Any]:
    deps: dict[str, list[dict[str, str]]] = {}
    for upstream, downstream in edges:
        deps.setdefault(downstream, []).append({"task_key": upstream})
    # Every fourth task (the first too) is a notebook task; each one valid.
    kinds: list[tuple[str, Any]] = [
        ("notebook_task", lambda key: {"notebook_path": f"/bench/{key}"}),
        ("spark_python_task", lambda key: {"python_file": f"bench/{key}.py"}),
        ("sql_task", lambda key: {"warehouse_id": "local", "query": {"query_id": key}}),
        ("pipeline_task", lambda key: {"pipeline_id": key}),
    ]
    tasks = []
    for i, key in enumerate(nodes):
        kind, body = kinds[i % len(kinds)]
        task: dict[str, Any] = {"task_key": key, kind: body(key)}
        if key in deps:
            task["depends_on"] = deps[key]
        tasks.append(task)
    return {"name": name, "tasks": tasks}


def branching_job() -> dict[str, Any]:
    """12 tasks: ingest fans out to three sources, each cleaned, joined, checked, then a
    true/false branch and a final report."""
    t = [
        ("ingest", [], "notebook_task"),
        ("orders_raw", ["ingest"], "spark_python_task"),
        ("customers_raw", ["ingest"], "spark_python_task"),
        ("events_raw", ["ingest"], "pipeline_task"),
        ("orders_clean", ["orders_raw"], "notebook_task"),
        ("customers_clean", ["customers_raw"], "notebook_task"),
        ("sessionize", ["events_raw"], "sql_task"),
        ("join_all", ["orders_clean", "customers_clean", "sessionize"], "sql_task"),
        ("quality_ok", ["join_all"], "condition_task"),
        ("publish_gold", [("quality_ok", "true")], "notebook_task"),
        ("alert_team", [("quality_ok", "false")], "run_job_task"),
        ("daily_report", ["publish_gold", "customers_clean"], "dbt_task"),
    ]
    tasks = []
    for key, deps, kind in t:
        depends_on = [
            {"task_key": d} if isinstance(d, str) else {"task_key": d[0], "outcome": d[1]}
            for d in deps
        ]
        task: dict[str, Any] = {"task_key": key, kind: {}}
        if depends_on:
            task["depends_on"] = depends_on
        tasks.append(task)
    return {"name": "branching_etl", "tasks": tasks}


def corpus(name: str) -> dict[str, Any]:
    settings: dict[str, Any] = json.loads((CORPUS / name).read_text())["settings"]
    return settings


def open_page(playwright: Any, dpr: float) -> tuple[Any, Any]:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    browser = playwright.chromium.launch(
        executable_path=chromium, headless=True, args=CHROMIUM_ARGS
    )
    context = browser.new_context(viewport={"width": 1040, "height": 900}, device_scale_factor=dpr)
    page = context.new_page()
    bundle = BUNDLE.read_bytes()
    page.route(
        f"{ORIGIN}/",
        lambda route: route.fulfill(status=200, content_type="text/html", body=PAGE),
    )
    page.route(
        f"{ORIGIN}/widget.js",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=bundle),
    )
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{ORIGIN}/")
    page.wait_for_function("() => !!window.loom")
    page.evaluate(f"() => {{ {HELPERS} }}")
    if errors:
        sys.exit(f"page errors: {errors}")
    return browser, page


def screenshots(page: Any, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    dag_nodes, dag_edges = layered_dag(100, 150, width=8)
    jobs = {
        "branching-12": branching_job(),
        "conditional": corpus("bundle-examples__conditional_execution.json"),
        "corpus-1000": corpus("cli__pydabs_1000_tasks.json"),
        "dag-100": settings_of(dag_nodes, dag_edges, "layered_dag_100"),
        "dag-1000": settings_of(*layered_dag(1000, 1500), "layered_dag_1000"),
        "long-keys": settings_of(
            [
                "extract_customer_orders_from_the_operational_postgres_replica",
                "clean",
                "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
                "load_gold_tables",
            ],
            [
                ("extract_customer_orders_from_the_operational_postgres_replica", "clean"),
                (
                    "extract_customer_orders_from_the_operational_postgres_replica",
                    "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
                ),
                ("clean", "load_gold_tables"),
                ("WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", "load_gold_tables"),
            ],
            "long_task_keys",
        ),
    }
    for name, settings in jobs.items():
        text = json.dumps(job_elements(settings))
        page.evaluate(
            """async ({ text, title }) => {
                const { host } = window.loomMount({ title, elements: JSON.parse(text) }, 960);
                await window.loomLaidOut(host, 1);
                await new Promise((r) => window.loomCy(host).one("render", r));
            }""",
            {"text": text, "title": settings.get("name", name)},
        )
        path = folder / f"layout-{name}.png"
        page.locator(".loom-jg").screenshot(path=str(path))
        # The whole graph, fitted regardless of the minimum zoom: the layout's overall shape.
        page.evaluate(
            """() => {
                const cy = window.loomCy(document.body);
                cy.fit(undefined, 10);
            }"""
        )
        page.wait_for_timeout(100)
        page.locator(".loom-jg").screenshot(path=str(folder / f"layout-{name}-fit.png"))
        print(f"  {path} (and -fit)")


def measure(page: Any, text: str, repeat: int, tweak: str | None) -> dict[str, Timing]:
    """First frame, and the frames after it, of `repeat` widgets shown the elements `text`."""
    first, sync, first_draw, redraw, drag, interval = [], [], [], [], [], []
    for _ in range(repeat):
        result = page.evaluate(UPDATE, {"text": text, "tweak": tweak})
        first.append(result["firstFrame"])
        sync.append(result["synchronous"])
        first_draw.append(result["firstDraw"])
        redraw.append(statistics.median(result["redraws"]))
        centre = page.evaluate(DRAG_START)
        page.mouse.move(centre["x"], centre["y"])
        page.mouse.down()
        for i in range(16):
            page.mouse.move(centre["x"] + 6 * (i + 1), centre["y"] + 2 * (i + 1))
            page.wait_for_timeout(20)
        page.mouse.up()
        page.wait_for_timeout(60)
        frames = page.evaluate(DRAG_END)
        draws = frames["draws"]
        # The last frame redraws the whole graph once the gesture ends; the others show the drag.
        drag.append(statistics.median(draws[:-1]) if len(draws) > 1 else float("nan"))
        interval.append(max(frames["intervals"]))
    return {
        "update: JSON -> first frame": Timing.of(first),
        "  of which parse + add + fit (sync)": Timing.of(sync),
        "  of which drawing the first frame": Timing.of(first_draw),
        "redraw after a pan by code": Timing.of(redraw),
        "frame while dragging the graph": Timing.of(drag),
        "  longest frame interval (rAF) in the drag": Timing.of(interval),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--dpr", type=float, default=1.0, help="device pixel ratio")
    parser.add_argument("--compare", action="store_true", help="also time the variants")
    parser.add_argument("--screenshots", type=Path, default=None)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 500, 1000])
    args = parser.parse_args()
    if not BUNDLE.is_file():
        sys.exit(f"no bundle at {BUNDLE}: npm --prefix js run build")

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser, page = open_page(playwright, args.dpr)
        try:
            if args.screenshots:
                print(f"screenshots into {args.screenshots}")
                screenshots(page, args.screenshots)
            print(f"headless Chromium, device pixel ratio {args.dpr:g}, widget 960 px wide")
            for size in args.sizes:
                settings = settings_of(*layered_dag(size, size * 3 // 2), f"dag_{size}")
                python: list[float] = []
                for _ in range(args.repeat):
                    clear_cache()
                    start = time.perf_counter()
                    elements = job_elements(settings)
                    python.append((time.perf_counter() - start) * 1e3)
                text = json.dumps(elements)
                nodes, edges = len(elements["nodes"]), len(elements["edges"])
                print(f"{nodes} tasks / {edges} deps  ({len(text) / 1024:.0f} KiB of JSON)")
                print(Timing.of(python).line("  python job_elements (cold cache)"))
                opens = [page.evaluate(OPEN, {"text": text}) for _ in range(args.repeat)]
                print(Timing.of(o["firstFrame"] for o in opens).line("  open: render() -> frame"))
                for label, timing in measure(page, text, args.repeat, None).items():
                    print(timing.line(f"  {label}"))
                if args.compare:
                    for name, tweak in VARIANTS.items():
                        print(f"  variant: {name}")
                        for label, timing in measure(page, text, args.repeat, tweak).items():
                            if "of which" not in label and "rAF" not in label:
                                print(timing.line(f"    {label}"))
        finally:
            browser.close()


if __name__ == "__main__":
    main()

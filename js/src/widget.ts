// The anywidget view of loom_jobs_widget.JobGraph: a Lakeflow Job drawn as a DAG with cytoscape.js.
//
// Synced traits (see loom_jobs_widget/widget.py):
//   title     string
//   elements  { nodes: [{ data: { id, label, task_type } }],
//               edges: [{ data: { id?, source, target, outcome? } }] }
import type { RenderProps } from "@anywidget/types";
import cytoscape from "cytoscape";
import type { Core, ElementDefinition, StylesheetJson } from "cytoscape";
import dagre from "cytoscape-dagre";

cytoscape.use(dagre);

export interface TaskNodeData {
  id: string;
  label?: string;
  task_type?: string;
}

export interface DependencyEdgeData {
  id?: string;
  source: string;
  target: string;
  outcome?: string | null;
}

export interface GraphElements {
  nodes?: { data: TaskNodeData }[];
  edges?: { data: DependencyEdgeData }[];
}

export interface JobGraphModel {
  title: string;
  elements: GraphElements;
}

/** The container element carries the cytoscape instance, for tests and debugging. */
export type GraphContainer = HTMLDivElement & { __cy?: Core };

const FONT_SIZE = 13;
const TYPE_FONT_SIZE = 11;
const NODE_HEIGHT = 46;
const PADDING = 24;
const MIN_HEIGHT = 180;
const MAX_HEIGHT = 560;
/** Never zoom a small job in beyond this when fitting it to the view. */
const MAX_FIT_ZOOM = 1;
/** Nor a big one out beyond this (labels stay readable): show its start and let the user pan. */
const MIN_FIT_ZOOM = 0.5;

/** Border colour of a node by task type (the key of the task ending in `_task`). */
const TASK_COLORS: Record<string, string> = {
  notebook_task: "#2563eb",
  spark_python_task: "#0891b2",
  python_wheel_task: "#0d9488",
  spark_jar_task: "#b45309",
  spark_submit_task: "#a16207",
  sql_task: "#7c3aed",
  dbt_task: "#ea580c",
  pipeline_task: "#16a34a",
  run_job_task: "#db2777",
  condition_task: "#ca8a04",
  for_each_task: "#4f46e5",
  dashboard_task: "#9333ea",
  alert_task: "#dc2626",
  power_bi_task: "#d97706",
};
const DEFAULT_TASK_COLOR = "#64748b";

const CSS = `
.loom-jg {
  box-sizing: border-box;
  display: flex;
  flex-direction: column;
  width: 100%;
  border: 1px solid var(--jp-border-color2, #d4d4d8);
  border-radius: 6px;
  overflow: hidden;
  background: var(--jp-layout-color1, #ffffff);
  color: var(--jp-ui-font-color1, #1f2937);
  font-family: var(--jp-ui-font-family, system-ui, -apple-system, "Segoe UI", sans-serif);
  font-size: 13px;
}
.loom-jg-header {
  display: flex;
  align-items: baseline;
  gap: 12px;
  padding: 8px 12px;
  border-bottom: 1px solid var(--jp-border-color2, #e4e4e7);
  background: var(--jp-layout-color2, #f4f4f5);
}
.loom-jg-title {
  font-weight: 600;
  font-size: 14px;
  overflow: hidden;
  text-overflow: ellipsis;
  white-space: nowrap;
}
.loom-jg-count {
  margin-left: auto;
  color: var(--jp-ui-font-color2, #6b7280);
  white-space: nowrap;
}
.loom-jg-body {
  position: relative;
}
.loom-jg-canvas {
  position: relative;
  width: 100%;
  height: ${MIN_HEIGHT}px;
}
.loom-jg-empty {
  position: absolute;
  inset: 0;
  display: flex;
  align-items: center;
  justify-content: center;
  color: var(--jp-ui-font-color2, #6b7280);
  pointer-events: none;
}
`;

interface Theme {
  fontFamily: string;
  text: string;
  mutedText: string;
  nodeFill: string;
  edge: string;
  background: string;
  selection: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const value = style.getPropertyValue(name).trim();
  return value === "" ? fallback : value;
}

function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  return {
    fontFamily: cssVar(
      style,
      "--jp-ui-font-family",
      'system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif',
    ),
    text: cssVar(style, "--jp-ui-font-color1", "#1f2937"),
    mutedText: cssVar(style, "--jp-ui-font-color2", "#6b7280"),
    nodeFill: cssVar(style, "--jp-layout-color1", "#ffffff"),
    edge: cssVar(style, "--jp-ui-font-color3", "#8b95a5"),
    background: cssVar(style, "--jp-layout-color1", "#ffffff"),
    selection: cssVar(style, "--jp-brand-color1", "#1976d2"),
  };
}

/** "spark_python_task" -> "spark python" */
function prettyTaskType(taskType: string | undefined): string {
  if (!taskType) return "task";
  return taskType.replace(/_task$/, "").replace(/_/g, " ");
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function pluralize(n: number, singular: string, plural: string): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

let measureContext: CanvasRenderingContext2D | null = null;

function textWidth(text: string, fontSize: number, fontFamily: string): number {
  measureContext ??= document.createElement("canvas").getContext("2d");
  if (!measureContext) return text.length * fontSize * 0.6;
  measureContext.font = `${fontSize}px ${fontFamily}`;
  return measureContext.measureText(text).width;
}

/**
 * Turns the synced trait into cytoscape element definitions, dropping what cytoscape would
 * throw on (duplicate ids, edges to unknown tasks) so a half-edited job still draws.
 */
export function toCytoscapeElements(
  elements: GraphElements | null | undefined,
): ElementDefinition[] {
  const out: ElementDefinition[] = [];
  const ids = new Set<string>();
  for (const node of elements?.nodes ?? []) {
    const id = node?.data?.id;
    if (typeof id !== "string" || id === "" || ids.has(id)) continue;
    ids.add(id);
    const label = node.data.label ?? id;
    out.push({
      group: "nodes",
      data: {
        id,
        label,
        task_type: node.data.task_type ?? "",
        display: `${label}\n${prettyTaskType(node.data.task_type)}`,
      },
    });
  }
  const edgeIds = new Set<string>();
  for (const edge of elements?.edges ?? []) {
    const data = edge?.data;
    if (!data || !ids.has(data.source) || !ids.has(data.target)) continue;
    const outcome = data.outcome ?? undefined;
    let id = data.id ?? `${data.source}->${data.target}${outcome ? `:${outcome}` : ""}`;
    while (ids.has(id) || edgeIds.has(id)) id = `${id}'`;
    edgeIds.add(id);
    const edgeData: Record<string, string> = { id, source: data.source, target: data.target };
    if (outcome) edgeData.outcome = String(outcome);
    out.push({ group: "edges", data: edgeData });
  }
  return out;
}

function stylesheet(theme: Theme): StylesheetJson {
  return [
    {
      selector: "node",
      style: {
        shape: "round-rectangle",
        width: (node: cytoscape.NodeSingular) => {
          const label = String(node.data("label") ?? "");
          const type = prettyTaskType(node.data("task_type"));
          const w = Math.max(
            textWidth(label, FONT_SIZE, theme.fontFamily),
            textWidth(type, FONT_SIZE, theme.fontFamily),
          );
          return Math.max(96, Math.ceil(w) + 28);
        },
        height: NODE_HEIGHT,
        "background-color": theme.nodeFill,
        "border-width": 2,
        "border-color": (node: cytoscape.NodeSingular) =>
          TASK_COLORS[String(node.data("task_type"))] ?? DEFAULT_TASK_COLOR,
        label: "data(display)",
        "text-wrap": "wrap",
        "text-valign": "center",
        "text-halign": "center",
        "line-height": 1.35,
        "font-family": theme.fontFamily,
        "font-size": FONT_SIZE,
        color: theme.text,
      },
    },
    {
      selector: "node:selected",
      style: {
        "border-width": 3,
        "border-color": theme.selection,
        "background-color": theme.nodeFill,
      },
    },
    {
      selector: "edge",
      style: {
        width: 1.5,
        "curve-style": "bezier",
        "line-color": theme.edge,
        "target-arrow-shape": "triangle",
        "target-arrow-color": theme.edge,
        "arrow-scale": 1.1,
      },
    },
    {
      selector: "edge[outcome]",
      style: {
        label: "data(outcome)",
        "font-family": theme.fontFamily,
        "font-size": TYPE_FONT_SIZE,
        color: theme.mutedText,
        "text-background-color": theme.background,
        "text-background-opacity": 1,
        "text-background-padding": "2px",
        "text-background-shape": "roundrectangle",
      },
    },
  ];
}

function render({ model, el }: RenderProps<JobGraphModel>) {
  const root = document.createElement("div");
  root.className = "loom-jg";
  const style = document.createElement("style");
  style.textContent = CSS;

  const header = document.createElement("div");
  header.className = "loom-jg-header";
  const titleEl = document.createElement("span");
  titleEl.className = "loom-jg-title";
  const countEl = document.createElement("span");
  countEl.className = "loom-jg-count";
  header.append(titleEl, countEl);

  const body = document.createElement("div");
  body.className = "loom-jg-body";
  const container = document.createElement("div") as GraphContainer;
  container.className = "loom-jg-canvas";
  const empty = document.createElement("div");
  empty.className = "loom-jg-empty";
  empty.textContent = "This job has no tasks yet.";
  body.append(container, empty);

  root.append(style, header, body);
  el.append(root);

  const theme = readTheme();
  const cy = cytoscape({
    container,
    elements: toCytoscapeElements(model.get("elements")),
    style: stylesheet(theme),
    layout: { name: "preset" },
    minZoom: 0.05,
    maxZoom: 4,
    boxSelectionEnabled: false,
    autoungrabify: true,
    // A plain wheel scrolls the notebook; Ctrl/⌘ + wheel (and trackpad pinch) zooms, below.
    userZoomingEnabled: false,
  });
  container.__cy = cy;

  // Once the user pans or zooms, stop re-fitting the view on resize.
  let userMovedViewport = false;
  cy.on("dragpan", () => {
    userMovedViewport = true;
  });
  container.addEventListener(
    "wheel",
    (event: WheelEvent) => {
      if (!(event.ctrlKey || event.metaKey) || cy.nodes().length === 0) return;
      event.preventDefault();
      const pixels = event.deltaY * (event.deltaMode === WheelEvent.DOM_DELTA_LINE ? 16 : 1);
      const rect = container.getBoundingClientRect();
      cy.zoom({
        level: clamp(cy.zoom() * Math.exp(-pixels * 0.002), cy.minZoom(), cy.maxZoom()),
        renderedPosition: { x: event.clientX - rect.left, y: event.clientY - rect.top },
      });
      userMovedViewport = true;
    },
    { passive: false },
  );
  cy.on("mouseover", "node", (event) => {
    const node = event.target as cytoscape.NodeSingular;
    container.title = `${node.data("label")} (${node.data("task_type") || "unknown type"})`;
  });
  cy.on("mouseout", "node", () => {
    container.title = "";
  });

  function updateHeader() {
    const title = model.get("title");
    titleEl.textContent = title ? title : "Untitled job";
    const nodes = cy.nodes().length;
    const edges = cy.edges().length;
    const tasks = pluralize(nodes, "task", "tasks");
    countEl.textContent = `${tasks} · ${pluralize(edges, "dependency", "dependencies")}`;
    root.dataset.nodeCount = String(nodes);
    root.dataset.edgeCount = String(edges);
    empty.style.display = nodes === 0 ? "" : "none";
  }

  function fitView() {
    if (cy.nodes().length === 0) return;
    cy.fit(undefined, PADDING);
    if (cy.zoom() > MAX_FIT_ZOOM) {
      cy.zoom(MAX_FIT_ZOOM);
      cy.center();
    } else if (cy.zoom() < MIN_FIT_ZOOM) {
      // Too big to read when fitted: show the first tasks (the left edge), centred vertically.
      const box = cy.elements().boundingBox();
      const z = MIN_FIT_ZOOM;
      cy.zoom(z);
      cy.pan({
        x: PADDING - box.x1 * z,
        y: Math.max(PADDING, (cy.height() - box.h * z) / 2) - box.y1 * z,
      });
    }
  }

  function layoutGraph() {
    if (cy.nodes().length > 0) {
      cy.layout({
        name: "dagre",
        rankDir: "LR",
        ranker: "tight-tree",
        nodeSep: 28,
        rankSep: 72,
        edgeSep: 12,
        fit: false,
        animate: false,
      } as cytoscape.LayoutOptions).run();
      // Size the canvas to the drawing at the zoom that fits its width, within limits; then fit
      // the drawing into it.
      const box = cy.elements().boundingBox();
      const width = container.clientWidth || 800;
      const zoom = clamp((width - 2 * PADDING) / Math.max(box.w, 1), MIN_FIT_ZOOM, MAX_FIT_ZOOM);
      const height = clamp(Math.ceil(box.h * zoom) + 2 * PADDING, MIN_HEIGHT, MAX_HEIGHT);
      container.style.height = `${height}px`;
    } else {
      container.style.height = `${MIN_HEIGHT}px`;
    }
    cy.resize();
    userMovedViewport = false;
    fitView();
    root.dataset.layoutCount = String(Number(root.dataset.layoutCount ?? "0") + 1);
  }

  // The element has no size yet while render runs: lay out on the next frame.
  let frame = requestAnimationFrame(() => {
    frame = 0;
    layoutGraph();
  });

  const observer = new ResizeObserver(() => {
    cy.resize();
    if (!userMovedViewport) fitView();
  });
  observer.observe(container);

  const onElements = () => {
    cy.batch(() => {
      cy.elements().remove();
      cy.add(toCytoscapeElements(model.get("elements")));
    });
    updateHeader();
    layoutGraph();
  };
  model.on("change:elements", onElements);
  model.on("change:title", updateHeader);
  updateHeader();

  return () => {
    if (frame) cancelAnimationFrame(frame);
    observer.disconnect();
    model.off("change:elements", onElements);
    model.off("change:title", updateHeader);
    delete container.__cy;
    cy.destroy();
  };
}

export default { render };

// The anywidget view of loom_jobs_widget.JobGraph: a Lakeflow Job drawn as a DAG with cytoscape.js.
//
// Synced traits (see loom_jobs_widget/graph/widget.py):
//   title     string
//   elements  { nodes: [{ data: { id, label, task_type, width? }, position?: { x, y } }],
//               edges: [{ data: { id?, source, target, outcome?, route? } }] }
//
// Python lays the graph out (loom_jobs_widget/graph/layout.py: a layered layout that takes tens of
// milliseconds where cytoscape-dagre took 16 s for 1000 tasks), so the view only draws the
// given positions. Without positions (elements set by hand) it falls back to breadthfirst.
import type { RenderProps } from "@anywidget/types";
import cytoscape from "cytoscape";
import type { Core, ElementDefinition, StylesheetJson } from "cytoscape";
import {
  FONT_SIZE,
  LARGE_GRAPH,
  MAX_NODE_WIDTH,
  MIN_NODE_WIDTH,
  TEXT_PADDING,
  bindWheelZoom,
  clamp,
  edgeLabelStyle,
  edgeLabelTextStyle,
  edgeLineStyle,
  fitElements,
  fitText,
  pluralize,
  prettyTaskType,
  readTheme,
  routedEdgeStyle,
  taskBoxStyle,
  taskColor,
  textWidth,
  toSegments,
  trackContainerPosition,
  type Theme,
} from "./graph";

export interface TaskNodeData {
  id: string;
  label?: string;
  task_type?: string | null;
  /** The most width the layout kept for the node's box, in pixels. */
  width?: number;
}

export interface NodePosition {
  x: number;
  y: number;
}

export interface DependencyEdgeData {
  id?: string;
  source: string;
  target: string;
  outcome?: string | null;
  /** Bends [[x, y], ...] that keep the edge off other tasks (from the layout). */
  route?: [number, number][] | null;
}

export interface GraphElements {
  nodes?: { data: TaskNodeData; position?: NodePosition }[];
  edges?: { data: DependencyEdgeData }[];
}

export interface JobGraphModel {
  title: string;
  elements: GraphElements;
}

/** The container element carries the cytoscape instance, for tests and debugging. */
export type GraphContainer = HTMLDivElement & { __cy?: Core };

const PADDING = 24;
const MIN_HEIGHT = 180;
const MAX_HEIGHT = 560;
/** Never zoom a small job in beyond this when fitting it to the view. */
const MAX_FIT_ZOOM = 1;
/** Nor a big one out beyond this (labels stay readable): show its start and let the user pan. */
const MIN_FIT_ZOOM = 0.5;

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

function isPosition(value: unknown): value is NodePosition {
  const p = value as NodePosition | null | undefined;
  return typeof p?.x === "number" && Number.isFinite(p.x) && typeof p.y === "number" &&
    Number.isFinite(p.y);
}

/**
 * Turns the synced trait into cytoscape element definitions, dropping what cytoscape would
 * throw on (duplicate ids, edges to unknown tasks) so a half-edited job still draws.
 *
 * Each node's box is as wide as its text, within the width the layout kept for it; a longer
 * label is shortened with an ellipsis so boxes never overlap. Measured once here rather than
 * by a style function, which cytoscape would call again on every style pass.
 */
export function toCytoscapeElements(
  elements: GraphElements | null | undefined,
  fontFamily = "sans-serif",
): ElementDefinition[] {
  const out: ElementDefinition[] = [];
  const ids = new Set<string>();
  for (const node of elements?.nodes ?? []) {
    const id = node?.data?.id;
    if (typeof id !== "string" || id === "" || ids.has(id)) continue;
    ids.add(id);
    const label = node.data.label ?? id;
    const type = prettyTaskType(node.data.task_type);
    const kept = node.data.width;
    const maxWidth = typeof kept === "number" && kept > 0 ? kept : MAX_NODE_WIDTH;
    const labelWidth = textWidth(label, FONT_SIZE, fontFamily);
    const typeWidth = textWidth(type, FONT_SIZE, fontFamily);
    const text = Math.max(labelWidth, typeWidth);
    const width = Math.min(maxWidth, Math.max(MIN_NODE_WIDTH, Math.ceil(text) + TEXT_PADDING));
    const room = width - TEXT_PADDING;
    const shownLabel = labelWidth <= room ? label : fitText(label, room, fontFamily);
    const shownType = typeWidth <= room ? type : fitText(type, room, fontFamily);
    const definition: ElementDefinition = {
      group: "nodes",
      data: {
        id,
        label,
        task_type: node.data.task_type ?? "",
        color: taskColor(node.data.task_type),
        width,
        display: `${shownLabel}\n${shownType}`,
      },
    };
    if (isPosition(node.position)) definition.position = { x: node.position.x, y: node.position.y };
    out.push(definition);
  }
  const positions = new Map<string, NodePosition>();
  for (const definition of out) {
    if (definition.position) positions.set(definition.data.id as string, definition.position);
  }
  const edgeIds = new Set<string>();
  for (const edge of elements?.edges ?? []) {
    const data = edge?.data;
    if (!data || !ids.has(data.source) || !ids.has(data.target)) continue;
    const outcome = data.outcome ?? undefined;
    let id = data.id ?? `${data.source}->${data.target}${outcome ? `:${outcome}` : ""}`;
    while (ids.has(id) || edgeIds.has(id)) id = `${id}'`;
    edgeIds.add(id);
    const edgeData: Record<string, unknown> = { id, source: data.source, target: data.target };
    if (outcome) edgeData.outcome = String(outcome);
    const source = positions.get(data.source);
    const target = positions.get(data.target);
    if (source && target) {
      const segments = toSegments(source, target, data.route);
      if (segments) Object.assign(edgeData, segments);
    }
    out.push({ group: "edges", data: edgeData });
  }
  return out;
}

function stylesheet(theme: Theme, large: boolean): StylesheetJson {
  const edge: StylesheetJson = large
    ? [
        // The layout points every edge rightwards, so the arrowheads haystack edges cannot draw
        // are not missed much at this size.
        { selector: "edge", style: { ...edgeLineStyle(theme, true), opacity: 0.8 } },
        { selector: "edge[outcome]", style: { label: "data(outcome)", ...edgeLabelTextStyle(theme) } },
      ]
    : [
        // Edges without a route from the layout: level ones, or elements set without positions.
        { selector: "edge", style: { ...edgeLineStyle(theme, false), "arrow-scale": 1.1 } },
        {
          // Routed by the layout: through the room kept for the edge, turning in the gaps
          // between layers, so it never crosses a task.
          selector: "edge[distances]",
          style: routedEdgeStyle(),
        },
        { selector: "edge[outcome]", style: { label: "data(outcome)", ...edgeLabelStyle(theme) } },
      ];
  return [
    {
      selector: "node",
      style: {
        ...taskBoxStyle(theme),
        "border-width": 2,
        // A colour in the data, not a function: cytoscape calls functions in every style pass.
        "border-color": "data(color)",
        "line-height": 1.35,
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
    ...edge,
  ];
}

function isLarge(elements: ElementDefinition[]): boolean {
  let nodes = 0;
  for (const element of elements) if (element.group === "nodes") nodes += 1;
  return nodes >= LARGE_GRAPH;
}

function allPositioned(elements: ElementDefinition[]): boolean {
  return elements.every((element) => element.group !== "nodes" || element.position !== undefined);
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
  const initial = toCytoscapeElements(model.get("elements"), theme.fontFamily);
  let large = isLarge(initial);
  const cy = cytoscape({
    container,
    // The elements are added on the next frame, see below.
    elements: [],
    style: stylesheet(theme, large),
    // Positions come with the elements (see layoutGraph for the fallback).
    layout: { name: "preset", fit: false },
    minZoom: 0.05,
    maxZoom: 4,
    boxSelectionEnabled: false,
    autoungrabify: true,
    // A plain wheel scrolls the notebook; Ctrl/⌘ + wheel (and trackpad pinch) zooms, below.
    userZoomingEnabled: false,
    // Measured by bench/bench_canvas.py --compare at 1000 tasks: a drag frame takes about 5 ms
    // to draw, so a still image while panning (textureOnViewport), hidden edges, or a 1:1 pixel
    // ratio on hi-DPI screens would only blur the graph for no visible gain.
  });
  container.__cy = cy;
  const stopTracking = trackContainerPosition(cy, container);

  // Once the user pans or zooms, stop re-fitting the view on resize.
  let userMovedViewport = false;
  cy.on("dragpan", () => {
    userMovedViewport = true;
  });
  bindWheelZoom(cy, container, () => {
    userMovedViewport = true;
  });
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
    let nodes = cy.nodes().length;
    let edges = cy.edges().length;
    if (pending) {
      for (const element of pending) {
        if (element.group === "nodes") nodes += 1;
        else edges += 1;
      }
    }
    const tasks = pluralize(nodes, "task", "tasks");
    countEl.textContent = `${tasks} · ${pluralize(edges, "dependency", "dependencies")}`;
    root.dataset.nodeCount = String(nodes);
    root.dataset.edgeCount = String(edges);
    empty.style.display = nodes === 0 ? "" : "none";
  }

  function fitView() {
    if (cy.nodes().length === 0) return;
    fitElements(cy, cy.elements(), PADDING, MIN_FIT_ZOOM, MAX_FIT_ZOOM);
  }

  function layoutGraph() {
    if (cy.nodes().length > 0) {
      if (!positioned) {
        // Elements set without positions (not through JobGraph.from_settings): a quick
        // left-to-right breadthfirst, good enough for the small graphs this happens with.
        cy.layout({
          name: "breadthfirst",
          directed: true,
          direction: "rightward",
          spacingFactor: 1.1,
          fit: false,
          animate: false,
        } as cytoscape.LayoutOptions).run();
      }
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

  // Whether every node came with a position (the preset layout applied them on creation).
  let positioned = allPositioned(initial);

  // The element has no size yet while render runs: lay out on the next frame. The elements are
  // added then too, after cytoscape has drawn its first, empty frame: drawn first, cytoscape
  // would build its zoomed-out texture layers of the whole graph before showing anything.
  let pending: ElementDefinition[] | null = initial;
  let frame = requestAnimationFrame(() => {
    frame = 0;
    if (pending) {
      const elements = pending;
      cy.batch(() => cy.add(elements));
    }
    pending = null;
    layoutGraph();
  });

  const observer = new ResizeObserver(() => {
    cy.resize();
    if (!userMovedViewport) fitView();
  });
  observer.observe(container);

  const onElements = () => {
    const next = toCytoscapeElements(model.get("elements"), theme.fontFamily);
    positioned = allPositioned(next);
    pending = null; // replaced before the first frame added them
    cy.batch(() => {
      cy.elements().remove();
      if (isLarge(next) !== large) {
        large = isLarge(next);
        cy.style(stylesheet(theme, large));
      }
      cy.add(next);
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
    stopTracking();
    model.off("change:elements", onElements);
    model.off("change:title", updateHeader);
    delete container.__cy;
    cy.destroy();
  };
}

export default { render };

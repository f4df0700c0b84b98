// The editor's cytoscape canvas: draws the store's graph, applies patches as diffs, reports
// selections and dependencies drawn by dragging from one task onto another.
import cytoscape from "cytoscape";
import type {
  Core,
  EdgeSingular,
  ElementDefinition,
  EventObject,
  NodeSingular,
  StylesheetJson,
} from "cytoscape";
import {
  LARGE_GRAPH,
  MAX_NODE_WIDTH,
  MIN_NODE_WIDTH,
  NODE_HEIGHT,
  TYPE_FONT_SIZE,
  clamp,
  fitText,
  prettyTaskType,
  taskColor,
  textWidth,
  trackContainerPosition,
  type Theme,
} from "../canvas-style";
import type { GraphEdge, GraphNode } from "./protocol";
import { neighbourhood, type GraphDiff, type GraphStore } from "./store";

export type CanvasContainer = HTMLDivElement & { __cy?: Core };

const LABEL_SIZE = 13;
/** Left of the text: padding, the type icon, a gap. */
const TEXT_LEFT = 40;
const TEXT_RIGHT = 14;
const ICON_SIZE = 22;
/** How much wider than the layout's width a node may be drawn (its icon), eating into the gap between layers. */
const ICON_ROOM = 30;
/** Room kept right of the text for the problem badge. */
const BADGE_ROOM = 24;
const PADDING = 28;
const MAX_FIT_ZOOM = 1.1;
const MIN_FIT_ZOOM = 0.45;
/** Nodes animate to new positions below this many tasks. */
const ANIMATE_BELOW = 500;
const DRAG_THRESHOLD = 5;

/** How the run_if of a dependent task reads on its incoming edges. */
export const RUN_IF_LABELS: Record<string, string> = {
  ALL_SUCCESS: "all succeeded",
  AT_LEAST_ONE_SUCCESS: "at least one succeeded",
  NONE_FAILED: "none failed",
  ALL_DONE: "all done",
  AT_LEAST_ONE_FAILED: "at least one failed",
  ALL_FAILED: "all failed",
};

/** The label of an edge: its outcome, and the run_if when it is not the default. */
export function edgeLabel(outcome: string | null | undefined, runIf: string | null | undefined) {
  const parts: string[] = [];
  if (outcome) parts.push(outcome);
  if (runIf && runIf !== "ALL_SUCCESS") {
    parts.push(RUN_IF_LABELS[runIf] ?? runIf.toLowerCase().replace(/_/g, " "));
  }
  return parts.join(" · ");
}

/** The second line of a node: "notebook · main_cluster", "for each → sql". */
export function nodeSubtitle(data: GraphNode["data"]): string {
  let type = prettyTaskType(data.task_type);
  if (data.task_type === "for_each_task") {
    type = `for each → ${data.nested_type ? prettyTaskType(data.nested_type) : "task"}`;
  }
  const parts = [type];
  if (data.compute_label) parts.push(data.compute_label);
  if (data.disabled) parts.unshift("disabled");
  return parts.join(" · ");
}

// ---- icons (SVG data URLs, one per type and theme: a job has few distinct ones) ---------------

const GLYPHS: Record<string, string> = {
  // A page with lines.
  notebook_task:
    '<path d="M7 5h7l3 3v11H7z" fill="none" stroke="#fff" stroke-width="1.6" stroke-linejoin="round"/><path d="M9.5 11h5M9.5 14h5M9.5 17h3" stroke="#fff" stroke-width="1.4" stroke-linecap="round"/>',
  // "Py"-ish: </>
  spark_python_task:
    '<path d="M9 8l-4 4 4 4M15 8l4 4-4 4" fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>',
  python_wheel_task:
    '<circle cx="12" cy="12" r="6" fill="none" stroke="#fff" stroke-width="1.7"/><path d="M12 6v12M6 12h12" stroke="#fff" stroke-width="1.4"/>',
  spark_jar_task:
    '<path d="M8 7h8M9 7v10a2 2 0 002 2h2a2 2 0 002-2V7" fill="none" stroke="#fff" stroke-width="1.7" stroke-linecap="round"/>',
  spark_submit_task:
    '<path d="M12 17V7M8 11l4-4 4 4" fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>',
  sql_task:
    '<ellipse cx="12" cy="7.5" rx="5.5" ry="2.2" fill="none" stroke="#fff" stroke-width="1.5"/><path d="M6.5 7.5v9c0 1.2 2.5 2.2 5.5 2.2s5.5-1 5.5-2.2v-9M6.5 12c0 1.2 2.5 2.2 5.5 2.2s5.5-1 5.5-2.2" fill="none" stroke="#fff" stroke-width="1.5"/>',
  dbt_task:
    '<path d="M7 7l10 10M17 7L7 17" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/>',
  pipeline_task:
    '<circle cx="7" cy="12" r="2" fill="#fff"/><circle cx="17" cy="7.5" r="2" fill="#fff"/><circle cx="17" cy="16.5" r="2" fill="#fff"/><path d="M9 12l6-4M9 12l6 4" stroke="#fff" stroke-width="1.5"/>',
  run_job_task: '<path d="M9 7l8 5-8 5z" fill="#fff"/>',
  condition_task:
    '<path d="M12 5.5l6.5 6.5-6.5 6.5-6.5-6.5z" fill="none" stroke="#fff" stroke-width="1.7" stroke-linejoin="round"/>',
  for_each_task:
    '<path d="M17 9a5.5 5.5 0 10.8 5" fill="none" stroke="#fff" stroke-width="1.7" stroke-linecap="round"/><path d="M17.5 5.5v4h-4" fill="none" stroke="#fff" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round"/>',
  dashboard_task:
    '<path d="M6 17h12M8 15v-4M12 15V8M16 15v-6" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/>',
  alert_task:
    '<path d="M12 6v7" stroke="#fff" stroke-width="2" stroke-linecap="round"/><circle cx="12" cy="17" r="1.3" fill="#fff"/>',
};
const DEFAULT_GLYPH =
  '<rect x="7" y="7" width="10" height="10" rx="2" fill="none" stroke="#fff" stroke-width="1.7"/>';

const iconCache = new Map<string, string>();

function svgUrl(svg: string): string {
  return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}

export function taskIcon(taskType: string | null | undefined): string {
  const key = String(taskType);
  let url = iconCache.get(key);
  if (!url) {
    const glyph = GLYPHS[key] ?? DEFAULT_GLYPH;
    url = svgUrl(
      `<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="${taskColor(taskType)}"/>${glyph}</svg>`,
    );
    iconCache.set(key, url);
  }
  return url;
}

const badgeCache = new Map<string, string>();

/** A round count badge: red for errors, amber for warnings only. */
export function problemBadge(errors: number, warnings: number, theme: Theme): string | null {
  if (errors <= 0 && warnings <= 0) return null;
  const count = errors > 0 ? errors : warnings;
  const text = count > 99 ? "99+" : String(count);
  const color = errors > 0 ? "#dc2626" : "#d97706";
  const key = `${color}|${text}|${theme.background}`;
  let url = badgeCache.get(key);
  if (!url) {
    const w = text.length <= 1 ? 18 : text.length === 2 ? 22 : 28;
    url = svgUrl(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="18" viewBox="0 0 ${w} 18"><rect x="1" y="1" width="${w - 2}" height="16" rx="8" fill="${color}" stroke="${theme.background}" stroke-width="2"/><text x="${w / 2}" y="13" text-anchor="middle" font-family="Helvetica,Arial,sans-serif" font-size="11" font-weight="700" fill="#fff">${text}</text></svg>`,
    );
    badgeCache.set(key, url);
  }
  return url;
}

// ---- elements ----------------------------------------------------------------------------

/**
 * The cytoscape data of a task node. `compact` (large graphs): no icon, the type's colour on the
 * border instead (images made the first frame of 1000 tasks 200 ms slower).
 */
export function nodeElementData(
  node: GraphNode,
  theme: Theme,
  compact = false,
): Record<string, unknown> {
  const left = compact ? TEXT_RIGHT : TEXT_LEFT;
  const d = node.data;
  const label = d.label || d.id;
  const subtitle = nodeSubtitle(d);
  const kept = typeof d.width === "number" && d.width > 0 ? d.width : MAX_NODE_WIDTH;
  const labelWidth = textWidth(label, LABEL_SIZE, theme.fontFamily);
  const subWidth = textWidth(subtitle, LABEL_SIZE, theme.fontFamily);
  const badge = problemBadge(d.errors ?? 0, d.warnings ?? 0, theme);
  const right = TEXT_RIGHT + (badge ? BADGE_ROOM : 0);
  const content = Math.ceil(Math.max(labelWidth, subWidth)) + left + right;
  // The layout keeps room for the text (graph.node_width); the icon takes some of the gap.
  const extra = compact ? 0 : ICON_ROOM + (badge ? BADGE_ROOM : 0);
  const width = Math.min(Math.max(kept, MIN_NODE_WIDTH) + extra, Math.max(MIN_NODE_WIDTH, content));
  const room = width - left - right;
  const shownLabel = labelWidth <= room ? label : fitText(label, room, theme.fontFamily, LABEL_SIZE);
  let shownSub = subtitle;
  let shownSubWidth = subWidth;
  if (subWidth > room) {
    // Drop the compute (the tooltip and the panel show it) before shortening the type.
    const typeOnly = nodeSubtitle({ ...d, compute_label: null });
    const typeWidth = textWidth(typeOnly, LABEL_SIZE, theme.fontFamily);
    if (typeWidth <= room) {
      shownSub = typeOnly;
      shownSubWidth = typeWidth;
    } else {
      shownSub = fitText(typeOnly, room, theme.fontFamily);
      shownSubWidth = room;
    }
  }
  const textW = Math.min(
    room,
    Math.max(
      shownLabel === label ? labelWidth : room,
      shownSubWidth,
    ),
  );
  const data: Record<string, unknown> = {
    id: d.id,
    label,
    task_type: d.task_type ?? "",
    display: `${shownLabel}\n${shownSub}`,
    width,
    // The label block is centred on the node: move it so that it starts after the icon.
    tx: Math.round(-width / 2 + left + textW / 2),
    icon: compact ? "none" : taskIcon(d.task_type),
    color: taskColor(d.task_type),
    errors: d.errors ?? 0,
    warnings: d.warnings ?? 0,
    compute: d.compute_label ?? "",
  };
  if (badge) data.badge = badge;
  if (d.disabled) data.disabled = true;
  if (d.state) data.state = String(d.state).toUpperCase();
  return data;
}

export function edgeElementData(edge: GraphEdge): Record<string, unknown> {
  const e = edge.data;
  const data: Record<string, unknown> = {
    id: e.id,
    source: e.source,
    target: e.target,
    run_if: e.run_if || "ALL_SUCCESS",
  };
  if (e.outcome) data.outcome = String(e.outcome);
  const label = edgeLabel(e.outcome, e.run_if);
  if (label) data.elabel = label;
  return data;
}

function nodeDefinition(node: GraphNode, theme: Theme, compact: boolean): ElementDefinition {
  const definition: ElementDefinition = {
    group: "nodes",
    data: nodeElementData(node, theme, compact),
  };
  const p = node.position;
  if (p && Number.isFinite(p.x) && Number.isFinite(p.y)) definition.position = { x: p.x, y: p.y };
  else definition.position = { x: 0, y: 0 };
  return definition;
}

// ---- style -------------------------------------------------------------------------------

const STATE_COLORS: Record<string, string> = {
  SUCCESS: "#16a34a",
  SUCCEEDED: "#16a34a",
  FAILED: "#dc2626",
  INTERNAL_ERROR: "#dc2626",
  TIMEDOUT: "#dc2626",
  TIMED_OUT: "#dc2626",
  UPSTREAM_FAILED: "#f97316",
  RUNNING: "#2563eb",
  PENDING: "#0ea5e9",
  QUEUED: "#0ea5e9",
  BLOCKED: "#a16207",
  WAITING: "#a16207",
  TERMINATING: "#6366f1",
  SKIPPED: "#9ca3af",
  EXCLUDED: "#9ca3af",
  CANCELED: "#9ca3af",
  CANCELLED: "#9ca3af",
  UPSTREAM_CANCELED: "#9ca3af",
};

export function stylesheet(theme: Theme, large: boolean): StylesheetJson {
  const nodeBorder = theme.dark ? "#4b5563" : "#d0d5dd";
  const hover = theme.dark ? "#ffffff" : "#0f172a";
  const edges: StylesheetJson = large
    ? [
        {
          selector: "edge",
          style: {
            width: 1,
            "curve-style": "haystack",
            "haystack-radius": 0,
            "line-color": theme.edge,
            opacity: 0.75,
          },
        },
      ]
    : [
        {
          selector: "edge",
          style: {
            width: 1.5,
            "curve-style": "round-taxi",
            "taxi-direction": "rightward",
            "taxi-turn": "50%",
            "taxi-turn-min-distance": 8,
            "taxi-radius": 8,
            "line-color": theme.edge,
            "target-arrow-shape": "triangle",
            "target-arrow-color": theme.edge,
            "arrow-scale": 1,
          },
        },
      ];
  return [
    {
      selector: "node",
      style: {
        shape: "round-rectangle",
        "corner-radius": 8,
        width: "data(width)",
        height: NODE_HEIGHT,
        "background-color": theme.nodeFill,
        "border-width": 1,
        "border-color": nodeBorder,
        "background-image": "data(icon)",
        "background-width": ICON_SIZE,
        "background-height": ICON_SIZE,
        "background-position-x": 10,
        "background-position-y": (NODE_HEIGHT - ICON_SIZE) / 2,
        "background-fit": "none",
        "background-clip": "none",
        "background-image-containment": "over",
        label: "data(display)",
        "text-wrap": "wrap",
        "text-valign": "center",
        "text-halign": "center",
        "text-justification": "left",
        "text-margin-x": "data(tx)",
        "line-height": 1.45,
        "font-family": theme.fontFamily,
        "font-size": LABEL_SIZE,
        color: theme.text,
        "overlay-opacity": 0,
        "underlay-padding": 5,
        "underlay-opacity": 0,
        "underlay-shape": "round-rectangle",
      },
    },
    {
      selector: "node[badge]",
      style: {
        "background-image": (ele: NodeSingular) => [ele.data("icon"), ele.data("badge")],
        "background-width": [ICON_SIZE, "auto"] as unknown as number,
        "background-height": [ICON_SIZE, 18] as unknown as number,
        "background-position-x": [10, "100%"] as unknown as number,
        "background-position-y": [(NODE_HEIGHT - ICON_SIZE) / 2, "50%"] as unknown as number,
        "background-offset-x": [0, -8] as unknown as number,
      },
    },
    ...(large
      ? ([
          {
            selector: "node",
            // Labels smaller than 6 px on the screen are a smudge, and drawing them was half of
            // the first frame of a 1000-task job (bench_editor_browser.py): skip them until
            // the user zooms in (the tooltip still names a task).
            style: {
              "background-image": "none",
              "border-color": "data(color)",
              "border-width": 1.5,
              "min-zoomed-font-size": 6,
            },
          },
          {
            selector: "node[badge]",
            style: {
              "background-image": "data(badge)",
              "background-width": "auto",
              "background-height": 18,
              "background-position-x": "100%",
              "background-position-y": "50%",
              "background-offset-x": -8,
            },
          },
        ] as StylesheetJson)
      : []),
    { selector: "node[?disabled]", style: { opacity: 0.5, "border-style": "dashed" } },
    ...Object.entries(STATE_COLORS).map(([state, color]) => ({
      selector: `node[state = "${state}"]`,
      style: { "border-color": color, "border-width": 2 },
    })),
    {
      selector: "node.hover",
      style: { "border-color": hover, "border-width": 1.5 },
    },
    {
      selector: "node.match",
      style: { "underlay-color": "#facc15", "underlay-opacity": 0.45 },
    },
    {
      selector: "node.match-current",
      style: { "underlay-color": "#f59e0b", "underlay-opacity": 0.7, "underlay-padding": 7 },
    },
    {
      selector: "node:selected",
      style: {
        "border-width": 2,
        "border-color": theme.selection,
        "underlay-color": theme.selection,
        "underlay-opacity": 0.18,
      },
    },
    {
      selector: "node.connect-source",
      style: { "border-width": 2, "border-color": theme.selection },
    },
    {
      selector: "node.connect-target",
      style: {
        "border-width": 2,
        "border-color": "#16a34a",
        "underlay-color": "#16a34a",
        "underlay-opacity": 0.25,
      },
    },
    ...edges,
    {
      selector: 'edge[run_if != "ALL_SUCCESS"]',
      style: { "line-style": "dashed", "line-dash-pattern": [6, 4] },
    },
    {
      // Large graphs: only the outcome (1500 labels made the first frame 100 ms slower).
      selector: large ? "edge[outcome]" : "edge[elabel]",
      style: {
        label: large ? "data(outcome)" : "data(elabel)",
        "font-family": theme.fontFamily,
        "font-size": TYPE_FONT_SIZE,
        color: theme.mutedText,
        "text-background-color": theme.background,
        "text-background-opacity": large ? 0 : 1,
        "text-background-padding": "2px",
        "text-background-shape": "roundrectangle",
        "text-rotation": "none",
      },
    },
    {
      selector: "edge.hover",
      style: { "line-color": hover, "target-arrow-color": hover, width: 2 },
    },
    {
      selector: "edge:selected",
      style: {
        "line-color": theme.selection,
        "target-arrow-color": theme.selection,
        width: 3,
        color: theme.selection,
      },
    },
    {
      selector: "edge.ghost",
      style: {
        "curve-style": "straight",
        "line-color": theme.selection,
        "target-arrow-color": theme.selection,
        "target-arrow-shape": "triangle",
        "line-style": "dashed",
        "line-dash-pattern": [6, 4],
        width: 2,
        events: "no",
      },
    },
    {
      selector: "node.ghost",
      style: {
        width: 1,
        height: 1,
        opacity: 0,
        label: "",
        "background-image": "none",
        events: "no",
      },
    },
    { selector: ".hidden", style: { display: "none" } },
  ] as StylesheetJson;
}

// ---- the canvas --------------------------------------------------------------------------

export interface CanvasEvents {
  /** The user changed the selection (tasks and dependency edges). */
  select(taskKeys: string[], edgeIds: string[]): void;
  /** A dependency drawn from `upstream` onto `downstream`. */
  connect(upstream: string, downstream: string): void;
  /** A double click on a task. */
  open?(taskKey: string): void;
  /** Any click or drag in the canvas (to take the keyboard focus). */
  pointer?(): void;
}

export class EditorCanvas {
  readonly cy: Core;
  private large = false;
  private resetFrame = 0;
  private firstFrameDone = false;
  private suppressSelect = 0;
  private selectTimer = 0;
  private userMovedViewport = false;
  private observer: ResizeObserver;
  private matches: string[] = [];
  private matchIndex = -1;
  private focused: Set<string> | null = null;
  private drag: {
    source: NodeSingular;
    start: { x: number; y: number };
    active: boolean;
    target: NodeSingular | null;
  } | null = null;
  /** Called after the elements were (re)built: the root's data attributes. */
  onRendered: () => void = () => {};
  /** How long the last rebuild took: making the element definitions, adding them (ms). */
  timings = { definitions: 0, add: 0 };
  /** Called on the first frame drawn after a rebuild (`built`: when its elements were added). */
  onDrawn: (built: number) => void = () => {};

  constructor(
    readonly container: CanvasContainer,
    private theme: Theme,
    private store: GraphStore,
    private events: CanvasEvents,
  ) {
    this.cy = cytoscape({
      container,
      elements: [],
      style: stylesheet(theme, false),
      layout: { name: "preset", fit: false },
      minZoom: 0.05,
      maxZoom: 3,
      autoungrabify: true,
      boxSelectionEnabled: true,
      selectionType: "single",
      userZoomingEnabled: false,
    });
    container.__cy = this.cy;
    requestAnimationFrame(() => {
      this.firstFrameDone = true;
    });
    this.bindEvents();
    this.observer = new ResizeObserver(() => {
      const cy = this.cy;
      // Our own record: cytoscape's observer may have seen the new size first.
      const before = this.size;
      cy.resize();
      this.size = { w: container.clientWidth, h: container.clientHeight };
      if (this.size.w === before.w && this.size.h === before.h) return;
      if (!this.userMovedViewport || before.w === 0) {
        this.fit();
        return;
      }
      // The panel opened or closed: keep the same model point at the left edge, the selection in view.
      const selected = this.selectedTasks();
      if (selected.length > 0) this.reveal(selected);
    });
    this.observer.observe(container);
  }

  private bindEvents(): void {
    const cy = this.cy;
    const container = this.container;
    cy.on("select unselect", () => {
      if (this.suppressSelect > 0) return;
      if (this.selectTimer) return;
      // One report for a box selection of many (an event per element).
      this.selectTimer = window.setTimeout(() => {
        this.selectTimer = 0;
        this.events.select(this.selectedTasks(), this.selectedEdges());
      }, 0);
    });
    cy.on("dragpan", () => {
      this.userMovedViewport = true;
    });
    cy.on("dbltap", "node", (event) => this.events.open?.((event.target as NodeSingular).id()));
    cy.on("mouseover", "node", (event) => {
      const node = event.target as NodeSingular;
      if (node.hasClass("ghost")) return;
      node.addClass("hover");
      const d = node.data();
      const problems: string[] = [];
      if (d.errors) problems.push(`${d.errors} error${d.errors === 1 ? "" : "s"}`);
      if (d.warnings) problems.push(`${d.warnings} warning${d.warnings === 1 ? "" : "s"}`);
      container.title = [
        d.label,
        prettyTaskType(d.task_type) + (d.compute ? ` · ${d.compute}` : ""),
        d.state ? `state: ${String(d.state).toLowerCase()}` : "",
        problems.join(", "),
        "Drag onto another task to add a dependency",
      ]
        .filter(Boolean)
        .join("\n");
    });
    cy.on("mouseout", "node", (event) => {
      (event.target as NodeSingular).removeClass("hover");
      container.title = "";
    });
    cy.on("mouseover", "edge", (event) => {
      const edge = event.target as EdgeSingular;
      edge.addClass("hover");
      container.title = `${edge.source().id()} → ${edge.target().id()}${
        edge.data("elabel") ? ` (${edge.data("elabel")})` : ""
      }\nClick to select, Delete to remove`;
    });
    cy.on("mouseout", "edge", (event) => {
      (event.target as EdgeSingular).removeClass("hover");
      container.title = "";
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
        this.userMovedViewport = true;
      },
      { passive: false },
    );
    this.cleanupScroll = trackContainerPosition(cy, container);
    // After cytoscape's own mousedown handler, which blurs the focused element.
    container.addEventListener("mousedown", () => this.events.pointer?.());
    container.addEventListener("touchstart", () => this.events.pointer?.(), { passive: true });

    // Drawing a dependency: press on a task, drag onto another, release.
    cy.on("tapstart", "node", (event: EventObject) => {
      const node = event.target as NodeSingular;
      if (node.hasClass("ghost")) return;
      const original = event.originalEvent as MouseEvent | undefined;
      if (original && (original.shiftKey || (original as MouseEvent).button > 0)) return;
      this.drag = { source: node, start: { ...event.position }, active: false, target: null };
      cy.userPanningEnabled(false);
      cy.boxSelectionEnabled(false);
    });
    cy.on("tapdrag", (event: EventObject) => {
      const drag = this.drag;
      if (!drag) return;
      const p = event.position;
      const zoom = cy.zoom();
      if (!drag.active) {
        const moved = Math.hypot(p.x - drag.start.x, p.y - drag.start.y) * zoom;
        if (moved < DRAG_THRESHOLD) return;
        drag.active = true;
        cy.batch(() => {
          drag.source.addClass("connect-source");
          cy.add([
            {
              group: "nodes",
              data: { id: "__ghost", width: 1, tx: 0, display: "", icon: taskIcon(null) },
              position: { ...p },
              classes: "ghost",
            },
            {
              group: "edges",
              data: { id: "__ghost_edge", source: drag.source.id(), target: "__ghost", run_if: "ALL_SUCCESS" },
              classes: "ghost",
            },
          ]);
        });
        container.classList.add("loom-je-connecting");
      }
      cy.getElementById("__ghost").position({ x: p.x, y: p.y });
      const target = this.nodeAt(p.x, p.y);
      const valid = target && target.id() !== drag.source.id() ? target : null;
      if (valid !== drag.target) {
        drag.target?.removeClass("connect-target");
        valid?.addClass("connect-target");
        drag.target = valid;
      }
    });
    const endDrag = () => {
      const drag = this.drag;
      if (!drag) return;
      this.drag = null;
      cy.userPanningEnabled(true);
      cy.boxSelectionEnabled(true);
      if (!drag.active) return;
      container.classList.remove("loom-je-connecting");
      cy.batch(() => {
        cy.remove("#__ghost");
        drag.source.removeClass("connect-source");
        drag.target?.removeClass("connect-target");
      });
      if (drag.target) this.events.connect(drag.source.id(), drag.target.id());
    };
    cy.on("tapend", endDrag);
    window.addEventListener("pointerup", endDrag);
    this.cleanupWindow = () => window.removeEventListener("pointerup", endDrag);
  }

  private cleanupWindow: () => void = () => {};
  private cleanupScroll: () => void = () => {};
  private size = { w: 0, h: 0 };

  /** The visible task at a model position, if any. */
  private nodeAt(x: number, y: number): NodeSingular | null {
    let found: NodeSingular | null = null;
    this.cy.nodes().forEach((node) => {
      if (found || node.hasClass("ghost") || node.hasClass("hidden")) return;
      const p = node.position();
      const w = node.data("width") / 2;
      if (Math.abs(p.x - x) <= w && Math.abs(p.y - y) <= NODE_HEIGHT / 2) found = node;
    });
    return found;
  }

  get isLarge(): boolean {
    return this.large;
  }

  /** Rebuild every element from the store (a whole graph arrived), on the next frame. */
  reset(): void {
    if (this.resetFrame) return;
    const run = () => {
      this.resetFrame = 0;
      this.rebuild();
    };
    // Added after cytoscape drew its first, empty frame (see widget.ts).
    this.resetFrame = requestAnimationFrame(() => {
      if (this.firstFrameDone) run();
      else this.resetFrame = requestAnimationFrame(run);
    });
  }

  get pendingReset(): boolean {
    return this.resetFrame !== 0;
  }

  private rebuild(): void {
    const cy = this.cy;
    const t0 = performance.now();
    const nodes = [...this.store.nodes.values()];
    const large = nodes.length >= LARGE_GRAPH;
    const selected = new Set(this.selectedTasks());
    const elements: ElementDefinition[] = [];
    for (const node of nodes) {
      const definition = nodeDefinition(node, this.theme, large);
      if (selected.has(node.data.id)) definition.selected = true;
      elements.push(definition);
    }
    for (const edge of this.store.edges.values()) {
      elements.push({ group: "edges", data: edgeElementData(edge) });
    }
    const first = cy.nodes().length === 0;
    const t1 = performance.now();
    this.suppressSelect += 1;
    cy.batch(() => {
      cy.elements().remove();
      if (large !== this.large) {
        this.large = large;
        cy.style(stylesheet(this.theme, large));
      }
      cy.add(elements);
    });
    this.suppressSelect -= 1;
    const built = performance.now();
    this.timings = { definitions: t1 - t0, add: built - t1 };
    this.cy.one("render", () => this.onDrawn(built));
    this.reapplyFocus();
    this.reapplySearch();
    if (first || !this.userMovedViewport) {
      this.userMovedViewport = false;
      this.fit();
    }
    this.onRendered();
  }

  /** Apply a patch: only the elements that changed. */
  applyDiff(diff: GraphDiff): void {
    if (this.resetFrame) return; // the coming rebuild reads the store
    const cy = this.cy;
    const count = this.store.nodes.size;
    const large = count >= LARGE_GRAPH;
    if (large !== this.large) {
      this.rebuildNow();
      return;
    }
    this.suppressSelect += 1;
    const moved: [NodeSingular, { x: number; y: number }][] = [];
    cy.batch(() => {
      for (const id of diff.removedEdges) cy.getElementById(id).remove();
      for (const id of diff.removed) cy.getElementById(id).remove();
      const adds: ElementDefinition[] = [];
      for (const node of diff.added) adds.push(nodeDefinition(node, this.theme, this.large));
      for (const node of diff.changed) {
        const element = cy.getElementById(node.data.id);
        if (element.empty()) {
          adds.push(nodeDefinition(node, this.theme, this.large));
          continue;
        }
        const data = nodeElementData(node, this.theme, this.large);
        // Keys that went away (badge, disabled, state) are removed, not left stale.
        const stale = ["badge", "disabled", "state"].filter((k) => !(k in data));
        if (stale.length) element.removeData(stale.join(" "));
        element.data(data);
      }
      for (const edge of diff.changedEdges) {
        const element = cy.getElementById(edge.data.id);
        if (
          !element.empty() &&
          element.data("source") === edge.data.source &&
          element.data("target") === edge.data.target
        ) {
          const data = edgeElementData(edge);
          const stale = ["outcome", "elabel"].filter((k) => !(k in data));
          if (stale.length) element.removeData(stale.join(" "));
          element.data(data);
        } else {
          element.remove();
          adds.push({ group: "edges", data: edgeElementData(edge) });
        }
      }
      for (const edge of diff.addedEdges) adds.push({ group: "edges", data: edgeElementData(edge) });
      // Nodes first, then edges (an edge needs its ends).
      adds.sort((a, b) => (a.group === b.group ? 0 : a.group === "nodes" ? -1 : 1));
      if (adds.length) cy.add(adds);
      for (const [id, p] of Object.entries(diff.positions)) {
        const node = cy.getElementById(id);
        if (node.nonempty()) moved.push([node as NodeSingular, p]);
      }
      if (count >= ANIMATE_BELOW) for (const [node, p] of moved) node.position(p);
    });
    this.suppressSelect -= 1;
    if (count < ANIMATE_BELOW) {
      for (const [node, p] of moved) {
        node.stop(true, false);
        node.animate({ position: p }, { duration: 220, easing: "ease-in-out-cubic" });
      }
    }
    this.reapplyFocus();
    this.reapplySearch();
    this.onRendered();
  }

  private rebuildNow(): void {
    if (this.resetFrame) cancelAnimationFrame(this.resetFrame);
    this.resetFrame = 0;
    this.rebuild();
  }

  selectedTasks(): string[] {
    return this.cy
      .nodes(":selected")
      .filter((n) => !n.hasClass("ghost"))
      .map((n) => n.id());
  }

  selectedEdges(): string[] {
    return this.cy
      .edges(":selected")
      .filter((e) => !e.hasClass("ghost"))
      .map((e) => e.id());
  }

  /** Select these tasks (from Python, a problem click, the search): no `select` report. */
  setSelection(taskKeys: string[], options: { reveal?: boolean } = {}): void {
    const cy = this.cy;
    const wanted = new Set(taskKeys);
    this.suppressSelect += 1;
    cy.batch(() => {
      cy.elements(":selected").forEach((element) => {
        if (!wanted.has(element.id()) || element.isEdge()) element.unselect();
      });
      for (const key of taskKeys) {
        const node = cy.getElementById(key);
        if (node.nonempty() && !node.selected()) node.select();
      }
    });
    this.suppressSelect -= 1;
    if (options.reveal && taskKeys.length > 0) this.reveal(taskKeys);
  }

  clearSelection(): void {
    this.cy.elements(":selected").unselect();
  }

  /** Pan so that these tasks are in view (zooming out only when they do not fit). */
  reveal(taskKeys: string[]): void {
    const cy = this.cy;
    const nodes = cy.collection();
    for (const key of taskKeys) nodes.merge(cy.getElementById(key));
    if (nodes.empty() || cy.width() === 0) return;
    const box = nodes.boundingBox();
    const ext = cy.extent();
    const margin = 40 / cy.zoom();
    if (box.x1 >= ext.x1 + margin && box.x2 <= ext.x2 - margin && box.y1 >= ext.y1 + margin && box.y2 <= ext.y2 - margin) {
      return;
    }
    const zoom = Math.min(cy.zoom(), (cy.width() - 80) / box.w, (cy.height() - 80) / box.h);
    cy.stop();
    const options = {
      zoom: clamp(zoom, Math.min(cy.zoom(), MIN_FIT_ZOOM), cy.zoom()),
      center: { eles: nodes },
    };
    if (this.store.nodes.size < ANIMATE_BELOW) cy.animate(options, { duration: 200 });
    else {
      cy.zoom(options.zoom);
      cy.center(nodes);
    }
  }

  /**
   * Fit the visible graph in the view. Automatic fits (first draw, resize) stay within readable
   * zooms, showing the start of a big graph; `all` (the Zoom to fit button, F) shows everything.
   */
  fit(all = false): void {
    const cy = this.cy;
    const visible = cy.elements(":visible");
    if (visible.nodes().length === 0 || cy.width() === 0) return;
    cy.fit(visible, PADDING);
    if (cy.zoom() > MAX_FIT_ZOOM) {
      cy.zoom(MAX_FIT_ZOOM);
      cy.center(visible);
    } else if (cy.zoom() < MIN_FIT_ZOOM && !all) {
      const box = visible.boundingBox();
      const z = MIN_FIT_ZOOM;
      cy.zoom(z);
      cy.pan({
        x: PADDING - box.x1 * z,
        y: Math.max(PADDING, (cy.height() - box.h * z) / 2) - box.y1 * z,
      });
    }
  }

  /** Zoom to fit and keep fitting on resize (the toolbar button, F). */
  zoomToFit(): void {
    this.userMovedViewport = false;
    this.fit(true);
  }

  zoomBy(factor: number): void {
    const cy = this.cy;
    cy.zoom({
      level: clamp(cy.zoom() * factor, cy.minZoom(), cy.maxZoom()),
      renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 },
    });
    this.userMovedViewport = true;
  }

  // ---- search ----

  /** Highlight the tasks matching; returns how many. */
  search(matches: string[]): number {
    this.matches = matches;
    this.matchIndex = -1;
    this.reapplySearch();
    return matches.length;
  }

  private reapplySearch(): void {
    const cy = this.cy;
    const wanted = new Set(this.matches);
    cy.batch(() => {
      cy.nodes(".match").forEach((node) => {
        if (!wanted.has(node.id())) node.removeClass("match match-current");
      });
      for (const key of this.matches) cy.getElementById(key).addClass("match");
    });
  }

  /** Jump to the next match (Enter in the search box); returns its index and key. */
  nextMatch(step = 1): { index: number; key: string } | null {
    if (this.matches.length === 0) return null;
    const n = this.matches.length;
    this.matchIndex = (((this.matchIndex + step) % n) + n) % n;
    const key = this.matches[this.matchIndex];
    const cy = this.cy;
    cy.nodes(".match-current").removeClass("match-current");
    cy.getElementById(key).addClass("match-current");
    this.reveal([key]);
    return { index: this.matchIndex, key };
  }

  // ---- focus mode ----

  /** Show only the `hops` neighbourhood of these tasks; null shows everything. */
  setFocus(taskKeys: string[] | null, hops = 1): number {
    if (!taskKeys || taskKeys.length === 0) {
      this.focused = null;
    } else {
      this.focused = neighbourhood(
        taskKeys,
        [...this.store.edges.values()].map((edge) => edge.data),
        hops,
      );
    }
    this.reapplyFocus();
    this.zoomToFit();
    return this.focused ? this.focused.size : this.store.nodes.size;
  }

  get focusActive(): boolean {
    return this.focused !== null;
  }

  private reapplyFocus(): void {
    const cy = this.cy;
    const shown = this.focused;
    cy.batch(() => {
      if (!shown) {
        cy.elements(".hidden").removeClass("hidden");
        return;
      }
      cy.nodes().forEach((node) => {
        if (node.hasClass("ghost")) return;
        if (shown.has(node.id())) node.removeClass("hidden");
        else node.addClass("hidden");
      });
    });
  }

  /** Colours changed (JupyterLab theme switch). */
  setTheme(theme: Theme): void {
    this.theme = theme;
    this.cy.style(stylesheet(theme, this.large));
    this.rebuildNow();
  }

  destroy(): void {
    if (this.resetFrame) cancelAnimationFrame(this.resetFrame);
    if (this.selectTimer) clearTimeout(this.selectTimer);
    this.observer.disconnect();
    this.cleanupWindow();
    this.cleanupScroll();
    delete this.container.__cy;
    this.cy.destroy();
  }
}

// The editor canvas's elements: a task's node data (its two lines of text fitted to its box, the
// type's icon, the problem badge, the run state) and a dependency's edge data (its label, its
// route around other tasks).
import type { ElementDefinition } from "cytoscape";
import { EDITOR_ICON_ROOM } from "../generated/layout";
import {
  FONT_SIZE,
  MAX_NODE_WIDTH,
  MIN_NODE_WIDTH,
  type Point,
  type Theme,
  fitText,
  prettyTaskType,
  taskColor,
  textWidth,
  toSegments,
} from "../graph";
import type { GraphEdge, GraphNode } from "./protocol";
import { STATE_COLORS } from "./canvas-style";

const TEXT_RIGHT = 14;
/** Left of the text: padding, the type icon, a gap (the room the layout keeps for the icon). */
const TEXT_LEFT = TEXT_RIGHT + EDITOR_ICON_ROOM;
/** How much wider than the layout's width a node may be drawn (its icon), eating into the gap between layers. */
const ICON_ROOM = 30;
/** Room kept right of the text for the problem badge. */
const BADGE_ROOM = 24;

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
  const labelWidth = textWidth(label, FONT_SIZE, theme.fontFamily);
  const subWidth = textWidth(subtitle, FONT_SIZE, theme.fontFamily);
  const badge = problemBadge(d.errors ?? 0, d.warnings ?? 0, theme);
  const right = TEXT_RIGHT + (badge ? BADGE_ROOM : 0);
  const content = Math.ceil(Math.max(labelWidth, subWidth)) + left + right;
  // The layout keeps room for the text (graph.node_width); the icon takes some of the gap.
  const extra = compact ? 0 : ICON_ROOM + (badge ? BADGE_ROOM : 0);
  const width = Math.min(Math.max(kept, MIN_NODE_WIDTH) + extra, Math.max(MIN_NODE_WIDTH, content));
  const room = width - left - right;
  const shownLabel = labelWidth <= room ? label : fitText(label, room, theme.fontFamily, FONT_SIZE);
  let shownSub = subtitle;
  let shownSubWidth = subWidth;
  if (subWidth > room) {
    // Drop the compute (the tooltip and the panel show it) before shortening the type.
    const typeOnly = nodeSubtitle({ ...d, compute_label: null });
    const typeWidth = textWidth(typeOnly, FONT_SIZE, theme.fontFamily);
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
  if (d.state) {
    data.state = String(d.state).toUpperCase();
    const color = STATE_COLORS[data.state as string];
    if (color) data.state_color = color;
  }
  return data;
}

/**
 * A dependency's cytoscape data. With the positions of its ends (`positionOf`, model
 * coordinates), an edge the layout routed gets its segments (see graph/routes.ts), so it is drawn
 * around the tasks between its ends instead of through them.
 */
export function edgeElementData(
  edge: GraphEdge,
  positionOf?: (taskKey: string) => Point | undefined,
): Record<string, unknown> {
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
  const source = positionOf?.(e.source);
  const target = positionOf?.(e.target);
  const segments = source && target ? toSegments(source, target, e.route) : null;
  if (segments) Object.assign(data, segments);
  return data;
}

export function nodeDefinition(node: GraphNode, theme: Theme, compact: boolean): ElementDefinition {
  const definition: ElementDefinition = {
    group: "nodes",
    data: nodeElementData(node, theme, compact),
  };
  const p = node.position;
  if (p && Number.isFinite(p.x) && Number.isFinite(p.y)) definition.position = { x: p.x, y: p.y };
  else definition.position = { x: 0, y: 0 };
  return definition;
}

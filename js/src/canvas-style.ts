// What the JobGraph view (widget.ts) and the JobEditor canvas (editor/canvas.ts) share: the theme
// read from JupyterLab's CSS variables, the task type colours, text measuring for node boxes, and
// keeping cytoscape's idea of where its container is right.
import type { Core } from "cytoscape";

export const FONT_SIZE = 13;
export const TYPE_FONT_SIZE = 11;
/** Same as NODE_HEIGHT in loom_jobs_widget/graph.py (the layout leaves room for this). */
export const NODE_HEIGHT = 46;
export const MIN_NODE_WIDTH = 96;
/** Used when a node comes without the width the layout kept for it. */
export const MAX_NODE_WIDTH = 260;
export const TEXT_PADDING = 28;
/**
 * From this many tasks on, edges are drawn for speed: straight "haystack" lines without
 * arrowheads (the layout already points every edge rightwards) instead of routed ones. Measured
 * by bench/bench_canvas.py --compare on a 2x screen at 1000 tasks: 0.3 s to the first frame
 * instead of 1.1 s; at 499 routed tasks, 0.4 s.
 */
export const LARGE_GRAPH = 500; // ROUTES_BELOW in loom_jobs_widget/graph.py: no routes are sent then

/** Border colour of a node by task type (the key of the task ending in `_task`). */
export const TASK_COLORS: Record<string, string> = {
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
export const DEFAULT_TASK_COLOR = "#64748b";

export function taskColor(taskType: string | null | undefined): string {
  return TASK_COLORS[String(taskType)] ?? DEFAULT_TASK_COLOR;
}

export interface Theme {
  fontFamily: string;
  text: string;
  mutedText: string;
  nodeFill: string;
  edge: string;
  background: string;
  selection: string;
  border: string;
  error: string;
  warning: string;
  success: string;
  info: string;
  /** Whether the background is dark (JupyterLab's dark theme). */
  dark: boolean;
}

export function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const value = style.getPropertyValue(name).trim();
  return value === "" ? fallback : value;
}

/** Relative luminance (0 black .. 1 white) of a CSS colour; 1 when it cannot be read. */
export function luminance(color: string): number {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  let rgb: number[] | null = null;
  if (hex) {
    const h = hex[1].length === 3 ? hex[1].replace(/./g, "$&$&") : hex[1];
    rgb = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  } else {
    const m = /rgba?\(\s*([\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)/i.exec(color);
    if (m) rgb = [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  if (!rgb) return 1;
  const [r, g, b] = rgb.map((c) => c / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The theme of the page, read from JupyterLab's CSS variables (with light fallbacks). */
export function readTheme(element: Element = document.body): Theme {
  const style = getComputedStyle(element);
  const background = cssVar(style, "--jp-layout-color1", "#ffffff");
  return {
    fontFamily: cssVar(
      style,
      "--jp-ui-font-family",
      'system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif',
    ),
    text: cssVar(style, "--jp-ui-font-color1", "#1f2937"),
    mutedText: cssVar(style, "--jp-ui-font-color2", "#6b7280"),
    nodeFill: background,
    edge: cssVar(style, "--jp-ui-font-color3", "#8b95a5"),
    background,
    selection: cssVar(style, "--jp-brand-color1", "#1976d2"),
    border: cssVar(style, "--jp-border-color1", "#c4c9d0"),
    error: cssVar(style, "--jp-error-color1", "#d32f2f"),
    warning: cssVar(style, "--jp-warn-color1", "#f57c00"),
    success: cssVar(style, "--jp-success-color1", "#388e3c"),
    info: cssVar(style, "--jp-info-color1", "#0288d1"),
    dark: luminance(background) < 0.4,
  };
}

/** "spark_python_task" -> "spark python" */
export function prettyTaskType(taskType: string | null | undefined): string {
  if (!taskType) return "task";
  return taskType.replace(/_task$/, "").replace(/_/g, " ");
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export function pluralize(n: number, singular: string, plural: string): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** One 2D context per font: setting a context's font is slow (it is parsed each time: 1000
 * tasks took 95 ms, not 10), and the editor measures bold labels and plain subtitles in turn. */
const measureContexts = new Map<string, CanvasRenderingContext2D | null>();
/** Widths of short strings seen before (task types, mostly): a job has few distinct ones. */
const widthCache = new Map<string, number>();

function contextFor(font: string): CanvasRenderingContext2D | null {
  let context = measureContexts.get(font);
  if (context === undefined) {
    context = document.createElement("canvas").getContext("2d");
    if (context) context.font = font;
    if (measureContexts.size > 16) measureContexts.clear();
    measureContexts.set(font, context);
  }
  return context;
}

/** Width in pixels of `text` in `fontSize`px `fontFamily` (`weight` "600" for bold labels). */
export function textWidth(text: string, fontSize: number, fontFamily: string, weight = ""): number {
  const font = `${weight ? `${weight} ` : ""}${fontSize}px ${fontFamily}`;
  const context = contextFor(font);
  if (!context) return text.length * fontSize * 0.6;
  const short = text.length <= 32;
  const cached = short ? widthCache.get(`${font}\n${text}`) : undefined;
  if (cached !== undefined) return cached;
  const width = context.measureText(text).width;
  if (short && widthCache.size < 5000) widthCache.set(`${font}\n${text}`, width);
  return width;
}

/** `text` shortened with an ellipsis to fit `width` pixels (as it is when it fits). */
export function fitText(
  text: string,
  width: number,
  fontFamily: string,
  fontSize = FONT_SIZE,
  weight = "",
): string {
  if (textWidth(text, fontSize, fontFamily, weight) <= width) return text;
  let low = 0;
  let high = text.length;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (textWidth(`${text.slice(0, middle)}…`, fontSize, fontFamily, weight) <= width) low = middle;
    else high = middle;
  }
  return `${text.slice(0, low)}…`;
}

/**
 * Cytoscape caches where its container is on the screen and forgets it on scrolls of the
 * container's ancestors as they were when it was created: in JupyterLab the widget is not in the
 * page yet then, so after a scroll of the notebook pointer events landed beside the tasks (or
 * outside the canvas, ignored). Forget it on any scroll, and before every press. Returns the
 * cleanup.
 */
export function trackContainerPosition(cy: Core, container: HTMLElement): () => void {
  const renderer = (cy as unknown as { renderer(): { invalidateContainerClientCoordsCache?: () => void } }).renderer();
  const invalidate = () => renderer.invalidateContainerClientCoordsCache?.();
  document.addEventListener("scroll", invalidate, { capture: true, passive: true });
  container.addEventListener("mousedown", invalidate, { capture: true });
  container.addEventListener("touchstart", invalidate, { capture: true, passive: true });
  container.addEventListener("wheel", invalidate, { capture: true, passive: true });
  container.addEventListener("mouseover", invalidate, { capture: true, passive: true });
  return () => document.removeEventListener("scroll", invalidate, { capture: true });
}

// The graphs' theme: colours read from JupyterLab's CSS variables (light fallbacks), and the
// colour and words of a task type.
import { TASK_TYPES } from "../generated/task-types";

/** Border colour of a node by task type (the key of the task ending in `_task`). */
export const TASK_COLORS: Readonly<Record<string, string>> = Object.fromEntries(
  TASK_TYPES.flatMap((t) => (t.color ? [[t.key, t.color]] : [])),
);
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

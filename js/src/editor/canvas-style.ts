// The editor canvas's stylesheet: the graphs' shared look (graph/stylesheet.ts) with the editor's
// own: the type icon and problem badge in a task's box, run states, disabled tasks, hover, search
// matches, selection, drawing a dependency, routed and run_if lines, focus mode.
import type { NodeSingular, StylesheetJson } from "cytoscape";
import { NODE_HEIGHT, type Theme, edgeLabelStyle, edgeLineStyle, routedEdgeStyle, taskBoxStyle } from "../graph";

/** The task type's icon, left in a task's box. */
const ICON_SIZE = 22;

/** The border of a task by its state in the run shown on the canvas (the Runs tab's colours). */
export const STATE_COLORS: Record<string, string> = {
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
    ? [{ selector: "edge", style: { ...edgeLineStyle(theme, true), opacity: 0.75 } }]
    : [
        { selector: "edge", style: { ...edgeLineStyle(theme, false), "arrow-scale": 1 } },
        { selector: "edge[distances]", style: routedEdgeStyle() },
      ];
  return [
    {
      selector: "node",
      style: {
        ...taskBoxStyle(theme),
        "corner-radius": 8,
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
        // The text block starts after the icon (tx: see nodeElementData).
        "text-justification": "left",
        "text-margin-x": "data(tx)",
        "line-height": 1.45,
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
    // One rule reading the colour from the data (nodeElementData), not a rule per state: every
    // element is matched against every selector when its style is worked out.
    { selector: "node[state_color]", style: { "border-color": "data(state_color)", "border-width": 2 } },
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
        ...edgeLabelStyle(theme),
        "text-background-opacity": large ? 0 : 1,
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

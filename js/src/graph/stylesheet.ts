// The look both graphs share (the JobGraph and the JobEditor's canvas): the sizes of a task's box
// and the cytoscape rules of a task's box, of the dependency lines and of their labels. Each view
// builds its stylesheet from these and adds its own rules.
import type { Css } from "cytoscape";
import type { Theme } from "./theme";

import { NODE_HEIGHT, ROUTES_BELOW } from "../generated/layout";

export { MAX_NODE_WIDTH, MIN_NODE_WIDTH, NODE_HEIGHT, TEXT_PADDING } from "../generated/layout";
export const FONT_SIZE = 13;
export const TYPE_FONT_SIZE = 11;
/**
 * From this many tasks on, edges are drawn for speed: straight "haystack" lines without
 * arrowheads (the layout already points every edge rightwards) instead of routed ones. Measured
 * by bench/bench_canvas.py --compare on a 2x screen at 1000 tasks: 0.3 s to the first frame
 * instead of 1.1 s; at 499 routed tasks, 0.4 s.
 */
export const LARGE_GRAPH = ROUTES_BELOW; // Python sends no routes then

/** A task's box: as wide as its `width` data, its `display` data (two lines) centred in it. */
export function taskBoxStyle(theme: Theme): Css.Node {
  return {
    shape: "round-rectangle",
    width: "data(width)",
    height: NODE_HEIGHT,
    "background-color": theme.nodeFill,
    label: "data(display)",
    "text-wrap": "wrap",
    "text-valign": "center",
    "text-halign": "center",
    "font-family": theme.fontFamily,
    "font-size": FONT_SIZE,
    color: theme.text,
  };
}

/**
 * A dependency's line. In a large graph: a straight "haystack" line (the cheapest to draw); else
 * it leaves a task on its right and enters the next on its left, turning halfway: the way a
 * left-to-right pipeline is usually drawn.
 */
export function edgeLineStyle(theme: Theme, large: boolean): Css.Edge {
  return large
    ? { width: 1, "curve-style": "haystack", "haystack-radius": 0, "line-color": theme.edge }
    : {
        width: 1.5,
        "curve-style": "round-taxi",
        "taxi-direction": "rightward",
        "taxi-turn": "50%",
        "taxi-turn-min-distance": 8,
        "taxi-radius": 8,
        "line-color": theme.edge,
        "target-arrow-shape": "triangle",
        "target-arrow-color": theme.edge,
      };
}

/** A dependency's label (its outcome...): small muted text. */
export function edgeLabelTextStyle(theme: Theme): Css.Edge {
  return { "font-family": theme.fontFamily, "font-size": TYPE_FONT_SIZE, color: theme.mutedText };
}

/** A dependency's label on the background's colour, so the line does not cross the text. */
export function edgeLabelStyle(theme: Theme): Css.Edge {
  return {
    ...edgeLabelTextStyle(theme),
    "text-background-color": theme.background,
    "text-background-opacity": 1,
    "text-background-padding": "2px",
    "text-background-shape": "roundrectangle",
  };
}

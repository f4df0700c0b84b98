// The JobEditor's canvas area laid out (the canvas, its loading and empty states, the focus
// banner, the followed run's strip, the zoom buttons) and the keyboard shortcuts' help.
import { button, h } from "./dom";
import type { CanvasContainer } from "./canvas";
import { SHORTCUTS } from "./keyboard";

export interface EditorView {
  canvasWrap: HTMLElement;
  container: CanvasContainer;
  loading: HTMLElement;
  empty: HTMLElement;
  addFirst: HTMLButtonElement;
  zoom: HTMLElement;
  zoomIn: HTMLButtonElement;
  zoomOut: HTMLButtonElement;
  zoomFit: HTMLButtonElement;
  focusBanner: HTMLElement;
  focusText: HTMLElement;
  focusExit: HTMLButtonElement;
  help: HTMLElement;
}

/** The canvas area around `runStrip` (the followed run's progress), and the help. */
export function layoutView(runStrip: HTMLElement): EditorView {
  const container = h("div", { class: "loom-je-canvas" }) as CanvasContainer;
  const addFirst = button("Add a task", { icon: "plus", variant: "outline", action: "add-first" });
  const empty = h("div", { class: "loom-je-empty", hidden: true }, h("div", { text: "This job has no tasks yet." }), addFirst);
  const loading = h("div", { class: "loom-je-empty loom-je-loading" }, h("div", {}, h("span", { class: "loom-je-spinner" }), " Loading the job…"));
  const zoomIn = button("Zoom in", { icon: "zoomIn", iconOnly: true, action: "zoom-in" });
  const zoomOut = button("Zoom out", { icon: "zoomOut", iconOnly: true, action: "zoom-out" });
  const zoomFit = button("Zoom to fit", { icon: "fit", iconOnly: true, action: "zoom-fit" });
  const zoom = h("div", { class: "loom-je-zoom" }, zoomIn, zoomOut, zoomFit);
  const focusText = h("span", { class: "loom-je-focus-text" });
  const focusExit = button("Show all", { action: "focus-exit", variant: "outline" });
  const focusBanner = h("div", { class: "loom-je-focus-banner", hidden: true }, focusText, focusExit);
  const canvasWrap = h("div", { class: "loom-je-canvas-wrap" }, container, loading, empty, focusBanner, runStrip, zoom);
  const help = h(
    "div",
    { class: "loom-je-help", hidden: true, role: "dialog", "aria-label": "Keyboard shortcuts" },
    h("h4", { text: "Keyboard shortcuts" }),
    h(
      "table",
      {},
      SHORTCUTS.map((s) =>
        h(
          "tr",
          {},
          h("td", {}, s.keys.split(", ").flatMap((k, i) => [i > 0 ? " " : "", h("span", { class: "loom-je-kbd", text: k })])),
          h("td", { text: s.action }),
        ),
      ),
    ),
  );
  return { canvasWrap, container, loading, empty, addFirst, zoom, zoomIn, zoomOut, zoomFit, focusBanner, focusText, focusExit, help };
}

// Moving around a graph, for both views: keeping cytoscape's idea of where its container is
// right, zooming with Ctrl/⌘ + wheel, and fitting the tasks within readable zooms.
import type { Collection, Core } from "cytoscape";

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
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

/**
 * Ctrl/⌘ + wheel (and a trackpad pinch) zooms at the pointer; a plain wheel is left to the page
 * (it scrolls the notebook). `zoomed` is called after each zoom.
 */
export function bindWheelZoom(cy: Core, container: HTMLElement, zoomed: () => void): void {
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
      zoomed();
    },
    { passive: false },
  );
}

/**
 * Fit `elements` in the view, never zoomed in beyond `maxZoom`. When they would be smaller than
 * `minZoom` (unless `all`), show their start instead at that zoom: the left edge, centred
 * vertically, for the user to pan from.
 */
export function fitElements(cy: Core, elements: Collection, padding: number, minZoom: number, maxZoom: number, all = false): void {
  cy.fit(elements, padding);
  if (cy.zoom() > maxZoom) {
    cy.zoom(maxZoom);
    cy.center(elements);
  } else if (cy.zoom() < minZoom && !all) {
    const box = elements.boundingBox();
    cy.zoom(minZoom);
    cy.pan({
      x: padding - box.x1 * minZoom,
      y: Math.max(padding, (cy.height() - box.h * minZoom) / 2) - box.y1 * minZoom,
    });
  }
}

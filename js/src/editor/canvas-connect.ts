// Drawing a dependency on the editor canvas: press on a task, drag onto another, release. A dashed
// ghost edge follows the pointer; the task under it is marked as the target.
import type { Core, EventObject, NodeSingular } from "cytoscape";
import { NODE_HEIGHT } from "../graph";
import { taskIcon } from "./canvas-nodes";

/** How far (screen pixels) the pointer moves before a press on a task becomes a drag. */
const DRAG_THRESHOLD = 5;

interface Drag {
  source: NodeSingular;
  start: { x: number; y: number };
  active: boolean;
  target: NodeSingular | null;
}

/** The visible task at a model position, if any. */
function nodeAt(cy: Core, x: number, y: number): NodeSingular | null {
  let found: NodeSingular | null = null;
  cy.nodes().forEach((node) => {
  if (found || node.hasClass("ghost") || node.hasClass("hidden")) return;
  const p = node.position();
  const w = node.data("width") / 2;
  if (Math.abs(p.x - x) <= w && Math.abs(p.y - y) <= NODE_HEIGHT / 2) found = node;
  });
  return found;
}

/** Lets the user draw dependencies on `cy`; `connect` gets each one drawn. Returns the cleanup. */
export function bindConnectDrag(cy: Core, container: HTMLElement, connect: (upstream: string, downstream: string) => void): () => void {
  let current: Drag | null = null;
  cy.on("tapstart", "node", (event: EventObject) => {
    const node = event.target as NodeSingular;
    if (node.hasClass("ghost")) return;
    const original = event.originalEvent as MouseEvent | undefined;
    if (original && (original.shiftKey || (original as MouseEvent).button > 0)) return;
    current = { source: node, start: { ...event.position }, active: false, target: null };
    cy.userPanningEnabled(false);
    cy.boxSelectionEnabled(false);
  });
  cy.on("tapdrag", (event: EventObject) => {
    const drag = current;
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
    const target = nodeAt(cy, p.x, p.y);
    const valid = target && target.id() !== drag.source.id() ? target : null;
    if (valid !== drag.target) {
      drag.target?.removeClass("connect-target");
      valid?.addClass("connect-target");
      drag.target = valid;
    }
  });
  const endDrag = () => {
    const drag = current;
    if (!drag) return;
    current = null;
    cy.userPanningEnabled(true);
    cy.boxSelectionEnabled(true);
    if (!drag.active) return;
    container.classList.remove("loom-je-connecting");
    cy.batch(() => {
      cy.remove("#__ghost");
      drag.source.removeClass("connect-source");
      drag.target?.removeClass("connect-target");
    });
    if (drag.target) connect(drag.source.id(), drag.target.id());
  };
  cy.on("tapend", endDrag);
  window.addEventListener("pointerup", endDrag);
  return () => window.removeEventListener("pointerup", endDrag);
}

// The editor's cytoscape canvas: draws the store's graph, applies patches as diffs, reports
// selections and dependencies drawn by dragging from one task onto another (canvas-connect.ts);
// search matches, focus mode and the viewport.
import cytoscape from "cytoscape";
import type { Core, EdgeSingular, ElementDefinition, NodeSingular } from "cytoscape";
import {
  LARGE_GRAPH,
  type NodeBox,
  type Theme,
  bindWheelZoom,
  boxOf,
  clamp,
  extentOf,
  fitElements,
  fitViewport,
  prettyTaskType,
  shownIn,
  trackContainerPosition,
} from "../graph";
import { bindConnectDrag } from "./canvas-connect";
import { edgeElementData, nodeDefinition, nodeElementData } from "./canvas-nodes";
import { stylesheet } from "./canvas-style";
import { neighbourhood, type GraphDiff, type GraphStore } from "./store";

export type CanvasContainer = HTMLDivElement & { __cy?: Core };

const PADDING = 28;
const MAX_FIT_ZOOM = 1.1;
const MIN_FIT_ZOOM = 0.45;
/**
 * The least zoom a re-fit on resize (the task panel opening) goes to: task labels stay about
 * 10 px on the screen (FONT_SIZE 13). Below it the view pans to the selection instead.
 */
const READABLE_ZOOM = 0.8;
/** Nodes animate to new positions below this many tasks. */
const ANIMATE_BELOW = 500;

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
      if (before.w === 0) {
        // Drawn before the container's size was first observed (a graph in the widget's
        // state): fitted for this size already, and a fit now would add the rest of a large
        // graph and style all of it before the first frame.
        if (this.fittedFor?.w !== cy.width() || this.fittedFor?.h !== cy.height()) this.fit();
        return;
      }
      if (!this.userMovedViewport) {
        this.refit(cy.zoom());
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
    bindWheelZoom(cy, container, () => {
      this.userMovedViewport = true;
    });
    this.cleanupScroll = trackContainerPosition(cy, container);
    // After cytoscape's own mousedown handler, which blurs the focused element.
    container.addEventListener("mousedown", () => this.events.pointer?.());
    container.addEventListener("touchstart", () => this.events.pointer?.(), { passive: true });

    this.cleanupWindow = bindConnectDrag(cy, container, (upstream, downstream) => this.events.connect(upstream, downstream));
  }

  /** The canvas size the last rebuild fitted the graph to (null: not fitted since). */
  private fittedFor: { w: number; h: number } | null = null;
  private cleanupWindow: () => void = () => {};
  private cleanupScroll: () => void = () => {};
  private size = { w: 0, h: 0 };

  get isLarge(): boolean {
    return this.large;
  }

  /** Rebuild every element from the store (a whole graph arrived): at once, or once cytoscape
   * has drawn its first, empty frame. */
  reset(): void {
    if (this.firstFrameDone && !this.resetFrame) {
      // Drawn in the next frame, not the one after.
      this.rebuild();
      return;
    }
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
    this.cancelRest();
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
      elements.push({ group: "edges", data: edgeElementData(edge, this.positionOf) });
    }
    const first = cy.nodes().length === 0;
    // A large job's first view shows only its start: draw what it shows first, the rest after.
    const split = large && first && !this.focused && cy.width() > 0 ? this.firstView(elements) : null;
    const t1 = performance.now();
    this.suppressSelect += 1;
    cy.batch(() => {
      cy.elements().remove();
      if (large !== this.large) {
        this.large = large;
        cy.style(stylesheet(this.theme, large));
      }
      cy.add(split ? split.shown : elements);
    });
    this.suppressSelect -= 1;
    const built = performance.now();
    this.timings = { definitions: t1 - t0, add: built - t1 };
    this.cy.one("render", () => this.onDrawn(built));
    this.fittedFor = null;
    if (split) {
      cy.viewport(split.viewport);
      this.fittedFor = { w: cy.width(), h: cy.height() };
      this.userMovedViewport = false;
      const rest = split.rest;
      this.rest = rest;
      // For the bench: how much of the graph the first frame held.
      this.container.dataset.firstFrame = `${split.shown.length}/${elements.length}`;
      // After the first frame is on the screen (the render event ends cytoscape's frame); in
      // any case soon, should no frame come (the canvas hidden meanwhile).
      this.restTimer = window.setTimeout(() => this.addRest(), 500);
      this.cy.one("render", () => {
        if (this.rest !== rest) return;
        clearTimeout(this.restTimer);
        this.restTimer = window.setTimeout(() => this.addRest(), 0);
      });
    } else {
      this.reapplyFocus();
      this.reapplySearch();
      if (first || !this.userMovedViewport) {
        this.userMovedViewport = false;
        this.fit();
        this.fittedFor = { w: cy.width(), h: cy.height() };
      }
    }
    this.onRendered();
  }

  /** The elements the first frame left out (all off-screen then), waiting to be added. */
  private rest: ElementDefinition[] | null = null;
  private restTimer = 0;

  /**
   * The view a fit will give (from the tasks' positions and widths) and the elements in it, or
   * null when most of the graph is in it anyway.
   */
  private firstView(elements: ElementDefinition[]) {
    const boxes: NodeBox[] = [];
    const edges: { id: string; source: string; target: string }[] = [];
    for (const element of elements) {
      const data = element.data;
      if (element.group === "nodes") {
        const p = element.position ?? { x: 0, y: 0 };
        boxes.push({ id: data.id as string, x: p.x, y: p.y, width: Number(data.width) || 0 });
      } else {
        edges.push({ id: data.id as string, source: data.source as string, target: data.target as string });
      }
    }
    const box = boxOf(boxes);
    if (!box) return null;
    const width = this.cy.width();
    const height = this.cy.height();
    const viewport = fitViewport(box, width, height, PADDING, MIN_FIT_ZOOM, MAX_FIT_ZOOM);
    const shown = shownIn(extentOf(viewport, width, height), boxes, edges);
    if (shown.nodes.size > boxes.length / 2) return null;
    const first: ElementDefinition[] = [];
    const rest: ElementDefinition[] = [];
    for (const element of elements) {
      const id = element.data.id as string;
      const seen = element.group === "nodes" ? shown.nodes.has(id) : shown.edges.has(id);
      (seen ? first : rest).push(element);
    }
    return { viewport, shown: first, rest };
  }

  /** Add the elements the first frame left out (now, when something needs them all). */
  private addRest(): void {
    const rest = this.rest;
    this.cancelRest();
    if (!rest) return;
    const cy = this.cy;
    // The store may have changed since (a patch): add what it still has and cytoscape lacks.
    const adds = rest.filter((element) => {
      const id = element.data.id as string;
      if (cy.getElementById(id).nonempty()) return false;
      return element.group === "nodes" ? this.store.nodes.has(id) : this.store.edges.has(id);
    });
    this.suppressSelect += 1;
    cy.batch(() => cy.add(adds));
    this.suppressSelect -= 1;
    this.cy.one("render", () => {
      this.container.dataset.completeAt = performance.now().toFixed(1);
    });
    // The view stays where the first frame put it: a fit now would move it by a pixel or so
    // (cytoscape's bounds of labels and borders against the boxes it was worked out from).
    this.reapplyFocus();
    this.reapplySearch();
    this.onRendered();
  }

  private cancelRest(): void {
    if (this.restTimer) clearTimeout(this.restTimer);
    this.restTimer = 0;
    this.rest = null;
  }

  /** Apply a patch: only the elements that changed. */
  applyDiff(diff: GraphDiff): void {
    if (this.resetFrame) return; // the coming rebuild reads the store
    this.addRest();
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
        const stale = ["badge", "disabled", "state", "state_color"].filter((k) => !(k in data));
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
          const data = edgeElementData(edge, this.positionOf);
          const stale = ["outcome", "elabel", "weights", "distances"].filter((k) => !(k in data));
          if (stale.length) element.removeData(stale.join(" "));
          element.data(data);
        } else {
          element.remove();
          adds.push({ group: "edges", data: edgeElementData(edge, this.positionOf) });
        }
      }
      for (const edge of diff.addedEdges) {
        adds.push({ group: "edges", data: edgeElementData(edge, this.positionOf) });
      }
      // Nodes first, then edges (an edge needs its ends).
      adds.sort((a, b) => (a.group === b.group ? 0 : a.group === "nodes" ? -1 : 1));
      if (adds.length) cy.add(adds);
      for (const [id, p] of Object.entries(diff.positions)) {
        const node = cy.getElementById(id);
        if (node.nonempty()) moved.push([node as NodeSingular, p]);
      }
      this.rerouteEdgesOf(moved.map(([node]) => node));
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

  /** A task's position in the store: where its node is (or is moving to). */
  private readonly positionOf = (taskKey: string) => this.store.nodes.get(taskKey)?.position;

  /**
   * Segments are relative to their ends: after tasks moved, the edges at them are measured again
   * against the new positions, so a route the patch kept still runs where the layout put it.
   */
  private rerouteEdgesOf(nodes: NodeSingular[]): void {
    if (nodes.length === 0) return;
    const seen = new Set<string>();
    for (const node of nodes) {
      for (const element of node.connectedEdges()) {
        const id = element.id();
        if (seen.has(id) || element.hasClass("ghost")) continue;
        seen.add(id);
        const edge = this.store.edges.get(id);
        if (!edge) continue;
        const data = edgeElementData(edge, this.positionOf);
        if ("distances" in data) element.data({ weights: data.weights, distances: data.distances });
        else if (element.data("distances") !== undefined) element.removeData("weights distances");
      }
    }
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
    this.addRest();
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
    this.addRest();
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
    this.addRest();
    const cy = this.cy;
    const visible = cy.elements(":visible");
    if (visible.nodes().length === 0 || cy.width() === 0) return;
    fitElements(cy, visible, PADDING, MIN_FIT_ZOOM, MAX_FIT_ZOOM, all);
  }

  /**
   * Re-fit after the view changed size (the task panel opened or closed), never zooming out
   * below a readable zoom (nor below `zoomBefore` when it was smaller already): a narrower
   * view shows part of the graph, with the selected tasks in it.
   */
  private refit(zoomBefore: number): void {
    this.addRest();
    const cy = this.cy;
    const visible = cy.elements(":visible");
    if (visible.nodes().length === 0 || cy.width() === 0) return;
    const floor = Math.max(MIN_FIT_ZOOM, Math.min(zoomBefore, READABLE_ZOOM));
    cy.stop();
    fitElements(cy, visible, PADDING, floor, MAX_FIT_ZOOM);
    const selected = this.selectedTasks();
    if (selected.length > 0) this.reveal(selected);
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
    this.addRest();
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
    this.addRest();
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
    this.cancelRest();
    this.theme = theme;
    this.cy.style(stylesheet(theme, this.large));
    this.rebuildNow();
  }

  destroy(): void {
    this.cancelRest();
    if (this.resetFrame) cancelAnimationFrame(this.resetFrame);
    if (this.selectTimer) clearTimeout(this.selectTimer);
    this.observer.disconnect();
    this.cleanupWindow();
    this.cleanupScroll();
    delete this.container.__cy;
    this.cy.destroy();
  }
}

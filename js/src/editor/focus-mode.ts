// Focus mode of the canvas: only the tasks within N hops of the chosen ones are shown, and a banner
// says how many of how many.
import { pluralize } from "../graph";
import type { EditorCanvas } from "./canvas";
import type { GraphStore } from "./store";

export class FocusMode {
  /** How far from the chosen tasks (the toolbar's hops). */
  hops = 1;
  private roots: string[] = [];

  constructor(
    private readonly canvas: Pick<EditorCanvas, "selectedTasks" | "setFocus" | "focusActive" | "container">,
    private readonly store: GraphStore,
    private readonly root: HTMLElement,
    private readonly banner: { element: HTMLElement; text: HTMLElement },
    /** Focus mode started or ended. */
    private readonly changed: () => void,
  ) {}

  /** Around the selected tasks (or the ones chosen before, when none is selected). */
  enter(): void {
    const selected = this.canvas.selectedTasks();
    if (selected.length > 0) this.roots = selected;
    if (this.roots.length === 0) return;
    this.canvas.setFocus(this.roots, this.hops);
    this.root.dataset.focus = String(this.hops);
    this.updateBanner();
    this.changed();
  }

  exit(): void {
    this.roots = [];
    this.canvas.setFocus(null);
    this.banner.element.hidden = true;
    delete this.root.dataset.focus;
    this.changed();
  }

  /** The graph changed: tasks that are gone are no longer chosen (none left: focus mode ends). */
  graphChanged(): void {
    if (!this.canvas.focusActive) return;
    this.roots = this.roots.filter((key) => this.store.nodes.has(key));
    if (this.roots.length === 0) this.exit();
    else this.updateBanner();
  }

  private updateBanner(): void {
    const shown = this.canvas.container.__cy?.nodes(":visible").length ?? 0;
    this.banner.element.hidden = false;
    const around = this.roots.length === 1 ? this.roots[0] : `${this.roots.length} tasks`;
    this.banner.text.textContent = `Showing ${shown} of ${this.store.nodes.size} tasks within ${pluralize(this.hops, "hop", "hops")} of ${around}`;
  }
}

// The toolbar: add, clone, delete, undo, redo, zoom to fit, search, focus mode, JSON / YAML,
// review & save. Buttons carry `data-action`; index.ts wires them.
import { button, h, icon } from "./dom";

export type ToolbarAction =
  | "add"
  | "clone"
  | "delete"
  | "undo"
  | "redo"
  | "fit"
  | "focus"
  | "json"
  | "yaml"
  | "review"
  | "help";

export interface ToolbarHandlers {
  action(action: ToolbarAction): void;
  /** The search text changed (typing). */
  search(query: string): void;
  /** Enter (or Shift+Enter) in the search box. */
  searchNext(step: number): void;
  /** The focus mode's hop count changed. */
  hops(n: number): void;
}

export interface ToolbarState {
  selectedTasks: number;
  selectedEdges: number;
  canUndo: boolean;
  canRedo: boolean;
  undoLabel: string;
  redoLabel: string;
  focusActive: boolean;
  hasTasks: boolean;
}

export class Toolbar {
  readonly element: HTMLDivElement;
  readonly searchInput: HTMLInputElement;
  readonly hopsInput: HTMLInputElement;
  private readonly searchCount: HTMLSpanElement;
  private readonly buttons = new Map<ToolbarAction, HTMLButtonElement>();

  constructor(handlers: ToolbarHandlers) {
    const make = (
      action: ToolbarAction,
      label: string,
      iconName: string,
      options: { title?: string; variant?: "primary" | "outline" | "danger"; iconOnly?: boolean } = {},
    ) => {
      const b = button(label, { action, icon: iconName, ...options });
      b.addEventListener("click", () => handlers.action(action));
      this.buttons.set(action, b);
      return b;
    };
    this.searchInput = h("input", {
      class: "loom-je-input",
      type: "search",
      placeholder: "Search tasks",
      "aria-label": "Search tasks",
      title: "Search tasks (/); Enter jumps to the next match",
      spellcheck: "false",
      autocomplete: "off",
    });
    this.searchCount = h("span", { class: "loom-je-search-count" });
    this.searchInput.addEventListener("input", () => handlers.search(this.searchInput.value));
    this.searchInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        handlers.searchNext(event.shiftKey ? -1 : 1);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        if (this.searchInput.value) {
          this.searchInput.value = "";
          handlers.search("");
        } else {
          this.searchInput.blur();
        }
      }
    });
    this.hopsInput = h("input", {
      class: "loom-je-input loom-je-hops",
      type: "number",
      min: 1,
      max: 5,
      step: 1,
      value: 1,
      "aria-label": "Hops shown around the selected task in focus mode",
      title: "Hops shown around the selected task",
    });
    this.hopsInput.addEventListener("change", () => {
      const n = Math.min(5, Math.max(1, Math.round(Number(this.hopsInput.value) || 1)));
      this.hopsInput.value = String(n);
      handlers.hops(n);
    });
    this.element = h(
      "div",
      { class: "loom-je-toolbar", role: "toolbar", "aria-label": "Job editor" },
      make("add", "Add task", "plus", { title: "Add a task after the selected ones (N)", variant: "outline" }),
      make("clone", "Clone", "clone", { title: "Clone the selected task (Ctrl/⌘ D)" }),
      make("delete", "Delete", "trash", { title: "Delete the selection (Delete)" }),
      h("span", { class: "loom-je-sep" }),
      make("undo", "Undo", "undo", { iconOnly: true, title: "Undo (Ctrl/⌘ Z)" }),
      make("redo", "Redo", "redo", { iconOnly: true, title: "Redo (Ctrl/⌘ ⇧ Z)" }),
      h("span", { class: "loom-je-sep" }),
      make("fit", "Zoom to fit", "fit", { iconOnly: true, title: "Zoom to fit (F)" }),
      h("span", { class: "loom-je-search" }, icon("search"), this.searchInput, this.searchCount),
      h(
        "span",
        { class: "loom-je-focus-group" },
        make("focus", "Focus", "focus", {
          title: "Show only the tasks around the selected one",
        }),
        this.hopsInput,
        h("span", { class: "loom-je-label", text: "hops" }),
      ),
      h("span", { class: "loom-je-spacer" }),
      make("json", "JSON", "code", { title: "View the job as JSON" }),
      make("yaml", "YAML", "doc", { title: "View the job as YAML (Databricks Asset Bundle)" }),
      make("help", "Keyboard shortcuts", "help", { iconOnly: true, title: "Keyboard shortcuts (?)" }),
      make("review", "Review & save", "check", { variant: "primary", title: "Review the changes and save the job" }),
    );
  }

  button(action: ToolbarAction): HTMLButtonElement | undefined {
    return this.buttons.get(action);
  }

  setSearchCount(text: string): void {
    this.searchCount.textContent = text;
  }

  update(state: ToolbarState): void {
    const set = (action: ToolbarAction, enabled: boolean, title?: string) => {
      const b = this.buttons.get(action);
      if (!b) return;
      b.disabled = !enabled;
      if (title !== undefined) b.title = title;
    };
    set("clone", state.selectedTasks === 1);
    const deletable = state.selectedTasks + state.selectedEdges;
    set(
      "delete",
      deletable > 0,
      state.selectedTasks > 0
        ? `Delete ${state.selectedTasks === 1 ? "the selected task" : `${state.selectedTasks} tasks`} (Delete)`
        : state.selectedEdges > 0
          ? `Remove ${state.selectedEdges === 1 ? "the selected dependency" : `${state.selectedEdges} dependencies`} (Delete)`
          : "Delete the selection (Delete)",
    );
    set("undo", state.canUndo, state.canUndo && state.undoLabel ? `${state.undoLabel} (Ctrl/⌘ Z)` : "Undo (Ctrl/⌘ Z)");
    set("redo", state.canRedo, state.canRedo && state.redoLabel ? `${state.redoLabel} (Ctrl/⌘ ⇧ Z)` : "Redo (Ctrl/⌘ ⇧ Z)");
    const undo = this.buttons.get("undo");
    if (undo) undo.setAttribute("aria-label", state.canUndo && state.undoLabel ? state.undoLabel : "Undo");
    const redo = this.buttons.get("redo");
    if (redo) redo.setAttribute("aria-label", state.canRedo && state.redoLabel ? state.redoLabel : "Redo");
    set("fit", state.hasTasks);
    const focus = this.buttons.get("focus");
    if (focus) {
      focus.setAttribute("aria-pressed", String(state.focusActive));
      focus.disabled = !state.focusActive && state.selectedTasks === 0;
      focus.title = state.focusActive
        ? "Show all tasks again"
        : "Show only the tasks around the selected ones (select a task first)";
    }
  }
}

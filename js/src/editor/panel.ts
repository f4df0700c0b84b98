// The task panel: opens for exactly one selected task. Its header (task_key, renamed on Enter or
// blur; the type picker) is drawn here; the sections below by the forms (forms/index.ts).
import { taskIcon } from "./canvas-nodes";
import { button, h, uid } from "./dom";
import {
  KNOWN_TASK_TYPES,
  renderSections,
  taskSections,
  taskTypeLabel,
  taskTypeOf,
} from "./forms/index";
import type { FormContext, FormHandle } from "./forms/types";
import type { Choice, JsonPath, PickerKind, Problem, ReferenceChoice } from "./protocol";
import { PANEL_WIDTH } from "./styles";
import { fieldPath } from "./tabs";

export interface PanelHost {
  setField(taskKey: string, path: JsonPath, value: unknown): void;
  rename(taskKey: string, newKey: string): void;
  setType(taskKey: string, taskType: string): void;
  pick(what: PickerKind, options?: { path?: string; query?: string }): Promise<Choice[]>;
  references(taskKey: string): Promise<ReferenceChoice[]>;
  taskKeys(): string[];
  taskType(taskKey: string): string | null;
  close(): void;
}

export class TaskPanel {
  readonly element: HTMLDivElement;
  /** The task whose panel is open (its JSON may not have come yet). */
  taskKey: string | null = null;
  private task: Record<string, unknown> | null = null;
  private handle: FormHandle | null = null;
  private readonly keyInput: HTMLInputElement;
  private readonly keyError: HTMLDivElement;
  private readonly typeSelect: HTMLSelectElement;
  private readonly iconEl: HTMLSpanElement;
  private readonly description: HTMLDivElement;
  private readonly body: HTMLDivElement;
  private taskType: string | null = null;
  /** The user dragged the panel's edge: keep their width. */
  private resized = false;

  constructor(private readonly host: PanelHost) {
    this.keyInput = h("input", {
      class: "loom-je-panel-key",
      "aria-label": "Task name (task_key)",
      title: "Task name: Enter renames the task (its dependents follow)",
      spellcheck: "false",
      autocomplete: "off",
      "data-field": "task_key",
    });
    this.keyError = h("div", { class: "loom-je-field-error", role: "alert", "data-role": "rename-error", id: uid() });
    this.keyInput.setAttribute("aria-describedby", this.keyError.id);
    this.keyInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.commitRename();
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        this.keyInput.value = this.taskKey ?? "";
        this.clearKeyError();
        this.keyInput.blur();
      }
    });
    this.keyInput.addEventListener("blur", () => this.commitRename());
    this.keyInput.addEventListener("input", () => this.clearKeyError());

    this.typeSelect = h("select", {
      class: "loom-je-input loom-je-select",
      "aria-label": "Task type",
      "data-field": "task_type",
    });
    this.typeSelect.addEventListener("change", () => {
      const value = this.typeSelect.value;
      if (this.taskKey && value && value !== this.taskType) {
        this.handle?.flush();
        this.host.setType(this.taskKey, value);
      }
    });
    this.iconEl = h("span", { class: "loom-je-panel-icon", "aria-hidden": "true" });
    this.description = h("div", { class: "loom-je-muted loom-je-panel-desc" });
    this.description.style.cssText =
      "font-size:12px;overflow:hidden;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;";
    const close = button("Close the panel", { icon: "close", iconOnly: true, action: "close-panel" });
    close.title = "Close (Esc)";
    close.addEventListener("click", () => this.host.close());
    const resize = h("div", { class: "loom-je-panel-resize", title: "Drag to resize" });
    this.bindResize(resize);
    this.body = h("div", { class: "loom-je-panel-body" });
    this.element = h(
      "div",
      { class: "loom-je-panel", hidden: true, role: "region", "aria-label": "Task" },
      resize,
      h(
        "div",
        { class: "loom-je-panel-head" },
        h("div", { class: "loom-je-panel-row" }, this.iconEl, this.keyInput, close),
        this.keyError,
        this.description,
        h(
          "div",
          { class: "loom-je-panel-type" },
          h("label", { text: "Type" }),
          this.typeSelect,
        ),
      ),
      this.body,
    );
    this.element.style.width = `${PANEL_WIDTH}px`;
  }

  private bindResize(handle: HTMLElement): void {
    handle.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      handle.setPointerCapture(event.pointerId);
      handle.classList.add("loom-je-active");
      const startX = event.clientX;
      const startWidth = this.element.getBoundingClientRect().width;
      const move = (e: PointerEvent) => {
        const width = Math.max(320, Math.min(900, startWidth + (startX - e.clientX)));
        this.element.style.width = `${width}px`;
        this.resized = true;
      };
      const up = () => {
        handle.classList.remove("loom-je-active");
        handle.removeEventListener("pointermove", move);
        handle.removeEventListener("pointerup", up);
      };
      handle.addEventListener("pointermove", move);
      handle.addEventListener("pointerup", up);
    });
  }

  get isOpen(): boolean {
    return this.taskKey !== null;
  }

  /** Open for a task (its JSON follows in a `task` message). */
  open(taskKey: string): void {
    if (this.taskKey === taskKey) return;
    this.closeForms();
    this.taskKey = taskKey;
    this.task = null;
    if (this.element.hidden && !this.resized) {
      // At most 40% of the widget in a narrow notebook, so the graph keeps room.
      const total = this.element.parentElement?.clientWidth ?? 0;
      const width = total > 0 ? Math.max(320, Math.min(PANEL_WIDTH, Math.round(total * 0.4))) : PANEL_WIDTH;
      this.element.style.width = `${width}px`;
    }
    this.element.hidden = false;
    this.element.dataset.task = taskKey;
    this.keyInput.value = taskKey;
    this.clearKeyError();
    this.description.textContent = "";
    this.body.replaceChildren(
      h("div", { class: "loom-je-panel-loading" }, h("span", { class: "loom-je-spinner" }), " Loading the task…"),
    );
  }

  close(): void {
    this.closeForms();
    this.renamed();
    this.taskKey = null;
    this.task = null;
    this.element.hidden = true;
    delete this.element.dataset.task;
  }

  private closeForms(): void {
    if (this.handle) {
      this.handle.flush();
      this.handle.destroy();
      this.handle = null;
    }
    this.body.replaceChildren();
  }

  flush(): void {
    this.handle?.flush();
  }

  /** The task's JSON from Python (on open, or changed other than by typing in it). */
  setTask(taskKey: string, task: Record<string, unknown>): void {
    if (taskKey !== this.taskKey) {
      // A rename of the open task: Python answers with the new key.
      if (this.taskKey === null) return;
      this.taskKey = taskKey;
      this.element.dataset.task = taskKey;
    }
    const type = taskTypeOf(task);
    const typeChanged = this.task !== null && type !== this.taskType;
    this.task = task;
    this.taskType = type;
    // A refused rename keeps its text (and mark) until the user changes it.
    if (document.activeElement !== this.keyInput && this.keyInput.dataset.refused !== "true") this.keyInput.value = taskKey;
    const description = typeof task.description === "string" ? task.description : "";
    this.description.textContent = description;
    this.description.hidden = description === "";
    this.iconEl.style.backgroundImage = `url("${taskIcon(type)}")`;
    this.iconEl.title = type ? taskTypeLabel(type) : "No task type";
    this.fillTypes(type);
    if (this.handle && !typeChanged) {
      this.handle.update(task);
      return;
    }
    // First time, or another type: other sections.
    if (this.handle) {
      this.handle.destroy();
      this.handle = null;
    }
    this.body.replaceChildren();
    const context: FormContext = {
      change: (path, value) => {
        const key = this.taskKey;
        if (key) this.host.setField(key, path, value);
      },
      pick: (what, options) => this.host.pick(what, options),
      references: () => this.host.references(this.taskKey ?? ""),
      taskKeys: () => this.host.taskKeys().filter((key) => key !== this.taskKey),
      taskType: (key) => this.host.taskType(key),
    };
    this.handle = renderSections(this.body, taskSections(task), task, context);
  }

  private fillTypes(type: string | null): void {
    const options = KNOWN_TASK_TYPES.map((t) => ({ value: t.value, label: t.label }));
    if (type && !options.some((o) => o.value === type)) {
      options.push({ value: type, label: taskTypeLabel(type) });
    }
    const signature = `${type}|${options.length}`;
    if (this.typeSelect.dataset.signature !== signature) {
      const children: HTMLOptionElement[] = [];
      if (!type) children.push(h("option", { value: "", text: "Choose a type…" }));
      for (const o of options) children.push(h("option", { value: o.value, text: o.label }));
      this.typeSelect.replaceChildren(...children);
      this.typeSelect.dataset.signature = signature;
    }
    this.typeSelect.value = type ?? "";
  }

  /** The open task's problems (after every edit). */
  showProblems(problems: Problem[]): void {
    // The forms show each at its field, and those they cannot place at the top.
    this.handle?.showProblems(problems);
    this.element.dataset.problems = String(problems.length);
  }

  /** An edit of this panel was refused: the field it was typed in (the key for a rename) keeps
   * the text, marked with Python's message, until the user changes it. */
  showEditError(message: string, field: string | null): boolean {
    const path = taskFieldPath(field);
    const pending = this.keyInput.dataset.pending === "true";
    if ((path && path.length === 1 && path[0] === "task_key") || (path === null && pending)) {
      this.keyError.textContent = message;
      this.keyInput.setAttribute("aria-invalid", "true");
      this.keyInput.dataset.refused = "true";
      if (pending && this.keyInput.dataset.sent !== undefined && document.activeElement !== this.keyInput) {
        this.keyInput.value = this.keyInput.dataset.sent;
      }
      delete this.keyInput.dataset.pending;
      return true;
    }
    return path !== null && path.length > 0 && (this.handle?.refuse(path, message) ?? false);
  }

  private clearKeyError(): void {
    this.keyError.textContent = "";
    this.keyInput.removeAttribute("aria-invalid");
    delete this.keyInput.dataset.refused;
  }

  private commitRename(): void {
    const key = this.taskKey;
    const next = this.keyInput.value.trim();
    if (!key || next === key) return;
    if (next === "") {
      this.keyError.textContent = "A task needs a name.";
      this.keyInput.setAttribute("aria-invalid", "true");
      return;
    }
    if (this.keyInput.dataset.pending === "true" && this.keyInput.dataset.sent === next) return;
    // Refused already (and not changed since): leaving the field does not ask again.
    if (this.keyInput.dataset.refused === "true" && this.keyInput.dataset.sent === next) return;
    this.keyInput.dataset.pending = "true";
    this.keyInput.dataset.sent = next;
    this.handle?.flush();
    this.host.rename(key, next);
  }

  /** The key a rename was sent for and not yet confirmed (or refused). */
  pendingRename(): string | null {
    if (this.taskKey === null) return null;
    return this.keyInput.dataset.pending === "true" ? (this.keyInput.dataset.sent ?? null) : null;
  }

  /** The task was renamed (Python selected it under its new key): keep the panel, its forms. */
  adoptRename(newKey: string): void {
    this.taskKey = newKey;
    this.element.dataset.task = newKey;
    if (document.activeElement !== this.keyInput) this.keyInput.value = newKey;
    this.clearKeyError();
    this.renamed();
  }

  /** The rename went through (the task came back under its new key): forget the pending state. */
  renamed(): void {
    delete this.keyInput.dataset.pending;
    delete this.keyInput.dataset.sent;
  }

  destroy(): void {
    this.closeForms();
  }
}

/** The path inside the task a refused edit's `field` names: `tasks[ingest].depends_on` →
 * [depends_on]; a field without the task's prefix is read as a path inside the task already. */
export function taskFieldPath(field: string | null): JsonPath | null {
  const path = fieldPath(field);
  if (!path) return null;
  return path[0] === "tasks" && path.length >= 2 ? path.slice(2) : path;
}

// The "job_parameters" field kind: the job's ordered parameters [{name, default}]. Rows can be
// added, removed, renamed, edited and reordered (up / down buttons, or drag by the handle); every
// edit sends the whole list, each entry keeping the keys the editor does not know. Python checks
// the names (problems at parameters[i].name are shown under their row).
import type { JsonPath, Problem } from "../protocol";
import type { FieldSpec } from "./types";
import { referencesButton } from "./picker-buttons";
import { RowsView } from "./rows";
import { addButton, display, removeButton, type Env } from "./view";
import { h } from "../dom";
import { bindText } from "./text-input";
import { isObject } from "./paths";

interface ParamRow {
  name: string;
  value: string;
  orig: Record<string, unknown>;
}

function iconButton(label: string, text: string, part: string, onClick: () => void): HTMLButtonElement {
  const b = h("button", { type: "button", class: `loom-f-icon-btn loom-f-move loom-f-${part}`, "aria-label": label, title: label, "data-part": part }, text);
  b.addEventListener("click", onClick);
  return b;
}

export class JobParametersView extends RowsView<ParamRow> {
  private readonly add: HTMLButtonElement;
  private readonly empty: HTMLElement;
  private dragging: HTMLElement | null = null;

  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { bare: true });
    this.rowsEl.classList.add("loom-f-params");
    this.rowsEl.setAttribute("aria-label", spec.label);
    this.add = addButton(spec.addLabel ?? "Add parameter", () => this.addRow({ name: "", value: "", orig: {} }));
    this.empty = h("div", { class: "loom-f-empty-list" }, "No job parameters. Tasks see each one as {{job.parameters.<name>}}, and a run can override its default.");
    this.body.insertBefore(this.empty, this.rowsEl);
    this.body.insertBefore(
      h("div", { class: "loom-f-params-head", "aria-hidden": "true" }, h("span", { class: "loom-f-params-h-name" }, "Name"), h("span", { class: "loom-f-params-h-default" }, "Default value")),
      this.rowsEl,
    );
    this.footer.append(this.add);
    this.rowsEl.addEventListener("dragover", (e) => this.onDragOver(e));
    this.rowsEl.addEventListener("drop", (e) => {
      e.preventDefault();
      this.endDrag(true);
    });
    this.update();
  }

  protected rowsFor(value: unknown): ParamRow[] {
    return Array.isArray(value)
      ? value.map((p) => (isObject(p) ? { name: display(p.name), value: display(p.default), orig: p } : { name: "", value: "", orig: {} }))
      : [];
  }

  protected drawRow(row: ParamRow, index: number): HTMLElement {
    const handle = h("span", { class: "loom-f-drag", title: "Drag to reorder", "aria-hidden": "true" }, "⋮⋮");
    const name = this.wire(
      h("input", { class: "loom-f-input loom-f-param-name", type: "text", placeholder: "name", "aria-label": `Parameter ${index + 1}: name`, "data-part": "name", spellcheck: "false", autocomplete: "off" }),
      index === 0,
    );
    name.value = row.name;
    const value = this.wire(
      h("input", { class: "loom-f-input loom-f-param-default", type: "text", placeholder: "Default value", "aria-label": `Parameter ${index + 1}: default value`, "data-part": "default", spellcheck: "false", autocomplete: "off" }),
    );
    value.value = row.value;
    bindText(name, this.deb);
    bindText(value, this.deb);
    const line = h("div", { class: "loom-f-row loom-f-param-line loom-f-rel" }, handle, name, value);
    const el = h("div", { class: "loom-f-param", role: "listitem", "data-index": index }, line, h("div", { class: "loom-f-param-msgs" }));
    if (this.spec.references) line.append(referencesButton(this.env, line, value, () => this.deb.touch()));
    line.append(
      iconButton(`Move parameter ${index + 1} up`, "↑", "up", () => this.move(el, -1)),
      iconButton(`Move parameter ${index + 1} down`, "↓", "down", () => this.move(el, 1)),
      removeButton(`Remove parameter ${index + 1}`, () => this.removeRow(el)),
    );
    // Drag by the handle only (the inputs keep their text selection).
    handle.addEventListener("pointerdown", () => el.setAttribute("draggable", "true"));
    el.addEventListener("dragstart", (e) => {
      if (el.getAttribute("draggable") !== "true") return;
      this.flush();
      this.dragging = el;
      el.classList.add("loom-f-dragging");
      e.dataTransfer?.setData("text/plain", String(index));
      if (e.dataTransfer) e.dataTransfer.effectAllowed = "move";
    });
    el.addEventListener("dragend", () => this.endDrag(false));
    return el;
  }

  private onDragOver(e: DragEvent): void {
    const dragging = this.dragging;
    if (!dragging) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = "move";
    const over = this.rows.find((r) => r.el !== dragging && r.el.contains(e.target as Node));
    if (!over) return;
    const box = over.el.getBoundingClientRect();
    const after = e.clientY > box.top + box.height / 2;
    const target = after ? over.el.nextElementSibling : over.el;
    if (target !== dragging && target !== dragging.nextElementSibling) this.rowsEl.insertBefore(dragging, target);
    else if (target === null) this.rowsEl.append(dragging);
  }

  private endDrag(dropped: boolean): void {
    const dragging = this.dragging;
    if (!dragging) return;
    this.dragging = null;
    dragging.classList.remove("loom-f-dragging");
    dragging.removeAttribute("draggable");
    void dropped;
    // The DOM order is the new order (dragover moved the row as it went).
    const order = Array.from(this.rowsEl.children);
    const before = this.rows.map((r) => r.el);
    this.rows.sort((a, b) => order.indexOf(a.el) - order.indexOf(b.el));
    if (this.rows.some((r, i) => r.el !== before[i])) this.reordered();
  }

  /** Move a row up (-1) or down (1): the whole list is sent at once. */
  move(el: HTMLElement, step: number): void {
    const i = this.rows.findIndex((r) => r.el === el);
    const j = i + step;
    if (i < 0 || j < 0 || j >= this.rows.length) return;
    const focused = el.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.part : undefined;
    const [row] = this.rows.splice(i, 1);
    this.rows.splice(j, 0, row);
    this.rowsEl.replaceChildren(...this.rows.map((r) => r.el));
    this.reordered();
    if (focused) {
      // Keep the focus on the moved row's button unless it cannot move further that way.
      const part = (focused === "up" && j === 0) || (focused === "down" && j === this.rows.length - 1) ? (focused === "up" ? "down" : "up") : focused;
      el.querySelector<HTMLElement>(`[data-part="${part}"]`)?.focus();
    }
  }

  private reordered(): void {
    this.renumber();
    this.deb.cancel();
    this.commit();
  }

  private renumber(): void {
    this.rows.forEach((r, i) => {
      r.el.dataset.index = String(i);
      const set = (part: string, label: string) => r.el.querySelector(`[data-part="${part}"]`)?.setAttribute("aria-label", label);
      set("name", `Parameter ${i + 1}: name`);
      set("default", `Parameter ${i + 1}: default value`);
      for (const [part, verb] of [["up", "Move parameter %d up"], ["down", "Move parameter %d down"]] as const) {
        const b = r.el.querySelector<HTMLButtonElement>(`[data-part="${part}"]`);
        if (!b) continue;
        b.setAttribute("aria-label", verb.replace("%d", String(i + 1)));
        b.title = verb.replace("%d", String(i + 1));
        b.disabled = (part === "up" && i === 0) || (part === "down" && i === this.rows.length - 1);
      }
    });
  }

  protected collect(): { value: unknown } | null {
    const list: unknown[] = [];
    for (const r of this.rows) {
      const name = (r.el.querySelector('[data-part="name"]') as HTMLInputElement).value;
      const value = (r.el.querySelector('[data-part="default"]') as HTMLInputElement).value;
      if (name === "" && value === "" && Object.keys(r.data.orig).length === 0) continue; // a new, empty row
      list.push({ ...r.data.orig, name, default: value });
    }
    return { value: list.length ? list : undefined };
  }

  protected override afterRows(): void {
    this.empty.hidden = this.rows.length > 0;
    this.rowsEl.previousElementSibling?.toggleAttribute("hidden", this.rows.length === 0);
    this.renumber();
  }

  /** A problem at parameters[i].name (or .default) shows under its row. */
  override addProblem(problem: Problem, rest: JsonPath): void {
    const i = typeof rest[0] === "number" ? rest[0] : /^\d+$/.test(String(rest[0] ?? "")) ? Number(rest[0]) : -1;
    const row = this.rows[i]?.el;
    if (!row) {
      super.addProblem(problem, rest);
      return;
    }
    const warning = problem.severity === "warning";
    row.querySelector(".loom-f-param-msgs")?.append(h("div", { class: `loom-f-msg loom-f-problem loom-f-msg--${warning ? "warning" : "error"}` }, problem.message));
    row.classList.add(warning ? "loom-f-row-warned" : "loom-f-row-invalid");
    const part = rest[1] === "default" ? "default" : "name";
    const control = row.querySelector(`[data-part="${part}"]`);
    if (!warning) control?.setAttribute("aria-invalid", "true");
    this.el.classList.add(warning ? "loom-f-warned-part" : "loom-f-invalid-part");
  }

  override clearProblems(): void {
    for (const m of Array.from(this.el.querySelectorAll(".loom-f-param-msgs > .loom-f-problem"))) m.remove();
    super.clearProblems();
  }
}

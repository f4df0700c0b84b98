// The depends_on field: a row per upstream task (a select of the job's tasks) with the outcome it
// waits for, shown after an If/else condition task.
import { h } from "../dom";
import type { FieldSpec } from "./types";
import { isObject } from "./paths";
import { RowsView } from "./rows";
import { addButton, display, removeButton, type Env } from "./view";

interface DepRow {
  taskKey: string;
  outcome: string;
  orig: Record<string, unknown>;
}

export class DependsOnView extends RowsView<DepRow> {
  private readonly add: HTMLButtonElement;
  private readonly none: HTMLElement;
  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, {});
    this.add = addButton("Add dependency", () => {
      const used = new Set(this.rows.map((r) => (r.el.querySelector('[data-part="task"]') as HTMLSelectElement).value));
      const free = env.ctx.taskKeys().find((k) => !used.has(k));
      if (free === undefined) return;
      this.addRow({ taskKey: free, outcome: "", orig: {} });
      this.commit();
    });
    this.none = h("span", { class: "loom-f-muted" });
    this.footer.append(this.add, this.none);
    this.update();
  }
  protected override extraSig(): string {
    return this.env.ctx.taskKeys().join("\n");
  }
  protected rowsFor(value: unknown): DepRow[] {
    if (!Array.isArray(value)) return [];
    return value.map((d) =>
      isObject(d) ? { taskKey: display(d.task_key), outcome: d.outcome === undefined || d.outcome === null ? "" : display(d.outcome), orig: d } : { taskKey: "", outcome: "", orig: {} },
    );
  }
  protected drawRow(row: DepRow, index: number): HTMLElement {
    const keys = this.env.ctx.taskKeys();
    const options = keys.includes(row.taskKey) || row.taskKey === "" ? keys : [...keys, row.taskKey];
    const task = this.wire(h("select", { class: "loom-f-select loom-f-dep-task", "aria-label": `Upstream task ${index + 1}`, "data-part": "task" }), index === 0);
    task.append(...options.map((k) => h("option", { value: k }, keys.includes(k) ? k : `${k} (missing)`)));
    if (row.taskKey === "") task.prepend(h("option", { value: "" }, "Choose…"));
    task.value = row.taskKey;
    const outcome = this.wire(h("select", { class: "loom-f-select loom-f-dep-outcome", "aria-label": `Outcome of upstream task ${index + 1}`, "data-part": "outcome", title: "Only after an If/else condition task" }));
    const outcomes = [
      { value: "", label: "any outcome" },
      { value: "true", label: "if true" },
      { value: "false", label: "if false" },
    ];
    if (!outcomes.some((o) => o.value === row.outcome)) outcomes.push({ value: row.outcome, label: row.outcome });
    outcome.append(...outcomes.map((o) => h("option", { value: o.value }, o.label)));
    outcome.value = row.outcome;
    // An outcome only means something after a condition task: show it there (or where one is
    // set already), not on every row.
    const isCondition = (key: string) => this.env.ctx.taskType?.(key) === "condition_task";
    const known = this.env.ctx.taskType !== undefined;
    outcome.hidden = known && !isCondition(row.taskKey) && row.outcome === "";
    task.addEventListener("change", () => {
      if (known && !isCondition(task.value)) outcome.value = "";
      outcome.hidden = known && !isCondition(task.value) && outcome.value === "";
      this.commit();
    });
    outcome.addEventListener("change", () => this.commit());
    const el = h("div", { class: "loom-f-row loom-f-dep-row", role: "listitem" }, task, outcome);
    el.append(removeButton(`Remove dependency ${index + 1}`, () => this.removeRow(el)));
    return el;
  }
  protected collect(): { value: unknown } | null {
    const list = this.rows.map((r) => {
      const taskKey = (r.el.querySelector('[data-part="task"]') as HTMLSelectElement).value;
      const outcome = (r.el.querySelector('[data-part="outcome"]') as HTMLSelectElement).value;
      const dep: Record<string, unknown> = { ...r.data.orig, task_key: taskKey };
      if (outcome === "") delete dep.outcome;
      else dep.outcome = outcome;
      return dep;
    });
    return { value: list.length ? list : undefined };
  }
  protected override afterRows(): void {
    const keys = this.env.ctx.taskKeys();
    const free = keys.length > this.rows.length;
    this.add.disabled = !free;
    this.none.textContent = keys.length === 0 ? "No other tasks in this job" : "";
  }
}

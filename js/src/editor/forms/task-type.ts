// The task_type field: the type of a for_each task's nested task (its body under the type's key).
import { h } from "../dom";
import type { FieldSpec } from "./types";
import { getPath, isObject } from "./paths";
import { KNOWN_TASK_TYPES, taskTypeLabel, taskTypeOf } from "./spec";
import { Base, type Env } from "./view";

export class TaskTypeView extends Base {
  private readonly select: HTMLSelectElement;
  constructor(env: Env, spec: FieldSpec) {
    super(env, spec);
    this.claims = [];
    this.select = this.wire(h("select", { class: "loom-f-select" }), true);
    this.select.addEventListener("change", () => {
      const body = getPath(env.task, spec.path);
      const old = isObject(body) ? taskTypeOf(body) : null;
      const next = this.select.value;
      if (!next || next === old) return;
      if (old) env.send([...spec.path, old], undefined);
      env.send([...spec.path, next], {});
    });
    this.body.append(this.select);
    this.update();
  }
  update(): void {
    const body = getPath(this.env.task, this.spec.path);
    const current = isObject(body) ? taskTypeOf(body) : null;
    const options = KNOWN_TASK_TYPES.filter((t) => t.value !== "for_each_task");
    const all = [...(current === null ? [{ value: "", label: "Choose…" }] : []), ...options, ...(current && !options.some((o) => o.value === current) ? [{ value: current, label: taskTypeLabel(current) }] : [])];
    const sig = JSON.stringify(all);
    if (this.select.dataset.sig !== sig) {
      this.select.replaceChildren(...all.map((o) => h("option", { value: o.value }, o.label)));
      this.select.dataset.sig = sig;
    }
    this.select.value = current ?? "";
  }
}

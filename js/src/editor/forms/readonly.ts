// The "readonly" field kind: a value shown, not edited (the job's edit_mode and deployment).
// `options` label known values; an object is shown as its key: value pairs.
import type { FieldSpec } from "./types";
import { Base, display, type Env } from "./view";
import { h } from "../dom";
import { isObject } from "./paths";

export class ReadonlyView extends Base {
  private readonly text: HTMLElement;

  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { group: true });
    this.text = h("div", { class: "loom-f-readonly", id: this.controlId, "aria-labelledby": this.labelId });
    this.body.append(this.text);
    this.update();
  }

  update(): void {
    const value = this.value();
    if (value === undefined || value === null) {
      this.text.textContent = this.spec.placeholder ?? "—";
      this.text.classList.add("loom-f-readonly--empty");
      return;
    }
    this.text.classList.remove("loom-f-readonly--empty");
    if (isObject(value)) {
      this.text.replaceChildren(
        ...Object.entries(value).map(([k, v]) => h("div", { class: "loom-f-readonly-pair" }, h("span", { class: "loom-f-readonly-key" }, k), " ", h("code", null, display(v)))),
      );
      return;
    }
    const known = this.spec.options?.find((o) => o.value === display(value));
    this.text.replaceChildren(known ? known.label : "", known ? " " : "", h("code", null, display(value)));
  }
}

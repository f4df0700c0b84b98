// The "optional" field kind: an object that is there or not (the job's git_source). A switch
// adds it (with `init`) or removes it; while it is there, its `fields` are shown below.
import type { FieldSpec } from "./types";
import { BranchedView } from "./variants";
import type { Env } from "./view";
import { h } from "../dom";

export class OptionalView extends BranchedView {
  private readonly box: HTMLInputElement;

  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { bare: true }, "loom-f-branch loom-f-optional-body");
    this.box = this.wire(h("input", { type: "checkbox", class: "loom-f-check loom-f-switch", role: "switch" }), true);
    const label = h("label", { class: "loom-f-check-label", for: this.controlId, id: this.labelId }, this.box, h("span", null, spec.label));
    this.box.addEventListener("change", () => {
      if (this.box.checked) env.send(spec.path, JSON.parse(JSON.stringify(spec.init ?? {})));
      else {
        for (const v of this.branch.views) v.destroy();
        env.send(spec.path, undefined);
      }
      this.update();
      if (this.box.checked) this.branch.el.querySelector<HTMLElement>("input, select, textarea")?.focus();
    });
    this.body.append(label);
    this.el.append(this.branch.el);
    this.el.classList.add("loom-f-has-branch");
    this.update();
  }

  private present(): boolean {
    const v = this.value();
    return v !== undefined && v !== null;
  }

  update(): void {
    const on = this.present();
    this.box.checked = on;
    this.box.setAttribute("aria-checked", String(on));
    if (on) this.branch.show("on", this.spec.fields ?? []);
    else this.branch.clear();
  }
}

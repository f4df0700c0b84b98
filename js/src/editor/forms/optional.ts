// The "optional" field kind: an object that is there or not (the job's git_source). A switch
// adds it (with `init`) or removes it; while it is there, its `fields` are shown below.
import type { FieldSpec } from "./types";
import { Base, Branch, type Env, type View } from "./fields";
import { h } from "./dom";

export class OptionalView extends Base {
  private readonly box: HTMLInputElement;
  private readonly branch: Branch;

  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { bare: true });
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
    this.branch = new Branch(h("div", { class: "loom-f-branch loom-f-optional-body" }), env);
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

  override children(): View[] {
    return this.branch.views;
  }
  override flush(): void {
    for (const v of this.branch.views) v.flush();
  }
  override destroy(): void {
    this.branch.clear();
  }
}

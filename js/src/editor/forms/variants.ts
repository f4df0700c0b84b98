// Segmented choices and the fields they switch: the segmented control, a Branch of child views
// redrawn when the choice changes, and the variant field (one of several keys, each with fields).
import { h, uid } from "../dom";
import type { FieldSpec, VariantSpec } from "./types";
import { getPath } from "./paths";
import { Base, type Env, type FrameOptions, type View } from "./view";

export interface Segment {
  value: string;
  label: string;
}

/** A radio group drawn as a segmented control. */
export function segmented(name: string, label: string, segments: Segment[], onPick: (value: string) => void, labelledBy?: string): { el: HTMLElement; set(value: string | null): void; first(): HTMLInputElement | null } {
  const group = h("div", { class: "loom-f-seg", role: "radiogroup", "aria-label": labelledBy ? undefined : label, "aria-labelledby": labelledBy });
  const radios: HTMLInputElement[] = [];
  for (const s of segments) {
    const id = uid();
    const radio = h("input", { type: "radio", class: "loom-f-seg-radio", name, id, value: s.value });
    radio.addEventListener("change", () => {
      if (radio.checked) onPick(s.value);
    });
    radios.push(radio);
    group.append(radio, h("label", { class: "loom-f-seg-label", for: id, title: s.label }, s.label));
  }
  return {
    el: group,
    set(value) {
      for (const r of radios) r.checked = r.value === value;
    },
    first: () => radios[0] ?? null,
  };
}

/** Child views of a composite, redrawn when the chosen branch changes. */
export class Branch {
  views: View[] = [];
  key: string | null = null;
  constructor(
    readonly el: HTMLElement,
    private readonly env: Env,
  ) {}
  show(key: string, fields: FieldSpec[]): void {
    if (key === this.key) {
      for (const v of this.views) v.update();
      return;
    }
    this.clear();
    this.key = key;
    this.views = fields.map((f) => this.env.create(f));
    this.el.replaceChildren(...this.views.map((v) => v.el));
  }
  clear(): void {
    for (const v of this.views) v.destroy();
    this.views = [];
    this.key = null;
    this.el.replaceChildren();
  }
}

/** A field whose child views are a Branch, drawn below the field's own control. */
export abstract class BranchedView extends Base {
  protected readonly branch: Branch;

  constructor(env: Env, spec: FieldSpec, opts: FrameOptions, branchClass: string) {
    super(env, spec, opts);
    this.branch = new Branch(h("div", { class: branchClass }), env);
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

export class VariantView extends BranchedView {
  private readonly seg: ReturnType<typeof segmented>;
  private chosen: string | null = null;
  private readonly variants: VariantSpec[];
  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { group: true, wide: true }, "loom-f-branch");
    this.variants = spec.variants ?? [];
    this.claims = this.variants.map((v) => [...spec.path, v.value]);
    this.seg = segmented(uid(), spec.label, this.variants, (value) => this.pick(value), this.labelId);
    for (const r of this.seg.el.querySelectorAll("input")) this.wire(r);
    this.body.append(this.seg.el);
    this.el.append(this.branch.el);
    this.el.classList.add("loom-f-has-branch");
    this.update();
  }
  private present(): string | null {
    const v = this.variants.find((x) => getPath(this.env.task, [...this.spec.path, x.value]) !== undefined);
    return v ? v.value : null;
  }
  private pick(value: string): void {
    const target = this.variants.find((v) => v.value === value);
    if (!target) return;
    for (const v of this.variants) {
      if (v.value !== value && getPath(this.env.task, [...this.spec.path, v.value]) !== undefined) {
        for (const view of this.branch.views) view.destroy();
        this.env.send([...this.spec.path, v.value], undefined);
      }
    }
    if (target.init !== undefined && getPath(this.env.task, [...this.spec.path, value]) === undefined) this.env.send([...this.spec.path, value], structuredCloneJson(target.init));
    this.chosen = value;
    this.update();
  }
  update(): void {
    const present = this.present();
    const noInit = this.variants.every((v) => v.init === undefined);
    const key = present ?? this.chosen ?? (noInit ? (this.variants[0]?.value ?? null) : null);
    this.seg.set(key);
    const variant = this.variants.find((v) => v.value === key);
    if (variant) this.branch.show(variant.value, variant.fields);
    else {
      this.branch.clear();
      this.branch.el.append(h("div", { class: "loom-f-note" }, `Choose what the task runs.`));
    }
  }
}

function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

// The fields of one value, typed or chosen: text (also number and picker), boolean, select, JSON.
import { h } from "../dom";
import type { FieldSpec } from "./types";
import { parseInteger, parseJobId } from "./convert";
import { isObject, jsonEqual } from "./paths";
import { browseButton, referencesButton } from "./picker-buttons";
import { taskFieldsAt } from "./spec";
import { Debouncer, bindText, hasFocus } from "./text-input";
import { Base, display, type Env } from "./view";

export class TextView extends Base {
  readonly input: HTMLInputElement | HTMLTextAreaElement;
  private readonly deb: Debouncer;

  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { wide: spec.kind === "textarea" && spec.label.length > 14 });
    const multi = spec.kind === "textarea";
    this.input = multi
      ? h("textarea", { class: "loom-f-input loom-f-textarea", rows: 3, placeholder: spec.placeholder, spellcheck: "false" })
      : h("input", {
          type: "text",
          placeholder: spec.placeholder,
          inputmode: spec.kind === "number" ? "numeric" : undefined,
          class: spec.kind === "number" ? "loom-f-input loom-f-num" : "loom-f-input",
          spellcheck: "false",
          autocomplete: "off",
        });
    this.wire(this.input, true);
    this.deb = new Debouncer(() => this.commit());
    bindText(this.input, this.deb);
    const row = h("div", { class: "loom-f-inline" }, this.input);
    if (spec.references) row.append(referencesButton(env, this.body, this.input, () => this.deb.touch()));
    if (spec.kind === "picker" && this.input instanceof HTMLInputElement) {
      row.append(
        browseButton(env, spec, this.body, this.input, (value) => {
          this.input.value = value;
          this.deb.touch();
          this.deb.flush();
        }),
      );
    }
    this.body.append(row);
    this.update();
  }

  private commit(): void {
    const text = this.input.value;
    const spec = this.spec;
    if (spec.kind === "number") {
      const parsed = parseInteger(text, spec.min, spec.max);
      if (!parsed.ok) {
        this.setLocalError(parsed.error);
        return;
      }
      this.setLocalError(null);
      this.env.send(spec.path, parsed.value);
      return;
    }
    if (spec.numeric) {
      const parsed = parseJobId(text);
      if (!parsed.ok) {
        this.setLocalError(parsed.error);
        return;
      }
      this.setLocalError(null);
      this.env.send(spec.path, parsed.value === "" && !spec.required ? undefined : parsed.value);
      return;
    }
    this.env.send(spec.path, text === "" ? (spec.required ? "" : undefined) : text);
  }

  update(): void {
    if (this.deb.pending && hasFocus(this.input)) return;
    if (this.keepsRefused()) return;
    const text = display(this.value());
    if (this.input.value !== text) this.input.value = text;
  }

  override flush(): void {
    this.deb.flush();
  }
  override destroy(): void {
    this.deb.cancel();
  }
}

// ---- boolean, select ----------------------------------------------------------------------

export class BooleanView extends Base {
  private readonly box: HTMLInputElement;
  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { bare: true });
    this.box = this.wire(h("input", { type: "checkbox", class: "loom-f-check" }), true);
    const label = h("label", { class: "loom-f-check-label", for: this.controlId, id: this.labelId }, this.box, h("span", null, spec.label));
    this.box.addEventListener("change", () => env.send(spec.path, this.box.checked ? true : spec.keepFalse ? false : undefined));
    this.body.append(label);
    this.update();
  }
  update(): void {
    if (this.keepsRefused()) return;
    this.box.checked = this.value() === true;
  }
}

export class SelectView extends Base {
  private readonly select: HTMLSelectElement;
  constructor(env: Env, spec: FieldSpec) {
    super(env, spec);
    this.select = this.wire(h("select", { class: "loom-f-select" }), true);
    this.select.addEventListener("change", () => {
      const v = this.select.value;
      env.send(spec.path, v === "" || v === spec.default ? undefined : v);
    });
    this.body.append(this.select);
    this.update();
  }
  update(): void {
    if (this.keepsRefused()) return;
    const raw = this.value();
    const current = raw === undefined || raw === null ? (this.spec.default ?? "") : String(raw);
    const options = [...(this.spec.options ?? [])];
    if (current === "" && !options.some((o) => o.value === "")) options.unshift({ value: "", label: "Choose…" });
    if (!options.some((o) => o.value === current)) options.push({ value: current, label: `${current} (not known)` });
    const sig = JSON.stringify(options);
    if (this.select.dataset.sig !== sig) {
      this.select.replaceChildren(...options.map((o) => h("option", { value: o.value }, o.label)));
      this.select.dataset.sig = sig;
    }
    this.select.value = current;
  }
}

export class JsonView extends Base {
  private readonly area: HTMLTextAreaElement;
  private readonly deb: Debouncer;
  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { wide: true });
    this.area = this.wire(h("textarea", { class: "loom-f-input loom-f-json", rows: 6, spellcheck: "false", placeholder: spec.placeholder ?? "JSON" }), true);
    this.deb = new Debouncer(() => this.commit());
    bindText(this.area, this.deb);
    this.body.append(this.area);
    const fields = taskFieldsAt(spec.path);
    if (fields?.length) {
      // The body of a type without a form: name its fields (databricks-sdk's), so the JSON can be
      // written without the API reference at hand.
      const label = `Fields of ${String(spec.path[spec.path.length - 1])}`;
      this.body.append(
        h("div", { class: "loom-f-help" }, label),
        h("ul", { class: "loom-f-hints", "aria-label": label }, ...fields.map((f) => h("li", {}, h("code", {}, f.name), ` ${f.doc}`))),
      );
    }
    this.update();
  }
  private commit(): void {
    const text = this.area.value.trim();
    if (text === "") {
      if (this.spec.required) {
        this.setLocalError("Enter a JSON object");
        return;
      }
      this.setLocalError(null);
      this.env.send(this.spec.path, undefined);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      this.setLocalError(`Not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (this.spec.required && !isObject(parsed)) {
      this.setLocalError("Enter a JSON object ({ … })");
      return;
    }
    this.setLocalError(null);
    this.env.send(this.spec.path, parsed);
  }
  update(): void {
    if (this.deb.pending && hasFocus(this.area)) return;
    if (this.keepsRefused()) return;
    const value = this.value();
    let same = false;
    try {
      same = this.area.value.trim() !== "" && jsonEqual(JSON.parse(this.area.value), value);
    } catch {
      same = false;
    }
    if (!same) this.area.value = value === undefined ? "" : JSON.stringify(value, null, 2);
    const lines = this.area.value.split("\n").length;
    this.area.rows = Math.max(3, Math.min(16, lines));
  }
  override flush(): void {
    this.deb.flush();
  }
  override destroy(): void {
    this.deb.cancel();
  }
}

// Row-based fields: RowsView (one debouncer for the field, rows redrawn from the value, a problem
// marking its row), and the plain lists of strings and key-value maps.
import { h } from "../dom";
import type { JsonPath } from "../protocol";
import type { FieldSpec } from "./types";
import { isObject, jsonEqual } from "./paths";
import { referencesButton } from "./picker-buttons";
import { Debouncer, bindText, hasFocus } from "./text-input";
import { Base, addButton, display, removeButton, type Env, type FrameOptions } from "./view";

/** Shared machinery of row-based fields: one debouncer for the field, rows redrawn from the value. */
export abstract class RowsView<Row> extends Base {
  protected readonly rowsEl: HTMLElement;
  protected readonly deb: Debouncer;
  protected rows: { el: HTMLElement; data: Row }[] = [];
  protected readonly footer: HTMLElement;
  private lastSig = "";
  private lastExtra = "";

  constructor(env: Env, spec: FieldSpec, opts: FrameOptions) {
    super(env, spec, { group: true, ...opts });
    this.rowsEl = h("div", { class: "loom-f-rows", role: "list" });
    this.footer = h("div", { class: "loom-f-rows-footer" });
    this.deb = new Debouncer(() => this.commit());
    this.body.append(this.rowsEl, this.footer);
  }

  /** Rows drawn for the current value. */
  protected abstract rowsFor(value: unknown): Row[];
  protected abstract drawRow(row: Row, index: number): HTMLElement;
  /** The value built from the rows in the DOM; `null` means a local error (not sent). */
  protected abstract collect(): { value: unknown } | null;

  protected commit(): void {
    const got = this.collect();
    if (got === null) return;
    this.setLocalError(null);
    this.env.send(this.spec.path, got.value);
    // The DOM shows what was sent: a later value equal to the first one drawn (an undo) redraws.
    this.lastSig = `${JSON.stringify(got.value ?? null)}|${this.extraSig()}`;
    this.lastExtra = this.extraSig();
  }

  protected addRow(row: Row, focus = true): void {
    const el = this.drawRow(row, this.rows.length);
    this.rows.push({ el, data: row });
    this.rowsEl.append(el);
    this.afterRows();
    if (focus) el.querySelector<HTMLElement>("input, select, textarea")?.focus();
  }

  protected removeRow(el: HTMLElement): void {
    const i = this.rows.findIndex((r) => r.el === el);
    if (i < 0) return;
    const focusNext = hasFocus(el);
    this.rows.splice(i, 1);
    el.remove();
    this.deb.cancel();
    this.commit();
    this.afterRows();
    if (focusNext) (this.rows[Math.min(i, this.rows.length - 1)]?.el.querySelector<HTMLElement>("input, select") ?? this.footer.querySelector<HTMLElement>("button"))?.focus();
  }

  /** After rows were added or removed: limits, empty text. */
  protected afterRows(): void {}

  update(): void {
    if (this.deb.pending && hasFocus(this.el)) return;
    if (this.keepsRefused()) return;
    const value = this.value();
    const extra = this.extraSig();
    const sig = `${JSON.stringify(value ?? null)}|${extra}`;
    if (sig === this.lastSig) return;
    const drawn = this.lastSig !== "";
    const sameExtra = this.lastExtra === extra;
    this.lastSig = sig;
    this.lastExtra = extra;
    if (drawn && sameExtra) {
      // The DOM already shows this value (the echo of our own edit): keep it, caret and all.
      const shown = this.collect();
      if (shown !== null && jsonEqual(shown.value, value)) return;
    }
    // Keep focus on the same row and control.
    const active = document.activeElement as HTMLElement | null;
    let focusRow = -1;
    let focusPart = "";
    if (active && this.rowsEl.contains(active)) {
      focusRow = this.rows.findIndex((r) => r.el.contains(active));
      focusPart = active.dataset.part ?? "";
    }
    this.rows = this.rowsFor(value).map((data, i) => ({ data, el: this.drawRow(data, i) }));
    this.rowsEl.replaceChildren(...this.rows.map((r) => r.el));
    this.afterRows();
    if (focusRow >= 0) {
      const row = this.rows[Math.min(focusRow, this.rows.length - 1)];
      row?.el.querySelector<HTMLElement>(focusPart ? `[data-part="${focusPart}"]` : "input, select")?.focus();
    }
  }

  /** Other inputs of the rows' drawing (task keys of depends_on). */
  protected extraSig(): string {
    return "";
  }

  protected override markPart(rest: JsonPath, warning: boolean): HTMLElement | null {
    const i = typeof rest[0] === "number" ? rest[0] : /^\d+$/.test(String(rest[0] ?? "")) ? Number(rest[0]) : -1;
    const row = this.rows[i]?.el ?? null;
    row?.classList.add(warning ? "loom-f-row-warned" : "loom-f-row-invalid");
    return row;
  }

  override flush(): void {
    this.deb.flush();
  }
  override destroy(): void {
    this.deb.cancel();
  }
}

export interface StringListOptions {
  /** The strings of a stored value (webhooks: the ids of [{id}]). */
  decode?(value: unknown): { text: string; orig: unknown }[];
  /** The stored item for a string (keeps the other keys of `orig`). */
  encode?(text: string, orig: unknown): unknown;
  addLabel?: string;
  rowLabel?: string;
  bare?: boolean;
  /** A small tag before each row ("mail", "hook"). */
  prefix?: string;
}

export class StringListView extends RowsView<{ text: string; orig: unknown }> {
  private readonly add: HTMLButtonElement;
  private readonly limit: HTMLElement;
  constructor(
    env: Env,
    spec: FieldSpec,
    private readonly opts: StringListOptions = {},
  ) {
    super(env, spec, { bare: opts.bare });
    this.add = addButton(opts.addLabel ?? spec.addLabel ?? "Add", () => this.addRow({ text: "", orig: undefined }));
    this.limit = h("span", { class: "loom-f-muted loom-f-limit" });
    this.footer.append(this.add, this.limit);
    this.update();
  }
  protected rowsFor(value: unknown): { text: string; orig: unknown }[] {
    if (this.opts.decode) return this.opts.decode(value);
    return Array.isArray(value) ? value.map((v) => ({ text: display(v), orig: v })) : [];
  }
  protected drawRow(row: { text: string; orig: unknown }, index: number): HTMLElement {
    const input = this.wire(
      h("input", {
        class: "loom-f-input",
        type: "text",
        value: row.text,
        placeholder: this.spec.placeholder,
        "aria-label": `${this.opts.rowLabel ?? this.spec.label} ${index + 1}`,
        "data-part": "text",
        spellcheck: "false",
        autocomplete: "off",
      }),
      index === 0,
    );
    input.value = row.text;
    bindText(input, this.deb);
    const el = h("div", { class: "loom-f-row", role: "listitem" }, this.opts.prefix ? h("span", { class: "loom-f-tag", "aria-hidden": "true" }, this.opts.prefix) : null, input);
    if (this.spec.references) el.append(referencesButton(this.env, el, input, () => this.deb.touch()));
    el.append(removeButton(`Remove ${(this.opts.rowLabel ?? this.spec.label).toLowerCase()} ${index + 1}`, () => this.removeRow(el)));
    el.classList.add("loom-f-rel");
    return el;
  }
  protected collect(): { value: unknown } | null {
    const items: unknown[] = [];
    for (const r of this.rows) {
      const text = (r.el.querySelector("input") as HTMLInputElement).value;
      if (text === "") continue; // an empty row is dropped
      items.push(this.opts.encode ? this.opts.encode(text, r.data.orig) : r.data.orig !== undefined && display(r.data.orig) === text ? r.data.orig : text);
    }
    if (items.length === 0) return { value: this.spec.required ? [] : undefined };
    return { value: items };
  }
  protected override afterRows(): void {
    const max = this.spec.maxItems;
    if (max !== undefined) {
      this.add.disabled = this.rows.length >= max;
      this.limit.textContent = `${this.rows.length} / ${max}`;
    }
    if (!this.rows.length) this.limit.textContent = "";
  }
}

interface KvRow {
  key: string;
  text: string;
  orig: unknown;
}

export class KeyValueView extends RowsView<KvRow> {
  private readonly add: HTMLButtonElement;
  private readonly limit: HTMLElement;
  constructor(env: Env, spec: FieldSpec, bare = false) {
    super(env, spec, { wide: true, bare });
    this.add = addButton(spec.addLabel ?? "Add parameter", () => this.addRow({ key: "", text: "", orig: undefined }));
    this.limit = h("span", { class: "loom-f-muted loom-f-limit" });
    this.footer.append(this.add, this.limit);
    this.update();
  }
  protected override afterRows(): void {
    const max = this.spec.maxItems;
    if (max === undefined || !this.add) return;
    this.add.disabled = this.rows.length >= max;
    this.add.title = this.add.disabled ? `At most ${max}` : "";
    this.limit.textContent = `${this.rows.length} / ${max}`;
    this.limit.classList.toggle("loom-f-limit--full", this.rows.length >= max);
  }
  protected rowsFor(value: unknown): KvRow[] {
    return isObject(value) ? Object.entries(value).map(([key, v]) => ({ key, text: display(v), orig: v })) : [];
  }
  protected drawRow(row: KvRow, index: number): HTMLElement {
    const key = this.wire(h("input", { class: "loom-f-input loom-f-key", type: "text", placeholder: "Key", "aria-label": `${this.spec.label}: key ${index + 1}`, "data-part": "key", spellcheck: "false", autocomplete: "off" }), index === 0);
    key.value = row.key;
    const val = this.wire(h("input", { class: "loom-f-input loom-f-val", type: "text", placeholder: "Value", "aria-label": `${this.spec.label}: value ${index + 1}`, "data-part": "value", spellcheck: "false", autocomplete: "off" }));
    val.value = row.text;
    bindText(key, this.deb);
    bindText(val, this.deb);
    const el = h("div", { class: "loom-f-row loom-f-kv-row loom-f-rel", role: "listitem" }, key, val);
    if (this.spec.references) el.append(referencesButton(this.env, el, val, () => this.deb.touch()));
    el.append(removeButton(`Remove ${this.spec.label.toLowerCase()} ${index + 1}`, () => this.removeRow(el)));
    return el;
  }
  protected collect(): { value: unknown } | null {
    const out: Record<string, unknown> = {};
    for (const r of this.rows) {
      const key = (r.el.querySelector('[data-part="key"]') as HTMLInputElement).value;
      const text = (r.el.querySelector('[data-part="value"]') as HTMLInputElement).value;
      if (key === "" && text === "") continue;
      if (key === "") {
        this.setLocalError("Every value needs a key");
        return null;
      }
      if (Object.keys(out).includes(key)) {
        this.setLocalError(`The key "${key}" is there twice`);
        return null;
      }
      out[key] = r.data.orig !== undefined && display(r.data.orig) === text ? r.data.orig : text;
    }
    return { value: Object.keys(out).length ? out : undefined };
  }
  protected override markPart(rest: JsonPath, warning: boolean): HTMLElement | null {
    const i = this.rows.findIndex((r) => r.data.key === String(rest[0]));
    const row = this.rows[i]?.el ?? null;
    row?.classList.add(warning ? "loom-f-row-warned" : "loom-f-row-invalid");
    return row;
  }
}

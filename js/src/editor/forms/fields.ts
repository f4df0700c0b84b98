// The field renderers: one View per field, reading its value by path from the task and
// reporting every edit as (path, value | undefined) through the Env.
import type { JsonPath, Problem } from "../protocol";
import type { FieldKind, FieldSpec, FormContext, VariantSpec } from "./types";
import { Debouncer, bindText, h, hasFocus, insertAtCaret, uid } from "./dom";
import { openList, parentFolder, type ListItem, type OpenList } from "./popup";
import { getPath, isObject, jsonEqual, pathKey } from "./paths";
import { durationUnits, formatAmount, joinDuration, parseInteger, parseJobId, splitDuration } from "./convert";
import { KNOWN_TASK_TYPES, taskTypeLabel, taskTypeOf } from "./spec";

/** What every view shares: the panel's context and the current task (kept up to date locally). */
export interface Env {
  ctx: FormContext;
  task: Record<string, unknown>;
  /** ctx.change + the same edit applied to env.task; nothing is sent when the value is unchanged. */
  send(path: JsonPath, value: unknown): void;
  /** Only one list popup at a time. */
  popup: OpenList | null;
}

export interface View {
  readonly path: JsonPath;
  /** Paths whose problems this view shows (exact or as a prefix). */
  readonly claims: JsonPath[];
  readonly el: HTMLElement;
  update(): void;
  flush(): void;
  destroy(): void;
  children(): View[];
  addProblem(problem: Problem, rest: JsonPath): void;
  clearProblems(): void;
}

// ---- base ---------------------------------------------------------------------------------

export interface FrameOptions {
  /** Label above the control (lists, maps, JSON) instead of in the left column. */
  wide?: boolean;
  /** No label element (the caller labels its controls), e.g. a composite's inner lists. */
  bare?: boolean;
  /** The label is a plain caption of a group (several controls): not a <label for>. */
  group?: boolean;
}

export abstract class Base implements View {
  readonly el: HTMLElement;
  readonly body: HTMLElement;
  readonly msgs: HTMLElement;
  readonly controlId = uid();
  readonly labelId = uid();
  readonly msgsId = uid();
  protected readonly helpId: string | null;
  protected localError: string | null = null;
  private readonly localEl: HTMLElement;
  private problemErrors = 0;
  claims: JsonPath[];

  constructor(
    readonly env: Env,
    readonly spec: FieldSpec,
    opts: FrameOptions = {},
  ) {
    this.claims = [spec.path];
    this.msgs = h("div", { class: "loom-f-msgs", id: this.msgsId });
    this.localEl = h("div", { class: "loom-f-msg loom-f-msg--error loom-f-local", hidden: true });
    this.msgs.append(this.localEl);
    this.helpId = spec.help ? uid() : null;
    const help = spec.help ? h("div", { class: "loom-f-help", id: this.helpId ?? undefined }, spec.help) : null;
    this.body = h("div", { class: "loom-f-body" });
    const control = h("div", { class: "loom-f-control" }, this.body, help, this.msgs);
    const classes = ["loom-f-field", `loom-f-kind-${spec.kind}`];
    if (opts.wide) classes.push("loom-f-field--wide");
    if (opts.bare) classes.push("loom-f-field--bare");
    this.el = h("div", { class: classes.join(" "), "data-path": pathKey(spec.path), "data-kind": spec.kind });
    if (!opts.bare) {
      const req = spec.required ? h("span", { class: "loom-f-req", "aria-hidden": "true" }, "*") : null;
      const label = opts.group
        ? h("div", { class: "loom-f-label", id: this.labelId }, spec.label, req)
        : h("label", { class: "loom-f-label", id: this.labelId, for: this.controlId }, spec.label, req);
      this.el.append(label);
    }
    this.el.append(control);
  }

  get path(): JsonPath {
    return this.spec.path;
  }

  /** Describe a control (help + messages) and mark it for aria-invalid. */
  protected wire<T extends HTMLElement>(control: T, withId = false): T {
    if (withId) control.id = this.controlId;
    control.setAttribute("aria-describedby", [this.helpId, this.msgsId].filter(Boolean).join(" "));
    control.classList.add("loom-f-ctl");
    if (this.spec.required) control.setAttribute("aria-required", "true");
    return control;
  }

  protected value(): unknown {
    return getPath(this.env.task, this.spec.path);
  }

  protected setLocalError(message: string | null): void {
    this.localError = message;
    this.localEl.textContent = message ?? "";
    this.localEl.hidden = message === null;
    this.refreshInvalid();
  }

  private refreshInvalid(): void {
    const invalid = this.localError !== null || this.problemErrors > 0;
    this.el.classList.toggle("loom-f-invalid", invalid);
    for (const c of Array.from(this.el.querySelectorAll<HTMLElement>(":scope > .loom-f-control > .loom-f-body .loom-f-ctl"))) {
      if (c.closest(".loom-f-field") !== this.el) continue;
      if (!invalid && c.closest(".loom-f-row-invalid")) continue;
      if (invalid) c.setAttribute("aria-invalid", "true");
      else c.removeAttribute("aria-invalid");
    }
  }

  addProblem(problem: Problem, rest: JsonPath): void {
    const warning = problem.severity === "warning";
    this.msgs.append(h("div", { class: `loom-f-msg loom-f-problem loom-f-msg--${warning ? "warning" : "error"}` }, problem.message));
    // A list marks the row the problem is about; else the whole field is marked.
    const row = this.markPart(rest, warning);
    if (row) {
      if (!warning) for (const c of Array.from(row.querySelectorAll(".loom-f-ctl"))) c.setAttribute("aria-invalid", "true");
      this.el.classList.add(warning ? "loom-f-warned-part" : "loom-f-invalid-part");
    } else if (warning) this.el.classList.add("loom-f-warned");
    else this.problemErrors += 1;
    this.refreshInvalid();
  }

  /** Lists mark the row a problem is about (rest = the path below the field) and return it. */
  protected markPart(_rest: JsonPath, _warning: boolean): HTMLElement | null {
    return null;
  }

  clearProblems(): void {
    for (const m of Array.from(this.msgs.querySelectorAll(":scope > .loom-f-problem"))) m.remove();
    this.problemErrors = 0;
    this.el.classList.remove("loom-f-warned", "loom-f-warned-part", "loom-f-invalid-part");
    for (const row of Array.from(this.el.querySelectorAll(".loom-f-row-invalid, .loom-f-row-warned"))) {
      if (row.closest(".loom-f-field") !== this.el) continue;
      row.classList.remove("loom-f-row-invalid", "loom-f-row-warned");
      for (const c of Array.from(row.querySelectorAll(".loom-f-ctl"))) c.removeAttribute("aria-invalid");
    }
    this.refreshInvalid();
  }

  children(): View[] {
    return [];
  }
  flush(): void {}
  destroy(): void {}
  abstract update(): void;
}

export function display(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

export function removeButton(label: string, onClick: () => void): HTMLButtonElement {
  const b = h("button", { type: "button", class: "loom-f-icon-btn loom-f-remove", "aria-label": label, title: label }, "×");
  b.addEventListener("click", onClick);
  return b;
}

export function addButton(text: string, onClick: () => void): HTMLButtonElement {
  const b = h("button", { type: "button", class: "loom-f-link-btn loom-f-add" }, h("span", { "aria-hidden": "true" }, "+ "), text);
  b.addEventListener("click", onClick);
  return b;
}

/** The { } button: lists ctx.references() and inserts the chosen one at the caret of `input`. */
export function referencesButton(env: Env, host: HTMLElement, input: HTMLInputElement | HTMLTextAreaElement, after: () => void): HTMLButtonElement {
  const b = h("button", { type: "button", class: "loom-f-btn loom-f-ref-btn", "aria-label": "Insert a dynamic value reference", title: "Insert a dynamic value reference", "aria-haspopup": "listbox" }, "{ }");
  b.addEventListener("click", () => {
    const wasOpen = env.popup?.el.dataset.popup === "Dynamic values" && host.contains(env.popup.el);
    env.popup?.close(false);
    if (wasOpen) return;
    // Remember the caret: the filter box takes focus.
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    env.popup = openList(
      host,
      {
        title: "Dynamic values",
        serverFilter: false,
        emptyText: "No references",
        load: async () => (await env.ctx.references()).map((r) => ({ value: r.reference, label: r.reference, detail: r.description })),
      },
      (item) => {
        input.focus();
        try {
          input.setSelectionRange(start, end);
        } catch {
          /* ignore */
        }
        insertAtCaret(input, item.value);
        after();
      },
      input,
      () => (env.popup = null),
    );
  });
  return b;
}

const FOLDER_PICKERS = new Set(["notebook", "file", "directory"]);

/** The Browse button of a picker field. */
function browseButton(env: Env, spec: FieldSpec, host: HTMLElement, input: HTMLInputElement, chosen: (value: string) => void): HTMLButtonElement {
  const what = spec.picker ?? "file";
  const b = h("button", { type: "button", class: "loom-f-btn loom-f-browse", "aria-haspopup": "listbox", "aria-label": `Browse: ${spec.label}` }, "Browse");
  b.addEventListener("click", () => {
    const wasOpen = env.popup !== null && host.contains(env.popup.el);
    env.popup?.close(false);
    if (wasOpen) return;
    const folders = FOLDER_PICKERS.has(what);
    const current = input.value.trim();
    env.popup = openList(
      host,
      {
        title: `Choose ${spec.label.toLowerCase()}`,
        serverFilter: !folders,
        browse: folders,
        initialPath: folders && current.startsWith("/") ? parentFolder(current) : undefined,
        load: async ({ path, query }) =>
          (await env.ctx.pick(what, folders ? (path !== undefined ? { path } : {}) : query ? { query } : {})).map(
            (c): ListItem => ({ value: c.value, label: c.label, detail: c.detail, isDir: c.is_dir }),
          ),
      },
      (item) => chosen(item.value),
      input,
      () => (env.popup = null),
    );
  });
  return b;
}

// ---- text, textarea, number, picker --------------------------------------------------------

class TextView extends Base {
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
      if (!parsed.ok) return this.setLocalError(parsed.error);
      this.setLocalError(null);
      this.env.send(spec.path, parsed.value);
      return;
    }
    if (spec.numeric) {
      const parsed = parseJobId(text);
      if (!parsed.ok) return this.setLocalError(parsed.error);
      this.setLocalError(null);
      this.env.send(spec.path, parsed.value === "" && !spec.required ? undefined : parsed.value);
      return;
    }
    this.env.send(spec.path, text === "" ? (spec.required ? "" : undefined) : text);
  }

  update(): void {
    if (this.deb.pending && hasFocus(this.input)) return;
    const text = display(this.value());
    if (this.input.value !== text) this.input.value = text;
    if (this.localError !== null && !this.deb.pending) this.setLocalError(null);
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
    this.box.checked = this.value() === true;
  }
}

class SelectView extends Base {
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

// ---- duration, retries, health ------------------------------------------------------------

class DurationView extends Base {
  protected readonly amount: HTMLInputElement;
  protected readonly unit: HTMLSelectElement;
  protected readonly deb: Debouncer;
  protected readonly stored: "s" | "ms";

  constructor(env: Env, spec: FieldSpec, stored: "s" | "ms" = spec.unit ?? "s") {
    super(env, spec);
    this.stored = stored;
    this.amount = this.wire(h("input", { class: "loom-f-input loom-f-num", type: "text", inputmode: "decimal", placeholder: spec.placeholder, autocomplete: "off" }), true);
    this.unit = this.wire(h("select", { class: "loom-f-select loom-f-unit", "aria-label": `${spec.label}: unit` }));
    this.unit.append(...durationUnits(stored).map((u) => h("option", { value: u.value }, u.label)));
    this.deb = new Debouncer(() => this.commit());
    bindText(this.amount, this.deb);
    this.unit.addEventListener("change", () => {
      this.deb.cancel();
      this.commit();
    });
    this.body.append(h("div", { class: "loom-f-inline" }, this.amount, this.unit));
  }

  protected current(): number | undefined {
    const v = this.value();
    return typeof v === "number" ? v : undefined;
  }

  protected commit(): void {
    const parsed = joinDuration(this.amount.value, this.unit.value, this.stored);
    if (!parsed.ok) return this.setLocalError(parsed.error);
    this.setLocalError(null);
    this.write(parsed.value);
  }

  protected write(value: number | undefined): void {
    this.env.send(this.spec.path, value);
  }

  update(): void {
    if (this.deb.pending && hasFocus(this.amount)) return;
    const v = this.current();
    if (v === undefined) {
      if (this.value() !== undefined && this.value() !== null) this.amount.value = display(this.value());
      else this.amount.value = "";
      return;
    }
    const factor = durationUnits(this.stored).find((u) => u.value === this.unit.value)?.factor ?? 1;
    if (v % factor === 0 && this.amount.value !== "") {
      // keep the unit the user chose when the value is whole in it
      this.amount.value = formatAmount(v / factor);
    } else {
      const { amount, unit } = splitDuration(v, this.stored);
      this.unit.value = unit;
      this.amount.value = formatAmount(amount);
    }
    if (!this.deb.pending) this.setLocalError(null);
  }

  override flush(): void {
    this.deb.flush();
  }
  override destroy(): void {
    this.deb.cancel();
  }
}

/** The RUN_DURATION_SECONDS rule of `health`; other rules are kept and listed. */
class HealthView extends DurationView {
  private readonly others: HTMLElement;
  constructor(env: Env, spec: FieldSpec) {
    super(env, { ...spec, placeholder: spec.placeholder ?? "No warning" }, "s");
    this.body.querySelector(".loom-f-inline")?.prepend(h("span", { class: "loom-f-muted" }, "Longer than"));
    this.others = h("div", { class: "loom-f-note" });
    this.body.append(this.others);
    this.update();
  }
  private rules(): unknown[] {
    const rules = getPath(this.value(), ["rules"]);
    return Array.isArray(rules) ? rules : [];
  }
  private isDuration(rule: unknown): boolean {
    return isObject(rule) && rule.metric === "RUN_DURATION_SECONDS";
  }
  protected override current(): number | undefined {
    const rule = this.rules().find((r) => this.isDuration(r));
    const v = isObject(rule) ? rule.value : undefined;
    return typeof v === "number" ? v : undefined;
  }
  protected override write(value: number | undefined): void {
    const health = isObject(this.value()) ? (this.value() as Record<string, unknown>) : {};
    const rules = this.rules();
    const at = rules.findIndex((r) => this.isDuration(r));
    const next = rules.slice();
    if (value === undefined) {
      if (at >= 0) next.splice(at, 1);
    } else {
      const rule = { ...(at >= 0 ? (rules[at] as Record<string, unknown>) : {}), metric: "RUN_DURATION_SECONDS", op: "GREATER_THAN", value };
      if (at >= 0) next[at] = rule;
      else next.push(rule);
    }
    const rest = Object.keys(health).filter((k) => k !== "rules");
    this.env.send(this.spec.path, next.length === 0 && rest.length === 0 ? undefined : { ...health, rules: next });
  }
  override update(): void {
    if (!this.others) return; // during construction
    super.update();
    const others = this.rules().filter((r) => !this.isDuration(r));
    this.others.textContent = others.length
      ? "Also kept: " + others.map((r) => (isObject(r) ? `${String(r.metric).toLowerCase().replace(/_/g, " ")} > ${String(r.value)}` : JSON.stringify(r))).join("; ")
      : "";
    this.others.hidden = others.length === 0;
  }
}

class RetriesView extends Base {
  private readonly count: HTMLInputElement;
  private readonly forever: HTMLInputElement;
  private readonly deb: Debouncer;
  constructor(env: Env, spec: FieldSpec) {
    super(env, spec);
    this.count = this.wire(h("input", { class: "loom-f-input loom-f-num", type: "text", inputmode: "numeric", placeholder: "0", autocomplete: "off" }), true);
    const foreverId = uid();
    this.forever = this.wire(h("input", { type: "checkbox", class: "loom-f-check", id: foreverId }));
    this.deb = new Debouncer(() => this.commit());
    bindText(this.count, this.deb);
    this.forever.addEventListener("change", () => {
      this.deb.cancel();
      this.setLocalError(null);
      if (this.forever.checked) env.send(spec.path, -1);
      else {
        env.send(spec.path, undefined);
        this.count.focus();
      }
      this.update();
    });
    this.body.append(
      h("div", { class: "loom-f-inline" }, this.count, h("label", { class: "loom-f-check-label", for: foreverId }, this.forever, h("span", null, "Retry indefinitely"))),
    );
    this.update();
  }
  private commit(): void {
    const parsed = parseInteger(this.count.value, this.spec.min ?? 0, this.spec.max);
    if (!parsed.ok) return this.setLocalError(parsed.error);
    this.setLocalError(null);
    this.env.send(this.spec.path, parsed.value);
  }
  update(): void {
    const v = this.value();
    const forever = v === -1;
    this.forever.checked = forever;
    this.count.disabled = forever;
    if (this.deb.pending && hasFocus(this.count)) return;
    this.count.value = forever ? "" : display(v);
  }
  override flush(): void {
    this.deb.flush();
  }
  override destroy(): void {
    this.deb.cancel();
  }
}

// ---- lists: string_list, key_value, depends_on, libraries -----------------------------------

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
    this.lastSig = JSON.stringify(got.value ?? null) + "|" + this.extraSig();
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
    const value = this.value();
    const extra = this.extraSig();
    const sig = JSON.stringify(value ?? null) + "|" + extra;
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
    if (!this.deb.pending) this.setLocalError(null);
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

class StringListView extends RowsView<{ text: string; orig: unknown }> {
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

class KeyValueView extends RowsView<KvRow> {
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
      if (Object.prototype.hasOwnProperty.call(out, key)) {
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

interface DepRow {
  taskKey: string;
  outcome: string;
  orig: Record<string, unknown>;
}

class DependsOnView extends RowsView<DepRow> {
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

const LIB_KINDS = [
  { value: "pypi", label: "PyPI", placeholder: "package==1.0", main: "package" },
  { value: "maven", label: "Maven", placeholder: "group:artifact:version", main: "coordinates" },
  { value: "cran", label: "CRAN", placeholder: "package", main: "package" },
  { value: "whl", label: "Wheel", placeholder: "/Volumes/…/pkg.whl", main: "" },
  { value: "jar", label: "JAR", placeholder: "/Volumes/…/lib.jar", main: "" },
  { value: "requirements", label: "requirements.txt", placeholder: "/Workspace/…/requirements.txt", main: "" },
  { value: "egg", label: "Egg (deprecated)", placeholder: "dbfs:/…/lib.egg", main: "" },
];
const LIB_KEYS = new Set(LIB_KINDS.map((k) => k.value));

interface LibRow {
  kind: string; // a LIB_KINDS value, or "" for a row shown as JSON
  orig: unknown;
}

function libKind(lib: unknown): string {
  if (!isObject(lib)) return "";
  const keys = Object.keys(lib).filter((k) => LIB_KEYS.has(k));
  if (keys.length !== 1) return "";
  const kind = LIB_KINDS.find((k) => k.value === keys[0])!;
  const body = lib[kind.value];
  if (kind.main) {
    if (!isObject(body)) return "";
    const known = new Set([kind.main, "repo", ...(kind.value === "maven" ? ["exclusions"] : [])]);
    if (Object.keys(body).some((k) => !known.has(k))) return "";
    if (kind.value === "maven" && body.exclusions !== undefined && !(Array.isArray(body.exclusions) && body.exclusions.every((e) => typeof e === "string"))) return "";
    return kind.value;
  }
  return typeof body === "string" ? kind.value : "";
}

class LibrariesView extends RowsView<LibRow> {
  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { bare: true });
    this.rowsEl.setAttribute("aria-label", spec.label);
    this.footer.append(addButton("Add library", () => this.addRow({ kind: "pypi", orig: undefined })));
    this.update();
  }
  protected rowsFor(value: unknown): LibRow[] {
    return Array.isArray(value) ? value.map((lib) => ({ kind: libKind(lib), orig: lib })) : [];
  }
  protected drawRow(row: LibRow, index: number): HTMLElement {
    const el = h("div", { class: "loom-f-row loom-f-lib-row", role: "listitem" });
    el.dataset.kind = row.kind;
    if (row.kind === "") {
      const area = this.wire(h("textarea", { class: "loom-f-input loom-f-json", rows: 2, "aria-label": `Library ${index + 1} (JSON)`, "data-part": "json", spellcheck: "false" }), index === 0);
      area.value = JSON.stringify(row.orig);
      bindText(area, this.deb);
      el.append(area);
    } else {
      const kind = LIB_KINDS.find((k) => k.value === row.kind)!;
      const select = this.wire(h("select", { class: "loom-f-select loom-f-lib-kind", "aria-label": `Library ${index + 1} type`, "data-part": "kind" }), index === 0);
      select.append(...LIB_KINDS.map((k) => h("option", { value: k.value }, k.label)));
      select.value = row.kind;
      const body = isObject(row.orig) ? row.orig[kind.value] : undefined;
      const main = kind.main ? (isObject(body) ? display(body[kind.main]) : "") : display(body);
      const input = this.wire(h("input", { class: "loom-f-input", type: "text", placeholder: kind.placeholder, "aria-label": `Library ${index + 1}`, "data-part": "main", spellcheck: "false", autocomplete: "off" }));
      input.value = main;
      bindText(input, this.deb);
      select.addEventListener("change", () => {
        // Re-draw the row as the new kind, keeping the typed value.
        const text = input.value;
        const i = this.rows.findIndex((r) => r.el === el);
        const kindNow = LIB_KINDS.find((k) => k.value === select.value)!;
        const extras = isObject(row.orig) ? Object.fromEntries(Object.entries(row.orig).filter(([k]) => !LIB_KEYS.has(k))) : {};
        const orig = { ...extras, [kindNow.value]: kindNow.main ? { [kindNow.main]: text } : text };
        const fresh = this.drawRow({ kind: kindNow.value, orig }, i);
        this.rows[i] = { el: fresh, data: { kind: kindNow.value, orig } };
        el.replaceWith(fresh);
        fresh.querySelector<HTMLElement>('[data-part="kind"]')?.focus();
        this.deb.cancel();
        this.commit();
      });
      el.append(select, input, removeButton(`Remove library ${index + 1}`, () => this.removeRow(el)));
      if (kind.main) {
        // Repository (and Maven exclusions): a second line, shown when set or while the row has focus.
        const extra = h("div", { class: "loom-f-lib-extra" });
        const repo = this.wire(h("input", { class: "loom-f-input loom-f-repo", type: "text", placeholder: "Repository URL (optional)", "aria-label": `Library ${index + 1} repository`, "data-part": "repo", spellcheck: "false" }));
        repo.value = isObject(body) ? display(body.repo) : "";
        bindText(repo, this.deb);
        extra.append(repo);
        let filled = repo.value !== "";
        if (kind.value === "maven") {
          const ex = this.wire(h("input", { class: "loom-f-input loom-f-repo", type: "text", placeholder: "Exclusions (comma-separated)", "aria-label": `Library ${index + 1} exclusions`, "data-part": "exclusions", spellcheck: "false" }));
          ex.value = isObject(body) && Array.isArray(body.exclusions) ? body.exclusions.join(", ") : "";
          bindText(ex, this.deb);
          extra.append(ex);
          filled ||= ex.value !== "";
        }
        extra.classList.toggle("loom-f-filled", filled);
        el.append(extra);
      }
      return el;
    }
    el.append(removeButton(`Remove library ${index + 1}`, () => this.removeRow(el)));
    return el;
  }
  protected collect(): { value: unknown } | null {
    const out: unknown[] = [];
    for (const r of this.rows) {
      const get = (part: string): string | undefined => (r.el.querySelector(`[data-part="${part}"]`) as HTMLInputElement | null)?.value;
      const jsonText = get("json");
      if (jsonText !== undefined) {
        try {
          out.push(JSON.parse(jsonText));
        } catch (err) {
          this.setLocalError(`Library ${out.length + 1}: ${err instanceof Error ? err.message : "not JSON"}`);
          return null;
        }
        continue;
      }
      const kindValue = get("kind") ?? "pypi";
      const kind = LIB_KINDS.find((k) => k.value === kindValue)!;
      const main = (get("main") ?? "").trim();
      if (main === "") continue;
      const orig = isObject(r.data.orig) ? r.data.orig : {};
      if (!kind.main) {
        out.push({ ...orig, [kind.value]: main });
        continue;
      }
      const body: Record<string, unknown> = { ...(isObject(orig[kind.value]) ? (orig[kind.value] as Record<string, unknown>) : {}), [kind.main]: main };
      const repo = (get("repo") ?? "").trim();
      if (repo) body.repo = repo;
      else delete body.repo;
      const ex = get("exclusions");
      if (ex !== undefined) {
        const list = ex.split(",").map((s) => s.trim()).filter(Boolean);
        if (list.length) body.exclusions = list;
        else delete body.exclusions;
      }
      out.push({ ...orig, [kind.value]: body });
    }
    return { value: out.length ? out : undefined };
  }
}

// ---- json ---------------------------------------------------------------------------------

class JsonView extends Base {
  private readonly area: HTMLTextAreaElement;
  private readonly deb: Debouncer;
  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { wide: true });
    this.area = this.wire(h("textarea", { class: "loom-f-input loom-f-json", rows: 6, spellcheck: "false", placeholder: spec.placeholder ?? "JSON" }), true);
    this.deb = new Debouncer(() => this.commit());
    bindText(this.area, this.deb);
    this.body.append(this.area);
    this.update();
  }
  private commit(): void {
    const text = this.area.value.trim();
    if (text === "") {
      if (this.spec.required) return this.setLocalError("Enter a JSON object");
      this.setLocalError(null);
      this.env.send(this.spec.path, undefined);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      return this.setLocalError(`Not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (this.spec.required && !isObject(parsed)) return this.setLocalError("Enter a JSON object ({ … })");
    this.setLocalError(null);
    this.env.send(this.spec.path, parsed);
  }
  update(): void {
    if (this.deb.pending && hasFocus(this.area)) return;
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
    if (!this.deb.pending) this.setLocalError(null);
  }
  override flush(): void {
    this.deb.flush();
  }
  override destroy(): void {
    this.deb.cancel();
  }
}

// ---- segmented choices: variant, compute ------------------------------------------------------

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
    this.views = fields.map((f) => createView(this.env, f));
    this.el.replaceChildren(...this.views.map((v) => v.el));
  }
  clear(): void {
    for (const v of this.views) v.destroy();
    this.views = [];
    this.key = null;
    this.el.replaceChildren();
  }
}

class VariantView extends Base {
  private readonly seg: ReturnType<typeof segmented>;
  private readonly branch: Branch;
  private chosen: string | null = null;
  private readonly variants: VariantSpec[];
  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { group: true, wide: true });
    this.variants = spec.variants ?? [];
    this.claims = this.variants.map((v) => [...spec.path, v.value]);
    this.seg = segmented(uid(), spec.label, this.variants, (value) => this.pick(value), this.labelId);
    this.seg.el.querySelectorAll("input").forEach((r) => this.wire(r));
    this.branch = new Branch(h("div", { class: "loom-f-branch" }), env);
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

function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const COMPUTE_KEYS = ["job_cluster_key", "new_cluster", "existing_cluster_id", "environment_key"];
const COMPUTE_MODES: Segment[] = [
  { value: "job_cluster", label: "Job cluster" },
  { value: "new_cluster", label: "New cluster" },
  { value: "existing_cluster", label: "All-purpose" },
  { value: "serverless", label: "Serverless" },
];
const NEW_CLUSTER_SHOWN = new Set(["spark_version", "node_type_id", "driver_node_type_id", "num_workers", "autoscale", "policy_id", "spark_conf"]);

class ComputeView extends Base {
  private readonly seg: ReturnType<typeof segmented>;
  private readonly branch: Branch;
  private readonly extra: HTMLElement;
  private readonly tail: Branch;
  private readonly note: HTMLElement;
  private workers: ReturnType<typeof segmented> | null = null;
  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { bare: true });
    this.claims = COMPUTE_KEYS.map((k) => [...spec.path, k]);
    this.seg = segmented(uid(), "Compute", COMPUTE_MODES, (mode) => this.pick(mode));
    this.seg.el.querySelectorAll("input").forEach((r) => this.wire(r));
    this.branch = new Branch(h("div", { class: "loom-f-branch" }), env);
    this.extra = h("div", { class: "loom-f-branch-extra" });
    this.tail = new Branch(h("div", { class: "loom-f-branch" }), env);
    this.note = h("div", { class: "loom-f-note loom-f-branch-extra", hidden: true });
    this.body.append(this.seg.el);
    this.el.append(this.branch.el, this.extra, this.tail.el, this.note);
    this.el.classList.add("loom-f-has-branch");
    this.update();
  }
  private at(...rest: string[]): JsonPath {
    return [...this.spec.path, ...rest];
  }
  private mode(): string {
    const t = this.env.task;
    if (getPath(t, this.at("existing_cluster_id")) != null) return "existing_cluster";
    if (getPath(t, this.at("job_cluster_key")) != null) return "job_cluster";
    if (getPath(t, this.at("new_cluster")) != null) return "new_cluster";
    return "serverless";
  }
  private pick(mode: string): void {
    if (mode === this.mode()) return;
    const keep: Record<string, string> = { existing_cluster: "existing_cluster_id", job_cluster: "job_cluster_key", new_cluster: "new_cluster", serverless: "environment_key" };
    for (const view of this.branch.views) view.destroy();
    for (const key of COMPUTE_KEYS) {
      if (key !== keep[mode] && getPath(this.env.task, this.at(key)) !== undefined) this.env.send(this.at(key), undefined);
    }
    if (mode === "existing_cluster" || mode === "job_cluster") this.env.send(this.at(keep[mode]), "");
    if (mode === "new_cluster") this.env.send(this.at("new_cluster"), {});
    this.update();
  }
  private fields(mode: string): FieldSpec[] {
    switch (mode) {
      case "job_cluster":
        return [{ path: this.at("job_cluster_key"), label: "Job cluster", kind: "picker", picker: "job_cluster", required: true, help: "A cluster defined in the job's job_clusters, shared by its tasks." }];
      case "existing_cluster":
        return [{ path: this.at("existing_cluster_id"), label: "Cluster", kind: "picker", picker: "cluster", required: true, help: "An all-purpose cluster (billed at the all-purpose rate)." }];
      case "new_cluster":
        return [
          { path: this.at("new_cluster", "spark_version"), label: "Runtime version", kind: "text", required: true, placeholder: "15.4.x-scala2.12" },
          { path: this.at("new_cluster", "node_type_id"), label: "Worker type", kind: "text", required: true, placeholder: "i3.xlarge" },
          { path: this.at("new_cluster", "driver_node_type_id"), label: "Driver type", kind: "text", placeholder: "Same as worker" },
        ];
      default:
        return [
          {
            path: this.at("environment_key"),
            label: "Environment",
            kind: "picker",
            picker: "environment",
            placeholder: "Default",
            help: "Python script, wheel and dbt tasks need an environment (its dependencies); notebooks can use their own.",
          },
        ];
    }
  }
  update(): void {
    const mode = this.mode();
    this.seg.set(mode);
    const keyBefore = this.branch.key;
    this.branch.show(mode, this.fields(mode));
    if (mode === "new_cluster") {
      if (keyBefore !== mode || !this.workers) this.drawWorkers();
      else this.updateWorkers();
      this.tail.show("new_cluster", [
        { path: this.at("new_cluster", "policy_id"), label: "Policy ID", kind: "text" },
        { path: this.at("new_cluster", "spark_conf"), label: "Spark config", kind: "key_value", addLabel: "Add setting" },
      ]);
      const cluster = getPath(this.env.task, this.at("new_cluster"));
      const others = isObject(cluster) ? Object.keys(cluster).filter((k) => !NEW_CLUSTER_SHOWN.has(k)) : [];
      this.note.textContent = others.length ? `Also kept as they are: ${others.join(", ")}` : "";
      this.note.hidden = others.length === 0;
    } else {
      this.tail.clear();
      this.note.hidden = true;
      this.workerBranch?.clear();
      this.workerBranch = null;
      this.workerViews = [];
      this.workers = null;
      this.extra.replaceChildren();
    }
  }
  private workerViews: View[] = [];
  private workerBranch: Branch | null = null;
  private autoscale(): boolean {
    return getPath(this.env.task, this.at("new_cluster", "autoscale")) !== undefined;
  }
  private drawWorkers(): void {
    const labelId = uid();
    this.workers = segmented(uid(), "Workers", [
      { value: "fixed", label: "Fixed" },
      { value: "autoscale", label: "Autoscaling" },
    ], (v) => this.pickWorkers(v), labelId);
    const branchEl = h("div", { class: "loom-f-branch loom-f-branch--inner" });
    this.workerBranch = new Branch(branchEl, this.env);
    const row = h("div", { class: "loom-f-field loom-f-kind-variant", "data-path": pathKey(this.at("new_cluster")), "data-kind": "workers" }, h("div", { class: "loom-f-label", id: labelId }, "Workers"), h("div", { class: "loom-f-control" }, h("div", { class: "loom-f-body" }, this.workers.el)));
    this.extra.replaceChildren(row, branchEl);
    this.updateWorkers();
  }
  private updateWorkers(): void {
    if (!this.workers || !this.workerBranch) return;
    const auto = this.autoscale();
    this.workers.set(auto ? "autoscale" : "fixed");
    this.workerBranch.show(
      auto ? "autoscale" : "fixed",
      auto
        ? [
            { path: this.at("new_cluster", "autoscale", "min_workers"), label: "Min workers", kind: "number", min: 0, required: true },
            { path: this.at("new_cluster", "autoscale", "max_workers"), label: "Max workers", kind: "number", min: 1, required: true },
          ]
        : [{ path: this.at("new_cluster", "num_workers"), label: "Workers", kind: "number", min: 0, placeholder: "0 = single node" }],
    );
    this.workerViews = this.workerBranch.views;
  }
  private pickWorkers(v: string): void {
    const cluster = getPath(this.env.task, this.at("new_cluster"));
    const c = isObject(cluster) ? cluster : {};
    if (v === "autoscale" && !this.autoscale()) {
      const n = typeof c.num_workers === "number" ? c.num_workers : 1;
      this.env.send(this.at("new_cluster", "num_workers"), undefined);
      this.env.send(this.at("new_cluster", "autoscale"), { min_workers: Math.max(1, n), max_workers: Math.max(2, n * 2) });
    } else if (v === "fixed" && this.autoscale()) {
      const a = isObject(c.autoscale) ? c.autoscale : {};
      this.env.send(this.at("new_cluster", "autoscale"), undefined);
      this.env.send(this.at("new_cluster", "num_workers"), typeof a.min_workers === "number" ? a.min_workers : 1);
    }
    this.updateWorkers();
  }
  override children(): View[] {
    return [...this.branch.views, ...this.workerViews, ...this.tail.views];
  }
  override flush(): void {
    for (const v of this.children()) v.flush();
  }
  override destroy(): void {
    this.branch.clear();
    this.workerBranch?.clear();
    this.tail.clear();
  }
}

// ---- notifications ------------------------------------------------------------------------

const EVENTS = [
  { value: "on_start", label: "Start" },
  { value: "on_success", label: "Success" },
  { value: "on_failure", label: "Failure" },
  { value: "on_duration_warning_threshold_exceeded", label: "Duration warning" },
  { value: "on_streaming_backlog_exceeded", label: "Streaming backlog" },
];

class NotificationsView extends Base {
  private readonly views: View[] = [];
  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { bare: true });
    const p = spec.path;
    this.claims = [[...p, "email_notifications"], [...p, "webhook_notifications"], [...p, "notification_settings"]];
    const table = h("div", { class: "loom-f-events", role: "group", "aria-label": "Notifications per event" });
    for (const ev of EVENTS) {
      const emails = new StringListView(env, { path: [...p, "email_notifications", ev.value], label: `Emails on ${ev.label.toLowerCase()}`, kind: "string_list", placeholder: "name@example.com" }, { bare: true, addLabel: "Email", rowLabel: `Email on ${ev.label.toLowerCase()}`, prefix: "mail" });
      const hooks = new StringListView(
        env,
        { path: [...p, "webhook_notifications", ev.value], label: `Webhooks on ${ev.label.toLowerCase()}`, kind: "string_list", placeholder: "Destination ID", maxItems: 3 },
        {
          bare: true,
          addLabel: "Webhook",
          rowLabel: `Webhook on ${ev.label.toLowerCase()}`,
          prefix: "hook",
          decode: (value) => (Array.isArray(value) ? value.map((w) => ({ text: isObject(w) ? display(w.id) : display(w), orig: w })) : []),
          encode: (text, orig) => ({ ...(isObject(orig) ? orig : {}), id: text }),
        },
      );
      this.views.push(emails, hooks);
      table.append(h("div", { class: "loom-f-event", "data-event": ev.value }, h("div", { class: "loom-f-event-name" }, ev.label), h("div", { class: "loom-f-event-lists" }, emails.el, hooks.el)));
    }
    const hidden = new Set(spec.hide ?? []);
    const settings = [
      { key: "no_alert_for_skipped_runs", label: "Mute notifications for skipped runs" },
      { key: "no_alert_for_canceled_runs", label: "Mute notifications for canceled runs" },
      { key: "alert_on_last_attempt", label: "Mute notifications until the last retry" },
    ].filter((s) => !hidden.has(s.key)).map((s) => new BooleanView(env, { path: [...p, "notification_settings", s.key], label: s.label, kind: "boolean" }));
    this.views.push(...settings);
    this.body.append(table, h("div", { class: "loom-f-note" }, "Webhooks: system notification destinations, at most 3 per event."), h("div", { class: "loom-f-settings" }, ...settings.map((v) => v.el)));
  }
  update(): void {
    for (const v of this.views ?? []) v.update();
  }
  override children(): View[] {
    return this.views;
  }
  override flush(): void {
    for (const v of this.views) v.flush();
  }
  override destroy(): void {
    for (const v of this.views) v.destroy();
  }
}

// ---- the nested task's type -----------------------------------------------------------------

class TaskTypeView extends Base {
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

// ---- factory ------------------------------------------------------------------------------

/** Field kinds drawn by other modules (the job-level kinds: job_clusters, environments...). */
const EXTRA_KINDS = new Map<string, (env: Env, spec: FieldSpec) => View>();

/** Add a field kind drawn by another module (which builds on Base / RowsView from here). */
export function registerFieldKind(kind: FieldKind, factory: (env: Env, spec: FieldSpec) => View): void {
  EXTRA_KINDS.set(kind, factory);
}

export function createView(env: Env, spec: FieldSpec): View {
  const extra = EXTRA_KINDS.get(spec.kind);
  if (extra) return extra(env, spec);
  switch (spec.kind) {
    case "text":
    case "textarea":
    case "number":
    case "picker":
      return new TextView(env, spec);
    case "boolean":
      return new BooleanView(env, spec);
    case "select":
      return new SelectView(env, spec);
    case "duration": {
      const v = new DurationView(env, spec);
      v.update();
      return v;
    }
    case "retries":
      return new RetriesView(env, spec);
    case "health":
      return new HealthView(env, spec);
    case "string_list":
      return new StringListView(env, spec);
    case "key_value":
      return new KeyValueView(env, spec);
    case "depends_on":
      return new DependsOnView(env, spec);
    case "libraries":
      return new LibrariesView(env, spec);
    case "json":
      return new JsonView(env, spec);
    case "variant":
      return new VariantView(env, spec);
    case "compute":
      return new ComputeView(env, spec);
    case "notifications":
      return new NotificationsView(env, spec);
    case "task_type":
      return new TaskTypeView(env, spec);
    default:
      // A registered kind whose module was not loaded: the value as JSON, kept as it is.
      return new JsonView(env, { ...spec, kind: "json" });
  }
}

// What every field view is: the View contract, the Env the views share, and Base, the labelled
// frame of a field (its control, help and messages; problems and local errors marked on it).
import { h, uid } from "../dom";
import type { JsonPath, Problem } from "../protocol";
import type { FieldSpec, FormContext } from "./types";
import type { OpenList } from "./popup";
import { getPath, pathKey } from "./paths";

/** What every view shares: the panel's context and the current task (kept up to date locally). */
export interface Env {
  ctx: FormContext;
  task: Record<string, unknown>;
  /** ctx.change + the same edit applied to env.task; nothing is sent when the value is unchanged. */
  send(path: JsonPath, value: unknown): void;
  /** Only one list popup at a time. */
  popup: OpenList | null;
  /** The view drawing a field (the forms' factory: composites make their children with it). */
  create(spec: FieldSpec): View;
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
  /** Python refused an edit at this field (rest = the path below it): what the user typed stays,
   * marked with Python's message, until they change it. */
  refuse(message: string, rest: JsonPath): void;
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
  /** The local error is Python's refusal (cleared when the user changes the field). */
  private refusedByPython = false;
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
    // The user changing the field is the answer to Python's refusal: the mark goes. Only
    // `input` (text, selects and checkboxes all fire it): the `change` of leaving a field typed
    // in before the refusal came is no new answer.
    this.el.addEventListener("input", () => {
      if (this.refusedByPython) this.setLocalError(null);
    });
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

  /** Whether the field shows text it refused: an update from Python must not replace it (the
   * user's text would be lost without a word); it stays, marked, until they change it. */
  protected keepsRefused(): boolean {
    return this.localError !== null;
  }

  protected setLocalError(message: string | null): void {
    this.refusedByPython = false;
    this.localError = message;
    this.localEl.textContent = message ?? "";
    this.localEl.hidden = message === null;
    if (message === null) delete this.el.dataset.refused;
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

  refuse(message: string, _rest: JsonPath): void {
    this.setLocalError(message);
    this.refusedByPython = true;
    this.el.dataset.refused = "true";
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

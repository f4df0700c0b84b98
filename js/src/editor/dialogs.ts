// Dialogs drawn over the editor (review changes & save, JSON / YAML, confirm delete) and the
// toasts near the canvas (refused edits, notices).
import { DocumentEditor, MAX_DOCUMENT_CHARS } from "./document-editor";
import { button, h, icon, uid } from "./dom";
import { Overlay } from "./overlay";
import type { Change, Problem } from "./protocol";

/** The editor's dialogs: the focus goes back where it was when one closes. */
export class DialogHost extends Overlay {
  private returnFocus: HTMLElement | null = null;

  constructor(root: HTMLElement) {
    super(root, "loom-je-overlay");
  }

  open(dialog: HTMLElement, options: { onClose?: () => void; kind: string; focus?: HTMLElement | null }): void {
    this.close();
    this.returnFocus = document.activeElement as HTMLElement | null;
    this.showDialog(dialog, options.kind, options.onClose);
    (options.focus ?? dialog).focus({ preventScroll: true });
  }

  override close(): void {
    if (!this.isOpen) return;
    super.close();
    if (this.returnFocus && this.root.contains(this.returnFocus)) {
      this.returnFocus.focus({ preventScroll: true });
    } else {
      this.root.focus({ preventScroll: true });
    }
    this.returnFocus = null;
  }
}

function frame(
  title: string,
  body: HTMLElement,
  foot: HTMLElement,
  options: { small?: boolean; extraHead?: HTMLElement; close: () => void },
): HTMLDivElement {
  const closeButton = button("Close", { icon: "close", iconOnly: true, action: "close" });
  closeButton.addEventListener("click", options.close);
  return h(
    "div",
    {
      class: `loom-je-dialog${options.small ? " loom-je-dialog-small" : ""}`,
      role: "dialog",
      "aria-modal": "true",
      "aria-label": title,
      tabindex: -1,
    },
    h(
      "div",
      { class: "loom-je-dialog-head" },
      h("div", { class: "loom-je-dialog-title", text: title }),
      options.extraHead ?? null,
      closeButton,
    ),
    h("div", { class: "loom-je-dialog-body" }, body),
    foot,
  );
}

/** A short text for a value in a change: strings quoted, objects as compact JSON. */
export function formatValue(value: unknown, limit = 240): string {
  if (value === undefined) return "—";
  let text: string;
  if (typeof value === "string") text = JSON.stringify(value);
  else {
    try {
      text = JSON.stringify(value);
    } catch {
      text = String(value);
    }
  }
  if (text === undefined) text = String(value);
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

// ---- confirm -----------------------------------------------------------------------------

export function confirmDialog(
  host: DialogHost,
  options: { title: string; message: string | HTMLElement; confirm: string; danger?: boolean },
): Promise<boolean> {
  return new Promise((resolve) => {
    let answered = false;
    const answer = (value: boolean) => {
      if (answered) return;
      answered = true;
      resolve(value);
      host.close();
    };
    const ok = button(options.confirm, {
      action: "confirm",
      variant: options.danger ? "primary" : "primary",
    });
    if (options.danger) ok.classList.add("loom-je-btn-danger-fill");
    ok.style.cssText = options.danger ? "background: var(--je-error); border-color: var(--je-error);" : "";
    ok.addEventListener("click", () => answer(true));
    const cancel = button("Cancel", { action: "cancel", variant: "outline" });
    cancel.addEventListener("click", () => answer(false));
    const body =
      typeof options.message === "string" ? h("p", { style: "margin: 0", text: options.message }) : options.message;
    const dialog = frame(options.title, body, h("div", { class: "loom-je-dialog-foot" }, cancel, ok), {
      small: true,
      close: () => answer(false),
    });
    host.open(dialog, { kind: "confirm", focus: ok, onClose: () => answer(false) });
  });
}

// ---- unsaved changes ---------------------------------------------------------------------

export type UnsavedChoice = "save" | "discard" | "keep";

/** Something would replace or close the job while it has unsaved edits: save them, discard
 * them, or keep editing (closing the dialog keeps editing: nothing is lost by a stray click). */
export function unsavedDialog(host: DialogHost, message: string): Promise<UnsavedChoice> {
  return new Promise((resolve) => {
    let answered = false;
    const answer = (choice: UnsavedChoice) => {
      if (answered) return;
      answered = true;
      resolve(choice);
      host.close();
    };
    const save = button("Save", { action: "save", variant: "primary", icon: "check" });
    save.addEventListener("click", () => answer("save"));
    const discard = button("Discard changes", { action: "discard", variant: "outline" });
    discard.addEventListener("click", () => answer("discard"));
    const keep = button("Keep editing", { action: "keep", variant: "outline" });
    keep.addEventListener("click", () => answer("keep"));
    const body = h("p", { style: "margin: 0", text: message });
    const dialog = frame("Unsaved changes", body, h("div", { class: "loom-je-dialog-foot" }, keep, discard, save), {
      small: true,
      close: () => answer("keep"),
    });
    host.open(dialog, { kind: "unsaved", focus: keep, onClose: () => answer("keep") });
  });
}

// ---- review & save -----------------------------------------------------------------------

export interface ReviewHandlers {
  save(): void;
  selectTask(taskKey: string): void;
  /** Ask Python for the review again (after a conflict changed what a save would write). */
  review(): void;
}

export class ReviewDialog {
  private body = h("div", { class: "loom-je-review" });
  private saveButton = button("Save", { action: "save", variant: "primary", icon: "check" });
  private note = h("span", { class: "loom-je-note" });
  private saving = false;
  /** The last failed save's message, shown above the changes until the dialog is reopened. */
  private error: HTMLElement | null = null;

  constructor(
    private readonly host: DialogHost,
    private readonly handlers: ReviewHandlers,
  ) {
    this.saveButton.addEventListener("click", () => {
      if (this.saveButton.disabled) return;
      this.saving = true;
      this.saveButton.disabled = true;
      this.note.replaceChildren(h("span", { class: "loom-je-spinner" }), " Saving…");
      this.handlers.save();
    });
  }

  get isOpen(): boolean {
    return this.host.kind() === "review";
  }

  /** Open with a spinner until the `review` reply comes. */
  openLoading(): void {
    this.saving = false;
    this.error = null;
    this.body.replaceChildren(h("p", { class: "loom-je-muted" }, h("span", { class: "loom-je-spinner" }), " Comparing with the saved job…"));
    this.saveButton.disabled = true;
    this.note.textContent = "";
    const cancel = button("Cancel", { action: "cancel", variant: "outline" });
    cancel.addEventListener("click", () => this.host.close());
    const dialog = frame(
      "Review changes",
      this.body,
      h("div", { class: "loom-je-dialog-foot" }, this.note, cancel, this.saveButton),
      { close: () => this.host.close() },
    );
    this.host.open(dialog, { kind: "review", focus: this.saveButton });
  }

  show(review: { changes: Change[]; summary: string; errors: Problem[] }): void {
    if (!this.isOpen) this.openLoading();
    const parts: HTMLElement[] = [];
    if (review.errors.length > 0) {
      parts.push(
        h(
          "div",
          { class: "loom-je-blocking", "data-role": "blocking-errors" },
          h("strong", {
            text: `${review.errors.length} error${review.errors.length === 1 ? "" : "s"} to fix before saving`,
          }),
          h(
            "ul",
            {},
            review.errors.map((problem) => {
              const item = h("li", {}, problem.task_key ? h("b", { text: `${problem.task_key}: ` }) : null, problem.message);
              if (problem.task_key) {
                item.style.cursor = "pointer";
                item.title = "Show this task";
                item.addEventListener("click", () => {
                  this.host.close();
                  this.handlers.selectTask(problem.task_key as string);
                });
              }
              return item;
            }),
          ),
        ),
      );
    }
    parts.push(h("p", { class: "loom-je-summary", text: review.summary || "" }));
    if (review.changes.length === 0) {
      parts.push(h("p", { class: "loom-je-muted", text: "No changes since the job was loaded or last saved." }));
    } else {
      parts.push(
        h(
          "ul",
          { class: "loom-je-changes" },
          review.changes.map((change) => {
            const values: (HTMLElement | string)[] = [];
            if (change.kind === "changed" && ("before" in change || "after" in change)) {
              values.push(
                h("span", { class: "loom-je-before", text: formatValue(change.before) }),
                " → ",
                h("span", { class: "loom-je-after", text: formatValue(change.after) }),
              );
            } else if (change.kind === "added" && "after" in change) {
              values.push(h("span", { class: "loom-je-after", text: formatValue(change.after) }));
            } else if (change.kind === "removed" && "before" in change) {
              values.push(h("span", { class: "loom-je-before", text: formatValue(change.before) }));
            } else {
              values.push(change.text);
            }
            // Someone else changed this too since the job was loaded: the save writes this.
            const conflict = change.conflict
              ? h("span", {
                  "data-role": "conflict",
                  title: "Changed elsewhere too: saving writes your value over theirs",
                  style: "color: var(--je-error); font-weight: 600; margin-right: 6px;",
                  text: "conflict:",
                })
              : null;
            return h(
              "li",
              {
                class: "loom-je-change",
                "data-kind": change.kind,
                "data-conflict": change.conflict ? "true" : undefined,
                title: change.text,
              },
              h("span", { class: "loom-je-change-kind", text: change.kind }),
              h("span", { class: "loom-je-change-path" }, conflict, change.path),
              h("span", { class: "loom-je-change-values" }, values),
            );
          }),
        ),
      );
    }
    if (this.error) parts.unshift(this.error);
    this.body.replaceChildren(...parts);
    this.saving = false;
    this.saveButton.disabled = review.errors.length > 0;
    this.note.textContent =
      review.errors.length > 0
        ? "Fix the errors to save."
        : `${review.changes.length} change${review.changes.length === 1 ? "" : "s"}`;
  }

  saved(message: string): void {
    if (this.isOpen) this.host.close();
    void message;
  }

  failed(message: string, conflict: boolean): void {
    if (!this.isOpen) return;
    this.saving = false;
    this.saveButton.disabled = false;
    // A conflict's message says what happened (the save may have been written, with someone
    // else's write over part of it) and what the user can do.
    this.note.textContent = conflict ? "Your edits are kept." : "Not saved: your edits are kept.";
    this.error?.remove();
    this.error = h("div", {
      class: "loom-je-save-error",
      role: "alert",
      "data-role": "save-error",
      "data-conflict": String(conflict),
      text: message,
    });
    this.body.prepend(this.error);
    // What a save would write now: after a conflict, the job the editor holds changed.
    if (conflict) this.handlers.review();
  }

  get isSaving(): boolean {
    return this.saving;
  }
}

// ---- JSON / YAML -------------------------------------------------------------------------

export type DocumentFormat = "json" | "yaml" | "bundle";

export interface DocumentHandlers {
  /** Ask Python for the settings (or task ``taskKey``'s) as text: answered by `document`. */
  view(format: DocumentFormat, taskKey: string | null): void;
  /** Make the edited text the settings (or the task): answered by `document_result`. */
  apply(format: DocumentFormat, text: string, taskKey: string | null): void;
  selectTask(taskKey: string): void;
}

export interface DocumentResult {
  format: DocumentFormat;
  task_key?: string | null;
  ok: boolean;
  changed: boolean;
  message: string;
  line: number | null;
  column: number | null;
  problems: Problem[];
}

const FORMAT_LABELS: Record<DocumentFormat, string> = { json: "JSON", yaml: "YAML", bundle: "Bundle YAML" };

/** The JSON / YAML view, editable: Apply sends the text to Python, which parses it (a parse
 * error comes back with its line and column, marked in the gutter) and applies it as one
 * undoable edit. Text edited and not applied is kept (per job or task, per format) when the
 * dialog closes or the format changes, and comes back when it is opened again. */
export class DocumentDialog {
  private readonly messageId = uid("loom-je-docmsg");
  private readonly message = h("div", { class: "loom-je-docmsg", id: this.messageId, "data-role": "document-message", "aria-live": "polite" });
  private readonly problems = h("ul", { class: "loom-je-docproblems", "data-role": "document-problems", "aria-label": "Problems of the applied settings" });
  private readonly editor = new DocumentEditor("Job definition", this.messageId, () => this.edited());
  private format: DocumentFormat = "json";
  private taskKey: string | null = null;
  private tabs = new Map<DocumentFormat, HTMLButtonElement>();
  private copyButton = button("Copy", { action: "copy", icon: "copy", variant: "outline" });
  private revertButton = button("Revert", { action: "revert", variant: "outline", title: "Show the job as it is now, dropping the text not applied" });
  private applyButton = button("Apply", { action: "apply", variant: "primary", icon: "check", title: "Make this text the job, as one edit (Undo restores)" });
  /** What Python last sent, per job or task and format: the text shown unedited. */
  private base = new Map<string, string>();
  /** Text edited and not applied, with the text it was edited from. */
  private drafts = new Map<string, { from: string; text: string }>();
  private applying = false;

  constructor(
    private readonly host: DialogHost,
    private readonly handlers: DocumentHandlers,
  ) {
    this.copyButton.addEventListener("click", () => void this.copy());
    this.revertButton.addEventListener("click", () => this.revert());
    this.applyButton.addEventListener("click", () => this.apply());
    this.editor.textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.apply();
      }
    });
  }

  get isOpen(): boolean {
    return this.host.kind() === "document";
  }

  /** Open on the job (``taskKey`` null) or on one task, in ``format``. */
  open(format: DocumentFormat, taskKey: string | null = null): void {
    this.format = taskKey !== null && format === "bundle" ? "yaml" : format;
    this.taskKey = taskKey;
    const formats: DocumentFormat[] = taskKey === null ? ["json", "yaml", "bundle"] : ["json", "yaml"];
    const tabs = h("div", { class: "loom-je-tabs", role: "tablist", "aria-label": "Format" });
    this.tabs.clear();
    for (const f of formats) {
      const tab = button(FORMAT_LABELS[f], { action: `format-${f}` });
      tab.setAttribute("role", "tab");
      tab.addEventListener("click", () => {
        if (this.format === f) return;
        this.keepDraft();
        this.format = f;
        this.markTabs();
        this.loading();
        this.handlers.view(f, this.taskKey);
      });
      this.tabs.set(f, tab);
      tabs.append(tab);
    }
    this.markTabs();
    this.loading();
    const close = button("Close", { action: "cancel", variant: "outline" });
    close.addEventListener("click", () => this.host.close());
    const title = taskKey === null ? "Job definition" : `Task ${taskKey}`;
    this.editor.textarea.setAttribute("aria-label", `${title} as text`);
    const dialog = frame(
      title,
      h("div", {}, this.editor.element, this.message, this.problems),
      h(
        "div",
        { class: "loom-je-dialog-foot" },
        h("span", { class: "loom-je-note", text: "Apply makes the text the job, as one edit: Undo restores." }),
        this.copyButton,
        this.revertButton,
        close,
        this.applyButton,
      ),
      { close: () => this.host.close(), extraHead: tabs },
    );
    dialog.classList.add("loom-je-dialog-doc");
    // The text typed and not applied stays for the next opening.
    this.host.open(dialog, { kind: "document", focus: this.editor.textarea, onClose: () => this.keepDraft() });
    this.handlers.view(this.format, taskKey);
  }

  private get slot(): string {
    return `${this.taskKey ?? ""}\u0000${this.format}`;
  }

  private markTabs(): void {
    for (const [f, tab] of this.tabs) tab.setAttribute("aria-selected", String(f === this.format));
  }

  private loading(): void {
    const textarea = this.editor.textarea;
    textarea.dataset.format = this.format;
    textarea.dataset.loading = "true";
    this.editor.set("Loading…");
    this.editor.readOnly = true;
    this.editor.markError(null);
    this.applyButton.disabled = true;
    this.say("", "");
    this.problems.replaceChildren();
  }

  private keepDraft(): void {
    if (this.editor.textarea.dataset.loading) return;
    const from = this.base.get(this.slot);
    const text = this.editor.value;
    if (from !== undefined && text !== from) this.drafts.set(this.slot, { from, text });
    else this.drafts.delete(this.slot);
  }

  /** The `document` message: the text of the job (or task) as Python holds it now. */
  show(format: DocumentFormat, text: string, taskKey: string | null = null): void {
    if (!this.isOpen || format !== this.format || taskKey !== this.taskKey) return;
    const textarea = this.editor.textarea;
    const reload = textarea.dataset.loading === undefined; // after an apply: text as now held
    this.base.set(this.slot, text);
    delete textarea.dataset.loading;
    textarea.dataset.format = format;
    this.editor.readOnly = false;
    this.applyButton.disabled = false;
    const draft = this.drafts.get(this.slot);
    if (draft && !reload) {
      this.editor.set(draft.text);
      this.say(
        "info",
        draft.from === text
          ? "Your text not applied yet is back. Revert shows the job as it is."
          : "Your text not applied yet is back, but the job changed since you edited it: Apply writes this text over those changes. Revert shows the job as it is now.",
      );
      return;
    }
    this.editor.set(text, reload);
  }

  /** The `document_result` message. */
  result(result: DocumentResult): void {
    if (!this.isOpen || result.format !== this.format || (result.task_key ?? null) !== this.taskKey) return;
    this.applying = false;
    this.applyButton.disabled = false;
    this.applyButton.querySelector(".loom-je-btn-text")?.replaceChildren("Apply");
    this.editor.markError(result.ok ? null : result.line, result.column);
    this.say(result.ok ? "success" : "error", result.message);
    this.showProblems(result.ok ? result.problems : []);
    if (result.ok) {
      this.drafts.delete(this.slot);
      // What was applied is what the editor holds: nothing left to keep as a draft.
      this.base.set(this.slot, this.editor.value);
      // The text as the editor now holds it (indented as written, the same fields).
      if (result.changed) this.handlers.view(this.format, this.taskKey);
    }
  }

  private edited(): void {
    if (this.editor.element.dataset.invalid === "true") this.editor.markError(null);
  }

  private apply(): void {
    if (this.applyButton.disabled || this.applying || this.editor.textarea.dataset.loading) return;
    const text = this.editor.value;
    if (text.length > MAX_DOCUMENT_CHARS) {
      this.say("error", `Not applied: the text is too long to read (${text.length.toLocaleString("en-US")} characters; at most ${MAX_DOCUMENT_CHARS.toLocaleString("en-US")}).`);
      return;
    }
    this.applying = true;
    this.applyButton.disabled = true;
    this.applyButton.querySelector(".loom-je-btn-text")?.replaceChildren("Applying…");
    this.handlers.apply(this.format, text, this.taskKey);
  }

  private revert(): void {
    const text = this.base.get(this.slot);
    if (text === undefined || this.editor.textarea.dataset.loading) return;
    this.drafts.delete(this.slot);
    this.editor.set(text);
    this.editor.markError(null);
    this.say("", "");
    this.problems.replaceChildren();
  }

  private say(level: "" | "info" | "success" | "error", text: string): void {
    this.message.dataset.level = level;
    this.message.setAttribute("role", level === "error" ? "alert" : "status");
    this.message.textContent = text;
  }

  private showProblems(problems: Problem[]): void {
    this.problems.replaceChildren(
      ...problems.map((problem) => {
        const item = h(
          "li",
          { "data-task": problem.task_key ?? undefined, "data-severity": problem.severity },
          problem.task_key ? h("b", { text: `${problem.task_key}: ` }) : null,
          problem.message,
          problem.field ? h("span", { class: "loom-je-docfield", text: ` (${problem.field})` }) : null,
        );
        if (problem.task_key) {
          item.title = "Show this task";
          item.addEventListener("click", () => {
            this.host.close();
            this.handlers.selectTask(problem.task_key as string);
          });
        }
        return item;
      }),
    );
  }

  private async copy(): Promise<void> {
    const text = this.editor.value;
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      // No clipboard permission (an iframe, http): select the text for Ctrl+C instead.
      this.editor.textarea.focus();
      this.editor.textarea.select();
      try {
        ok = document.execCommand("copy");
      } catch {
        ok = false;
      }
    }
    const label = this.copyButton.querySelector(".loom-je-btn-text");
    if (label) label.textContent = ok ? "Copied" : "Press Ctrl+C";
    setTimeout(() => {
      if (label) label.textContent = "Copy";
    }, 1600);
  }
}

// ---- toasts ------------------------------------------------------------------------------

export class Toasts {
  readonly element = h("div", { class: "loom-je-toasts", "aria-live": "polite" });
  /** How many toasts were shown so far: `shownSince` tells what was shown after a count. */
  count = 0;

  /** A message near the canvas; errors stay 8 s, others 4 s; × dismisses it. */
  show(level: "error" | "info" | "success", text: string, ms?: number): HTMLElement {
    // The same message twice in a row: restart its timer instead of stacking.
    for (const existing of Array.from(this.element.children) as HTMLElement[]) {
      if (existing.dataset.text === text) existing.remove();
    }
    const close = h("button", { class: "loom-je-toast-close", type: "button", "aria-label": "Dismiss", title: "Dismiss", text: "×" });
    const toast = h(
      "div",
      {
        class: `loom-je-toast loom-je-toast-${level}`,
        role: level === "error" ? "alert" : "status",
        "data-level": level,
      },
      h("span", { class: "loom-je-toast-icon" }, icon(level === "success" ? "ok" : "alert")),
      h("span", { class: "loom-je-toast-text", text }),
      close,
    );
    toast.dataset.text = text;
    toast.dataset.serial = String(++this.count);
    const remove = () => toast.remove();
    close.addEventListener("click", remove);
    let timer = window.setTimeout(remove, ms ?? (level === "error" ? 8000 : 4000));
    // Hovering keeps it.
    toast.addEventListener("mouseenter", () => clearTimeout(timer));
    toast.addEventListener("mouseleave", () => {
      timer = window.setTimeout(remove, 3000);
    });
    this.element.append(toast);
    while (this.element.children.length > 3) this.element.firstElementChild?.remove();
    return toast;
  }

  /** Whether a toast saying `text` was shown after the `count`-th one and is still there. */
  shownSince(count: number, text: string): boolean {
    return Array.from(this.element.children).some(
      (toast) => (toast as HTMLElement).dataset.text === text && Number((toast as HTMLElement).dataset.serial) > count,
    );
  }

  clear(): void {
    this.element.replaceChildren();
  }
}

// ---- notices -----------------------------------------------------------------------------

export type NoticeAction = "review" | "reload";

/** A notice over the top of the canvas that stays (unlike a toast) until the user acts on it
 * with one of its buttons or Python takes it away: the job was saved elsewhere while this
 * editor held unsaved edits. Drawn over the canvas, so nothing under the pointer moves. */
export class NoticeBar {
  readonly element = h("div", { class: "loom-je-notices", hidden: true });
  private readonly text = h("span", { class: "loom-je-notice-text", "data-role": "notice-text" });
  private readonly notice: HTMLElement;

  constructor(act: (action: NoticeAction) => void) {
    const review = button("Review", { action: "notice-review", variant: "primary" });
    review.title = "See what saving writes now: your edits on top of the version saved elsewhere";
    review.addEventListener("click", () => act("review"));
    const reload = button("Reload", { action: "notice-reload", variant: "outline" });
    reload.title = "Show the version saved elsewhere; Undo brings your edits back";
    reload.addEventListener("click", () => act("reload"));
    this.notice = h(
      "div",
      { class: "loom-je-notice", role: "status", "data-role": "notice" },
      h("span", { class: "loom-je-notice-icon" }, icon("alert")),
      this.text,
      h("span", { class: "loom-je-notice-actions" }, review, reload),
    );
    this.element.append(this.notice);
  }

  /** Show `text` (of kind `kind`), or hide the notice when `kind` is "". */
  show(kind: string, text: string): void {
    this.element.hidden = !kind;
    this.notice.dataset.kind = kind;
    this.text.textContent = kind ? text : "";
  }
}

// The selected tasks, kept in step between the canvas and Python's `selected` trait: a selection
// made here is sent, and its echo in the trait is told apart from a selection Python made.
import type { AnyModel } from "@anywidget/types";
import type { EditorCanvas } from "./canvas";
import type { JobEditorModel, ToPython } from "./protocol";

export function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

export interface SelectionHost {
  model: AnyModel<JobEditorModel>;
  canvas: Pick<EditorCanvas, "selectedTasks" | "setSelection" | "pendingReset">;
  hasTask(key: string): boolean;
  send(message: ToPython): void;
  /** The user is selecting `keys` (before it is sent). */
  selecting(keys: string[]): void;
  /** Show these tasks as selected (the panel, the toolbar...). */
  apply(keys: string[]): void;
}

/** How long an echo of a selection we sent is waited for (Python leaves an unchanged trait alone). */
const ECHO_WAIT_MS = 3000;

export class SelectionSync {
  /** Selections we sent and whose echo in the `selected` trait has not come back yet. */
  private readonly sent: { keys: string; at: number }[] = [];

  constructor(private readonly host: SelectionHost) {}

  private pending(): { keys: string; at: number }[] {
    const now = performance.now();
    while (this.sent.length > 0 && now - this.sent[0].at > ECHO_WAIT_MS) this.sent.shift();
    return this.sent;
  }

  /** The user selected these tasks on the canvas. */
  onUser(keys: string[]): void {
    const model = this.host.model;
    this.host.selecting(keys);
    const signature = keys.join("\n");
    // No echo comes when the trait already holds this selection.
    if (signature !== (model.get("selected") ?? []).join("\n") || this.pending().length > 0) {
      this.sent.push({ keys: signature, at: performance.now() });
      if (this.sent.length > 20) this.sent.shift();
    }
    this.host.send({ kind: "select", task_keys: keys });
    this.host.apply(keys);
  }

  /** Select from the view's own controls (problem list, review dialog, search). */
  fromView(keys: string[], reveal: boolean): void {
    this.host.canvas.setSelection(keys, { reveal });
    this.onUser(keys);
  }

  /** After the graph was drawn: the trait's selection, unless one of ours is on its way. */
  syncFromTrait(): void {
    const { model, canvas } = this.host;
    const hasTask = (key: string) => this.host.hasTask(key);
    // A selection of ours is on its way to Python: the trait is behind, the canvas is right.
    if (this.pending().length > 0) return;
    const keys = (model.get("selected") ?? []).filter((key) => hasTask(key));
    if (!sameKeys(keys, canvas.selectedTasks())) canvas.setSelection(keys, { reveal: true });
    this.host.apply(canvas.selectedTasks());
  }

  /** The `selected` trait changed. */
  onTrait(): void {
    const { model, canvas } = this.host;
    const hasTask = (key: string) => this.host.hasTask(key);
    const keys = model.get("selected") ?? [];
    const signature = keys.join("\n");
    const pending = this.pending();
    const index = pending.findIndex((entry) => entry.keys === signature);
    if (index >= 0) {
      pending.splice(0, index + 1);
      // An echo of an older selection of ours: newer ones are on their way.
      if (pending.length > 0) return;
      if (sameKeys(keys, canvas.selectedTasks())) return;
    }
    // Applied once the graph is drawn (syncFromTrait): a task Python just added or renamed comes
    // in a patch that may follow the trait.
    if (canvas.pendingReset || keys.some((key) => !hasTask(key))) return;
    canvas.setSelection(
      keys.filter((key) => hasTask(key)),
      { reveal: true },
    );
    this.host.apply(canvas.selectedTasks());
  }
}

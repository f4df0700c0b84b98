// The Runs tab: run now, the followed run's progress, the run history and the
// runs x tasks matrix, one run's detail with its timeline and outputs, cancel, repair with a
// preview. Self-contained: it talks to Python through its context (tab-types.ts) and brings
// its CSS as RUNS_CSS, which the shell injects.
import type { FromPython, RunDetail } from "./protocol";
import { RUNS_CSS } from "./runs/css";
import { DetailView } from "./runs/detail";
import { openCancelAllDialog, openRunNowDialog, RepairDialog } from "./runs/dialogs";
import { HistoryView } from "./runs/history";
import { MatrixView } from "./runs/matrix";
import { stateTone } from "./runs/format";
import { ProgressStrip, type ProgressMessage } from "./runs/progress";
import { DurationTicker } from "./runs/ticker";
import { jobParameters } from "./runs/requests";
import { ask, h, runsButton, RunsDialogHost } from "./runs/ui";
import type { JobMessage, RunsTabApi, RunsTabContext } from "./tab-types";

export { RUNS_CSS };

type RunReply = Extract<FromPython, { kind: "run" }>;
export type RunsView = "history" | "matrix" | "detail";

/** How often a page of history with active runs is read again while in view (ms). */
const ACTIVE_REFRESH_MS = 10_000;
/** A followed run's open detail is read again at most this often (ms). */
const DETAIL_REFRESH_MS = 3_000;
/** Without a first progress this long after Run now / Repair, the strip gives up (ms). */
const START_TIMEOUT_MS = 30_000;

export class RunsTab implements RunsTabApi {
  readonly element: HTMLElement;
  readonly history: HistoryView;
  readonly matrix: MatrixView;
  readonly detail: DetailView;
  readonly progress: ProgressStrip;
  readonly dialogs: RunsDialogHost;
  /** One clock for every live duration of the tab, stopped with the tab. */
  readonly clock = new DurationTicker();
  view: RunsView = "history";
  /** The list view a detail goes back to. */
  listView: "history" | "matrix" = "history";
  parameters: { name: string; default: string }[] = [];
  taskKeys: string[] = [];
  /** The run the canvas shows (show_run / run now / repair), null when cleared. */
  shownRun: number | null = null;
  private loadedOnce = false;
  private matrixLoaded = false;
  private readonly viewButtons = new Map<"history" | "matrix", HTMLButtonElement>();
  private readonly toolsSlot: HTMLElement;
  private readonly viewsBox: HTMLElement;
  private readonly cancelAll: HTMLButtonElement;
  private refreshTimer: ReturnType<typeof setInterval> | null = null;
  private startTimer: ReturnType<typeof setTimeout> | null = null;
  private lastDetailRefresh = 0;
  private lastFinished = new Map<number, boolean>();
  private lastState = new Map<number, string>();

  constructor(private readonly ctx: RunsTabContext) {
    const handlers = {
      open: (runId: number) => this.openRun(runId),
      showOnCanvas: (runId: number) => this.showOnCanvas(runId),
      cancel: (runId: number) => this.cancelRun(runId),
      showTasks: (keys: string[]) => this.ctx.showTasks(keys),
    };
    this.history = new HistoryView(ctx, handlers, this.clock);
    this.matrix = new MatrixView(ctx, handlers, this.clock);
    this.detail = new DetailView(ctx, {
      ...handlers,
      back: () => this.setView(this.listView),
      repair: (run) => this.openRepair(run),
    }, this.clock);
    this.progress = new ProgressStrip({ open: (id) => this.openRun(id), cancel: (id) => this.cancelRun(id), clear: () => this.clearCanvas() }, this.clock);

    const runNow = runsButton("Run now", { icon: "play", action: "run-now", variant: "primary", title: "Run the saved job now" });
    runNow.addEventListener("click", () => this.openRunNow());
    const seg = h("div", { class: "loom-runs-seg", role: "group", "aria-label": "View" });
    for (const [value, label, iconName] of [
      ["history", "History", "list"],
      ["matrix", "Matrix", "grid"],
    ] as const) {
      const b = runsButton(label, { icon: iconName, action: `view-${value}` });
      b.classList.add("loom-runs-seg-btn");
      b.dataset.view = value;
      b.addEventListener("click", () => this.setView(value));
      this.viewButtons.set(value, b);
      seg.append(b);
    }
    this.toolsSlot = h("div", { class: "loom-runs-tools-slot" });
    const refresh = runsButton("Refresh", { icon: "refresh", action: "refresh", iconOnly: true });
    refresh.addEventListener("click", () => this.refresh());
    this.cancelAll = runsButton("Cancel all", { icon: "stop", action: "cancel-all", title: "Cancel every active run of this job" });
    this.cancelAll.classList.add("loom-runs-danger-text");
    this.cancelAll.addEventListener("click", () => openCancelAllDialog(this.dialogs, this.ctx, () => this.afterCancel()));
    const toolbar = h("div", { class: "loom-runs-toolbar" }, runNow, h("span", { class: "loom-runs-vsep" }), seg, this.toolsSlot, h("span", { class: "loom-runs-spacer" }), refresh, this.cancelAll);
    this.viewsBox = h("div", { class: "loom-runs-views" }, this.history.element, this.matrix.element, this.detail.element);
    this.element = h("div", { class: "loom-runs", "data-role": "runs-tab" }, toolbar, this.progress.element, this.viewsBox);
    this.dialogs = new RunsDialogHost(this.element);
    this.setView("history", { load: false });
  }

  // ---- RunsTabApi ----

  shown(): void {
    if (!this.loadedOnce) {
      this.loadedOnce = true;
      void this.history.load(0);
    } else if (this.view === "history") {
      void this.history.load(this.history.offset, true);
    } else if (this.view === "matrix") {
      this.matrix.relayout();
    }
    if (!this.refreshTimer && typeof setInterval === "function") {
      this.refreshTimer = setInterval(() => this.refreshActive(), ACTIVE_REFRESH_MS);
    }
  }

  update(job: JobMessage): void {
    this.parameters = jobParameters(job.settings);
    this.taskKeys = [...job.task_keys];
  }

  onProgress(message: ProgressMessage): void {
    this.clearStartTimer();
    const runId = message.run.run_id;
    const wasFinished = this.lastFinished.get(runId);
    this.lastFinished.set(runId, message.finished);
    this.shownRun = runId;
    this.history.setShownRun(runId);
    const stateChanged = this.lastState.get(runId) !== message.run.state;
    this.lastState.set(runId, message.run.state);
    // One read, shown everywhere at once: the strip, the run's history row, the open detail.
    this.progress.update(message);
    this.history.upsert(message.run);
    const detailOpen = this.view === "detail" && this.detail.runId === runId;
    if (message.finished && wasFinished !== true) {
      // The run ended: the history, the open detail, and how many tasks only failed upstream.
      if (this.loadedOnce && this.view === "history") void this.history.load(this.history.offset, true);
      if (this.matrixLoaded && this.view === "matrix") void this.matrix.load();
      if (message.root_causes.length || stateTone(message.run.state) === "failed") void this.countUpstream(runId);
      if (detailOpen) void this.detail.load(runId, { quiet: true });
    } else if (!message.finished && detailOpen) {
      const now = Date.now();
      if (stateChanged || now - this.lastDetailRefresh >= DETAIL_REFRESH_MS) {
        this.lastDetailRefresh = now;
        void this.detail.load(runId, { quiet: true });
      }
    }
  }

  destroy(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    this.clearStartTimer();
    this.progress.destroy();
    this.clock.destroy();
    this.matrix.destroy();
    this.dialogs.close();
    this.element.remove();
  }

  // ---- views ----

  setView(view: RunsView, options: { load?: boolean } = {}): void {
    const load = options.load !== false;
    this.view = view;
    if (view !== "detail") this.listView = view;
    this.element.dataset.view = view;
    this.history.element.hidden = view !== "history";
    this.matrix.element.hidden = view !== "matrix";
    this.detail.element.hidden = view !== "detail";
    for (const [v, b] of this.viewButtons) b.setAttribute("aria-pressed", String(v === this.listView));
    this.toolsSlot.replaceChildren(view === "matrix" ? this.matrix.tools : view === "history" ? this.history.tools : h("span"));
    if (!load) return;
    if (view === "history" && !this.history.loaded) void this.history.load(0);
    else if (view === "history") void this.history.load(this.history.offset, true);
    if (view === "matrix") {
      if (!this.matrixLoaded) {
        this.matrixLoaded = true;
        void this.matrix.load();
      } else {
        this.matrix.relayout();
      }
    }
  }

  openRun(runId: number): void {
    this.setView("detail");
    void this.detail.load(runId);
  }

  refresh(): void {
    if (this.view === "history") void this.history.load(this.history.offset);
    else if (this.view === "matrix") void this.matrix.load();
    else if (this.detail.runId !== null) void this.detail.load(this.detail.runId, { quiet: true });
  }

  // ---- actions ----

  openRunNow(): HTMLElement {
    return openRunNowDialog(this.dialogs, this.ctx, { parameters: this.parameters, taskKeys: this.taskKeys }, () => this.expectProgress("Starting a run…"));
  }

  openRepair(run: RunDetail): RepairDialog {
    return new RepairDialog(this.dialogs, this.ctx, run, () => this.expectProgress(`Repairing run ${run.run_id}…`));
  }

  showOnCanvas(runId: number): void {
    this.ctx.send({ kind: "show_run", run_id: runId });
    this.shownRun = runId;
    this.history.setShownRun(runId);
    if (this.progress.message?.run.run_id !== runId) this.expectProgress(`Reading run ${runId}…`);
  }

  clearCanvas(): void {
    this.ctx.send({ kind: "show_run", run_id: null });
    this.shownRun = null;
    this.history.setShownRun(null);
    this.clearStartTimer();
    this.progress.hide();
  }

  cancelRun(runId: number): void {
    this.ctx.send({ kind: "cancel_run", run_id: runId });
    this.ctx.notify("info", `Cancelling run ${runId}…`);
    // Python reads the followed run again at once and its progress updates every view; a
    // read of the history of its own would race it and say Canceled before the strip does.
    if (this.progress.message?.run.run_id !== runId || this.progress.message.finished) this.afterCancel();
  }

  private afterCancel(): void {
    if (typeof setTimeout === "function") setTimeout(() => this.view === "history" && this.history.loaded && void this.history.load(this.history.offset, true), 1200);
  }

  private expectProgress(text: string): void {
    this.progress.starting(text);
    this.clearStartTimer();
    this.startTimer = setTimeout(() => {
      this.startTimer = null;
      if (!this.progress.message) this.progress.hide();
    }, START_TIMEOUT_MS);
  }

  private clearStartTimer(): void {
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = null;
  }

  /** The followed run ended: count the tasks that only failed upstream for its outcome line. */
  private async countUpstream(runId: number): Promise<void> {
    const reply = await ask<RunReply>(() => this.ctx.request<RunReply>({ kind: "run", request_id: this.ctx.nextId(), run_id: runId }));
    if (!reply.run || this.progress.message?.run.run_id !== runId) return;
    // Only a failure is counted: a task a cancel left unrun (UPSTREAM_CANCELED) did not fail.
    this.progress.setUpstream(reply.run.tasks.filter((t) => t.state === "UPSTREAM_FAILED").length);
  }

  private refreshActive(): void {
    if (!this.element.isConnected || this.element.offsetParent === null || this.dialogs.open) return;
    if (this.view === "history" && this.history.loaded && this.history.hasActive()) void this.history.load(this.history.offset, true);
  }
}

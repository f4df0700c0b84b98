// The run history: a table of this job's runs, newest first, with status and time filters and
// paging (`runs` requests), each row opening its detail, showing it on the canvas, or cancelling it.
import type { FromPython, RunSummary } from "../protocol";
import type { RunsTabContext } from "../tab-types";
import { compactParameters, formatDuration, formatTime, triggerLabel, viewerZone } from "./format";
import { historyRequest, nextOffset, PAGE_SIZE, previousOffset, rangeStart, TIME_RANGES, type StatusFilter, type TimeRange } from "./requests";
import { DurationTicker } from "./ticker";
import { ask, emptyBox, errorBox, h, runsButton, spinner, stateBadge } from "./ui";

type RunsReply = Extract<FromPython, { kind: "runs" }>;

export interface HistoryHandlers {
  open(runId: number): void;
  showOnCanvas(runId: number): void;
  cancel(runId: number): void;
}

export class HistoryView {
  readonly element: HTMLElement;
  /** The filters, placed in the tab's toolbar by the tab. */
  readonly tools: HTMLElement;
  status: StatusFilter = "all";
  range: TimeRange = "all";
  offset = 0;
  runs: RunSummary[] = [];
  hasMore = false;
  loaded = false;
  private generation = 0;
  private readonly body: HTMLElement;
  private readonly pager: HTMLElement;
  private readonly statusButtons = new Map<StatusFilter, HTMLButtonElement>();
  private readonly rangeSelect: HTMLSelectElement;
  private shownRun: number | null = null;

  constructor(
    private readonly ctx: RunsTabContext,
    private readonly handlers: HistoryHandlers,
    /** The tab's clock: a run still going has its Duration tick. */
    private readonly clock: DurationTicker = new DurationTicker(),
  ) {
    const seg = h("div", { class: "loom-runs-seg", role: "group", "aria-label": "Runs to show" });
    for (const [value, label] of [
      ["all", "All"],
      ["active", "Active"],
      ["completed", "Completed"],
    ] as [StatusFilter, string][]) {
      const b = h("button", { type: "button", class: "loom-runs-seg-btn", "data-filter": value, "aria-pressed": String(value === this.status), text: label });
      b.addEventListener("click", () => this.setStatus(value));
      this.statusButtons.set(value, b);
      seg.append(b);
    }
    this.rangeSelect = h("select", { class: "loom-runs-select", "data-role": "time-range", "aria-label": "Started in" });
    for (const { value, label } of TIME_RANGES) this.rangeSelect.append(h("option", { value, text: label, selected: value === this.range }));
    this.rangeSelect.addEventListener("change", () => {
      this.range = this.rangeSelect.value as TimeRange;
      this.offset = 0;
      void this.load();
    });
    this.tools = h("div", { class: "loom-runs-tools" }, seg, this.rangeSelect);
    this.body = h("div", { class: "loom-runs-history-body" });
    this.pager = h("div", { class: "loom-runs-pager", "data-role": "pager" });
    this.element = h("div", { class: "loom-runs-history", "data-view": "history" }, this.body, this.pager);
  }

  setStatus(value: StatusFilter): void {
    this.status = value;
    for (const [v, b] of this.statusButtons) b.setAttribute("aria-pressed", String(v === value));
    this.offset = 0;
    void this.load();
  }

  /** Which run the canvas shows (its row is marked and offers Clear). */
  setShownRun(runId: number | null): void {
    this.shownRun = runId;
    if (this.loaded) this.renderRows();
  }

  /** Ask for the page at `offset` with the current filters. */
  async load(offset = this.offset, quiet = false): Promise<void> {
    const generation = ++this.generation;
    this.offset = offset;
    if (!quiet || !this.loaded) {
      this.body.replaceChildren(spinner("Loading runs…"));
      this.pager.replaceChildren();
    }
    const message = historyRequest({ status: this.status, range: this.range, offset }, this.ctx.nextId());
    const reply = await ask<RunsReply>(() => this.ctx.request<RunsReply>(message));
    if (generation !== this.generation) return;
    if (reply.error) {
      this.body.replaceChildren(errorBox(reply.error, () => void this.load()));
      this.pager.replaceChildren();
      return;
    }
    this.runs = reply.runs ?? [];
    this.hasMore = Boolean(reply.has_more);
    this.loaded = true;
    this.renderRows();
  }

  /**
   * A run as the followed run's latest read has it: its row takes it at once (so the history,
   * the progress strip and the canvas say the same), and a run new to the first page that the
   * filters admit goes on top, without waiting for the next read of the page.
   */
  upsert(run: RunSummary, now: number = Date.now()): void {
    if (!this.loaded) return;
    const at = this.runs.findIndex((r) => r.run_id === run.run_id);
    if (at >= 0) {
      this.runs = this.runs.map((r, i) => (i === at ? run : r));
    } else {
      const from = rangeStart(this.range, now);
      const admitted =
        this.offset === 0 &&
        (this.status === "all" || (this.status === "active") === !run.ended) &&
        (from === undefined || (run.start_time ?? now) >= from) &&
        // Newest first: only a run newer than the page's first goes on top.
        (!this.runs.length || (run.start_time ?? now) >= (this.runs[0].start_time ?? 0));
      if (!admitted) return;
      this.runs = [run, ...this.runs];
      if (this.runs.length > PAGE_SIZE) {
        this.runs = this.runs.slice(0, PAGE_SIZE);
        this.hasMore = true;
      }
    }
    this.renderRows();
  }

  next(): void {
    if (this.hasMore) void this.load(nextOffset(this.offset));
  }

  previous(): void {
    if (this.offset > 0) void this.load(previousOffset(this.offset));
  }

  /** True when a run of the page is still going (the tab refreshes such pages now and then). */
  hasActive(): boolean {
    return this.runs.some((r) => !r.ended);
  }

  private renderRows(): void {
    if (!this.runs.length) {
      const words: Record<StatusFilter, string> = { all: "No runs", active: "No active runs", completed: "No completed runs" };
      const range = TIME_RANGES.find((r) => r.value === this.range);
      this.body.replaceChildren(
        emptyBox(`${words[this.status]}${this.range === "all" ? "" : ` in the ${range?.label.toLowerCase()}`}${this.offset ? " on this page" : ""}.`),
      );
    } else {
      const zone = viewerZone();
      const head = h(
        "tr",
        {},
        h("th", { text: "Run" }),
        h("th", { text: "Start time", title: `In your time zone (${zone})` }),
        h("th", { class: "loom-runs-num", text: "Duration" }),
        h("th", { text: "Status" }),
        h("th", { text: "Trigger" }),
        h("th", { text: "Triggered by" }),
        h("th", { text: "Parameters" }),
        h("th", { class: "loom-runs-actions-h" }, h("span", { class: "loom-runs-sr-only", text: "Actions" })),
      );
      const rows = this.runs.map((run) => this.row(run));
      this.body.replaceChildren(h("table", { class: "loom-runs-table", "data-role": "history-table" }, h("thead", {}, head), h("tbody", {}, rows)));
    }
    const first = this.offset + 1;
    const last = this.offset + this.runs.length;
    const prev = runsButton("Previous", { action: "previous", variant: "outline" });
    const next = runsButton("Next", { action: "next", variant: "outline" });
    prev.disabled = this.offset === 0;
    next.disabled = !this.hasMore;
    prev.addEventListener("click", () => this.previous());
    next.addEventListener("click", () => this.next());
    this.pager.replaceChildren(
      h("span", { class: "loom-runs-muted", "data-role": "page-range", text: this.runs.length ? `Runs ${first}–${last}` : "" }),
      h("span", { class: "loom-runs-spacer" }),
      prev,
      next,
    );
    this.pager.hidden = this.offset === 0 && !this.hasMore;
  }

  private row(run: RunSummary): HTMLTableRowElement {
    const open = h("button", { type: "button", class: "loom-runs-link", "data-action": "open", title: "Open the run's details", text: String(run.run_id) });
    open.addEventListener("click", (event) => {
      event.stopPropagation();
      this.handlers.open(run.run_id);
    });
    const params = compactParameters(run.job_parameters, 48);
    const full = Object.entries(run.job_parameters ?? {})
      .map(([k, v]) => `${k} = ${v}`)
      .join("\n");
    const actions = h("td", { class: "loom-runs-actions" });
    const duration = h("td", { class: "loom-runs-num", "data-role": "duration" }, formatDuration(run.duration_ms));
    // Still going: from its start to now, each second; once ended, the server's figure.
    if (!run.ended && run.start_time) this.clock.show(duration, run.start_time);
    const onCanvas = this.shownRun === run.run_id;
    const show = runsButton(onCanvas ? "On canvas" : "Show on canvas", {
      icon: "canvas",
      action: "show-on-canvas",
      title: onCanvas ? "This run colours the canvas" : "Colour the canvas's tasks by this run",
      iconOnly: true,
    });
    if (onCanvas) show.setAttribute("aria-pressed", "true");
    show.addEventListener("click", (event) => {
      event.stopPropagation();
      this.handlers.showOnCanvas(run.run_id);
    });
    actions.append(show);
    if (!run.ended) {
      const cancel = runsButton("Cancel run", { icon: "stop", action: "cancel-run", title: "Cancel this run", iconOnly: true, variant: "danger" });
      cancel.addEventListener("click", (event) => {
        event.stopPropagation();
        this.handlers.cancel(run.run_id);
      });
      actions.append(cancel);
    }
    const tr = h(
      "tr",
      { class: "loom-runs-row", "data-run-id": run.run_id, "data-state": run.state, "data-active": run.ended ? null : "true", "data-on-canvas": onCanvas ? "true" : null, tabindex: 0 },
      h("td", {}, open),
      h("td", { class: "loom-runs-time", title: formatTime(run.start_time) }, formatTime(run.start_time)),
      duration,
      h("td", {}, stateBadge(run.state)),
      h("td", {}, triggerLabel(run.trigger)),
      h("td", { class: "loom-runs-by", title: run.triggered_by ?? "" }, run.triggered_by ?? "—"),
      h("td", { class: "loom-runs-params", title: full }, params || h("span", { class: "loom-runs-faint", text: "—" })),
      actions,
    );
    if (run.state_message) tr.title = run.state_message;
    tr.addEventListener("click", () => this.handlers.open(run.run_id));
    tr.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target === tr) this.handlers.open(run.run_id);
    });
    return tr;
  }
}

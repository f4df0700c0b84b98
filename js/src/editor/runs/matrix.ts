// The matrix view: runs x tasks coloured by result, drawn on one <canvas> (only what is in
// view), with the task names and the run header staying in place while the cells scroll.
import type { FromPython, MatrixRow } from "../protocol";
import type { RunsTabContext } from "../tab-types";
import { formatDuration, formatTime, stateColor, stateLabel } from "./format";

const TICK = new Intl.DateTimeFormat(undefined, { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const formatTick = (ms: number | null) => (ms ? TICK.format(new Date(ms)) : "—");
import { fitCellWidth, hitTest, layoutMatrix, visibleRange, type MatrixHit, type MatrixLayout } from "./matrix-layout";
import { DurationTicker } from "./ticker";
import { ask, emptyBox, errorBox, h, spinner } from "./ui";

type MatrixReply = Extract<FromPython, { kind: "matrix" }>;

const LABEL_WIDTH = 200;
const HEADER_HEIGHT = 116;
const BAR_AREA = 30;

export interface MatrixHandlers {
  open(runId: number): void;
  showTasks(taskKeys: string[]): void;
}

export class MatrixView {
  readonly element: HTMLElement;
  readonly tools: HTMLElement;
  limit = 25;
  taskKeys: string[] = [];
  rows: MatrixRow[] = [];
  layout: MatrixLayout | null = null;
  /** The last draw's time (ms), for the bench. */
  lastDrawMs = 0;
  lastLayoutMs = 0;
  private generation = 0;
  private readonly stage: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly tooltip: HTMLElement;
  private readonly status: HTMLElement;
  private hover: MatrixHit = null;
  private frame = 0;
  private resizeObserver: ResizeObserver | null = null;
  private maxDuration = 1;

  constructor(
    private readonly ctx: RunsTabContext,
    private readonly handlers: MatrixHandlers,
    /** The tab's clock: a run still going has its tooltip's duration tick. */
    private readonly clock: DurationTicker = new DurationTicker(),
  ) {
    const select = h("select", { class: "loom-runs-select", "data-role": "matrix-limit", "aria-label": "Runs in the matrix" });
    for (const n of [25, 50, 100]) select.append(h("option", { value: n, text: `Last ${n} runs`, selected: n === this.limit }));
    select.addEventListener("change", () => {
      this.limit = Number(select.value);
      void this.load();
    });
    this.tools = h("div", { class: "loom-runs-tools" }, select);
    this.canvas = h("canvas", { class: "loom-runs-matrix-canvas", "data-role": "matrix-canvas" });
    this.spacer = h("div", { class: "loom-runs-matrix-spacer" });
    this.scroller = h("div", { class: "loom-runs-matrix-scroller", "data-role": "matrix-scroller", tabindex: 0 }, this.spacer);
    this.tooltip = h("div", { class: "loom-runs-tooltip", "data-role": "matrix-tooltip", hidden: true });
    this.stage = h("div", { class: "loom-runs-matrix-stage" }, this.scroller, this.canvas, this.tooltip);
    this.status = h("div", { class: "loom-runs-matrix-status" });
    this.element = h("div", { class: "loom-runs-matrix", "data-view": "matrix" }, h("div", { class: "loom-runs-matrix-top" }, this.legend(), h("span", { class: "loom-runs-muted", text: "Click a cell: its run · a task name: select it on the canvas" })), this.status, this.stage);
    this.scroller.addEventListener("scroll", () => this.schedule());
    this.scroller.addEventListener("mousemove", (event) => this.onMove(event));
    this.scroller.addEventListener("mouseleave", () => this.setHover(null, 0, 0));
    this.scroller.addEventListener("click", (event) => this.onClick(event));
    if (typeof ResizeObserver !== "undefined") {
      this.resizeObserver = new ResizeObserver(() => this.relayout());
      this.resizeObserver.observe(this.stage);
    }
  }

  private legend(): HTMLElement {
    const items: [string, string][] = [
      ["SUCCESS", "Succeeded"],
      ["FAILED", "Failed"],
      ["UPSTREAM_FAILED", "Upstream failed"],
      ["RUNNING", "Running"],
      ["QUEUED", "Queued"],
      ["CANCELED", "Canceled / skipped"],
    ];
    return h(
      "div",
      { class: "loom-runs-legend" },
      items.map(([state, label]) => h("span", { class: "loom-runs-legend-item" }, h("span", { class: "loom-runs-swatch", style: `background:${stateColor(state)}` }), label)),
      h("span", { class: "loom-runs-legend-item" }, h("span", { class: "loom-runs-swatch loom-runs-swatch-empty" }), "Did not run"),
    );
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    this.status.replaceChildren(spinner("Loading the matrix…"));
    this.stage.hidden = !this.rows.length;
    const reply = await ask<MatrixReply>(() => this.ctx.request<MatrixReply>({ kind: "matrix", request_id: this.ctx.nextId(), limit: this.limit }));
    if (generation !== this.generation) return;
    if (reply.error) {
      this.status.replaceChildren(errorBox(reply.error, () => void this.load()));
      this.stage.hidden = true;
      return;
    }
    this.setData(reply.task_keys ?? [], reply.runs ?? []);
  }

  /** Show this matrix (what a `matrix` reply brought). */
  setData(taskKeys: string[], rows: MatrixRow[]): void {
    this.taskKeys = taskKeys;
    this.rows = rows;
    this.maxDuration = Math.max(1, ...rows.map((r) => r.run.duration_ms ?? 0));
    if (!rows.length || !taskKeys.length) {
      this.status.replaceChildren(emptyBox(rows.length ? "This job has no tasks." : "No runs yet: the matrix fills as the job runs."));
      this.stage.hidden = true;
      this.layout = null;
      return;
    }
    this.status.replaceChildren();
    this.stage.hidden = false;
    this.relayout();
  }

  /** Lay out again (new data, or the view's width changed) and draw. */
  relayout(): void {
    if (!this.rows.length) return;
    const t0 = performance.now();
    const available = Math.max(0, (this.scroller.clientWidth || 800) - LABEL_WIDTH - 4);
    const cellWidth = fitCellWidth(this.rows.length, available, 14, 30);
    const previous = this.layout;
    if (!previous || previous.cellWidth !== cellWidth || previous.runs !== this.rows.length || previous.tasks !== this.taskKeys.length || !this.laidOut) {
      this.layout = layoutMatrix(this.rows, this.taskKeys.length, { labelWidth: LABEL_WIDTH, headerHeight: HEADER_HEIGHT, cellWidth, cellHeight: 18, gap: 2 });
      this.laidOut = true;
      this.spacer.style.width = `${this.layout.width}px`;
      this.spacer.style.height = `${this.layout.height}px`;
    }
    this.lastLayoutMs = performance.now() - t0;
    this.draw();
  }
  private laidOut = false;

  private schedule(): void {
    if (this.frame) return;
    const raf = typeof requestAnimationFrame === "function" ? requestAnimationFrame : (f: FrameRequestCallback) => setTimeout(() => f(0), 16) as unknown as number;
    this.frame = raf(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Draw what is in view; returns the time it took (ms). */
  draw(): number {
    const layout = this.layout;
    if (!layout) return 0;
    const t0 = performance.now();
    const w = this.scroller.clientWidth;
    const hgt = this.scroller.clientHeight;
    const context = this.canvas.getContext("2d");
    if (!context || !w || !hgt) return 0;
    const dpr = typeof window !== "undefined" ? window.devicePixelRatio || 1 : 1;
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(hgt * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(hgt * dpr);
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${hgt}px`;
    }
    const css = getComputedStyle(this.element);
    const color = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    const bg = color("--lr-bg", "#ffffff");
    const bg2 = color("--lr-bg2", "#f5f6f8");
    const text = color("--lr-text", "#1f2328");
    const muted = color("--lr-muted", "#5f6b7a");
    const border = color("--lr-border", "#e1e4e8");
    const empty = color("--lr-empty-cell", "#eceef2");
    const font = color("--lr-font", "system-ui, sans-serif");
    const sx = this.scroller.scrollLeft;
    const sy = this.scroller.scrollTop;
    const { run0, run1, task0, task1 } = visibleRange(layout, w, hgt, sx, sy);
    context.setTransform(dpr, 0, 0, dpr, 0, 0);
    context.fillStyle = bg;
    context.fillRect(0, 0, w, hgt);

    // cells, grouped by colour (one fillStyle per colour)
    context.save();
    context.beginPath();
    context.rect(layout.left, layout.top, w - layout.left, hgt - layout.top);
    context.clip();
    const { rects, colors, palette, tasks } = layout;
    for (let c = 0; c < palette.length; c++) {
      context.fillStyle = c === 0 ? empty : palette[c];
      context.beginPath();
      for (let r = run0; r < run1; r++) {
        for (let t = task0; t < task1; t++) {
          const i = r * tasks + t;
          if (colors[i] !== c) continue;
          const o = i * 4;
          context.rect(rects[o] - sx, rects[o + 1] - sy, rects[o + 2], rects[o + 3]);
        }
      }
      context.fill();
    }
    const hover = this.hover;
    if (hover && hover.kind === "cell") {
      const o = (hover.run * tasks + hover.task) * 4;
      context.strokeStyle = text;
      context.lineWidth = 1.5;
      context.strokeRect(rects[o] - sx - 0.75, rects[o + 1] - sy - 0.75, rects[o + 2] + 1.5, rects[o + 3] + 1.5);
    }
    context.restore();

    // row and column highlights in the margins
    const hoverRun = hover && (hover.kind === "cell" || hover.kind === "run") ? hover.run : -1;
    const hoverTask = hover && (hover.kind === "cell" || hover.kind === "task") ? hover.task : -1;

    // task names (stay at the left)
    context.fillStyle = bg;
    context.fillRect(0, layout.top, layout.left, hgt - layout.top);
    context.save();
    context.beginPath();
    context.rect(0, layout.top, layout.left, hgt - layout.top);
    context.clip();
    context.font = `12px ${font}`;
    context.textBaseline = "middle";
    for (let t = task0; t < task1; t++) {
      const y = layout.top + t * layout.cellHeight - sy;
      if (t === hoverTask) {
        context.fillStyle = bg2;
        context.fillRect(0, y - 1, layout.left, layout.cellHeight);
      }
      context.fillStyle = t === hoverTask ? text : muted;
      context.fillText(this.truncated(context, this.taskKeys[t], layout.left - 16), 8, y + (layout.cellHeight - layout.gap) / 2 + 0.5);
    }
    context.restore();

    // run header (stays at the top): duration bars, then start times turned a quarter
    context.fillStyle = bg;
    context.fillRect(layout.left, 0, w - layout.left, layout.top);
    context.save();
    context.beginPath();
    context.rect(layout.left, 0, w - layout.left, layout.top);
    context.clip();
    context.font = `10.5px ${font}`;
    context.textBaseline = "middle";
    const barBase = BAR_AREA + 4;
    for (let r = run0; r < run1; r++) {
      const x = layout.left + r * layout.cellWidth - sx;
      const cw = layout.cellWidth - layout.gap;
      const run = this.rows[r].run;
      if (r === hoverRun) {
        context.fillStyle = bg2;
        context.fillRect(x - 1, 0, layout.cellWidth, layout.top);
      }
      const barHeight = Math.max(2, Math.round((BAR_AREA * (run.duration_ms ?? 0)) / this.maxDuration));
      context.fillStyle = stateColor(run.state);
      context.globalAlpha = r === hoverRun ? 1 : 0.85;
      context.fillRect(x + 1, barBase - barHeight, Math.max(2, cw - 2), barHeight);
      context.globalAlpha = 1;
      context.save();
      context.translate(x + cw / 2, layout.top - 6);
      context.rotate(-Math.PI / 2);
      context.fillStyle = r === hoverRun ? text : muted;
      context.fillText(this.truncated(context, formatTick(run.start_time), layout.top - barBase - 12), 0, 0.5);
      context.restore();
    }
    context.restore();
    // the corner and the rules
    context.fillStyle = bg;
    context.fillRect(0, 0, layout.left, layout.top);
    context.fillStyle = muted;
    context.font = `600 11px ${font}`;
    context.textBaseline = "alphabetic";
    context.fillText("Task", 8, layout.top - 8);
    context.font = `11px ${font}`;
    context.textAlign = "right";
    context.fillText("Duration", layout.left - 8, barBase - 2);
    context.fillText("Start (newest first) →", layout.left - 8, layout.top - 24);
    context.textAlign = "left";
    context.fillStyle = border;
    context.fillRect(0, layout.top - 1, w, 1);
    context.fillRect(layout.left - 1, 0, 1, hgt);
    this.lastDrawMs = performance.now() - t0;
    return this.lastDrawMs;
  }

  private truncateCache = new Map<string, string>();
  private truncated(context: CanvasRenderingContext2D, textValue: string, width: number): string {
    const key = `${width}:${textValue}`;
    const cached = this.truncateCache.get(key);
    if (cached !== undefined) return cached;
    let out = textValue;
    if (context.measureText(out).width > width) {
      let lo = 0;
      let hi = textValue.length;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (context.measureText(`${textValue.slice(0, mid)}…`).width <= width) lo = mid;
        else hi = mid - 1;
      }
      out = `${textValue.slice(0, lo)}…`;
    }
    this.truncateCache.set(key, out);
    return out;
  }

  private point(event: MouseEvent): { x: number; y: number } {
    const box = this.scroller.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  private hitAt(event: MouseEvent): MatrixHit {
    if (!this.layout) return null;
    const { x, y } = this.point(event);
    return hitTest(this.layout, x, y, this.scroller.scrollLeft, this.scroller.scrollTop);
  }

  private onMove(event: MouseEvent): void {
    const { x, y } = this.point(event);
    this.setHover(this.hitAt(event), x, y);
  }

  private setHover(hit: MatrixHit, x: number, y: number): void {
    const same = JSON.stringify(hit) === JSON.stringify(this.hover);
    this.hover = hit;
    this.scroller.style.cursor = hit ? "pointer" : "default";
    if (!hit) {
      this.tooltip.hidden = true;
    } else {
      this.tooltip.replaceChildren(...this.tooltipContent(hit));
      this.tooltip.hidden = false;
      const stageWidth = this.stage.clientWidth;
      const left = Math.min(x + 14, Math.max(0, stageWidth - 280));
      this.tooltip.style.left = `${left}px`;
      this.tooltip.style.top = `${y + 16}px`;
    }
    if (!same) this.schedule();
  }

  private tooltipContent(hit: NonNullable<MatrixHit>): Node[] {
    if (hit.kind === "task") {
      return [h("div", { class: "loom-runs-tip-title", text: this.taskKeys[hit.task] }), h("div", { class: "loom-runs-tip-muted", text: "Click: select it on the canvas" })];
    }
    const run = this.rows[hit.run].run;
    const duration = h("span", { "data-role": "tip-duration" }, formatDuration(run.duration_ms));
    if (!run.ended && run.start_time) this.clock.show(duration, run.start_time);
    const head = h("div", { class: "loom-runs-tip-muted" }, `Run ${run.run_id} · ${formatTime(run.start_time)} · `, duration);
    if (hit.kind === "run") {
      return [h("div", { class: "loom-runs-tip-title" }, h("span", { class: "loom-runs-dot", style: `background:${stateColor(run.state)}` }), ` Run ${stateLabel(run.state).toLowerCase()}`), head];
    }
    const state = this.rows[hit.run].cells[hit.task];
    return [
      h("div", { class: "loom-runs-tip-title" }, this.taskKeys[hit.task]),
      h("div", {}, h("span", { class: "loom-runs-dot", style: `background:${stateColor(state)}` }), ` ${stateLabel(state)}`),
      head,
    ];
  }

  private onClick(event: MouseEvent): void {
    const hit = this.hitAt(event);
    if (!hit) return;
    if (hit.kind === "task") this.handlers.showTasks([this.taskKeys[hit.task]]);
    else this.handlers.open(this.rows[hit.run].run.run_id);
  }

  destroy(): void {
    this.resizeObserver?.disconnect();
    if (this.frame && typeof cancelAnimationFrame === "function") cancelAnimationFrame(this.frame);
  }
}

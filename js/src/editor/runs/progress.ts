// The followed run's strip (run now, repair, show_run): a progress bar "3 of 5 tasks · 00:42
// elapsed · RUNNING", its state, Cancel; once ended, the outcome with its root causes.
import type { FromPython, RunSummary } from "../protocol";
import { formatDuration, outcomeText, progressText, stateTone } from "./format";
import { DurationTicker } from "./ticker";
import { h, runsButton, stateBadge } from "./ui";

export type ProgressMessage = Extract<FromPython, { kind: "run_progress" }>;

export interface ProgressHandlers {
  open(runId: number): void;
  cancel(runId: number): void;
  clear(): void;
}

export class ProgressStrip {
  readonly element: HTMLElement;
  message: ProgressMessage | null = null;
  /** Tasks that failed upstream (counted from the run's detail once it ended). */
  upstream: number | null = null;
  private receivedAt = 0;
  private unsubscribe: (() => void) | null = null;
  private readonly bar: HTMLElement;
  private readonly fill: HTMLElement;
  private readonly textEl: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly title: HTMLElement;
  private readonly actions: HTMLElement;

  constructor(
    private readonly handlers: ProgressHandlers,
    /** The tab's clock, so the elapsed line ticks with every other live duration. */
    private readonly clock: DurationTicker = new DurationTicker(),
  ) {
    this.fill = h("div", { class: "loom-runs-progress-fill" });
    this.bar = h("div", { class: "loom-runs-progress-bar", role: "progressbar", "aria-label": "Run progress", "aria-valuemin": 0, "data-role": "progress-bar" }, this.fill);
    this.textEl = h("span", { class: "loom-runs-progress-text", "data-role": "progress-text" });
    this.badge = h("span", { class: "loom-runs-progress-badge" });
    this.title = h("button", { type: "button", class: "loom-runs-link loom-runs-progress-title", "data-action": "open-followed" });
    this.title.addEventListener("click", () => this.message && this.handlers.open(this.message.run.run_id));
    this.actions = h("span", { class: "loom-runs-progress-actions" });
    this.element = h(
      "div",
      { class: "loom-runs-progress", "data-role": "progress", hidden: true, role: "status", "aria-live": "polite" },
      h("div", { class: "loom-runs-progress-line" }, this.title, this.badge, this.textEl, h("span", { class: "loom-runs-spacer" }), this.actions),
      this.bar,
    );
  }

  /** Waiting for the first progress of a run just started. */
  starting(text: string): void {
    this.message = null;
    this.upstream = null;
    this.stopClock();
    this.element.hidden = false;
    this.element.dataset.state = "STARTING";
    this.element.removeAttribute("data-finished");
    this.title.textContent = text;
    this.badge.replaceChildren(h("span", { class: "loom-runs-spinner" }));
    this.textEl.textContent = "";
    this.bar.classList.add("loom-runs-progress-indeterminate");
    this.fill.style.width = "30%";
    this.actions.replaceChildren();
  }

  update(message: ProgressMessage, now: number = Date.now()): void {
    const sameRun = this.message?.run.run_id === message.run.run_id;
    if (!sameRun) this.upstream = null;
    this.message = message;
    this.receivedAt = now;
    this.element.hidden = false;
    this.render(now);
    if (message.finished) this.stopClock();
    else if (!this.unsubscribe) this.unsubscribe = this.clock.subscribe((at) => this.render(at));
  }

  setUpstream(count: number): void {
    this.upstream = count;
    this.render(Date.now());
  }

  hide(): void {
    this.stopClock();
    this.message = null;
    this.element.hidden = true;
  }

  /**
   * The elapsed time now. While the run goes on: from its start_time to now, so the clock
   * ticks between two reads (before the first read that has a start_time: the duration read,
   * plus the time since). Once ended: its duration.
   */
  elapsed(now: number): number | null {
    const m = this.message;
    if (!m) return null;
    if (m.finished) return m.run.duration_ms ?? (m.run.start_time && m.run.end_time ? m.run.end_time - m.run.start_time : null);
    if (m.run.start_time) return Math.max(0, now - m.run.start_time);
    return m.run.duration_ms === null ? null : m.run.duration_ms + Math.max(0, now - this.receivedAt);
  }

  text(now: number = Date.now()): string {
    const m = this.message;
    if (!m) return "";
    if (m.finished) {
      return `${outcomeText(m.run, m.root_causes, this.upstream)} · ${m.done} of ${m.total} tasks · ${formatDuration(this.elapsed(now))}`;
    }
    return progressText(m.done, m.total, this.elapsed(now), m.run.state);
  }

  private render(now: number): void {
    const m = this.message;
    if (!m) return;
    const run: RunSummary = m.run;
    this.element.dataset.state = run.state;
    this.element.dataset.runId = String(run.run_id);
    this.element.toggleAttribute("data-finished", m.finished);
    this.bar.classList.remove("loom-runs-progress-indeterminate");
    this.bar.dataset.tone = m.finished ? stateTone(run.state) : "running";
    const pct = m.total ? (100 * m.done) / m.total : m.finished ? 100 : 0;
    this.fill.style.width = `${m.finished ? 100 : pct}%`;
    this.bar.setAttribute("aria-valuemax", String(m.total));
    this.bar.setAttribute("aria-valuenow", String(m.done));
    this.bar.setAttribute("aria-label", `Run ${run.run_id}: tasks ended`);
    this.bar.setAttribute("aria-valuetext", `${m.done} of ${m.total} tasks`);
    this.title.textContent = `Run ${run.run_id}`;
    this.badge.replaceChildren(stateBadge(run.state));
    this.textEl.textContent = this.text(now);
    const buttons: HTMLElement[] = [];
    if (!m.finished) {
      const cancel = runsButton("Cancel", { icon: "stop", action: "cancel-followed", variant: "outline" });
      cancel.addEventListener("click", () => this.handlers.cancel(run.run_id));
      buttons.push(cancel);
    }
    const details = runsButton("Details", { action: "open-followed-detail", variant: "outline" });
    details.addEventListener("click", () => this.handlers.open(run.run_id));
    const clear = runsButton("Clear", { icon: "clear", action: "clear-canvas", title: "Stop showing this run on the canvas" });
    clear.addEventListener("click", () => this.handlers.clear());
    buttons.push(details, clear);
    if (this.actions.childElementCount !== buttons.length || this.actions.dataset.finished !== String(m.finished)) {
      this.actions.replaceChildren(...buttons);
      this.actions.dataset.finished = String(m.finished);
    }
  }

  private stopClock(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  destroy(): void {
    this.stopClock();
  }
}

// A for_each task's iterations in the run detail: each iteration's input, state and duration
// (ticking while it runs), a page at a time; choosing one shows its attempts and its own output
// (runs/get-output of the iteration's task run).
import type { FromPython, IterationAttempt, IterationsPage, IterationView } from "../protocol";
import type { RunsTabContext } from "../tab-types";
import { formatDuration, stateLabel } from "./format";
import { renderOutput } from "./output";
import type { DurationTicker } from "./ticker";
import { ask, errorBox, h, runsButton, spinner, stateBadge } from "./ui";

type IterationsReply = Extract<FromPython, { kind: "iterations" }>;
type OutputReply = Extract<FromPython, { kind: "task_output" }>;

/** Iterations shown at once. */
export const ITERATIONS_PAGE = 50;

/** "Showing 51–100 of 230" (of those started so far, while the loop still starts some). */
export function pageText(page: Pick<IterationsPage, "offset" | "total" | "started" | "iterations">): string {
  if (!page.iterations.length) return page.total ? `None of ${page.total} started yet` : "No iterations";
  const first = page.offset + 1;
  const last = page.offset + page.iterations.length;
  const started = page.started < page.total ? ` (${page.started} started)` : "";
  return `Showing ${first}–${last} of ${page.total}${started}`;
}

/** An iteration's input as the list shows it: clipped to `most` characters; "—" when unknown. */
export function inputText(input: string | null, most = 80): string {
  if (input === null) return "—";
  return input.length > most ? `${input.slice(0, most - 1)}…` : input;
}

/** The attempts line of an iteration: "3 attempts" once it was retried, else "". */
export function attemptsText(iteration: Pick<IterationView, "attempts">): string {
  return iteration.attempts.length > 1 ? `${iteration.attempts.length} attempts` : "";
}

export class IterationsList {
  readonly element: HTMLElement;
  private offset = 0;
  private generation = 0;
  private outputGeneration = 0;
  private chosen: number | null = null;
  private readonly body: HTMLElement;
  private readonly drill: HTMLElement;

  constructor(
    private readonly ctx: RunsTabContext,
    private readonly clock: DurationTicker,
    /** the for_each task run */
    private readonly runId: number,
  ) {
    this.body = h("div", { class: "loom-runs-iterations-body" }, spinner("Loading the iterations…"));
    this.drill = h("div", { class: "loom-runs-iteration-drill", "data-role": "iteration-drill", hidden: true });
    this.element = h("section", { class: "loom-runs-iteration-list", "data-role": "iteration-list", "aria-label": "Iterations" }, this.body, this.drill);
  }

  async load(offset = this.offset): Promise<void> {
    const generation = ++this.generation;
    this.offset = offset;
    const reply = await ask<IterationsReply>(() =>
      this.ctx.request<IterationsReply>({ kind: "iterations", request_id: this.ctx.nextId(), run_id: this.runId, offset, limit: ITERATIONS_PAGE }),
    );
    if (generation !== this.generation) return;
    if (reply.error || !reply.page) {
      this.body.replaceChildren(errorBox(reply.error ?? "The iterations could not be read.", () => void this.load(offset)));
      return;
    }
    this.render(reply.page);
  }

  private render(page: IterationsPage): void {
    const rows = page.iterations.map((it) => this.row(it, page.ended));
    const table = h(
      "table",
      { class: "loom-runs-table loom-runs-table-tight", "data-role": "iterations-table" },
      h("thead", {}, h("tr", {}, h("th", { text: "#" }), h("th", { text: "Input" }), h("th", { text: "State" }), h("th", { text: "Duration" }))),
      h("tbody", {}, rows),
    );
    const nav = h("div", { class: "loom-runs-iterations-nav" }, h("span", { class: "loom-runs-muted", "data-role": "iterations-count", text: pageText(page) }));
    if (page.offset > 0) {
      const back = runsButton("Previous", { action: "iterations-previous", variant: "outline" });
      back.addEventListener("click", () => void this.load(Math.max(0, page.offset - ITERATIONS_PAGE)));
      nav.append(back);
    }
    if (page.offset + page.iterations.length < page.started) {
      const more = runsButton("Next", { action: "iterations-next", variant: "outline" });
      more.addEventListener("click", () => void this.load(page.offset + ITERATIONS_PAGE));
      nav.append(more);
    }
    this.body.replaceChildren(nav, table);
    const again = page.iterations.find((it) => it.index === this.chosen);
    if (again) this.choose(again, { reloadOutput: false });
  }

  private row(it: IterationView, loopEnded: boolean): HTMLElement {
    const duration = h("td", { class: "loom-runs-num", "data-role": "iteration-duration", text: formatDuration(it.duration_ms) });
    if (!it.ended && !loopEnded && it.start_time) this.clock.show(duration, it.start_time);
    const row = h(
      "tr",
      { class: "loom-runs-iteration", "data-index": it.index, "data-run-id": it.run_id ?? "", "data-state": it.state, tabindex: 0, title: it.state_message || "Show this iteration's output", "aria-current": it.index === this.chosen ? "true" : null },
      h("td", { class: "loom-runs-num", text: String(it.index + 1) }),
      h("td", { class: "loom-runs-mono", "data-role": "iteration-input", title: it.input ?? "not known", text: inputText(it.input) }),
      h("td", {}, stateBadge(it.state), attemptsText(it) ? h("span", { class: "loom-runs-tag", text: attemptsText(it) }) : null),
      duration,
    );
    const choose = () => this.choose(it);
    row.addEventListener("click", choose);
    row.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose();
      }
    });
    return row;
  }

  /** Show one iteration: its attempts and the output of its latest one. */
  private choose(it: IterationView, options: { reloadOutput?: boolean } = {}): void {
    this.chosen = it.index;
    for (const r of this.body.querySelectorAll<HTMLElement>("tr.loom-runs-iteration")) {
      if (r.dataset.index === String(it.index)) r.setAttribute("aria-current", "true");
      else r.removeAttribute("aria-current");
    }
    const output = h("div", { class: "loom-runs-output", "data-role": "iteration-output" });
    const attempts = h(
      "table",
      { class: "loom-runs-table loom-runs-table-tight", "data-role": "iteration-attempts" },
      h(
        "tbody",
        {},
        it.attempts.map((a) => {
          const row = h(
            "tr",
            { class: "loom-runs-attempt", "data-run-id": a.run_id ?? "", tabindex: 0, "aria-current": a === it.attempts[it.attempts.length - 1] ? "true" : null, title: "Show this attempt's output" },
            h("td", { text: `#${a.attempt_number + 1}` }),
            h("td", {}, stateBadge(a.state)),
            h("td", { class: "loom-runs-num", text: formatDuration(a.duration_ms) }),
            h("td", { class: "loom-runs-muted", text: `task run ${a.run_id ?? "—"}` }),
          );
          const pick = () => {
            for (const r of row.parentElement?.children ?? []) r.removeAttribute("aria-current");
            row.setAttribute("aria-current", "true");
            void this.loadOutput(a, output);
          };
          row.addEventListener("click", pick);
          row.addEventListener("keydown", (event) => {
            if (event.key === "Enter" || event.key === " ") {
              event.preventDefault();
              pick();
            }
          });
          return row;
        }),
      ),
    );
    const parts: (HTMLElement | null)[] = [
      h("div", { class: "loom-runs-section-title", "data-role": "iteration-title", text: `Iteration ${it.index + 1}: ${inputText(it.input, 40)} · ${stateLabel(it.state)}` }),
      it.state_message ? h("div", { class: "loom-runs-message", text: it.state_message }) : null,
      h("div", { class: "loom-runs-fact-label", text: `Attempts (${it.attempts.length})` }),
      attempts,
      h("div", { class: "loom-runs-fact-label", text: "Output" }),
      output,
    ];
    this.drill.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
    this.drill.hidden = false;
    const latest = it.attempts[it.attempts.length - 1];
    if (!latest) return;
    // A quiet re-read of the run keeps the output already shown while it cannot have changed.
    const kept = this.lastOutput;
    if (options.reloadOutput === false && kept && kept.runId === latest.run_id && latest.ended) renderOutput(output, kept.output);
    else void this.loadOutput(latest, output);
  }

  private lastOutput: { runId: number; output: NonNullable<OutputReply["output"]> } | null = null;

  private async loadOutput(attempt: IterationAttempt, box: HTMLElement): Promise<void> {
    const runId = attempt.run_id;
    if (runId === null) {
      box.replaceChildren(h("div", { class: "loom-runs-muted", text: "This iteration did not run: no output." }));
      return;
    }
    const generation = ++this.outputGeneration;
    box.replaceChildren(spinner("Loading the output…"));
    const reply = await ask<OutputReply>(() => this.ctx.request<OutputReply>({ kind: "task_output", request_id: this.ctx.nextId(), run_id: runId }));
    if (generation !== this.outputGeneration) return;
    if (reply.error || !reply.output) {
      box.replaceChildren(errorBox(reply.error ?? "No output came back.", () => void this.loadOutput(attempt, box)));
      return;
    }
    this.lastOutput = { runId, output: reply.output };
    renderOutput(box, reply.output);
  }
}

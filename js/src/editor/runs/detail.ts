// One run in detail: its header (state, times, trigger, parameters, link), the Gantt timeline
// of its tasks (each once, its latest task run: queue / setup / execution / cleanup), the root
// causes apart from the tasks that only failed upstream, the repair history, and the chosen
// task's attempts (every retry and repair, each with its output), a for_each task's
// iterations, parameters, links and output.
import type { FromPython, RunDetail, TaskOutput, TaskRunView } from "../protocol";
import type { RunsTabContext } from "../tab-types";
import { formatDuration, formatTime, stateLabel, stateTone, triggerLabel, viewerZone } from "./format";
import { ganttGeometry } from "./gantt";
import { IterationsList } from "./iterations";
import { renderOutput } from "./output";
import { repairSection } from "./repairs";
import { DurationTicker } from "./ticker";
import { ask, errorBox, externalLink, h, openableHref, runsButton, spinner, stateBadge, svgIcon } from "./ui";

type RunReply = Extract<FromPython, { kind: "run" }>;
type OutputReply = Extract<FromPython, { kind: "task_output" }>;

export interface DetailHandlers {
  back(): void;
  repair(run: RunDetail): void;
  showOnCanvas(runId: number): void;
  cancel(runId: number): void;
  open(runId: number): void;
  showTasks(taskKeys: string[]): void;
}

const SEGMENT_WORDS: Record<string, string> = { queue: "Queued", setup: "Setup", execution: "Execution", cleanup: "Cleanup", running: "Running" };

/** A task run's row class words: root cause, upstream only, or neither. */
export function taskMark(task: Pick<TaskRunView, "root_cause" | "upstream_only">): "root-cause" | "upstream-only" | null {
  if (task.root_cause) return "root-cause";
  if (task.upstream_only) return "upstream-only";
  return null;
}

export class DetailView {
  readonly element: HTMLElement;
  run: RunDetail | null = null;
  runId: number | null = null;
  selectedTask: string | null = null;
  private generation = 0;
  private outputGeneration = 0;
  private readonly content: HTMLElement;

  constructor(
    private readonly ctx: RunsTabContext,
    private readonly handlers: DetailHandlers,
    /** The tab's clock: the durations of a run still going tick. */
    private readonly clock: DurationTicker = new DurationTicker(),
  ) {
    this.content = h("div", { class: "loom-runs-detail-content" });
    this.element = h("div", { class: "loom-runs-detail", "data-view": "detail" }, this.content);
  }

  async load(runId: number, options: { quiet?: boolean } = {}): Promise<void> {
    const generation = ++this.generation;
    if (runId !== this.runId) this.selectedTask = null;
    this.runId = runId;
    if (!options.quiet || !this.run || this.run.run_id !== runId) {
      this.run = null;
      this.content.replaceChildren(this.backBar(`Run ${runId}`), spinner(`Loading run ${runId}…`));
    }
    const reply = await ask<RunReply>(() => this.ctx.request<RunReply>({ kind: "run", request_id: this.ctx.nextId(), run_id: runId }));
    if (generation !== this.generation) return;
    if (reply.error || !reply.run) {
      if (options.quiet && this.run) return;
      this.content.replaceChildren(this.backBar(`Run ${runId}`), errorBox(reply.error ?? "The run could not be read.", () => void this.load(runId)));
      return;
    }
    this.setRun(reply.run);
  }

  setRun(run: RunDetail): void {
    this.run = run;
    this.runId = run.run_id;
    const keep = this.selectedTask && run.tasks.some((t) => t.task_key === this.selectedTask) ? this.selectedTask : null;
    this.selectedTask = null;
    this.render();
    if (keep) this.selectTask(keep, { reloadOutput: false });
  }

  private backBar(title: string, run?: RunDetail): HTMLElement {
    const back = runsButton("Runs", { icon: "back", action: "back", title: "Back to the runs" });
    back.addEventListener("click", () => this.handlers.back());
    const bar = h("div", { class: "loom-runs-detail-bar" }, back, h("span", { class: "loom-runs-crumb-sep", text: "/" }), h("span", { class: "loom-runs-detail-title", text: title }));
    if (run) bar.append(stateBadge(run.state));
    bar.append(h("span", { class: "loom-runs-spacer" }));
    if (run) {
      const show = runsButton("Show on canvas", { icon: "canvas", action: "show-on-canvas", variant: "outline", title: "Colour the canvas's tasks by this run" });
      show.addEventListener("click", () => this.handlers.showOnCanvas(run.run_id));
      bar.append(show);
      if (!run.ended) {
        const cancel = runsButton("Cancel run", { icon: "stop", action: "cancel-run", variant: "outline" });
        cancel.classList.add("loom-runs-danger-outline");
        cancel.addEventListener("click", () => this.handlers.cancel(run.run_id));
        bar.append(cancel);
      }
      if (run.ended && stateTone(run.state) !== "success") {
        const repair = runsButton("Repair run", { icon: "repair", action: "repair", variant: "primary", title: "Rerun the failed tasks and their dependents" });
        repair.addEventListener("click", () => this.handlers.repair(run));
        bar.append(repair);
      }
      // A local workspace's run has no page to open: this view is its page.
      const page = openableHref(run.run_page_url);
      if (page) {
        bar.append(
          h("a", { class: "loom-je-btn loom-je-btn-outline loom-runs-external", href: page, target: "_blank", rel: "noopener noreferrer", "data-action": "run-page", title: "Open the run in Databricks" }, svgIcon("external"), h("span", { text: "Run page" })),
        );
      }
    }
    return bar;
  }

  private render(): void {
    const run = this.run;
    if (!run) return;
    const title = run.number_in_job && run.number_in_job !== run.run_id ? `Run ${run.run_id} (#${run.number_in_job})` : `Run ${run.run_id}`;
    const facts = h(
      "dl",
      { class: "loom-runs-facts" },
      this.fact("Started", formatTime(run.start_time), `Your time zone: ${viewerZone()}`),
      this.fact("Ended", run.ended ? formatTime(run.end_time) : "—"),
      this.liveFact("Duration", formatDuration(run.duration_ms) + (run.ended ? "" : " so far"), run.ended ? null : run.start_time, " so far"),
      this.fact("Trigger", triggerLabel(run.trigger)),
      this.fact("Triggered by", run.triggered_by ?? "—"),
      run.latest_repair_id !== null ? this.fact("Repairs", `${run.repair_history.filter((r) => r.type === "REPAIR").length} (latest ${run.latest_repair_id})`) : null,
    );
    const params = Object.entries(run.job_parameters ?? {});
    const paramBox = params.length
      ? h("div", { class: "loom-runs-param-chips", "data-role": "run-parameters" }, h("span", { class: "loom-runs-fact-label", text: "Parameters" }), params.map(([k, v]) => h("span", { class: "loom-runs-chip", title: `${k} = ${v}` }, h("b", { text: k }), ` ${v}`)))
      : null;
    const causes = run.tasks.filter((t) => t.root_cause);
    const upstream = run.tasks.filter((t) => t.upstream_only);
    let banner: HTMLElement | null = null;
    if (causes.length || (run.ended && stateTone(run.state) === "failed")) {
      const show = runsButton("Show tasks on canvas", { icon: "canvas", action: "show-root-causes", variant: "outline" });
      show.addEventListener("click", () => this.handlers.showTasks(causes.map((t) => t.task_key)));
      show.disabled = !causes.length;
      banner = h(
        "div",
        { class: "loom-runs-banner", "data-role": "root-cause-banner" },
        svgIcon("clear"),
        h(
          "div",
          { class: "loom-runs-banner-text" },
          h("div", {}, h("b", { text: `${stateLabel(run.state)}` }), causes.length ? ": root cause " : "", causes.flatMap((t, i) => [i ? ", " : "", h("button", { type: "button", class: "loom-runs-link", "data-root-cause-link": t.task_key, text: t.task_key })])),
          upstream.length ? h("div", { class: "loom-runs-muted", text: `${upstream.length} task${upstream.length === 1 ? "" : "s"} did not run because of it (upstream failed): ${upstream.map((t) => t.task_key).join(", ")}` }) : null,
          !causes.length && run.state_message ? h("div", { class: "loom-runs-muted", text: run.state_message }) : null,
        ),
        show,
      );
      for (const b of banner.querySelectorAll<HTMLButtonElement>("[data-root-cause-link]")) b.addEventListener("click", () => this.selectTask(b.dataset.rootCauseLink ?? ""));
    }
    const header = h("div", { class: "loom-runs-detail-head" }, facts, paramBox, banner, repairSection(run, (key, runId) => this.openTaskRun(key, runId)));
    const timeline = this.timeline(run);
    const pane = h("aside", { class: "loom-runs-taskpane", "data-role": "task-pane", hidden: true });
    const body = h("div", { class: "loom-runs-detail-body" }, timeline, pane);
    this.content.replaceChildren(this.backBar(title, run), header, body);
    this.content.dataset.runId = String(run.run_id);
  }

  /** A fact whose value ticks from `from` (epoch ms) to now while it is not null. */
  private liveFact(label: string, value: string, from: number | null, suffix = ""): HTMLElement {
    const fact = this.fact(label, value);
    const dd = fact.querySelector("dd");
    if (from && dd) this.clock.show(dd, from, suffix);
    return fact;
  }

  private liveText<E extends HTMLElement>(element: E, from: number | null): E {
    return from ? this.clock.show(element, from) : element;
  }

  /** The start of a task run still going (its duration ticks), else null. */
  private liveFrom(task: Pick<TaskRunView, "start_time" | "end_time">): number | null {
    return this.run && !this.run.ended && task.start_time && !task.end_time ? task.start_time : null;
  }

  /** A label and its value; a `role` fact (an id) takes a whole row and is never clipped. */
  private fact(label: string, value: string, title?: string, role?: string): HTMLElement {
    return h(
      "div",
      { class: role ? "loom-runs-fact loom-runs-fact-wide" : "loom-runs-fact", title },
      h("dt", { class: "loom-runs-fact-label", text: label }),
      h("dd", { text: value, "data-role": role }),
    );
  }

  private timeline(run: RunDetail): HTMLElement {
    const geometry = ganttGeometry(run.tasks, { width: 100, runStart: run.start_time, runEnd: run.ended ? run.end_time : null });
    const axis = h(
      "div",
      { class: "loom-runs-gantt-axis" },
      geometry.ticks.map((tick) => h("span", { class: "loom-runs-tick", style: `left:${tick.x.toFixed(3)}%`, text: tick.label, title: formatTime(tick.time) })),
    );
    const legend = h(
      "div",
      { class: "loom-runs-gantt-legend" },
      (["queue", "setup", "execution", "cleanup"] as const).map((kind) => h("span", {}, h("span", { class: `loom-runs-seg-swatch loom-runs-seg-${kind}` }), SEGMENT_WORDS[kind])),
    );
    const head = h(
      "div",
      { class: "loom-runs-gantt-row loom-runs-gantt-head" },
      h("div", { class: "loom-runs-gantt-name", text: `Tasks (${run.tasks.length})` }),
      h("div", { class: "loom-runs-gantt-dur", text: "Duration" }),
      h("div", { class: "loom-runs-gantt-track" }, axis),
    );
    const rows = run.tasks.map((task, i) => {
      const bar = geometry.bars[i];
      const mark = taskMark(task);
      const name = h(
        "div",
        { class: "loom-runs-gantt-name", title: task.state_message ? `${task.task_key}: ${task.state_message}` : task.task_key },
        h("span", { class: "loom-runs-dot", "data-tone": stateTone(task.state) }),
        h("span", { class: "loom-runs-gantt-key", text: task.task_key }),
        mark === "root-cause" ? h("span", { class: "loom-runs-tag loom-runs-tag-root", "data-role": "root-cause-mark", text: "root cause" }) : null,
        mark === "upstream-only" ? h("span", { class: "loom-runs-tag loom-runs-tag-upstream", "data-role": "upstream-mark", text: "upstream" }) : null,
        task.attempts > 1 ? h("span", { class: "loom-runs-tag", title: `${task.attempts} task runs (retries and repairs)`, text: `×${task.attempts}` }) : null,
        task.iterations ? h("span", { class: "loom-runs-tag", title: "for_each iterations: done / total (failed)", text: `${task.iterations.done}/${task.iterations.total}${task.iterations.failed ? ` · ${task.iterations.failed} failed` : ""}` }) : null,
      );
      const segments = bar.segments.map((s) =>
        h("span", {
          class: `loom-runs-gantt-seg loom-runs-seg-${s.kind}`,
          "data-segment": s.kind,
          style: `left:${(((s.x - bar.x) / (bar.width || 1)) * 100).toFixed(3)}%;width:${((s.width / (bar.width || 1)) * 100).toFixed(3)}%`,
          title: `${SEGMENT_WORDS[s.kind]}: ${formatDuration(s.end - s.start)}`,
        }),
      );
      const track = h(
        "div",
        { class: "loom-runs-gantt-track" },
        geometry.ticks.map((tick) => h("span", { class: "loom-runs-gridline", style: `left:${tick.x.toFixed(3)}%` })),
        bar.start !== null
          ? h(
              "div",
              {
                class: "loom-runs-gantt-bar",
                "data-role": "gantt-bar",
                "data-task": task.task_key,
                "data-tone": stateTone(task.state),
                style: `left:${bar.x.toFixed(3)}%;width:max(3px, ${bar.width.toFixed(3)}%)`,
                title: `${task.task_key} · ${stateLabel(task.state)} · ${formatTime(bar.start)} → ${task.end_time ? formatTime(task.end_time) : "now"}`,
              },
              segments,
            )
          : h("span", { class: "loom-runs-gantt-none", text: stateLabel(task.state) === "Did not run" ? "did not run" : stateLabel(task.state).toLowerCase() }),
      );
      const duration = bar.start !== null && bar.end !== null ? bar.end - bar.start : null;
      const row = h(
        "div",
        {
          class: `loom-runs-gantt-row${mark ? ` loom-runs-${mark}` : ""}`,
          "data-task": task.task_key,
          "data-state": task.state,
          "data-root-cause": task.root_cause ? "true" : null,
          "data-upstream-only": task.upstream_only ? "true" : null,
          role: "button",
          tabindex: 0,
        },
        name,
        this.liveText(h("div", { class: "loom-runs-gantt-dur", "data-role": "task-duration", text: formatDuration(duration) }), this.liveFrom(task)),
        track,
      );
      row.addEventListener("click", () => this.selectTask(task.task_key));
      row.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          this.selectTask(task.task_key);
        }
      });
      return row;
    });
    return h("div", { class: "loom-runs-gantt", "data-role": "gantt" }, h("div", { class: "loom-runs-gantt-top" }, h("span", { class: "loom-runs-section-title", text: "Timeline" }), legend), head, h("div", { class: "loom-runs-gantt-rows" }, rows));
  }

  /** Open a task's pane on one of its task runs (a round of the repair history chose it). */
  openTaskRun(taskKey: string, runId: number | null): void {
    const pane = this.content.querySelector<HTMLElement>(".loom-runs-taskpane");
    if (this.selectedTask !== taskKey || !pane || pane.hidden) this.selectTask(taskKey);
    const row = runId === null ? null : this.content.querySelector<HTMLElement>(`[data-role="attempts"] tr[data-run-id="${runId}"]`);
    if (row && row.getAttribute("aria-current") !== "true") row.click();
  }

  /** Open a task's pane: its facts, attempts, parameters and output (`task_output`). */
  selectTask(taskKey: string, options: { reloadOutput?: boolean } = {}): void {
    const run = this.run;
    if (!run) return;
    const task = run.tasks.find((t) => t.task_key === taskKey);
    const pane = this.content.querySelector<HTMLElement>(".loom-runs-taskpane");
    if (!task || !pane) return;
    if (this.selectedTask === taskKey && options.reloadOutput !== false && !pane.hidden) {
      // A second click closes it.
      this.selectedTask = null;
      pane.hidden = true;
      for (const r of this.content.querySelectorAll(".loom-runs-gantt-row[aria-current]")) r.removeAttribute("aria-current");
      return;
    }
    this.selectedTask = taskKey;
    this.content.querySelectorAll<HTMLElement>(".loom-runs-gantt-row[data-task]").forEach((r) => {
      if (r.dataset.task === taskKey) r.setAttribute("aria-current", "true");
      else r.removeAttribute("aria-current");
    });
    const close = h("button", { type: "button", class: "loom-runs-x", "aria-label": "Close", "data-action": "close-task" }, svgIcon("close"));
    close.addEventListener("click", () => this.selectTask(taskKey));
    const mark = taskMark(task);
    const attempts = run.attempts.filter((a) => a.task_key === taskKey);
    const facts = h(
      "dl",
      { class: "loom-runs-facts loom-runs-facts-tight" },
      this.fact("Task run", task.run_id !== null ? String(task.run_id) : "—", undefined, "task-run-id"),
      this.fact("Started", formatTime(task.start_time)),
      this.liveFact("Duration", formatDuration(task.start_time && task.end_time ? task.end_time - task.start_time : null), this.liveFrom(task)),
      this.fact("Attempt", `${task.attempt_number + 1}${task.attempts > 1 ? ` · ${task.attempts} task runs` : ""}`),
      task.queue_duration ? this.fact("Queued", formatDuration(task.queue_duration)) : null,
      task.setup_duration ? this.fact("Setup", formatDuration(task.setup_duration)) : null,
      task.execution_duration ? this.fact("Execution", formatDuration(task.execution_duration)) : null,
      task.cleanup_duration ? this.fact("Cleanup", formatDuration(task.cleanup_duration)) : null,
    );
    const extras: (HTMLElement | null)[] = [];
    if (task.iterations) {
      const it = task.iterations;
      const pct = it.total ? (100 * it.done) / it.total : 0;
      extras.push(
        h(
          "div",
          { class: "loom-runs-iterations", "data-role": "iterations" },
          h("span", { class: "loom-runs-fact-label", text: "Iterations" }),
          h("div", { class: "loom-runs-minibar" }, h("span", { style: `width:${pct.toFixed(1)}%` })),
          h("span", { text: `${it.done} / ${it.total} done${it.failed ? ` · ${it.failed} failed` : ""}` }),
        ),
      );
      if (task.run_id !== null) extras.push(this.iterationList(task.run_id));
    }
    const childRunId = task.child_run_id;
    if (childRunId !== null) {
      const child = h("button", { type: "button", class: "loom-runs-link", "data-action": "open-child-run", text: `Run ${childRunId}` });
      child.addEventListener("click", () => this.handlers.open(childRunId));
      extras.push(h("div", { class: "loom-runs-kv" }, h("span", { class: "loom-runs-fact-label", text: "Child run" }), child));
    }
    const links = [
      externalLink("Task run in Databricks", task.run_page_url, { "data-action": "task-run-page" }),
      externalLink("Spark UI", task.spark_ui_url, { "data-action": "spark-ui", title: "The Spark UI of the cluster's context that ran this task run" }),
    ].filter((link): link is HTMLAnchorElement => link !== null);
    if (links.length) extras.push(h("div", { class: "loom-runs-links", "data-role": "task-links" }, links));
    const resolved = task.resolved_parameters;
    const resolvedBox = resolved && Object.keys(resolved).length ? h("details", { class: "loom-runs-more", open: true }, h("summary", { text: "Resolved parameters" }), this.valueTable(resolved)) : null;
    const output = h("div", { class: "loom-runs-output", "data-role": "task-output" });
    const attemptsBox = attempts.length > 1 ? this.attemptsTable(attempts, task, output) : null;
    const children: (Node | null)[] = [
      h("div", { class: "loom-runs-taskpane-head" }, h("div", { class: "loom-runs-taskpane-title", text: task.task_key }), close),
      h(
        "div",
        { class: "loom-runs-taskpane-state" },
        stateBadge(task.state),
        mark === "root-cause" ? h("span", { class: "loom-runs-tag loom-runs-tag-root", text: "root cause" }) : null,
        mark === "upstream-only" ? h("span", { class: "loom-runs-tag loom-runs-tag-upstream", text: "only failed upstream" }) : null,
      ),
      task.state_message ? h("div", { class: `loom-runs-message${stateTone(task.state) === "failed" ? " loom-runs-message-error" : ""}`, text: task.state_message }) : null,
      facts,
      ...extras,
      attemptsBox,
      resolvedBox,
      h("div", { class: "loom-runs-section-title", text: "Output" }),
      output,
    ];
    pane.replaceChildren(...children.filter((c): c is Node => c !== null));
    pane.hidden = false;
    if (options.reloadOutput === false && this.lastOutput && this.lastOutput.runId === task.run_id) {
      renderOutput(output, this.lastOutput.output);
    } else {
      void this.loadOutput(task, output);
    }
  }

  private lastOutput: { runId: number | null; output: TaskOutput } | null = null;
  private iterations: IterationsList | null = null;
  private iterationsOf: number | null = null;

  /** The iterations of a for_each task run, read again (same page, same choice) on a re-read. */
  private iterationList(taskRunId: number): HTMLElement {
    if (!this.iterations || this.iterationsOf !== taskRunId) {
      this.iterations = new IterationsList(this.ctx, this.clock, taskRunId);
      this.iterationsOf = taskRunId;
    }
    void this.iterations.load();
    return this.iterations.element;
  }

  /** Every task run of a task: its attempt, repair, state, time; a click shows its output. */
  private attemptsTable(attempts: TaskRunView[], latest: TaskRunView, output: HTMLElement): HTMLElement {
    const rows = attempts.map((a) => {
      const row = h(
        "tr",
        { class: "loom-runs-attempt", "data-run-id": a.run_id ?? "", "aria-current": a.run_id === latest.run_id ? "true" : null, tabindex: 0, title: "Show this task run's output" },
        h("td", { text: `#${a.attempt_number + 1}` }),
        h("td", {}, a.repair_id !== null ? h("span", { class: "loom-runs-tag", "data-role": "repair-tag", text: `repair ${a.repair_id}` }) : null),
        h("td", {}, stateBadge(a.state)),
        h("td", { class: "loom-runs-time", text: formatTime(a.start_time) }),
        this.liveText(h("td", { class: "loom-runs-num", text: formatDuration(a.start_time && a.end_time ? a.end_time - a.start_time : null) }), this.liveFrom(a)),
      );
      const choose = () => {
        for (const r of row.parentElement?.children ?? []) r.removeAttribute("aria-current");
        row.setAttribute("aria-current", "true");
        void this.loadOutput(a, output);
        // A for_each task run of an earlier attempt or repair lists its own iterations.
        const shown = this.iterations?.element;
        if (latest.iterations && a.run_id !== null && shown?.isConnected && this.iterationsOf !== a.run_id) shown.replaceWith(this.iterationList(a.run_id));
      };
      row.addEventListener("click", choose);
      row.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          choose();
        }
      });
      return row;
    });
    return h(
      "details",
      { class: "loom-runs-more", "data-role": "attempts" },
      h("summary", { text: `All task runs (${attempts.length}): retries and repairs` }),
      h("table", { class: "loom-runs-table loom-runs-table-tight" }, h("tbody", {}, rows)),
    );
  }

  private async loadOutput(task: TaskRunView, box: HTMLElement): Promise<void> {
    const runId = task.run_id;
    if (runId === null) {
      box.replaceChildren(h("div", { class: "loom-runs-muted", text: "This task did not run: no output." }));
      return;
    }
    const generation = ++this.outputGeneration;
    box.replaceChildren(spinner("Loading the output…"));
    const reply = await ask<OutputReply>(() => this.ctx.request<OutputReply>({ kind: "task_output", request_id: this.ctx.nextId(), run_id: runId }));
    if (generation !== this.outputGeneration) return;
    if (reply.error) {
      box.replaceChildren(errorBox(reply.error, () => void this.loadOutput(task, box)));
      return;
    }
    const output = reply.output;
    if (!output) {
      box.replaceChildren(errorBox("No output came back.", () => void this.loadOutput(task, box)));
      return;
    }
    this.lastOutput = { runId: task.run_id, output };
    renderOutput(box, output);
  }

  private valueTable(values: Record<string, unknown>): HTMLElement {
    return h(
      "table",
      { class: "loom-runs-table loom-runs-table-tight", "data-role": "resolved-parameters" },
      h("tbody", {}, Object.entries(values).map(([k, v]) => h("tr", {}, h("td", { class: "loom-runs-mono", text: k }), h("td", { class: "loom-runs-mono", text: typeof v === "string" ? v : JSON.stringify(v) })))),
    );
  }
}

// The jobs list mounted in jsdom with a stand-in for the widget's model: what the browser tests
// share (a model that records what the view sends, rows and runs to show).
import type { RenderProps } from "@anywidget/types";
import browser from "../src/browser/index";
import type { FromPython, JobRow, JobsBrowserModel, RunSummary, ToPython } from "../src/browser/protocol";

export class FakeModel {
  sent: ToPython[] = [];
  handlers = new Map<string, ((...args: unknown[]) => void)[]>();
  traits: Record<string, unknown> = { workspace_label: "local workspace", status: { level: "", text: "" } };
  get(name: string) {
    return this.traits[name];
  }
  set(name: string, value: unknown) {
    this.traits[name] = value;
  }
  save_changes() {}
  send(message: ToPython) {
    this.sent.push(message);
  }
  on(name: string, cb: (...args: unknown[]) => void) {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), cb]);
  }
  off(name: string, cb: (...args: unknown[]) => void) {
    this.handlers.set(name, (this.handlers.get(name) ?? []).filter((f) => f !== cb));
  }
  /** A trait Python changed: set, then `change:<name>` told. */
  change(name: string, value: unknown) {
    this.traits[name] = value;
    for (const cb of this.handlers.get(`change:${name}`) ?? []) cb();
  }
  emit(message: FromPython) {
    for (const cb of this.handlers.get("msg:custom") ?? []) cb(message);
  }
}

export function run(runId: number, more: Partial<RunSummary> = {}): RunSummary {
  return { run_id: runId, state: "failed", label: "Failed", start_time: Date.now() - 60_000, end_time: Date.now(), url: null, opens_in_editor: false, ...more };
}

export function row(jobId: number, lastRun: RunSummary | null): JobRow {
  return {
    job_id: jobId,
    name: `job ${jobId}`,
    tasks: 1,
    creator: "ana@example.com",
    created_time: null,
    tags: {},
    trigger: { kind: "none", paused: false, pausable: false, text: "None" },
    last_run: lastRun,
  };
}

export function mount(rows: JobRow[]) {
  const model = new FakeModel();
  const el = document.createElement("div");
  document.body.append(el);
  const props = { model, el, experimental: {} } as unknown as RenderProps<JobsBrowserModel>;
  browser.render(props);
  model.emit({
    kind: "page",
    request_id: null,
    query: { search: "", owner: "", tag: "", state: "" },
    offset: 0,
    limit: 25,
    rows,
    has_more: false,
    total: rows.length,
    known: rows.length,
    owners: [],
    me: null,
  });
  const cell = (jobId: number) => el.querySelector<HTMLElement>(`tr[data-job-id="${jobId}"] td:nth-child(3)`)!;
  return { model, el, cell };
}

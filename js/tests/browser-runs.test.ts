// @vitest-environment jsdom
// The jobs list's Last run column: a local workspace's run opens in the editor's run view (an
// `open_run` action), another workspace's on its own page in a new tab, a run with neither is
// plain text.
import { beforeEach, describe, expect, it } from "vitest";
import type { RenderProps } from "@anywidget/types";
import browser from "../src/browser/index";
import type { FromPython, JobRow, JobsBrowserModel, RunSummary, ToPython } from "../src/browser/protocol";

class FakeModel {
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
  emit(message: FromPython) {
    for (const cb of this.handlers.get("msg:custom") ?? []) cb(message);
  }
}

function run(runId: number, more: Partial<RunSummary> = {}): RunSummary {
  return { run_id: runId, state: "failed", label: "Failed", start_time: Date.now() - 60_000, end_time: Date.now(), url: null, opens_in_editor: false, ...more };
}

function row(jobId: number, lastRun: RunSummary | null): JobRow {
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

function mount(rows: JobRow[]) {
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

beforeEach(() => {
  document.body.replaceChildren();
});

describe("the Last run column", () => {
  it("opens a local workspace's run in the editor below, never a loopback tab", () => {
    const m = mount([row(7, run(70, { opens_in_editor: true })), row(8, run(80))]);
    const open = m.cell(7).querySelector<HTMLButtonElement>('button[data-action="open_run"]')!;
    expect(open).not.toBeNull();
    expect(open.dataset.runId).toBe("70");
    expect(open.textContent).toContain("Failed");
    expect(m.cell(7).querySelector("a")).toBeNull();
    open.click();
    expect(m.model.sent.at(-1)).toEqual({ kind: "action", action: "open_run", job_id: 7, run_id: 70, request_id: expect.any(Number) });
    // Busy until Python answers: a second click sends nothing.
    const count = m.model.sent.length;
    m.cell(7).querySelector<HTMLButtonElement>('button[data-action="open_run"]')!.click();
    expect(m.model.sent.length).toBe(count);
    m.model.emit({ kind: "action_done", request_id: 2, action: "open_run", job_id: 7, text: "Run 70 is open below.", run_id: 70 });
    expect(m.cell(7).querySelector<HTMLButtonElement>('button[data-action="open_run"]')!.disabled).toBe(false);
  });

  it("links another workspace's run to its page, in a new tab", () => {
    const page = "https://adb-1.2.azuredatabricks.net/?o=1#job/8/run/80";
    const m = mount([row(8, run(80, { url: page })), row(9, run(90, { url: "http://127.0.0.1:8123/?o=1#job/9/run/90" })), row(10, null)]);
    const link = m.cell(8).querySelector<HTMLAnchorElement>('a[data-action="run-page"]')!;
    expect(link.getAttribute("href")).toBe(page);
    expect(link.target).toBe("_blank");
    expect(link.rel).toBe("noopener noreferrer");
    expect(m.cell(8).querySelector('[data-action="open_run"]')).toBeNull();
    // A link that leads nowhere is not drawn, nor is a button for it.
    expect(m.cell(9).querySelector("a, button")).toBeNull();
    expect(m.cell(9).textContent).toContain("Failed");
    expect(m.cell(10).textContent).toBe("Never run");
  });
});

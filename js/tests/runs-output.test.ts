// @vitest-environment jsdom
// A task run's output as the run detail shows it, and which links out lead somewhere (the Runs
// tab's and the jobs list's).
import { describe, expect, it } from "vitest";
import browser from "../src/browser/index";
import type { FromPython as BrowserMessage, JobRow } from "../src/browser/protocol";
import type { TaskOutput } from "../src/editor/protocol";
import { openableHref } from "../src/editor/runs/links";
import { outputParts, renderOutput } from "../src/editor/runs/output";

function output(extra: Partial<TaskOutput> = {}): TaskOutput {
  return {
    run_id: 11, task_key: "nb", task_type: "notebook_task", state: "SUCCESS", ended: true, notebook_result: null, notebook_result_truncated: false,
    error: null, error_trace: null, logs: null, logs_truncated: false, other: {}, exported_views: null, export_error: null, export_local: false, ...extra,
  };
}

function shown(value: TaskOutput): HTMLElement {
  const box = document.createElement("div");
  renderOutput(box, value);
  return box;
}

describe("links out", () => {
  it("leads somewhere or is not given", () => {
    const page = "https://adb-1.2.azuredatabricks.net/?o=1#job/5/run/7";
    expect(openableHref(page)).toBe(page);
    expect(openableHref("https://359440087090042.2.gcp.databricks.com/?o=3#job/1/run/2")).not.toBeNull();
    for (const nowhere of [null, undefined, "", "#", "[RUN_URL]", "***/?o=2#job/6/run/8", "javascript:alert(1)", "http://127.0.0.1:8123/?o=1#job/1/run/2", "http://localhost/x", "http://[::1]:9/x", "http://0.0.0.0:1/"]) {
      expect(openableHref(nowhere), String(nowhere)).toBeNull();
    }
  });
});

describe("task output", () => {
  it("offers a workspace's exported notebook, drawn with its scripts in a frame of its own", () => {
    const content = "<html><script>window.__STATIC_SETTINGS__ = {}</script><body>rows 42</body></html>";
    const box = shown(output({ exported_views: [{ name: "nb", type: "NOTEBOOK", content }], export_local: false, notebook_result: "done" }));
    expect(box.querySelector("iframe")).toBeNull(); // drawn on demand: it loads Databricks' scripts
    box.querySelector<HTMLButtonElement>("[data-action=show-notebook-export]")?.click();
    const frame = box.querySelector<HTMLIFrameElement>("iframe[data-role=notebook-export]");
    expect(frame?.getAttribute("srcdoc")).toBe(content);
    // Scripts run, without the page's origin: no allow-same-origin, no top navigation.
    expect(frame?.getAttribute("sandbox")).toBe("allow-scripts");
    expect(box.querySelector("[data-output=result] pre")?.textContent).toBe("done");
  });
  it("never says 'No output.' of a notebook that may have printed", () => {
    const failed = shown(output({ export_error: "Could not export run 11: timed out", state: "FAILED", error: "ValueError: x" }));
    expect(failed.querySelector("[data-role=printed-missing]")?.textContent).toContain("timed out");
    expect(failed.querySelector("[data-output=error] pre")?.textContent).toBe("ValueError: x");
    const running = shown(output({ ended: false, state: "RUNNING" }));
    expect(running.querySelector("[data-role=printed-missing]")?.textContent).toContain("once the task run has ended");
    expect(running.textContent).not.toContain("No output.");
  });
  it("shows logs, other output, and 'No output.' only when there is none", () => {
    const python = shown(output({ task_type: "spark_python_task", logs: "loaded 3 rows\n", logs_truncated: true }));
    expect(python.querySelector("[data-output=logs] pre")?.textContent).toBe("loaded 3 rows\n");
    expect(python.querySelector("[data-output=logs]")?.textContent).toContain("truncated");
    expect(python.querySelector("[data-output=printed]")).toBeNull();
    const sql = shown(output({ task_type: "sql_task", other: { sql_output: { query_output: { output_link: "x" } } } }));
    expect(JSON.parse(sql.querySelector("[data-output=other] pre")?.textContent ?? "{}")).toEqual({ sql_output: { query_output: { output_link: "x" } } });
    const nothing = outputParts(output({ task_type: "condition_task" }));
    expect(nothing.map((p) => p.textContent)).toEqual(["No output."]);
  });
});

describe("the jobs list's last run", () => {
  function row(jobId: number, url: string | null): JobRow {
    return {
      job_id: jobId, name: `job ${jobId}`, tasks: 1, creator: null, created_time: null, tags: {},
      trigger: { kind: "none", paused: false, pausable: false, text: "None" },
      last_run: { run_id: 100 + jobId, state: "succeeded", label: "Succeeded", start_time: 1_750_000_000_000, end_time: 1_750_000_060_000, url },
    };
  }
  it("links to the run's page only when a tab can open it", () => {
    const listeners: Record<string, ((message: unknown) => void)[]> = {};
    const model = {
      get: (name: string) => ({ workspace_label: "workspace", status: { level: "", text: "" } })[name as "status"],
      set: () => {},
      save_changes: () => {},
      send: () => {},
      on: (event: string, listener: (message: unknown) => void) => {
        listeners[event] = [...(listeners[event] ?? []), listener];
      },
      off: () => {},
    };
    const el = document.createElement("div");
    document.body.append(el);
    // biome-ignore lint/suspicious/noExplicitAny: a fake anywidget model
    (browser.render as (props: { model: any; el: HTMLElement }) => unknown)({ model, el });
    const page = "https://adb-1.2.azuredatabricks.net/?o=1#job/1/run/101";
    const message: BrowserMessage = {
      kind: "page", request_id: null, query: { search: "", owner: "", tag: "", state: "" }, offset: 0, limit: 25,
      rows: [row(1, page), row(2, null), row(3, "http://127.0.0.1:4000/?o=1#job/3/run/103")], has_more: false, total: 3, known: 3, owners: [], me: null,
    };
    for (const listener of listeners["msg:custom"] ?? []) listener(message);
    const links = (jobId: number) => [...el.querySelectorAll<HTMLAnchorElement>(`tr[data-job-id="${jobId}"] a[data-action=run-page]`)];
    expect(links(1).map((a) => a.getAttribute("href"))).toEqual([page]);
    expect(links(1)[0].target).toBe("_blank");
    expect(links(2)).toEqual([]);
    expect(links(3)).toEqual([]);
    expect(el.querySelector('tr[data-job-id="3"] .loom-jb-run')).not.toBeNull();
  });
});

// @vitest-environment jsdom
// The jobs list follows Python: a `rows` message replaces the rows it names (a run that ended, a
// job saved elsewhere) but not a row waiting for its own action; the view tells Python whether
// it is seen (a hidden tab, a removed view), so that Python polls only for a seen list.
import { beforeEach, describe, expect, it } from "vitest";
import type { RenderProps } from "@anywidget/types";
import browser from "../src/browser/index";
import type { JobsBrowserModel } from "../src/browser/protocol";
import { FakeModel, mount, row, run } from "./browser-fixture";

beforeEach(() => {
  document.body.replaceChildren();
  Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true });
});

describe("live rows", () => {
  it("replaces the rows a rows message names", () => {
    const m = mount([row(7, run(70, { state: "running", label: "Running" })), row(8, null)]);
    expect(m.el.querySelector('tr[data-job-id="7"]')!.getAttribute("data-run-state")).toBe("running");
    m.model.emit({ kind: "rows", rows: [{ ...row(7, run(70, { state: "succeeded", label: "Succeeded" })), name: "renamed" }] });
    const tr = m.el.querySelector('tr[data-job-id="7"]')!;
    expect(tr.getAttribute("data-run-state")).toBe("succeeded");
    expect(tr.querySelector(".loom-jb-name-link")!.textContent).toBe("renamed");
    expect(m.cell(7).textContent).toContain("Succeeded");
    expect(m.el.querySelectorAll("tbody tr").length).toBe(2);
  });

  it("leaves a row waiting for its own action to that action's answer", () => {
    const m = mount([row(7, null)]);
    m.el.querySelector<HTMLButtonElement>('tr[data-job-id="7"] [data-action="run_now"]')!.click();
    m.model.emit({ kind: "rows", rows: [{ ...row(7, null), name: "elsewhere" }] });
    expect(m.el.querySelector('tr[data-job-id="7"] .loom-jb-name-link')!.textContent).toBe("job 7");
    expect(m.el.querySelector('tr[data-job-id="7"]')!.getAttribute("data-busy")).toBe("true");
  });

  it("tells Python when its tab is hidden and shown again, and when it is removed", () => {
    const model = new FakeModel();
    const el = document.createElement("div");
    document.body.append(el);
    const props = { model, el, experimental: {} } as unknown as RenderProps<JobsBrowserModel>;
    const cleanup = browser.render(props) as unknown as () => void;
    const shown = () => model.sent.filter((m) => m.kind === "visibility").map((m) => (m as { visible: boolean }).visible);
    expect(shown()).toEqual([true]);
    Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
    Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
    cleanup();
    expect(shown()).toEqual([true, false, true, false]);
    const ids = new Set(model.sent.filter((m) => m.kind === "visibility").map((m) => (m as { view_id: string }).view_id));
    expect(ids.size).toBe(1);
  });

  it("says the same status again: the line empties and fills on the next frame", async () => {
    const m = mount([row(7, null)]);
    const line = m.el.querySelector(".loom-jb-status")!;
    m.model.change("status", { level: "info", text: "Saved job 7.", serial: 1 });
    expect(line.textContent).toBe("Saved job 7.");
    m.model.change("status", { level: "info", text: "Saved job 7.", serial: 2 });
    expect(line.textContent).toBe("");
    await new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
    expect(line.textContent).toBe("Saved job 7.");
  });
});

// @vitest-environment jsdom
// The jobs list's Last run column: a local workspace's run opens in the editor's run view (an
// `open_run` action), another workspace's on its own page in a new tab, a run with neither is
// plain text.
import { beforeEach, describe, expect, it } from "vitest";
import { mount, row, run } from "./browser-fixture";

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

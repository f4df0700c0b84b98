// @vitest-environment jsdom
// A picker's long list goes on below its "More…" entry; an empty list and no match say so.
import { afterEach, describe, expect, it } from "vitest";
import { openList, type ListItem } from "../src/editor/forms/popup";

const flushMicro = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  document.body.replaceChildren();
});

function open(load: (state: { query: string; page?: string }) => Promise<ListItem[]>, chosen: ListItem[] = []): HTMLElement {
  const host = document.createElement("div");
  const input = document.createElement("input");
  document.body.append(host, input);
  openList(
    host,
    { title: "Choose query", serverFilter: true, emptyText: "No SQL queries in this workspace.", noMatchText: (q) => `No SQL queries match “${q}”.`, load },
    (item) => chosen.push(item),
    input,
    () => undefined,
  );
  return host;
}

const labels = (host: HTMLElement) => Array.from(host.querySelectorAll(".loom-f-popup-label")).map((e) => e.textContent);
const status = (host: HTMLElement) => host.querySelector(".loom-f-popup-status")?.textContent;

describe("a picker's pages", () => {
  it("loads the next page below the first in place of its More…", async () => {
    const pages: (string | undefined)[] = [];
    const chosen: ListItem[] = [];
    const host = open(async ({ page }) => {
      pages.push(page);
      return page === undefined
        ? [{ value: "q1", label: "Daily" }, { value: "next-1", label: "More…", more: true }]
        : [{ value: "q2", label: "Weekly" }];
    }, chosen);
    await flushMicro();
    expect(labels(host)).toEqual(["Daily", "More…"]);
    (host.querySelectorAll(".loom-f-popup-item")[1] as HTMLElement).click();
    await flushMicro();
    expect(pages).toEqual([undefined, "next-1"]);
    expect(labels(host)).toEqual(["Daily", "Weekly"]);
    expect(chosen).toEqual([]);
    (host.querySelectorAll(".loom-f-popup-item")[1] as HTMLElement).click();
    expect(chosen.map((c) => c.value)).toEqual(["q2"]);
  });

  it("says the workspace has none, or that none matches what was typed", async () => {
    const host = open(async () => []);
    await flushMicro();
    expect(status(host)).toBe("No SQL queries in this workspace.");
    const filter = host.querySelector<HTMLInputElement>(".loom-f-popup-filter")!;
    filter.value = "rev";
    filter.dispatchEvent(new Event("input"));
    await new Promise((r) => setTimeout(r, 260));
    expect(status(host)).toBe("No SQL queries match “rev”.");
  });

  it("shows Python's reason when the list failed, without a prefix on a sentence", async () => {
    const host = open(async () => {
      throw new Error("Could not list the SQL queries of http://x: Invalid page token.");
    });
    await flushMicro();
    expect(status(host)).toBe("Could not list the SQL queries of http://x: Invalid page token.");
  });
});

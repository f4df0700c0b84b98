// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { listedFolder, openList, type ListItem } from "../src/editor/forms/popup";

const flushMicro = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  document.body.replaceChildren();
});

describe("listedFolder", () => {
  it("is the folder of the entries, else the one below '..' towards the folder asked for", () => {
    const up = { value: "/Users", label: "..", isDir: true };
    expect(listedFolder([up, { value: "/Users/me/nb", label: "nb" }], "/Users/me/gone")).toBe("/Users/me");
    expect(listedFolder([up], "/Users/me/gone/deeper")).toBe("/Users/me");
    expect(listedFolder([{ value: "/Workspace", label: "Workspace", isDir: true }], "/nothing")).toBe("/");
    expect(listedFolder([], undefined)).toBeUndefined();
  });
});

describe("a browse popup", () => {
  it("shows the source's one '..' and the folder it really listed", async () => {
    const host = document.createElement("div");
    const input = document.createElement("input");
    document.body.append(host, input);
    const asked: (string | undefined)[] = [];
    const listing: Record<string, ListItem[]> = {
      "/Users/me/gone": [
        { value: "/Users", label: "..", isDir: true },
        { value: "/Users/me/etl", label: "etl" },
      ],
      "/Users": [
        { value: "/", label: "..", isDir: true },
        { value: "/Users/me", label: "me", isDir: true },
      ],
      "/": [{ value: "/Users", label: "Users", isDir: true }],
    };
    openList(host, { title: "Choose notebook", serverFilter: false, browse: true, initialPath: "/Users/me/gone", load: async ({ path }) => {
      asked.push(path);
      return listing[path ?? ""] ?? [];
    } }, () => undefined, input, () => undefined);
    await flushMicro();
    const labels = () => Array.from(host.querySelectorAll(".loom-f-popup-label")).map((e) => e.textContent);
    const where = () => host.querySelector<HTMLElement>(".loom-f-popup-where")!.textContent;
    expect(labels()).toEqual(["..", "etl"]);
    expect(where()).toBe("/Users/me");
    (host.querySelector(".loom-f-popup-item") as HTMLElement).click();
    await flushMicro();
    expect(asked.at(-1)).toBe("/Users");
    expect(labels().filter((l) => l === "..")).toHaveLength(1);
    (host.querySelector(".loom-f-popup-item") as HTMLElement).click();
    await flushMicro();
    expect(asked.at(-1)).toBe("/");
    expect(labels()).toEqual(["Users"]);
    expect(where()).toBe("/");
  });
});

// @vitest-environment jsdom
// The editor's header and status messages: a status is one toast (never a line that moves the
// canvas), a message that also came as its own message is not shown twice, and the title's box
// is sized from the name. The canvas is a stub (jsdom draws nothing).
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("../src/editor/canvas", () => {
  class EditorCanvas {
    onDrawn: unknown = null;
    onRendered: unknown = null;
    focusActive = false;
    timings = { definitions: 0, add: 0 };
    selectedTasks() {
      return [];
    }
    selectedEdges() {
      return [];
    }
    setSelection() {}
    clearSelection() {}
    reset() {}
    applyDiff() {}
    search() {
      return 0;
    }
    nextMatch() {
      return null;
    }
    setTheme() {}
    zoomBy() {}
    zoomToFit() {}
    destroy() {}
  }
  return { EditorCanvas, taskIcon: () => "" };
});

import editor from "../src/editor/index";
import type { RenderProps } from "@anywidget/types";
import type { FromPython, JobEditorModel, ToPython } from "../src/editor/protocol";

class FakeModel {
  handlers = new Map<string, ((...args: unknown[]) => void)[]>();
  traits: Record<string, unknown>;
  constructor(traits: Record<string, unknown> = {}) {
    this.traits = {
      title: "etl",
      job_id: 6,
      workspace_label: "local workspace",
      selected: [],
      dirty: false,
      counts: { tasks: 0, errors: 0, warnings: 0 },
      status: { level: "", text: "" },
      ...traits,
    };
  }
  get(name: string) {
    return this.traits[name];
  }
  set(name: string, value: unknown) {
    this.traits[name] = value;
    for (const cb of this.handlers.get(`change:${name}`) ?? []) cb();
  }
  save_changes() {}
  send(_message: ToPython) {}
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

function mount(traits: Record<string, unknown> = {}) {
  const model = new FakeModel(traits);
  const el = document.createElement("div");
  document.body.append(el);
  editor.render({ model, el, experimental: {} } as unknown as RenderProps<JobEditorModel>);
  const root = el.querySelector<HTMLElement>(".loom-je")!;
  const toasts = () => Array.from(root.querySelectorAll<HTMLElement>(".loom-je-toast"));
  const texts = () => toasts().map((t) => t.querySelector(".loom-je-toast-text")!.textContent);
  return { model, root, toasts, texts };
}

const CYCLE = "A dependency of ingest on report would make a cycle: ingest → transform → report → ingest.";

beforeEach(() => {
  document.body.replaceChildren();
});

describe("status messages", () => {
  it("show a status once, as a toast with a live role, never as a header line", () => {
    const m = mount();
    m.model.set("status", { level: "success", text: "Saved job 6." });
    expect(m.texts()).toEqual(["Saved job 6."]);
    expect(m.toasts()[0].getAttribute("role")).toBe("status");
    expect(m.root.querySelector(".loom-je-header")!.textContent).not.toContain("Saved job 6.");
    expect(m.root.querySelector(".loom-je-status")).toBeNull();
  });

  it("show a refused edit once, whichever of its message and its status comes first", () => {
    const m = mount();
    m.model.emit({ kind: "edit_error", message: CYCLE, task_key: null, field: null } as FromPython);
    m.model.set("status", { level: "error", text: CYCLE });
    expect(m.texts()).toEqual([CYCLE]);
    expect(m.toasts()[0].getAttribute("role")).toBe("alert");

    const n = mount();
    n.model.set("status", { level: "error", text: CYCLE });
    n.model.emit({ kind: "edit_error", message: CYCLE, task_key: null, field: null } as FromPython);
    expect(n.texts()).toEqual([CYCLE]);
  });

  it("show a save once (its message and its status say the same)", () => {
    const m = mount();
    m.model.emit({ kind: "saved", job_id: 6, message: "Saved job 6." } as FromPython);
    m.model.set("status", { level: "success", text: "Saved job 6." });
    expect(m.texts()).toEqual(["Saved job 6."]);
  });

  it("show a warning from before the view, not an old save", () => {
    expect(mount({ status: { level: "info", text: "This job is deployed by a bundle." } }).texts()).toEqual([
      "This job is deployed by a bundle.",
    ]);
    expect(mount({ status: { level: "success", text: "Saved job 6." } }).texts()).toEqual([]);
  });

  it("ignore an empty status", () => {
    const m = mount();
    m.model.set("status", { level: "", text: "" });
    expect(m.toasts()).toEqual([]);
  });
});

describe("the title", () => {
  it("sizes its box from the whole name and shows it in the tooltip", () => {
    const name = "nightly etl of every regional warehouse with a long descriptive name";
    const m = mount({ title: name });
    const input = m.root.querySelector<HTMLInputElement>(".loom-je-title")!;
    const box = m.root.querySelector<HTMLElement>(".loom-je-title-box")!;
    expect(input.value).toBe(name);
    expect(input.style.width).toBe("");
    expect(box.dataset.value).toBe(name);
    expect(input.title).toContain(name);
    expect(input.getAttribute("aria-label")).toBe("Job name");
    m.model.set("title", "short");
    expect(box.dataset.value).toBe("short");
  });

  it("follows what is typed, and sizes an empty one from its placeholder", () => {
    const m = mount({ title: "" });
    const input = m.root.querySelector<HTMLInputElement>(".loom-je-title")!;
    const box = m.root.querySelector<HTMLElement>(".loom-je-title-box")!;
    expect(box.dataset.value).toBe("Untitled job");
    input.value = "typed name";
    input.dispatchEvent(new Event("input"));
    expect(box.dataset.value).toBe("typed name");
  });
});

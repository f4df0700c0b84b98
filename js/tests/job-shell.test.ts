// @vitest-environment jsdom
// The editor's shell with the job tabs: the canvas is replaced by a stub (jsdom draws nothing).
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("../src/editor/canvas", () => {
  class EditorCanvas {
    onDrawn: unknown = null;
    onRendered: unknown = null;
    focusActive = false;
    pendingReset = false;
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
    setFocus() {
      return 0;
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
  sent: ToPython[] = [];
  handlers = new Map<string, ((...args: unknown[]) => void)[]>();
  traits: Record<string, unknown> = {
    title: "etl",
    job_id: 1,
    workspace_label: "local workspace",
    selected: [],
    dirty: false,
    can_undo: true,
    can_redo: false,
    undo_label: "",
    redo_label: "",
    counts: { tasks: 0, errors: 0, warnings: 0 },
    status: { level: "", text: "" },
  };
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

function mount() {
  const model = new FakeModel();
  const el = document.createElement("div");
  document.body.append(el);
  const props = { model, el, experimental: {} } as unknown as RenderProps<JobEditorModel>;
  const cleanup = editor.render(props);
  const root = el.querySelector<HTMLElement>(".loom-je")!;
  const tab = (id: string) => root.querySelector<HTMLButtonElement>(`.loom-je-tab[data-tab="${id}"]`)!;
  const kinds = () => model.sent.map((m) => m.kind);
  return { model, el, root, tab, kinds, cleanup };
}

const JOB: FromPython = {
  kind: "job",
  settings: { name: "etl", parameters: [{ name: "a", default: "1" }] },
  trigger: { kind: "none", pause_status: null, spec: null, note: null },
  task_keys: [],
  job_clusters_in_use: {},
  environments_in_use: {},
};

beforeEach(() => {
  document.body.replaceChildren();
});

describe("the shell's tabs", () => {
  it("starts on Tasks and asks for the job once", () => {
    const m = mount();
    expect(m.root.dataset.tab).toBe("tasks");
    expect(m.kinds()).toEqual(["ready"]);
    m.tab("details").click();
    expect(m.root.dataset.tab).toBe("details");
    m.tab("parameters").click();
    m.tab("tasks").click();
    m.tab("notifications").click();
    expect(m.kinds().filter((k) => k === "job")).toHaveLength(1);
    expect(m.root.dataset.tab).toBe("notifications");
  });

  it("draws the job tabs from `job`, their problems from `problems`", () => {
    const m = mount();
    m.tab("parameters").click();
    m.model.emit(JOB);
    const name = m.root.querySelector<HTMLInputElement>('.loom-je-jobpanel[data-tab="parameters"] [data-part="name"]')!;
    expect(name.value).toBe("a");
    m.model.emit({ kind: "problems", task_key: null, problems: [], job: [{ code: "x", severity: "error", message: "bad name", task_key: null, field: "parameters[0].name", path: ["parameters", 0, "name"] }] });
    expect(m.root.querySelector('.loom-je-jobpanel[data-tab="parameters"] .loom-f-param-msgs')?.textContent).toContain("bad name");
    expect(m.tab("parameters").querySelector(".loom-je-tab-badge")?.textContent).toBe("1");
    // The header's job problem list sends a click to the problem's tab.
    m.tab("tasks").click();
    m.root.querySelector<HTMLElement>('.loom-je-problem[data-tab="parameters"]')!.click();
    expect(m.root.dataset.tab).toBe("parameters");
  });

  it("edits from a job tab are set_job_field; undo flushes the tab first", () => {
    vi.useFakeTimers();
    try {
      const m = mount();
      m.tab("parameters").click();
      m.model.emit(JOB);
      const value = m.root.querySelector<HTMLInputElement>('.loom-je-jobpanel[data-tab="parameters"] [data-part="default"]')!;
      value.focus();
      value.value = "2";
      value.dispatchEvent(new Event("input", { bubbles: true }));
      m.root.querySelector<HTMLButtonElement>('.loom-je-toolbar [data-action="undo"]')!.click();
      const tail = m.model.sent.slice(-2);
      expect(tail[0]).toMatchObject({ kind: "edit", op: "set_job_field", path: ["parameters"], value: [{ name: "a", default: "2" }] });
      expect(tail[1]).toEqual({ kind: "undo" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps the canvas's shortcuts off the job tabs", () => {
    const m = mount();
    m.tab("details").click();
    const before = m.model.sent.length;
    m.root.dispatchEvent(new KeyboardEvent("keydown", { key: "n", bubbles: true }));
    expect(m.model.sent.length).toBe(before);
    m.root.dispatchEvent(new KeyboardEvent("keydown", { key: "z", ctrlKey: true, bubbles: true }));
    expect(m.model.sent.at(-1)).toEqual({ kind: "undo" });
  });

  it("routes `permissions` to the Permissions tab and replies by request_id", async () => {
    const m = mount();
    m.tab("permissions").click();
    m.model.emit({ kind: "permissions", loaded: null, grants: [], problems: [], levels: { user_name: [], group_name: [], service_principal_name: [] } });
    // A reply nobody waits for is dropped without error.
    m.model.emit({ kind: "time_zones", request_id: 999, zones: [] });
    expect(m.root.dataset.tab).toBe("permissions");
  });

  it("the header's rename reaches the Details tab", () => {
    const m = mount();
    m.tab("details").click();
    m.model.emit(JOB);
    const title = m.root.querySelector<HTMLInputElement>(".loom-je-title")!;
    title.focus();
    title.value = "nightly";
    title.dispatchEvent(new Event("blur"));
    expect(m.model.sent.at(-1)).toMatchObject({ kind: "edit", op: "set_job_field", path: ["name"], value: "nightly" });
    expect(m.root.querySelector<HTMLInputElement>('.loom-je-jobpanel[data-tab="details"] [data-path="name"] input')!.value).toBe("nightly");
  });
});

// @vitest-environment jsdom
// Every task of the real-world corpus renders, round-trips its values into the DOM, and a
// render / update / flush cycle sends no edit at all (the forms never touch what was not edited).
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderSections, taskSections } from "../src/editor/forms";
import type { FormContext } from "../src/editor/forms";
import type { JsonPath } from "../src/editor/protocol";

const dir = join(dirname(fileURLToPath(import.meta.url)), "../../tests/data/jobs_corpus");
const tasks: { name: string; task: Record<string, unknown> }[] = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
  const doc = JSON.parse(readFileSync(`${dir}/${file}`, "utf8"));
  const list = (doc.settings?.tasks ?? []) as Record<string, unknown>[];
  // the big generated jobs repeat one shape: a few tasks per file are enough
  list.slice(0, 4).forEach((task, i) => {
    tasks.push({ name: `${file}#${i}`, task });
  });
}

describe("corpus", () => {
  it("has tasks", () => expect(tasks.length).toBeGreaterThan(100));

  it("renders every task without sending anything", { timeout: 60000 }, () => {
    for (const { name, task } of tasks) {
      const changes: [JsonPath, unknown][] = [];
      const ctx: FormContext = { change: (p, v) => changes.push([p, v]), pick: async () => [], references: async () => [], taskKeys: () => ["a", "b"] };
      const container = document.createElement("div");
      document.body.append(container);
      const handle = renderSections(container, taskSections(task), task, ctx);
      handle.update(JSON.parse(JSON.stringify(task)));
      handle.showProblems([{ code: "x", severity: "error", message: "m", task_key: null, field: null, path: ["depends_on", 0, "task_key"] }]);
      handle.flush();
      expect(changes, name).toEqual([]);
      const nb = (task.notebook_task as { notebook_path?: string } | undefined)?.notebook_path;
      if (typeof nb === "string") {
        const input = container.querySelector<HTMLInputElement>('[data-path="notebook_task.notebook_path"] input')!;
        expect(input.value, name).toBe(nb);
      }
      handle.destroy();
      container.remove();
    }
  });
});

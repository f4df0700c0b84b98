// renderSections: draws the sections, keeps their values in step with the task, shows problems.
import type { JsonPath, Problem } from "../protocol";
import type { FormContext, FormHandle, SectionSpec } from "./types";
import { createView } from "./factory";
import type { Env, View } from "./view";
import { h, uid } from "../dom";
import { getPath, isPrefix, jsonEqual, pathKey, samePath, setPath } from "./paths";
import { taskSections } from "./spec";

function signature(sections: SectionSpec[]): string {
  return JSON.stringify(sections.map((s) => [s.id, s.title, s.fields.map((f) => [f.kind, f.path, f.label])]));
}

interface DrawnSection {
  spec: SectionSpec;
  el: HTMLElement;
  toggle: HTMLButtonElement;
  badge: HTMLElement;
  views: View[];
}

/** Every view, composites' children included (depth first). */
function allViews(views: View[]): View[] {
  const out: View[] = [];
  const walk = (list: View[]): void => {
    for (const v of list) {
      out.push(v);
      walk(v.children());
    }
  };
  walk(views);
  return out;
}

/**
 * The view showing a problem at `path`: one claiming exactly that path, else the one with the
 * longest claimed prefix of it (an empty claim matches only an empty path).
 */
export function findView(views: View[], path: JsonPath): { view: View; claim: JsonPath } | null {
  let best: { view: View; claim: JsonPath } | null = null;
  let bestScore = -1;
  for (const view of allViews(views)) {
    for (const claim of view.claims) {
      const exact = samePath(claim, path);
      if (!exact && !(claim.length > 0 && isPrefix(claim, path))) continue;
      // exact beats prefix, longer beats shorter; on a tie the deeper view (a composite's child) wins
      const score = (exact ? 100000 : 0) + claim.length;
      if (score >= bestScore) {
        best = { view, claim };
        bestScore = score;
      }
    }
  }
  return best;
}

export function renderSections(container: HTMLElement, sections: SectionSpec[], task: Record<string, unknown>, ctx: FormContext): FormHandle {
  const root = h("div", { class: "loom-f-form" });
  const topProblems = h("ul", { class: "loom-f-top-problems", hidden: true, "aria-label": "Problems of this task" });
  const holder = h("div", { class: "loom-f-sections" });
  root.append(topProblems, holder);
  container.append(root);

  // Redraw the structure ourselves when the sections came from taskSections (a nested type change...).
  const auto = signature(sections) === signature(taskSections(task));
  let currentSig = signature(sections);
  const collapsed = new Map<string, boolean>();
  let drawn: DrawnSection[] = [];
  let lastProblems: Problem[] = [];
  let destroyed = false;
  /** The value each path had before the user's last edit of it: Python's, until it answers. */
  const before = new Map<string, unknown>();

  const env: Env = {
    ctx,
    task,
    popup: null,
    create: (spec) => createView(env, spec),
    send(path, value) {
      if (destroyed) return;
      if (jsonEqual(getPath(env.task, path), value)) return;
      before.set(pathKey(path), getPath(env.task, path));
      env.task = setPath(env.task, path, value) as Record<string, unknown>;
      ctx.change(path, value);
      if (auto) queueMicrotask(restructureIfNeeded);
    },
  };

  function drawSection(spec: SectionSpec): DrawnSection {
    const bodyId = uid();
    const isCollapsed = collapsed.get(spec.id) ?? spec.collapsed ?? false;
    const badge = h("span", { class: "loom-f-badge", hidden: true });
    const toggle = h(
      "button",
      { type: "button", class: "loom-f-section-toggle", "aria-expanded": String(!isCollapsed), "aria-controls": bodyId },
      h("span", { class: "loom-f-chevron", "aria-hidden": "true" }),
      h("span", { class: "loom-f-section-title" }, spec.title),
      badge,
    );
    const views = spec.fields.map((f) => createView(env, f));
    const body = h("div", { class: "loom-f-section-body", id: bodyId, hidden: isCollapsed }, ...views.map((v) => v.el));
    const nested = spec.id === "nested" || spec.id.startsWith("nested-");
    const el = h("section", { class: `loom-f-section${nested ? " loom-f-section--nested" : ""}${isCollapsed ? " loom-f-collapsed" : ""}`, "data-section": spec.id }, h("h3", { class: "loom-f-section-h" }, toggle), body);
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      body.hidden = !open;
      el.classList.toggle("loom-f-collapsed", !open);
      collapsed.set(spec.id, !open);
    });
    return { spec, el, toggle, badge, views };
  }

  function draw(list: SectionSpec[]): void {
    for (const s of drawn) for (const v of s.views) v.destroy();
    drawn = list.map(drawSection);
    holder.replaceChildren(...drawn.map((s) => s.el));
  }

  function restructureIfNeeded(): void {
    if (destroyed || !auto) return;
    const next = taskSections(env.task);
    const sig = signature(next);
    if (sig === currentSig) return;
    currentSig = sig;
    for (const s of drawn) for (const v of s.views) v.flush();
    const scroll = container.scrollTop;
    draw(next);
    container.scrollTop = scroll;
    showProblems(lastProblems);
  }

  function showProblems(problems: Problem[]): void {
    lastProblems = problems;
    const roots = drawn.flatMap((s) => s.views);
    for (const v of allViews(roots)) v.clearProblems();
    const counts = new Map<DrawnSection, { errors: number; warnings: number }>();
    const unplaced: Problem[] = [];
    for (const p of problems) {
      const path = p.path;
      const found = path?.length ? findView(roots, path) : null;
      if (!found || !path) {
        unplaced.push(p);
        continue;
      }
      found.view.addProblem(p, path.slice(found.claim.length));
      const section = drawn.find((s) => s.el.contains(found.view.el));
      if (section) {
        const c = counts.get(section) ?? { errors: 0, warnings: 0 };
        if (p.severity === "warning") c.warnings += 1;
        else c.errors += 1;
        counts.set(section, c);
      }
    }
    for (const s of drawn) {
      const c = counts.get(s);
      const n = c ? c.errors + c.warnings : 0;
      s.badge.hidden = n === 0;
      s.badge.textContent = n ? String(n) : "";
      s.badge.className = `loom-f-badge${c?.errors ? " loom-f-badge--error" : " loom-f-badge--warning"}`;
      s.badge.setAttribute("aria-label", c ? `${c.errors} errors, ${c.warnings} warnings` : "");
    }
    topProblems.replaceChildren(
      ...unplaced.map((p) =>
        h(
          "li",
          { class: `loom-f-msg loom-f-msg--${p.severity === "warning" ? "warning" : "error"}` },
          h("span", { class: "loom-f-msg-icon", "aria-hidden": "true" }, p.severity === "warning" ? "⚠" : "⛔"),
          h("span", { class: "loom-f-msg-text" }, p.message),
        ),
      ),
    );
    topProblems.hidden = unplaced.length === 0;
  }

  draw(sections);

  return {
    update(next) {
      if (destroyed) return;
      before.clear();
      env.task = next;
      if (auto) {
        const sig = signature(taskSections(next));
        if (sig !== currentSig) {
          currentSig = sig;
          for (const s of drawn) for (const v of s.views) v.flush();
          const scroll = container.scrollTop;
          draw(taskSections(next));
          container.scrollTop = scroll;
          showProblems(lastProblems);
          return;
        }
      }
      for (const s of drawn) for (const v of s.views) v.update();
    },
    showProblems(problems) {
      if (!destroyed) showProblems(problems);
    },
    refuse(path, message) {
      if (destroyed) return false;
      const found = findView(drawn.flatMap((s) => s.views), path);
      if (!found) return false;
      // Nothing changed in Python: the forms' copy goes back to its value (the next edit of
      // another field then sends no refused value along), while the field keeps the text.
      const key = before.has(pathKey(path)) ? pathKey(path) : pathKey(found.claim);
      // A refusal of an edit made elsewhere (a dependency drawn on the canvas) is not this
      // field's: it shows nothing the user typed here.
      if (!before.has(key)) return false;
      const old = before.get(key);
      env.task = setPath(env.task, key === pathKey(path) ? path : found.claim, old) as Record<string, unknown>;
      before.delete(key);
      found.view.refuse(message, path.slice(found.claim.length));
      return true;
    },
    current() {
      return env.task;
    },
    flush() {
      for (const s of drawn) for (const v of s.views) v.flush();
    },
    destroy() {
      if (destroyed) return;
      env.popup?.close(false);
      for (const s of drawn) for (const v of s.views) v.destroy();
      destroyed = true;
      root.remove();
    },
  };
}

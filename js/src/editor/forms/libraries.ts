// The libraries field: a row per library (PyPI, Maven, CRAN, wheel, JAR...); a library of another
// shape is a row of JSON, kept as it is.
import { h } from "../dom";
import type { FieldSpec } from "./types";
import { isObject } from "./paths";
import { RowsView } from "./rows";
import { bindText } from "./text-input";
import { addButton, display, removeButton, type Env } from "./view";

const LIB_KINDS = [
  { value: "pypi", label: "PyPI", placeholder: "package==1.0", main: "package" },
  { value: "maven", label: "Maven", placeholder: "group:artifact:version", main: "coordinates" },
  { value: "cran", label: "CRAN", placeholder: "package", main: "package" },
  { value: "whl", label: "Wheel", placeholder: "/Volumes/…/pkg.whl", main: "" },
  { value: "jar", label: "JAR", placeholder: "/Volumes/…/lib.jar", main: "" },
  { value: "requirements", label: "requirements.txt", placeholder: "/Workspace/…/requirements.txt", main: "" },
  { value: "egg", label: "Egg (deprecated)", placeholder: "dbfs:/…/lib.egg", main: "" },
];
const LIB_KEYS = new Set(LIB_KINDS.map((k) => k.value));

/** The kind of library named `value`: one of LIB_KINDS (the rows and selects hold no other). */
function kindNamed(value: string): (typeof LIB_KINDS)[number] {
  return LIB_KINDS.find((k) => k.value === value) ?? LIB_KINDS[0];
}

interface LibRow {
  kind: string; // a LIB_KINDS value, or "" for a row shown as JSON
  orig: unknown;
}

function libKind(lib: unknown): string {
  if (!isObject(lib)) return "";
  const keys = Object.keys(lib).filter((k) => LIB_KEYS.has(k));
  if (keys.length !== 1) return "";
  const kind = kindNamed(keys[0]);
  const body = lib[kind.value];
  if (kind.main) {
    if (!isObject(body)) return "";
    const known = new Set([kind.main, "repo", ...(kind.value === "maven" ? ["exclusions"] : [])]);
    if (Object.keys(body).some((k) => !known.has(k))) return "";
    if (kind.value === "maven" && body.exclusions !== undefined && !(Array.isArray(body.exclusions) && body.exclusions.every((e) => typeof e === "string"))) return "";
    return kind.value;
  }
  return typeof body === "string" ? kind.value : "";
}

export class LibrariesView extends RowsView<LibRow> {
  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { bare: true });
    this.rowsEl.setAttribute("aria-label", spec.label);
    this.footer.append(addButton("Add library", () => this.addRow({ kind: "pypi", orig: undefined })));
    this.update();
  }
  protected rowsFor(value: unknown): LibRow[] {
    return Array.isArray(value) ? value.map((lib) => ({ kind: libKind(lib), orig: lib })) : [];
  }
  protected drawRow(row: LibRow, index: number): HTMLElement {
    const el = h("div", { class: "loom-f-row loom-f-lib-row", role: "listitem" });
    el.dataset.kind = row.kind;
    if (row.kind === "") {
      const area = this.wire(h("textarea", { class: "loom-f-input loom-f-json", rows: 2, "aria-label": `Library ${index + 1} (JSON)`, "data-part": "json", spellcheck: "false" }), index === 0);
      area.value = JSON.stringify(row.orig);
      bindText(area, this.deb);
      el.append(area);
    } else {
      const kind = kindNamed(row.kind);
      const select = this.wire(h("select", { class: "loom-f-select loom-f-lib-kind", "aria-label": `Library ${index + 1} type`, "data-part": "kind" }), index === 0);
      select.append(...LIB_KINDS.map((k) => h("option", { value: k.value }, k.label)));
      select.value = row.kind;
      const body = isObject(row.orig) ? row.orig[kind.value] : undefined;
      const main = kind.main ? (isObject(body) ? display(body[kind.main]) : "") : display(body);
      const input = this.wire(h("input", { class: "loom-f-input", type: "text", placeholder: kind.placeholder, "aria-label": `Library ${index + 1}`, "data-part": "main", spellcheck: "false", autocomplete: "off" }));
      input.value = main;
      bindText(input, this.deb);
      select.addEventListener("change", () => {
        // Re-draw the row as the new kind, keeping the typed value.
        const text = input.value;
        const i = this.rows.findIndex((r) => r.el === el);
        const kindNow = kindNamed(select.value);
        const extras = isObject(row.orig) ? Object.fromEntries(Object.entries(row.orig).filter(([k]) => !LIB_KEYS.has(k))) : {};
        const orig = { ...extras, [kindNow.value]: kindNow.main ? { [kindNow.main]: text } : text };
        const fresh = this.drawRow({ kind: kindNow.value, orig }, i);
        this.rows[i] = { el: fresh, data: { kind: kindNow.value, orig } };
        el.replaceWith(fresh);
        fresh.querySelector<HTMLElement>('[data-part="kind"]')?.focus();
        this.deb.cancel();
        this.commit();
      });
      el.append(select, input, removeButton(`Remove library ${index + 1}`, () => this.removeRow(el)));
      if (kind.main) {
        // Repository (and Maven exclusions): a second line, shown when set or while the row has focus.
        const extra = h("div", { class: "loom-f-lib-extra" });
        const repo = this.wire(h("input", { class: "loom-f-input loom-f-repo", type: "text", placeholder: "Repository URL (optional)", "aria-label": `Library ${index + 1} repository`, "data-part": "repo", spellcheck: "false" }));
        repo.value = isObject(body) ? display(body.repo) : "";
        bindText(repo, this.deb);
        extra.append(repo);
        let filled = repo.value !== "";
        if (kind.value === "maven") {
          const ex = this.wire(h("input", { class: "loom-f-input loom-f-repo", type: "text", placeholder: "Exclusions (comma-separated)", "aria-label": `Library ${index + 1} exclusions`, "data-part": "exclusions", spellcheck: "false" }));
          ex.value = isObject(body) && Array.isArray(body.exclusions) ? body.exclusions.join(", ") : "";
          bindText(ex, this.deb);
          extra.append(ex);
          filled ||= ex.value !== "";
        }
        extra.classList.toggle("loom-f-filled", filled);
        el.append(extra);
      }
      return el;
    }
    el.append(removeButton(`Remove library ${index + 1}`, () => this.removeRow(el)));
    return el;
  }
  protected collect(): { value: unknown } | null {
    const out: unknown[] = [];
    for (const r of this.rows) {
      const get = (part: string): string | undefined => (r.el.querySelector(`[data-part="${part}"]`) as HTMLInputElement | null)?.value;
      const jsonText = get("json");
      if (jsonText !== undefined) {
        try {
          out.push(JSON.parse(jsonText));
        } catch (err) {
          this.setLocalError(`Library ${out.length + 1}: ${err instanceof Error ? err.message : "not JSON"}`);
          return null;
        }
        continue;
      }
      const kindValue = get("kind") ?? "pypi";
      const kind = kindNamed(kindValue);
      const main = (get("main") ?? "").trim();
      if (main === "") continue;
      const orig = isObject(r.data.orig) ? r.data.orig : {};
      if (!kind.main) {
        out.push({ ...orig, [kind.value]: main });
        continue;
      }
      const body: Record<string, unknown> = { ...(isObject(orig[kind.value]) ? (orig[kind.value] as Record<string, unknown>) : {}), [kind.main]: main };
      const repo = (get("repo") ?? "").trim();
      if (repo) body.repo = repo;
      else delete body.repo;
      const ex = get("exclusions");
      if (ex !== undefined) {
        const list = ex.split(",").map((s) => s.trim()).filter(Boolean);
        if (list.length) body.exclusions = list;
        else delete body.exclusions;
      }
      out.push({ ...orig, [kind.value]: body });
    }
    return { value: out.length ? out : undefined };
  }
}

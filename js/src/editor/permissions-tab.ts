// The Permissions tab: the job's access control list as rows, one per grant. Direct grants
// are edited (level, remove, make owner, add); inherited ones are shown read-only. Every change sends
// the whole list (`set_grants`, inherited rows included, unchanged); Python validates and answers with
// `permissions`, which redraws the table with its problems. Saved with the job (Review & save).
//
// The tab brings its own CSS (PERMISSIONS_TAB_CSS): a <style> inside its element.
import { hasFocus } from "./forms/text-input";
import { h, icon } from "./dom";
import type { Grant, PrincipalKind, Problem } from "./protocol";
import { problemPath } from "./tabs";
import type { JobMessage, JobTab, JobTabContext, PermissionsMessage } from "./tab-types";






const KIND_WORDS: Record<string, string> = { user_name: "User", group_name: "Group", service_principal_name: "Service principal" };
const KIND_ICONS: Record<string, string> = { user_name: "user", group_name: "group", service_principal_name: "service_principal" };
const LEVEL_WORDS: Record<string, string> = {
  IS_OWNER: "Is owner",
  CAN_MANAGE: "Can manage",
  CAN_MANAGE_RUN: "Can manage run",
  CAN_VIEW: "Can view",
};
const LEVEL_HELP: Record<string, string> = {
  IS_OWNER: "Owns the job: full control; the job runs as its owner unless run_as says otherwise",
  CAN_MANAGE: "Edit the job, its permissions and its runs",
  CAN_MANAGE_RUN: "Run the job, cancel and repair its runs, see its results",
  CAN_VIEW: "See the job and its runs' results",
};
const DEFAULT_LEVELS: Record<PrincipalKind, string[]> = {
  user_name: ["IS_OWNER", "CAN_MANAGE", "CAN_MANAGE_RUN", "CAN_VIEW"],
  group_name: ["CAN_MANAGE", "CAN_MANAGE_RUN", "CAN_VIEW"],
  service_principal_name: ["IS_OWNER", "CAN_MANAGE", "CAN_MANAGE_RUN", "CAN_VIEW"],
};
const PLACEHOLDERS: Record<string, string> = {
  user_name: "someone@example.com",
  group_name: "data-engineers",
  service_principal_name: "application id (e.g. 6f1c…)",
};
const OWNER = "IS_OWNER";

function levelWord(level: string): string {
  return LEVEL_WORDS[level] ?? level;
}

function canOwn(kind: string): boolean {
  return kind === "user_name" || kind === "service_principal_name";
}

function sameGrant(a: Grant, b: Grant): boolean {
  return a.kind === b.kind && a.name === b.name && a.level === b.level && a.inherited === b.inherited;
}

/** The grants with (kind, name) as the owner; the old owner becomes CAN_MANAGE (as the API does). */
export function transferOwnership(grants: Grant[], kind: string, name: string): Grant[] {
  let found = false;
  const out = grants.map((g) => {
    if (g.inherited) return g;
    if (g.kind === kind && g.name === name) {
      found = true;
      return { ...g, level: OWNER };
    }
    if (g.level === OWNER) return { ...g, level: "CAN_MANAGE" };
    return g;
  });
  if (!found) out.push({ kind, name, level: OWNER, inherited: false, inherited_from: [], display_name: null });
  return out;
}

export class PermissionsTab implements JobTab {
  readonly id = "permissions" as const;
  readonly element: HTMLElement;

  private message: PermissionsMessage | null = null;
  private grants: Grant[] = [];
  private jobProblems: Problem[] = [];

  private readonly notice: HTMLElement;
  private readonly errorBox: HTMLElement;
  private readonly topProblems: HTMLUListElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly inheritedBody: HTMLTableSectionElement;
  private readonly summary: HTMLElement;
  private readonly addKind: HTMLSelectElement;
  private readonly addName: HTMLInputElement;
  private readonly addLevel: HTMLSelectElement;
  private readonly addButton: HTMLButtonElement;
  private readonly addMsg: HTMLElement;
  private readonly loading: HTMLElement;
  private readonly tableWrap: HTMLElement;

  constructor(private readonly ctx: JobTabContext) {
    const style = h("style", { text: PERMISSIONS_TAB_CSS });
    this.notice = h("div", { class: "loom-pt-notice", "data-role": "permissions-notice" });
    this.errorBox = h("div", { class: "loom-pt-error", "data-role": "permissions-error", hidden: true });
    this.topProblems = h("ul", { class: "loom-pt-top-problems", "data-role": "top-problems", hidden: true });
    this.summary = h("span", { class: "loom-pt-summary", "data-role": "permissions-summary" });
    this.tbody = h("tbody", { "data-role": "direct-grants" });
    this.inheritedBody = h("tbody", { class: "loom-pt-inherited-body", "data-role": "inherited-grants" });

    this.addKind = h(
      "select",
      { class: "loom-f-select loom-pt-add-kind", "data-role": "add-kind", "aria-label": "Principal kind" },
      (Object.keys(KIND_WORDS) as PrincipalKind[]).map((k) => h("option", { value: k, text: KIND_WORDS[k] })),
    );
    this.addName = h("input", { class: "loom-f-input loom-pt-add-name", "data-role": "add-name", "aria-label": "Principal name", spellcheck: "false", autocomplete: "off" });
    this.addLevel = h("select", { class: "loom-f-select loom-pt-add-level", "data-role": "add-level", "aria-label": "Permission level" });
    this.addButton = h("button", { type: "button", class: "loom-f-btn loom-pt-add-btn", "data-role": "add-grant" }, icon("plus", "loom-pt-icon"), "Add");
    this.addMsg = h("div", { class: "loom-pt-add-msg", "data-role": "add-message" });
    const addRow = h(
      "div",
      { class: "loom-pt-add", "data-role": "add-row" },
      h("span", { class: "loom-pt-add-title", text: "Add" }),
      this.addKind,
      this.addName,
      this.addLevel,
      this.addButton,
    );

    const table = h(
      "table",
      { class: "loom-pt-table", "data-role": "grants" },
      h(
        "thead",
        {},
        h("tr", {}, h("th", { scope: "col", text: "Principal" }), h("th", { scope: "col", class: "loom-pt-level-col", text: "Permission" }), h("th", { scope: "col", class: "loom-pt-actions-col" }, h("span", { class: "loom-pt-sr", text: "Actions" }))),
      ),
      this.tbody,
      this.inheritedBody,
    );
    this.loading = h("div", { class: "loom-pt-loading", text: "Loading permissions…" });
    this.tableWrap = h("div", { class: "loom-pt-table-wrap", hidden: true }, table, addRow, this.addMsg);
    const head = h(
      "div",
      { class: "loom-pt-head" },
      h("div", {}, h("h3", { class: "loom-pt-title", text: "Permissions" }), this.summary),
    );
    const inner = h("div", { class: "loom-pt-inner" }, head, this.notice, this.errorBox, this.topProblems, this.loading, this.tableWrap);
    this.element = h("div", { class: "loom-f-form loom-pt", "data-tab": "permissions" }, style, inner);
    this.renderNotice();

    this.addKind.addEventListener("change", () => this.fillAddLevels());
    this.addButton.addEventListener("click", () => this.add());
    this.addName.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.add();
      }
    });
    this.addName.addEventListener("input", () => this.addMsg.replaceChildren());
    this.fillAddLevels();
  }

  // ---- JobTab ----

  update(_job: JobMessage): void {
    // The ACL is not part of the job's settings: nothing to redraw.
  }

  showProblems(problems: Problem[]): void {
    this.jobProblems = problems.filter((p) => {
      const path = problemPath(p);
      return path !== null && path[0] === "access_control_list";
    });
    this.render();
  }

  shown(): void {
    // Python reads the ACL once and answers with the current (edited) state every time.
    this.ctx.send({ kind: "permissions" });
  }

  flush(): void {
    // Every change is sent at once.
  }

  destroy(): void {
    this.element.remove();
  }

  /** Python's answer to `permissions` / `set_grants`: the grants as edited, their problems. */
  updatePermissions(message: PermissionsMessage): void {
    this.message = message;
    this.grants = message.grants.map((g) => ({ ...g, inherited_from: [...(g.inherited_from ?? [])] }));
    this.fillAddLevels();
    this.render();
  }

  // ---- edits ----

  private levels(kind: string): string[] {
    const levels = this.message?.levels as Record<string, string[]> | undefined;
    return levels?.[kind] ?? DEFAULT_LEVELS[kind as PrincipalKind] ?? ["CAN_MANAGE", "CAN_MANAGE_RUN", "CAN_VIEW"];
  }

  private commit(grants: Grant[]): void {
    this.grants = grants;
    this.render();
    this.ctx.send({ kind: "set_grants", grants: grants.map((g) => ({ ...g, inherited_from: [...g.inherited_from] })) });
  }

  private setLevel(index: number, level: string): void {
    const grant = this.grants[index];
    if (!grant || grant.inherited || grant.level === level) return;
    if (level === OWNER && canOwn(grant.kind)) {
      this.commit(transferOwnership(this.grants, grant.kind, grant.name));
      return;
    }
    this.commit(this.grants.map((g, i) => (i === index ? { ...g, level } : g)));
  }

  private remove(index: number): void {
    const grant = this.grants[index];
    if (!grant || grant.inherited) return;
    this.commit(this.grants.filter((_, i) => i !== index));
  }

  private makeOwner(index: number): void {
    const grant = this.grants[index];
    if (!grant || grant.inherited || !canOwn(grant.kind) || grant.level === OWNER) return;
    this.commit(transferOwnership(this.grants, grant.kind, grant.name));
  }

  private add(): void {
    const kind = this.addKind.value;
    const name = this.addName.value.trim();
    const level = this.addLevel.value;
    if (!name) {
      this.addMsg.replaceChildren(h("span", { class: "loom-pt-msg loom-pt-msg--error", text: `Enter the ${KIND_WORDS[kind]?.toLowerCase() ?? "principal"}'s name.` }));
      this.addName.focus();
      return;
    }
    this.addMsg.replaceChildren();
    const existing = this.grants.findIndex((g) => !g.inherited && g.kind === kind && g.name === name);
    let grants: Grant[];
    if (level === OWNER && canOwn(kind)) {
      grants = transferOwnership(this.grants, kind, name);
    } else if (existing >= 0) {
      grants = this.grants.map((g, i) => (i === existing ? { ...g, level } : g));
      this.addMsg.replaceChildren(h("span", { class: "loom-pt-msg", text: `${KIND_WORDS[kind]} ${name} was already listed: its permission is now ${levelWord(level)}.` }));
    } else {
      // New direct grants go after the other direct ones (inherited rows stay last).
      const firstInherited = this.grants.findIndex((g) => g.inherited);
      const row: Grant = { kind, name, level, inherited: false, inherited_from: [], display_name: null };
      grants = firstInherited < 0 ? [...this.grants, row] : [...this.grants.slice(0, firstInherited), row, ...this.grants.slice(firstInherited)];
    }
    this.addName.value = "";
    this.commit(grants);
    this.addName.focus();
  }

  private fillAddLevels(): void {
    const kind = this.addKind.value;
    const current = this.addLevel.value;
    const levels = this.levels(kind);
    this.addLevel.replaceChildren(...levels.map((l) => h("option", { value: l, text: levelWord(l), title: LEVEL_HELP[l] })));
    this.addLevel.value = levels.includes(current) && current !== OWNER ? current : levels.includes("CAN_VIEW") ? "CAN_VIEW" : levels[levels.length - 1];
    this.addName.placeholder = PLACEHOLDERS[kind] ?? "";
  }

  // ---- drawing ----

  private renderNotice(): void {
    const unsaved = this.message !== null && this.message.loaded === null && !this.message.error;
    this.notice.replaceChildren(
      icon("info", "loom-pt-icon"),
      h(
        "span",
        {},
        h("strong", { text: "Saved with the job (Review & save). " }),
        unsaved
          ? "This job is not saved yet: these permissions are applied right after it is created."
          : "Inherited permissions come from the workspace's jobs folder and are changed there.",
      ),
    );
  }

  private render(): void {
    this.renderNotice();
    const message = this.message;
    this.loading.hidden = message !== null;
    this.tableWrap.hidden = message === null;
    this.errorBox.hidden = !message?.error;
    this.errorBox.replaceChildren(...(message?.error ? [icon("error", "loom-pt-icon"), h("span", { text: message.error })] : []));
    if (!message) return;

    const problems = [...(message.problems ?? []), ...this.jobProblems];
    const byRow = new Map<number, Problem[]>();
    const unmatched: Problem[] = [];
    const seen = new Set<string>();
    for (const p of problems) {
      const key = `${p.severity}|${p.message}|${p.field}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const path = problemPath(p);
      const index = path && path[0] === "access_control_list" && typeof path[1] === "number" ? path[1] : null;
      if (index !== null && index < this.grants.length) byRow.set(index, [...(byRow.get(index) ?? []), p]);
      else unmatched.push(p);
    }
    this.topProblems.replaceChildren(...unmatched.map((p) => this.problemItem(p, "li")));
    this.topProblems.hidden = unmatched.length === 0;
    this.topProblems.classList.toggle("loom-pt-top-problems--warning", unmatched.every((p) => p.severity !== "error"));

    const direct: HTMLTableRowElement[] = [];
    const inherited: HTMLTableRowElement[] = [];
    const focusedRole = this.focusedRowControl();
    this.grants.forEach((grant, index) => {
      const row = grant.inherited ? this.inheritedRow(grant, index) : this.directRow(grant, index, byRow.get(index) ?? []);
      (grant.inherited ? inherited : direct).push(row);
      const extra = grant.inherited ? byRow.get(index) : null;
      if (extra?.length) row.querySelector(".loom-pt-principal-cell")?.append(...extra.map((p) => this.problemItem(p, "div")));
    });
    if (!direct.length) direct.push(h("tr", { class: "loom-pt-empty" }, h("td", { colspan: 3, text: "No direct permissions. Add an owner below." })));
    this.tbody.replaceChildren(...direct);
    this.inheritedBody.replaceChildren(
      ...(inherited.length
        ? [h("tr", { class: "loom-pt-group-row" }, h("th", { colspan: 3, scope: "rowgroup" }, icon("lock", "loom-pt-icon"), `Inherited (${inherited.length}): read only`))]
        : []),
      ...inherited,
    );
    if (focusedRole) {
      const again = this.element.querySelector<HTMLElement>(`tr[data-index="${focusedRole.index}"] [data-role="${focusedRole.role}"]`);
      again?.focus();
    }

    const directCount = this.grants.filter((g) => !g.inherited).length;
    const changes = this.changeCount();
    this.summary.textContent = `${directCount} direct · ${this.grants.length - directCount} inherited${changes ? ` · ${changes} unsaved change${changes === 1 ? "" : "s"}` : ""}`;
  }

  private focusedRowControl(): { index: string; role: string } | null {
    if (!hasFocus(this.tbody)) return null;
    const active = this.element.ownerDocument.activeElement as HTMLElement | null;
    const row = active?.closest<HTMLElement>("tr[data-index]");
    const role = active?.dataset.role;
    return row?.dataset.index && role ? { index: row.dataset.index, role } : null;
  }

  private changeCount(): number {
    const loaded = this.message?.loaded;
    if (!loaded) return 0;
    const before = loaded.filter((g) => !g.inherited);
    const after = this.grants.filter((g) => !g.inherited);
    const added = after.filter((a) => !before.some((b) => sameGrant(a, b))).length;
    const removed = before.filter((b) => !after.some((a) => a.kind === b.kind && a.name === b.name)).length;
    return added + removed;
  }

  private rowState(grant: Grant): "added" | "changed" | null {
    const loaded = this.message?.loaded;
    if (!loaded) return null;
    const before = loaded.find((b) => !b.inherited && b.kind === grant.kind && b.name === grant.name);
    if (!before) return "added";
    return before.level === grant.level ? null : "changed";
  }

  private principalCell(grant: Grant): HTMLElement {
    const kindWord = KIND_WORDS[grant.kind] ?? grant.kind;
    const display = grant.display_name && grant.display_name !== grant.name ? grant.display_name : null;
    return h(
      "td",
      { class: "loom-pt-principal-cell" },
      h(
        "div",
        { class: "loom-pt-principal" },
        h("span", { class: `loom-pt-avatar loom-pt-avatar--${KIND_ICONS[grant.kind] ?? "user"}`, title: kindWord }, icon(KIND_ICONS[grant.kind] ?? "user", "loom-pt-icon")),
        h(
          "span",
          { class: "loom-pt-names" },
          h("span", { class: "loom-pt-name", "data-role": "principal-name", title: grant.name }, display ?? grant.name),
          h("span", { class: "loom-pt-sub" }, h("span", { class: "loom-pt-kind", text: kindWord }), display ? h("span", { class: "loom-pt-id", text: grant.name }) : null),
        ),
      ),
    );
  }

  private directRow(grant: Grant, index: number, problems: Problem[]): HTMLTableRowElement {
    const owner = grant.level === OWNER;
    const levels = this.levels(grant.kind);
    const options = levels.includes(grant.level) ? levels : [...levels, grant.level];
    const select = h(
      "select",
      { class: "loom-f-select loom-pt-level", "data-role": "level", "aria-label": `Permission of ${grant.name}` },
      options.map((l) => h("option", { value: l, text: levelWord(l) + (levels.includes(l) ? "" : " (unknown)"), title: LEVEL_HELP[l] })),
    );
    select.value = grant.level;
    select.addEventListener("change", () => this.setLevel(index, select.value));

    const actions = h("td", { class: "loom-pt-actions" });
    if (canOwn(grant.kind) && !owner) {
      const make = h("button", { type: "button", class: "loom-pt-link", "data-role": "make-owner", title: "Make this principal the job's owner; the current owner keeps Can manage" }, icon("crown", "loom-pt-icon"), "Make owner");
      make.addEventListener("click", () => this.makeOwner(index));
      actions.append(make);
    }
    const remove = h("button", {
      type: "button",
      class: "loom-pt-remove",
      "data-role": "remove",
      "aria-label": `Remove ${grant.name}`,
      title: owner ? "The job needs an owner: make someone else the owner first" : `Remove ${grant.name}'s permission`,
      disabled: owner,
    });
    remove.append(icon("trash", "loom-pt-icon"));
    remove.addEventListener("click", () => this.remove(index));
    actions.append(remove);

    const state = this.rowState(grant);
    const levelCell = h("td", { class: "loom-pt-level-cell" }, select);
    if (owner) levelCell.append(h("span", { class: "loom-pt-owner-badge", "data-role": "owner-badge" }, icon("crown", "loom-pt-icon"), "Owner"));
    if (state) levelCell.append(h("span", { class: `loom-pt-state loom-pt-state--${state}`, text: state === "added" ? "new" : "changed", title: "Not saved yet" }));
    const principal = this.principalCell(grant);
    if (problems.length) principal.append(...problems.map((p) => this.problemItem(p, "div")));
    const severity = problems.some((p) => p.severity === "error") ? "error" : problems.length ? "warning" : null;
    return h(
      "tr",
      {
        class: `loom-pt-row${owner ? " loom-pt-row--owner" : ""}${severity ? ` loom-pt-row--${severity}` : ""}`,
        "data-role": "grant",
        "data-index": index,
        "data-kind": grant.kind,
        "data-name": grant.name,
        "data-level": grant.level,
        "data-inherited": "false",
        "data-owner": owner ? "true" : undefined,
        "data-state": state ?? undefined,
      },
      principal,
      levelCell,
      actions,
    );
  }

  private inheritedRow(grant: Grant, index: number): HTMLTableRowElement {
    const from = grant.inherited_from.length ? grant.inherited_from.join(", ") : "a parent object";
    return h(
      "tr",
      {
        class: "loom-pt-row loom-pt-row--inherited",
        "data-role": "grant",
        "data-index": index,
        "data-kind": grant.kind,
        "data-name": grant.name,
        "data-level": grant.level,
        "data-inherited": "true",
      },
      this.principalCell(grant),
      h("td", { class: "loom-pt-level-cell" }, h("span", { class: "loom-pt-level-text", "data-role": "level-text", text: levelWord(grant.level) })),
      h("td", { class: "loom-pt-actions loom-pt-from", title: `Inherited from ${from}; change it there` }, icon("lock", "loom-pt-icon"), h("span", { text: `inherited from ${from}` })),
    );
  }

  private problemItem(p: Problem, tag: "li" | "div"): HTMLElement {
    return h(
      tag,
      { class: `loom-pt-msg loom-pt-msg--${p.severity}`, "data-code": p.code, "data-severity": p.severity },
      icon(p.severity === "error" ? "error" : "warn", "loom-pt-icon"),
      h("span", { text: p.message }),
    );
  }
}

export const PERMISSIONS_TAB_CSS = `
.loom-pt {
  --loom-pt-muted: var(--jp-ui-font-color2, #5f6b7a);
  --loom-pt-faint: var(--jp-ui-font-color3, #8a94a3);
  --loom-pt-amber: var(--jp-warn-color1, #b45309);
  --loom-pt-ok: var(--jp-success-color1, #2e7d32);
  min-height: 100%;
  font-size: 13px;
  background: transparent;
}
.loom-pt-inner { padding: 16px 20px 40px; display: flex; flex-direction: column; gap: 12px; max-width: 880px; margin: 0 auto; }
.loom-pt-icon { width: 14px; height: 14px; flex: none; vertical-align: -2px; }
.loom-pt-head { display: flex; align-items: flex-end; gap: 12px; }
.loom-pt-title { margin: 0; font-size: 15px; font-weight: 600; }
.loom-pt-summary { display: block; margin-top: 2px; color: var(--loom-pt-muted); font-size: 12.5px; }
.loom-pt-notice { display: flex; gap: 8px; align-items: flex-start; padding: 8px 12px; border-radius: 6px; font-size: 12.5px;
  background: color-mix(in srgb, var(--loom-f-brand) 8%, var(--loom-f-bg)); border: 1px solid color-mix(in srgb, var(--loom-f-brand) 25%, var(--loom-f-bg)); }
.loom-pt-notice .loom-pt-icon { color: var(--loom-f-brand); margin-top: 2px; }
.loom-pt-error { display: flex; gap: 8px; align-items: flex-start; padding: 8px 12px; border-radius: 6px; border-left: 4px solid var(--loom-f-error);
  background: color-mix(in srgb, var(--loom-f-error) 8%, var(--loom-f-bg)); color: var(--loom-f-fg); }
.loom-pt-error .loom-pt-icon { color: var(--loom-f-error); margin-top: 2px; }
.loom-pt-error[hidden], .loom-pt-top-problems[hidden], .loom-pt-loading[hidden], .loom-pt-table-wrap[hidden] { display: none; }
.loom-pt-top-problems { list-style: none; margin: 0; padding: 6px 10px; border: 1px solid var(--loom-f-error); border-left-width: 3px; border-radius: 5px;
  background: color-mix(in srgb, var(--loom-f-error) 7%, var(--loom-f-bg)); display: flex; flex-direction: column; gap: 3px; }
.loom-pt-top-problems--warning { border-color: var(--loom-pt-amber); background: color-mix(in srgb, var(--loom-pt-amber) 9%, var(--loom-f-bg)); }
.loom-pt-loading { color: var(--loom-pt-muted); padding: 20px 0; }
.loom-pt-table-wrap { display: flex; flex-direction: column; gap: 8px; }
.loom-pt-table { width: 100%; border-collapse: separate; border-spacing: 0; border: 1px solid var(--je-border, var(--loom-f-border)); border-radius: 8px; overflow: hidden;
  background: var(--je-bg, var(--loom-f-bg)); box-shadow: 0 1px 2px rgba(0, 0, 0, .04); }
.loom-pt-table th { text-align: left; font-size: 11.5px; font-weight: 600; color: var(--loom-pt-muted); padding: 6px 12px; background: var(--loom-f-bg2);
  border-bottom: 1px solid var(--loom-f-border); }
.loom-pt-level-col { width: 240px; }
.loom-pt-actions-col { width: 190px; }
.loom-pt-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.loom-pt-table td { padding: 7px 12px; border-bottom: 1px solid color-mix(in srgb, var(--loom-f-border) 70%, transparent); vertical-align: middle; }
.loom-pt-table tbody:last-child tr:last-child td { border-bottom: none; }
.loom-pt-principal { display: flex; align-items: center; gap: 10px; min-width: 0; }
.loom-pt-avatar { width: 28px; height: 28px; flex: none; border-radius: 50%; display: inline-flex; align-items: center; justify-content: center;
  background: color-mix(in srgb, var(--loom-f-brand) 14%, var(--loom-f-bg)); color: var(--loom-f-brand); }
.loom-pt-avatar--group { background: color-mix(in srgb, #7c3aed 15%, var(--loom-f-bg)); color: color-mix(in srgb, #7c3aed 80%, var(--loom-f-fg)); }
.loom-pt-avatar--service_principal { background: color-mix(in srgb, #0d9488 15%, var(--loom-f-bg)); color: color-mix(in srgb, #0d9488 85%, var(--loom-f-fg)); }
.loom-pt-avatar .loom-pt-icon { width: 16px; height: 16px; }
.loom-pt-names { display: flex; flex-direction: column; min-width: 0; }
.loom-pt-name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.loom-pt-sub { display: flex; gap: 8px; font-size: 11.5px; color: var(--loom-pt-muted); min-width: 0; }
.loom-pt-id { font-family: var(--loom-f-mono); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.loom-pt-level-cell { white-space: nowrap; }
.loom-pt .loom-pt-level { width: 150px; }
.loom-pt-owner-badge { display: inline-flex; align-items: center; gap: 4px; margin-left: 8px; font-size: 11px; font-weight: 600; color: var(--loom-pt-amber); }
.loom-pt-state { margin-left: 8px; font-size: 10.5px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; padding: 0 5px; border-radius: 3px; }
.loom-pt-state--added { color: var(--loom-pt-ok); background: color-mix(in srgb, var(--loom-pt-ok) 13%, transparent); }
.loom-pt-state--changed { color: var(--loom-pt-amber); background: color-mix(in srgb, var(--loom-pt-amber) 14%, transparent); }
.loom-pt-actions { text-align: right; white-space: nowrap; }
.loom-pt-link { all: unset; cursor: pointer; display: inline-flex; align-items: center; gap: 4px; color: var(--loom-f-brand); font-size: 12px; padding: 3px 6px; border-radius: 4px;
  font-family: var(--loom-f-font); margin-right: 4px; }
.loom-pt-link:hover { background: color-mix(in srgb, var(--loom-f-brand) 10%, transparent); }
.loom-pt-link:focus-visible, .loom-pt-remove:focus-visible { outline: 2px solid var(--loom-f-brand); outline-offset: 1px; }
.loom-pt-remove { all: unset; cursor: pointer; display: inline-flex; align-items: center; justify-content: center; width: 26px; height: 26px; border-radius: 4px; color: var(--loom-pt-muted); vertical-align: middle; }
.loom-pt-remove:hover:not(:disabled) { color: var(--loom-f-error); background: color-mix(in srgb, var(--loom-f-error) 10%, transparent); }
.loom-pt-remove:disabled { opacity: 0.3; cursor: not-allowed; }
.loom-pt-row--owner td { background: color-mix(in srgb, var(--jp-warn-color1, #f59e0b) 9%, var(--loom-f-bg)); }
.loom-pt-row--owner td:first-child { box-shadow: inset 3px 0 0 var(--loom-pt-amber); }
.loom-pt-row--error td:first-child { box-shadow: inset 3px 0 0 var(--loom-f-error); }
.loom-pt-row--error .loom-pt-level { border-color: var(--loom-f-error); }
.loom-pt-row--warning .loom-pt-level { border-color: var(--loom-pt-amber); }
.loom-pt-group-row th { background: var(--loom-f-bg2); font-weight: 600; font-size: 11.5px; color: var(--loom-pt-muted); padding: 5px 12px; border-top: 1px solid var(--loom-f-border); }
.loom-pt-group-row .loom-pt-icon { margin-right: 6px; width: 12px; height: 12px; }
.loom-pt-row--inherited td { color: var(--loom-pt-muted); background: color-mix(in srgb, var(--loom-f-bg2) 45%, var(--loom-f-bg)); }
.loom-pt-row--inherited .loom-pt-avatar { filter: grayscale(1); opacity: 0.7; }
.loom-pt-row--inherited .loom-pt-name { font-weight: 500; }
.loom-pt-level-text { display: inline-block; padding: 3px 0; }
.loom-pt-from { font-size: 12px; color: var(--loom-pt-faint); }
.loom-pt-from .loom-pt-icon { margin-right: 5px; width: 12px; height: 12px; }
.loom-pt-empty td { color: var(--loom-pt-muted); font-style: italic; }
.loom-pt-msg { display: flex; gap: 6px; align-items: flex-start; font-size: 12px; margin-top: 4px; }
.loom-pt-msg .loom-pt-icon { margin-top: 1px; }
.loom-pt-msg--error { color: var(--loom-f-error); }
.loom-pt-msg--warning { color: var(--loom-pt-amber); }
.loom-pt-principal-cell .loom-pt-msg { margin-left: 38px; }
.loom-pt-add { display: flex; align-items: center; gap: 8px; padding: 8px 12px; border: 1px dashed var(--loom-f-border); border-radius: 8px; flex-wrap: wrap; }
.loom-pt-add-title { font-weight: 600; font-size: 12px; color: var(--loom-pt-muted); }
.loom-pt .loom-pt-add-kind { width: 150px; }
.loom-pt .loom-pt-add-name { flex: 1 1 220px; width: auto; }
.loom-pt .loom-pt-add-level { width: 150px; }
.loom-pt-add-btn { display: inline-flex; align-items: center; gap: 4px; }
.loom-pt-add-msg:empty { display: none; }
.loom-pt-add-msg .loom-pt-msg { margin: 0 12px; color: var(--loom-pt-muted); }
.loom-pt-add-msg .loom-pt-msg--error { color: var(--loom-f-error); }
`;

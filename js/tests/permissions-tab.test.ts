// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from "vitest";
import { PermissionsTab, transferOwnership } from "../src/editor/permissions-tab";
import type { Grant, ToPython } from "../src/editor/protocol";
import type { JobTabContext, PermissionsMessage } from "../src/editor/tab-types";

function grant(kind: string, name: string, level: string, extra: Partial<Grant> = {}): Grant {
  return { kind, name, level, inherited: false, inherited_from: [], display_name: null, ...extra };
}

const OWNER = grant("user_name", "ann@example.com", "IS_OWNER", { display_name: "Ann" });
const VIEWERS = grant("group_name", "analysts", "CAN_VIEW");
const BOT = grant("service_principal_name", "6f1c-etl", "CAN_MANAGE_RUN");
const ADMINS = grant("group_name", "admins", "CAN_MANAGE", { inherited: true, inherited_from: ["/jobs/"] });
const LEVELS = {
  user_name: ["IS_OWNER", "CAN_MANAGE", "CAN_MANAGE_RUN", "CAN_VIEW"],
  group_name: ["CAN_MANAGE", "CAN_MANAGE_RUN", "CAN_VIEW"],
  service_principal_name: ["IS_OWNER", "CAN_MANAGE", "CAN_MANAGE_RUN", "CAN_VIEW"],
};

function message(grants: Grant[], over: Partial<PermissionsMessage> = {}): PermissionsMessage {
  return { kind: "permissions", loaded: grants, grants, problems: [], levels: LEVELS, ...over };
}

function mount() {
  const sent: ToPython[] = [];
  const ctx: JobTabContext = {
    edit: () => undefined,
    setJobField: () => undefined,
    request: () => new Promise(() => undefined),
    send: (m) => sent.push(m),
    nextId: () => 1,
    notify: () => undefined,
  };
  const tab = new PermissionsTab(ctx);
  document.body.append(tab.element);
  const row = (name: string) => tab.element.querySelector<HTMLTableRowElement>(`tr[data-role="grant"][data-name="${name}"]`)!;
  const lastGrants = () => {
    const last = sent.filter((m) => m.kind === "set_grants").at(-1);
    return last && last.kind === "set_grants" ? last.grants : null;
  };
  return { tab, sent, row, lastGrants, q: <T extends Element = HTMLElement>(sel: string) => tab.element.querySelector<T>(sel) };
}

beforeEach(() => document.body.replaceChildren());

describe("the Permissions tab", () => {
  it("asks Python for the permissions when shown, and draws them", () => {
    const m = mount();
    m.tab.shown();
    expect(m.sent).toEqual([{ kind: "permissions" }]);
    expect(m.q(".loom-pt-loading")?.hidden).toBe(false);
    m.tab.updatePermissions(message([OWNER, VIEWERS, ADMINS]));
    expect(m.q(".loom-pt-loading")?.hidden).toBe(true);
    expect(m.q('[data-role="permissions-notice"]')?.textContent).toContain("Saved with the job (Review & save)");
    const owner = m.row("ann@example.com");
    expect(owner.dataset.owner).toBe("true");
    expect(owner.classList.contains("loom-pt-row--owner")).toBe(true);
    expect(owner.querySelector('[data-role="principal-name"]')?.textContent).toBe("Ann");
    expect(owner.querySelector<HTMLButtonElement>('[data-role="remove"]')?.disabled).toBe(true);
    // A group cannot own the job: no "Make owner".
    expect(m.row("analysts").querySelector('[data-role="make-owner"]')).toBeNull();
  });

  it("shows inherited rows read-only, with where they come from", () => {
    const m = mount();
    m.tab.updatePermissions(message([OWNER, ADMINS]));
    const row = m.row("admins");
    expect(row.dataset.inherited).toBe("true");
    expect(row.querySelector("select, input, button")).toBeNull();
    expect(row.textContent).toContain("inherited from /jobs/");
    expect(row.querySelector('[data-role="level-text"]')?.textContent).toBe("Can manage");
  });

  it("a new job (loaded null) still shows the editor", () => {
    const m = mount();
    m.tab.updatePermissions(message([OWNER], { loaded: null }));
    expect(m.q(".loom-pt-table-wrap")?.hidden).toBe(false);
    expect(m.q('[data-role="permissions-notice"]')?.textContent).toContain("not saved yet");
  });

  it("shows Python's error", () => {
    const m = mount();
    m.tab.updatePermissions(message([], { loaded: null, error: "403: no access to the permissions" }));
    const error = m.q('[data-role="permissions-error"]')!;
    expect(error.hidden).toBe(false);
    expect(error.textContent).toContain("403");
  });

  it("add sends the whole list, inherited rows included", () => {
    const m = mount();
    m.tab.updatePermissions(message([OWNER, ADMINS]));
    m.q<HTMLSelectElement>('[data-role="add-kind"]')!.value = "group_name";
    m.q<HTMLSelectElement>('[data-role="add-kind"]')!.dispatchEvent(new Event("change"));
    const levels = Array.from(m.q<HTMLSelectElement>('[data-role="add-level"]')!.options).map((o) => o.value);
    expect(levels).not.toContain("IS_OWNER");
    m.q<HTMLInputElement>('[data-role="add-name"]')!.value = "data-eng";
    m.q<HTMLSelectElement>('[data-role="add-level"]')!.value = "CAN_MANAGE_RUN";
    m.q<HTMLButtonElement>('[data-role="add-grant"]')!.click();
    expect(m.lastGrants()).toEqual([OWNER, grant("group_name", "data-eng", "CAN_MANAGE_RUN"), ADMINS]);
    // Drawn at once (before Python answers), marked new.
    expect(m.row("data-eng").dataset.state).toBe("added");
  });

  it("an empty name is not added", () => {
    const m = mount();
    m.tab.updatePermissions(message([OWNER]));
    m.q<HTMLButtonElement>('[data-role="add-grant"]')!.click();
    expect(m.lastGrants()).toBeNull();
    expect(m.q('[data-role="add-message"]')?.textContent).toContain("name");
  });

  it("remove sends the list without the row", () => {
    const m = mount();
    m.tab.updatePermissions(message([OWNER, VIEWERS, BOT, ADMINS]));
    m.row("analysts").querySelector<HTMLButtonElement>('[data-role="remove"]')!.click();
    expect(m.lastGrants()).toEqual([OWNER, BOT, ADMINS]);
  });

  it("make owner moves ownership; the old owner keeps CAN_MANAGE", () => {
    const m = mount();
    m.tab.updatePermissions(message([OWNER, BOT, ADMINS]));
    m.row("6f1c-etl").querySelector<HTMLButtonElement>('[data-role="make-owner"]')!.click();
    expect(m.lastGrants()).toEqual([{ ...OWNER, level: "CAN_MANAGE" }, { ...BOT, level: "IS_OWNER" }, ADMINS]);
    expect(m.row("6f1c-etl").dataset.owner).toBe("true");
    expect(m.row("ann@example.com").dataset.level).toBe("CAN_MANAGE");
  });

  it("choosing IS_OWNER in a row's level moves ownership too; another level just changes it", () => {
    const m = mount();
    m.tab.updatePermissions(message([OWNER, VIEWERS, BOT]));
    const select = m.row("analysts").querySelector<HTMLSelectElement>('[data-role="level"]')!;
    select.value = "CAN_MANAGE";
    select.dispatchEvent(new Event("change"));
    expect(m.lastGrants()).toEqual([OWNER, { ...VIEWERS, level: "CAN_MANAGE" }, BOT]);
    const bot = m.row("6f1c-etl").querySelector<HTMLSelectElement>('[data-role="level"]')!;
    bot.value = "IS_OWNER";
    bot.dispatchEvent(new Event("change"));
    expect(m.lastGrants()).toEqual([{ ...OWNER, level: "CAN_MANAGE" }, { ...VIEWERS, level: "CAN_MANAGE" }, { ...BOT, level: "IS_OWNER" }]);
  });

  it("shows problems at their rows, and the others above the table", () => {
    const m = mount();
    m.tab.updatePermissions(
      message([OWNER, VIEWERS, ADMINS], {
        problems: [
          { code: "acl-redundant-grant", severity: "warning", message: "Group analysts already inherits", task_key: null, field: "access_control_list[1].permission_level", path: ["access_control_list", 1, "permission_level"] },
          { code: "acl-owner-count", severity: "error", message: "The job must have exactly one owner", task_key: null, field: "access_control_list" },
        ],
      }),
    );
    expect(m.row("analysts").textContent).toContain("already inherits");
    expect(m.row("analysts").classList.contains("loom-pt-row--warning")).toBe(true);
    const top = m.q('[data-role="top-problems"]')!;
    expect(top.hidden).toBe(false);
    expect(top.textContent).toContain("exactly one owner");
  });

  it("transferOwnership adds a missing principal as owner", () => {
    expect(transferOwnership([OWNER, ADMINS], "user_name", "bob")).toEqual([{ ...OWNER, level: "CAN_MANAGE" }, ADMINS, grant("user_name", "bob", "IS_OWNER")]);
  });
});

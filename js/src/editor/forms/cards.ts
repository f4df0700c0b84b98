// A list of keyed objects drawn as cards (the job's job_clusters and environments): a key per
// card, "used by" the tasks using it, actions, and the card's own fields (views at absolute
// paths, so problems land at them). Subclasses say which fields and what the actions do.
import type { JsonPath, Problem } from "../protocol";
import type { FieldSpec } from "./types";
import { Base, addButton, display, type Env, type View } from "./view";
import { h, uid } from "../dom";
import { hasFocus } from "./text-input";
import { isObject, pathKey } from "./paths";

export interface Card {
  index: number;
  key: string;
  el: HTMLElement;
  keyInput: HTMLInputElement;
  msgs: HTMLElement;
  body: HTMLElement;
  views: View[];
}

const USED_BY_SHOWN = 6;

export abstract class CardsView extends Base {
  protected cards: Card[] = [];
  protected readonly listEl: HTMLElement;
  protected readonly addBtn: HTMLButtonElement;
  private readonly emptyEl: HTMLElement;
  private sig = "";
  /** Keys Python refused, by card index: the text typed stays in the card whose key was `from`. */
  private readonly refusedKeys = new Map<number, { from: string; text: string; message: string }>();

  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { bare: true });
    this.claims = [spec.path];
    this.listEl = h("div", { class: "loom-f-cards", role: "list", "aria-label": spec.label });
    this.emptyEl = h("div", { class: "loom-f-empty-list" }, this.emptyText());
    this.addBtn = addButton(spec.addLabel ?? "Add", () => this.addItem());
    this.body.append(this.emptyEl, this.listEl, h("div", { class: "loom-f-rows-footer" }, this.addBtn));
  }

  /** The key of an item ("job_cluster_key"). */
  protected abstract readonly keyName: string;
  /** The `usage` list to read ("job_cluster"). */
  protected abstract readonly usageKind: "job_cluster" | "environment";
  /** What a card is called ("job cluster"). */
  protected abstract readonly noun: string;
  protected abstract emptyText(): string;
  /** The card's fields (absolute paths under [...path, index]). */
  protected abstract fields(index: number, item: Record<string, unknown>): FieldSpec[];
  /** A new item for "Add" (its key unique). */
  protected abstract newItem(key: string): Record<string, unknown>;
  /** Keys of the item the card shows; the others are listed as kept. */
  protected abstract shownKeys(): Set<string>;
  /** More of a card: actions in its head, content after its fields; views to update and flush. */
  protected decorate(_card: Card, _item: Record<string, unknown>, _head: HTMLElement): View[] {
    return [];
  }
  /** The key of a card was changed (blur / Enter). */
  protected abstract rename(index: number, from: string, to: string): void;
  /** Extra input of the structure (the worker mode of a cluster). */
  protected itemSig(_item: Record<string, unknown>): string {
    return "";
  }

  protected items(): Record<string, unknown>[] {
    const v = this.value();
    return Array.isArray(v) ? v.map((x) => (isObject(x) ? x : {})) : [];
  }

  protected usage(): Record<string, string[]> {
    return this.env.ctx.usage?.(this.usageKind) ?? {};
  }

  protected usedBy(key: string): string[] {
    return this.usage()[key] ?? [];
  }

  protected at(index: number, ...rest: (string | number)[]): JsonPath {
    return [...this.spec.path, index, ...rest];
  }

  private structure(): string {
    return JSON.stringify([this.items().map((item) => [display(item[this.keyName]), this.itemSig(item)]), this.usage()]);
  }

  update(): void {
    const sig = this.structure();
    if (sig !== this.sig) {
      this.sig = sig;
      this.redraw();
      return;
    }
    const items = this.items();
    for (const card of this.cards) {
      if (!hasFocus(card.keyInput) && !this.refusedKeys.has(card.index)) card.keyInput.value = display(items[card.index]?.[this.keyName]);
      for (const v of card.views) v.update();
    }
  }

  private redraw(): void {
    // Keep the focus on the same card and control.
    const active = document.activeElement as HTMLElement | null;
    const at = this.cards.find((c) => active && c.el.contains(active));
    const focusPath = active?.closest<HTMLElement>("[data-path]")?.dataset.path;
    const focusKey = at && active === at.keyInput;
    for (const card of this.cards) for (const v of card.views) {
      v.flush();
      v.destroy();
    }
    this.cards = this.items().map((item, i) => this.drawCard(i, item));
    this.listEl.replaceChildren(...this.cards.map((c) => c.el));
    this.emptyEl.hidden = this.cards.length > 0;
    if (at) {
      const card = this.cards[Math.min(at.index, this.cards.length - 1)];
      if (card) {
        const target = focusKey ? card.keyInput : focusPath ? card.el.querySelector<HTMLElement>(`[data-path="${CSS.escape(focusPath)}"] input, [data-path="${CSS.escape(focusPath)}"] select`) : null;
        target?.focus();
      }
    }
  }

  private drawCard(index: number, item: Record<string, unknown>): Card {
    const key = display(item[this.keyName]);
    const keyInput = this.wire(
      h("input", { class: "loom-f-input loom-f-card-key", type: "text", "aria-label": `${this.noun[0].toUpperCase()}${this.noun.slice(1)} key`, "data-part": "key", spellcheck: "false", autocomplete: "off", placeholder: this.keyName }),
    );
    keyInput.value = key;
    const commitKey = () => {
      const next = keyInput.value.trim();
      if (next === "" || next === key) {
        keyInput.value = key;
        return;
      }
      this.rename(index, key, next);
    };
    keyInput.addEventListener("change", commitKey);
    keyInput.addEventListener("input", () => this.unrefuse(card));
    keyInput.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        commitKey();
      } else if (e.key === "Escape") {
        keyInput.value = key;
      }
    });
    const users = this.usedBy(key);
    const usage = h("div", { class: "loom-f-card-usage" });
    if (users.length === 0) usage.append(h("span", { class: "loom-f-muted" }, "Not used by any task"));
    else {
      usage.append(h("span", { class: "loom-f-muted" }, `Used by ${users.length === 1 ? "" : `${users.length} tasks: `}`));
      users.slice(0, USED_BY_SHOWN).forEach((task, i) => {
        if (i > 0) usage.append(h("span", { class: "loom-f-muted" }, ", "));
        const open = this.env.ctx.openTask;
        if (open) {
          const link = h("button", { type: "button", class: "loom-f-link-btn loom-f-task-link", title: `Show ${task} on the Tasks tab`, "data-task": task }, task);
          link.addEventListener("click", () => open(task));
          usage.append(link);
        } else usage.append(h("span", { class: "loom-f-task-name" }, task));
      });
      if (users.length > USED_BY_SHOWN) usage.append(h("span", { class: "loom-f-muted", title: users.join(", ") }, ` and ${users.length - USED_BY_SHOWN} more`));
    }
    usage.dataset.count = String(users.length);
    const head = h("div", { class: "loom-f-card-head" }, keyInput, h("span", { class: "loom-f-card-spacer" }));
    const remove = h("button", { type: "button", class: "loom-f-btn loom-f-card-remove", "data-action": "remove" }, "Remove");
    remove.disabled = users.length > 0;
    remove.title = users.length > 0 ? `Used by ${users.length === 1 ? "a task" : `${users.length} tasks`}: move ${users.length === 1 ? "it" : "them"} to another ${this.noun} first` : `Remove the ${this.noun} ${key}`;
    remove.setAttribute("aria-label", `Remove the ${this.noun} ${key}`);
    remove.addEventListener("click", () => this.removeItem(index));
    const msgs = h("div", { class: "loom-f-card-msgs", id: uid() });
    keyInput.setAttribute("aria-describedby", `${keyInput.getAttribute("aria-describedby") ?? ""} ${msgs.id}`.trim());
    const body = h("div", { class: "loom-f-card-body" });
    const el = h("div", { class: "loom-f-card", role: "listitem", "data-key": key, "data-index": index, "data-path": pathKey(this.at(index)) }, head, usage, msgs, body);
    const card: Card = { index, key, el, keyInput, msgs, body, views: [] };
    card.views = this.fields(index, item).map((f) => this.env.create(f));
    body.append(...card.views.map((v) => v.el));
    card.views.push(...this.decorate(card, item, head));
    head.append(remove);
    const shown = this.shownKeys();
    const others = Object.keys(item).filter((k) => k !== this.keyName && !shown.has(k));
    if (others.length) el.append(h("div", { class: "loom-f-note loom-f-card-kept" }, `Also kept as they are: ${others.join(", ")}`));
    this.markRefused(card);
    return card;
  }

  /** A key Python refused: the card shows the text typed, marked, with Python's message. */
  private markRefused(card: Card): void {
    const refused = this.refusedKeys.get(card.index);
    if (!refused) return;
    if (refused.from !== card.key) {
      this.refusedKeys.delete(card.index);
      return;
    }
    card.keyInput.value = refused.text;
    card.keyInput.setAttribute("aria-invalid", "true");
    card.el.classList.add("loom-f-card-invalid");
    card.el.dataset.refused = "true";
    card.msgs.querySelector(".loom-f-refused")?.remove();
    card.msgs.prepend(h("div", { class: "loom-f-msg loom-f-msg--error loom-f-refused" }, refused.message));
  }

  /** The user changed a refused key: the mark goes (Python judges the next value). */
  private unrefuse(card: Card): void {
    if (!this.refusedKeys.delete(card.index)) return;
    card.msgs.querySelector(".loom-f-refused")?.remove();
    delete card.el.dataset.refused;
    if (!card.msgs.querySelector(".loom-f-msg--error")) {
      card.el.classList.remove("loom-f-card-invalid");
      card.keyInput.removeAttribute("aria-invalid");
    }
  }

  override refuse(message: string, rest: JsonPath): void {
    const i = typeof rest[0] === "number" ? rest[0] : /^\d+$/.test(String(rest[0] ?? "")) ? Number(rest[0]) : -1;
    const card = this.cards[i];
    if (!card || (rest.length > 1 && rest[1] !== this.keyName)) {
      super.refuse(message, rest);
      return;
    }
    // The forms' copy went back to Python's list: the card is drawn again under its key, with
    // the text typed.
    this.refusedKeys.set(i, { from: display(this.items()[i]?.[this.keyName]), text: card.keyInput.value, message });
    this.update();
    const drawn = this.cards[i];
    if (drawn) this.markRefused(drawn);
  }

  private uniqueKey(): string {
    const keys = new Set(this.items().map((i) => display(i[this.keyName])));
    const base = this.noun.replace(/ /g, "_");
    if (!keys.has(base)) return base;
    let n = 2;
    while (keys.has(`${base}_${n}`)) n += 1;
    return `${base}_${n}`;
  }

  private addItem(): void {
    this.flush();
    const list = this.items();
    this.env.send(this.spec.path, [...(Array.isArray(this.value()) ? (this.value() as unknown[]) : []), this.newItem(this.uniqueKey())]);
    this.update();
    const card = this.cards[list.length];
    card?.keyInput.focus();
    card?.keyInput.select();
  }

  private removeItem(index: number): void {
    this.flush();
    const list = Array.isArray(this.value()) ? (this.value() as unknown[]).slice() : [];
    list.splice(index, 1);
    this.env.send(this.spec.path, list.length ? list : undefined);
    this.update();
    (this.cards[Math.min(index, this.cards.length - 1)]?.keyInput ?? this.addBtn).focus();
  }

  /** The list with item `index`'s key set to `to` (the other keys kept). */
  protected renamed(index: number, to: string): unknown[] {
    const list = Array.isArray(this.value()) ? (this.value() as unknown[]).slice() : [];
    list[index] = { ...(isObject(list[index]) ? list[index] : {}), [this.keyName]: to };
    return list;
  }

  override addProblem(problem: Problem, rest: JsonPath): void {
    const i = typeof rest[0] === "number" ? rest[0] : /^\d+$/.test(String(rest[0] ?? "")) ? Number(rest[0]) : -1;
    const card = this.cards[i];
    if (!card) {
      super.addProblem(problem, rest);
      return;
    }
    const warning = problem.severity === "warning";
    card.msgs.append(h("div", { class: `loom-f-msg loom-f-problem loom-f-msg--${warning ? "warning" : "error"}` }, problem.message));
    card.el.classList.add(warning ? "loom-f-card-warned" : "loom-f-card-invalid");
    if (rest[1] === this.keyName && !warning) card.keyInput.setAttribute("aria-invalid", "true");
  }

  override clearProblems(): void {
    super.clearProblems();
    for (const card of this.cards) {
      for (const m of Array.from(card.msgs.querySelectorAll(":scope > .loom-f-problem"))) m.remove();
      card.el.classList.remove("loom-f-card-warned", "loom-f-card-invalid");
      card.keyInput.removeAttribute("aria-invalid");
      this.markRefused(card);
    }
  }

  override children(): View[] {
    return this.cards.flatMap((c) => c.views);
  }
  override flush(): void {
    for (const v of this.children()) v.flush();
  }
  override destroy(): void {
    for (const v of this.children()) v.destroy();
  }
}

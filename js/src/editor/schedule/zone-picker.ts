// The time zone picker: a combobox over the Java time zones Python offers, searched by city,
// region or UTC offset; a zone typed that is not in the list is kept as typed.
import { h, icon } from "../dom";
import { hasFocus } from "../forms/text-input";
import type { TimeZoneOption } from "../protocol";

export class ZonePicker {
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  private readonly list: HTMLUListElement;
  private readonly popup: HTMLElement;
  private readonly status: HTMLElement;
  private readonly offsetBadge: HTMLElement;
  readonly note: HTMLElement;
  private zones: TimeZoneOption[] | null = null;
  private shownItems: TimeZoneOption[] = [];
  private active = -1;
  private value = "";
  private closeTimer: ReturnType<typeof setTimeout> | null = null;
  /** Python reports a problem with the zone (the form says so). */
  private problem = false;

  constructor(
    private readonly choose: (id: string) => void,
    private readonly wantZones: () => void,
  ) {
    const listId = `loom-st-tz-list-${Math.random().toString(36).slice(2, 8)}`;
    this.input = h("input", {
      class: "loom-f-input loom-st-tz-input",
      "data-role": "tz-input",
      role: "combobox",
      "aria-label": "Time zone",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": listId,
      spellcheck: "false",
      autocomplete: "off",
      placeholder: "Search: city, region, UTC+05:30…",
    });
    this.offsetBadge = h("span", { class: "loom-st-tz-offset", "data-role": "tz-offset" });
    this.list = h("ul", { class: "loom-st-tz-list", id: listId, role: "listbox" });
    this.status = h("div", { class: "loom-st-tz-status" });
    this.popup = h("div", { class: "loom-st-tz-popup", hidden: true, "data-role": "tz-list" }, this.list, this.status);
    this.note = h("div", { class: "loom-st-tz-note", "data-role": "tz-note", id: `${listId}-note` });
    this.input.setAttribute("aria-describedby", this.note.id);
    const field = h("div", { class: "loom-st-tz-field" }, icon("globe", "loom-st-icon"), this.input, this.offsetBadge);
    this.element = h("div", { class: "loom-st-tz", "data-role": "tz-picker" }, field, this.popup);

    this.input.addEventListener("focus", () => {
      this.wantZones();
      this.input.select();
      this.open("");
    });
    this.input.addEventListener("input", () => this.open(this.input.value));
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    this.input.addEventListener("blur", () => {
      this.closeTimer = setTimeout(() => this.close(true), 120);
    });
    this.list.addEventListener("mousedown", (event) => {
      event.preventDefault(); // keep the focus in the input
      const item = (event.target as Element).closest<HTMLElement>("[data-zone-id]");
      if (item?.dataset.zoneId) this.pick(item.dataset.zoneId);
    });
  }

  setZones(zones: TimeZoneOption[]): void {
    this.zones = zones;
    this.refreshValue();
    if (!this.popup.hidden) this.open(this.input.value === this.value ? "" : this.input.value);
  }

  /** The job's zone id (not while the user is choosing). */
  set(id: string): void {
    this.value = id;
    if (!hasFocus(this.input)) this.input.value = id;
    this.refreshValue();
  }

  private refreshValue(): void {
    const zone = this.zones?.find((z) => z.id === this.value) ?? null;
    this.offsetBadge.textContent = zone ? `UTC${zone.offset}` : "";
    this.offsetBadge.hidden = !zone;
    const parts: Node[] = [];
    if (zone?.alias_of) parts.push(h("span", { class: "loom-st-tz-alias", text: `An alias of ${zone.alias_of}. ` }));
    if (zone?.note) parts.push(h("span", { class: "loom-st-tz-warn", text: `${zone.note.charAt(0).toUpperCase()}${zone.note.slice(1)}.` }));
    const unknown = this.zones !== null && !zone && this.value !== "";
    if (unknown) parts.push(h("span", { class: "loom-st-tz-warn", "data-role": "tz-unknown", text: `schedule.timezone_id “${this.value}” is not among the Java time zones offered here.` }));
    this.note.replaceChildren(...parts);
    this.note.hidden = parts.length === 0;
    // The zone stays as typed (it is the job's), marked while it is not one Databricks knows.
    if (unknown || this.problem) this.input.setAttribute("aria-invalid", "true");
    else this.input.removeAttribute("aria-invalid");
  }

  /** Whether Python reports an error at the zone; also describe the input by those messages. */
  markProblem(invalid: boolean, messages: HTMLElement): void {
    this.problem = invalid;
    if (!messages.id) messages.id = `${this.note.id}-msgs`;
    this.input.setAttribute("aria-describedby", `${this.note.id} ${messages.id}`);
    this.refreshValue();
  }

  private filter(query: string): TimeZoneOption[] {
    const zones = this.zones ?? [];
    const q = query.trim().toLowerCase().replace(/\s+/g, " ");
    if (!q) return zones;
    const compact = q.replace(/^(utc|gmt)\s*/, "");
    const rank = (z: TimeZoneOption): number => {
      const id = z.id.toLowerCase();
      if (id === q) return 0;
      const city = id.slice(id.lastIndexOf("/") + 1);
      if (city.startsWith(q) || city.replace(/_/g, " ").startsWith(q)) return 1;
      if (id.includes(q) || id.replace(/_/g, " ").includes(q)) return 2;
      return 3; // by its label (offset) or the zone it is an alias of
    };
    return zones.filter((z) => {
      const hay = `${z.id} ${z.label} ${z.alias_of ?? ""}`.toLowerCase();
      if (hay.includes(q) || hay.replace(/_/g, " ").includes(q)) return true;
      // "utc+5", "+05:30", "-4"
      if (/^[+-]\d/.test(compact)) {
        const sign = compact[0];
        const digits = compact.slice(1).replace(":", "");
        const offset = z.offset.replace(":", "");
        return offset.startsWith(sign + digits.padStart(2, "0")) || offset.startsWith(sign + digits);
      }
      return false;
    }).map((z, i) => [rank(z), i, z] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, , z]) => z);
  }

  private open(query: string): void {
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    this.popup.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    if (!this.zones) {
      this.list.replaceChildren();
      this.status.textContent = "Loading time zones…";
      return;
    }
    const found = this.filter(query);
    const limit = 300;
    this.shownItems = found.slice(0, limit);
    this.active = this.shownItems.findIndex((z) => z.id === this.value);
    if (query && this.active < 0) this.active = this.shownItems.length ? 0 : -1;
    this.list.replaceChildren(
      ...this.shownItems.map((z, i) =>
        h(
          "li",
          {
            class: `loom-st-tz-item${i === this.active ? " loom-st-active" : ""}${z.id === this.value ? " loom-st-current" : ""}`,
            role: "option",
            "aria-selected": i === this.active ? "true" : "false",
            "data-zone-id": z.id,
          },
          h("span", { class: "loom-st-tz-item-offset", text: `UTC${z.offset}` }),
          h("span", { class: "loom-st-tz-item-id", text: z.id }),
          z.alias_of ? h("span", { class: "loom-st-tz-item-alias", text: `→ ${z.alias_of}` }) : null,
          z.note ? h("span", { class: "loom-st-tz-item-note", title: z.note, text: z.note }) : null,
        ),
      ),
    );
    const more = found.length - this.shownItems.length;
    this.status.textContent = found.length === 0
      ? (query.trim() ? `No Java time zone matches “${query.trim()}”. Enter uses it as typed.` : "No time zones.")
      : more > 0 ? `${more} more: type to narrow the list.` : `${found.length} time zone${found.length === 1 ? "" : "s"}`;
    this.scrollToActive();
  }

  private scrollToActive(): void {
    const item = this.list.children[this.active] as HTMLElement | undefined;
    if (item && typeof item.scrollIntoView === "function") item.scrollIntoView({ block: "nearest" });
  }

  private moveActive(step: number): void {
    if (!this.shownItems.length) return;
    const items = this.list.children;
    items[this.active]?.classList.remove("loom-st-active");
    items[this.active]?.setAttribute("aria-selected", "false");
    this.active = Math.max(0, Math.min(this.shownItems.length - 1, this.active + step));
    items[this.active]?.classList.add("loom-st-active");
    items[this.active]?.setAttribute("aria-selected", "true");
    this.scrollToActive();
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (this.popup.hidden) this.open("");
      else this.moveActive(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const chosen = this.shownItems[this.active];
      const typed = this.input.value.trim();
      if (chosen && (this.input.value !== this.value || !typed)) this.pick(chosen.id);
      else if (typed) this.pick(typed);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      this.close(true);
      this.input.blur();
    }
  }

  private pick(id: string): void {
    this.close(false);
    this.input.value = id;
    if (id !== this.value) {
      this.value = id;
      this.refreshValue();
      this.choose(id);
    }
  }

  private close(restore: boolean): void {
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    this.closeTimer = null;
    this.popup.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    if (restore) this.input.value = this.value;
  }

  destroy(): void {
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
  }
}

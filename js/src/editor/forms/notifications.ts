// The notifications field: emails and webhooks per run event, and the mute settings. A webhook is
// a notification destination of the workspace: picked by name, shown by name, and flagged when
// its id is none of the workspace's destinations (the workspace refuses such a save).
import { MAX_WEBHOOKS_PER_EVENT } from "../../generated/limits";
import { h } from "../dom";
import type { Choice } from "../protocol";
import type { FieldSpec, FormContext } from "./types";
import { isObject } from "./paths";
import { browseButton } from "./picker-buttons";
import { StringListView } from "./rows";
import { BooleanView } from "./scalars";
import { Base, display, type Env, type View } from "./view";

const EVENTS = [
  { value: "on_start", label: "Start" },
  { value: "on_success", label: "Success" },
  { value: "on_failure", label: "Failure" },
  { value: "on_duration_warning_threshold_exceeded", label: "Duration warning" },
  { value: "on_streaming_backlog_exceeded", label: "Streaming backlog" },
];

/** The workspace's destination of each id asked about, per form context: null when it has none
 * of that id, undefined when the list could not be read (nothing is flagged then). */
const DESTINATIONS = new WeakMap<FormContext, Map<string, Promise<Choice | null | undefined>>>();

function destination(ctx: FormContext, id: string): Promise<Choice | null | undefined> {
  let known = DESTINATIONS.get(ctx);
  if (!known) {
    known = new Map();
    DESTINATIONS.set(ctx, known);
  }
  let found = known.get(id);
  if (!found) {
    found = ctx.pick("notification_destination", { query: id }).then(
      (choices) => choices.find((c) => c.value === id && !c.more) ?? null,
      () => undefined,
    );
    known.set(id, found);
  }
  return found;
}

/** The webhooks of one event: destination ids, each with a Browse list and its name. */
class WebhooksView extends StringListView {
  protected override drawRow(row: { text: string; orig: unknown }, index: number): HTMLElement {
    const el = super.drawRow(row, index);
    const input = el.querySelector("input") as HTMLInputElement;
    const name = h("span", { class: "loom-f-muted loom-f-hook-name", "data-part": "destination" });
    const show = (): void => {
      const id = input.value.trim();
      name.textContent = "";
      name.className = "loom-f-muted loom-f-hook-name";
      if (!id) return;
      void destination(this.env.ctx, id).then((found) => {
        if (input.value.trim() !== id) return;
        if (found) name.textContent = `${found.label}${found.detail ? ` (${found.detail})` : ""}`;
        else if (found === null) {
          name.className = "loom-f-msg loom-f-msg--warning loom-f-hook-unknown";
          name.textContent = "Not a notification destination of this workspace";
        }
      });
    };
    const spec: FieldSpec = { path: this.spec.path, label: "Destination", kind: "picker", picker: "notification_destination" };
    const browse = browseButton(this.env, spec, el, input, (value) => {
      input.value = value;
      this.deb.touch();
      this.deb.flush();
      show();
    });
    browse.setAttribute("aria-label", `Browse destinations: ${this.spec.label.toLowerCase()} ${index + 1}`);
    input.after(browse);
    input.addEventListener("change", show);
    el.append(name);
    show();
    return el;
  }
}

export class NotificationsView extends Base {
  private readonly views: View[] = [];
  constructor(env: Env, spec: FieldSpec) {
    super(env, spec, { bare: true });
    const p = spec.path;
    this.claims = [[...p, "email_notifications"], [...p, "webhook_notifications"], [...p, "notification_settings"]];
    const table = h("div", { class: "loom-f-events", role: "group", "aria-label": "Notifications per event" });
    for (const ev of EVENTS) {
      const emails = new StringListView(env, { path: [...p, "email_notifications", ev.value], label: `Emails on ${ev.label.toLowerCase()}`, kind: "string_list", placeholder: "name@example.com" }, { bare: true, addLabel: "Email", rowLabel: `Email on ${ev.label.toLowerCase()}`, prefix: "mail" });
      const hooks = new WebhooksView(
        env,
        { path: [...p, "webhook_notifications", ev.value], label: `Webhooks on ${ev.label.toLowerCase()}`, kind: "string_list", placeholder: "Destination ID", maxItems: MAX_WEBHOOKS_PER_EVENT },
        {
          bare: true,
          addLabel: "Webhook",
          rowLabel: `Webhook on ${ev.label.toLowerCase()}`,
          prefix: "hook",
          decode: (value) => (Array.isArray(value) ? value.map((w) => ({ text: isObject(w) ? display(w.id) : display(w), orig: w })) : []),
          encode: (text, orig) => ({ ...(isObject(orig) ? orig : {}), id: text }),
        },
      );
      this.views.push(emails, hooks);
      table.append(h("div", { class: "loom-f-event", "data-event": ev.value }, h("div", { class: "loom-f-event-name" }, ev.label), h("div", { class: "loom-f-event-lists" }, emails.el, hooks.el)));
    }
    const hidden = new Set(spec.hide ?? []);
    const settings = [
      { key: "no_alert_for_skipped_runs", label: "Mute notifications for skipped runs" },
      { key: "no_alert_for_canceled_runs", label: "Mute notifications for canceled runs" },
      { key: "alert_on_last_attempt", label: "Mute notifications until the last retry" },
    ].filter((s) => !hidden.has(s.key)).map((s) => new BooleanView(env, { path: [...p, "notification_settings", s.key], label: s.label, kind: "boolean" }));
    this.views.push(...settings);
    this.body.append(table, h("div", { class: "loom-f-note" }, `Webhooks: system notification destinations, at most ${MAX_WEBHOOKS_PER_EVENT} per event.`), h("div", { class: "loom-f-settings" }, ...settings.map((v) => v.el)));
  }
  update(): void {
    for (const v of this.views ?? []) v.update();
  }
  override children(): View[] {
    return this.views;
  }
  override flush(): void {
    for (const v of this.views) v.flush();
  }
  override destroy(): void {
    for (const v of this.views) v.destroy();
  }
}

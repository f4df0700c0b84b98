// The "Next runs" card of a cron schedule: Python's preview of the next fire times in the job's
// zone and the viewer's, what daylight saving does to them, from now or from a chosen time.
import { h, icon } from "../dom";
import type { FireTime, SchedulePreview } from "../protocol";
import type { JobTabContext } from "../tab-types";
import { type WallTime, viewerTimeZone, wallTime } from "./times";

export class PreviewCard {
  readonly element: HTMLElement;
  private latest = 0;
  private lastKey = "";
  private expression = "";
  private zone = "UTC";
  private readonly status: HTMLElement;
  private readonly from: HTMLInputElement;
  private readonly description: HTMLElement;
  private readonly warnings: HTMLElement;
  private readonly tableBody: HTMLTableSectionElement;
  private readonly jobZoneHead: HTMLElement;
  private readonly viewerZoneHead: HTMLElement;
  private readonly ends: HTMLElement;

  constructor(
    private readonly ctx: JobTabContext,
    private readonly shown: (preview: SchedulePreview) => void,
  ) {
    this.description = h("div", { class: "loom-st-description", "data-role": "schedule-description" });
    this.status = h("span", { class: "loom-st-preview-status", "data-role": "preview-status" });
    // "Next runs after …": a wall time in the job's zone (Python reads it so); empty is now. To
    // check a date ahead, such as next March's clock change.
    this.from = h("input", {
      class: "loom-f-input loom-st-from",
      type: "datetime-local",
      step: "1",
      "data-role": "preview-from",
      "aria-label": "Show the runs after this time (the job's time zone; empty: now)",
      title: "Show the runs after this time, in the job's time zone (empty: from now)",
    }) as HTMLInputElement;
    this.from.addEventListener("change", () => this.request(this.expression, this.zone, true));
    this.warnings = h("ul", { class: "loom-st-warnings", "data-role": "dst-warnings", hidden: true });
    this.jobZoneHead = h("th", { scope: "col" });
    this.viewerZoneHead = h("th", { scope: "col" });
    this.tableBody = h("tbody", {});
    const table = h(
      "table",
      { class: "loom-st-fires", "data-role": "fire-times" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col", class: "loom-st-n", text: "#" }), this.jobZoneHead, this.viewerZoneHead, h("th", { scope: "col", text: "Daylight saving" }))),
      this.tableBody,
    );
    this.ends = h("div", { class: "loom-st-help", "data-role": "preview-ends", hidden: true });
    this.element = h(
      "section",
      { class: "loom-st-card loom-st-preview", "data-role": "schedule-preview" },
      h("div", { class: "loom-st-preview-head" }, h("h4", { class: "loom-st-card-title", text: "Next runs" }), h("label", { class: "loom-st-from-label" }, "after ", this.from), this.status),
      this.description,
      this.warnings,
      h("div", { class: "loom-st-table-wrap" }, table),
      this.ends,
    );
  }

  private key(expression: string, zone: string): string {
    return `${expression}\u0000${zone}\u0000${this.from.value}`;
  }

  /** Whether the last preview asked for is of this schedule (from the time chosen). */
  isOf(expression: string, zone: string): boolean {
    return this.lastKey === this.key(expression, zone);
  }

  /** Ask Python for the preview of this schedule (not again for the same one, unless `force`). */
  request(expression: string, zone: string, force = false): void {
    this.expression = expression;
    this.zone = zone;
    const from = this.from.value;
    const key = this.key(expression, zone);
    if (key === this.lastKey && !force) return;
    this.lastKey = key;
    const id = this.ctx.nextId();
    this.latest = id;
    this.element.classList.add("loom-st-pending");
    this.status.textContent = "Updating…";
    this.ctx
      .request<{ kind: "schedule_preview"; request_id: number; preview: SchedulePreview }>({
        kind: "schedule_preview",
        request_id: id,
        quartz_cron_expression: expression,
        timezone_id: zone,
        viewer_timezone: viewerTimeZone(),
        count: 10,
        ...(from ? { start: from } : {}),
      })
      .then((reply) => {
        if (id !== this.latest) return; // an older request: a newer one is on its way
        this.show(reply.preview);
      })
      .catch((error: unknown) => {
        if (id !== this.latest) return;
        this.element.classList.remove("loom-st-pending");
        this.status.textContent = `Preview failed: ${error instanceof Error ? error.message : String(error)}`;
        this.lastKey = "";
      });
  }

  private show(preview: SchedulePreview): void {
    this.element.classList.remove("loom-st-pending");
    this.status.textContent = "";
    this.element.dataset.valid = String(preview.valid);
    this.shown(preview);

    this.description.replaceChildren();
    if (preview.description) this.description.append(icon("clock", "loom-st-icon"), h("span", { text: preview.description }));
    this.description.hidden = !preview.description;

    const warnings = preview.warnings;
    this.warnings.replaceChildren(
      ...warnings.map((w) =>
        h(
          "li",
          { class: `loom-st-warning loom-st-warning--${w.kind}`, "data-kind": w.kind, "data-date": w.date ?? undefined },
          icon(w.kind === "repeated" ? "repeat" : w.kind === "skipped" ? "skip" : "warn", "loom-st-icon"),
          h("span", {}, w.kind === "skipped" ? h("strong", { text: "Skipped run. " }) : w.kind === "repeated" ? h("strong", { text: "Repeated hour. " }) : null, w.message),
        ),
      ),
    );
    this.warnings.hidden = warnings.length === 0;

    const viewerName = preview.viewer_timezone;
    this.jobZoneHead.replaceChildren("Job time ", h("span", { class: "loom-st-th-zone", text: preview.timezone_id }));
    this.jobZoneHead.title = `In the job's time zone, ${preview.timezone_id}`;
    this.viewerZoneHead.replaceChildren("Your time ", h("span", { class: "loom-st-th-zone", text: viewerName }));
    this.viewerZoneHead.title = `In your browser's time zone, ${viewerName}`;
    this.tableBody.replaceChildren(...rows(preview));
    const anyNotes = preview.fire_times.some((f) => f.dst.length > 0) || preview.skipped.length > 0;
    this.element.classList.toggle("loom-st-no-notes", !anyNotes);

    const n = preview.fire_times.length;
    this.ends.hidden = !preview.valid || !preview.ends;
    this.ends.textContent = n === 0 ? "This schedule never fires again." : `The schedule stops firing after ${n === 1 ? "this run" : `these ${n} runs`}.`;
  }
}

/** The table's rows: the fire times in order, a run the clocks skip where it would have been. */
function rows(preview: SchedulePreview): HTMLTableRowElement[] {
  if (!preview.valid) {
    return [h("tr", { class: "loom-st-empty-row" }, h("td", { colspan: 4, text: "No runs to show: the schedule is not valid (see the problem above)." }))];
  }
  if (!preview.fire_times.length) return [h("tr", { class: "loom-st-empty-row" }, h("td", { colspan: 4, text: "No future runs." }))];
  const out: HTMLTableRowElement[] = [];
  const skipped = [...preview.skipped].sort((a, b) => a.wall_time.localeCompare(b.wall_time));
  let s = 0;
  preview.fire_times.forEach((fire, i) => {
    const wallText = fire.job_time.slice(0, 19);
    while (s < skipped.length && skipped[s].wall_time.slice(0, 19) < wallText) {
      out.push(skippedRow(skipped[s], preview.timezone_id));
      s += 1;
    }
    out.push(fireRow(fire, i));
  });
  return out;
}

function skippedRow(skip: SchedulePreview["skipped"][number], zone: string): HTMLTableRowElement {
  const wall = wallTime(skip.wall_time);
  const reason =
    skip.reason === "nonexistent"
      ? `Not run: ${wall?.time ?? skip.wall_time} does not exist that day (clocks go forward in ${zone}).`
      : "Not run: Quartz 2.3.2 (and so Databricks) jumps past this time after the clocks go forward.";
  return h(
    "tr",
    { class: "loom-st-row loom-st-row--skipped", "data-role": "skipped-run", "data-wall-time": skip.wall_time, "data-reason": skip.reason },
    h("td", { class: "loom-st-n", title: "Skipped", text: "✕" }),
    h("td", {}, timeCell(wall, skip.wall_time, "", true)),
    h("td", { class: "loom-st-muted", text: "—" }),
    h("td", { class: "loom-st-dst-notes" }, h("div", { class: "loom-st-dst-note", "data-kind": "skipped" }, icon("skip", "loom-st-icon"), h("span", { text: reason }))),
  );
}

function fireRow(fire: FireTime, index: number): HTMLTableRowElement {
  const kinds = fire.dst.map((d) => d.kind);
  const job = wallTime(fire.job_time);
  const viewer = wallTime(fire.viewer_time);
  const sameAsJob = fire.viewer_time === fire.job_time && fire.viewer_zone_name === fire.job_zone_name;
  return h(
    "tr",
    {
      class: `loom-st-row${kinds.length ? " loom-st-row--dst" : ""}`,
      "data-role": "fire-time",
      "data-index": index,
      "data-utc": fire.utc,
      "data-job-time": fire.job_time,
      "data-viewer-time": fire.viewer_time,
      "data-dst": kinds.length ? kinds.join(" ") : undefined,
    },
    h("td", { class: "loom-st-n", text: String(index + 1) }),
    h("td", { class: "loom-st-job-time" }, timeCell(job, fire.job_time, fire.job_zone_name)),
    h("td", { class: `loom-st-viewer-time${sameAsJob ? " loom-st-same" : ""}` }, timeCell(viewer, fire.viewer_time, fire.viewer_zone_name)),
    h("td", { class: "loom-st-dst-notes" }, fire.dst.map((d) => h("div", { class: `loom-st-dst-note loom-st-dst-note--${d.kind}`, "data-kind": d.kind }, icon(d.kind === "repeated" ? "repeat" : "warn", "loom-st-icon"), h("span", { text: d.message })))),
  );
}

function timeCell(wall: WallTime | null, iso: string, zoneName: string, struck = false): HTMLElement {
  if (!wall) return h("span", { text: iso });
  return h(
    "span",
    { class: `loom-st-when${struck ? " loom-st-struck" : ""}`, title: wall.offset ? `${iso} (UTC${wall.offset})` : iso },
    h("span", { class: "loom-st-date", text: wall.date }),
    h("span", { class: "loom-st-time", text: wall.time }),
    zoneName ? h("span", { class: "loom-st-zone", text: zoneName }) : null,
  );
}

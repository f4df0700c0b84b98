// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ScheduleTab } from "../src/editor/schedule-tab";
import { wallTime } from "../src/editor/schedule/times";
import { problemPath } from "../src/editor/tabs";
import type { EditOp, FromPython, JsonPath, Problem, SchedulePreview, ToPython, TriggerView } from "../src/editor/protocol";
import type { JobMessage, JobTabContext } from "../src/editor/tab-types";

interface Pending {
  message: ToPython & { request_id: number };
  resolve: (reply: FromPython) => void;
  reject: (error: unknown) => void;
}

function fakeCtx() {
  const edits: EditOp[] = [];
  const fields: [JsonPath, unknown][] = [];
  const requests: Pending[] = [];
  const sent: ToPython[] = [];
  let id = 0;
  const ctx: JobTabContext = {
    edit: (op) => edits.push(op),
    setJobField: (path, value) => fields.push([path, value]),
    request: <T extends FromPython>(message: ToPython & { request_id: number }) =>
      new Promise<T>((resolve, reject) => requests.push({ message, resolve: resolve as (r: FromPython) => void, reject })),
    send: (message) => sent.push(message),
    nextId: () => ++id,
    notify: () => undefined,
  };
  const of = (kind: string) => requests.filter((r) => r.message.kind === kind);
  return { ctx, edits, fields, requests, sent, of };
}

function job(settings: Record<string, unknown>, trigger: TriggerView): JobMessage {
  return { kind: "job", settings, trigger, task_keys: [], job_clusters_in_use: {}, environments_in_use: {} };
}

const SCHEDULE = { quartz_cron_expression: "0 30 2 * * ?", timezone_id: "America/New_York", pause_status: "UNPAUSED" };
const scheduledJob = (schedule: Record<string, unknown> = SCHEDULE) =>
  job({ name: "j", schedule }, { kind: "scheduled", pause_status: "UNPAUSED", spec: { ...schedule }, note: null });

function preview(over: Partial<SchedulePreview> = {}): SchedulePreview {
  return {
    expression: "0 30 2 * * ?",
    timezone_id: "America/New_York",
    viewer_timezone: "Europe/Paris",
    valid: true,
    problems: [],
    description: "At 02:30 every day",
    simple: { every: 1, unit: "days", hour: 2, minute: 30, weekdays: [] },
    fire_times: [
      { utc: "2027-03-13T07:30:00Z", job_time: "2027-03-13T02:30:00-05:00", job_zone_name: "EST", viewer_time: "2027-03-13T08:30:00+01:00", viewer_zone_name: "CET", dst: [] },
      {
        utc: "2027-03-15T06:30:00Z",
        job_time: "2027-03-15T02:30:00-04:00",
        job_zone_name: "EDT",
        viewer_time: "2027-03-15T07:30:00+01:00",
        viewer_zone_name: "CET",
        dst: [{ kind: "after_skipped", message: "The 02:30 run on 2027-03-14 before this one is skipped (clocks go forward in America/New_York)." }],
      },
    ],
    ends: false,
    skipped: [{ wall_time: "2027-03-14T02:30:00", reason: "nonexistent" }],
    warnings: [{ kind: "skipped", date: "2027-03-14", message: "On 2027-03-14 the 02:30 run is skipped: clocks go forward from 02:00 to 03:00 in America/New_York." }],
    ...over,
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function mount() {
  const f = fakeCtx();
  const tab = new ScheduleTab(f.ctx);
  document.body.append(tab.element);
  const q = <T extends Element = HTMLElement>(sel: string) => tab.element.querySelector<T>(sel);
  return { ...f, tab, q };
}

async function answerPreview(m: ReturnType<typeof mount>, index: number, p: SchedulePreview) {
  const r = m.of("schedule_preview")[index];
  r.resolve({ kind: "schedule_preview", request_id: r.message.request_id, preview: p });
  await flush();
}

beforeEach(() => document.body.replaceChildren());
afterEach(() => vi.useRealTimers());

describe("helpers", () => {
  it("reads a problem's field as a path", () => {
    const at = (field: string | null) => problemPath({ code: "x", severity: "error", message: "", task_key: null, field });
    expect(at("schedule.quartz_cron_expression")).toEqual(["schedule", "quartz_cron_expression"]);
    expect(at("access_control_list[2].permission_level")).toEqual(["access_control_list", 2, "permission_level"]);
    expect(at(null)).toBeNull();
  });
  it("formats the wall time as written, not in the browser's zone", () => {
    expect(wallTime("2027-03-15T02:30:00-04:00")).toEqual({ date: "Mon 15 Mar 2027", time: "02:30", offset: "-04:00", ymd: "2027-03-15" });
    expect(wallTime("2027-03-15T02:30:15Z")?.time).toBe("02:30:15");
  });
});

describe("the kind chooser", () => {
  it("sends set_trigger_kind with the viewer's zone, and shows the chosen kind", () => {
    const m = mount();
    m.tab.update(job({ name: "j" }, { kind: "none", pause_status: null, spec: null, note: null }));
    expect(m.q('[data-role="trigger-kind"] [data-kind="none"]')?.getAttribute("aria-checked")).toBe("true");
    expect(m.q('[data-role="pause-toggle"]')?.closest<HTMLElement>(".loom-st-pause")?.hidden).toBe(true);
    m.q<HTMLButtonElement>('[data-kind="periodic"]')!.click();
    expect(m.edits).toEqual([{ op: "set_trigger_kind", trigger_kind: "periodic", timezone_id: Intl.DateTimeFormat().resolvedOptions().timeZone }]);
    // Clicking the kind asked for again (before Python answers) sends nothing.
    m.q<HTMLButtonElement>('[data-kind="periodic"]')!.click();
    expect(m.edits.length).toBe(1);
    // Switching back before the answer is a change too: it is sent, and shown.
    m.q<HTMLButtonElement>('[data-kind="none"]')!.click();
    expect(m.edits.map((e) => (e as { trigger_kind?: string }).trigger_kind)).toEqual(["periodic", "none"]);
    expect(m.q('[data-kind="none"]')?.getAttribute("aria-checked")).toBe("true");
    // The answer to the first change does not show it over the second.
    m.tab.update(job({ trigger: { periodic: { interval: 1, unit: "DAYS" } } }, { kind: "periodic", pause_status: "UNPAUSED", spec: { interval: 1, unit: "DAYS" }, note: null }));
    expect(m.q('[data-kind="none"]')?.getAttribute("aria-checked")).toBe("true");
    m.tab.update(job({ name: "j" }, { kind: "none", pause_status: null, spec: null, note: null }));
    expect(m.q('[data-kind="none"]')?.getAttribute("aria-checked")).toBe("true");
  });

  it("shows a periodic trigger's fields and edits them by path", () => {
    vi.useFakeTimers();
    const m = mount();
    m.tab.update(
      job({ trigger: { pause_status: "PAUSED", periodic: { interval: 4, unit: "HOURS" }, x_new: 1 } }, { kind: "periodic", pause_status: "PAUSED", spec: { interval: 4, unit: "HOURS" }, note: null }),
    );
    const interval = m.q<HTMLInputElement>('[data-field="trigger.periodic.interval"]')!;
    const unit = m.q<HTMLSelectElement>('[data-field="trigger.periodic.unit"]')!;
    expect(interval.value).toBe("4");
    expect(unit.value).toBe("HOURS");
    interval.value = "6";
    interval.dispatchEvent(new Event("input"));
    vi.advanceTimersByTime(400);
    unit.value = "DAYS";
    unit.dispatchEvent(new Event("change"));
    expect(m.fields).toEqual([
      [["trigger", "periodic", "interval"], 6],
      [["trigger", "periodic", "unit"], "DAYS"],
    ]);
    // The pause toggle: paused → Resume sends UNPAUSED.
    expect(m.q(".loom-st-pause")?.hidden).toBe(false);
    m.q<HTMLButtonElement>('[data-role="pause-toggle"]')!.click();
    expect(m.edits).toEqual([{ op: "set_pause_status", status: "UNPAUSED" }]);
  });

  it("shows an 'other' trigger's note and offers to replace it", () => {
    const m = mount();
    m.tab.update(job({ trigger: { model: {} } }, { kind: "other", pause_status: "UNPAUSED", spec: null, note: "A model trigger is shown as JSON; pick a kind to replace it." }));
    expect(m.q('[data-role="other-note"]')?.textContent).toContain("model trigger");
    expect(m.q(".loom-st-kind-label")?.textContent).toBe("Replace with…");
    expect(m.q('[aria-checked="true"][data-kind]')).toBeNull();
  });

  it("places problems at their fields and lists the others at the top", () => {
    const m = mount();
    m.tab.update(job({ trigger: { file_arrival: { url: "" } } }, { kind: "file_arrival", pause_status: "UNPAUSED", spec: { url: "" }, note: null }));
    const p = (field: string, message: string): Problem => ({ code: "x", severity: "error", message, task_key: null, field });
    m.tab.showProblems([p("trigger.file_arrival.url", "url is required"), p("continuous", "only one trigger"), p("name", "not mine")]);
    const field = m.q('[data-path="trigger.file_arrival.url"]')!;
    expect(field.textContent).toContain("url is required");
    expect(field.classList.contains("loom-st-invalid")).toBe(true);
    const top = m.q('[data-role="top-problems"]')!;
    expect(top.hidden).toBe(false);
    expect(top.textContent).toContain("only one trigger");
    expect(top.textContent).not.toContain("not mine");
  });
});

describe("a cron schedule", () => {
  it("asks for a preview of the job's schedule in the viewer's zone", async () => {
    const m = mount();
    m.tab.update(scheduledJob());
    const req = m.of("schedule_preview");
    expect(req.length).toBe(1);
    expect(req[0].message).toMatchObject({ quartz_cron_expression: "0 30 2 * * ?", timezone_id: "America/New_York", viewer_timezone: Intl.DateTimeFormat().resolvedOptions().timeZone });
    expect(m.of("time_zones").length).toBe(1);
    // The same schedule again (another job message) asks nothing new.
    m.tab.update(scheduledJob());
    expect(m.of("schedule_preview").length).toBe(1);
    await answerPreview(m, 0, preview());
    expect(m.q('[data-role="schedule-description"]')?.textContent).toBe("At 02:30 every day");
  });

  it("sends a typed expression after the debounce and previews it", async () => {
    vi.useFakeTimers();
    const m = mount();
    m.tab.update(scheduledJob({ ...SCHEDULE, quartz_cron_expression: "0 0/7 * * * ?" }));
    const input = m.q<HTMLInputElement>('[data-role="cron-input"]')!;
    expect(input.value).toBe("0 0/7 * * * ?");
    input.focus();
    input.value = "0 15 3";
    input.dispatchEvent(new Event("input"));
    input.value = "0 15 3 * * ?";
    input.dispatchEvent(new Event("input"));
    vi.advanceTimersByTime(100);
    expect(m.fields).toEqual([]);
    vi.advanceTimersByTime(300);
    expect(m.fields).toEqual([[["schedule", "quartz_cron_expression"], "0 15 3 * * ?"]]);
    const req = m.of("schedule_preview");
    expect(req.length).toBe(2);
    expect(req[1].message).toMatchObject({ quartz_cron_expression: "0 15 3 * * ?", timezone_id: "America/New_York" });
    // A job message while the field has focus does not clobber it.
    m.tab.update(scheduledJob({ ...SCHEDULE, quartz_cron_expression: "0 0/7 * * * ?" }));
    expect(input.value).toBe("0 15 3 * * ?");
  });

  it("ignores a stale preview", async () => {
    vi.useFakeTimers();
    const m = mount();
    m.tab.update(scheduledJob({ ...SCHEDULE, quartz_cron_expression: "0 0/7 * * * ?" }));
    const input = m.q<HTMLInputElement>('[data-role="cron-input"]')!;
    input.value = "0 15 3 * * ?";
    input.dispatchEvent(new Event("input"));
    vi.advanceTimersByTime(400);
    vi.useRealTimers();
    // The newer answer first, then the older one: the older must not win.
    await answerPreview(m, 1, preview({ expression: "0 15 3 * * ?", description: "At 03:15 every day", simple: null }));
    await answerPreview(m, 0, preview({ expression: "0 0/7 * * * ?", description: "Every 7 minutes", simple: null }));
    expect(m.q('[data-role="schedule-description"]')?.textContent).toBe("At 03:15 every day");
  });

  it("shows Python's problems and the preview's at the expression", async () => {
    const m = mount();
    m.tab.update(scheduledJob({ ...SCHEDULE, quartz_cron_expression: "0 61 * * * ?" }));
    const bad: Problem = { code: "invalid-cron-expression", severity: "error", message: "schedule.quartz_cron_expression '0 61 * * * ?' is not valid Quartz: minute 61", task_key: null, field: "schedule.quartz_cron_expression" };
    await answerPreview(m, 0, preview({ expression: "0 61 * * * ?", valid: false, problems: [bad], simple: null, fire_times: [], skipped: [], warnings: [], description: null }));
    m.tab.showProblems([{ ...bad, path: ["schedule", "quartz_cron_expression"] }]);
    const msgs = m.q('[data-role="cron-problems"]')!;
    expect(msgs.textContent).toContain("minute 61");
    expect(msgs.querySelectorAll(".loom-st-msg").length).toBe(1); // the same message once
    expect(m.q('[data-role="top-problems"]')?.hidden).toBe(true);
    // No simple form: Advanced is forced.
    expect(m.q('[data-role="advanced-form"]')?.hidden).toBe(false);
    expect(m.q<HTMLButtonElement>('[data-mode="simple"]')?.disabled).toBe(true);
  });

  it("renders the fire times with the skipped run and the DST rows highlighted", async () => {
    const m = mount();
    m.tab.update(scheduledJob());
    await answerPreview(m, 0, preview());
    const rows = Array.from(m.tab.element.querySelectorAll<HTMLTableRowElement>('[data-role="fire-times"] tbody tr'));
    expect(rows.map((r) => r.dataset.role)).toEqual(["fire-time", "skipped-run", "fire-time"]);
    const [first, skipped, after] = rows;
    expect(first.dataset.jobTime).toBe("2027-03-13T02:30:00-05:00");
    expect(first.querySelector(".loom-st-job-time")?.textContent).toBe("Sat 13 Mar 202702:30EST");
    expect(first.querySelector(".loom-st-viewer-time")?.textContent).toContain("08:30");
    expect(first.classList.contains("loom-st-row--dst")).toBe(false);
    expect(skipped.dataset.wallTime).toBe("2027-03-14T02:30:00");
    expect(skipped.classList.contains("loom-st-row--skipped")).toBe(true);
    expect(after.dataset.dst).toBe("after_skipped");
    expect(after.classList.contains("loom-st-row--dst")).toBe(true);
    expect(after.textContent).toContain("before this one is skipped");
    const warnings = m.q('[data-role="dst-warnings"]')!;
    expect(warnings.hidden).toBe(false);
    expect(warnings.querySelector('[data-kind="skipped"]')?.textContent).toContain("clocks go forward");
  });

  it("marks repeated fire times", async () => {
    const m = mount();
    m.tab.update(scheduledJob());
    await answerPreview(
      m,
      0,
      preview({
        skipped: [],
        warnings: [{ kind: "repeated", date: "2027-11-07", message: "On 2027-11-07 clocks go back from 02:00 to 01:00" }],
        fire_times: [
          { utc: "2027-11-07T06:30:00Z", job_time: "2027-11-07T01:30:00-05:00", job_zone_name: "EST", viewer_time: "2027-11-07T07:30:00+01:00", viewer_zone_name: "CET", dst: [{ kind: "repeated", message: "01:30 happens twice" }] },
        ],
      }),
    );
    const row = m.q<HTMLTableRowElement>('tr[data-role="fire-time"]')!;
    expect(row.dataset.dst).toBe("repeated");
    expect(row.classList.contains("loom-st-row--dst")).toBe(true);
    expect(m.q('[data-role="dst-warnings"] [data-kind="repeated"]')).not.toBeNull();
  });

  it("simple mode: a change asks Python for the expression, then sets it and previews it", async () => {
    const m = mount();
    m.tab.update(scheduledJob());
    await answerPreview(m, 0, preview());
    expect(m.q('[data-role="simple-form"]')?.hidden).toBe(false);
    const hour = m.q<HTMLSelectElement>('select[data-simple="hour"]')!;
    expect(hour.value).toBe("2");
    hour.value = "4";
    hour.dispatchEvent(new Event("change"));
    const simple = m.of("simple_schedule");
    expect(simple.length).toBe(1);
    expect(simple[0].message).toMatchObject({ kind: "simple_schedule", simple: { every: 1, unit: "days", hour: 4, minute: 30, weekdays: [] } });
    expect(m.fields).toEqual([]);
    simple[0].resolve({ kind: "simple_schedule", request_id: simple[0].message.request_id, expression: "0 30 4 * * ?" });
    await flush();
    expect(m.fields).toEqual([[["schedule", "quartz_cron_expression"], "0 30 4 * * ?"]]);
    expect(m.of("schedule_preview").at(-1)?.message).toMatchObject({ quartz_cron_expression: "0 30 4 * * ?" });
    expect(m.q<HTMLInputElement>('[data-role="cron-input"]')?.value).toBe("0 30 4 * * ?");
  });

  it("simple mode: weekly needs a weekday; an error from Python is shown", async () => {
    const m = mount();
    m.tab.update(scheduledJob());
    await answerPreview(m, 0, preview());
    const unit = m.q<HTMLSelectElement>('select[data-simple="unit"]')!;
    unit.value = "weeks";
    unit.dispatchEvent(new Event("change"));
    const req = m.of("simple_schedule");
    expect(req[0].message).toMatchObject({ simple: { unit: "weeks", weekdays: ["MON"], hour: 2, minute: 30 } });
    req[0].resolve({ kind: "simple_schedule", request_id: req[0].message.request_id, error: "a weekly schedule needs at least one weekday" });
    await flush();
    expect(m.q('[data-role="simple-error"]')?.textContent).toContain("at least one weekday");
    expect(m.fields).toEqual([]);
  });

  it("converts a pasted unix cron", async () => {
    const m = mount();
    m.tab.update(scheduledJob());
    await answerPreview(m, 0, preview({ simple: null }));
    m.q<HTMLButtonElement>('[data-role="unix-toggle"]')!.click();
    const unix = m.q<HTMLInputElement>('[data-role="unix-input"]')!;
    unix.value = "*/15 9-17 * * 1-5";
    m.q<HTMLButtonElement>('[data-role="unix-convert"]')!.click();
    const req = m.of("from_unix");
    expect(req[0].message).toMatchObject({ expression: "*/15 9-17 * * 1-5" });
    req[0].resolve({ kind: "from_unix", request_id: req[0].message.request_id, expression: "0 */15 9-17 ? * 2-6" });
    await flush();
    expect(m.fields).toEqual([[["schedule", "quartz_cron_expression"], "0 */15 9-17 ? * 2-6"]]);
  });

  it("the time-zone picker filters Java ids and sets the zone", async () => {
    const m = mount();
    m.tab.update(scheduledJob());
    const tz = m.of("time_zones")[0];
    tz.resolve({
      kind: "time_zones",
      request_id: tz.message.request_id,
      zones: [
        { id: "America/New_York", offset: "-05:00", offset_minutes: -300, label: "(UTC-05:00) America/New_York", alias_of: null, note: null },
        { id: "US/Eastern", offset: "-05:00", offset_minutes: -300, label: "(UTC-05:00) US/Eastern", alias_of: "America/New_York", note: null },
        { id: "Asia/Calcutta", offset: "+05:30", offset_minutes: 330, label: "(UTC+05:30) Asia/Calcutta", alias_of: "Asia/Kolkata", note: null },
        { id: "Asia/Kolkata", offset: "+05:30", offset_minutes: 330, label: "(UTC+05:30) Asia/Kolkata", alias_of: null, note: null },
      ],
    });
    await flush();
    expect(m.q('[data-role="tz-offset"]')?.textContent).toBe("UTC-05:00");
    const input = m.q<HTMLInputElement>('[data-role="tz-input"]')!;
    input.focus();
    input.value = "kolk";
    input.dispatchEvent(new Event("input"));
    const items = m.tab.element.querySelectorAll<HTMLElement>("[data-zone-id]");
    // The zone named so first, then its alias.
    expect(Array.from(items).map((i) => i.dataset.zoneId)).toEqual(["Asia/Kolkata", "Asia/Calcutta"]);
    input.value = "+05";
    input.dispatchEvent(new Event("input"));
    const again = m.tab.element.querySelectorAll<HTMLElement>('[data-zone-id="Asia/Kolkata"]');
    expect(again.length).toBe(1);
    again[0].dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    expect(m.fields).toEqual([[["schedule", "timezone_id"], "Asia/Kolkata"]]);
    expect(m.of("schedule_preview").at(-1)?.message).toMatchObject({ timezone_id: "Asia/Kolkata" });
  });
});

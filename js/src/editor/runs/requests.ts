// The requests of the Runs tab, built from what the user chose: pure functions.
import type { ToPython } from "../protocol";

export type StatusFilter = "all" | "active" | "completed";
export type TimeRange = "24h" | "7d" | "30d" | "all";

export const PAGE_SIZE = 25;
export const TIME_RANGES: { value: TimeRange; label: string }[] = [
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
  { value: "30d", label: "Last 30 days" },
  { value: "all", label: "All time" },
];
const RANGE_MS: Record<Exclude<TimeRange, "all">, number> = {
  "24h": 24 * 3600_000,
  "7d": 7 * 24 * 3600_000,
  "30d": 30 * 24 * 3600_000,
};

export interface HistoryQuery {
  status: StatusFilter;
  range: TimeRange;
  offset: number;
  limit?: number;
}

/** The `start_time_from` of a time range (epoch ms), undefined for all time. */
export function rangeStart(range: TimeRange, now: number): number | undefined {
  return range === "all" ? undefined : now - RANGE_MS[range];
}

export type RunsRequest = Extract<ToPython, { kind: "runs" }>;

/** The `runs` message of the history's filters and page. */
export function historyRequest(query: HistoryQuery, requestId: number, now: number = Date.now()): RunsRequest {
  const message: RunsRequest = {
    kind: "runs",
    request_id: requestId,
    offset: Math.max(0, query.offset),
    limit: query.limit ?? PAGE_SIZE,
  };
  if (query.status === "active") message.active_only = true;
  if (query.status === "completed") message.completed_only = true;
  const from = rangeStart(query.range, now);
  if (from !== undefined) message.start_time_from = from;
  return message;
}

/** The page after / before: offsets move by the limit, never below 0. */
export function nextOffset(offset: number, limit: number = PAGE_SIZE): number {
  return offset + limit;
}
export function previousOffset(offset: number, limit: number = PAGE_SIZE): number {
  return Math.max(0, offset - limit);
}

/** Only the parameters whose value differs from the default (job parameters overrides). */
export function overrides(values: Record<string, string>, defaults: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (!(name in defaults) || defaults[name] !== value) out[name] = value;
  }
  return out;
}

export type RunNowMessage = Extract<ToPython, { kind: "run_now" }>;

/** The `run_now` message of the Run now dialog. */
export function runNowMessage(options: {
  values: Record<string, string>;
  defaults: Record<string, string>;
  only: string[];
  performanceTarget: string;
}): RunNowMessage {
  const message: RunNowMessage = { kind: "run_now" };
  const changed = overrides(options.values, options.defaults);
  if (Object.keys(changed).length) message.job_parameters = changed;
  if (options.only.length) message.only = [...options.only];
  if (options.performanceTarget && options.performanceTarget !== "default") message.performance_target = options.performanceTarget;
  return message;
}

/** The job's parameters from a `job` message's settings: [{name, default}]. */
export function jobParameters(settings: Record<string, unknown> | null | undefined): { name: string; default: string }[] {
  const list = settings?.parameters;
  if (!Array.isArray(list)) return [];
  const out: { name: string; default: string }[] = [];
  for (const item of list) {
    if (item && typeof item === "object" && typeof (item as { name?: unknown }).name === "string") {
      const value = (item as { default?: unknown }).default;
      out.push({ name: (item as { name: string }).name, default: value === undefined || value === null ? "" : String(value) });
    }
  }
  return out;
}

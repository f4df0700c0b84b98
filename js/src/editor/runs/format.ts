// Words, colours and times of the Runs tab: pure functions (tested without a DOM).
import type { RunSummary } from "../protocol";

/** The canvas overlay's colours (canvas.ts), so the DAG and the Runs tab agree. */
export const STATE_COLORS: Record<string, string> = {
  SUCCESS: "#16a34a",
  SUCCEEDED: "#16a34a",
  SUCCESS_WITH_FAILURES: "#65a30d",
  FAILED: "#dc2626",
  INTERNAL_ERROR: "#dc2626",
  TIMEDOUT: "#dc2626",
  TIMED_OUT: "#dc2626",
  MAXIMUM_CONCURRENT_RUNS_REACHED: "#dc2626",
  UPSTREAM_FAILED: "#f97316",
  RUNNING: "#2563eb",
  TERMINATING: "#6366f1",
  PENDING: "#0ea5e9",
  QUEUED: "#0ea5e9",
  BLOCKED: "#a16207",
  WAITING: "#a16207",
  WAITING_FOR_RETRY: "#a16207",
  SKIPPED: "#9ca3af",
  EXCLUDED: "#9ca3af",
  DISABLED: "#9ca3af",
  CANCELED: "#9ca3af",
  CANCELLED: "#9ca3af",
  UPSTREAM_CANCELED: "#9ca3af",
};
export const UNKNOWN_COLOR = "#9ca3af";

export type StateTone = "success" | "failed" | "upstream" | "running" | "queued" | "waiting" | "canceled" | "skipped" | "unknown";

export function stateTone(state: string | null | undefined): StateTone {
  switch (state) {
    case "SUCCESS":
    case "SUCCEEDED":
    case "SUCCESS_WITH_FAILURES":
      return "success";
    case "FAILED":
    case "INTERNAL_ERROR":
    case "TIMEDOUT":
    case "TIMED_OUT":
    case "MAXIMUM_CONCURRENT_RUNS_REACHED":
      return "failed";
    case "UPSTREAM_FAILED":
      return "upstream";
    case "RUNNING":
    case "TERMINATING":
      return "running";
    case "PENDING":
    case "QUEUED":
      return "queued";
    case "BLOCKED":
    case "WAITING":
    case "WAITING_FOR_RETRY":
      return "waiting";
    case "CANCELED":
    case "CANCELLED":
    case "UPSTREAM_CANCELED":
      return "canceled";
    case "SKIPPED":
    case "EXCLUDED":
    case "DISABLED":
      return "skipped";
    default:
      return "unknown";
  }
}

export function stateColor(state: string | null | undefined): string {
  return (state && STATE_COLORS[state]) || UNKNOWN_COLOR;
}

const STATE_WORDS: Record<string, string> = {
  SUCCESS: "Succeeded",
  SUCCEEDED: "Succeeded",
  SUCCESS_WITH_FAILURES: "Succeeded with failures",
  FAILED: "Failed",
  INTERNAL_ERROR: "Internal error",
  TIMEDOUT: "Timed out",
  TIMED_OUT: "Timed out",
  MAXIMUM_CONCURRENT_RUNS_REACHED: "Skipped: too many runs",
  UPSTREAM_FAILED: "Upstream failed",
  UPSTREAM_CANCELED: "Upstream canceled",
  RUNNING: "Running",
  TERMINATING: "Terminating",
  PENDING: "Pending",
  QUEUED: "Queued",
  BLOCKED: "Blocked",
  WAITING: "Waiting",
  WAITING_FOR_RETRY: "Waiting for retry",
  SKIPPED: "Skipped",
  EXCLUDED: "Excluded",
  DISABLED: "Disabled",
  CANCELED: "Canceled",
  CANCELLED: "Canceled",
};

/** "UPSTREAM_FAILED" -> "Upstream failed" (an unknown state: its words, capitalised). */
export function stateLabel(state: string | null | undefined): string {
  if (!state) return "Did not run";
  const known = STATE_WORDS[state];
  if (known) return known;
  const words = state.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const TRIGGER_WORDS: Record<string, string> = {
  ONE_TIME: "Manual",
  PERIODIC: "Scheduled",
  CRON: "Scheduled",
  FILE_ARRIVAL: "File arrival",
  TABLE: "Table update",
  CONTINUOUS: "Continuous",
  CONTINUOUS_RESTART: "Continuous restart",
  RUN_JOB_TASK: "Run job task",
  RETRY: "Retry",
  MODEL: "Model",
};

export function triggerLabel(trigger: string | null | undefined): string {
  if (!trigger) return "—";
  return TRIGGER_WORDS[trigger] ?? stateLabel(trigger);
}

/** 65_000 -> "1m 05s"; 3_725_000 -> "1h 02m 05s"; 800 -> "0.8s"; null -> "—". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return ms === 0 ? "0s" : `${(ms / 1000).toFixed(1)}s`;
  const total = Math.floor(ms / 1000);
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  const pad = (n: number) => String(n).padStart(2, "0");
  if (hours >= 24) return `${Math.floor(hours / 24)}d ${hours % 24}h ${pad(m)}m`;
  if (hours > 0) return `${hours}h ${pad(m)}m ${pad(s)}s`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}

/** The elapsed clock of the progress bar: 42_000 -> "00:42", 3_725_000 -> "1:02:05". */
export function formatClock(ms: number | null | undefined): string {
  const total = Math.max(0, Math.floor((ms ?? 0) / 1000));
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  const pad = (n: number) => String(n).padStart(2, "0");
  return hours > 0 ? `${hours}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});
const SHORT = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
const TIME = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** An epoch-ms instant in the viewer's zone: "Jun 12, 2025, 14:03:09". */
export function formatTime(ms: number | null | undefined): string {
  return ms ? DATE_TIME.format(new Date(ms)) : "—";
}
/** "Jun 12, 14:03" */
export function formatShort(ms: number | null | undefined): string {
  return ms ? SHORT.format(new Date(ms)) : "—";
}
/** "14:03:09" */
export function formatClockTime(ms: number | null | undefined): string {
  return ms ? TIME.format(new Date(ms)) : "—";
}

/** The viewer's zone, for titles: "Europe/Paris". */
export function viewerZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";
  } catch {
    return "local time";
  }
}

/** Parameters in one line: "env=prod, date=2025-06-01" (cut after `most` characters). */
export function compactParameters(parameters: Record<string, string> | null | undefined, most = 60): string {
  const entries = Object.entries(parameters ?? {});
  if (!entries.length) return "";
  const text = entries.map(([k, v]) => `${k}=${v}`).join(", ");
  return text.length > most ? `${text.slice(0, most - 1)}…` : text;
}

/** The progress bar's line: "3 of 5 tasks · 00:42 elapsed · RUNNING". */
export function progressText(done: number, total: number, elapsedMs: number | null, state: string): string {
  return `${done} of ${total} task${total === 1 ? "" : "s"} · ${formatClock(elapsedMs)} elapsed · ${state}`;
}

/**
 * What a run that ended came to, in one line: "Succeeded", "Failed: load (2 tasks failed
 * upstream)", "Failed: load, save", "Canceled".
 */
export function outcomeText(run: Pick<RunSummary, "state" | "state_message">, rootCauses: string[], upstream: number | null): string {
  const label = stateLabel(run.state);
  const tone = stateTone(run.state);
  if (tone === "success") return label;
  // A cancel is a cancel: "Canceled" or "Canceled by <user>" (Python's words), never the tasks
  // it left unrun counted as failures.
  if (run.state === "CANCELED" || run.state === "CANCELLED") return run.state_message?.startsWith("Canceled") ? run.state_message : label;
  let text = label;
  if (rootCauses.length) text += `: ${rootCauses.join(", ")}`;
  else if (run.state_message) text += `: ${run.state_message}`;
  if (upstream) text += ` (${upstream} task${upstream === 1 ? "" : "s"} failed upstream)`;
  return text;
}

/** A run is still going (its summary says so). */
export function isActive(run: Pick<RunSummary, "ended">): boolean {
  return !run.ended;
}

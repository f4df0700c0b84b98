// The run detail's timeline: where each task run's bar and its segments (queue, setup,
// execution, cleanup) fall on a time axis. Pure geometry: x and width in the units of `width`
// (the view passes 100 and draws percentages).
import type { TaskRunView } from "../protocol";

export type SegmentKind = "queue" | "setup" | "execution" | "cleanup" | "running";

export interface Segment {
  kind: SegmentKind;
  start: number; // epoch ms
  end: number;
  x: number;
  width: number;
}

export interface GanttBar {
  task_key: string;
  start: number | null;
  end: number | null;
  x: number;
  width: number;
  segments: Segment[];
}

export interface GanttTick {
  time: number;
  x: number;
  label: string; // "+1m 30s" offsets from the run's start
}

export interface GanttGeometry {
  t0: number;
  t1: number;
  bars: GanttBar[];
  ticks: GanttTick[];
}

type TaskTimes = Pick<
  TaskRunView,
  "task_key" | "start_time" | "end_time" | "queue_duration" | "setup_duration" | "execution_duration" | "cleanup_duration"
>;

const SEGMENTS: [SegmentKind, keyof TaskTimes][] = [
  ["queue", "queue_duration"],
  ["setup", "setup_duration"],
  ["execution", "execution_duration"],
  ["cleanup", "cleanup_duration"],
];

/** Tick steps, in ms: the first giving at most `most` ticks is used. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((s) => s * 1000);

function offsetLabel(ms: number): string {
  const total = Math.round(ms / 1000);
  if (total === 0) return "0s";
  const h = Math.floor(total / 3600);
  const m = Math.floor(total / 60) % 60;
  const s = total % 60;
  if (h) return m ? `${h}h ${m}m` : `${h}h`;
  if (m) return s ? `${m}m ${s}s` : `${m}m`;
  return `${s}s`;
}

/** The pieces of one task run, in time: its phases laid end to end from its start. */
function pieces(task: TaskTimes, now: number): { kind: SegmentKind; start: number; end: number }[] {
  const start = task.start_time;
  if (start === null || start === undefined) return [];
  const out: { kind: SegmentKind; start: number; end: number }[] = [];
  let at = start;
  for (const [kind, field] of SEGMENTS) {
    const duration = task[field] as number | null;
    if (duration && duration > 0) {
      out.push({ kind, start: at, end: at + duration });
      at += duration;
    }
  }
  const end = task.end_time ?? null;
  if (!out.length) {
    // No phases known: one bar from start to end (or to now while it runs).
    out.push({ kind: end ? "execution" : "running", start, end: end ?? Math.max(start, now) });
  } else if (!end && now > at) {
    out.push({ kind: "running", start: at, end: now });
  }
  return out;
}

/**
 * The bars of `tasks` on an axis from the run's start (`runStart`, else the earliest task
 * start) to its end (else the latest end, else `now`), `width` units wide.
 */
export function ganttGeometry(
  tasks: TaskTimes[],
  options: { width: number; now?: number; runStart?: number | null; runEnd?: number | null; ticks?: number },
): GanttGeometry {
  const now = options.now ?? Date.now();
  const all = tasks.map((task) => ({ task, parts: pieces(task, now) }));
  let t0 = options.runStart ?? Infinity;
  let t1 = options.runEnd ?? -Infinity;
  for (const { parts } of all) {
    for (const p of parts) {
      if (p.start < t0) t0 = p.start;
      if (p.end > t1) t1 = p.end;
    }
  }
  if (!Number.isFinite(t0)) t0 = now;
  if (!Number.isFinite(t1) || t1 <= t0) t1 = t0 + 1000;
  const span = t1 - t0;
  const scale = options.width / span;
  const x = (t: number) => (t - t0) * scale;
  const bars: GanttBar[] = all.map(({ task, parts }) => {
    const segments = parts.map((p) => ({ ...p, x: x(p.start), width: Math.max(0, (p.end - p.start) * scale) }));
    const start = parts.length ? parts[0].start : null;
    const end = parts.length ? parts[parts.length - 1].end : null;
    return {
      task_key: task.task_key,
      start,
      end,
      x: start === null ? 0 : x(start),
      width: start === null || end === null ? 0 : (end - start) * scale,
      segments,
    };
  });
  const most = options.ticks ?? 6;
  const step = STEPS.find((s) => span / s <= most) ?? Math.ceil(span / most / 86_400_000) * 86_400_000;
  const ticks: GanttTick[] = [];
  for (let t = 0; t <= span + 1; t += step) ticks.push({ time: t0 + t, x: x(t0 + t), label: offsetLabel(t) });
  return { t0, t1, bars, ticks };
}

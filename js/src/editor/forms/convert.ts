// Value conversions between what a field shows and what the task JSON stores.

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** An integer typed by a person: "" → undefined (delete); "12" → 12; else an error message. */
export function parseInteger(text: string, min?: number, max?: number): ParseResult<number | undefined> {
  const t = text.trim();
  if (t === "") return { ok: true, value: undefined };
  if (!/^[-+]?\d+$/.test(t)) return { ok: false, error: "Enter a whole number" };
  const n = Number(t);
  if (!Number.isSafeInteger(n)) return { ok: false, error: "The number is too large" };
  if (min !== undefined && n < min) return { ok: false, error: max !== undefined ? `Enter a number from ${min} to ${max}` : `Enter ${min} or more` };
  if (max !== undefined && n > max) return { ok: false, error: min !== undefined ? `Enter a number from ${min} to ${max}` : `Enter ${max} or less` };
  return { ok: true, value: n };
}

/**
 * A job ID (run_job_task.job_id): digits become a number; an unresolved bundle reference
 * (`${resources.jobs.x.id}`) or a `{{...}}` reference stays a string; "" → "" (required).
 */
export function parseJobId(text: string): ParseResult<number | string> {
  const t = text.trim();
  if (t === "") return { ok: true, value: "" };
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    if (!Number.isSafeInteger(n)) return { ok: false, error: "The job ID is too large" };
    return { ok: true, value: n };
  }
  if (t.includes("${") || t.includes("{{")) return { ok: true, value: t };
  return { ok: false, error: "A job ID is a number" };
}

/** Display units of a duration field, by the unit it is stored in. */
export interface DurationUnit {
  value: string; // "s" | "min" | "h"
  label: string;
  factor: number; // stored units per display unit
}

export function durationUnits(stored: "s" | "ms"): DurationUnit[] {
  const base = stored === "ms" ? 1000 : 1;
  const units: DurationUnit[] = [
    { value: "s", label: "seconds", factor: base },
    { value: "min", label: "minutes", factor: 60 * base },
  ];
  if (stored === "s") units.push({ value: "h", label: "hours", factor: 3600 });
  return units;
}

/** The largest unit that shows `value` (stored units) as a whole number; seconds otherwise. */
export function splitDuration(value: number, stored: "s" | "ms"): { amount: number; unit: string } {
  const units = durationUnits(stored);
  for (let i = units.length - 1; i > 0; i--) {
    if (value !== 0 && value % units[i].factor === 0) return { amount: value / units[i].factor, unit: units[i].value };
  }
  return { amount: value / units[0].factor, unit: units[0].value };
}

/** "1.5" minutes → 90000 ms. "" → undefined (delete). Negative or not a number → error. */
export function joinDuration(text: string, unit: string, stored: "s" | "ms"): ParseResult<number | undefined> {
  const t = text.trim();
  if (t === "") return { ok: true, value: undefined };
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(t)) return { ok: false, error: `Enter a number of ${durationUnits(stored).find((u) => u.value === unit)?.label ?? "seconds"}` };
  const factor = durationUnits(stored).find((u) => u.value === unit)?.factor ?? durationUnits(stored)[0].factor;
  const value = Math.round(Number(t) * factor);
  if (!Number.isSafeInteger(value)) return { ok: false, error: "The number is too large" };
  return { ok: true, value };
}

/** A compact number for display: 1.5, 2, 0.25. */
export function formatAmount(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

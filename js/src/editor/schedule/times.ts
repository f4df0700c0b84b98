// Times as the Schedules & triggers tab writes them: the viewer's zone, wall-clock parts of an
// ISO time as written, durations in words.

/** The viewer's IANA time zone ("UTC" when the browser does not say). */
export function viewerTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

export interface WallTime {
  date: string; // "Mon 9 Mar 2026"
  time: string; // "02:30" or "02:30:15"
  offset: string; // "-04:00" ("" when the ISO text has none)
  ymd: string; // "2026-03-09"
}

/** The wall-clock parts of an ISO 8601 time as written (no conversion through the browser's zone). */
export function wallTime(iso: string): WallTime | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?/.exec(iso);
  if (!m) return null;
  const [, y, mo, d, hh, mi, ss, off] = m;
  const weekday = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDay();
  const seconds = ss && ss !== "00" ? `:${ss}` : "";
  return {
    date: `${WEEKDAY_NAMES[weekday]} ${Number(d)} ${MONTHS[Number(mo) - 1]} ${y}`,
    time: `${hh}:${mi}${seconds}`,
    offset: off === "Z" ? "+00:00" : (off ?? ""),
    ymd: `${y}-${mo}-${d}`,
  };
}

export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "90" → "1 min 30 s", for the seconds fields. */
export function humanSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "";
  if (seconds < 60) return `${seconds} s`;
  const parts: string[] = [];
  let rest = Math.floor(seconds);
  const units: [number, string][] = [[86400, "d"], [3600, "h"], [60, "min"], [1, "s"]];
  for (const [size, name] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${name}`);
      rest %= size;
    }
  }
  return parts.join(" ");
}

// Text for the Jobs list: times, paging, tags.

/** "just now", "5 min ago", "3 h ago", "2 days ago", then the date. */
export function ago(ms: number | null, now: number = Date.now()): string {
  if (ms === null || !Number.isFinite(ms) || ms <= 0) return "";
  const seconds = Math.round((now - ms) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 14) return `${days} day${days === 1 ? "" : "s"} ago`;
  return new Date(ms).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

export function when(ms: number | null): string {
  if (ms === null || ms <= 0) return "";
  return new Date(ms).toLocaleString(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
}

/** "1–25 of 130", "26–50 of 75+" (more not read yet), "0 of 0". */
export function rangeText(offset: number, shown: number, total: number | null, known: number, hasMore: boolean): string {
  if (shown === 0) return total === 0 || (!hasMore && known === 0) ? "0 jobs" : `${offset}+`;
  const range = `${offset + 1}–${offset + shown}`;
  if (total !== null) return `${range} of ${total}`;
  return `${range} of ${Math.max(known, offset + shown)}${hasMore ? "+" : ""}`;
}

/** A tag as its chip shows it: `key` or `key: value`. */
export function tagText(key: string, value: string): string {
  return value ? `${key}: ${value}` : key;
}

/** A tag as the tag filter takes it: `key` or `key=value`. */
export function tagFilter(key: string, value: string): string {
  return value ? `${key}=${value}` : key;
}

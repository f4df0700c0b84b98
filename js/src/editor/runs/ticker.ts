// The Runs tab's one clock: once a second, every shown duration of a run or task still going
// is drawn again from the same instant (so the strip, the history and the detail agree), and
// the strip's elapsed line with it. One timer for the whole tab, running only while something
// ticks, stopped by `destroy` when the view goes.
import { formatDuration } from "./format";

/** How often a live duration is drawn again (ms). */
export const TICK_MS = 1000;

interface Live {
  /** epoch ms the duration counts from */
  from: number;
  suffix: string;
}

export class DurationTicker {
  private readonly live = new Map<HTMLElement, Live>();
  private readonly listeners = new Set<(now: number) => void>();
  private timer: ReturnType<typeof setInterval> | null = null;

  /**
   * `element` shows the time from `from` (epoch ms) to now, then `suffix`, and keeps doing so
   * every tick until it leaves the page or `stop` is called on it. Returns the element.
   */
  show<E extends HTMLElement>(element: E, from: number, suffix = "", now: number = Date.now()): E {
    this.live.set(element, { from, suffix });
    element.dataset.ticking = "true";
    element.textContent = durationText(from, now, suffix);
    this.ensure();
    return element;
  }

  /** `element` shows its final figure from now on: it stops ticking. */
  stop(element: HTMLElement): void {
    this.live.delete(element);
    delete element.dataset.ticking;
  }

  /** `listener(now)` on every tick until the returned function is called. */
  subscribe(listener: (now: number) => void): () => void {
    this.listeners.add(listener);
    this.ensure();
    return () => {
      this.listeners.delete(listener);
      if (!this.live.size && !this.listeners.size) this.halt();
    };
  }

  /** Draw every live duration at `now`; an element no longer on the page is let go. */
  tick(now: number = Date.now()): void {
    for (const [element, { from, suffix }] of this.live) {
      if (!element.isConnected) {
        this.live.delete(element);
        continue;
      }
      element.textContent = durationText(from, now, suffix);
    }
    for (const listener of this.listeners) listener(now);
    if (!this.live.size && !this.listeners.size) this.halt();
  }

  /** True while the timer runs (tests check that nothing is left ticking). */
  get running(): boolean {
    return this.timer !== null;
  }

  /** How many elements tick. */
  get size(): number {
    return this.live.size;
  }

  destroy(): void {
    this.live.clear();
    this.listeners.clear();
    this.halt();
  }

  private ensure(): void {
    if (!this.timer && typeof setInterval === "function") this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  private halt(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** "1m 05s so far": the time from `from` to `now` (never below zero), then `suffix`. */
export function durationText(from: number, now: number, suffix = ""): string {
  return formatDuration(Math.max(0, now - from)) + suffix;
}

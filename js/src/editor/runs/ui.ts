// Small pieces of the Runs tab's DOM: state badges, spinners, errors, links out, a dialog host.
import { button, h, iconFromPaths } from "../dom";
import { Overlay } from "../overlay";
import { stateLabel, stateTone } from "./format";
import { openableHref } from "./links";

export { button, h, openableHref };

const ICONS: Record<string, string> = {
  play: '<path d="M5 3.5v9l7-4.5z" fill="currentColor" stroke="none"/>',
  stop: '<rect x="4" y="4" width="8" height="8" rx="1.2"/>',
  canvas: '<circle cx="4" cy="4.5" r="1.8"/><circle cx="12" cy="4.5" r="1.8"/><circle cx="8" cy="12" r="1.8"/><path d="M5.2 5.8l2 4.5M10.8 5.8l-2 4.5"/>',
  refresh: '<path d="M13 8a5 5 0 11-1.5-3.6"/><path d="M13 2.5v3h-3"/>',
  repair: '<path d="M10.5 2.5a3 3 0 00-3.3 4L2.8 10.9a1.3 1.3 0 001.8 1.8L9 8.3a3 3 0 004-3.3l-1.8 1.8-1.6-.4-.4-1.6z"/>',
  back: '<path d="M9.5 3.5L5 8l4.5 4.5"/>',
  external: '<path d="M9 3h4v4M13 3L7.5 8.5M11.5 9.5v3a1 1 0 01-1 1h-7a1 1 0 01-1-1v-7a1 1 0 011-1h3"/>',
  list: '<path d="M5.5 4h8M5.5 8h8M5.5 12h8"/><circle cx="2.6" cy="4" r=".6"/><circle cx="2.6" cy="8" r=".6"/><circle cx="2.6" cy="12" r=".6"/>',
  grid: '<rect x="2.5" y="2.5" width="4.5" height="4.5" rx=".8"/><rect x="9" y="2.5" width="4.5" height="4.5" rx=".8"/><rect x="2.5" y="9" width="4.5" height="4.5" rx=".8"/><rect x="9" y="9" width="4.5" height="4.5" rx=".8"/>',
  close: '<path d="M4 4l8 8M12 4l-8 8"/>',
  chevron: '<path d="M6 4l4 4-4 4"/>',
  clear: '<circle cx="8" cy="8" r="6"/><path d="M4 12l8-8"/>',
};

export function svgIcon(name: string): SVGSVGElement {
  return iconFromPaths(ICONS[name] ?? "");
}

/** A button of the shell's look (`loom-je-btn`) with one of the Runs tab's icons. */
export function runsButton(
  label: string,
  options: { icon?: string; action?: string; title?: string; variant?: "primary" | "outline" | "danger"; iconOnly?: boolean } = {},
): HTMLButtonElement {
  const b = button(label, { action: options.action, title: options.title, variant: options.variant, iconOnly: options.iconOnly });
  if (options.icon) b.prepend(svgIcon(options.icon));
  return b;
}

/** A state badge: a coloured dot and the state's words; `data-state` holds the raw state. */
export function stateBadge(state: string | null | undefined, extra?: string): HTMLElement {
  return h(
    "span",
    { class: "loom-runs-badge", "data-tone": stateTone(state), "data-state": state ?? "", title: state ?? "did not run" },
    h("span", { class: "loom-runs-dot" }),
    h("span", { text: extra ?? stateLabel(state) }),
  );
}

/** A link out to the workspace, opening a new tab; null (nothing shown) when it leads nowhere. */
export function externalLink(label: string, url: string | null | undefined, attrs: Record<string, string> = {}): HTMLAnchorElement | null {
  const href = openableHref(url);
  if (!href) return null;
  return h("a", { class: "loom-runs-link loom-runs-external-link", href, target: "_blank", rel: "noopener noreferrer", ...attrs }, h("span", { text: label }), svgIcon("external"));
}

export function spinner(text = "Loading…"): HTMLElement {
  return h("div", { class: "loom-runs-loading", "data-role": "spinner", role: "status" }, h("span", { class: "loom-runs-spinner" }), h("span", { text }));
}

export function errorBox(text: string, retry?: () => void): HTMLElement {
  const box = h("div", { class: "loom-runs-error", "data-role": "error", role: "alert" }, h("span", { class: "loom-runs-error-text", text }));
  if (retry) {
    const again = runsButton("Try again", { icon: "refresh", action: "retry", variant: "outline" });
    again.addEventListener("click", retry);
    box.append(again);
  }
  return box;
}

export function emptyBox(text: string): HTMLElement {
  return h("div", { class: "loom-runs-empty", text });
}

/** `ctx.request` as a promise that never throws: the reply's `error`, or the failure's message. */
export async function ask<T extends { error?: string }>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) } as T;
  }
}

/** The Runs tab's dialogs, in its own frame. */
export class RunsDialogHost extends Overlay {
  constructor(root: HTMLElement) {
    super(root, "loom-runs-overlay");
  }

  get open(): boolean {
    return this.isOpen;
  }

  show(kind: string, title: string, body: HTMLElement, foot: HTMLElement, options: { wide?: boolean; onClose?: () => void } = {}): HTMLElement {
    this.close();
    const closeButton = h("button", { type: "button", class: "loom-runs-x", "aria-label": "Close", "data-action": "close" }, svgIcon("close"));
    closeButton.addEventListener("click", () => this.close());
    const dialog = h(
      "div",
      { class: `loom-runs-dialog${options.wide ? " loom-runs-dialog-wide" : ""}`, role: "dialog", "aria-modal": "true", "aria-label": title, tabindex: -1, "data-dialog": kind },
      h("div", { class: "loom-runs-dialog-head" }, h("div", { class: "loom-runs-dialog-title", text: title }), closeButton),
      h("div", { class: "loom-runs-dialog-body" }, body),
      h("div", { class: "loom-runs-dialog-foot" }, foot),
    );
    this.showDialog(dialog, kind, options.onClose);
    const first = dialog.querySelector<HTMLElement>("input, select, textarea, button.loom-je-btn-primary");
    (first ?? dialog).focus({ preventScroll: true });
    return dialog;
  }
}

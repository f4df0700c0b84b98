// The DOM helpers of every view: elements, unique ids, the inline SVG icons (drawn in
// currentColor) and the shell's buttons.

export type Attrs = Record<string, string | number | boolean | null | undefined>;
export type Child = Node | string | null | undefined | false;

/**
 * `h("button", { class: "x", "data-action": "add" }, "Add")`: `class` sets the class name,
 * `text` the text content; a null, undefined or false attribute or child is left out.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = String(value);
    else if (name === "text") element.textContent = String(value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

let seq = 0;
/** A unique element id (for <label for>, aria-*). */
export function uid(prefix = "loom-f"): string {
  seq += 1;
  return `${prefix}-${seq}`;
}

/** An inline 16x16 SVG icon of these path elements, stroked in currentColor. */
export function iconFromPaths(paths: string, className?: string): SVGSVGElement {
  const wrapper = document.createElement("span");
  const cls = className ? ` class="${className}"` : "";
  wrapper.innerHTML = `<svg${cls} viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">${paths}</svg>`;
  return wrapper.firstElementChild as SVGSVGElement;
}

const PATHS: Record<string, string> = {
  plus: '<path d="M8 3v10M3 8h10"/>',
  clone: '<rect x="5.5" y="5.5" width="8" height="8" rx="1.5"/><path d="M10.5 3.5v-.5a1 1 0 00-1-1h-6a1 1 0 00-1 1v6a1 1 0 001 1h.5"/>',
  trash: '<path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.6 8.2a1 1 0 001 .8h3.8a1 1 0 001-.8l.6-8.2"/>',
  undo: '<path d="M6 3.5L3 6.5l3 3"/><path d="M3.5 6.5h6a3.5 3.5 0 010 7H7"/>',
  redo: '<path d="M10 3.5l3 3-3 3"/><path d="M12.5 6.5h-6a3.5 3.5 0 000 7H9"/>',
  fit: '<path d="M2.5 6V3.5a1 1 0 011-1H6M10 2.5h2.5a1 1 0 011 1V6M13.5 10v2.5a1 1 0 01-1 1H10M6 13.5H3.5a1 1 0 01-1-1V10"/>',
  search: '<circle cx="7" cy="7" r="4.5"/><path d="M10.5 10.5l3 3"/>',
  focus: '<circle cx="8" cy="8" r="2"/><path d="M8 1.5v2.5M8 12v2.5M1.5 8H4M12 8h2.5"/><circle cx="8" cy="8" r="5"/>',
  code: '<path d="M5.5 4.5L2 8l3.5 3.5M10.5 4.5L14 8l-3.5 3.5"/>',
  doc: '<path d="M4 1.5h5.5L12.5 4.5v10h-8.5z"/><path d="M6 8h4.5M6 10.5h4.5"/>',
  check: '<path d="M3 8.5l3 3 7-7"/>',
  help: '<circle cx="8" cy="8" r="6.5"/><path d="M6.2 6.2a1.9 1.9 0 113 1.5c-.7.4-1.2.9-1.2 1.7"/><circle cx="8" cy="11.6" r=".4"/>',
  zoomIn: '<path d="M8 4v8M4 8h8"/>',
  zoomOut: '<path d="M4 8h8"/>',
  close: '<path d="M4 4l8 8M12 4l-8 8"/>',
  alert: '<circle cx="8" cy="8" r="6.5"/><path d="M8 4.5v4.2"/><circle cx="8" cy="11.3" r=".5"/>',
  ok: '<circle cx="8" cy="8" r="6.5"/><path d="M5 8.2l2 2 4-4"/>',
  warn: '<path d="M8 1.8L15 14H1z"/><path d="M8 6.2v3.6"/><circle cx="8" cy="11.9" r=".45" fill="currentColor"/>',
  error: '<circle cx="8" cy="8" r="6.5"/><path d="M8 4.5v4.2"/><circle cx="8" cy="11.3" r=".5" fill="currentColor"/>',
  pause: '<path d="M5.5 3.5v9M10.5 3.5v9"/>',
  play: '<path d="M4.5 3v10l8.5-5z"/>',
  skip: '<circle cx="8" cy="8" r="6.5"/><path d="M3.5 12.5l9-9"/>',
  repeat: '<path d="M2.5 8a5.5 5.5 0 019.6-3.6M13.5 8a5.5 5.5 0 01-9.6 3.6"/><path d="M12.5 1.8v2.9H9.6M3.5 14.2v-2.9h2.9"/>',
  globe: '<circle cx="8" cy="8" r="6.5"/><path d="M1.5 8h13M8 1.5c2 2 2.8 4.2 2.8 6.5S10 12.5 8 14.5C6 12.5 5.2 10.3 5.2 8S6 3.5 8 1.5z"/>',
  chevron: '<path d="M4.5 6.5L8 10l3.5-3.5"/>',
  clock: '<circle cx="8" cy="8" r="6.5"/><path d="M8 4.5V8l2.5 1.5"/>',
  user: '<circle cx="8" cy="5.2" r="2.7"/><path d="M2.8 14c.4-2.9 2.6-4.6 5.2-4.6s4.8 1.7 5.2 4.6"/>',
  group: '<circle cx="6" cy="5.5" r="2.3"/><path d="M1.6 13.5c.3-2.5 2.1-3.9 4.4-3.9s4.1 1.4 4.4 3.9"/><circle cx="11.3" cy="4.8" r="1.9"/><path d="M11.3 8.6c1.8 0 3.2 1.1 3.5 3.2"/>',
  service_principal: '<rect x="3" y="5" width="10" height="8" rx="2"/><path d="M8 2.5V5M6 8.7v.6M10 8.7v.6M6.2 11h3.6"/><circle cx="8" cy="2.3" r=".6"/>',
  lock: '<rect x="3.5" y="7" width="9" height="6.5" rx="1.2"/><path d="M5.5 7V5a2.5 2.5 0 015 0v2"/>',
  crown: '<path d="M2.5 12.5h11M3 11l-1-6.5 3.5 3L8 3l2.5 4.5 3.5-3-1 6.5z"/>',
  info: '<circle cx="8" cy="8" r="6.5"/><path d="M8 7.2v4"/><circle cx="8" cy="4.9" r=".5" fill="currentColor"/>',
  copy: '<rect x="5.5" y="5.5" width="8" height="8" rx="1.5"/><path d="M10.5 3.5v-.5a1 1 0 00-1-1h-6a1 1 0 00-1 1v6a1 1 0 001 1h.5"/>',
};

export function icon(name: keyof typeof PATHS | string, className?: string): SVGSVGElement {
  return iconFromPaths(PATHS[name] ?? "", className);
}

export function button(
  label: string,
  options: {
    icon?: string;
    action?: string;
    title?: string;
    variant?: "primary" | "outline" | "danger" | "icon";
    iconOnly?: boolean;
  } = {},
): HTMLButtonElement {
  const classes = ["loom-je-btn"];
  if (options.variant) classes.push(`loom-je-btn-${options.variant}`);
  if (options.iconOnly) classes.push("loom-je-btn-icon");
  const b = h("button", {
    type: "button",
    class: classes.join(" "),
    "data-action": options.action,
    title: options.title ?? (options.iconOnly ? label : undefined),
    "aria-label": options.iconOnly ? label : undefined,
  });
  if (options.icon) b.append(icon(options.icon));
  if (!options.iconOnly) b.append(h("span", { class: "loom-je-btn-text", text: label }));
  return b;
}

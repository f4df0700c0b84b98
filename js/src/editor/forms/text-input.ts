// Typing in the forms' text controls: focus (through shadow roots), debounced commits, the caret.

/** The element that has focus in `el`'s document (through shadow roots), or null. */
export function activeElement(el: Node): Element | null {
  const doc = el.ownerDocument ?? document;
  let active: Element | null = doc.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

export function hasFocus(el: Element): boolean {
  const active = activeElement(el);
  return active !== null && (active === el || el.contains(active));
}

export const DEBOUNCE_MS = 250;

/** Debounced commit of typed text: `touch` on input, `flush` on blur / Enter / handle.flush(). */
export class Debouncer {
  private timer: ReturnType<typeof setTimeout> | null = null;
  pending = false;
  constructor(
    private readonly commit: () => void,
    private readonly delay = DEBOUNCE_MS,
  ) {}
  touch(): void {
    this.pending = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.delay);
  }
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.pending) return;
    this.pending = false;
    this.commit();
  }
  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = false;
  }
}

/** Wire a text control to a debouncer: input → touch, blur → flush, Enter (one-line) → flush. */
export function bindText(el: HTMLInputElement | HTMLTextAreaElement, deb: Debouncer, opts: { enter?: boolean } = {}): void {
  el.addEventListener("input", () => deb.touch());
  el.addEventListener("blur", () => deb.flush());
  el.addEventListener("keydown", (ev) => {
    const e = ev as KeyboardEvent;
    if (e.key !== "Enter" || e.isComposing) return;
    if (el instanceof HTMLTextAreaElement) {
      if (e.ctrlKey || e.metaKey) deb.flush();
    } else if (opts.enter !== false) {
      deb.flush();
    }
  });
}

/** Insert text at the caret of an input / textarea, replacing the selection; caret after it. */
export function insertAtCaret(el: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  const value = el.value;
  const start = el.selectionStart ?? value.length;
  const end = el.selectionEnd ?? start;
  el.value = value.slice(0, start) + text + value.slice(end);
  const caret = start + text.length;
  try {
    el.setSelectionRange(caret, caret);
  } catch {
    // some input types do not support selection
  }
}

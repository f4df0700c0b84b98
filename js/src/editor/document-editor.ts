// The text editor of the JSON / YAML view: a plain textarea in a monospace font beside a gutter
// of line numbers that scrolls with it and marks the line of a parse error. No editor library:
// the browser's textarea keeps its own undo (Ctrl+Z inside it), selection and paste.
import { h, uid } from "./dom";

/** The longest text sent to Python (the same limit its parser has); a longer paste is refused
 * here, before it crosses the kernel's message channel. */
export const MAX_DOCUMENT_CHARS = 2_000_000;

const LINE_HEIGHT = 18; // px: the gutter's numbers line up with the textarea's lines
const PADDING = 8;

const STYLE = `
.loom-je-docedit { display: grid; grid-template-columns: auto 1fr; height: min(440px, 60vh); min-height: 160px;
  border: 1px solid var(--je-border); border-radius: var(--je-radius); background: var(--je-bg2); overflow: hidden; }
.loom-je-docedit:focus-within { border-color: var(--je-focus, var(--je-accent)); }
.loom-je-docedit[data-invalid="true"] { border-color: var(--je-error); }
.loom-je-docgutter { position: relative; overflow: hidden; min-width: 3.2em; padding: ${PADDING}px 6px ${PADDING}px 8px;
  border-right: 1px solid var(--je-border); color: var(--je-muted); text-align: right; user-select: none;
  font-family: var(--je-mono); font-size: 12px; line-height: ${LINE_HEIGHT}px; }
.loom-je-docgutter-lines { position: relative; margin: 0; font: inherit; white-space: pre; }
.loom-je-docgutter-mark { position: absolute; left: -8px; right: -6px; height: ${LINE_HEIGHT}px; display: none;
  background: color-mix(in srgb, var(--je-error) 22%, transparent); border-left: 3px solid var(--je-error);
  color: var(--je-text); font-weight: 700; padding-right: 6px; box-sizing: border-box; }
.loom-je-docgutter-mark[data-line] { display: block; }
textarea.loom-je-doc { margin: 0; border: 0; outline: none; resize: none; width: 100%; height: 100%;
  box-sizing: border-box; padding: ${PADDING}px 12px; background: transparent; color: var(--je-text);
  font-family: var(--je-mono); font-size: 12px; line-height: ${LINE_HEIGHT}px; white-space: pre;
  overflow: auto; tab-size: 2; max-height: none; }
.loom-je-docmsg { margin: 8px 0 0; padding: 6px 10px; border-radius: var(--je-radius); white-space: pre-wrap; }
.loom-je-docmsg:empty { display: none; }
.loom-je-docmsg[data-level="error"] { border-left: 4px solid var(--je-error);
  background: color-mix(in srgb, var(--je-error) 7%, var(--je-bg)); }
.loom-je-docmsg[data-level="success"] { border-left: 4px solid var(--je-accent);
  background: color-mix(in srgb, var(--je-accent) 7%, var(--je-bg)); }
.loom-je-docproblems { margin: 6px 0 0; padding-left: 18px; max-height: 120px; overflow: auto; }
.loom-je-docproblems:empty { display: none; }
.loom-je-docproblems li[data-task] { cursor: pointer; }
.loom-je-docproblems li[data-task]:hover { text-decoration: underline; }
.loom-je-docproblems .loom-je-docfield { color: var(--je-muted); font-family: var(--je-mono); font-size: 11px; }
`;

/** The textarea and its gutter; `onInput` after each change the user makes. */
export class DocumentEditor {
  readonly element: HTMLDivElement;
  readonly textarea: HTMLTextAreaElement;
  private readonly lines = h("pre", { class: "loom-je-docgutter-lines" });
  private readonly mark = h("div", { class: "loom-je-docgutter-mark", "data-role": "error-line" });
  private readonly gutter: HTMLDivElement;
  private lineCount = 0;

  constructor(label: string, describedBy: string, onInput: () => void) {
    this.textarea = h("textarea", {
      class: "loom-je-doc",
      id: uid("loom-je-doc"),
      spellcheck: "false",
      autocomplete: "off",
      autocapitalize: "off",
      wrap: "off",
      "aria-label": label,
      "aria-describedby": describedBy,
    });
    this.gutter = h(
      "div",
      { class: "loom-je-docgutter", "aria-hidden": "true" },
      h("div", { style: "position: relative" }, this.lines, this.mark),
    );
    this.element = h("div", { class: "loom-je-docedit" }, h("style", { text: STYLE }), this.gutter, this.textarea);
    this.textarea.addEventListener("input", () => {
      this.renumber();
      onInput();
    });
    // The gutter follows the text's scrolling; it has no scroll bar of its own.
    this.textarea.addEventListener("scroll", () => {
      this.gutter.scrollTop = this.textarea.scrollTop;
    });
    this.textarea.addEventListener("keydown", (event) => {
      // Tab indents (two spaces, as the text is written) instead of leaving the field; Escape
      // still closes the dialog, and Shift+Tab leaves the field for keyboard users.
      if (event.key === "Tab" && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey) {
        event.preventDefault();
        document.execCommand("insertText", false, "  ");
      }
    });
  }

  get value(): string {
    return this.textarea.value;
  }

  /** Replace the text (the caret at the top unless ``keepScroll``). */
  set(text: string, keepScroll = false): void {
    const top = this.textarea.scrollTop;
    this.textarea.value = text;
    this.renumber();
    if (keepScroll) this.textarea.scrollTop = top;
    else {
      this.textarea.scrollTop = 0;
      this.textarea.setSelectionRange(0, 0);
    }
    this.gutter.scrollTop = this.textarea.scrollTop;
  }

  set readOnly(value: boolean) {
    this.textarea.readOnly = value;
  }

  /** Mark line ``line`` (1-based) as where the text is wrong, put the caret at ``column`` and
   * scroll it into view; null clears the mark. */
  markError(line: number | null, column: number | null = null): void {
    const invalid = line !== null;
    this.element.dataset.invalid = String(invalid);
    this.textarea.setAttribute("aria-invalid", String(invalid));
    if (line === null) {
      delete this.mark.dataset.line;
      this.mark.textContent = "";
      return;
    }
    const shown = Math.min(Math.max(line, 1), Math.max(this.lineCount, 1));
    this.mark.dataset.line = String(shown);
    this.mark.textContent = String(shown);
    this.mark.style.top = `${(shown - 1) * LINE_HEIGHT}px`;
    const offset = offsetOf(this.textarea.value, shown, column ?? 1);
    this.textarea.focus({ preventScroll: true });
    this.textarea.setSelectionRange(offset, offset);
    const wanted = (shown - 1) * LINE_HEIGHT;
    const view = this.textarea.clientHeight;
    if (wanted < this.textarea.scrollTop || wanted > this.textarea.scrollTop + view - 3 * LINE_HEIGHT) {
      this.textarea.scrollTop = Math.max(0, wanted - view / 3);
    }
    this.gutter.scrollTop = this.textarea.scrollTop;
  }

  private renumber(): void {
    const text = this.textarea.value;
    let count = 1;
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) count += 1;
    if (count === this.lineCount) return;
    this.lineCount = count;
    const numbers: string[] = new Array(count);
    for (let i = 0; i < count; i += 1) numbers[i] = String(i + 1);
    this.lines.textContent = numbers.join("\n");
  }
}

/** The offset in ``text`` of ``line``:``column`` (both 1-based, clamped to the text). */
export function offsetOf(text: string, line: number, column: number): number {
  let start = 0;
  for (let n = 1; n < line; n += 1) {
    const next = text.indexOf("\n", start);
    if (next === -1) break;
    start = next + 1;
  }
  const end = text.indexOf("\n", start);
  const lineEnd = end === -1 ? text.length : end;
  return Math.min(start + Math.max(column - 1, 0), lineEnd);
}

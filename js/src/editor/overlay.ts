// One dialog at a time, in an overlay covering a view (the editor, the Runs tab): Escape or a click
// outside closes it, and keys typed in it are not the editor's shortcuts.
import { h } from "./dom";

export class Overlay {
  private overlay: HTMLElement | null = null;
  private onClose: (() => void) | null = null;

  constructor(
    protected readonly root: HTMLElement,
    private readonly className: string,
  ) {}

  get isOpen(): boolean {
    return this.overlay !== null;
  }

  /** The kind of the dialog shown (its `data-dialog`), or null. */
  kind(): string | null {
    return this.overlay?.dataset.dialog ?? null;
  }

  /** Shows `dialog` over the root (closing the one shown); `onClose` is called when it closes. */
  protected showDialog(dialog: HTMLElement, kind: string, onClose?: () => void): void {
    this.close();
    const overlay = h("div", { class: this.className, "data-dialog": kind });
    overlay.append(dialog);
    overlay.addEventListener("mousedown", (event) => {
      if (event.target === overlay) this.close();
    });
    overlay.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.close();
      }
      event.stopPropagation();
    });
    this.overlay = overlay;
    this.onClose = onClose ?? null;
    this.root.append(overlay);
  }

  close(): void {
    if (!this.overlay) return;
    this.overlay.remove();
    this.overlay = null;
    const onClose = this.onClose;
    this.onClose = null;
    onClose?.();
  }
}

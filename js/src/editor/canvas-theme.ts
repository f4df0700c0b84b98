// The canvas's colours: the page's theme with the canvas's own background, read again when
// JupyterLab switches themes.
import { type Theme, readTheme } from "../graph";

/** A CSS colour as `rgb(r, g, b)` (cytoscape reads no `color(srgb ...)` from color-mix); null if transparent. */
function toRgb(color: string): string | null {
  if (!color || color === "transparent" || color === "rgba(0, 0, 0, 0)") return null;
  if (/^(#|rgb)/.test(color)) return color;
  const context = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
  if (!context) return null;
  context.fillStyle = color;
  context.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = context.getImageData(0, 0, 1, 1).data;
  return a === 0 ? null : `rgb(${r}, ${g}, ${b})`;
}

/** The theme where `root` is (JupyterLab sets the variables on body), on `canvasWrap`'s background. */
export function canvasTheme(root: Element, canvasWrap: Element): Theme {
  const theme = readTheme(root);
  const canvasBg = toRgb(getComputedStyle(canvasWrap).backgroundColor);
  return canvasBg ? { ...theme, background: canvasBg } : theme;
}

/** Calls `changed` with the new theme after a JupyterLab theme switch. Returns the cleanup. */
export function watchTheme(root: Element, canvasWrap: Element, initial: Theme, changed: (theme: Theme) => void): () => void {
  let theme = initial;
  const check = () => {
    const next = canvasTheme(root, canvasWrap);
    if (JSON.stringify(next) !== JSON.stringify(theme)) {
      theme = next;
      changed(theme);
    }
  };
  const timers: number[] = [];
  const observer = new MutationObserver(() => {
    // The new theme's style sheet may load after the attribute changed: look again a bit later.
    for (const ms of [0, 300, 1200]) timers.push(window.setTimeout(check, ms));
    while (timers.length > 6) timers.shift();
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-name", "data-jp-theme-light", "class", "style"] });
  return () => {
    observer.disconnect();
    for (const timer of timers) clearTimeout(timer);
  };
}

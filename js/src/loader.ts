/**
 * Every widget's `_esm`: loads the widget's bundle (its `_bundle` trait) once per page and lends
 * that one module to every widget of the kind.
 *
 * anywidget imports a widget's `_esm` anew for each widget (a Blob URL per model), so with the
 * bundle itself as `_esm`, each editor opened compiled ~0.9 MB of JavaScript again and ran it
 * cold (no code the engine had optimised yet): about 40% of reopening a 1,000-task job
 * (bench_editor_browser.py). This module is small; the bundle is imported once per distinct text
 * and shared through `globalThis`, since this module itself is also imported once per widget.
 */
import type { AnyModel, InitializeProps, RenderProps } from "@anywidget/types";

type Widget = {
  initialize?: (props: InitializeProps) => unknown;
  render?: (props: RenderProps) => unknown;
};
type Exports = { default?: Widget | (() => Widget | Promise<Widget>) };

const SHARED = Symbol.for("loom-jobs-widget/bundles");
const store = globalThis as unknown as Record<symbol, Map<string, Promise<Widget>> | undefined>;
// By the bundle's text: a page showing widgets from two versions of the package keeps both.
store[SHARED] ??= new Map<string, Promise<Widget>>();
const bundles = store[SHARED];

async function importBundle(text: string): Promise<Widget> {
  const url = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
  try {
    const exports = (await import(/* @vite-ignore */ url)) as Exports;
    const found = exports.default;
    if (!found) throw new Error("loom-jobs-widget: the bundle exports no widget");
    return typeof found === "function" ? await found() : found;
  } finally {
    URL.revokeObjectURL(url);
  }
}

function load(model: AnyModel): Promise<Widget> {
  const text = String(model.get("_bundle") ?? "");
  let found = bundles.get(text);
  if (!found) {
    found = importBundle(text);
    bundles.set(text, found);
    // A failed import is not kept: the next widget tries again.
    found.catch(() => bundles.delete(text));
  }
  return found;
}

export default {
  async initialize(props: InitializeProps) {
    return (await load(props.model)).initialize?.(props);
  },
  async render(props: RenderProps) {
    return (await load(props.model)).render?.(props);
  },
};

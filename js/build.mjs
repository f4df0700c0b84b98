// Bundles each widget's view into ONE self-contained ES module (no code splitting, no CDN
// imports), and the small module every widget gives anywidget as its `_esm`, which loads the
// widget's bundle once per page (src/loader.ts):
//   src/widget.ts        -> ../loom_jobs_widget/static/widget.js  (JobGraph)
//   src/editor/index.ts  -> ../loom_jobs_widget/static/editor.js  (JobEditor)
//   src/browser/index.ts -> ../loom_jobs_widget/static/browser.js (JobsBrowser)
//   src/loader.ts        -> ../loom_jobs_widget/static/loader.js
//
//   node build.mjs           production build (minified)
//   node build.mjs --watch   rebuild on change (pair with ANYWIDGET_HMR=1)
import { execFileSync } from "node:child_process";
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";

// src/generated/ (task types, limits, message types) is written from the Python package, which
// holds each of those facts once; the script needs nothing but a Python 3.10+.
execFileSync(
  process.env.PYTHON ?? "python3",
  [fileURLToPath(new URL("../scripts/generate_ts.py", import.meta.url))],
  { stdio: "inherit" },
);

const watch = process.argv.includes("--watch");
const production = !watch && process.env.NODE_ENV !== "development";

/** @type {import("esbuild").BuildOptions} */
const options = {
  entryPoints: {
    widget: fileURLToPath(new URL("./src/widget.ts", import.meta.url)),
    editor: fileURLToPath(new URL("./src/editor/index.ts", import.meta.url)),
    browser: fileURLToPath(new URL("./src/browser/index.ts", import.meta.url)),
    loader: fileURLToPath(new URL("./src/loader.ts", import.meta.url)),
  },
  outdir: fileURLToPath(new URL("../loom_jobs_widget/static/", import.meta.url)),
  bundle: true,
  format: "esm",
  splitting: false,
  platform: "browser",
  target: ["es2020"],
  minify: production,
  // anywidget loads the file from a Blob URL, so an external map could not be fetched.
  sourcemap: production ? false : "inline",
  legalComments: "eof",
  // Some UMD-style dependencies pick the AMD branch when `define` exists (anywidget#369).
  define: { "define.amd": "false" },
  logLevel: "info",
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log("watching js/src for changes ...");
} else {
  await esbuild.build(options);
}

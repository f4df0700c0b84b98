// The editor's CSS: JupyterLab's theme variables (--jp-*) with fallbacks that look like the
// Databricks Jobs UI on a plain page. Every class starts with `loom-je`.
//
// The forms (forms/index.ts) bring their own CSS; the variables below (--je-*) are theirs to use.

export const EDITOR_HEIGHT = 620;
export const PANEL_WIDTH = 420;

import { FORMS_VARIABLES } from "./forms/css";
import { THEME_VARIABLES } from "./theme";
import { TOASTS_CSS } from "./toasts-css";

export const CSS = `
.loom-je {
${THEME_VARIABLES}
  --je-canvas: color-mix(in srgb, var(--jp-layout-color2, #eef0f3) 55%, var(--jp-layout-color1, #ffffff));
  --je-mono: var(--jp-code-font-family, ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace);
  --je-radius: 6px;
  box-sizing: border-box;
  position: relative;
  display: flex;
  flex-direction: column;
  width: 100%;
  /* No floor of its own: a JupyterLab output area beside an open sidebar is narrower than any
     fixed figure; below 620 px the task panel goes under the canvas instead. */
  min-width: 0;
  border: 1px solid var(--je-border);
  border-radius: 8px;
  overflow: hidden;
  background: var(--je-bg);
  color: var(--je-text);
  font-family: var(--jp-ui-font-family, system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif);
  font-size: 13px;
  line-height: 1.4;
  outline: none;
  container-type: inline-size;
}
.loom-je *, .loom-je *::before, .loom-je *::after { box-sizing: border-box; }
.loom-je:focus-visible { box-shadow: inset 0 0 0 2px color-mix(in srgb, var(--je-accent) 40%, transparent); }
/* Low specificity (:where), so that every class below sets its own font size. */
.loom-je :where(button, input, select, textarea) {
  font-family: inherit;
  font-size: inherit;
  color: inherit;
}

/* ---- header ---- */
.loom-je-header {
  display: flex;
  align-items: center;
  gap: 10px;
  padding: 8px 12px 6px;
  min-height: 44px;
}
.loom-je-title-box {
  position: relative;
  flex: 0 1 auto;
  min-width: 80px;
  margin-left: -6px;
  font-size: 16px;
  font-weight: 600;
}
/* The box's width is its text's (an input has a width of its own, not its value's); the input
   lies over it. Two px more than the input's padding: the caret and rounding never cut it. */
.loom-je-title-box::after {
  content: attr(data-value);
  display: block;
  visibility: hidden;
  white-space: pre;
  overflow: hidden;
  padding: 3px 8px 3px 6px;
  border: 1px solid transparent;
}
.loom-je-title {
  position: absolute;
  inset: 0;
  width: 100%;
  box-sizing: border-box;
  font-size: 16px;
  font-weight: 600;
  padding: 3px 6px;
  border: 1px solid transparent;
  border-radius: var(--je-radius);
  background: transparent;
  text-overflow: ellipsis;
}
.loom-je-title:hover { border-color: var(--je-border); }
.loom-je-title:focus { outline: none; border-color: var(--je-accent); box-shadow: var(--je-focus); background: var(--je-input-bg); }
.loom-je-chip {
  display: inline-flex;
  align-items: center;
  gap: 4px;
  padding: 1px 8px;
  border-radius: 999px;
  background: var(--je-bg2);
  border: 1px solid var(--je-border);
  color: var(--je-muted);
  font-size: 12px;
  white-space: nowrap;
}
.loom-je-dirty {
  width: 8px; height: 8px; border-radius: 50%;
  background: var(--je-warn);
  flex: none;
}
.loom-je-dirty[hidden] { display: none; }
.loom-je-spacer { flex: 1 1 auto; }
.loom-je-counts { color: var(--je-muted); white-space: nowrap; font-size: 12.5px; }
.loom-je-counts .loom-je-n-errors { color: var(--je-error); font-weight: 600; }
.loom-je-counts .loom-je-n-warnings { color: var(--je-warn); font-weight: 600; }
.loom-je-counts button {
  border: none; background: none; padding: 0; cursor: pointer; font: inherit;
}
.loom-je-counts button:hover { text-decoration: underline; }

/* ---- toolbar ---- */
.loom-je-toolbar {
  display: flex;
  align-items: center;
  flex-wrap: wrap;
  gap: 4px;
  padding: 6px 10px;
  border-top: 1px solid var(--je-border);
  border-bottom: 1px solid var(--je-border);
  background: var(--je-bg);
}
.loom-je-sep { width: 1px; height: 20px; background: var(--je-border); margin: 0 4px; }
.loom-je-btn {
  display: inline-flex;
  align-items: center;
  gap: 5px;
  height: 28px;
  padding: 0 9px;
  border: 1px solid transparent;
  border-radius: var(--je-radius);
  background: transparent;
  color: var(--je-text);
  cursor: pointer;
  white-space: nowrap;
  font-size: 13px;
}
.loom-je-btn svg { width: 16px; height: 16px; flex: none; }
.loom-je-btn:hover:not(:disabled) { background: var(--je-hover); }
.loom-je-btn:focus-visible { outline: none; box-shadow: var(--je-focus); border-color: var(--je-accent); }
.loom-je-btn:disabled { opacity: 0.45; cursor: default; }
.loom-je-btn[aria-pressed="true"] { background: color-mix(in srgb, var(--je-accent) 14%, transparent); color: var(--je-accent); }
.loom-je-btn-outline { border-color: var(--je-border-strong); background: var(--je-bg); }
.loom-je-btn-primary {
  background: var(--je-accent);
  border-color: var(--je-accent);
  color: var(--je-accent-text);
  font-weight: 600;
}
.loom-je-btn-primary:hover:not(:disabled) { background: color-mix(in srgb, var(--je-accent) 86%, black); }
.loom-je-btn-danger { color: var(--je-error); }
.loom-je-btn-icon { padding: 0 6px; }
.loom-je-search {
  position: relative;
  display: inline-flex;
  align-items: center;
}
.loom-je-search svg { position: absolute; left: 8px; width: 14px; height: 14px; color: var(--je-faint); pointer-events: none; }
.loom-je-input {
  height: 28px;
  padding: 0 8px;
  border: 1px solid var(--je-input-border);
  border-radius: var(--je-radius);
  background: var(--je-input-bg);
  color: var(--je-text);
  font-size: 13px;
}
.loom-je-input:focus { outline: none; border-color: var(--je-accent); box-shadow: var(--je-focus); }
.loom-je-search .loom-je-input { padding-left: 26px; padding-right: 40px; width: 190px; }
.loom-je .loom-je-search .loom-je-input:placeholder-shown { padding-right: 8px; }
.loom-je-search-count {
  position: absolute; right: 8px; font-size: 11px; color: var(--je-faint); pointer-events: none;
}
.loom-je-hops { width: 46px; padding: 0 4px 0 8px; }
.loom-je-label { color: var(--je-muted); font-size: 12px; margin: 0 2px 0 4px; }
.loom-je-focus-group { display: inline-flex; align-items: center; gap: 2px; }

/* ---- main: canvas and panel ---- */
.loom-je-main {
  position: relative;
  display: flex;
  height: ${EDITOR_HEIGHT}px;
  min-height: 280px;
}
.loom-je-canvas-wrap {
  position: relative;
  flex: 1 1 auto;
  min-width: 200px;
  background: var(--je-canvas);
}
.loom-je-canvas { position: absolute; inset: 0; }
.loom-je-canvas.loom-je-connecting, .loom-je-connecting canvas { cursor: crosshair !important; }
.loom-je-empty {
  position: absolute;
  inset: 0;
  display: flex;
  flex-direction: column;
  align-items: center;
  justify-content: center;
  gap: 10px;
  color: var(--je-muted);
  pointer-events: none;
}
.loom-je-empty[hidden] { display: none; }
.loom-je-empty .loom-je-btn { pointer-events: auto; }
.loom-je-zoom {
  position: absolute;
  right: 12px;
  bottom: 12px;
  display: flex;
  flex-direction: column;
  border: 1px solid var(--je-border);
  border-radius: var(--je-radius);
  background: var(--je-bg);
  box-shadow: 0 1px 3px rgba(0,0,0,.08);
  overflow: hidden;
}
.loom-je-zoom[hidden] { display: none; }
.loom-je-zoom .loom-je-btn { border-radius: 0; height: 28px; width: 30px; justify-content: center; padding: 0; }
.loom-je-zoom .loom-je-btn + .loom-je-btn { border-top: 1px solid var(--je-border); }
.loom-je-focus-banner {
  position: absolute;
  left: 50%;
  top: 10px;
  transform: translateX(-50%);
  display: flex;
  align-items: center;
  gap: 8px;
  padding: 4px 6px 4px 12px;
  border-radius: 999px;
  background: var(--je-bg);
  border: 1px solid var(--je-border-strong);
  box-shadow: 0 1px 4px rgba(0,0,0,.1);
  font-size: 12px;
  color: var(--je-muted);
}
.loom-je-focus-banner[hidden] { display: none; }
.loom-je-focus-banner .loom-je-btn { height: 22px; font-size: 12px; }

${TOASTS_CSS}
/* ---- task panel ---- */
.loom-je-panel {
  position: relative;
  flex: none;
  display: flex;
  flex-direction: column;
  width: ${PANEL_WIDTH}px;
  max-width: 70%;
  border-left: 1px solid var(--je-border);
  background: var(--je-bg);
}
.loom-je-panel[hidden] { display: none; }
.loom-je-panel-resize {
  position: absolute;
  left: -4px;
  top: 0;
  bottom: 0;
  width: 8px;
  cursor: col-resize;
  z-index: 3;
}
.loom-je-panel-resize:hover, .loom-je-panel-resize.loom-je-active { background: color-mix(in srgb, var(--je-accent) 30%, transparent); }
.loom-je-panel-head {
  display: flex;
  flex-direction: column;
  gap: 8px;
  padding: 12px 14px 10px;
  border-bottom: 1px solid var(--je-border);
}
.loom-je-panel-row { display: flex; align-items: center; gap: 8px; }
.loom-je-panel-icon {
  width: 26px; height: 26px; border-radius: 6px; flex: none;
  background-size: 26px 26px;
}
.loom-je-panel-key {
  flex: 1;
  min-width: 0;
  font-size: 15px;
  font-weight: 600;
  padding: 3px 6px;
  border: 1px solid transparent;
  border-radius: var(--je-radius);
  background: transparent;
}
.loom-je-panel-key:hover { border-color: var(--je-border); }
.loom-je-panel-key:focus { outline: none; border-color: var(--je-accent); box-shadow: var(--je-focus); background: var(--je-input-bg); }
.loom-je-panel-key[aria-invalid="true"] { border-color: var(--je-error); }
.loom-je-field-error { color: var(--je-error); font-size: 12px; }
.loom-je-field-error:empty { display: none; }
.loom-je-panel-type { display: flex; align-items: center; gap: 8px; }
.loom-je-panel-type label { color: var(--je-muted); font-size: 12px; width: 34px; }
.loom-je-panel-type select { flex: 1; }
.loom-je-select { height: 28px; padding: 0 6px; }
.loom-je-panel-body { flex: 1; overflow: auto; padding: 4px 0 16px; }
.loom-je-panel-loading { padding: 18px 14px; color: var(--je-muted); }
.loom-je-panel-problems {
  margin: 8px 14px 0;
  padding: 6px 10px;
  border-radius: var(--je-radius);
  background: color-mix(in srgb, var(--je-error) 8%, var(--je-bg));
  border: 1px solid color-mix(in srgb, var(--je-error) 30%, var(--je-bg));
  font-size: 12px;
}
.loom-je-panel-problems:empty { display: none; }
.loom-je-panel-problems li { margin: 2px 0; }
.loom-je-panel-problems ul { margin: 0; padding-left: 16px; }

/* ---- problems list (job level) ---- */
.loom-je-problems {
  border-top: 1px solid var(--je-border);
  background: var(--je-bg);
  font-size: 12.5px;
}
.loom-je-problems[hidden] { display: none; }
.loom-je-problems summary {
  display: flex;
  align-items: center;
  gap: 8px;
  padding: 6px 12px;
  cursor: pointer;
  list-style: none;
  color: var(--je-muted);
  user-select: none;
}
.loom-je-problems summary::-webkit-details-marker { display: none; }
.loom-je-problems summary::before { content: "▸"; font-size: 10px; transition: transform .12s; }
.loom-je-problems[open] summary::before { transform: rotate(90deg); }
.loom-je-problem-list { list-style: none; margin: 0; padding: 0 0 6px; max-height: 160px; overflow: auto; }
.loom-je-problem {
  display: flex;
  align-items: baseline;
  gap: 8px;
  padding: 3px 12px 3px 28px;
}
.loom-je-problem[data-task] { cursor: pointer; }
.loom-je-problem[data-task]:hover { background: var(--je-hover); }
.loom-je-sev {
  flex: none;
  font-size: 10.5px;
  font-weight: 700;
  text-transform: uppercase;
  letter-spacing: .03em;
  padding: 0 5px;
  border-radius: 4px;
}
.loom-je-sev-error { color: var(--je-error); background: color-mix(in srgb, var(--je-error) 12%, transparent); }
.loom-je-sev-warning { color: var(--je-warn); background: color-mix(in srgb, var(--je-warn) 14%, transparent); }
.loom-je-problem-task { font-weight: 600; }
.loom-je-problem-code { color: var(--je-faint); font-family: var(--je-mono); font-size: 11px; }

/* ---- dialogs ---- */
.loom-je-overlay {
  position: absolute;
  inset: 0;
  z-index: 20;
  display: flex;
  align-items: flex-start;
  justify-content: center;
  padding: 48px 16px 16px;
  background: rgba(15, 23, 42, .32);
  animation: loom-je-fade .12s ease-out;
}
@keyframes loom-je-fade { from { opacity: 0; } to { opacity: 1; } }
.loom-je-dialog {
  display: flex;
  flex-direction: column;
  width: min(760px, 100%);
  max-height: 100%;
  border-radius: 8px;
  border: 1px solid var(--je-border-strong);
  background: var(--je-bg);
  box-shadow: 0 12px 40px rgba(0,0,0,.25);
  outline: none;
}
.loom-je-dialog-small { width: min(440px, 100%); }
.loom-je-dialog-head {
  display: flex;
  align-items: center;
  gap: 10px;
  padding: 12px 16px;
  border-bottom: 1px solid var(--je-border);
}
.loom-je-dialog-title { font-size: 15px; font-weight: 600; flex: 1; }
.loom-je-dialog-body { padding: 12px 16px; overflow: auto; min-height: 0; }
.loom-je-dialog-foot {
  display: flex;
  align-items: center;
  justify-content: flex-end;
  gap: 8px;
  padding: 10px 16px;
  border-top: 1px solid var(--je-border);
}
.loom-je-dialog-foot .loom-je-note { margin-right: auto; color: var(--je-muted); font-size: 12px; }
.loom-je-summary { margin: 0 0 10px; color: var(--je-muted); }
.loom-je-changes { list-style: none; margin: 0; padding: 0; border: 1px solid var(--je-border); border-radius: var(--je-radius); }
.loom-je-change {
  display: grid;
  grid-template-columns: 76px 1fr;
  gap: 2px 10px;
  padding: 7px 10px;
  border-top: 1px solid var(--je-border);
}
.loom-je-change:first-child { border-top: none; }
.loom-je-change-kind {
  grid-row: span 2;
  align-self: start;
  justify-self: start;
  font-size: 11px;
  font-weight: 600;
  padding: 1px 7px;
  border-radius: 4px;
}
.loom-je-change[data-kind="added"] .loom-je-change-kind { color: #15803d; background: color-mix(in srgb, #16a34a 14%, transparent); }
.loom-je-change[data-kind="removed"] .loom-je-change-kind { color: #b91c1c; background: color-mix(in srgb, #dc2626 12%, transparent); }
.loom-je-change[data-kind="changed"] .loom-je-change-kind { color: #a16207; background: color-mix(in srgb, #ca8a04 15%, transparent); }
.loom-je-change-path { font-family: var(--je-mono); font-size: 12px; word-break: break-all; }
.loom-je-change-values { font-family: var(--je-mono); font-size: 12px; color: var(--je-muted); word-break: break-word; white-space: pre-wrap; }
.loom-je-before { color: #b91c1c; text-decoration: line-through; text-decoration-color: color-mix(in srgb, #b91c1c 50%, transparent); }
.loom-je-after { color: #15803d; }
.loom-je-blocking {
  margin: 0 0 12px;
  padding: 8px 12px;
  border-radius: var(--je-radius);
  border: 1px solid color-mix(in srgb, var(--je-error) 35%, var(--je-bg));
  background: color-mix(in srgb, var(--je-error) 7%, var(--je-bg));
}
.loom-je-blocking strong { color: var(--je-error); }
.loom-je-blocking ul { margin: 4px 0 0; padding-left: 18px; }
.loom-je-save-error {
  margin: 0 0 12px;
  padding: 8px 12px;
  border-radius: var(--je-radius);
  border-left: 4px solid var(--je-error);
  background: color-mix(in srgb, var(--je-error) 7%, var(--je-bg));
  white-space: pre-wrap;
}
.loom-je-doc {
  margin: 0;
  padding: 10px 12px;
  max-height: 440px;
  overflow: auto;
  border: 1px solid var(--je-border);
  border-radius: var(--je-radius);
  background: var(--je-bg2);
  font-family: var(--je-mono);
  font-size: 12px;
  line-height: 1.5;
  white-space: pre;
  tab-size: 2;
  user-select: text;
}
.loom-je-tabs { display: inline-flex; border: 1px solid var(--je-border-strong); border-radius: var(--je-radius); overflow: hidden; }
.loom-je-tabs .loom-je-btn { border-radius: 0; height: 26px; }
.loom-je-tabs .loom-je-btn[aria-selected="true"] { background: var(--je-accent); color: var(--je-accent-text); }
.loom-je-muted { color: var(--je-muted); }
.loom-je-spinner {
  display: inline-block; width: 14px; height: 14px; border-radius: 50%;
  border: 2px solid var(--je-border-strong); border-top-color: var(--je-accent);
  animation: loom-je-spin .8s linear infinite; vertical-align: -2px;
}
@keyframes loom-je-spin { to { transform: rotate(360deg); } }

/* ---- shortcuts help ---- */
.loom-je-help {
  position: absolute;
  top: 6px;
  right: 10px;
  z-index: 15;
  width: 420px;
  padding: 10px 12px;
  border-radius: 8px;
  border: 1px solid var(--je-border-strong);
  background: var(--je-bg);
  box-shadow: 0 8px 24px rgba(0,0,0,.18);
  font-size: 12.5px;
}
.loom-je-help[hidden] { display: none; }
.loom-je-help h4 { margin: 0 0 6px; font-size: 13px; }
.loom-je-help table { border-collapse: collapse; width: 100%; }
.loom-je-help td { padding: 2px 0; vertical-align: top; }
.loom-je-help td:first-child { width: 48%; padding-right: 10px; line-height: 1.9; }
.loom-je-help td:last-child { padding-top: 3px; }
.loom-je-kbd {
  display: inline-block;
  padding: 0 5px;
  border: 1px solid var(--je-border-strong);
  border-bottom-width: 2px;
  border-radius: 4px;
  background: var(--je-bg2);
  font-family: var(--je-mono);
  font-size: 11px;
  white-space: nowrap;
  line-height: 1.5;
}
/* ---- tabs: Tasks and the job-level tabs ---- */
.loom-je-tabbar {
  display: flex;
  align-items: flex-end;
  gap: 4px;
  padding: 0 12px;
  border-bottom: 1px solid var(--je-border);
  overflow-x: auto;
  scrollbar-width: none;
}
.loom-je-tabbar::-webkit-scrollbar { display: none; }
.loom-je-tabbar + .loom-je-toolbar { border-top: none; }
.loom-je-tab {
  position: relative;
  display: inline-flex;
  align-items: center;
  gap: 6px;
  height: 34px;
  padding: 0 8px;
  margin-bottom: -1px;
  border: none;
  border-bottom: 2px solid transparent;
  background: none;
  color: var(--je-muted);
  font-size: 13px;
  font-weight: 500;
  white-space: nowrap;
  cursor: pointer;
}
.loom-je-tab:hover { color: var(--je-text); border-bottom-color: var(--je-border-strong); }
.loom-je-tab[aria-selected="true"] { color: var(--je-text); border-bottom-color: var(--je-accent); }
.loom-je-tab:focus-visible { outline: none; box-shadow: inset 0 0 0 2px color-mix(in srgb, var(--je-accent) 45%, transparent); border-radius: 4px 4px 0 0; }
/* The label keeps its width when it turns bold. */
.loom-je-tab-label { display: inline-flex; flex-direction: column; align-items: center; }
.loom-je-tab[aria-selected="true"] .loom-je-tab-label { font-weight: 600; }
.loom-je-tab-label::after { content: attr(data-text); height: 0; overflow: hidden; visibility: hidden; font-weight: 600; }
.loom-je-tab-badge {
  min-width: 17px;
  height: 17px;
  padding: 0 5px;
  border-radius: 9px;
  background: var(--je-warn);
  color: #fff;
  font-size: 10.5px;
  font-weight: 700;
  line-height: 17px;
  text-align: center;
}
.loom-je-tab-badge[data-severity="error"] { background: var(--je-error); }
.loom-je-tab-badge[hidden] { display: none; }

/* On a job tab: the canvas's tools go, undo / redo / JSON / YAML / Review & save stay. */
.loom-je:not([data-tab="tasks"]) .loom-je-toolbar :is([data-action="add"], [data-action="clone"], [data-action="delete"], [data-action="fit"], [data-action="help"], .loom-je-search, .loom-je-focus-group, .loom-je-sep) { display: none; }
.loom-je:not([data-tab="tasks"]) .loom-je-main { visibility: hidden; }

.loom-je-stage { position: relative; }
.loom-je-jobpanels {
  position: absolute;
  inset: 0;
  z-index: 4;
  background: var(--je-canvas);
${FORMS_VARIABLES}}
.loom-je-jobpanels[hidden], .loom-je-jobpanel[hidden] { display: none; }
.loom-je-jobpanel { position: absolute; inset: 0; overflow: auto; }
.loom-je-jobpanel[data-tab="runs"] { overflow: hidden; }
.loom-je-run-strip { position: absolute; left: 12px; right: 64px; top: 10px; z-index: 3; }
.loom-je-jobtab { padding: 16px 20px 40px; }
.loom-je-jobtab-page { max-width: 880px; margin: 0 auto; display: flex; flex-direction: column; gap: 12px; }
.loom-je-jobtab-intro:empty, .loom-je-jobtab-extra:empty { display: none; }
.loom-je-jobtab-intro p { margin: 0; color: var(--je-muted); font-size: 12.5px; }
.loom-je-jobtab-intro code, .loom-je-bundle-banner code { font-family: var(--je-mono); font-size: 11.5px; padding: 0 4px; border-radius: 3px; background: color-mix(in srgb, var(--je-text) 8%, transparent); }
.loom-je-jobtab-loading { padding: 24px 0; color: var(--je-muted); text-align: center; }
.loom-je-jobtab-loading[hidden] { display: none; }
.loom-je-jobtab .loom-f-form { background: transparent; font-size: 13px; }
.loom-je-jobtab .loom-f-sections { display: flex; flex-direction: column; gap: 12px; }
.loom-je-jobtab .loom-f-section, .loom-je-task-notifications {
  background: var(--je-bg);
  border: 1px solid var(--je-border);
  border-radius: 8px;
  padding: 0 16px;
  box-shadow: 0 1px 2px rgba(0, 0, 0, .04);
}
.loom-je-jobtab .loom-f-section:last-child { border-bottom: 1px solid var(--je-border); }
.loom-je-jobtab .loom-f-section-toggle { padding: 11px 0; font-size: 13.5px; }
.loom-je-jobtab .loom-f-section-body { padding: 2px 0 16px; gap: 10px; }
.loom-je-jobtab .loom-f-field:not(.loom-f-field--wide):not(.loom-f-field--bare) { grid-template-columns: 200px minmax(0, 1fr); column-gap: 16px; }
.loom-je-jobtab .loom-f-events { grid-template-columns: 200px minmax(0, 1fr); column-gap: 16px; }
.loom-je-jobtab .loom-f-label { font-size: 12.5px; }
.loom-je-jobtab .loom-f-kind-text .loom-f-inline, .loom-je-jobtab .loom-f-kind-select .loom-f-select { max-width: 520px; }
.loom-je-jobtab .loom-f-kind-textarea .loom-f-textarea { max-width: 640px; }
.loom-je-jobtab .loom-f-section-body > .loom-f-kind-boolean { padding-left: 216px; }
.loom-je-jobtab .loom-f-section-body > .loom-f-kind-key_value.loom-f-field--wide { grid-template-columns: 200px minmax(0, 1fr); column-gap: 16px; }
.loom-je-jobtab .loom-f-section-body > .loom-f-kind-key_value.loom-f-field--wide > .loom-f-label { padding-top: 5px; }
.loom-je-jobtab .loom-f-kind-key_value .loom-f-rows, .loom-je-jobtab .loom-f-kind-key_value .loom-f-rows-footer { max-width: 640px; }
.loom-je-jobtab .loom-f-field--wide.loom-f-kind-variant > .loom-f-control .loom-f-seg { max-width: 420px; }
.loom-je-jobtab .loom-f-card .loom-f-field:not(.loom-f-field--wide):not(.loom-f-field--bare) { grid-template-columns: 160px minmax(0, 1fr); }
.loom-je-task-notifications { padding: 12px 16px 14px; }
.loom-je-subhead { margin: 0 0 6px; font-size: 13.5px; font-weight: 600; }
.loom-je-task-notifications p { margin: 0; font-size: 12.5px; }
.loom-je-table { width: 100%; border-collapse: collapse; font-size: 12.5px; }
.loom-je-table th { text-align: left; font-weight: 600; color: var(--je-muted); font-size: 11.5px; padding: 4px 8px; border-bottom: 1px solid var(--je-border); }
.loom-je-table td { padding: 5px 8px; border-bottom: 1px solid var(--je-border); }
.loom-je-table tr:last-child td { border-bottom: none; }
.loom-je-linkish { border: none; background: none; padding: 0; color: var(--je-accent); cursor: pointer; font-family: var(--je-mono); font-size: 12px; }
.loom-je-linkish:hover { text-decoration: underline; }
.loom-je-bundle-banner {
  display: flex;
  gap: 10px;
  align-items: flex-start;
  padding: 10px 14px;
  border-radius: 8px;
  border: 1px solid color-mix(in srgb, var(--je-warn) 45%, var(--je-bg));
  background: color-mix(in srgb, var(--je-warn) 10%, var(--je-bg));
  font-size: 12.5px;
}
.loom-je-bundle-banner[hidden] { display: none; }
.loom-je-bundle-icon {
  flex: none;
  width: 18px;
  height: 18px;
  margin-top: 1px;
  border-radius: 50%;
  background: var(--je-warn);
  color: #fff;
  font-weight: 700;
  font-size: 12px;
  display: inline-flex;
  align-items: center;
  justify-content: center;
}
.loom-je-tab-placeholder { padding: 24px; color: var(--je-muted); }
.loom-je-problem[data-tab] { cursor: pointer; }
.loom-je-problem[data-tab]:hover { background: var(--je-hover); }
@container (max-width: 760px) {
  .loom-je-jobtab .loom-f-field:not(.loom-f-field--wide):not(.loom-f-field--bare), .loom-je-jobtab .loom-f-events,
  .loom-je-jobtab .loom-f-section-body > .loom-f-kind-key_value.loom-f-field--wide { grid-template-columns: 140px minmax(0, 1fr); }
  .loom-je-tab { padding: 0 6px; }
  .loom-je-jobtab .loom-f-section-body > .loom-f-kind-boolean { padding-left: 156px; }
}

/* A narrow notebook: the secondary buttons show their icon only (their title says what they do). */
@container (max-width: 1200px) {
  .loom-je-toolbar .loom-je-btn[data-action="clone"] .loom-je-btn-text,
  .loom-je-toolbar .loom-je-btn[data-action="delete"] .loom-je-btn-text,
  .loom-je-toolbar .loom-je-btn[data-action="json"] .loom-je-btn-text,
  .loom-je-toolbar .loom-je-btn[data-action="yaml"] .loom-je-btn-text,
  .loom-je-toolbar .loom-je-btn[data-action="focus"] .loom-je-btn-text { display: none; }
  .loom-je .loom-je-search .loom-je-input { width: 140px; }
}
@container (max-width: 940px) {
  .loom-je-toolbar .loom-je-label { display: none; }
  .loom-je .loom-je-search .loom-je-input { width: 132px; }
  .loom-je-toolbar .loom-je-sep { margin: 0 1px; }
}
@container (max-width: 760px) {
  .loom-je-toolbar .loom-je-label { display: none; }
  .loom-je .loom-je-search .loom-je-input { width: 110px; }
  .loom-je .loom-je-panel { width: 340px !important; }
}
/* Too narrow for the canvas and the panel side by side: the panel under the canvas, full width
   (the width a drag gave it is for the side-by-side layout). */
@container (max-width: 620px) {
  .loom-je .loom-je-main { flex-direction: column; }
  .loom-je .loom-je-canvas-wrap { min-width: 0; min-height: 200px; }
  .loom-je .loom-je-panel {
    width: auto !important; max-width: none; flex: 0 0 60%; min-height: 0;
    border-left: none; border-top: 1px solid var(--je-border);
  }
  .loom-je .loom-je-panel-resize { display: none; }
  .loom-je-jobtab { padding: 12px 10px 32px; }
}

`;

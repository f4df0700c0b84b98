// The Runs tab's style sheet (the shell injects RUNS_CSS once). JupyterLab's variables through
// the editor's --je-* ones, with fallbacks; every class starts with `loom-runs`.
export const RUNS_CSS = `
.loom-runs {
  --lr-bg: var(--je-bg, var(--jp-layout-color1, #ffffff));
  --lr-bg2: var(--je-bg2, var(--jp-layout-color2, #f5f6f8));
  --lr-hover: var(--je-hover, var(--jp-layout-color3, #eceef2));
  --lr-border: var(--je-border, var(--jp-border-color2, #e1e4e8));
  --lr-border-strong: var(--je-border-strong, var(--jp-border-color1, #c9ced6));
  --lr-text: var(--je-text, var(--jp-ui-font-color1, #1f2328));
  --lr-muted: var(--je-muted, var(--jp-ui-font-color2, #5f6b7a));
  --lr-faint: var(--je-faint, var(--jp-ui-font-color3, #8a94a3));
  --lr-accent: var(--je-accent, var(--jp-brand-color1, #2272b4));
  --lr-error: var(--je-error, var(--jp-error-color1, #c62828));
  --lr-warn: var(--je-warn, var(--jp-warn-color1, #b45309));
  --lr-input-bg: var(--je-input-bg, var(--jp-input-background, var(--lr-bg)));
  --lr-input-border: var(--je-input-border, var(--jp-input-border-color, var(--lr-border-strong)));
  --lr-mono: var(--je-mono, var(--jp-code-font-family, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace));
  --lr-font: var(--jp-ui-font-family, system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif);
  --lr-empty-cell: color-mix(in srgb, var(--lr-text) 7%, var(--lr-bg));
  --lr-success: #16a34a;
  --lr-failed: #dc2626;
  --lr-upstream: #f97316;
  --lr-running: #2563eb;
  --lr-queued: #0ea5e9;
  --lr-waiting: #a16207;
  --lr-canceled: #9ca3af;
  --lr-seg-queue: #94a3b8;
  --lr-seg-setup: #a78bfa;
  --lr-seg-execution: #3b82f6;
  --lr-seg-cleanup: #14b8a6;
  position: relative;
  display: flex;
  flex-direction: column;
  height: 100%;
  min-height: 420px;
  background: var(--lr-bg);
  color: var(--lr-text);
  font-family: var(--lr-font);
  font-size: 13px;
  line-height: 1.4;
  box-sizing: border-box;
}
.loom-runs *, .loom-runs *::before, .loom-runs *::after { box-sizing: border-box; }
.loom-runs [hidden] { display: none !important; }
.loom-runs :where(button, input, select, textarea) { font-family: inherit; font-size: inherit; color: inherit; }
.loom-runs .loom-je-btn svg { width: 15px; height: 15px; }
.loom-runs-spacer { flex: 1 1 auto; }
.loom-runs-muted { color: var(--lr-muted); font-size: 12.5px; }
.loom-runs-faint { color: var(--lr-faint); }
.loom-runs-sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.loom-runs-mono { font-family: var(--lr-mono); font-size: 12px; }
.loom-runs-danger-text { color: var(--lr-error) !important; }
.loom-runs .loom-runs-danger-outline { color: var(--lr-error); border-color: color-mix(in srgb, var(--lr-error) 45%, var(--lr-border)); }
.loom-runs .loom-runs-btn-danger { background: var(--lr-error); border-color: var(--lr-error); }

/* ---- toolbar ---- */
.loom-runs-toolbar {
  display: flex; align-items: center; gap: 8px; flex-wrap: wrap;
  padding: 8px 12px; border-bottom: 1px solid var(--lr-border); background: var(--lr-bg);
}
.loom-runs-vsep { width: 1px; height: 20px; background: var(--lr-border); }
.loom-runs-tools-slot, .loom-runs-tools { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.loom-runs-seg { display: inline-flex; border: 1px solid var(--lr-border-strong); border-radius: 6px; overflow: hidden; background: var(--lr-bg); }
.loom-runs-seg-btn, .loom-runs .loom-je-btn.loom-runs-seg-btn {
  height: 26px; padding: 0 10px; border: none; border-radius: 0; background: transparent; color: var(--lr-muted);
  cursor: pointer; font-size: 12.5px; display: inline-flex; align-items: center; gap: 5px;
}
.loom-runs-seg-btn + .loom-runs-seg-btn { border-left: 1px solid var(--lr-border-strong); }
.loom-runs-seg-btn:hover { background: var(--lr-hover); color: var(--lr-text); }
.loom-runs-seg-btn[aria-pressed="true"], .loom-runs .loom-je-btn.loom-runs-seg-btn[aria-pressed="true"] {
  background: color-mix(in srgb, var(--lr-accent) 13%, var(--lr-bg)); color: var(--lr-accent); font-weight: 600;
}
.loom-runs-select, .loom-runs-input {
  height: 28px; padding: 0 8px; border: 1px solid var(--lr-input-border); border-radius: 6px;
  background: var(--lr-input-bg); color: var(--lr-text); font-size: 12.5px; min-width: 0;
}
.loom-runs-select { padding-right: 4px; cursor: pointer; }
.loom-runs-select option { background: var(--lr-bg); color: var(--lr-text); }
.loom-runs-select:focus, .loom-runs-input:focus { outline: none; border-color: var(--lr-accent); box-shadow: 0 0 0 2px color-mix(in srgb, var(--lr-accent) 30%, transparent); }

/* ---- progress strip ---- */
.loom-runs-progress {
  padding: 8px 12px 9px; border-bottom: 1px solid var(--lr-border);
  background: color-mix(in srgb, var(--lr-running) 5%, var(--lr-bg));
}
.loom-runs-progress[data-finished] { background: var(--lr-bg2); }
.loom-runs-progress-line { display: flex; align-items: center; gap: 10px; min-height: 28px; flex-wrap: wrap; }
.loom-runs-progress-title { font-weight: 600; font-family: var(--lr-font) !important; font-size: 13px !important; }
.loom-runs-progress-text { font-variant-numeric: tabular-nums; color: var(--lr-text); }
.loom-runs-progress[data-finished][data-state="FAILED"] .loom-runs-progress-text,
.loom-runs-progress[data-finished][data-state="TIMEDOUT"] .loom-runs-progress-text,
.loom-runs-progress[data-finished][data-state="INTERNAL_ERROR"] .loom-runs-progress-text { color: var(--lr-error); font-weight: 500; }
.loom-runs-progress-actions { display: inline-flex; gap: 6px; }
.loom-runs-progress-actions .loom-je-btn { height: 26px; font-size: 12.5px; }
.loom-runs-progress-bar { position: relative; height: 6px; margin-top: 6px; border-radius: 3px; overflow: hidden; background: color-mix(in srgb, var(--lr-text) 10%, var(--lr-bg)); }
.loom-runs-progress-fill { height: 100%; border-radius: 3px; background: var(--lr-running); transition: width .4s ease; }
.loom-runs-progress-bar[data-tone="running"] .loom-runs-progress-fill {
  background-image: linear-gradient(45deg, rgba(255,255,255,.25) 25%, transparent 25%, transparent 50%, rgba(255,255,255,.25) 50%, rgba(255,255,255,.25) 75%, transparent 75%);
  background-size: 14px 14px; animation: loom-runs-stripes 1s linear infinite;
}
.loom-runs-progress-bar[data-tone="success"] .loom-runs-progress-fill { background-color: var(--lr-success); }
.loom-runs-progress-bar[data-tone="failed"] .loom-runs-progress-fill { background-color: var(--lr-failed); }
.loom-runs-progress-bar[data-tone="canceled"] .loom-runs-progress-fill, .loom-runs-progress-bar[data-tone="skipped"] .loom-runs-progress-fill { background-color: var(--lr-canceled); }
.loom-runs-progress-indeterminate .loom-runs-progress-fill { animation: loom-runs-slide 1.2s ease-in-out infinite; }
@keyframes loom-runs-stripes { to { background-position: 14px 0; } }
@keyframes loom-runs-slide { from { transform: translateX(-100%); } to { transform: translateX(340%); } }

/* ---- views ---- */
.loom-runs-views { position: relative; flex: 1 1 auto; min-height: 0; display: flex; flex-direction: column; }
.loom-runs-history, .loom-runs-matrix, .loom-runs-detail { flex: 1 1 auto; min-height: 0; display: flex; flex-direction: column; }
.loom-runs-history-body { flex: 1 1 auto; overflow: auto; }
.loom-runs-loading { display: flex; align-items: center; justify-content: center; gap: 8px; padding: 28px 12px; color: var(--lr-muted); }
.loom-runs-spinner {
  display: inline-block; width: 14px; height: 14px; border-radius: 50%; flex: none;
  border: 2px solid var(--lr-border-strong); border-top-color: var(--lr-accent); animation: loom-runs-spin .8s linear infinite;
}
@keyframes loom-runs-spin { to { transform: rotate(360deg); } }
.loom-runs-error {
  display: flex; align-items: center; gap: 10px; margin: 12px; padding: 8px 12px; border-radius: 6px;
  border: 1px solid color-mix(in srgb, var(--lr-error) 35%, var(--lr-bg)); border-left: 4px solid var(--lr-error);
  background: color-mix(in srgb, var(--lr-error) 7%, var(--lr-bg)); white-space: pre-wrap;
}
.loom-runs-error-text { flex: 1; }
.loom-runs-empty { padding: 40px 12px; text-align: center; color: var(--lr-muted); }

/* ---- tables ---- */
.loom-runs-table { width: 100%; border-collapse: collapse; font-size: 12.5px; }
.loom-runs-table th {
  position: sticky; top: 0; z-index: 1; text-align: left; font-weight: 600; color: var(--lr-muted); font-size: 11.5px;
  padding: 7px 10px; background: var(--lr-bg2); border-bottom: 1px solid var(--lr-border); white-space: nowrap;
}
.loom-runs-table td { padding: 6px 10px; border-bottom: 1px solid var(--lr-border); vertical-align: middle; }
.loom-runs-table-tight td { padding: 3px 6px; }
.loom-runs-row { cursor: pointer; }
.loom-runs-row:hover td { background: color-mix(in srgb, var(--lr-hover) 70%, transparent); }
.loom-runs-row:focus-visible { outline: 2px solid var(--lr-accent); outline-offset: -2px; }
.loom-runs-row[data-on-canvas] td:first-child { box-shadow: inset 3px 0 0 var(--lr-accent); }
.loom-runs-num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.loom-runs-time { white-space: nowrap; font-variant-numeric: tabular-nums; }
.loom-runs-by { max-width: 180px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.loom-runs-params { max-width: 260px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-family: var(--lr-mono); font-size: 11.5px; color: var(--lr-muted); }
.loom-runs-actions { white-space: nowrap; text-align: right; width: 1%; }
.loom-runs-actions .loom-je-btn { height: 24px; padding: 0 5px; opacity: .75; }
.loom-runs-row:hover .loom-runs-actions .loom-je-btn, .loom-runs-actions .loom-je-btn[aria-pressed="true"] { opacity: 1; }
.loom-runs-actions .loom-je-btn[aria-pressed="true"] { color: var(--lr-accent); }
.loom-runs-link {
  border: none; background: none; padding: 0; color: var(--lr-accent); cursor: pointer; font: inherit;
  font-variant-numeric: tabular-nums; text-decoration: none; display: inline-flex; align-items: center; gap: 4px;
}
.loom-runs-link svg { width: 12px; height: 12px; }
.loom-runs-link:hover { text-decoration: underline; }
.loom-runs-pager { display: flex; align-items: center; gap: 6px; padding: 6px 12px; border-top: 1px solid var(--lr-border); }
.loom-runs-pager .loom-je-btn { height: 26px; }

/* ---- badges and tags ---- */
.loom-runs-badge {
  display: inline-flex; align-items: center; gap: 6px; padding: 1px 8px 1px 7px; border-radius: 999px;
  font-size: 12px; font-weight: 500; white-space: nowrap; line-height: 18px;
  --tone: var(--lr-canceled);
  color: color-mix(in srgb, var(--tone) 70%, var(--lr-text));
  background: color-mix(in srgb, var(--tone) 13%, var(--lr-bg));
}
.loom-runs-dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; flex: none; background: var(--tone, var(--lr-canceled)); }
[data-tone="success"] { --tone: var(--lr-success); }
[data-tone="failed"] { --tone: var(--lr-failed); }
[data-tone="upstream"] { --tone: var(--lr-upstream); }
[data-tone="running"] { --tone: var(--lr-running); }
[data-tone="queued"] { --tone: var(--lr-queued); }
[data-tone="waiting"] { --tone: var(--lr-waiting); }
[data-tone="canceled"], [data-tone="skipped"], [data-tone="unknown"] { --tone: var(--lr-canceled); }
.loom-runs-badge[data-tone="running"] .loom-runs-dot { animation: loom-runs-pulse 1.2s ease-in-out infinite; }
@keyframes loom-runs-pulse { 50% { opacity: .35; } }
.loom-runs-tag {
  display: inline-block; padding: 0 5px; border-radius: 4px; font-size: 10.5px; line-height: 16px; font-weight: 600;
  color: var(--lr-muted); background: color-mix(in srgb, var(--lr-text) 8%, transparent); white-space: nowrap;
}
.loom-runs-tag-root { color: #fff; background: var(--lr-failed); text-transform: uppercase; letter-spacing: .03em; font-size: 9.5px; }
.loom-runs-tag-upstream { color: color-mix(in srgb, var(--lr-upstream) 75%, var(--lr-text)); background: color-mix(in srgb, var(--lr-upstream) 14%, transparent); }
.loom-runs-chip {
  display: inline-flex; gap: 4px; max-width: 280px; padding: 1px 8px; border-radius: 4px; font-family: var(--lr-mono); font-size: 11.5px;
  background: var(--lr-bg2); border: 1px solid var(--lr-border); overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
}
.loom-runs-chip b { font-weight: 600; }

/* ---- matrix ---- */
.loom-runs-matrix-status:empty { display: none; }
.loom-runs-matrix-top { display: flex; align-items: center; justify-content: space-between; gap: 12px; padding: 6px 12px; border-bottom: 1px solid var(--lr-border); flex-wrap: wrap; }
.loom-runs-matrix-stage { position: relative; flex: 1 1 auto; min-height: 0; }
.loom-runs-matrix-scroller { position: absolute; inset: 0; overflow: auto; outline: none; }
.loom-runs-matrix-spacer { pointer-events: none; }
.loom-runs-matrix-canvas { position: absolute; left: 0; top: 0; pointer-events: none; display: block; }
.loom-runs-legend { display: inline-flex; align-items: center; gap: 10px; flex-wrap: wrap; font-size: 11.5px; color: var(--lr-muted); }
.loom-runs-legend-item { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
.loom-runs-swatch { width: 10px; height: 10px; border-radius: 2px; display: inline-block; }
.loom-runs-swatch-empty { background: var(--lr-empty-cell); border: 1px solid var(--lr-border); }
.loom-runs-tooltip {
  position: absolute; z-index: 3; pointer-events: none; min-width: 160px; max-width: 320px; padding: 6px 9px;
  border-radius: 6px; border: 1px solid var(--lr-border-strong); background: var(--lr-bg); box-shadow: 0 4px 14px rgba(0,0,0,.16);
  font-size: 12px; line-height: 1.45;
}
.loom-runs-tip-title { font-weight: 600; word-break: break-all; display: flex; align-items: center; gap: 4px; }
.loom-runs-tip-muted { color: var(--lr-muted); font-size: 11.5px; }
.loom-runs-tooltip .loom-runs-dot { vertical-align: 0; }

/* ---- detail ---- */
.loom-runs-detail-content { flex: 1 1 auto; min-height: 0; display: flex; flex-direction: column; }
.loom-runs-detail-bar { display: flex; align-items: center; gap: 8px; padding: 8px 12px 4px; flex-wrap: wrap; }
.loom-runs-detail-bar .loom-je-btn { height: 28px; }
.loom-runs-crumb-sep { color: var(--lr-faint); }
.loom-runs-detail-title { font-size: 15px; font-weight: 600; }
.loom-runs-external { text-decoration: none; }
.loom-runs-detail-head { padding: 2px 12px 8px; display: flex; flex-direction: column; gap: 8px; border-bottom: 1px solid var(--lr-border); }
/* Two classes: JupyterLab's ".jp-OutputArea-output dl, dt, dd { display: block }" is stronger than one. */
.loom-runs .loom-runs-facts { display: flex; flex-wrap: wrap; gap: 4px 26px; margin: 0; }
.loom-runs .loom-runs-fact { display: flex; flex-direction: column; min-width: 0; }
.loom-runs .loom-runs-fact dd { margin: 0; font-variant-numeric: tabular-nums; white-space: nowrap; }
/* JupyterLab floats an output's dt and dd at 20% / 80% of the line: a fact keeps its own. */
.loom-runs .loom-runs-fact > dt, .loom-runs .loom-runs-fact > dd { float: none; width: auto; padding: 0; }
.loom-runs .loom-runs-fact > dt { font-weight: normal; }
.loom-runs-fact-label { color: var(--lr-muted); font-size: 11.5px; }
/* A narrow task pane: facts wrap rather than run under their neighbours or out of the pane, and
   a task run id (15 to 19 digits) takes a row of its own. */
.loom-runs .loom-runs-facts-tight { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 6px 14px; }
.loom-runs .loom-runs-fact-wide { grid-column: 1 / -1; }
.loom-runs .loom-runs-facts-tight .loom-runs-fact > dd { white-space: normal; overflow-wrap: anywhere; }
.loom-runs-param-chips { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; }
.loom-runs-param-chips .loom-runs-fact-label { margin-right: 4px; }
.loom-runs-banner {
  display: flex; align-items: center; gap: 10px; padding: 7px 10px; border-radius: 6px;
  border: 1px solid color-mix(in srgb, var(--lr-failed) 30%, var(--lr-bg));
  background: color-mix(in srgb, var(--lr-failed) 6%, var(--lr-bg));
}
.loom-runs-banner > svg { width: 18px; height: 18px; color: var(--lr-failed); flex: none; }
.loom-runs-banner-text { flex: 1; min-width: 0; }
.loom-runs-banner-text .loom-runs-link { font-weight: 600; }
.loom-runs-banner .loom-je-btn { height: 26px; flex: none; }
.loom-runs-detail-body { flex: 1 1 auto; min-height: 0; display: flex; }
.loom-runs-gantt { flex: 1 1 auto; min-width: 0; overflow: auto; padding: 0 0 12px; }
.loom-runs-gantt-top { display: flex; align-items: center; gap: 12px; padding: 8px 12px 4px; }
.loom-runs-section-title { font-weight: 600; font-size: 12.5px; }
.loom-runs-gantt-legend { display: inline-flex; gap: 12px; font-size: 11.5px; color: var(--lr-muted); }
.loom-runs-gantt-legend > span { display: inline-flex; align-items: center; gap: 4px; }
.loom-runs-seg-swatch { width: 12px; height: 8px; border-radius: 2px; display: inline-block; }
.loom-runs-gantt-row {
  display: grid; grid-template-columns: minmax(150px, 250px) 64px minmax(200px, 1fr); align-items: center;
  min-height: 28px; padding: 0 12px; border-bottom: 1px solid color-mix(in srgb, var(--lr-border) 60%, transparent); cursor: pointer;
}
.loom-runs-gantt-row:not(.loom-runs-gantt-head):hover { background: color-mix(in srgb, var(--lr-hover) 70%, transparent); }
.loom-runs-gantt-row[aria-current="true"] { background: color-mix(in srgb, var(--lr-accent) 10%, var(--lr-bg)); }
.loom-runs-gantt-row:focus-visible { outline: 2px solid var(--lr-accent); outline-offset: -2px; }
.loom-runs-gantt-head { position: sticky; top: 0; z-index: 2; min-height: 24px; cursor: default; background: var(--lr-bg); color: var(--lr-muted); font-size: 11.5px; font-weight: 600; border-bottom: 1px solid var(--lr-border); }
.loom-runs-gantt-name { display: flex; align-items: center; gap: 6px; min-width: 0; padding-right: 8px; }
.loom-runs-gantt-key { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; flex-shrink: 0; max-width: 70%; }
/* In a narrow row the task's name and counts keep their room; the worded marks give up theirs. */
.loom-runs-gantt-name .loom-runs-tag { flex-shrink: 0; }
.loom-runs-gantt-name .loom-runs-tag-root, .loom-runs-gantt-name .loom-runs-tag-upstream { flex-shrink: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; }
.loom-runs-gantt-dur { text-align: right; padding-right: 12px; font-variant-numeric: tabular-nums; color: var(--lr-muted); font-size: 12px; white-space: nowrap; }
.loom-runs-gantt-track { position: relative; height: 28px; margin-right: 8px; }
.loom-runs-gantt-head .loom-runs-gantt-track { height: 24px; }
.loom-runs-gantt-axis { position: absolute; inset: 0; }
.loom-runs-tick { position: absolute; top: 5px; transform: translateX(-50%); font-weight: 400; font-size: 11px; white-space: nowrap; font-variant-numeric: tabular-nums; }
.loom-runs-tick:first-child { transform: none; }
.loom-runs-gridline { position: absolute; top: 0; bottom: 0; width: 1px; background: color-mix(in srgb, var(--lr-border) 70%, transparent); }
.loom-runs-gantt-bar {
  position: absolute; top: 7px; height: 14px; min-width: 3px; border-radius: 3px; overflow: hidden; display: block;
  box-shadow: inset 0 0 0 1px color-mix(in srgb, var(--tone) 60%, transparent);
}
.loom-runs-gantt-seg { position: absolute; top: 0; bottom: 0; }
.loom-runs-seg-queue { background: var(--lr-seg-queue); }
.loom-runs-seg-setup { background: var(--lr-seg-setup); }
.loom-runs-seg-execution { background: var(--lr-seg-execution); }
.loom-runs-seg-cleanup { background: var(--lr-seg-cleanup); }
.loom-runs-seg-running {
  background: var(--lr-running);
  background-image: linear-gradient(45deg, rgba(255,255,255,.3) 25%, transparent 25%, transparent 50%, rgba(255,255,255,.3) 50%, rgba(255,255,255,.3) 75%, transparent 75%);
  background-size: 10px 10px; animation: loom-runs-stripes 1s linear infinite;
}
/* The execution segment says how the task ended. */
.loom-runs-gantt-bar[data-tone="failed"] .loom-runs-seg-execution { background: var(--lr-failed); }
.loom-runs-gantt-bar[data-tone="canceled"] .loom-runs-seg-execution { background: var(--lr-canceled); }
.loom-runs-gantt-none { position: absolute; left: 4px; top: 6px; font-size: 11.5px; color: var(--lr-faint); font-style: italic; }
.loom-runs-root-cause { box-shadow: inset 3px 0 0 var(--lr-failed); background: color-mix(in srgb, var(--lr-failed) 5%, transparent); }
.loom-runs-root-cause .loom-runs-gantt-key { font-weight: 600; color: color-mix(in srgb, var(--lr-failed) 80%, var(--lr-text)); }
.loom-runs-upstream-only .loom-runs-gantt-key { color: var(--lr-muted); }
.loom-runs-upstream-only .loom-runs-gantt-none { color: color-mix(in srgb, var(--lr-upstream) 80%, var(--lr-muted)); }
.loom-runs-gantt-name .loom-runs-dot[data-tone] { background: var(--tone); }

.loom-runs-taskpane {
  flex: none; width: 400px; max-width: 48%; overflow: auto; border-left: 1px solid var(--lr-border);
  padding: 10px 14px 16px; display: flex; flex-direction: column; gap: 10px; background: var(--lr-bg);
}
/* The pane scrolls: its parts keep their height instead of shrinking to fit. */
.loom-runs-taskpane > * { flex-shrink: 0; }
.loom-runs-taskpane-head { display: flex; align-items: center; gap: 8px; }
.loom-runs-taskpane-title { flex: 1; font-weight: 600; font-size: 14px; word-break: break-all; }
.loom-runs-taskpane-state { display: flex; gap: 6px; align-items: center; }
.loom-runs-x { border: none; background: none; color: var(--lr-muted); cursor: pointer; padding: 3px; border-radius: 4px; display: inline-flex; }
.loom-runs-x:hover { background: var(--lr-hover); color: var(--lr-text); }
.loom-runs-x svg { width: 14px; height: 14px; }
.loom-runs-message { font-size: 12.5px; padding: 6px 8px; border-radius: 4px; background: var(--lr-bg2); white-space: pre-wrap; word-break: break-word; }
.loom-runs-message-error { background: color-mix(in srgb, var(--lr-failed) 8%, var(--lr-bg)); color: color-mix(in srgb, var(--lr-failed) 75%, var(--lr-text)); }
.loom-runs-iterations { display: flex; align-items: center; gap: 8px; font-size: 12.5px; }
.loom-runs-minibar { flex: 1; height: 6px; border-radius: 3px; background: var(--lr-empty-cell); overflow: hidden; }
.loom-runs-minibar span { display: block; height: 100%; background: var(--lr-success); }
.loom-runs-kv { display: flex; gap: 8px; align-items: baseline; }
.loom-runs-more summary { cursor: pointer; font-weight: 600; font-size: 12.5px; padding: 2px 0; }
.loom-runs-out-block { display: flex; flex-direction: column; gap: 3px; }
.loom-runs-out-label { font-size: 11.5px; color: var(--lr-muted); font-weight: 600; }
.loom-runs-output { display: flex; flex-direction: column; gap: 8px; }
.loom-runs-output .loom-runs-loading { justify-content: flex-start; padding: 6px 0; }
.loom-runs-pre {
  margin: 0; padding: 8px 10px; max-height: 260px; overflow: auto; border-radius: 6px; border: 1px solid var(--lr-border);
  background: var(--lr-bg2); font-family: var(--lr-mono); font-size: 11.5px; line-height: 1.45; white-space: pre-wrap; word-break: break-word; user-select: text;
}
.loom-runs-pre-error { border-color: color-mix(in srgb, var(--lr-failed) 35%, var(--lr-border)); background: color-mix(in srgb, var(--lr-failed) 5%, var(--lr-bg2)); }
.loom-runs-export { display: flex; flex-direction: column; gap: 6px; resize: vertical; overflow: hidden; min-height: 120px; height: 360px; }
.loom-runs-export-frame { flex: 1; width: 100%; min-height: 0; border: 1px solid var(--lr-border); border-radius: 6px; background: #fff; }
.loom-runs-export:empty { display: none; }
.loom-runs-links { display: flex; flex-wrap: wrap; gap: 12px; }
.loom-runs-attempt { cursor: pointer; }
.loom-runs-attempt:hover, .loom-runs-attempt[aria-current="true"] { background: color-mix(in srgb, var(--lr-accent) 10%, var(--lr-bg)); }

/* ---- dialogs ---- */
.loom-runs-overlay {
  position: absolute; inset: 0; z-index: 30; display: flex; align-items: flex-start; justify-content: center;
  padding: 28px 16px 16px; background: rgba(15, 23, 42, .32);
}
.loom-runs-dialog {
  display: flex; flex-direction: column; width: min(520px, 100%); max-height: 100%; border-radius: 8px;
  border: 1px solid var(--lr-border-strong); background: var(--lr-bg); box-shadow: 0 12px 40px rgba(0,0,0,.25); outline: none;
}
.loom-runs-dialog-wide { width: min(760px, 100%); }
.loom-runs-dialog-head { display: flex; align-items: center; gap: 10px; padding: 11px 16px; border-bottom: 1px solid var(--lr-border); }
.loom-runs-dialog-title { flex: 1; font-size: 15px; font-weight: 600; }
.loom-runs-dialog-body { padding: 12px 16px; overflow: auto; min-height: 0; }
.loom-runs-dialog-foot { padding: 10px 16px; border-top: 1px solid var(--lr-border); }
.loom-runs-foot { display: flex; align-items: center; gap: 8px; }
.loom-runs-note { color: var(--lr-muted); font-size: 12px; }
.loom-runs-form { display: flex; flex-direction: column; gap: 14px; }
.loom-runs-form p { margin: 0; }
.loom-runs-form h4 { margin: 0 0 6px; font-size: 13px; font-weight: 600; display: flex; align-items: center; gap: 8px; }
.loom-runs-form h4 .loom-je-btn { height: 22px; font-size: 11.5px; font-weight: 400; }
.loom-runs-help { color: var(--lr-muted); font-size: 12px; margin: -2px 0 6px; }
.loom-runs-param-grid { display: grid; grid-template-columns: minmax(100px, 200px) minmax(0, 1fr); gap: 6px 12px; align-items: center; }
.loom-runs-param-name { font-family: var(--lr-mono); font-size: 12px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.loom-runs-param-value { display: flex; align-items: center; gap: 6px; }
.loom-runs-param-value .loom-runs-input { flex: 1; font-family: var(--lr-mono); font-size: 12px; }
.loom-runs-param-changed { font-size: 10.5px; color: var(--lr-accent); font-weight: 600; }
.loom-runs-checkbox-panel { border: 1px solid var(--lr-border); border-radius: 6px; overflow: hidden; }
.loom-runs-checklist-tools { display: flex; align-items: center; gap: 6px; padding: 6px; border-bottom: 1px solid var(--lr-border); background: var(--lr-bg2); }
.loom-runs-checklist-tools .loom-je-btn { height: 24px; font-size: 12px; }
.loom-runs-filter { width: 180px; height: 26px; }
.loom-runs-checklist { max-height: 190px; overflow: auto; padding: 4px 0; }
.loom-runs-check { display: flex; align-items: center; gap: 8px; padding: 3px 10px; cursor: pointer; font-size: 12.5px; }
.loom-runs-checklist .loom-runs-check:hover { background: var(--lr-hover); }
.loom-runs-check input { margin: 0; accent-color: var(--lr-accent); }
.loom-runs-check-key { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.loom-runs-check-strong { padding: 8px 0 0; }
.loom-runs-checklist .loom-runs-muted { padding: 4px 10px; }
.loom-runs-repair-cols { display: grid; grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr); gap: 16px; }
.loom-runs-preview { border: 1px solid var(--lr-border); border-radius: 6px; padding: 8px 10px; min-height: 120px; display: flex; flex-direction: column; gap: 10px; background: var(--lr-bg2); }
.loom-runs-preview .loom-runs-loading { padding: 16px 0; }
.loom-runs-preview .loom-runs-error { margin: 0; }
.loom-runs-preview-title { font-size: 12.5px; margin-bottom: 3px; }
.loom-runs-preview-list ul { margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 4px; }
.loom-runs-preview-list li { font-family: var(--lr-mono); font-size: 11.5px; padding: 1px 7px; border-radius: 4px; }
.loom-runs-preview-list[data-role="will-rerun"] li { background: color-mix(in srgb, var(--lr-running) 14%, var(--lr-bg)); color: color-mix(in srgb, var(--lr-running) 70%, var(--lr-text)); }
.loom-runs-preview-list[data-role="kept"] li { background: color-mix(in srgb, var(--lr-success) 12%, var(--lr-bg)); color: color-mix(in srgb, var(--lr-success) 65%, var(--lr-text)); }
@container (max-width: 760px) {
  .loom-runs-repair-cols { grid-template-columns: 1fr; }
  .loom-runs-params, .loom-runs-by { max-width: 120px; }
  .loom-runs-legend { display: none; }
}
/* A for_each task's iterations, and the run's repair history. */
.loom-runs-iteration-list { display: flex; flex-direction: column; gap: 6px; }
.loom-runs-iterations-body { max-height: 280px; overflow: auto; border: 1px solid var(--lr-border); border-radius: 6px; }
.loom-runs-iterations-nav { display: flex; align-items: center; gap: 6px; padding: 4px 6px; position: sticky; top: 0; background: var(--lr-bg); }
.loom-runs-iterations-nav .loom-runs-muted { flex: 1; }
.loom-runs-iteration { cursor: pointer; }
.loom-runs-iteration:hover, .loom-runs-iteration[aria-current="true"] { background: color-mix(in srgb, var(--lr-accent) 10%, var(--lr-bg)); }
.loom-runs-iteration td[data-role="iteration-input"] { max-width: 180px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.loom-runs-iteration-drill { display: flex; flex-direction: column; gap: 4px; padding-top: 4px; border-top: 1px dashed var(--lr-border); }
.loom-runs-repairs { display: flex; flex-direction: column; gap: 4px; margin-top: 8px; }
.loom-runs-round { border: 1px solid var(--lr-border); border-radius: 6px; padding: 2px 8px; }
.loom-runs-round > summary { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; cursor: pointer; font-size: 12.5px; padding: 3px 0; }
.loom-runs-round > summary::-webkit-details-marker { display: none; }
.loom-runs-round > summary::before { content: "▸"; color: var(--lr-muted); }
.loom-runs-round[open] > summary::before { content: "▾"; }
.loom-runs-round-title { font-weight: 600; min-width: 120px; }
.loom-runs-round-rerun { color: var(--lr-muted); }
.loom-runs-round-tasks { list-style: none; margin: 4px 0 6px; padding: 0; display: flex; flex-direction: column; gap: 4px; font-size: 12.5px; }
.loom-runs-round-tasks li { display: flex; align-items: center; gap: 8px; }
/* Too narrow for the timeline and a task's pane side by side: the pane under the timeline. */
@container (max-width: 620px) {
  .loom-runs-detail-body { flex-direction: column; }
  .loom-runs-gantt { min-height: 120px; }
  .loom-runs-taskpane { width: auto; max-width: none; flex: 0 0 55%; border-left: none; border-top: 1px solid var(--lr-border); }
  .loom-runs-gantt-row { grid-template-columns: minmax(96px, 160px) 64px minmax(120px, 1fr); padding: 0 8px; }
}
`;

// The jobs browser's CSS: the editor's look (JupyterLab's --jp-* variables with fallbacks like
// the Databricks Jobs UI), every class starting with `loom-jb`. The buttons are dom.ts's
// (`loom-je-btn`), styled here under `.loom-jb` so that the browser needs none of the editor's CSS.

import { THEME_VARIABLES } from "../editor/theme";

export const CSS = `
.loom-jb {
${THEME_VARIABLES}
  --je-row-hover: color-mix(in srgb, var(--jp-layout-color2, #f5f6f8) 70%, var(--jp-layout-color1, #ffffff));
  --je-radius: 6px;
  box-sizing: border-box;
  position: relative;
  display: flex;
  flex-direction: column;
  width: 100%;
  /* No floor: an output area beside an open JupyterLab sidebar is narrower than any figure;
     the header and the filters wrap and the table scrolls in its own box. */
  min-width: 0;
  border: 1px solid var(--je-border);
  border-radius: 8px;
  background: var(--je-bg);
  color: var(--je-text);
  font-family: var(--jp-ui-font-family, system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif);
  font-size: 13px;
  line-height: 1.4;
}
.loom-jb *, .loom-jb *::before, .loom-jb *::after { box-sizing: border-box; }
.loom-jb :where(button, input, select) { font-family: inherit; font-size: inherit; color: inherit; }

.loom-jb .loom-je-btn {
  display: inline-flex; align-items: center; gap: 5px;
  height: 28px; padding: 0 9px;
  border: 1px solid transparent; border-radius: var(--je-radius);
  background: transparent; color: var(--je-text);
  cursor: pointer; white-space: nowrap; font-size: 13px;
}
.loom-jb .loom-je-btn svg { width: 16px; height: 16px; flex: none; }
.loom-jb .loom-je-btn:hover:not(:disabled) { background: var(--je-hover); }
.loom-jb .loom-je-btn:focus-visible { outline: none; box-shadow: var(--je-focus); border-color: var(--je-accent); }
.loom-jb .loom-je-btn:disabled { opacity: 0.45; cursor: default; }
.loom-jb .loom-je-btn-outline { border-color: var(--je-border-strong); background: var(--je-bg); }
.loom-jb .loom-je-btn-primary { background: var(--je-accent); border-color: var(--je-accent); color: var(--je-accent-text); font-weight: 600; }
.loom-jb .loom-je-btn-primary:hover:not(:disabled) { background: color-mix(in srgb, var(--je-accent) 86%, black); }
.loom-jb .loom-je-btn-danger { color: var(--je-error); }
.loom-jb .loom-je-btn-danger.loom-je-btn-primary { background: var(--je-error); border-color: var(--je-error); color: #fff; }
.loom-jb .loom-je-btn-icon { padding: 0 5px; height: 26px; }

/* ---- header ---- */
.loom-jb-header { display: flex; align-items: center; flex-wrap: wrap; gap: 10px; padding: 10px 14px 8px; }
.loom-jb-title { font-size: 16px; font-weight: 600; }
.loom-jb-chip {
  display: inline-flex; align-items: center; gap: 4px;
  padding: 1px 8px; border-radius: 999px;
  background: var(--je-bg2); border: 1px solid var(--je-border);
  color: var(--je-muted); font-size: 12px; white-space: nowrap;
}
.loom-jb-spacer { flex: 1 1 auto; }

/* ---- filters ---- */
.loom-jb-filters { display: flex; align-items: center; flex-wrap: wrap; gap: 8px; padding: 0 14px 10px; }
.loom-jb-input, .loom-jb-select {
  height: 28px; padding: 0 8px;
  border: 1px solid var(--je-input-border); border-radius: var(--je-radius);
  background: var(--je-input-bg); color: var(--je-text); font-size: 13px;
}
.loom-jb-input:focus, .loom-jb-select:focus { outline: none; border-color: var(--je-accent); box-shadow: var(--je-focus); }
.loom-jb-search { position: relative; display: inline-flex; align-items: center; }
.loom-jb-search svg { position: absolute; left: 8px; width: 14px; height: 14px; color: var(--je-faint); pointer-events: none; }
.loom-jb-search .loom-jb-input { padding-left: 27px; width: 210px; }
.loom-jb-filter { display: inline-flex; align-items: center; gap: 5px; color: var(--je-muted); font-size: 12px; }
.loom-jb-filter .loom-jb-input { width: 150px; }
.loom-jb-filter .loom-jb-tag-input { width: 125px; }

.loom-jb-status { padding: 0 14px 8px; font-size: 12px; color: var(--je-muted); }
.loom-jb-status:empty { display: none; }
.loom-jb-status[data-level="error"] { color: var(--je-error); }
.loom-jb-status[data-level="success"] { color: var(--je-success); }

/* ---- table ---- */
.loom-jb-table-wrap { overflow-x: auto; border-top: 1px solid var(--je-border); position: relative; }
.loom-jb-table { width: 100%; border-collapse: collapse; }
.loom-jb-table th {
  text-align: left; font-weight: 600; font-size: 12px; color: var(--je-muted);
  padding: 7px 8px; border-bottom: 1px solid var(--je-border); background: var(--je-bg2); white-space: nowrap;
}
.loom-jb-table td { padding: 6px 8px; border-bottom: 1px solid var(--je-border); vertical-align: middle; }
.loom-jb-table tbody tr:hover { background: var(--je-row-hover); }
.loom-jb-table tbody tr[data-busy="true"] { opacity: 0.6; }
.loom-jb-table .loom-jb-num { text-align: right; font-variant-numeric: tabular-nums; width: 1%; }
.loom-jb-name { max-width: 260px; min-width: 120px; }
.loom-jb-name-link {
  border: none; background: none; padding: 0; cursor: pointer;
  color: var(--je-accent); font-weight: 500; text-align: left;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 100%; display: block;
}
.loom-jb-name-link:hover { text-decoration: underline; }
.loom-jb-id { color: var(--je-faint); font-size: 11.5px; }
.loom-jb-muted { color: var(--je-muted); }
/* Read by screen readers, not shown: the name of the actions column. */
.loom-jb-sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.loom-jb-faint { color: var(--je-faint); }
.loom-jb-run { display: flex; flex-direction: column; align-items: flex-start; gap: 1px; white-space: nowrap; font-size: 12px; }
.loom-jb-run-link { color: inherit; text-decoration: none; cursor: pointer; border-radius: 6px; }
button.loom-jb-run-link { background: none; border: 0; padding: 0; margin: 0; font-family: inherit; line-height: inherit; text-align: left; }
.loom-jb-run-link:hover .loom-jb-badge { text-decoration: underline; }
.loom-jb-run-link:focus-visible { outline: none; box-shadow: var(--je-focus); }
.loom-jb-badge {
  display: inline-flex; align-items: center; gap: 5px;
  padding: 1px 8px 1px 6px; border-radius: 999px; font-size: 12px; font-weight: 500;
  border: 1px solid transparent; white-space: nowrap;
}
.loom-jb-badge::before { content: ""; width: 7px; height: 7px; border-radius: 50%; background: currentColor; }
.loom-jb-badge[data-state="succeeded"] { color: var(--je-success); background: color-mix(in srgb, var(--je-success) 11%, transparent); }
.loom-jb-badge[data-state="failed"] { color: var(--je-error); background: color-mix(in srgb, var(--je-error) 11%, transparent); }
.loom-jb-badge[data-state="running"] { color: var(--je-info); background: color-mix(in srgb, var(--je-info) 12%, transparent); }
.loom-jb-badge[data-state="running"]::before { animation: loom-jb-pulse 1.2s ease-in-out infinite; }
.loom-jb-badge[data-state="pending"] { color: var(--je-muted); background: var(--je-bg2); border-color: var(--je-border); }
.loom-jb-badge[data-state="canceled"], .loom-jb-badge[data-state="skipped"], .loom-jb-badge[data-state="other"] {
  color: var(--je-muted); background: var(--je-bg2);
}
@keyframes loom-jb-pulse { 50% { opacity: 0.3; } }
.loom-jb-trigger { display: flex; align-items: center; gap: 6px; max-width: 260px; }
.loom-jb-trigger-text { overflow: hidden; text-overflow: ellipsis; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; }
.loom-jb-paused {
  font-size: 11px; font-weight: 600; letter-spacing: 0.02em; text-transform: uppercase;
  color: var(--je-warn); border: 1px solid color-mix(in srgb, var(--je-warn) 45%, transparent);
  border-radius: 4px; padding: 0 5px; flex: none;
}
.loom-jb-creator { max-width: 150px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.loom-jb-tags { display: flex; flex-wrap: wrap; gap: 4px; max-width: 190px; }
.loom-jb-tag {
  border: 1px solid var(--je-border); background: var(--je-bg2); color: var(--je-muted);
  border-radius: 4px; padding: 0 6px; font-size: 11.5px; cursor: pointer; white-space: nowrap;
  max-width: 180px; overflow: hidden; text-overflow: ellipsis;
}
.loom-jb-tag:hover { border-color: var(--je-accent); color: var(--je-accent); }
.loom-jb-table .loom-jb-actions {
  white-space: nowrap; text-align: right; width: 1%;
  position: sticky; right: 0; background: var(--je-bg);
}
.loom-jb-table th.loom-jb-actions { background: var(--je-bg2); }
.loom-jb-table tbody tr:hover .loom-jb-actions { background: var(--je-row-hover); }
.loom-jb-menu {
  position: absolute; z-index: 8; min-width: 160px; padding: 4px;
  background: var(--je-bg); border: 1px solid var(--je-border); border-radius: 6px;
  box-shadow: 0 6px 20px rgba(0,0,0,.14);
}
.loom-jb-menu-item {
  display: flex; align-items: center; gap: 8px; width: 100%;
  border: none; background: none; padding: 6px 10px; border-radius: 4px; cursor: pointer; text-align: left;
}
.loom-jb-menu-item svg { width: 15px; height: 15px; color: var(--je-muted); }
.loom-jb-menu-item:hover, .loom-jb-menu-item:focus-visible { background: var(--je-hover); outline: none; }
.loom-jb-menu-item.loom-jb-danger, .loom-jb-menu-item.loom-jb-danger svg { color: var(--je-error); }
.loom-jb-actions .loom-je-btn { color: var(--je-muted); }
.loom-jb-slot { display: inline-block; width: 28px; }
.loom-jb-actions .loom-jb-pause-toggle { color: var(--je-warn); }
tr[data-paused="true"] .loom-jb-actions .loom-jb-pause-toggle { color: var(--je-success); }
.loom-jb-actions .loom-je-btn:hover:not(:disabled) { color: var(--je-text); }
.loom-jb-actions .loom-je-btn-danger:hover:not(:disabled) { color: var(--je-error); }
.loom-jb-empty { padding: 36px 14px; text-align: center; color: var(--je-muted); }
.loom-jb-empty .loom-je-btn { margin-top: 10px; }
.loom-jb-loading-bar {
  position: absolute; left: 0; top: 0; height: 2px; width: 100%; overflow: hidden; visibility: hidden;
}
.loom-jb[data-loading="true"] .loom-jb-loading-bar { visibility: visible; }
.loom-jb-loading-bar::after {
  content: ""; position: absolute; top: 0; height: 2px; width: 30%; background: var(--je-accent);
  animation: loom-jb-slide 1s linear infinite;
}
@keyframes loom-jb-slide { from { left: -30%; } to { left: 100%; } }

/* ---- paging ---- */
.loom-jb-footer { display: flex; align-items: center; gap: 8px; padding: 8px 14px; color: var(--je-muted); font-size: 12.5px; }
.loom-jb-range { font-variant-numeric: tabular-nums; }

/* ---- dialogs ---- */
.loom-jb-overlay {
  position: absolute; inset: 0; z-index: 10; display: flex; align-items: flex-start; justify-content: center;
  padding-top: 70px; background: color-mix(in srgb, var(--je-text) 18%, transparent); border-radius: 8px;
}
.loom-jb-dialog {
  width: min(440px, 92%); background: var(--je-bg); border: 1px solid var(--je-border);
  border-radius: 8px; box-shadow: 0 8px 28px rgba(0,0,0,.18); padding: 16px 18px;
}
.loom-jb-dialog h3 { margin: 0 0 8px; font-size: 15px; }
.loom-jb-dialog p { margin: 0 0 6px; }
.loom-jb-dialog-buttons { display: flex; justify-content: flex-end; gap: 8px; margin-top: 14px; }
.loom-jb-grants { width: 100%; border-collapse: collapse; margin-top: 6px; }
.loom-jb-grants td { padding: 4px 6px; border-bottom: 1px solid var(--je-border); font-size: 12.5px; }
`;

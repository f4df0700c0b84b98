// The Schedules & triggers tab's CSS: a <style> inside the tab's element, so it works in a shadow
// root too (the forms' controls, loom-f-input and the like, are styled by the shell's CSS).

export const SCHEDULE_TAB_CSS = `
.loom-st {
  --loom-st-amber: var(--jp-warn-color1, #b45309);
  --loom-st-amber-bg: color-mix(in srgb, var(--jp-warn-color1, #f59e0b) 13%, var(--loom-f-bg));
  --loom-st-amber-line: color-mix(in srgb, var(--jp-warn-color1, #f59e0b) 55%, var(--loom-f-bg));
  --loom-st-ok: var(--jp-success-color1, #2e7d32);
  --loom-st-muted: var(--jp-ui-font-color2, #5f6b7a);
  --loom-st-faint: var(--jp-ui-font-color3, #8a94a3);
  min-height: 100%;
  font-size: 13px;
  background: transparent;
  container-type: inline-size;
}
.loom-st-inner { padding: 16px 20px 40px; display: flex; flex-direction: column; gap: 12px; max-width: 880px; margin: 0 auto; }
.loom-st-icon { width: 14px; height: 14px; flex: none; vertical-align: -2px; }
.loom-st-kind-help { margin: -4px 0 0; color: var(--loom-st-muted); font-size: 12.5px; }
.loom-st-spacer { flex: 1 1 auto; }
.loom-st-kind-row { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.loom-st-kind-label { color: var(--loom-st-muted); font-size: 12px; }
.loom-st-kinds { display: inline-flex; border: 1px solid var(--loom-f-border); border-radius: 6px; overflow: hidden; background: var(--loom-f-bg); max-width: 100%; flex-wrap: wrap; }
.loom-st-kind { all: unset; box-sizing: border-box; padding: 6px 14px; cursor: pointer; font-size: 12.5px; color: var(--loom-f-fg2);
  border-right: 1px solid var(--loom-f-border); white-space: nowrap; font-family: var(--loom-f-font); }
.loom-st-kind:last-child { border-right: none; }
.loom-st-kind:hover { color: var(--loom-f-fg); background: var(--loom-f-bg2); }
.loom-st-kind:focus-visible { outline: 2px solid var(--loom-f-brand); outline-offset: -2px; }
.loom-st-kind[aria-checked="true"] { color: var(--loom-f-brand); font-weight: 600; background: color-mix(in srgb, var(--loom-f-brand) 13%, var(--loom-f-bg));
  box-shadow: inset 0 -2px 0 var(--loom-f-brand); }
.loom-st-kinds--other { border-style: dashed; }

.loom-st-pause { display: flex; align-items: center; gap: 8px; flex: none; }
.loom-st-pause-state { display: inline-flex; align-items: center; gap: 6px; font-size: 12px; font-weight: 600; padding: 2px 10px; border-radius: 999px;
  color: var(--loom-st-ok); background: color-mix(in srgb, var(--loom-st-ok) 12%, var(--loom-f-bg)); }
.loom-st-dot { width: 7px; height: 7px; border-radius: 50%; background: currentColor; }
.loom-st-pause[data-status="PAUSED"] .loom-st-pause-state { color: var(--loom-st-amber); background: var(--loom-st-amber-bg); }
.loom-st-pause-btn { display: inline-flex; align-items: center; gap: 5px; }

.loom-st-top-problems { list-style: none; margin: 0; padding: 6px 10px; border: 1px solid var(--loom-f-error); border-left-width: 3px; border-radius: 5px;
  background: color-mix(in srgb, var(--loom-f-error) 7%, var(--loom-f-bg)); display: flex; flex-direction: column; gap: 3px; }
.loom-st-top-problems[hidden] { display: none; }

.loom-st-body { display: flex; flex-direction: column; gap: 12px; }
.loom-st-card { border: 1px solid var(--je-border, var(--loom-f-border)); border-radius: 8px; padding: 14px 16px; background: var(--je-bg, var(--loom-f-bg));
  box-shadow: 0 1px 2px rgba(0, 0, 0, .04); display: flex; flex-direction: column; gap: 10px; min-width: 0; }
.loom-st-card-title { margin: 0; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.05em; color: var(--loom-st-muted); }
.loom-st-p { margin: 0; color: var(--loom-f-fg); }
.loom-st-muted { color: var(--loom-st-muted); }
.loom-st-empty { display: flex; gap: 10px; align-items: flex-start; padding: 14px; border: 1px dashed var(--loom-f-border); border-radius: 8px; color: var(--loom-st-muted); }
.loom-st-empty .loom-st-icon { width: 18px; height: 18px; margin-top: 1px; }
.loom-st-empty strong { color: var(--loom-f-fg); }

.loom-st-field { display: grid; grid-template-columns: minmax(120px, 200px) minmax(0, 1fr); column-gap: 14px; align-items: start; }
.loom-st-field--wide { grid-template-columns: minmax(0, 1fr); row-gap: 4px; }
.loom-st-label { padding-top: 6px; color: var(--loom-st-muted); font-size: 12.5px; }
.loom-st-field--wide > .loom-st-label { padding-top: 0; font-weight: 600; color: var(--loom-f-fg); font-size: 12.5px; }
.loom-st-control { min-width: 0; display: flex; flex-direction: column; gap: 4px; }
.loom-st-control > select { align-self: flex-start; max-width: 100%; }
.loom-st-help { font-size: 11.5px; color: var(--loom-st-muted); }
.loom-st-inline { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.loom-st-word { color: var(--loom-f-fg); }
.loom-st-num-wrap { display: inline-flex; align-items: center; gap: 8px; }
.loom-st .loom-st-num { width: 110px; }
.loom-st .loom-st-select { width: auto; min-width: 70px; }
.loom-st-readout { color: var(--loom-st-muted); font-size: 12px; }
.loom-st-local-error { display: block; color: var(--loom-f-error); font-size: 12px; margin-top: 4px; }
.loom-st-local-error:empty { display: none; }
.loom-st .loom-f-input[aria-invalid="true"] { border-color: var(--loom-f-error); }
.loom-st-mono { font-family: var(--loom-f-mono); }
.loom-st-lines-wrap { display: flex; flex-direction: column; gap: 2px; }
.loom-st-lines { resize: vertical; min-height: 60px; }
.loom-st-invalid .loom-f-input, .loom-st-invalid .loom-f-select { border-color: var(--loom-f-error); }
.loom-st-warned .loom-f-input { border-color: var(--loom-f-warn); }
.loom-st-msgs { display: flex; flex-direction: column; gap: 2px; }
.loom-st-msgs:empty { display: none; }
.loom-st-msg { display: flex; gap: 6px; align-items: flex-start; font-size: 12px; }
.loom-st-msg .loom-st-icon { margin-top: 1px; }
.loom-st-msg--error { color: var(--loom-f-error); }
.loom-st-msg--warning { color: var(--loom-st-amber); }
.loom-st-msg--ok { color: var(--loom-st-ok); display: block; }
.loom-st-msg code { font-family: var(--loom-f-mono); }
.loom-st-other-note { display: flex; gap: 8px; align-items: flex-start; padding: 8px 10px; border-radius: 6px; background: var(--loom-st-amber-bg); color: var(--loom-f-fg);
  border-left: 3px solid var(--loom-st-amber); }
.loom-st-other-note .loom-st-icon { color: var(--loom-st-amber); margin-top: 2px; }
.loom-st-json { margin: 0; padding: 8px 10px; border-radius: 6px; background: var(--loom-f-bg2); font-family: var(--loom-f-mono); font-size: 12px; max-height: 260px; overflow: auto; white-space: pre; }

/* scheduled: editor and preview side by side when there is room */
.loom-st-scheduled { display: grid; grid-template-columns: minmax(0, 1fr); gap: 12px; align-items: start; }

.loom-st-mode-row { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.loom-st-mode-row .loom-st-card-title { margin-right: auto; }
.loom-st-mode-note { flex-basis: 100%; font-size: 12px; color: var(--loom-st-muted); font-style: italic; }
.loom-st-seg { display: inline-flex; border: 1px solid var(--loom-f-border); border-radius: 5px; overflow: hidden; }
.loom-st-seg-btn { all: unset; box-sizing: border-box; padding: 3px 10px; font-size: 12px; cursor: pointer; color: var(--loom-f-fg2); border-right: 1px solid var(--loom-f-border);
  font-family: var(--loom-f-font); }
.loom-st-seg-btn:last-child { border-right: none; }
.loom-st-seg-btn:hover:not(:disabled) { background: var(--loom-f-bg2); color: var(--loom-f-fg); }
.loom-st-seg-btn[aria-checked="true"] { color: var(--loom-f-brand); font-weight: 600; background: color-mix(in srgb, var(--loom-f-brand) 13%, var(--loom-f-bg)); }
.loom-st-seg-btn:disabled { opacity: 0.45; cursor: not-allowed; }
.loom-st-seg-btn:focus-visible { outline: 2px solid var(--loom-f-brand); outline-offset: -2px; }
.loom-st-simple, .loom-st-advanced { display: flex; flex-direction: column; gap: 6px; }
.loom-st-simple[hidden], .loom-st-advanced[hidden] { display: none; }
.loom-st-simple-row { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; min-height: 30px; }
.loom-st-hm { display: inline-flex; align-items: center; gap: 3px; }
.loom-st-days { display: inline-flex; border: 1px solid var(--loom-f-border); border-radius: 5px; overflow: hidden; }
.loom-st-day { all: unset; box-sizing: border-box; padding: 4px 8px; font-size: 12px; cursor: pointer; color: var(--loom-f-fg2); border-right: 1px solid var(--loom-f-border); font-family: var(--loom-f-font); }
.loom-st-day:last-child { border-right: none; }
.loom-st-day:hover { background: var(--loom-f-bg2); }
.loom-st-day[aria-pressed="true"] { background: var(--loom-f-brand); color: var(--jp-ui-inverse-font-color1, #fff); font-weight: 600; }
.loom-st-day:focus-visible { outline: 2px solid var(--loom-f-brand); outline-offset: -2px; }
.loom-st-quartz-readout { font-size: 12px; color: var(--loom-st-muted); }
.loom-st-quartz-readout code { font-family: var(--loom-f-mono); color: var(--loom-f-fg); background: var(--loom-f-bg2); padding: 1px 5px; border-radius: 3px; }
.loom-st .loom-st-cron { font-size: 14px; min-height: 32px; letter-spacing: 0.02em; }
.loom-st-cron-parts { display: flex; flex-wrap: wrap; gap: 2px 4px; }
.loom-st-cron-part { display: inline-flex; flex-direction: column; align-items: center; min-width: 44px; padding: 1px 4px; border-radius: 4px; background: var(--loom-f-bg2); }
.loom-st-cron-part code { font-family: var(--loom-f-mono); font-size: 12px; color: var(--loom-f-fg); min-height: 16px; }
.loom-st-cron-part span { font-size: 10px; color: var(--loom-st-faint); white-space: nowrap; }
.loom-st-cron-part--opt { background: transparent; border: 1px dashed var(--loom-f-border); }
.loom-st-cron-part--opt code { display: none; }
.loom-st-cron-part--opt { justify-content: center; }
.loom-st-cron-part--extra { background: color-mix(in srgb, var(--loom-f-error) 12%, var(--loom-f-bg)); }
.loom-st-invalid .loom-st-cron { border-color: var(--loom-f-error); }
.loom-st-unix-row { display: flex; }
.loom-st-link { all: unset; cursor: pointer; color: var(--loom-f-brand); font-size: 12px; font-family: var(--loom-f-font); }
.loom-st-link:hover { text-decoration: underline; }
.loom-st-link:focus-visible { outline: 2px solid var(--loom-f-brand); outline-offset: 1px; border-radius: 2px; }
.loom-st-unix { display: flex; flex-direction: column; gap: 4px; padding: 8px 10px; border-radius: 6px; background: var(--loom-f-bg2); }
.loom-st-unix[hidden] { display: none; }
.loom-st-unix .loom-st-inline > .loom-f-input { flex: 1 1 auto; width: auto; }

/* time zone picker */
.loom-st-tz { position: relative; }
.loom-st-tz-field { position: relative; display: flex; align-items: center; }
.loom-st-tz-field > .loom-st-icon { position: absolute; left: 8px; color: var(--loom-st-muted); pointer-events: none; }
.loom-st .loom-st-tz-input { padding-left: 28px; padding-right: 96px; }
.loom-st-tz-offset { position: absolute; right: 8px; font-size: 11.5px; color: var(--loom-st-muted); font-variant-numeric: tabular-nums; pointer-events: none; }
.loom-st-tz-popup { position: absolute; z-index: 30; left: 0; right: 0; top: calc(100% + 3px); background: var(--loom-f-bg); border: 1px solid var(--loom-f-border);
  border-radius: 6px; box-shadow: 0 8px 24px rgba(0, 0, 0, 0.2); padding: 4px; }
.loom-st-tz-popup[hidden] { display: none; }
.loom-st-tz-list { list-style: none; margin: 0; padding: 0; max-height: 260px; overflow: auto; }
.loom-st-tz-item { display: flex; gap: 8px; align-items: baseline; padding: 4px 6px; border-radius: 4px; cursor: pointer; min-width: 0; }
.loom-st-tz-item:hover { background: var(--loom-f-bg2); }
.loom-st-tz-item.loom-st-active { background: color-mix(in srgb, var(--loom-f-brand) 16%, var(--loom-f-bg)); }
.loom-st-tz-item.loom-st-current .loom-st-tz-item-id { font-weight: 600; }
.loom-st-tz-item-offset { flex: 0 0 78px; font-size: 11.5px; color: var(--loom-st-muted); font-variant-numeric: tabular-nums; }
.loom-st-tz-item-id { flex: 0 0 auto; }
.loom-st-tz-item-alias { flex: 0 0 auto; font-size: 11.5px; color: var(--loom-st-muted); }
.loom-st-tz-item-note { flex: 1 1 auto; min-width: 0; font-size: 11px; color: var(--loom-st-amber); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; text-align: right; }
.loom-st-tz-status { font-size: 11.5px; color: var(--loom-st-muted); padding: 4px 6px 2px; }
.loom-st-tz-status:empty { display: none; }
.loom-st-tz-note { font-size: 12px; color: var(--loom-st-muted); }
.loom-st-tz-warn { color: var(--loom-st-amber); }
.loom-st-tz-note[hidden] { display: none; }

/* preview */
.loom-st-preview { transition: opacity 0.12s; }
.loom-st-preview.loom-st-pending .loom-st-table-wrap { opacity: 0.55; }
.loom-st-preview-head { display: flex; align-items: baseline; gap: 10px; }
.loom-st-preview-status { font-size: 12px; color: var(--loom-st-muted); }
.loom-st-description { display: flex; align-items: center; gap: 8px; font-size: 15px; font-weight: 600; }
.loom-st-description[hidden] { display: none; }
.loom-st-description .loom-st-icon { width: 16px; height: 16px; color: var(--loom-f-brand); }
.loom-st-warnings { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
.loom-st-warnings[hidden] { display: none; }
.loom-st-warning { display: flex; gap: 8px; align-items: flex-start; padding: 8px 10px; border-radius: 6px; background: var(--loom-st-amber-bg);
  border: 1px solid var(--loom-st-amber-line); border-left: 4px solid var(--loom-st-amber); font-size: 12.5px; }
.loom-st-warning .loom-st-icon { color: var(--loom-st-amber); width: 16px; height: 16px; margin-top: 1px; }
.loom-st-warning strong { color: var(--loom-st-amber); }
.loom-st-warning--viewer_timezone { background: var(--loom-f-bg2); border-color: var(--loom-f-border); border-left-color: var(--loom-st-muted); }
.loom-st-table-wrap { overflow-x: auto; }
.loom-st-fires { width: 100%; border-collapse: separate; border-spacing: 0; font-size: 12.5px; }
.loom-st-fires th { text-align: left; font-weight: 600; font-size: 11.5px; color: var(--loom-st-muted); padding: 4px 8px; border-bottom: 1px solid var(--loom-f-border); white-space: nowrap; }
.loom-st-th-zone { font-weight: normal; color: var(--loom-st-faint); margin-left: 4px; }
.loom-st-fires td { padding: 5px 8px; border-bottom: 1px solid color-mix(in srgb, var(--loom-f-border) 60%, transparent); vertical-align: top; }
.loom-st-fires tbody tr:last-child td { border-bottom: none; }
.loom-st-n { width: 30px; text-align: right; color: var(--loom-st-faint); font-variant-numeric: tabular-nums; }
.loom-st-when { display: inline-flex; align-items: baseline; gap: 6px; white-space: nowrap; }
.loom-st-date { color: var(--loom-st-muted); }
.loom-st-time { font-weight: 600; font-variant-numeric: tabular-nums; font-family: var(--loom-f-mono); font-size: 12.5px; }
.loom-st-zone { font-size: 11px; color: var(--loom-st-muted); border: 1px solid var(--loom-f-border); border-radius: 3px; padding: 0 4px; line-height: 16px; }
.loom-st-same .loom-st-when { opacity: 0.6; }
.loom-st-struck .loom-st-time, .loom-st-struck .loom-st-date { text-decoration: line-through; }
.loom-st-dst-notes { font-size: 12px; min-width: 180px; width: 40%; }
.loom-st-no-notes .loom-st-fires th:last-child, .loom-st-no-notes .loom-st-fires td.loom-st-dst-notes { display: none; }
.loom-st-dst-note { display: flex; gap: 6px; align-items: flex-start; }
.loom-st-dst-note .loom-st-icon { margin-top: 1px; }
.loom-st-dst-note + .loom-st-dst-note { margin-top: 3px; }
.loom-st-row--dst td { background: var(--loom-st-amber-bg); }
.loom-st-row--dst td:first-child { box-shadow: inset 4px 0 0 var(--loom-st-amber); }
.loom-st-row--dst .loom-st-n { color: var(--loom-st-amber); font-weight: 600; }
.loom-st-row--dst .loom-st-dst-notes, .loom-st-row--skipped .loom-st-dst-notes { color: color-mix(in srgb, var(--loom-st-amber) 75%, var(--loom-f-fg)); }
.loom-st-dst-notes .loom-st-icon { color: var(--loom-st-amber); }
.loom-st-row--skipped td { background: repeating-linear-gradient(135deg, var(--loom-st-amber-bg) 0 8px, color-mix(in srgb, var(--jp-warn-color1, #f59e0b) 20%, var(--loom-f-bg)) 8px 16px); }
.loom-st-row--skipped td:first-child { box-shadow: inset 4px 0 0 var(--loom-st-amber); }
.loom-st-row--skipped .loom-st-n { color: var(--loom-st-amber); font-weight: 700; }
.loom-st-row--skipped .loom-st-dst-note { font-weight: 600; }
.loom-st-empty-row td { color: var(--loom-st-muted); font-style: italic; padding: 10px 8px; }
`;

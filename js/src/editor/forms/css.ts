// The forms' style sheet: the panel injects FORMS_CSS once. JupyterLab variables, with fallbacks.

/** The forms' colours and fonts (JupyterLab's variables, with fallbacks): for any element holding forms. */
export const FORMS_VARIABLES = `
  --loom-f-font: var(--jp-ui-font-family, -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial, sans-serif);
  --loom-f-mono: var(--jp-code-font-family, SFMono-Regular, Menlo, Consolas, monospace);
  --loom-f-bg: var(--jp-layout-color1, #ffffff);
  --loom-f-bg2: var(--jp-layout-color2, #f3f4f6);
  --loom-f-border: var(--jp-border-color2, #d5d9de);
  --loom-f-fg: var(--jp-ui-font-color1, #1f2328);
  --loom-f-fg2: var(--jp-ui-font-color2, #5b6470);
  --loom-f-brand: var(--jp-brand-color1, #2272b4);
  --loom-f-error: var(--jp-error-color1, #c62828);
  --loom-f-warn: var(--jp-warn-color1, #b26a00);
`;

export const FORMS_CSS = `
.loom-f-form {
${FORMS_VARIABLES}  font-family: var(--loom-f-font);
  font-size: 12.5px;
  line-height: 1.4;
  color: var(--loom-f-fg);
  background: var(--loom-f-bg);
  box-sizing: border-box;
}
.loom-f-form *, .loom-f-form *::before, .loom-f-form *::after { box-sizing: border-box; }
.loom-f-form [hidden] { display: none !important; }

/* problems that match no field */
.loom-f-top-problems { list-style: none; margin: 0 0 8px; padding: 6px 8px; border: 1px solid var(--loom-f-error);
  border-left-width: 3px; border-radius: 4px; background: color-mix(in srgb, var(--loom-f-error) 7%, var(--loom-f-bg)); }
.loom-f-top-problems .loom-f-msg { margin: 2px 0; display: flex; gap: 6px; align-items: baseline; }
.loom-f-msg-icon { font-size: 11px; }

/* sections */
.loom-f-section { border-bottom: 1px solid var(--loom-f-border); }
.loom-f-section:last-child { border-bottom: none; }
.loom-f-section-h { margin: 0; font-size: inherit; font-weight: normal; }
.loom-f-section-toggle { all: unset; box-sizing: border-box; display: flex; align-items: center; gap: 6px; width: 100%;
  padding: 8px 4px; cursor: pointer; font-weight: 600; font-size: 12.5px; color: var(--loom-f-fg); font-family: var(--loom-f-font); }
.loom-f-section-toggle:hover { color: var(--loom-f-brand); }
.loom-f-section-toggle:focus-visible { outline: 2px solid var(--loom-f-brand); outline-offset: -2px; border-radius: 3px; }
.loom-f-chevron { display: inline-block; width: 0; height: 0; border-left: 4px solid transparent; border-right: 4px solid transparent;
  border-top: 5px solid var(--loom-f-fg2); transition: transform 0.12s; margin: 0 2px; }
.loom-f-collapsed .loom-f-chevron { transform: rotate(-90deg); }
.loom-f-section-title { flex: 0 1 auto; }
.loom-f-badge { margin-left: auto; min-width: 18px; padding: 0 6px; border-radius: 9px; font-size: 11px; line-height: 18px; text-align: center;
  color: #fff; background: var(--loom-f-warn); font-weight: 600; }
.loom-f-badge--error { background: var(--loom-f-error); }
.loom-f-section-body { padding: 0 4px 10px; display: flex; flex-direction: column; gap: 8px; }

/* a field: label column + value column; wide fields stack */
.loom-f-field { display: grid; grid-template-columns: minmax(92px, 32%) minmax(0, 1fr); column-gap: 10px; align-items: start; }
.loom-f-field--wide { grid-template-columns: minmax(0, 1fr); row-gap: 4px; }
.loom-f-field--bare { grid-template-columns: minmax(0, 1fr); }
.loom-f-label { padding-top: 5px; color: var(--loom-f-fg2); font-size: 12px; overflow-wrap: anywhere; }
.loom-f-field--wide > .loom-f-label { padding-top: 0; }
.loom-f-req { color: var(--loom-f-error); margin-left: 2px; }
.loom-f-control { min-width: 0; position: relative; }
.loom-f-body { min-width: 0; position: relative; }
.loom-f-help { margin-top: 3px; font-size: 11px; color: var(--loom-f-fg2); }
.loom-f-hints { margin: 2px 0 0; padding-left: 16px; font-size: 11px; color: var(--loom-f-fg2); }
.loom-f-hints code { font-family: var(--loom-f-mono); color: var(--loom-f-fg); }
.loom-f-note { margin-top: 4px; font-size: 11px; color: var(--loom-f-fg2); font-style: italic; }
.loom-f-muted { color: var(--loom-f-fg2); font-size: 11.5px; white-space: nowrap; }
.loom-f-msgs:empty { display: none; }
/* A message may hold a long path or value with no space: it wraps inside the panel. */
.loom-f-msg { margin-top: 3px; font-size: 11.5px; min-width: 0; overflow-wrap: anywhere; }
.loom-f-msg-text { min-width: 0; overflow-wrap: anywhere; }
.loom-f-msg--error { color: var(--loom-f-error); }
.loom-f-msg--warning { color: var(--loom-f-warn); }
.loom-f-msgs .loom-f-msg::before { content: ""; display: inline-block; width: 6px; height: 6px; border-radius: 50%;
  background: currentColor; margin-right: 5px; vertical-align: 1px; }

/* controls */
.loom-f-input, .loom-f-select {
  font-family: var(--loom-f-font); font-size: 12.5px; color: var(--loom-f-fg); background: var(--loom-f-bg);
  border: 1px solid var(--loom-f-border); border-radius: 4px; padding: 4px 7px; min-height: 28px; width: 100%; min-width: 0; margin: 0;
}
.loom-f-select { padding: 3px 4px; cursor: pointer; }
.loom-f-select option { background: var(--loom-f-bg); color: var(--loom-f-fg); }
.loom-f-input::placeholder { color: var(--loom-f-fg2); opacity: 0.7; }
.loom-f-input:hover, .loom-f-select:hover { border-color: color-mix(in srgb, var(--loom-f-fg2) 55%, var(--loom-f-border)); }
.loom-f-input:focus, .loom-f-select:focus { outline: none; border-color: var(--loom-f-brand);
  box-shadow: 0 0 0 2px color-mix(in srgb, var(--loom-f-brand) 25%, transparent); }
.loom-f-input:disabled { opacity: 0.55; background: var(--loom-f-bg2); }
.loom-f-textarea { resize: vertical; min-height: 52px; }
.loom-f-json { font-family: var(--loom-f-mono); font-size: 11.5px; resize: vertical; white-space: pre; tab-size: 2; }
.loom-f-num { width: 90px; flex: 0 0 90px; }
.loom-f-inline > .loom-f-input.loom-f-num { flex: 0 0 90px; }
.loom-f-unit { width: auto; flex: 0 0 auto; }
.loom-f-invalid .loom-f-ctl[aria-invalid="true"], .loom-f-row-invalid .loom-f-input, .loom-f-row-invalid .loom-f-select { border-color: var(--loom-f-error); }
.loom-f-invalid .loom-f-ctl[aria-invalid="true"]:focus { box-shadow: 0 0 0 2px color-mix(in srgb, var(--loom-f-error) 25%, transparent); }
.loom-f-warned .loom-f-input, .loom-f-row-warned .loom-f-input { border-color: var(--loom-f-warn); }
.loom-f-invalid > .loom-f-label { color: var(--loom-f-error); }

.loom-f-inline { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; min-width: 0; }
.loom-f-inline > .loom-f-input:not(.loom-f-num) { flex: 1 1 0; }
.loom-f-kind-picker .loom-f-inline, .loom-f-kind-text .loom-f-inline, .loom-f-kind-textarea .loom-f-inline { flex-wrap: nowrap; }
.loom-f-inline > .loom-f-input { flex: 1 1 auto; }
.loom-f-inline > .loom-f-num { flex: 0 0 90px; }

.loom-f-btn { font-family: var(--loom-f-font); font-size: 12px; color: var(--loom-f-fg); background: var(--loom-f-bg2);
  border: 1px solid var(--loom-f-border); border-radius: 4px; padding: 0 8px; min-height: 28px; cursor: pointer; white-space: nowrap; flex: 0 0 auto; }
.loom-f-btn:hover { border-color: var(--loom-f-brand); color: var(--loom-f-brand); }
.loom-f-btn:focus-visible, .loom-f-icon-btn:focus-visible, .loom-f-link-btn:focus-visible { outline: 2px solid var(--loom-f-brand); outline-offset: 1px; }
.loom-f-ref-btn { font-family: var(--loom-f-mono); font-size: 11px; padding: 0 6px; letter-spacing: -0.5px; }
.loom-f-icon-btn { all: unset; box-sizing: border-box; cursor: pointer; width: 22px; height: 22px; flex: 0 0 22px; border-radius: 4px; text-align: center;
  line-height: 21px; font-size: 16px; color: var(--loom-f-fg2); font-family: var(--loom-f-font); }
.loom-f-icon-btn:hover { background: var(--loom-f-bg2); color: var(--loom-f-error); }
.loom-f-link-btn { all: unset; box-sizing: border-box; cursor: pointer; color: var(--loom-f-brand); font-size: 12px; padding: 2px 4px; border-radius: 3px;
  font-family: var(--loom-f-font); }
.loom-f-link-btn:hover { text-decoration: underline; }
.loom-f-link-btn:disabled { color: var(--loom-f-fg2); cursor: default; text-decoration: none; opacity: 0.6; }

/* checkbox */
.loom-f-check-label { display: inline-flex; align-items: center; gap: 6px; cursor: pointer; color: var(--loom-f-fg); font-size: 12.5px; white-space: nowrap; min-height: 24px; }
.loom-f-check { margin: 0; width: 14px; height: 14px; accent-color: var(--loom-f-brand); cursor: pointer; }
.loom-f-check:focus-visible { outline: 2px solid var(--loom-f-brand); outline-offset: 2px; }
.loom-f-kind-boolean .loom-f-help { margin-left: 20px; margin-top: 0; }

/* rows (lists, maps, dependencies, libraries) */
.loom-f-rows { display: flex; flex-direction: column; gap: 4px; }
.loom-f-rows:empty { display: none; }
.loom-f-row { display: flex; gap: 4px; align-items: center; min-width: 0; position: relative; }
.loom-f-row > .loom-f-input, .loom-f-row > .loom-f-select { flex: 1 1 0; }
.loom-f-kv-row > .loom-f-key { flex: 0.8 1 0; font-family: var(--loom-f-mono); font-size: 11.5px; }
.loom-f-kv-row > .loom-f-val { flex: 1.2 1 0; }
.loom-f-dep-row > .loom-f-dep-outcome { flex: 0 0 112px; }
.loom-f-lib-row { flex-wrap: wrap; }
.loom-f-lib-row > .loom-f-lib-kind { flex: 0 0 124px; }
.loom-f-lib-row > .loom-f-input { flex: 1 1 0; }
.loom-f-lib-extra { display: none; flex: 1 1 100%; gap: 4px; padding-left: 128px; padding-right: 26px; }
.loom-f-lib-extra > .loom-f-input { flex: 1 1 0; font-size: 11.5px; min-height: 24px; padding: 2px 6px; }
.loom-f-lib-row:focus-within > .loom-f-lib-extra, .loom-f-lib-extra.loom-f-filled { display: flex; }
.loom-f-rows-footer { display: flex; flex-wrap: wrap; gap: 2px 8px; align-items: center; margin-top: 2px; }
.loom-f-rows-footer > * { flex: 0 0 auto; }
.loom-f-rows-footer > .loom-f-muted:not(.loom-f-limit) { flex: 1 1 auto; min-width: 0; white-space: normal; }
.loom-f-rows-footer:empty { display: none; }
.loom-f-limit { margin-left: auto; }

/* segmented control (compute, SQL type, workers) */
.loom-f-seg { display: inline-flex; flex-wrap: wrap; border: 1px solid var(--loom-f-border); border-radius: 5px; overflow: hidden; max-width: 100%; }
.loom-f-seg-radio { position: absolute; opacity: 0; width: 1px; height: 1px; pointer-events: none; }
.loom-f-seg-label { padding: 4px 10px; cursor: pointer; font-size: 12px; color: var(--loom-f-fg2); background: var(--loom-f-bg);
  border-right: 1px solid var(--loom-f-border); white-space: nowrap; user-select: none; }
.loom-f-seg-label:last-child { border-right: none; }
.loom-f-seg-label:hover { color: var(--loom-f-fg); background: var(--loom-f-bg2); }
.loom-f-seg-radio:checked + .loom-f-seg-label { color: var(--loom-f-brand); font-weight: 600;
  background: color-mix(in srgb, var(--loom-f-brand) 12%, var(--loom-f-bg)); }
.loom-f-seg-radio:focus-visible + .loom-f-seg-label { outline: 2px solid var(--loom-f-brand); outline-offset: -2px; }
.loom-f-has-branch { row-gap: 8px; }
.loom-f-branch, .loom-f-branch-extra { grid-column: 1 / -1; display: flex; flex-direction: column; gap: 8px; }
.loom-f-branch:empty, .loom-f-branch-extra:empty { display: none; }
.loom-f-kind-compute > .loom-f-control .loom-f-seg, .loom-f-field--wide.loom-f-kind-variant > .loom-f-control .loom-f-seg { display: flex; }
/* A label is never cut: the choices share the row and, when they do not fit, go on a second one. */
.loom-f-kind-compute > .loom-f-control .loom-f-seg-label, .loom-f-field--wide.loom-f-kind-variant > .loom-f-control .loom-f-seg-label {
  flex: 1 1 auto; text-align: center; padding-left: 6px; padding-right: 6px; }

/* the nested task of a for-each task: indented, with a bar */
.loom-f-section--nested { margin-left: 6px; padding-left: 8px; border-left: 2px solid color-mix(in srgb, var(--loom-f-brand) 45%, var(--loom-f-border)); }
.loom-f-section--nested + .loom-f-section:not(.loom-f-section--nested) { margin-top: 4px; border-top: 1px solid var(--loom-f-border); }

/* notifications */
.loom-f-events { display: grid; grid-template-columns: minmax(92px, 32%) minmax(0, 1fr); column-gap: 10px; }
.loom-f-event { display: contents; }
.loom-f-event-name { padding: 5px 0; font-size: 12px; color: var(--loom-f-fg2); border-top: 1px solid color-mix(in srgb, var(--loom-f-border) 50%, transparent); }
.loom-f-event-lists { display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center; padding: 3px 0;
  border-top: 1px solid color-mix(in srgb, var(--loom-f-border) 50%, transparent); min-width: 0; }
.loom-f-event:first-child > * { border-top: none; }
.loom-f-event-lists > .loom-f-field { flex: 0 0 auto; }
.loom-f-event-lists > .loom-f-field:has(.loom-f-row) { flex: 1 1 100%; }
.loom-f-event-lists .loom-f-rows-footer { margin-top: 0; }
.loom-f-event-lists .loom-f-field:has(.loom-f-row) .loom-f-rows-footer { margin-top: 3px; }
.loom-f-tag { flex: 0 0 34px; font-size: 10px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--loom-f-fg2);
  border: 1px solid var(--loom-f-border); border-radius: 3px; text-align: center; line-height: 16px; }
.loom-f-settings { margin-top: 10px; padding-top: 8px; border-top: 1px dashed var(--loom-f-border); display: flex; flex-direction: column; gap: 2px; }

/* list popup (Browse, { }) */
.loom-f-popup { position: absolute; z-index: 20; left: 0; right: 0; top: calc(100% + 3px); background: var(--loom-f-bg);
  border: 1px solid var(--loom-f-border); border-radius: 6px; box-shadow: 0 6px 20px rgba(0, 0, 0, 0.18); padding: 6px; min-width: 220px; }
.loom-f-popup-title { font-size: 11px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--loom-f-fg2); margin: 0 2px 4px; }
.loom-f-popup-where { font-family: var(--loom-f-mono); font-size: 11px; color: var(--loom-f-fg2); margin: 4px 2px 0; overflow-wrap: anywhere; }
.loom-f-popup-list { list-style: none; margin: 4px 0 0; padding: 0; max-height: 220px; overflow: auto; }
.loom-f-popup-item { display: flex; gap: 6px; align-items: baseline; padding: 4px 6px; border-radius: 4px; cursor: pointer; }
.loom-f-popup-item:hover { background: var(--loom-f-bg2); }
.loom-f-popup-item.loom-f-active { background: color-mix(in srgb, var(--loom-f-brand) 16%, var(--loom-f-bg)); }
.loom-f-popup-icon { width: 10px; flex: 0 0 10px; color: var(--loom-f-fg2); font-size: 10px; }
/* The name comes first: the detail (a folder's path) gives way. */
.loom-f-popup-label { flex: 0 0 auto; max-width: 75%; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-family: var(--loom-f-mono); font-size: 11.5px; }
.loom-f-popup-detail { flex: 1 1 auto; min-width: 0; color: var(--loom-f-fg2); font-size: 11px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; text-align: right; }
.loom-f-popup-status { font-size: 11.5px; color: var(--loom-f-fg2); padding: 4px 4px 0; }
.loom-f-popup-status:empty { display: none; }
`;

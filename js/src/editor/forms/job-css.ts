// The CSS of the job-level field kinds (cards, parameters, health rules, read-only values);
// injected next to FORMS_CSS. Every class starts with `loom-f-`; the forms' variables apply.
export const JOB_FORMS_CSS = `
/* cards: job clusters, environments */
.loom-f-cards { display: flex; flex-direction: column; gap: 10px; }
.loom-f-cards:empty { display: none; }
.loom-f-card { border: 1px solid var(--loom-f-border); border-radius: 6px; padding: 10px 12px 12px; background: var(--loom-f-bg); }
.loom-f-card-invalid { border-color: color-mix(in srgb, var(--loom-f-error) 60%, var(--loom-f-border)); }
.loom-f-card-warned { border-color: color-mix(in srgb, var(--loom-f-warn) 60%, var(--loom-f-border)); }
.loom-f-card-head { display: flex; align-items: center; gap: 6px 12px; flex-wrap: wrap; }
.loom-f-input.loom-f-card-key { flex: 0 1 240px; width: auto; font-family: var(--loom-f-mono); font-size: 12.5px; font-weight: 600; }
.loom-f-input.loom-f-card-key[readonly] { background: var(--loom-f-bg2); cursor: default; }
.loom-f-card-usage { margin-top: 5px; font-size: 12px; line-height: 1.6; }
.loom-f-card-usage .loom-f-muted { font-size: 12px; }
.loom-f-task-link, .loom-f-task-name { font-family: var(--loom-f-mono); font-size: 11.5px; padding: 0 1px; }
.loom-f-card-spacer { flex: 1 1 auto; }
.loom-f-card-msgs:empty { display: none; }
.loom-f-card-msgs { margin-top: 4px; }
.loom-f-card-body { display: flex; flex-direction: column; gap: 8px; margin-top: 10px; }
.loom-f-card-kept { margin-top: 8px; }
.loom-f-card-remove:disabled, .loom-f-card-swap:disabled { opacity: 0.5; cursor: default; color: var(--loom-f-fg2); border-color: var(--loom-f-border); }
.loom-f-swap { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; margin-top: 10px; padding: 8px 10px; border-radius: 6px;
  border: 1px solid color-mix(in srgb, var(--loom-f-brand) 35%, var(--loom-f-border)); background: color-mix(in srgb, var(--loom-f-brand) 7%, var(--loom-f-bg)); font-size: 12.5px; }
.loom-f-swap code { font-family: var(--loom-f-mono); font-size: 11.5px; }
.loom-f-select.loom-f-swap-target { width: auto; min-width: 160px; }
.loom-f-btn.loom-f-btn-primary { background: var(--loom-f-brand); border-color: var(--loom-f-brand); color: #fff; font-weight: 600; }
.loom-f-btn.loom-f-btn-primary:hover { color: #fff; background: color-mix(in srgb, var(--loom-f-brand) 86%, black); }
.loom-f-empty-list { color: var(--loom-f-fg2); font-size: 12px; padding: 2px 0 4px; }
.loom-f-limit--full { color: var(--loom-f-warn); font-weight: 600; }

/* job parameters */
.loom-f-params-head { display: flex; gap: 4px; padding: 0 0 2px 22px; font-size: 11px; color: var(--loom-f-fg2); text-transform: uppercase; letter-spacing: 0.04em; }
.loom-f-params-head::after { content: ""; flex: 0 0 110px; }
.loom-f-params-h-name { flex: 0.8 1 0; }
.loom-f-params-h-default { flex: 1.2 1 0; }
.loom-f-params { gap: 2px; }
.loom-f-param { border-radius: 5px; padding: 2px 0; }
.loom-f-param.loom-f-dragging { opacity: 0.55; background: var(--loom-f-bg2); }
.loom-f-param-line > .loom-f-param-name { flex: 0.8 1 0; font-family: var(--loom-f-mono); font-size: 12px; }
.loom-f-param-line > .loom-f-param-default { flex: 1.2 1 0; }
.loom-f-drag { flex: 0 0 18px; text-align: center; cursor: grab; color: var(--loom-f-fg2); user-select: none; letter-spacing: -3px; font-size: 13px; line-height: 28px; }
.loom-f-drag:hover { color: var(--loom-f-fg); }
.loom-f-icon-btn.loom-f-move { font-size: 13px; }
.loom-f-icon-btn.loom-f-move:hover { color: var(--loom-f-brand); }
.loom-f-icon-btn.loom-f-move:disabled { opacity: 0.3; cursor: default; background: none; color: var(--loom-f-fg2); }
.loom-f-param-msgs { padding-left: 22px; }
.loom-f-param-msgs:empty { display: none; }

/* health rules */
.loom-f-health-row { max-width: 560px; }
.loom-f-health-row > .loom-f-health-metric { flex: 1.4 1 0; }
.loom-f-health-row > .loom-f-health-op { flex: 0 0 120px; }
.loom-f-health-row > .loom-f-num { flex: 0 0 110px; }
.loom-f-health-unit { flex: 0 0 56px; }

/* read-only values */
.loom-f-readonly { padding-top: 5px; min-height: 28px; overflow-wrap: anywhere; }
.loom-f-readonly--empty { color: var(--loom-f-fg2); }
.loom-f-readonly code { font-family: var(--loom-f-mono); font-size: 11.5px; padding: 1px 5px; border-radius: 3px; background: var(--loom-f-bg2); }
.loom-f-readonly-pair + .loom-f-readonly-pair { margin-top: 3px; }
.loom-f-readonly-key { color: var(--loom-f-fg2); }
.loom-f-optional-body { padding: 4px 0 0 20px; }
`;

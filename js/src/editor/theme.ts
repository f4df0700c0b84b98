// The widgets' colours in one place.

/** The editor's colours (JupyterLab's variables, with fallbacks like the Jobs UI): the jobs
 * browser uses them too. */
export const THEME_VARIABLES = `
  --je-bg: var(--jp-layout-color1, #ffffff);
  --je-bg2: var(--jp-layout-color2, #f5f6f8);
  --je-hover: var(--jp-layout-color3, #eceef2);
  --je-border: var(--jp-border-color2, #e1e4e8);
  --je-border-strong: var(--jp-border-color1, #c9ced6);
  --je-text: var(--jp-ui-font-color1, #1f2328);
  --je-muted: var(--jp-ui-font-color2, #5f6b7a);
  --je-faint: var(--jp-ui-font-color3, #8a94a3);
  --je-accent: var(--jp-brand-color1, #2272b4);
  --je-accent-text: var(--jp-ui-inverse-font-color1, #ffffff);
  --je-error: var(--jp-error-color1, #c62828);
  --je-warn: var(--jp-warn-color1, #b45309);
  --je-success: var(--jp-success-color1, #2e7d32);
  --je-info: var(--jp-info-color1, #0277bd);
  --je-input-bg: var(--jp-input-background, var(--je-bg));
  --je-input-border: var(--jp-input-border-color, var(--je-border-strong));
  --je-focus: 0 0 0 2px color-mix(in srgb, var(--je-accent) 35%, transparent);
`;

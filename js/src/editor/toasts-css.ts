// The CSS of the messages drawn over the canvas: toasts that fade (dialogs.ts `Toasts`) and the
// notice that stays until the user acts on it (dialogs.ts `NoticeBar`).

export const TOASTS_CSS = `
/* ---- toasts (edit errors, notices) ---- */
.loom-je-toasts {
  position: absolute;
  left: 12px;
  right: 12px;
  bottom: 12px;
  display: flex;
  flex-direction: column;
  align-items: center;
  gap: 6px;
  pointer-events: none;
  z-index: 5;
}
/* A toast and the notice share one look. */
.loom-je-toast, .loom-je-notice {
  display: flex;
  gap: 8px;
  padding: 8px 8px 8px 12px;
  border-radius: var(--je-radius);
  border: 1px solid var(--je-border-strong);
  border-left: 4px solid var(--je-info);
  background: var(--je-bg);
  color: var(--je-text);
  box-shadow: 0 4px 14px rgba(0,0,0,.14);
  pointer-events: auto;
}
.loom-je-toast {
  align-items: flex-start;
  max-width: min(560px, 100%);
  animation: loom-je-in .16s ease-out;
}
.loom-je-toast-error { border-left-color: var(--je-error); }
.loom-je-toast-success { border-left-color: var(--je-success); }
.loom-je-toast-icon { color: var(--je-error); flex: none; margin-top: 1px; display: inline-flex; }
.loom-je-toast-icon svg { width: 16px; height: 16px; }
.loom-je-toast-success .loom-je-toast-icon { color: var(--je-success); }
.loom-je-toast-info .loom-je-toast-icon { color: var(--je-info); }
.loom-je-toast-text { flex: 1; white-space: pre-wrap; word-break: break-word; }
.loom-je-toast-close {
  border: none; background: none; color: var(--je-muted); cursor: pointer; padding: 0 4px; font-size: 16px; line-height: 1;
}
.loom-je-toast-close:hover { color: var(--je-text); }
@keyframes loom-je-in { from { opacity: 0; transform: translateY(6px); } to { opacity: 1; transform: none; } }

/* ---- the notice that stays (saved elsewhere): a toast's look, no fading ---- */
.loom-je-notices {
  position: absolute;
  left: 12px;
  right: 12px;
  top: 12px;
  display: flex;
  justify-content: center;
  pointer-events: none;
  z-index: 6;
}
.loom-je-notices[hidden] { display: none; }
.loom-je-notice { align-items: center; max-width: min(640px, 100%); }
.loom-je-notice-icon { color: var(--je-info); display: inline-flex; flex: none; }
.loom-je-notice-icon svg { width: 16px; height: 16px; }
.loom-je-notice-text { flex: 1; word-break: break-word; }
.loom-je-notice-actions { display: inline-flex; gap: 6px; flex: none; }
`;

// The task forms of the JobEditor's task panel (see ./types.ts for the contract).
//
//   const sections = taskSections(task);                 // data: which fields, by task type
//   const handle = renderSections(body, sections, task, ctx);
//   handle.update(task)          // new JSON from Python: values redrawn, the field being typed in is kept
//   handle.showProblems(list)    // messages at their fields (path), the rest at the top of the form
//   handle.flush()               // send the debounced edit now (before save / undo / rename / close)
//   handle.destroy()             // removes the DOM; a pending edit is dropped, so flush() first
//
// Notes for the panel:
// * Inject FORMS_CSS once (every class starts with `loom-f-`).
// * When `sections` are exactly taskSections(task), the forms redraw their own structure when it
//   changes (the nested task of a for_each changes type, a deprecated field disappears...), both
//   after an edit made in the forms and in update(). A top-level type change can still be handled
//   by the panel (destroy + render), or simply by update(): both work.
// * The forms apply their own edits to their copy of the task, so several edits in a row build on
//   each other without waiting for Python; update() replaces that copy.
// * Problems with no `path`, or a path no field shows, are listed at the top of the form.
export type { FieldKind, FieldSpec, FormContext, FormHandle, SectionSpec, VariantSpec } from "./types";
export {
  taskSections,
  taskTypeOf,
  taskTypeLabel,
  hasForm,
  KNOWN_TASK_TYPES,
  ALL_TASK_TYPES,
  NO_COMPUTE_TASK_TYPES,
  RUN_IF_OPTIONS,
  CONDITION_OPS,
} from "./spec";
export { renderSections, findView } from "./render";
export { FORMS_CSS } from "./css";
export { getPath, setPath, pathKey, samePath, isPrefix, jsonEqual } from "./paths";
export { parseInteger, parseJobId, splitDuration, joinDuration, durationUnits } from "./convert";
export { DEBOUNCE_MS } from "./text-input";

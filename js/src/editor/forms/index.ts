// The task forms of the JobEditor's task panel (see ./types.ts for the contract).
export type { FieldKind, FieldSpec, FormContext, FormHandle, SectionSpec, VariantSpec } from "./types";
export { taskSections, taskTypeOf, taskTypeLabel, hasForm, KNOWN_TASK_TYPES, ALL_TASK_TYPES, NO_COMPUTE_TASK_TYPES, RUN_IF_OPTIONS, CONDITION_OPS } from "./spec";
export { renderSections, findView } from "./render";
export { FORMS_CSS } from "./css";
export { getPath, setPath, pathKey, samePath, isPrefix, jsonEqual } from "./paths";
export { parseInteger, parseJobId, splitDuration, joinDuration, durationUnits } from "./convert";
export { DEBOUNCE_MS } from "./dom";

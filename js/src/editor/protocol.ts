// The messages between the JobEditor view and Python, and the shapes they carry. They are typed
// once, in Python (loom_jobs_widget/editor/protocol/), and generated into src/generated/editor/
// by scripts/generate_ts.py, which the build runs.
//
// Python holds the job (its pydantic models are the truth); the view holds a compact graph and
// the JSON of the one task whose panel is open. Small state is in traits (JobEditorModel);
// everything else goes through custom messages (model.send / model.on("msg:custom")).
export type * from "../generated/editor/edits";
export type * from "../generated/editor/from-view";
export type * from "../generated/editor/runs";
export type * from "../generated/editor/shapes";
export type * from "../generated/editor/tabs";
export type * from "../generated/editor/to-view";
export type * from "../generated/editor/traits";

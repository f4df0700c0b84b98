// The messages between the JobsBrowser view and Python. They are typed once, in Python
// (loom_jobs_widget/browser/protocol.py), and generated into src/generated/browser/ by
// scripts/generate_ts.py, which the build runs.
export type * from "../generated/browser/protocol";

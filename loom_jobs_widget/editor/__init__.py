"""The job editor: `JobEditor` (and `RunView`, a JobEditor opened at a run), its session without
the browser, and the typed messages between them and the view (`protocol`).

Names resolve on first use: importing a module of this package (its `protocol`, say) does not
import the widget and anywidget with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loom_jobs_widget._lazy import lazy_names

__all__ = ["EditorSession", "EditorState", "JobEditor", "RunView", "UnsavedChangesError"]

_LAZY = {
    "EditorSession": "loom_jobs_widget.editor.session",
    "EditorState": "loom_jobs_widget.editor.session",
    "JobEditor": "loom_jobs_widget.editor.widget",
    "RunView": "loom_jobs_widget.editor.widget",
    "UnsavedChangesError": "loom_jobs_widget.editor.session",
}

if TYPE_CHECKING:
    from loom_jobs_widget.editor.session import EditorSession, EditorState, UnsavedChangesError
    from loom_jobs_widget.editor.widget import JobEditor, RunView


__getattr__ = lazy_names(__name__, _LAZY)

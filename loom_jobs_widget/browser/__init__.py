"""The jobs browser: `JobsBrowser`, the Jobs list page of a workspace, its session without the
browser, and the typed messages between them and the view (`protocol`).

Names resolve on first use: importing a module of this package does not import the widget and
anywidget with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loom_jobs_widget._lazy import lazy_names

__all__ = ["BrowserSession", "BrowserState", "JobsBrowser", "Query"]

_LAZY = {
    "BrowserSession": "loom_jobs_widget.browser.session",
    "BrowserState": "loom_jobs_widget.browser.session",
    "JobsBrowser": "loom_jobs_widget.browser.widget",
    "Query": "loom_jobs_widget.browser.query",
}

if TYPE_CHECKING:
    from loom_jobs_widget.browser.query import Query
    from loom_jobs_widget.browser.session import BrowserSession, BrowserState
    from loom_jobs_widget.browser.widget import JobsBrowser


__getattr__ = lazy_names(__name__, _LAZY)

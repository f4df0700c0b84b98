"""runs/export's page of a notebook task run: a readable local stand-in for a workspace's own
rendering of the notebook as it ran (each cell's source, what it printed and displayed, the
result and the error), styled to fit the widget's narrow pane and shown there in a sandboxed
frame. Every text is escaped; displayed HTML is sanitised again.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any, Final

from loom_jobs_widget.local.exec.display import display_text, sanitize_html

__all__ = ["notebook_page"]

_MONOSPACE: Final = "ui-monospace,SFMono-Regular,Menlo,Consolas,monospace"
_PAGE_STYLE: Final = (
    "body{font:13px/1.45 system-ui,sans-serif;margin:.5rem;color:#1f2328}"
    # A workspace path can be long and has no spaces: it wraps anywhere rather than widen the
    # page.
    f"h1.loom-notebook-path{{font:600 12px/1.4 {_MONOSPACE};margin:0 0 .5rem;color:#59636e;"
    "overflow-wrap:anywhere;word-break:break-all}"
    "h2{font-size:12px;font-weight:600;margin:.75rem 0 .25rem}"
    "pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0;padding:.5rem;"
    f"font:12px/1.45 {_MONOSPACE}}}"
    ".loom-cell{border:1px solid #d0d7de;border-radius:4px;margin:.5rem 0}"
    ".loom-cell-source{background:#f6f8fa}"
    ".loom-cell-output{border-top:1px solid #d0d7de}"
    ".loom-cell[data-state=failed]{border-color:#cf222e}"
    ".loom-cell[data-state=not_run]{opacity:.6}"
    ".loom-cell-note{margin:0;padding:.25rem .5rem;font-size:12px;color:#59636e}"
    ".loom-display-table{border-collapse:collapse;margin:.5rem;font-size:12px;display:block;"
    "overflow-x:auto;max-width:calc(100% - 1rem)}"
    ".loom-display-table th,.loom-display-table td{border:1px solid #d0d7de;padding:.15rem .4rem;"
    "text-align:left;white-space:nowrap}"
    ".loom-display-table th{background:#f6f8fa;font-weight:600}"
    ".loom-display-html{padding:.5rem;border-top:1px solid #d0d7de;overflow-x:auto}"
)


def _text(value: Any) -> str:
    return html.escape(str(value), quote=True)


def notebook_page(path: str, cells: Sequence[Any], output: Mapping[str, Any]) -> str:
    """runs/export's page of the notebook task run at `path`: every cell's source and what it
    printed, in order, then the notebook's result and error, from the stored `cells` and
    `output`. (A workspace exports its own rendering of the notebook; this is a readable local
    stand-in with the same content, styled to fit the widget's narrow pane.)

    The elements, for whoever shows the page: `h1.loom-notebook-path`; per cell a
    `section.loom-cell` with `data-cell` (its number), `data-kind` (code, markdown) and
    `data-state` (ran, failed, not_run), holding `pre.loom-cell-source`, then what it printed
    (`pre.loom-cell-output`) with what it displayed in place (`table.loom-display-table`, and
    `div.loom-display-html` for displayHTML, sanitised again here), then `p.loom-cell-note`
    when its output was truncated or it did not run; `section.loom-notebook-result`
    (`pre.loom-result`: the dbutils.notebook.exit value) and `section.loom-notebook-error`
    (`pre.loom-error`). All text is escaped."""
    parts = [f'<h1 class="loom-notebook-path">{_text(path)}</h1>']
    failed_cell = False
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, Mapping):
            continue
        kind = "markdown" if cell.get("kind") == "markdown" else "code"
        state = cell.get("state") if cell.get("state") in ("ran", "failed") else "not_run"
        failed_cell = failed_cell or state == "failed"
        shown = cell.get("number") if isinstance(cell.get("number"), int) else number
        parts.append(
            f'<section class="loom-cell" data-cell="{shown}" data-kind="{kind}"'
            f' data-state="{state}"><pre class="loom-cell-source">'
            f"{_text(cell.get('source') or '')}</pre>"
        )
        parts.extend(_cell_output(str(cell.get("output") or ""), cell.get("displays")))
        if cell.get("output_truncated"):
            parts.append('<p class="loom-cell-note">Output truncated.</p>')
        if state == "not_run" and kind == "code":
            parts.append('<p class="loom-cell-note">This cell did not run.</p>')
        parts.append("</section>")
    if output.get("notebook_result") is not None:
        parts.append(
            '<section class="loom-notebook-result"><h2>Result</h2>'
            f'<pre class="loom-result">{_text(output["notebook_result"])}</pre></section>'
        )
    # The failed cell shows its traceback already; the error's line is enough below it.
    error = output.get("error") if failed_cell else output.get("error_trace") or output.get("error")
    if error:
        parts.append(
            '<section class="loom-notebook-error"><h2>Error</h2>'
            f'<pre class="loom-error">{_text(error)}</pre></section>'
        )
    name = path.rsplit("/", 1)[-1]
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{_text(name)}</title><style>{_PAGE_STYLE}</style></head>"
        f'<body class="loom-notebook">{"".join(parts)}</body></html>'
    )


def _cell_output(output: str, displays: Any) -> list[str]:
    """A cell's printed output with each thing it displayed drawn in place of the text it
    printed for it (`display_text`); a display whose text the output no longer holds (cut by
    the output budget) stays text."""
    parts: list[str] = []
    rest = output
    for entry in displays if isinstance(displays, list) else []:
        if not isinstance(entry, Mapping):
            continue
        drawn = _display(entry)
        text = display_text(entry) if drawn else ""
        at = rest.find(text) if text else -1
        if at < 0:
            continue
        before, rest = rest[:at], rest[at + len(text) :].removeprefix("\n")
        if before.strip():
            parts.append(f'<pre class="loom-cell-output">{_text(before)}</pre>')
        parts.append(drawn)
    if rest.strip():
        parts.append(f'<pre class="loom-cell-output">{_text(rest)}</pre>')
    return parts


def _display(entry: Mapping[str, Any]) -> str:
    """One display entry as HTML ("" when it is not one this page draws)."""
    if entry.get("kind") == "html" and isinstance(entry.get("html"), str):
        return f'<div class="loom-display-html">{sanitize_html(entry["html"])}</div>'
    columns, rows = entry.get("columns"), entry.get("rows")
    if entry.get("kind") != "table" or not isinstance(columns, list) or not isinstance(rows, list):
        return ""
    head = "".join(f"<th>{_text(column)}</th>" for column in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_text('null' if v is None else v)}</td>" for v in row) + "</tr>"
        for row in rows
        if isinstance(row, list)
    )
    note = (f'<p class="loom-cell-note">Showing the first {len(rows)} rows.</p>'
            if entry.get("truncated") else "")  # fmt: skip
    return f'<table class="loom-display-table"><tr>{head}</tr>{body}</table>{note}'

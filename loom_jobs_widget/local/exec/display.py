"""Databricks' `display(obj)` and `displayHTML(html)` in a local notebook: what they show,
recorded with the cell that showed it.

Each display is an entry: `{"kind": "table", "columns": [...], "rows": [[...]], "truncated":
bool}` for tabular values, `{"kind": "html", "html": "..."}` for `displayHTML`. Its text (a
table drawn as Spark's `DataFrame.show()` draws one, or the HTML's text) goes to the cell's
printed output, so the exported notebook shows it as text; the entry itself is kept in the
cell's `displays` for a page that draws tables and HTML.

Tables: a pandas DataFrame, a list of dicts, of tuples or of rows (`asDict()` / `_fields`),
and anything with `limit(n)` and `toPandas()` (a Spark DataFrame: only the preview's rows are
collected). Databricks caps table results at 10,000 rows or 2 MB, whichever is lower
(docs.databricks.com notebooks/notebook-limitations); the local preview keeps the first
`PREVIEW_ROWS` rows, as the local SQL output does, because a whole notebook's outputs share a
5 MB budget. Anything else prints as `print` would.

HTML is sanitised (`sanitize_html`): no scripts, frames, objects, forms, event handlers or
`javascript:` links; a page that draws it should still show it in a sandboxed frame.
"""

from __future__ import annotations

import html
import importlib
import json
from collections.abc import Callable, Mapping, Sequence
from html.parser import HTMLParser
from typing import Any, Final

__all__ = [
    "DISPLAY_MIME",
    "PREVIEW_ROWS",
    "display",
    "displayHTML",
    "display_text",
    "publish_in_kernel",
    "sanitize_html",
    "set_publisher",
    "table_of",
    "table_text",
]

PREVIEW_ROWS: Final = 1000
#: The MIME type a kernel's display output carries its entry under (next to text/plain).
DISPLAY_MIME: Final = "application/vnd.loom.display+json"

_Publisher = Callable[[dict[str, Any], str], None]


def _print_publisher(entry: dict[str, Any], text: str) -> None:
    print(text)


_publisher: _Publisher = _print_publisher


def set_publisher(publisher: _Publisher | None) -> None:
    """Where displays go: `publisher(entry, text)`; None prints the text only."""
    global _publisher
    _publisher = publisher or _print_publisher


def _value(value: Any) -> Any:
    """A cell's value as JSON can hold it."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        finite = value == value and value not in (float("inf"), float("-inf"))
        return value if finite else str(value)
    return str(value)


def _row_mapping(row: Any) -> Mapping[str, Any] | None:
    if isinstance(row, Mapping):
        return row
    as_dict = getattr(row, "asDict", None)  # a Spark Row
    if callable(as_dict):
        mapping = as_dict()
        return mapping if isinstance(mapping, Mapping) else None
    fields = getattr(row, "_fields", None)  # a namedtuple
    if isinstance(fields, tuple):
        return dict(zip(fields, row, strict=False))
    return None


def table_of(obj: Any) -> dict[str, Any] | None:
    """`obj` as a table entry of at most PREVIEW_ROWS rows; None when it is not tabular."""
    if callable(getattr(obj, "limit", None)) and callable(getattr(obj, "toPandas", None)):
        # A Spark DataFrame: one row more than the preview tells whether there were more.
        obj = obj.limit(PREVIEW_ROWS + 1).toPandas()
    columns: list[str]
    rows: list[list[Any]]
    if hasattr(obj, "columns") and callable(getattr(obj, "head", None)) and hasattr(obj, "values"):
        head = obj.head(PREVIEW_ROWS + 1)
        columns = [str(column) for column in obj.columns]
        rows = [list(row) for row in head.values.tolist()]
    elif isinstance(obj, Sequence) and not isinstance(obj, (str, bytes)) and obj:
        mappings = [_row_mapping(row) for row in obj[: PREVIEW_ROWS + 1]]
        if all(mapping is not None for mapping in mappings):
            columns = []
            for mapping in mappings:
                assert mapping is not None
                columns.extend(str(key) for key in mapping if str(key) not in columns)
            rows = [
                [mapping.get(column) for column in columns]  # type: ignore[union-attr]
                for mapping in mappings
            ]
        elif all(isinstance(row, (tuple, list)) for row in obj[: PREVIEW_ROWS + 1]):
            width = max(len(row) for row in obj[: PREVIEW_ROWS + 1])
            columns = [f"_{n}" for n in range(1, width + 1)]  # Spark's names for unnamed columns
            rows = [list(row) + [None] * (width - len(row)) for row in obj[: PREVIEW_ROWS + 1]]
        else:
            return None
    else:
        return None
    return {
        "kind": "table",
        "columns": columns,
        "rows": [[_value(value) for value in row] for row in rows[:PREVIEW_ROWS]],
        "truncated": len(rows) > PREVIEW_ROWS,
    }


def table_text(entry: Mapping[str, Any]) -> str:
    """A table entry drawn as Spark's `DataFrame.show()` draws one (right-aligned cells)."""
    columns = [str(column) for column in entry["columns"]]
    cells = [["null" if v is None else str(v) for v in row] for row in entry["rows"]]
    widths = [max([len(c), *(len(row[n]) for row in cells)]) for n, c in enumerate(columns)]
    rule = "+" + "+".join("-" * width for width in widths) + "+"

    def line(values: list[str]) -> str:
        return "|" + "|".join(v.rjust(width) for v, width in zip(values, widths, strict=True)) + "|"

    lines = [rule, line(columns), rule, *(line(row) for row in cells), rule]
    shown = len(cells)
    if entry.get("truncated"):
        lines.append(f"only showing the first {shown} rows")
    return "\n".join(lines)


def display(*objects: Any, **_: Any) -> None:
    """Databricks' `display`: a table for tabular values, else the value as `print` shows it."""
    for obj in objects:
        entry = table_of(obj)
        if entry is None:
            print(obj)
        else:
            _publisher(entry, table_text(entry))


# --- HTML ----------------------------------------------------------------------------------------

#: Elements dropped with everything inside them.
_DROPPED: Final = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "form",
        "base",
        "meta",
        "link",
        "noscript",
        "template",
        "svg",
        "math",
    }
)
_VOID: Final = frozenset({"br", "hr", "img", "wbr", "col", "area", "source", "track", "input"})
_URL_ATTRIBUTES: Final = frozenset({"href", "src", "action", "formaction", "xlink:href", "srcset"})
_SAFE_SCHEMES: Final = ("http:", "https:", "mailto:", "#", "/", "./", "../")


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.text: list[str] = []
        self._dropping: list[str] = []

    def _attributes(self, attrs: list[tuple[str, str | None]]) -> str:
        kept = []
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on") or name in ("style", "srcdoc"):
                continue  # event handlers run script; styles can load URLs
            if name in _URL_ATTRIBUTES:
                url = (value or "").strip().lower()
                if not url.startswith(_SAFE_SCHEMES) and not url.startswith("data:image/"):
                    continue
            kept.append(f' {name}="{html.escape(value or "", quote=True)}"')
        return "".join(kept)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            if tag not in _VOID:
                self._dropping.append(tag)
            return
        if not self._dropping:
            self.out.append(f"<{tag}{self._attributes(attrs)}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _DROPPED and not self._dropping:
            self.out.append(f"<{tag}{self._attributes(attrs)}>")

    def handle_endtag(self, tag: str) -> None:
        if self._dropping:
            if tag == self._dropping[-1]:
                self._dropping.pop()
            return
        if tag not in _DROPPED and tag not in _VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.out.append(html.escape(data, quote=False))
            self.text.append(data)


def _sanitized(markup: str) -> tuple[str, str]:
    parser = _Sanitizer()
    parser.feed(markup)
    parser.close()
    return "".join(parser.out), "".join(parser.text)


def sanitize_html(markup: str) -> str:
    """`markup` without what runs code or loads other pages (see the module's docstring)."""
    return _sanitized(markup)[0]


def displayHTML(markup: Any) -> None:
    """Databricks' `displayHTML`: the HTML, sanitised; its text in the cell's output."""
    clean, text = _sanitized(str(markup))
    _publisher({"kind": "html", "html": clean}, text.strip())


def display_text(entry: Mapping[str, Any]) -> str:
    """The text a display entry printed into the cell's output (a table as `show()` draws it,
    HTML's text)."""
    if entry.get("kind") == "html":
        return _sanitized(str(entry.get("html", "")))[1].strip()
    return table_text(entry)


def publish_in_kernel(entry: dict[str, Any], text: str) -> None:
    """A kernel's publisher: a display output with the entry and its text."""
    publish: Any = importlib.import_module("IPython.display").publish_display_data
    publish({"text/plain": text, DISPLAY_MIME: json.loads(json.dumps(entry))})

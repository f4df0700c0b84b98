"""A notebook file's cells as Databricks reads them: the source format (`# Databricks notebook
source`, cells split by `# COMMAND ----------`, non-Python cells prefixed `# MAGIC `) and
`.ipynb` code cells whose first line is a magic (`%sql`). Which magic each cell has, its Python
source, its magic's arguments and body, and the text the notebook shows.

Formats: docs.databricks.com notebooks/notebook-export-import; magics: notebooks/notebooks-code.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from loom_jobs_widget.local.exec.protocol import NOTEBOOK_HEADER

__all__ = [
    "DATABRICKS_ONLY_MAGICS",
    "MARKDOWN_MAGICS",
    "RUN_MAGICS",
    "Cell",
    "first_magic",
    "ipynb_cell",
    "kind_of",
    "magic_parts",
    "python_of",
    "read_notebook_cells",
    "shown_source",
    "source_cells",
]

_COMMAND_SEPARATOR: Final = "# COMMAND ----------"
_MAGIC_PREFIX: Final = "# MAGIC"
MARKDOWN_MAGICS: Final = frozenset({"md", "md-sandbox"})
#: Magic cells the local workspace runs itself (`magics`); %python cells are plain Python.
RUN_MAGICS: Final = frozenset({"sql", "fs", "sh", "pip", "run"})
#: Cells that need a Databricks cluster (other languages, its conda): never run locally.
DATABRICKS_ONLY_MAGICS: Final = frozenset({"scala", "r", "conda"})


@dataclass
class Cell:
    number: int  # 1-based, as the user counts cells
    line: int  # 1-based line of the cell's first line in the file; 0 for a .ipynb cell
    lines: list[str]
    magic: str | None  # "python", "md", "sql", ... for a magic cell; None for plain Python
    prefixed: bool = True  # source format: magic lines start with `# MAGIC`


def first_magic(lines: list[str], *, prefixed: bool) -> tuple[int, str | None]:
    """Index of the first meaningful line and the magic it starts with, if any.

    `prefixed`: source format, where magic cells are commented out as `# MAGIC %sql`.
    """
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("# DBTITLE"):
            continue
        if prefixed:
            if not stripped.startswith(_MAGIC_PREFIX):
                return index, None
            stripped = stripped[len(_MAGIC_PREFIX) :].strip()
        if stripped.startswith("%") and not stripped.startswith("%%"):
            return index, stripped[1:].split(maxsplit=1)[0].lower() if stripped[1:] else ""
        return index, None
    return -1, None


def source_cells(text: str) -> list[Cell]:
    lines = text.splitlines()
    cells: list[Cell] = []
    current: list[str] = []
    start = 2  # line 1 is the header

    def flush() -> None:
        _, magic = first_magic(current, prefixed=True)
        cells.append(Cell(len(cells) + 1, start, list(current), magic))

    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() == _COMMAND_SEPARATOR:
            flush()
            current.clear()
            start = number + 1
        else:
            current.append(line)
    flush()
    return cells


def ipynb_cell(number: int, source: str) -> Cell:
    lines = source.splitlines()
    _, magic = first_magic(lines, prefixed=False)
    return Cell(number, 0, lines, magic, prefixed=False)


def _unprefixed(cell: Cell) -> list[str]:
    if not cell.prefixed or cell.magic is None:
        return list(cell.lines)
    return [re.sub(r"^\s*# MAGIC ?", "", line) for line in cell.lines]


def magic_parts(cell: Cell) -> tuple[str, str]:
    """A magic cell's arguments (the rest of its magic's line) and body (the lines after it)."""
    lines = _unprefixed(cell)
    index, _ = first_magic(cell.lines, prefixed=cell.prefixed)
    head = lines[index].strip()[1:] if index >= 0 else ""
    parts = head.split(maxsplit=1)
    return (parts[1] if len(parts) > 1 else ""), "\n".join(lines[index + 1 :])


def python_of(cell: Cell) -> str | None:
    """The Python source of a cell, padded with blank lines so that line numbers in tracebacks
    are those of the file; None for cells that do not run as Python (markdown, empty, magics)."""
    if cell.magic is not None and cell.magic != "python":
        return None
    lines = cell.lines
    if cell.magic == "python":
        index, _ = first_magic(lines, prefixed=cell.prefixed)
        lines = ["" if number == index else line for number, line in enumerate(_unprefixed(cell))]
    if not any(line.strip() for line in lines):
        return None
    return "\n" * max(cell.line - 1, 0) + "\n".join(lines) + "\n"


def shown_source(cell: Cell) -> str:
    """The cell as a notebook shows it: without the `# MAGIC` prefixes of the source format and
    the `# DBTITLE` line, blank lines around it trimmed."""
    lines = [line for line in _unprefixed(cell) if not line.strip().startswith("# DBTITLE")]
    return "\n".join(lines).strip("\n")


def kind_of(cell: Cell) -> str:
    return "markdown" if cell.magic in MARKDOWN_MAGICS else "code"


def read_notebook_cells(path: Path, shown: str) -> list[Cell]:
    """The cells of the notebook file `path` (either format); ValueError when it cannot be read
    as one. `shown` names it in messages."""
    if path.suffix == ".ipynb":
        nbformat: Any = importlib.import_module("nbformat")
        try:
            nb = nbformat.read(str(path), as_version=4)
        except Exception as exc:  # nbformat raises several kinds for a broken file
            raise ValueError(f"Notebook {shown} is not a readable .ipynb file: {exc}") from None
        return [
            ipynb_cell(index + 1, cell.source)
            for index, cell in enumerate(nb.cells)
            if cell.cell_type == "code"
        ]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"Notebook {shown} cannot be read: {exc}") from None
    if not text.startswith(NOTEBOOK_HEADER):
        raise ValueError(f"{shown} is not a source-format notebook")
    return source_cells(text)

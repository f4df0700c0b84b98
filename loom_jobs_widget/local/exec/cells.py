"""A notebook task's cells as they ran: each cell's source and what it printed, kept with the task
run's output for the run's exported notebook (jobs/runs/export). A workspace returns no printed
output of a notebook in runs/get-output (its `logs` are for Python files, wheels and jars); the
exported notebook is where a user reads it.

The child records, the parent reads:

- a source-format notebook runs in the child's own process, whose stdout and stderr are the
  run folder's `output.log`. `CellLog` writes the cells (`notebook-cells.json`) before the first
  one runs, then appends to `notebook-cells.log` where `output.log` stood as each cell started,
  and which cell failed. A cell's output is the log from its start to the next cell's start (the
  end of the log for the last one), so a process killed mid-cell still shows what it printed.
  What a cell displayed (`display`) goes to `notebook-displays.jsonl` too, with its index.
- a `.ipynb` notebook runs in a kernel, whose outputs nbclient keeps per cell: `write_cells`
  writes the cells with their outputs once the kernel is done.

`read_cells` (in the parent) turns either into the stored list: per cell its `number` (as the
user counts cells), `kind` ("code" or "markdown"), `source`, `state` ("ran", "failed" or
"not_run") and `output` (stdout, stderr and displayed values in the order they came), with
`output_truncated` when the 5 MB budget of the whole notebook's outputs cut it, and `displays`
(`display`'s table and HTML entries) when it displayed any.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from loom_jobs_widget.local.exec.protocol import (
    CELLS_FILE,
    CELLS_PROGRESS_FILE,
    DISPLAYS_FILE,
    LOG_FILE,
    OUTPUT_LIMIT_BYTES,
)

__all__ = ["CellLog", "read_cells", "write_cells"]

_ANSI: Final = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_STATES: Final = frozenset({"ran", "failed", "not_run"})


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def _log_position() -> int | None:
    """Where the process's stdout (the run folder's output.log) stands now; None when stdout is
    not a file (a terminal, a pipe): the cells then have no output of their own."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(Exception):  # user code may have replaced or closed them
            if stream is not None:
                stream.flush()
    try:
        return os.lseek(1, 0, os.SEEK_CUR)
    except OSError:
        return None


class CellLog:
    """The child's record of a source-format notebook's cells as they run."""

    def __init__(self, run_dir: Path, cells: Sequence[tuple[int, str, str]]) -> None:
        """`cells`: (number, kind, source) of every cell, in order."""
        self._progress = run_dir / CELLS_PROGRESS_FILE
        self._displays = run_dir / DISPLAYS_FILE
        self._current = 0
        _write_json(
            run_dir / CELLS_FILE,
            [{"number": n, "kind": kind, "source": source} for n, kind, source in cells],
        )

    def _append(self, line: str) -> None:
        with self._progress.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def reached(self, index: int) -> None:
        """Cell `index` (0-based) starts now: its output begins at the log's current end."""
        self._current = index
        position = _log_position()
        self._append(f"ran {index} {'' if position is None else position}".rstrip())

    def failed(self, index: int) -> None:
        self._append(f"failed {index}")

    def displayed(self, entry: dict[str, Any], text: str) -> None:
        """The current cell displayed `entry`; `text` is printed as its output."""
        print(text)
        with self._displays.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"cell": self._current, **entry}) + "\n")


def write_cells(run_dir: Path, cells: Sequence[dict[str, Any]]) -> None:
    """Cells that carry their own `state` and `output` (a kernel's notebook)."""
    _write_json(run_dir / CELLS_FILE, list(cells))


def _progress(run_dir: Path) -> tuple[dict[int, int | None], set[int]]:
    """From the progress file: the log offset at which each reached cell started (None when
    unknown), and the cells that failed. A line cut short by a crash is ignored."""
    started: dict[int, int | None] = {}
    failed: set[int] = set()
    try:
        lines = (run_dir / CELLS_PROGRESS_FILE).read_text(encoding="utf-8").splitlines()
    except OSError:
        return started, failed
    for line in lines:
        parts = line.split()
        with contextlib.suppress(ValueError, IndexError):
            if parts[0] == "ran" and len(parts) in (2, 3):
                started[int(parts[1])] = int(parts[2]) if len(parts) == 3 else None
            elif parts[0] == "failed" and len(parts) == 2:
                failed.add(int(parts[1]))
    return started, failed


def _outputs_from_log(run_dir: Path, started: dict[int, int | None]) -> dict[int, str]:
    """Each reached cell's slice of output.log: from its start to the next reached cell's."""
    try:
        log = (run_dir / LOG_FILE).read_bytes()
    except OSError:
        return {}
    known = sorted((index, offset) for index, offset in started.items() if offset is not None)
    outputs: dict[int, str] = {}
    for position, (index, offset) in enumerate(known):
        end = known[position + 1][1] if position + 1 < len(known) else len(log)
        outputs[index] = log[offset:end].decode("utf-8", errors="replace")
    return outputs


def _displays(run_dir: Path) -> dict[int, list[dict[str, Any]]]:
    """Each cell's display entries, by cell index; a line cut short by a crash is ignored."""
    found: dict[int, list[dict[str, Any]]] = {}
    try:
        lines = (run_dir / DISPLAYS_FILE).read_text(encoding="utf-8").splitlines()
    except OSError:
        return found
    for line in lines:
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            if isinstance(entry, dict) and isinstance(entry.get("cell"), int):
                found.setdefault(entry.pop("cell"), []).append(entry)
    return found


def read_cells(run_dir: Path, *, interrupted: bool = False) -> list[dict[str, Any]] | None:
    """The notebook's cells as the task run keeps them; None when the child recorded none (not
    a notebook, or it failed before any cell: a missing file, an unsupported cell).
    `interrupted`: the process ended without reporting (killed, canceled, crashed), so the last
    cell that started is the one that failed."""
    try:
        raw = json.loads((run_dir / CELLS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(raw, list):
        return None
    started, failed = _progress(run_dir)
    if interrupted and started and not failed:
        failed.add(max(started))
    from_log = _outputs_from_log(run_dir, started)
    shown = _displays(run_dir)
    budget = OUTPUT_LIMIT_BYTES
    cells: list[dict[str, Any]] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            continue
        state = item.get("state")
        if state not in _STATES:
            state = "failed" if index in failed else "ran" if index in started else "not_run"
        output = item.get("output")
        if not isinstance(output, str):
            output = from_log.get(index, "")
        data = _ANSI.sub("", output).encode("utf-8")
        kept = data[:budget]
        budget -= len(kept)
        cell: dict[str, Any] = {
            "number": item.get("number") if isinstance(item.get("number"), int) else index + 1,
            "kind": "markdown" if item.get("kind") == "markdown" else "code",
            "source": str(item.get("source") or ""),
            "state": state,
            "output": kept.decode("utf-8", errors="ignore"),
        }
        if len(kept) < len(data):
            cell["output_truncated"] = True
        entries = item.get("displays") if isinstance(item.get("displays"), list) else None
        entries = entries or shown.get(index)
        if entries:
            cell["displays"] = entries
        cells.append(cell)
    return cells

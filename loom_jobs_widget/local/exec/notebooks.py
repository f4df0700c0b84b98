"""Notebook tasks in the child: a source-format notebook's Python cells run in this process, in a
fresh `__main__`; a `.ipynb` notebook runs in a kernel of this interpreter through nbclient, and
its executed copy is kept in the task-run folder. Cells of other languages (and %pip, %run) fail
the task before anything runs. Either way the cells are recorded with what each one printed
(`cells`), for the run's exported notebook."""

from __future__ import annotations

import builtins
import importlib
import json
import re
import shutil
import signal
import sys
import tempfile
import traceback
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from loom_jobs_widget.local.exec.cells import CellLog, write_cells
from loom_jobs_widget.local.exec.dbutils import DBUtils, NotebookExit
from loom_jobs_widget.local.exec.paths import resolve_notebook_path
from loom_jobs_widget.local.exec.protocol import EXECUTED_NOTEBOOK, NOTEBOOK_HEADER, STATE_FILE
from loom_jobs_widget.local.exec.workload import (
    Result,
    SetupError,
    enter_folder,
    exception_line,
    exit_result,
    failure,
    failure_from,
    success,
    user_trace,
)

__all__ = ["run_notebook"]

_COMMAND_SEPARATOR = "# COMMAND ----------"
_MAGIC_PREFIX = "# MAGIC"
#: Cells in these languages or magics are not run locally; the task fails up front, naming them.
#: (%pip and %run are refused rather than run: %pip would change the local environment, and
#: %run of another notebook is not implemented yet.)
_UNSUPPORTED_MAGICS = frozenset({"sql", "sh", "scala", "r", "fs", "run", "pip", "conda"})
_MARKDOWN_MAGICS = frozenset({"md", "md-sandbox"})
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


# --- notebooks: cells ----------------------------------------------------------------------------


@dataclass
class _Cell:
    number: int  # 1-based, as the user counts cells
    line: int  # 1-based line of the cell's first line in the file
    lines: list[str]
    magic: str | None  # "python", "md", "sql", ... for a magic cell; None for plain Python


def _first_magic(lines: list[str], *, prefixed: bool) -> tuple[int, str | None]:
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


def _check_cells(cells: list[_Cell], notebook: str) -> None:
    for cell in cells:
        if cell.magic in _UNSUPPORTED_MAGICS:
            where = f"Cell {cell.number}" + (f" (line {cell.line})" if cell.line else "")
            raise SetupError(
                f"{where} of notebook {notebook} is a %{cell.magic} cell: the local workspace"
                " runs Python cells only, so it ran nothing of this notebook"
            )


def _source_cells(text: str) -> list[_Cell]:
    lines = text.splitlines()
    cells: list[_Cell] = []
    current: list[str] = []
    start = 2  # line 1 is the header

    def flush() -> None:
        _, magic = _first_magic(current, prefixed=True)
        cells.append(_Cell(len(cells) + 1, start, list(current), magic))

    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() == _COMMAND_SEPARATOR:
            flush()
            current.clear()
            start = number + 1
        else:
            current.append(line)
    flush()
    return cells


def _python_of(cell: _Cell) -> str | None:
    """The Python source of a source-format cell, padded with blank lines so that line numbers in
    tracebacks are those of the file; None for cells that do not run (markdown, empty)."""
    lines = cell.lines
    if cell.magic in _MARKDOWN_MAGICS:
        return None
    if cell.magic == "python":
        index, _ = _first_magic(lines, prefixed=True)
        lines = [
            "" if number == index else re.sub(r"^\s*# MAGIC ?", "", line)
            for number, line in enumerate(lines)
        ]
    if not any(line.strip() for line in lines):
        return None
    return "\n" * (cell.line - 1) + "\n".join(lines) + "\n"


def _shown_source(cell: _Cell) -> str:
    """The cell as a notebook shows it: without the `# MAGIC` prefixes of the source format and
    the `# DBTITLE` line, blank lines around it trimmed."""
    lines = [line for line in cell.lines if not line.strip().startswith("# DBTITLE")]
    if cell.magic is not None:
        lines = [re.sub(r"^\s*# MAGIC ?", "", line) for line in lines]
    return "\n".join(lines).strip("\n")


def _kind(cell: _Cell) -> str:
    return "markdown" if cell.magic in _MARKDOWN_MAGICS else "code"


def _display(*objects: Any, **_: Any) -> None:
    """Databricks' `display`, outside a notebook UI: prints what it is given."""
    for obj in objects:
        print(obj)


def _run_source_notebook(path: Path, notebook: str, dbutils: DBUtils, run_dir: Path) -> Result:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SetupError(f"Notebook {notebook} cannot be read: {exc}") from None
    if not text.startswith(NOTEBOOK_HEADER):
        raise SetupError(f"{notebook} is not a source-format notebook")
    cells = _source_cells(text)
    _check_cells(cells, notebook)
    record = CellLog(run_dir, [(cell.number, _kind(cell), _shown_source(cell)) for cell in cells])
    filename = str(path)
    codes = []
    for index, cell in enumerate(cells):
        source = _python_of(cell)
        try:
            codes.append(None if source is None else compile(source, filename, "exec"))
        except SyntaxError as exc:
            # Databricks compiles per cell too: a syntax error fails the run at that cell,
            # but here nothing has run yet, which is kinder and as clear.
            record.reached(index)
            record.failed(index)
            trace = user_trace(exc, filename)
            sys.stderr.write(trace)
            return failure(exception_line(exc), trace)
    builtins.dbutils = dbutils  # type: ignore[attr-defined]
    if not hasattr(builtins, "display"):
        builtins.display = _display  # type: ignore[attr-defined]
    # A fresh __main__, as a notebook's namespace is: classes defined in cells pickle. (The
    # bootstrap, running as __main__, stays alive through the frames that use it.)
    module = types.ModuleType("__main__")
    sys.modules["__main__"] = module
    enter_folder(path.parent)
    current = 0
    try:
        for current, code in enumerate(codes):
            record.reached(current)
            if code is not None:
                exec(code, module.__dict__)
    except NotebookExit as exc:
        print(f"Notebook exited: {exc.value}")
        return success(exc.value)
    except SystemExit as exc:
        result = exit_result(exc, filename)
        if result["result_state"] != "SUCCESS":
            record.failed(current)
        return result
    except BaseException as exc:
        record.failed(current)
        return failure_from(exc, filename)
    return success()


# --- notebooks: .ipynb through a kernel ----------------------------------------------------------


def _terminate(signum: int, frame: Any) -> NoReturn:
    # Cancel sends SIGTERM: unwinding (rather than dying at once) lets nbclient shut its kernel
    # down, which sits in a session of its own; the parent SIGKILLs whatever is left anyway.
    raise SystemExit(128 + signum)


def _run_ipynb(path: Path, notebook: str, run_dir: Path) -> Result:
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from traitlets import default

    nbformat: Any = importlib.import_module("nbformat")  # untyped: Any, rather than ignores

    class ThisPythonKernel(AsyncKernelManager):
        """The ipykernel of this very interpreter, whatever kernel specs the user has
        installed: the kernel must import loom_jobs_widget, as this process does."""

        @default("kernel_spec_manager")
        def _no_installed_specs(self) -> KernelSpecManager:
            return KernelSpecManager(kernel_dirs=[])

        @default("transport")
        def _unix_sockets(self) -> str:
            return "ipc"

        @default("ip")
        def _socket_prefix(self) -> str:
            return str(Path(sockets) / "kernel")

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # nbformat raises several kinds for a broken file
        raise SetupError(f"Notebook {notebook} is not a readable .ipynb file: {exc}") from None
    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        lines = cell.source.splitlines()
        first, magic = _first_magic(lines, prefixed=False)
        cells.append(_Cell(index + 1, 0, lines, magic))
        if magic in _MARKDOWN_MAGICS:
            # A %md code cell (Databricks' ipynb export) is documentation, not code.
            nb.cells[index] = nbformat.v4.new_markdown_cell("\n".join(lines[first + 1 :]))
        elif magic == "python":
            cell.source = "\n".join(line for n, line in enumerate(lines) if n != first)
    _check_cells(cells, notebook)
    # Visible in the executed copy, so the user sees how dbutils came to be (as papermill does).
    injected = nbformat.v4.new_code_cell(
        "# Injected by the loom local workspace: dbutils for this task run.\n"
        "from loom_jobs_widget.local.exec.dbutils import install_in_ipython as _loom_install\n"
        f"dbutils = _loom_install({str(run_dir)!r})\n"
        "del _loom_install",
        metadata={"tags": ["injected-parameters"]},
    )
    nb.cells.insert(0, injected)
    # Unix sockets in a short folder of their own (a socket's path has ~107 bytes), not TCP
    # ports: a port the client picks can be taken by another process before the kernel binds
    # it, when many kernels start at once, and the kernel then dies at start.
    sockets = tempfile.mkdtemp(prefix="loom-kernel-")
    signal.signal(signal.SIGTERM, _terminate)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        kernel_manager_class=ThisPythonKernel,
        timeout=None,  # the engine enforces the task's timeout_seconds by canceling
        resources={"metadata": {"path": str(path.parent)}},  # the kernel's working directory
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        if exc.ename == NotebookExit.__name__:
            state = _read_state(run_dir)
            return success(state.get("exit_value") or "")
        return failure(f"{exc.ename}: {exc.evalue}", _cell_trace(nb) or _ANSI.sub("", str(exc)))
    except Exception as exc:  # a dead or unreachable kernel, a timeout starting it
        return failure(exception_line(exc), "".join(traceback.format_exception(exc)))
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
        nbformat.write(nb, str(run_dir / EXECUTED_NOTEBOOK))
        write_cells(run_dir, _ipynb_cells(nb.cells[1:]))  # the injected cell is not the user's
    # exit() caught by the notebook's own code, which then ran to the end: the value stands.
    return success(_read_state(run_dir).get("exit_value"))


def _output_text(output: Any) -> str:
    """One output of a kernel's cell as text: a stream's text, a value's text/plain, an error's
    traceback (not a `dbutils.notebook.exit`'s: the kernel prints "Notebook exited: ..." for it,
    as Databricks shows it)."""
    kind = output.get("output_type")
    if kind == "stream":
        return str(output.get("text") or "")
    if kind == "error":
        if output.get("ename") == NotebookExit.__name__:
            return ""
        lines = output.get("traceback") or [f"{output.get('ename')}: {output.get('evalue')}"]
        return _ANSI.sub("", "\n".join(lines)) + "\n"
    data = output.get("data") or {}
    text = data.get("text/plain")
    if text is not None:
        return ("".join(text) if isinstance(text, list) else str(text)) + "\n"
    shown = ", ".join(sorted(data)) or "an empty value"
    return f"[{shown} output, not shown here]\n"


def _ipynb_cells(nb_cells: list[Any]) -> list[dict[str, Any]]:
    """The executed notebook's cells for `cells`: what each one printed, and whether it ran.
    Once a cell failed or exited, the later ones did not run."""
    cells: list[dict[str, Any]] = []
    stopped = False
    for number, cell in enumerate(nb_cells, start=1):
        outputs = cell.get("outputs", []) if cell.cell_type == "code" else []
        text = "".join(_output_text(output) for output in outputs)
        if cell.cell_type != "code":
            state = "not_run" if stopped else "ran"
        elif stopped or (cell.get("execution_count") is None and not outputs):
            state = "not_run"
        else:
            errors = [o for o in outputs if o.get("output_type") == "error"]
            state = "ran"
            if errors:
                stopped = True
                if any(o.get("ename") != NotebookExit.__name__ for o in errors):
                    state = "failed"
        kind = "code" if cell.cell_type == "code" else "markdown"
        cells.append(
            {"number": number, "kind": kind, "source": cell.source, "state": state, "output": text}
        )
    return cells


def _cell_trace(nb: Any) -> str | None:
    """The traceback of the failed cell, as the kernel formatted it, without colour codes."""
    for cell in reversed(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return _ANSI.sub("", "\n".join(output.get("traceback", [])))
    return None


def _read_state(run_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((run_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def run_notebook(invocation: dict[str, Any], dbutils: DBUtils, run_dir: Path) -> Result:
    notebook = invocation["path"]
    try:
        path = resolve_notebook_path(Path(invocation["workspace_root"]), notebook)
    except (ValueError, OSError) as exc:
        raise SetupError(str(exc)) from None
    if path.suffix == ".ipynb":
        return _run_ipynb(path, notebook, run_dir)
    return _run_source_notebook(path, notebook, dbutils, run_dir)

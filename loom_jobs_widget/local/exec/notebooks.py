"""Notebook tasks in the child: a source-format notebook's cells run in this process, in a
fresh `__main__`; a `.ipynb` notebook runs in a kernel of this interpreter through nbclient, and
its executed copy is kept in the task-run folder. Python cells run as they are, `%md` cells are
shown, not run, and `%sql`, `%fs`, `%sh`, `%pip` and `%run` cells run through a
`NotebookSession` (`magics`), the same in both formats; cells that only run on Databricks
(%scala, %r, %conda; `magics.refusal`) fail the task before anything runs. Either way the cells
are recorded with what each one printed and displayed (`cells`, `display`), for the run's
exported notebook."""

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
from pathlib import Path
from typing import Any, NoReturn

from loom_jobs_widget.local.exec import display as displays
from loom_jobs_widget.local.exec import spark as sparks
from loom_jobs_widget.local.exec.cells import CellLog, write_cells
from loom_jobs_widget.local.exec.dbutils import DBUtils, NotebookExit
from loom_jobs_widget.local.exec.magics import CellFailed, NotebookSession, refusal
from loom_jobs_widget.local.exec.notebook_source import (
    MARKDOWN_MAGICS,
    RUN_MAGICS,
    Cell,
    ipynb_cell,
    kind_of,
    magic_parts,
    python_of,
    read_notebook_cells,
    shown_source,
)
from loom_jobs_widget.local.exec.paths import resolve_notebook_path
from loom_jobs_widget.local.exec.protocol import EXECUTED_NOTEBOOK, STATE_FILE
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

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


# --- notebooks: source format, in this process ----------------------------------------------------


def _check_cells(cells: list[Cell], notebook: str, *, kernel: bool = False) -> None:
    for cell in cells:
        reason = refusal(cell, notebook, kernel=kernel)
        if reason is not None:
            raise SetupError(f"{reason}, so it ran nothing of this notebook")


def _cell_failure(exc: CellFailed) -> Result:
    """A failed magic cell: its message names the cell; the trace adds what caused it."""
    message = str(exc)
    cause = exc.__cause__
    trace = message if cause is None else "".join(traceback.format_exception(cause)) + message
    sys.stderr.write(trace + "\n")
    return failure(message, trace)


def _run_source_notebook(
    path: Path, notebook: str, invocation: dict[str, Any], dbutils: DBUtils, run_dir: Path
) -> Result:
    try:
        cells = read_notebook_cells(path, notebook)
    except ValueError as exc:
        raise SetupError(str(exc)) from None
    _check_cells(cells, notebook)
    record = CellLog(run_dir, [(cell.number, kind_of(cell), shown_source(cell)) for cell in cells])
    filename = str(path)
    codes = []
    for index, cell in enumerate(cells):
        source = python_of(cell)
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
    builtins.display = displays.display  # type: ignore[attr-defined]
    builtins.displayHTML = displays.displayHTML  # type: ignore[attr-defined]
    displays.set_publisher(record.displayed)
    # A fresh __main__, as a notebook's namespace is: classes defined in cells pickle. (The
    # bootstrap, running as __main__, stays alive through the frames that use it.)
    module = types.ModuleType("__main__")
    sys.modules["__main__"] = module
    sparks.inject(module.__dict__, dbutils)
    enter_folder(path.parent)
    session = NotebookSession(
        notebook=notebook,
        folder=path.parent,
        invocation=invocation,
        dbutils=dbutils,
        namespace=module.__dict__,
    )
    current = 0
    try:
        for current, (cell, code) in enumerate(zip(cells, codes, strict=True)):
            record.reached(current)
            if code is not None:
                exec(code, module.__dict__)
            elif cell.magic in RUN_MAGICS:
                args, body = magic_parts(cell)
                session.run_magic(cell.number, cell.magic, args, body)
    except NotebookExit as exc:
        print(f"Notebook exited: {exc.value}")
        return success(exc.value)
    except SystemExit as exc:
        result = exit_result(exc, filename)
        if result["result_state"] != "SUCCESS":
            record.failed(current)
        return result
    except CellFailed as exc:
        record.failed(current)
        return _cell_failure(exc)
    except BaseException as exc:
        record.failed(current)
        return failure_from(sparks.explained(exc), filename)
    finally:
        displays.set_publisher(None)
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
    originals: dict[int, str] = {}  # the magic cells' own sources, put back after the run
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        parsed = ipynb_cell(index + 1, cell.source)
        cells.append(parsed)
        if parsed.magic in MARKDOWN_MAGICS:
            # A %md code cell (Databricks' ipynb export) is documentation, not code.
            nb.cells[index] = nbformat.v4.new_markdown_cell(magic_parts(parsed)[1])
        elif parsed.magic == "python":
            cell.source = python_of(parsed) or ""
        elif parsed.magic in RUN_MAGICS:
            # A line magic of IPython's would take only the first line (and %run, %pip mean
            # other things there): the cell runs as the session's call instead.
            args, body = magic_parts(parsed)
            originals[index + 1] = cell.source  # + 1: the injected cell comes first
            cell.source = (
                f"_loom_session.run_magic({parsed.number}, {parsed.magic!r}, {args!r}, {body!r})"
            )
    _check_cells(cells, notebook, kernel=True)
    # Visible in the executed copy, so the user sees how dbutils came to be (as papermill does).
    injected = nbformat.v4.new_code_cell(
        "# Injected by the loom local workspace: dbutils, display and the magic cells of this"
        " task run.\n"
        "from loom_jobs_widget.local.exec.magics import install_in_kernel as _loom_install\n"
        f"dbutils, _loom_session = _loom_install({str(run_dir)!r})\n"
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
        if exc.ename == CellFailed.__name__:
            return failure(exc.evalue, _cell_trace(nb) or exc.evalue)
        return failure(f"{exc.ename}: {exc.evalue}", _cell_trace(nb) or _ANSI.sub("", str(exc)))
    except Exception as exc:  # a dead or unreachable kernel, a timeout starting it
        return failure(exception_line(exc), "".join(traceback.format_exception(exc)))
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
        for index, source in originals.items():
            nb.cells[index].source = source
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
        kept: dict[str, Any] = {
            "number": number,
            "kind": kind,
            "source": cell.source,
            "state": state,
            "output": text,
        }
        entries = [
            dict(output["data"][displays.DISPLAY_MIME])
            for output in outputs
            if output.get("output_type") == "display_data"
            and displays.DISPLAY_MIME in (output.get("data") or {})
        ]
        if entries:
            kept["displays"] = entries
        cells.append(kept)
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
    return _run_source_notebook(path, notebook, invocation, dbutils, run_dir)

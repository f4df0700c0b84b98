"""The child side of a local task run: `python -m loom_jobs_widget.local.exec.bootstrap RUN_DIR`.

Reads `invocation.json` from RUN_DIR, runs the workload (a Python file, a source-format notebook
in this process, a `.ipynb` notebook in a kernel through nbclient, a SQL file on the local
warehouse, a wheel's entry point in this process, a jar's main class or dbt commands in a child
process of this one), and writes `result.json` as its last act; exit status 0 on success, 1 on
failure. The parent trusts `result.json`, and treats its absence as a crash.

`python -m loom_jobs_widget.local.exec.bootstrap --fork-server FD` is the same program as a warm
task interpreter (`forkserver`): it forks one such process per task run instead of being one.

The working directory during the run is the folder of the file or notebook, and that folder comes
first on `sys.path`: Databricks Runtime 14+ does the same for workspace files and notebooks.
"""

from __future__ import annotations

import builtins
import importlib
import importlib.util
import json
import os
import re
import runpy
import shlex
import shutil
import signal
import subprocess
import sys
import traceback
import types
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn

from loom_jobs_widget.local.exec import forkserver, warehouse
from loom_jobs_widget.local.exec.dbutils import DBUtils, NotebookExit, load
from loom_jobs_widget.local.exec.runners import (
    EXECUTED_NOTEBOOK,
    INVOCATION_FILE,
    NOTEBOOK_HEADER,
    RESULT_FILE,
    SQL_ROWS,
    STATE_FILE,
    WORKLOAD_FAILED,
    resolve_inside,
    resolve_notebook_path,
    resolve_workspace_path,
)

Result = dict[str, Any]

_COMMAND_SEPARATOR = "# COMMAND ----------"
_MAGIC_PREFIX = "# MAGIC"
#: Cells in these languages or magics are not run locally; the task fails up front, naming them.
#: (%pip and %run are refused rather than run: %pip would change the local environment, and
#: %run of another notebook is not implemented yet.)
_UNSUPPORTED_MAGICS = frozenset({"sql", "sh", "scala", "r", "fs", "run", "pip", "conda"})
_MARKDOWN_MAGICS = frozenset({"md", "md-sandbox"})
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class SetupError(Exception):
    """The workload could not start (missing file, not a notebook, unsupported cell). The message
    is for the user and becomes the run's state message; there is no traceback to show."""


# --- results -------------------------------------------------------------------------------------


def _success(notebook_result: str | None = None) -> Result:
    return {"result_state": "SUCCESS", "notebook_result": notebook_result}


def _failure(error: str, trace: str | None, state_message: str = WORKLOAD_FAILED) -> Result:
    return {
        "result_state": "FAILED",
        "state_message": state_message,
        "error": error,
        "error_trace": trace,
    }


def _exception_line(exc: BaseException) -> str:
    """`ValueError: bad input`, named as Python's traceback names it."""
    cls = type(exc)
    name = cls.__qualname__
    if cls.__module__ not in ("builtins", "__main__"):
        name = f"{cls.__module__}.{name}"
    text = str(exc)
    return f"{name}: {text}" if text else name


def _user_trace(exc: BaseException, filename: str) -> str:
    """The traceback from the user's file on: the bootstrap's and runpy's frames are noise."""
    tb: TracebackType | None = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    # No frame of the file (a SyntaxError while compiling it): the exception text says where.
    return "".join(traceback.format_exception(type(exc), exc, tb))


def _failure_from(exc: BaseException, filename: str) -> Result:
    trace = _user_trace(exc, filename)
    sys.stderr.write(trace)  # what `python file.py` would print, so the logs show it too
    return _failure(_exception_line(exc), trace)


def _exit_result(exc: SystemExit, filename: str) -> Result:
    """sys.exit(): 0 or None is success, as for any process; anything else fails the task."""
    if exc.code is None or exc.code == 0:
        return _success()
    if not isinstance(exc.code, int):
        print(exc.code, file=sys.stderr)  # as the interpreter prints sys.exit("message")
    return _failure(_exception_line(exc), _user_trace(exc, filename))


def _enter_folder(folder: Path) -> None:
    os.chdir(folder)
    sys.path[0] = str(folder)


# --- Python files --------------------------------------------------------------------------------


def _local_path(invocation: dict[str, Any], raw: str, *, allow_relative: bool = True) -> Path:
    """The local path of a workspace path or a `dbfs:/` path the task names."""
    try:
        if raw.lower().startswith("dbfs:"):
            return resolve_inside(Path(invocation["dbfs_root"]), raw[5:], shown=raw, area="DBFS")
        return resolve_workspace_path(
            Path(invocation["workspace_root"]), raw, allow_relative=allow_relative
        )
    except ValueError as exc:
        raise SetupError(str(exc)) from None


def _local_file(invocation: dict[str, Any], raw: str, what: str) -> Path:
    path = _local_path(invocation, raw)
    if not path.is_file():
        raise SetupError(f"{what} {raw} not found ({path} does not exist)")
    return path


def _run_python_file(invocation: dict[str, Any], dbutils: DBUtils) -> Result:
    raw = invocation["path"]
    path = _local_file(invocation, raw, "Python file")
    builtins.dbutils = dbutils  # type: ignore[attr-defined]
    _enter_folder(path.parent)
    sys.argv = [str(path), *invocation["argv"]]
    try:
        runpy.run_path(str(path), run_name="__main__")
    except SystemExit as exc:
        return _exit_result(exc, str(path))
    except NotebookExit:
        return _success()  # a Python file has no notebook result
    except BaseException as exc:
        return _failure_from(exc, str(path))
    return _success()


# --- SQL files on the local warehouse ------------------------------------------------------------


def _run_sql(invocation: dict[str, Any]) -> Result:
    raw = invocation["path"]
    # A SQL file's path is absolute for workspace files (SDK `SqlTaskFile.path`).
    path = _local_path(invocation, raw, allow_relative=False)
    if not path.is_file():
        raise SetupError(f"SQL file {raw} not found ({path} does not exist)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SetupError(f"SQL file {raw} cannot be read: {exc}") from None
    import duckdb  # here: the other task types do without it

    try:
        with warehouse.connect(Path(invocation["warehouse"])) as connection:
            result = warehouse.run_script(connection, text, invocation["parameters"])
    except warehouse.SqlError as exc:
        print(exc, file=sys.stderr)
        return _failure(str(exc), None)
    except duckdb.Error as exc:
        # The database's message is what the user needs; DuckDB's Python frames are not.
        print(_exception_line(exc), file=sys.stderr)
        return _failure(_exception_line(exc), str(exc))
    print(
        f"Ran {result.statements} statement(s) of {raw} on the local warehouse; the last one"
        f" returned {len(result.rows)} row(s)" + (" (truncated)" if result.truncated else "")
    )
    outcome = _success()
    outcome["extra_output"] = {
        "sql_output": warehouse.file_output(
            result, text, invocation["warehouse_id"], invocation["context"].get("run_id")
        ),
        SQL_ROWS: warehouse.row_objects(result.columns, result.rows),
    }
    return outcome


# --- Python wheels: an entry point of an installed or attached package ---------------------------


def _install_wheels(invocation: dict[str, Any], run_dir: Path) -> None:
    """The task's `whl` libraries, unpacked into the run folder and put first on sys.path.

    Unpacking is what installing a wheel amounts to for its importable files and its
    `.dist-info` (where the entry points are); scripts, data files and dependencies are not
    installed: a wheel needing more fails on import, saying what is missing.
    """
    import zipfile  # here, as importlib.metadata below: only wheel tasks pay for them

    for number, raw in enumerate(invocation["wheels"]):
        path = _local_file(invocation, raw, "Wheel library")
        target = run_dir / "libraries" / f"{number}-{path.stem}"
        try:
            with zipfile.ZipFile(path) as wheel:
                for name in wheel.namelist():  # a wheel's members must stay in its folder
                    resolve_inside(target, name, shown=name, area="wheel")
                wheel.extractall(target)
        except (zipfile.BadZipFile, ValueError) as exc:
            raise SetupError(f"Wheel library {raw} is not a usable wheel: {exc}") from None
        sys.path.insert(0, str(target))
    importlib.invalidate_caches()


def _check_requirements(requirements: list[str]) -> None:
    import importlib.metadata

    for requirement in requirements:
        name = re.split(r"[\s\[<>=!~;@]", requirement.strip(), maxsplit=1)[0]
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            raise SetupError(
                f"Library {requirement} (pypi) is not installed in the environment of the local"
                f" workspace, which installs nothing itself: pip install {requirement!r}"
            ) from None


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _entry_point(package: str, name: str) -> Any:
    """The function a python_wheel_task calls: the entry point `name` of the distribution
    `package` (console_scripts first, then any group), else `package.name` itself, as the SDK
    documents ("it executes the function from the package directly")."""
    import importlib.metadata

    for dist in importlib.metadata.distributions():
        if _normalized(dist.metadata["Name"] or "") != _normalized(package):
            continue
        points = [ep for ep in dist.entry_points if ep.name == name]
        points.sort(key=lambda ep: ep.group != "console_scripts")
        if points:
            return points[0].load()
        break
    else:
        if importlib.util.find_spec(package.replace("-", "_")) is None:
            raise SetupError(
                f"Package {package} is not installed in the environment of the local workspace"
                " (install it there, or attach its wheel as a whl library of the task)"
            )
    module = importlib.import_module(package.replace("-", "_"))
    function = getattr(module, name, None)
    if not callable(function):
        raise SetupError(
            f"Package {package} has no entry point {name!r} and no function {name}() to call"
        )
    return function


def _run_wheel(invocation: dict[str, Any], dbutils: DBUtils, run_dir: Path) -> Result:
    _install_wheels(invocation, run_dir)
    _check_requirements(invocation["requirements"])
    package, name = invocation["package_name"], invocation["entry_point"]
    builtins.dbutils = dbutils  # type: ignore[attr-defined]
    sys.argv = [package, *invocation["argv"]]
    try:
        function = _entry_point(package, name)
        # As a console script runs it: sys.exit(main()), so a returned code counts.
        raise SystemExit(function())
    except SystemExit as exc:
        return _exit_result(exc, "")
    except SetupError:
        raise
    except BaseException as exc:
        trace = _trace_without_bootstrap(exc)
        sys.stderr.write(trace)
        return _failure(_exception_line(exc), trace)


def _trace_without_bootstrap(exc: BaseException) -> str:
    """The traceback from the first frame that is not this module's on."""
    tb: TracebackType | None = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb))


# --- jars and dbt: programs of their own ---------------------------------------------------------


def _run_program(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> Result:
    """Runs a program with its output in the task's log; fails the task on a non-zero exit,
    with the end of its error output as the trace. The program is in this process's group,
    so canceling the task ends it too."""
    sys.stdout.flush()
    sys.stderr.flush()
    tail: deque[str] = deque(maxlen=200)
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,  # stdout goes straight to the log, as this process's does
        text=True,
        errors="replace",
    )
    assert process.stderr is not None
    for line in process.stderr:  # copied to the log as it comes, the end kept for the trace
        sys.stderr.write(line)
        tail.append(line)
    code = process.wait()
    if code == 0:
        return _success()
    trace = "".join(tail)
    # A JVM's uncaught exception: "Exception in thread "main" java.lang.X: message".
    thrown = re.search(r'^Exception in thread "[^"]*" (.+)$', trace, re.MULTILINE)
    program = Path(argv[0]).name
    error = thrown.group(1) if thrown else f"{program} exited with code {code}"
    return _failure(error, trace or None)


def _java() -> str:
    found = shutil.which("java")
    home = os.environ.get("JAVA_HOME")
    if found is None and home and os.access(Path(home) / "bin" / "java", os.X_OK):
        found = str(Path(home) / "bin" / "java")
    if found is None:
        raise SetupError(
            "spark_jar_task needs Java, and there is no `java` on PATH (nor in JAVA_HOME):"
            " install a JDK or JRE (11 or later) on this machine to run jar tasks locally"
        )
    return found


def _run_jar(invocation: dict[str, Any], run_dir: Path) -> Result:
    java = _java()
    jars = [str(_local_file(invocation, raw, "Jar library")) for raw in invocation["jars"]]
    print(f"Running {invocation['main_class_name']} with {java} (no Spark: a plain JVM)")
    argv = [java, "-cp", os.pathsep.join(jars), invocation["main_class_name"], *invocation["argv"]]
    return _run_program(argv, run_dir)


def _dbt() -> str:
    found = shutil.which("dbt")
    beside = Path(sys.executable).parent / "dbt"  # installed in this venv, not activated
    if found is None and os.access(beside, os.X_OK):
        found = str(beside)
    if found is None:
        raise SetupError(
            "dbt_task needs dbt, and there is no `dbt` on PATH: install dbt-core and an"
            " adapter (dbt-duckdb reaches the local warehouse's database) to run dbt tasks"
            " locally"
        )
    return found


def _run_dbt(invocation: dict[str, Any]) -> Result:
    dbt = _dbt()
    project = _local_path(invocation, invocation["project_directory"] or "/Workspace")
    if not project.is_dir():
        raise SetupError(f"dbt project directory {invocation['project_directory']} not found")
    # profiles_directory is relative to the project; unset, the project's root is used (SDK).
    profiles = (
        project / invocation["profiles_directory"] if invocation["profiles_directory"] else project
    )
    env = {**os.environ, "DBT_PROFILES_DIR": str(profiles)}
    for command in invocation["commands"]:
        print(f"$ {command}")
        result = _run_program([dbt, *shlex.split(command)[1:]], project, env)
        if result["result_state"] != "SUCCESS":
            return result
    return _success()


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


def _display(*objects: Any, **_: Any) -> None:
    """Databricks' `display`, outside a notebook UI: prints what it is given."""
    for obj in objects:
        print(obj)


def _run_source_notebook(path: Path, notebook: str, dbutils: DBUtils) -> Result:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SetupError(f"Notebook {notebook} cannot be read: {exc}") from None
    if not text.startswith(NOTEBOOK_HEADER):
        raise SetupError(f"{notebook} is not a source-format notebook")
    cells = _source_cells(text)
    _check_cells(cells, notebook)
    filename = str(path)
    codes = []
    for cell in cells:
        source = _python_of(cell)
        if source is not None:
            try:
                codes.append(compile(source, filename, "exec"))
            except SyntaxError as exc:
                # Databricks compiles per cell too: a syntax error fails the run at that cell,
                # but here nothing has run yet, which is kinder and as clear.
                return _failure(_exception_line(exc), _user_trace(exc, filename))
    builtins.dbutils = dbutils  # type: ignore[attr-defined]
    if not hasattr(builtins, "display"):
        builtins.display = _display  # type: ignore[attr-defined]
    # A fresh __main__, as a notebook's namespace is: classes defined in cells pickle. (This
    # module, running as __main__, stays alive through the frames that use it.)
    module = types.ModuleType("__main__")
    sys.modules["__main__"] = module
    _enter_folder(path.parent)
    try:
        for code in codes:
            exec(code, module.__dict__)
    except NotebookExit as exc:
        print(f"Notebook exited: {exc.value}")
        return _success(exc.value)
    except SystemExit as exc:
        return _exit_result(exc, filename)
    except BaseException as exc:
        return _failure_from(exc, filename)
    return _success()


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
            return _success(state.get("exit_value") or "")
        return _failure(f"{exc.ename}: {exc.evalue}", _cell_trace(nb) or _ANSI.sub("", str(exc)))
    except Exception as exc:  # a dead or unreachable kernel, a timeout starting it
        return _failure(_exception_line(exc), "".join(traceback.format_exception(exc)))
    finally:
        nbformat.write(nb, str(run_dir / EXECUTED_NOTEBOOK))
    # exit() caught by the notebook's own code, which then ran to the end: the value stands.
    return _success(_read_state(run_dir).get("exit_value"))


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


def _run_notebook(invocation: dict[str, Any], dbutils: DBUtils, run_dir: Path) -> Result:
    notebook = invocation["path"]
    try:
        path = resolve_notebook_path(Path(invocation["workspace_root"]), notebook)
    except (ValueError, OSError) as exc:
        raise SetupError(str(exc)) from None
    if path.suffix == ".ipynb":
        return _run_ipynb(path, notebook, run_dir)
    return _run_source_notebook(path, notebook, dbutils)


# --- entry point ---------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    run_dir = Path(argv[1])
    invocation = json.loads((run_dir / INVOCATION_FILE).read_text(encoding="utf-8"))
    dbutils = load(run_dir)
    try:
        kind = invocation["kind"]
        if kind == "python_file":
            result = _run_python_file(invocation, dbutils)
        elif kind == "sql":
            result = _run_sql(invocation)
        elif kind == "python_wheel":
            result = _run_wheel(invocation, dbutils, run_dir)
        elif kind == "jar":
            result = _run_jar(invocation, run_dir)
        elif kind == "dbt":
            result = _run_dbt(invocation)
        else:
            result = _run_notebook(invocation, dbutils, run_dir)
    except SetupError as exc:
        print(exc, file=sys.stderr)
        result = _failure(str(exc), None, state_message=str(exc))
    except Exception as exc:  # a bug here, not in the task: say so rather than crash silently
        trace = "".join(traceback.format_exception(exc))
        sys.stderr.write(trace)
        result = _failure(f"Internal error of the local task runner: {exc!r}", trace)
    sys.stdout.flush()
    sys.stderr.flush()
    tmp = run_dir / (RESULT_FILE + ".tmp")
    tmp.write_text(json.dumps(result), encoding="utf-8")
    os.replace(tmp, run_dir / RESULT_FILE)
    return 0 if result["result_state"] == "SUCCESS" else 1


if __name__ == "__main__":
    if sys.argv[1:2] == [forkserver.FLAG]:
        # The warm task interpreter (`forkserver`): returns only in a forked task process, set
        # up as a spawned one would be, with its run folder. What every task imports before any
        # user code runs is imported once here: runpy.run_path's own import of pkgutil.
        importlib.import_module("pkgutil")
        sys.argv[1:] = [forkserver.serve(int(sys.argv[2]))]
    sys.exit(main(sys.argv))
